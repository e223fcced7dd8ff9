// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_vty.c: zebra-side CLI of satnet: the `satnet` config node and
 * `show satnet [json]`.
 *
 * This file is also scanned by the rebuilt vtysh (vtysh/extract.pl), which
 * is why it lives in a directory named zebra/: extract.pl derives the
 * daemon a command is sent to from the parent directory's name.
 */
#include <zebra.h>

#include "command.h"
#include "vty.h"
#include "json.h"

#include "satnet_node.h"
#include "satnet_zebra.h"

#ifndef VTYSH_EXTRACT_PL
#include "satnet_vty_clippy.c"
#endif

static int satnet_config_write(struct vty *vty);

static struct cmd_node satnet_node = {
	.name = "satnet",
	.node = SATNET_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-satnet)# ",
	.config_write = satnet_config_write,
};

DEFPY_NOSH(satnet_enter, satnet_enter_cmd, "satnet",
	   "Configure satnet (MPLS-VPN provider edge for satellite nodes)\n")
{
	satnet_zebra.cfg.present = true;
	VTY_PUSH_CONTEXT_NULL(SATNET_NODE);
	return CMD_SUCCESS;
}

DEFPY(satnet_label_range, satnet_label_range_cmd,
      "label-range (16-1048575)$lo (16-1048575)$hi",
      "Dynamic MPLS label range of this node\n"
      "First label\n"
      "Last label\n")
{
	if (lo > hi) {
		vty_out(vty, "%% label-range %ld %ld: first label is above last label\n",
			lo, hi);
		return CMD_WARNING_CONFIG_FAILED;
	}
	satnet_zebra.cfg.label_lo = lo;
	satnet_zebra.cfg.label_hi = hi;
	return CMD_SUCCESS;
}

DEFPY(no_satnet_label_range, no_satnet_label_range_cmd,
      "no label-range [(16-1048575) (16-1048575)]",
      NO_STR
      "Dynamic MPLS label range of this node\n"
      "First label\n"
      "Last label\n")
{
	satnet_zebra.cfg.label_lo = 0;
	satnet_zebra.cfg.label_hi = 0;
	return CMD_SUCCESS;
}

static int satnet_config_write(struct vty *vty)
{
	if (!satnet_zebra.cfg.present)
		return 0;
	vty_out(vty, "satnet\n");
	if (satnet_zebra.cfg.label_hi)
		vty_out(vty, " label-range %u %u\n", satnet_zebra.cfg.label_lo,
			satnet_zebra.cfg.label_hi);
	vty_out(vty, "exit\n!\n");
	return 1;
}

DEFPY(show_satnet, show_satnet_cmd, "show satnet [json]$json",
      SHOW_STR
      "satnet MPLS-VPN provider edge\n"
      JSON_STR)
{
	const struct satnet_zebra *sz = &satnet_zebra;

	if (json) {
		json_object *j = json_object_new_object();
		json_object *lr = json_object_new_object();

		json_object_string_add(j, "version", SATNET_VERSION);
		json_object_boolean_add(j, "mplsKernel", sz->rt.mpls_kernel);
		json_object_int_add(lr, "start", sz->cfg.label_lo);
		json_object_int_add(lr, "end", sz->cfg.label_hi);
		json_object_int_add(lr, "used", 0);
		json_object_object_add(j, "labelRange", lr);
		json_object_object_add(j, "vrfs", json_object_new_array());
		json_object_object_add(j, "mplsInterfaces",
				       json_object_new_array());
		return vty_json(vty, j);
	}

	vty_out(vty, "satnet %s\n", SATNET_VERSION);
	vty_out(vty, "  kernel MPLS:  %s\n",
		sz->rt.mpls_kernel ? "available" : "MISSING (zebra disabled MPLS)");
	if (sz->cfg.label_hi)
		vty_out(vty, "  label range:  %u-%u\n", sz->cfg.label_lo,
			sz->cfg.label_hi);
	else
		vty_out(vty, "  label range:  not configured (zebra default: 16 up)\n");
	return CMD_SUCCESS;
}

void satnet_vty_init(void)
{
	install_node(&satnet_node);
	install_default(SATNET_NODE);
	install_element(CONFIG_NODE, &satnet_enter_cmd);
	install_element(SATNET_NODE, &satnet_label_range_cmd);
	install_element(SATNET_NODE, &no_satnet_label_range_cmd);
	install_element(VIEW_NODE, &show_satnet_cmd);
}
