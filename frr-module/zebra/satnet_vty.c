// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_vty.c: zebra-side CLI of satnet.
 *
 * Config commands only translate to frr-satnet XPaths
 * (nb_cli_enqueue_change); the northbound validates and applies, and
 * running-config comes from the cli_show callbacks below. `show satnet`
 * commands read the module state.
 *
 * This file is also scanned by the rebuilt vtysh (vtysh/extract.pl), which
 * is why it lives in a directory named zebra/: extract.pl derives the
 * daemon a command is sent to from the parent directory's name.
 */
#include <zebra.h>

#include "command.h"
#include "json.h"
#include "northbound_cli.h"
#include "vty.h"
#include "yang.h"

#include "satnet_node.h"
#include "satnet_nb.h"
#include "satnet_zebra.h"
#include "satnet_dp.h"
#include "satnet_feed.h"

#ifndef VTYSH_EXTRACT_PL
#include "satnet_vty_clippy.c"
#endif

#define SATNET_STR "satnet MPLS-VPN provider edge\n"

static int satnet_config_write(struct vty *vty);

static struct cmd_node satnet_node = {
	.name = "satnet",
	.node = SATNET_NODE,
	.parent_node = CONFIG_NODE,
	.prompt = "%s(config-satnet)# ",
	.config_write = satnet_config_write,
};

/* Friendly refusals before the northbound sees a value YANG would reject
 * with a terser message. */
static bool ifname_ok(struct vty *vty, const char *what, const char *name)
{
	const char *why;

	if (sdp_ifname_check(name, &why) == 0)
		return true;
	vty_out(vty, "%% %s %s: %s\n", what, name, why);
	return false;
}

DEFPY_NOSH(satnet_enter, satnet_enter_cmd, "satnet",
	   "Configure satnet (MPLS-VPN provider edge for satellite nodes)\n")
{
	int ret;

	nb_cli_enqueue_change(vty, SATNET_XPATH, NB_OP_CREATE, NULL);
	ret = nb_cli_apply_changes(vty, NULL);
	if (ret == CMD_SUCCESS)
		VTY_PUSH_XPATH(SATNET_NODE, SATNET_XPATH);
	return ret;
}

DEFPY(no_satnet, no_satnet_cmd, "no satnet",
      NO_STR
      "Remove the satnet configuration and what satnet created\n")
{
	nb_cli_enqueue_change(vty, SATNET_XPATH, NB_OP_DESTROY, NULL);
	return nb_cli_apply_changes(vty, NULL);
}

DEFPY_YANG(satnet_label_range, satnet_label_range_cmd,
	   "label-range (0-4294967295)$lo (0-4294967295)$hi",
	   "Dynamic MPLS label range of this node\n"
	   "First label (16-1048574)\n"
	   "Last label (16-1048574)\n")
{
	const char *why;

	if (sdp_label_range_check(lo, hi, &why)) {
		vty_out(vty, "%% label-range %ld %ld: %s\n", lo, hi, why);
		return CMD_WARNING_CONFIG_FAILED;
	}
	nb_cli_enqueue_change(vty, "./label-range", NB_OP_CREATE, NULL);
	nb_cli_enqueue_change(vty, "./label-range/start", NB_OP_MODIFY, lo_str);
	nb_cli_enqueue_change(vty, "./label-range/end", NB_OP_MODIFY, hi_str);
	return nb_cli_apply_changes(vty, NULL);
}

DEFPY_YANG(no_satnet_label_range, no_satnet_label_range_cmd,
	   "no label-range [(0-4294967295) (0-4294967295)]",
	   NO_STR
	   "Dynamic MPLS label range of this node\n"
	   "First label\n"
	   "Last label\n")
{
	nb_cli_enqueue_change(vty, "./label-range", NB_OP_DESTROY, NULL);
	return nb_cli_apply_changes(vty, NULL);
}

