/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_nlfilter.h: the socket filter on zebra's netlink-listen socket.
 *
 * DOC: why zebra must not hear satnet's route writes
 *
 * zebra learns the kernel's routing changes on its "netlink-listen"
 * socket and keeps its own writes out with a classic BPF filter
 * (zebra/kernel_netlink.c netlink_install_filter()): a notification
 * whose nlmsg_pid is one of zebra's two writing sockets (netlink-cmd,
 * netlink-dp) is dropped unless it is an address or netconf change.
 * satnet's provider writes the routes of satnet's VRF tables from a
 * socket of its own, so every RTM_NEWROUTE and RTM_DELROUTE it causes
 * reached zebra's main thread:
 *  - an RTM_DELROUTE satnet sent for zebra (the best route moved from
 *    BGP to a connected or kernel route, a nexthop went inactive, a
 *    multipath route was deleted) reads, to zebra, as someone else
 *    deleting its route, and zebra installs it again
 *    (process_subq_early_route_delete(): fromkernel and SELFROUTE ->
 *    rib_install_kernel()); its FIB entry then differs from its best
 *    route, and the kernel may forward with the re-installed one;
 *  - the volume, one notification per route satnet writes, can overrun
 *    the listen socket while zebra's main thread is busy, and zebra
 *    exits on ENOBUFS ("recvmsg overrun").
 *
 * satnet replaces zebra's filter with one that keeps zebra's rule as it
 * is and adds one: route and nexthop-object notifications (RTM_NEWROUTE,
 * RTM_DELROUTE, RTM_NEWNEXTHOP, RTM_DELNEXTHOP) whose nlmsg_pid is the
 * port of satnet's provider socket are dropped. Everything else that
 * socket causes still reaches zebra - rules, addresses, and links (zebra
 * learns satnet's VRF devices from RTM_NEWLINK; the kernel sends link
 * changes with pid 0 whoever made them) - and so does every notification
 * of any other socket, the kernel's own (pid 0) included.
 *
 * sn_nlfilter_build() is plain C (no FRR headers) so that a unit test can
 * run the program through the kernel; satnet_nlfilter_install() in
 * satnet_nlfilter.c attaches it to zebra's socket.
 */
#ifndef SATNET_NLFILTER_H
#define SATNET_NLFILTER_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

/* Instructions sn_nlfilter_build() writes at most. */
#define SN_NLFILTER_MAX 16

/*
 * Write the filter program into @insn (room for @max instructions).
 *
 * @zebra_pid and @zebra_dplane_pid are the ports of zebra's netlink-cmd
 * and netlink-dp sockets (zebra's own rule), @satnet_pid the port of
 * satnet's provider socket; 0 leaves satnet's rule out (the program is
 * then zebra's own: a notification of the kernel itself carries pid 0
 * and must never be dropped).
 *
 * Returns the number of instructions, or -ENOSPC when @max is too small.
 */
int sn_nlfilter_build(struct sock_filter *insn, size_t max, uint32_t zebra_pid,
		      uint32_t zebra_dplane_pid, uint32_t satnet_pid);

/*
 * Attach the filter to zebra's netlink-listen socket of the default
 * namespace, with zebra's ports read from its struct zebra_ns and
 * @satnet_port as satnet's. Call it whenever the provider's socket is
 * (re)opened: the filter knows only the port it was built with.
 * Returns 0 or -errno (-EINVAL for port 0, -ENOENT without zebra's
 * socket); logs what it did either way. Main thread only.
 */
int satnet_nlfilter_install(uint32_t satnet_port);

#endif /* SATNET_NLFILTER_H */
