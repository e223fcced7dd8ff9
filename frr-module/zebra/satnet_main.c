// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_main.c: entry point of zebra_satnet.so.
 *
 * Loaded with `zebra -M satnet`. module_init() only registers hooks; the
 * real setup waits for frr_late_init, when the CLI and the northbound exist
 * (FRR calls it before daemonizing, so no pthreads are started there).
 * The label-manager hook is the exception: zebra announces its label
 * manager (lm_cbs_inited) on its own schedule, so satnet listens from the
 * start.
 */
#include <zebra.h>

#include "libfrr.h"
#include "module.h"
#include "command.h"

#include "satnet_zebra.h"
#include "satnet_nb.h"
#include "satnet_feed.h"

DEFINE_MGROUP(SATNET, "satnet zebra module");
DEFINE_MTYPE(SATNET, SATNET_STATE, "satnet kernel state");

struct satnet_zebra satnet_zebra;

/* zebra's configuration has been read: from its config file
 * (frr_config_post) or at the end of `vtysh -b` (XFRR_end_configuration;
 * zebra itself registers no config callbacks, so satnet may). When zebra's
 * own config file does not exist but an integrated frr.conf does, lib/vty.c
 * reads nothing and waits for `vtysh -b`, and so does satnet.
 */
static int satnet_config_post(struct thread_master *tm)
{
	const char *own = host_config_get();
	char integrated[256];

	snprintf(integrated, sizeof(integrated), "%sfrr.conf", frr_sysconfdir);
	if ((!own || access(own, F_OK) != 0) && access(integrated, F_OK) == 0)
		return 0;
	satnet_labels_config_read();
	return 0;
}

static void satnet_config_start(void)
{
}

static void satnet_config_end(void)
{
	satnet_labels_config_read();
}

static int satnet_late_init(struct thread_master *tm)
{
	satnet_zebra.master = tm;
	satnet_zebra.cfg.isolation = true;
	satnet_zebra.rt.mpls_kernel = access("/proc/sys/net/mpls", F_OK) == 0;
	if (!satnet_zebra.rt.mpls_kernel)
		zlog_warn("satnet: /proc/sys/net/mpls is missing: zebra has disabled MPLS for this run; load mpls_router and mpls_iptunnel before starting zebra");

	satnet_nb_init();
	satnet_vty_init();
	satnet_provision_init();
	satnet_dplane_init();
	satnet_labels_start();
	satnet_feed_init();
	cmd_init_config_callbacks(satnet_config_start, satnet_config_end);
	return 0;
}

static int satnet_fini(void)
{
	satnet_feed_fini();
	satnet_dplane_fini();
	satnet_labels_fini();
	satnet_provision_fini();
	satnet_nb_fini();
	return 0;
}

static int satnet_early_init(struct thread_master *tm)
{
	satnet_dplane_early_sweep();
	return 0;
}

static int satnet_module_init(void)
{
	satnet_labels_init();
	hook_register(frr_early_init, satnet_early_init);
	hook_register(frr_late_init, satnet_late_init);
	hook_register(frr_config_post, satnet_config_post);
	hook_register(frr_fini, satnet_fini);
	return 0;
}

FRR_MODULE_SETUP(.name = "satnet", .version = SATNET_VERSION,
		 .description = "satnet: MPLS-VPN provider edge for satellite nodes",
		 .init = satnet_module_init);