DEFPY_YANG(satnet_platform_labels, satnet_platform_labels_cmd,
	   "platform-labels <raise|leave>$policy",
	   "Policy for net.mpls.platform_labels\n"
	   "Raise it to cover the range and labels in use, never lower it\n"
	   "Never touch it\n")
{
	nb_cli_enqueue_change(vty, "./platform-labels", NB_OP_MODIFY, policy);
	return nb_cli_apply_changes(vty, NULL);
}

DEFPY_YANG(no_satnet_platform_labels, no_satnet_platform_labels_cmd,
	   "no platform-labels [<raise|leave>]",
	   NO_STR
	   "Policy for net.mpls.platform_labels (back to raise)\n"
	   "Raise\n"
	   "Leave\n")
{
	nb_cli_enqueue_change(vty, "./platform-labels", NB_OP_DESTROY, NULL);
	return nb_cli_apply_changes(vty, NULL);
}

DEFPY_YANG(satnet_vrf_isolation, satnet_vrf_isolation_cmd,
	   "[no$no] vrf-isolation",
	   NO_STR
	   "Keep customer VRF hosts away from the node's own addresses\n")
{
	nb_cli_enqueue_change(vty, "./vrf-isolation", NB_OP_MODIFY,
			      no ? "false" : "true");
	return nb_cli_apply_changes(vty, NULL);
}

DEFPY_YANG(satnet_vrf, satnet_vrf_cmd,
	   "vrf WORD$name table (0-4294967295)$table [adopt$adopt]",
	   "A Linux VRF device satnet creates\n"
	   "VRF name\n"
	   "Routing table of the VRF\n"
	   "Table id (1-252, 256-4294967294)\n"
	   "Take over an existing VRF device of that name\n")
{
	char xpath[XPATH_MAXLEN];
	const char *why;

	if (!ifname_ok(vty, "vrf", name))
		return CMD_WARNING_CONFIG_FAILED;
	if (sdp_vrf_name_check(name, &why)) {
		vty_out(vty, "%% vrf %s: %s\n", name, why);
		return CMD_WARNING_CONFIG_FAILED;
	}
	if (sdp_vrf_table_check(table, &why)) {
		vty_out(vty, "%% vrf %s table %ld: %s\n", name, table, why);
		return CMD_WARNING_CONFIG_FAILED;
	}
	snprintf(xpath, sizeof(xpath), "./vrf[name='%s']", name);
	nb_cli_enqueue_change(vty, xpath, NB_OP_CREATE, NULL);
	snprintf(xpath, sizeof(xpath), "./vrf[name='%s']/table", name);
	nb_cli_enqueue_change(vty, xpath, NB_OP_MODIFY, table_str);
	snprintf(xpath, sizeof(xpath), "./vrf[name='%s']/adopt", name);
	nb_cli_enqueue_change(vty, xpath, NB_OP_MODIFY,
			      adopt ? "true" : "false");
	return nb_cli_apply_changes(vty, NULL);
}

DEFPY_YANG(no_satnet_vrf, no_satnet_vrf_cmd,
	   "no vrf WORD$name [table (0-4294967295)] [adopt]",
	   NO_STR
	   "A Linux VRF device satnet creates\n"
	   "VRF name\n"
	   "Routing table of the VRF\n"
	   "Table id\n"
	   "Adopt\n")
{
	char xpath[XPATH_MAXLEN];

	snprintf(xpath, sizeof(xpath), "./vrf[name='%s']", name);
	nb_cli_enqueue_change(vty, xpath, NB_OP_DESTROY, NULL);
	return nb_cli_apply_changes(vty, NULL);
}

