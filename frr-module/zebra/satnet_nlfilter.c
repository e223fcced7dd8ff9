// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_nlfilter.c: attach satnet's filter (satnet_nlfilter.h) to
 * zebra's netlink-listen socket.
 *
 * zebra attaches its own filter once, in kernel_init(), before any
 * provider starts; SO_ATTACH_FILTER replaces it, so satnet's program
 * carries zebra's rule as well. zebra's sockets live as long as zebra;
 * satnet's provider socket is opened once in the provider's start
 * callback (sdpl_start()) and never re-opened, so one attach suffices.
 */
#include <zebra.h>

#include "zebra/zebra_ns.h"

#include "satnet_nlfilter.h"

int satnet_nlfilter_install(uint32_t satnet_port)
{
	struct zebra_ns *zns = zebra_ns_lookup(NS_DEFAULT);
	struct sock_filter insn[SN_NLFILTER_MAX];
	struct sock_fprog prog = {};
	int n, ret;

	if (!satnet_port) {
		zlog_warn("satnet: no netlink port for the provider's socket: zebra keeps reading the notifications satnet's route writes cause");
		return -EINVAL;
	}
	if (!zns || zns->netlink.sock < 0) {
		zlog_warn("satnet: zebra has no netlink-listen socket: no filter for the notifications satnet's route writes cause");
		return -ENOENT;
	}
	n = sn_nlfilter_build(insn, array_size(insn),
			      zns->netlink_cmd.snl.nl_pid,
			      zns->netlink_dplane_out.snl.nl_pid, satnet_port);
	if (n < 0) {
		zlog_err("satnet: cannot build the netlink filter: %s",
			 safe_strerror(-n));
		return n;
	}
	prog.len = n;
	prog.filter = insn;
	if (setsockopt(zns->netlink.sock, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog))
	    < 0) {
		ret = -errno;
		zlog_err("satnet: cannot filter %s (%s): zebra keeps reading the route notifications satnet's writes cause",
			 zns->netlink.name, safe_strerror(-ret));
		return ret;
	}
	zlog_info("satnet: %s drops the route and nexthop notifications of satnet's provider socket (port %u), and as before those of zebra's own (ports %u, %u) but addresses and netconf",
		  zns->netlink.name, satnet_port, zns->netlink_cmd.snl.nl_pid,
		  zns->netlink_dplane_out.snl.nl_pid);
	return 0;
}
