/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_hosts.h: how the node's host routes forward (plain C, no FRR
 * types) - the provider's memory for prefix-independent convergence.
 *
 * DOC: BGP PIC core
 *
 * A VPN route is resolved by zebra through the route to its BGP next
 * hop: the IGP/LDP host route to the remote PE's loopback. When that
 * route moves (an ISL went, LDP gave another label), zebra tells bgpd,
 * bgpd sends every VPN route again and zebra resolves each anew - work
 * proportional to the number of VPN routes, seconds at 100k, during
 * which the routes forward the old way. satnet sees the host route's
 * own context first (it passes every context on its way to zebra's
 * kernel provider) and can move, at once, every shared nexthop group
 * resolved through it (sn_table_move()): the routes' later contexts then
 * find their group forwarding as they ask and need no write.
 *
 * To know that a group was resolved through a host route, satnet keeps
 * what each host route forwarded to before it changed: only a group whose
 * members are exactly that forwarding under the group's own labels is
 * moved. This file is that memory: host routes (a /32 or /128 that
 * forwards without recursion) by zebra's VRF and address, with their
 * resolved nexthops as satnet translates them (satnet_dplane_xlate.c).
 *
 * Ownership: the provider's pthread only (no lock). Bounded: at most the
 * number of entries given at creation; a host route that does not fit is
 * not remembered and its moves are left to zebra's contexts.
 */
#ifndef SATNET_HOSTS_H
#define SATNET_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "satnet_dp.h"

/* Paths of a host route satnet follows; a wider ECMP is left to zebra. */
#define SN_HOST_NH_MAX 8

struct sn_host_fwd {
	size_t n;
	struct sdp_nexthop nh[SN_HOST_NH_MAX];
};

enum sn_host_change {
	SN_HOST_SAME,	 /* as remembered (or still nothing) */
	SN_HOST_NEW,	 /* first seen, or it forwarded nowhere before */
	SN_HOST_MOVED,	 /* forwards otherwise than before: *old says how */
	SN_HOST_GONE,	 /* forgotten: deleted, or not followed any more */
	SN_HOST_FULL,	 /* not remembered: the memory is full */
};

struct sn_hosts;

struct sn_hosts *sn_hosts_new(size_t max_entries);
void sn_hosts_free(struct sn_hosts *h);
size_t sn_hosts_count(const struct sn_hosts *h);

/*
 * Host route @dst in zebra's VRF @vrf_id now forwards via @nh[@n]; n == 0
 * (deleted, a system route, nothing satnet can follow) or n above
 * SN_HOST_NH_MAX forgets it. Returns what changed; for SN_HOST_MOVED the
 * earlier forwarding is copied to *old.
 */
enum sn_host_change sn_hosts_note(struct sn_hosts *h, uint32_t vrf_id,
				  const struct sdp_addr *dst,
				  const struct sdp_nexthop *nh, size_t n,
				  struct sn_host_fwd *old);

/* Is @dst/@len a host route of its family? */
static inline bool sn_is_host(uint8_t family, uint8_t len)
{
	return (family == AF_INET && len == 32)
	       || (family == AF_INET6 && len == 128);
}

#endif /* SATNET_HOSTS_H */