DEFPY_YANG(satnet_vrf_member, satnet_vrf_member_cmd,
	   "[no$no] vrf WORD$name member WORD$ifname",
	   NO_STR
	   "A Linux VRF device satnet creates\n"
	   "VRF name\n"
	   "Enslave an interface to the VRF\n"
	   "Interface name\n")
{
	char xpath[XPATH_MAXLEN];

	if (!no && !ifname_ok(vty, "member", ifname))
		return CMD_WARNING_CONFIG_FAILED;
	if (!no && !yang_dnode_existsf(vty->candidate_config->dnode,
				       "%s/vrf[name='%s']", SATNET_XPATH, name)) {
		vty_out(vty,
			"%% vrf %s member %s: no vrf %s; define it first with 'vrf %s table ID'\n",
			name, ifname, name, name);
		return CMD_WARNING_CONFIG_FAILED;
	}
	/* Leaf-list entries are named by the list path and the value; the
	 * northbound adds the [.='value'] predicate itself. */
	snprintf(xpath, sizeof(xpath), "./vrf[name='%s']/member", name);
	nb_cli_enqueue_change(vty, xpath, no ? NB_OP_DESTROY : NB_OP_CREATE,
			      ifname);
	return nb_cli_apply_changes(vty, NULL);
}

DEFPY_YANG(satnet_mpls_if, satnet_mpls_if_cmd,
	   "[no$no] mpls interface WORD$ifname",
	   NO_STR
	   "MPLS forwarding\n"
	   "Accept labelled packets on an interface\n"
	   "Interface name\n")
{
	char xpath[XPATH_MAXLEN];

	if (!no && !ifname_ok(vty, "mpls interface", ifname))
		return CMD_WARNING_CONFIG_FAILED;
	snprintf(xpath, sizeof(xpath), "./mpls-interface[name='%s']", ifname);
	nb_cli_enqueue_change(vty, xpath, no ? NB_OP_DESTROY : NB_OP_CREATE,
			      NULL);
	return nb_cli_apply_changes(vty, NULL);
}

/* Running config. */
void satnet_cli_show(struct vty *vty, const struct lyd_node *dnode,
		     bool show_defaults)
{
	vty_out(vty, "satnet\n");
}

void satnet_cli_show_end(struct vty *vty, const struct lyd_node *dnode)
{
	vty_out(vty, "exit\n");
}

void satnet_cli_show_label_range(struct vty *vty, const struct lyd_node *dnode,
				 bool show_defaults)
{
	vty_out(vty, " label-range %u %u\n",
		yang_dnode_get_uint32(dnode, "./start"),
		yang_dnode_get_uint32(dnode, "./end"));
}

void satnet_cli_show_platform_labels(struct vty *vty,
				     const struct lyd_node *dnode,
				     bool show_defaults)
{
	vty_out(vty, " platform-labels %s\n",
		yang_dnode_get_string(dnode, NULL));
}

void satnet_cli_show_vrf_isolation(struct vty *vty,
				   const struct lyd_node *dnode,
				   bool show_defaults)
{
	vty_out(vty, " %svrf-isolation\n",
		yang_dnode_get_bool(dnode, NULL) ? "" : "no ");
}

void satnet_cli_show_vrf(struct vty *vty, const struct lyd_node *dnode,
			 bool show_defaults)
{
	vty_out(vty, " vrf %s table %u%s\n",
		yang_dnode_get_string(dnode, "./name"),
		yang_dnode_get_uint32(dnode, "./table"),
		yang_dnode_get_bool(dnode, "./adopt") ? " adopt" : "");
}

void satnet_cli_show_vrf_member(struct vty *vty, const struct lyd_node *dnode,
				bool show_defaults)
{
	vty_out(vty, " vrf %s member %s\n",
		yang_dnode_get_string(dnode, "../name"),
		yang_dnode_get_string(dnode, NULL));
}

void satnet_cli_show_mpls_if(struct vty *vty, const struct lyd_node *dnode,
			     bool show_defaults)
{
	vty_out(vty, " mpls interface %s\n",
		yang_dnode_get_string(dnode, "./name"));
}

static int satnet_config_write(struct vty *vty)
{
	const struct lyd_node *dnode;

	dnode = yang_dnode_get(running_config->dnode, SATNET_XPATH);
	if (!dnode)
		return 0;
	nb_cli_show_dnode_cmds(vty, dnode, false);
	vty_out(vty, "!\n");
	return 1;
}

