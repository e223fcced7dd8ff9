/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_bgp.h: the bgpd side of satnet (bgpd_satnet.so).
 *
 * bgpd knows the peers and the VPN RIB; this module turns them into the
 * RyuBGP-style views network engineers ask for (`show satnet peers`) and,
 * later, feeds peer events to the telemetry stream.
 */
#ifndef SATNET_BGP_H
#define SATNET_BGP_H

#include <stdint.h>

#include "memory.h"

DECLARE_MGROUP(SATNET_BGP);

/* Per-peer facts bgpd does not keep itself: when and how often the FSM
 * changed state, so `show satnet peers` can show the last transitions.
 */
#define SATNET_BGP_TRANSITIONS 4

/* satnet_bgp_vty.c */
extern void satnet_bgp_vty_init(void);

/* satnet_bgp_feed.c: the RDs zebra's `show satnet labels` shows. */
struct thread_master;
extern void satnet_bgp_feed_init(struct thread_master *tm);
extern void satnet_bgp_feed_fini(void);

/* satnet_bgp_main.c: transition log, keyed by peer. */
struct peer;
struct satnet_transition {
	time_t when;	/* wall clock */
	int from, to;	/* bgp FSM states */
};
extern unsigned int satnet_bgp_transitions(const struct peer *peer,
					   struct satnet_transition *out,
					   unsigned int max);

#endif /* SATNET_BGP_H */
