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

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "memory.h"

DECLARE_MGROUP(SATNET_BGP);

/* Per-peer facts bgpd does not keep itself: when and how often the FSM
 * changed state, so `show satnet peers` can show the last transitions.
 */
#define SATNET_BGP_TRANSITIONS 4

/* satnet_bgp_vty.c */
extern void satnet_bgp_vty_init(void);

/* satnet_bgp_routes.c: `show satnet routes`. */
extern void satnet_bgp_routes_init(void);

/* satnet_bgp_feed.c: the RDs zebra's `show satnet labels` shows. */
struct thread_master;
extern void satnet_bgp_feed_hooks(void); /* at module init */
extern void satnet_bgp_feed_init(struct thread_master *tm);
extern void satnet_bgp_feed_fini(void);

/* Counters of the feed (`show satnet feed`). */
struct satnet_feed_stats {
	uint64_t events;	 /* hook calls that marked a change */
	uint64_t snapshots;	 /* snapshot runs */
	uint64_t vrfs_computed;	 /* VRF snapshots computed in them */
	uint64_t deferred;	 /* runs put off: selection still queued */
	uint64_t frames, bytes;	 /* queued for zebra */
	uint64_t connects;
	unsigned long last_us, max_us; /* duration of a snapshot run */
	uint64_t total_us;
	time_t last_at;		 /* wall clock of the last run, 0 never */
};
extern void satnet_bgp_feed_stats(struct satnet_feed_stats *out,
				  bool *connected);

/* satnet_bgp_main.c: transition log, keyed by peer. */
struct peer;
struct satnet_transition {
	time_t when;	/* wall clock */
	int from, to;	/* bgp FSM states */
	char reason[64]; /* FRR's last-reset text of a session going down */
};
extern unsigned int satnet_bgp_transitions(const struct peer *peer,
					   struct satnet_transition *out,
					   unsigned int max);

/* Peers deleted from the configuration (newest first), kept so that
 * `show satnet peers` still says what happened to them. */
#define SATNET_BGP_REMOVED 8
struct satnet_removed_peer {
	char host[64];
	char vrf[36];
	uint32_t as;
	time_t when;	 /* wall clock of the removal */
	int last_state;	 /* FSM state before Deleted */
	char reason[64]; /* its last reset, "" if none */
};
extern unsigned int satnet_bgp_removed(struct satnet_removed_peer *out,
				       unsigned int max);

#endif /* SATNET_BGP_H */