/* show satnet */
static json_object *kobj_json(const struct satnet_kobj *k)
{
	json_object *j = json_object_new_object();

	json_object_string_add(j, "state", satnet_kstate_str(k->state));
	if (k->reason[0])
		json_object_string_add(j, "reason", k->reason);
	return j;
}

/* One configured VRF with its kernel state (show satnet, show satnet vrf). */
static json_object *vrf_json(const struct satnet_cfg_vrf *v,
			     const struct satnet_kobj *k, bool with_adopt)
{
	json_object *jv = json_object_new_object();
	json_object *jm = json_object_new_array();

	json_object_string_add(jv, "name", v->name);
	json_object_int_add(jv, "table", v->table);
	if (with_adopt)
		json_object_boolean_add(jv, "adopt", v->adopt);
	for (size_t m = 0; m < v->n_members; m++)
		json_object_array_add(jm, json_object_new_string(v->members[m]));
	json_object_object_add(jv, "members", jm);
	json_object_object_add(jv, "kernel", kobj_json(k));
	return jv;
}

static void show_satnet_json(struct vty *vty)
{
	const struct satnet_zebra *sz = &satnet_zebra;
	const struct satnet_cfg *c = &sz->cfg;
	json_object *j = json_object_new_object();
	json_object *lr = json_object_new_object();
	json_object *vrfs = json_object_new_array();
	json_object *ifs = json_object_new_array();
	json_object *cnt = json_object_new_object();

	json_object_string_add(j, "version", SATNET_VERSION);
	json_object_boolean_add(j, "configured", sz->configured);
	json_object_boolean_add(j, "mplsKernel", sz->rt.mpls_kernel);
	json_object_int_add(j, "platformLabels", satnet_platform_labels_read());
	json_object_string_add(j, "platformLabelsPolicy",
			       c->platform == SATNET_PLATFORM_LEAVE ? "leave"
								    : "raise");
	json_object_boolean_add(j, "vrfIsolation", c->isolation);

	if (c->has_range) {
		json_object_int_add(lr, "start", c->label_lo);
		json_object_int_add(lr, "end", c->label_hi);
	} else {
		json_object_object_add(lr, "start", NULL);
		json_object_object_add(lr, "end", NULL);
	}
	json_object_int_add(lr, "used", satnet_labels_used());
	json_object_object_add(j, "labelRange", lr);

	for (size_t i = 0; i < c->n_vrfs; i++)
		json_object_array_add(vrfs,
				      vrf_json(&c->vrfs[i], &sz->vrf_k[i], false));
	json_object_object_add(j, "vrfs", vrfs);

	for (size_t i = 0; i < c->n_mpls_ifs; i++) {
		json_object *ji = json_object_new_object();

		json_object_string_add(ji, "name", c->mpls_ifs[i]);
		json_object_boolean_add(ji, "mplsInput", sz->if_mpls_input[i]);
		json_object_object_add(ji, "kernel", kobj_json(&sz->if_k[i]));
		json_object_array_add(ifs, ji);
	}
	json_object_object_add(j, "mplsInterfaces", ifs);

	json_object_int_add(cnt, "applies", sz->counters.applies);
	json_object_int_add(cnt, "repairs", sz->counters.repairs);
	json_object_int_add(cnt, "kernelErrors", sz->counters.kernel_errors);
	json_object_int_add(cnt, "labelChunksRefused", sz->counters.lm_refused);
	json_object_object_add(j, "counters", cnt);
	json_object_object_add(j, "feed", satnet_feed_json());
	vty_json(vty, j);
}

DEFPY(show_satnet, show_satnet_cmd, "show satnet [json]$json",
      SHOW_STR SATNET_STR JSON_STR)
{
	const struct satnet_zebra *sz = &satnet_zebra;
	const struct satnet_cfg *c = &sz->cfg;

	if (json) {
		show_satnet_json(vty);
		return CMD_SUCCESS;
	}

	vty_out(vty, "satnet %s%s\n", SATNET_VERSION,
		sz->configured ? "" : " (no satnet block configured)");
	vty_out(vty, "  kernel MPLS      %s\n",
		sz->rt.mpls_kernel ? "available"
				   : "MISSING: zebra disabled MPLS at start");
	if (c->has_range)
		vty_out(vty, "  label range      %u-%u, %u in use\n",
			c->label_lo, c->label_hi, satnet_labels_used());
	else
		vty_out(vty, "  label range      none (zebra default: from 16 up)\n");
	vty_out(vty, "  platform_labels  %u (policy %s)\n",
		satnet_platform_labels_read(),
		c->platform == SATNET_PLATFORM_LEAVE ? "leave" : "raise");
	vty_out(vty, "  vrf isolation    %s\n", c->isolation ? "on" : "off");
	vty_out(vty, "  VRFs             %zu\n", c->n_vrfs);
	for (size_t i = 0; i < c->n_vrfs; i++) {
		const struct satnet_cfg_vrf *v = &c->vrfs[i];

		vty_out(vty, "    %-15s table %-10u %-9s %s\n", v->name,
			v->table, satnet_kstate_str(sz->vrf_k[i].state),
			sz->vrf_k[i].reason);
		for (size_t m = 0; m < v->n_members; m++)
			vty_out(vty, "      member %s\n", v->members[m]);
	}
	vty_out(vty, "  MPLS interfaces  %zu\n", c->n_mpls_ifs);
	for (size_t i = 0; i < c->n_mpls_ifs; i++)
		vty_out(vty, "    %-15s input %-3s %-9s %s\n", c->mpls_ifs[i],
			sz->if_mpls_input[i] ? "on" : "off",
			satnet_kstate_str(sz->if_k[i].state),
			sz->if_k[i].reason);
	vty_out(vty, "  counters         applies %u, repairs %u, kernel errors %u, label chunks refused %u\n",
		sz->counters.applies, sz->counters.repairs,
		sz->counters.kernel_errors, sz->counters.lm_refused);
	satnet_feed_show(vty);
	return CMD_SUCCESS;
}

DEFPY(show_satnet_vrf, show_satnet_vrf_cmd,
      "show satnet vrf [WORD$name] [json]$json",
      SHOW_STR SATNET_STR
      "VRFs satnet provisions\n"
      "VRF name\n"
      JSON_STR)
{
	const struct satnet_zebra *sz = &satnet_zebra;
	const struct satnet_cfg *c = &sz->cfg;
	json_object *jvrfs = json ? json_object_new_array() : NULL;
	bool found = false;

	for (size_t i = 0; i < c->n_vrfs; i++) {
		const struct satnet_cfg_vrf *v = &c->vrfs[i];

		if (name && strcmp(name, v->name))
			continue;
		found = true;
		if (json) {
			json_object_array_add(jvrfs,
					      vrf_json(v, &sz->vrf_k[i], true));
			continue;
		}
		vty_out(vty, "vrf %s table %u%s: %s%s%s\n", v->name, v->table,
			v->adopt ? " (adopted)" : "",
			satnet_kstate_str(sz->vrf_k[i].state),
			sz->vrf_k[i].reason[0] ? ", " : "",
			sz->vrf_k[i].reason);
		for (size_t m = 0; m < v->n_members; m++)
			vty_out(vty, "  member %s\n", v->members[m]);
	}
	if (json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "vrfs", jvrfs);
		return vty_json(vty, j);
	}
	if (!found && name) {
		vty_out(vty, "%% no satnet vrf %s\n", name);
		return CMD_WARNING;
	}
	if (!found)
		vty_out(vty, "No VRFs configured in the satnet block\n");
	return CMD_SUCCESS;
}

DEFPY(show_satnet_interfaces, show_satnet_interfaces_cmd,
      "show satnet interfaces [json]$json",
      SHOW_STR SATNET_STR
      "MPLS interfaces satnet provisions\n"
      JSON_STR)
{
	const struct satnet_zebra *sz = &satnet_zebra;
	const struct satnet_cfg *c = &sz->cfg;
	json_object *jifs = json ? json_object_new_array() : NULL;

	for (size_t i = 0; i < c->n_mpls_ifs; i++) {
		/* Kernel MPLS counters, since `clear satnet counters`. */
		struct sdp_mpls_stats st;
		const char *why = NULL;
		bool have = satnet_if_mpls_counters(c->mpls_ifs[i], &st,
						    &why) == 0;

		if (json) {
			json_object *ji = json_object_new_object();
			json_object *jc = NULL;

			json_object_string_add(ji, "name", c->mpls_ifs[i]);
			json_object_boolean_add(ji, "mplsInput",
						sz->if_mpls_input[i]);
			json_object_object_add(ji, "kernel",
					       kobj_json(&sz->if_k[i]));
			if (have) {
				jc = json_object_new_object();
				json_object_int_add(jc, "rxPackets", st.rx_packets);
				json_object_int_add(jc, "txPackets", st.tx_packets);
				json_object_int_add(jc, "rxBytes", st.rx_bytes);
				json_object_int_add(jc, "txBytes", st.tx_bytes);
				json_object_int_add(jc, "rxErrors", st.rx_errors);
				json_object_int_add(jc, "txErrors", st.tx_errors);
				json_object_int_add(jc, "rxDropped", st.rx_dropped);
				json_object_int_add(jc, "txDropped", st.tx_dropped);
				json_object_int_add(jc, "rxNoRoute", st.rx_noroute);
			} else if (why && why[0]) {
				json_object_string_add(ji, "countersError", why);
			}
			json_object_object_add(ji, "counters", jc);
			json_object_array_add(jifs, ji);
			continue;
		}
		vty_out(vty, "%-15s mpls input %-3s %s%s%s\n", c->mpls_ifs[i],
			sz->if_mpls_input[i] ? "on" : "off",
			satnet_kstate_str(sz->if_k[i].state),
			sz->if_k[i].reason[0] ? ", " : "", sz->if_k[i].reason);
		if (have)
			vty_out(vty,
				"  mpls rx %" PRIu64 " packets %" PRIu64 " bytes, tx %" PRIu64 " packets %" PRIu64 " bytes\n"
				"  errors rx %" PRIu64 " tx %" PRIu64 ", dropped rx %" PRIu64 " tx %" PRIu64 ", no route %" PRIu64 "\n",
				st.rx_packets, st.rx_bytes, st.tx_packets,
				st.tx_bytes, st.rx_errors, st.tx_errors,
				st.rx_dropped, st.tx_dropped, st.rx_noroute);
		else
			vty_out(vty, "  mpls counters unavailable%s%s\n",
				why && why[0] ? ": " : "", why ? why : "");
	}
	if (json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "interfaces", jifs);
		return vty_json(vty, j);
	}
	if (!c->n_mpls_ifs)
		vty_out(vty, "No MPLS interfaces configured in the satnet block\n");
	return CMD_SUCCESS;
}

void satnet_vty_init(void)
{
	install_node(&satnet_node);
	install_default(SATNET_NODE);
	install_element(CONFIG_NODE, &satnet_enter_cmd);
	install_element(CONFIG_NODE, &no_satnet_cmd);
	install_element(SATNET_NODE, &satnet_label_range_cmd);
	install_element(SATNET_NODE, &no_satnet_label_range_cmd);
	install_element(SATNET_NODE, &satnet_platform_labels_cmd);
	install_element(SATNET_NODE, &no_satnet_platform_labels_cmd);
	install_element(SATNET_NODE, &satnet_vrf_isolation_cmd);
	install_element(SATNET_NODE, &satnet_vrf_cmd);
	install_element(SATNET_NODE, &no_satnet_vrf_cmd);
	install_element(SATNET_NODE, &satnet_vrf_member_cmd);
	install_element(SATNET_NODE, &satnet_mpls_if_cmd);
	install_element(VIEW_NODE, &show_satnet_cmd);
	install_element(VIEW_NODE, &show_satnet_vrf_cmd);
	install_element(VIEW_NODE, &show_satnet_interfaces_cmd);
}
