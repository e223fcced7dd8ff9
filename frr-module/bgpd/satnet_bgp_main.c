// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_bgp_main.c: entry point of bgpd_satnet.so, and the per-peer log
 * of FSM transitions.
 *
 * bgpd keeps only the current and previous state of a peer; engineers
 * debugging a flapping inter-satellite session want the last few
 * transitions with wall-clock times. peer_status_changed fires on every
 * FSM change (bgp_fsm.c), so a small ring per peer is enough. Entries are
 * keyed by the peer pointer and dropped when the peer reaches Deleted, so
 * a freed peer is never looked at.
 */
#include <zebra.h>

#include "libfrr.h"
#include "module.h"
#include "memory.h"
#include "jhash.h"
#include "typesafe.h"

#include "bgpd/bgpd.h"
#include "bgpd/bgp_fsm.h"

#include "satnet_bgp.h"

DEFINE_MGROUP(SATNET_BGP, "satnet bgpd module");
DEFINE_MTYPE_STATIC(SATNET_BGP, SATNET_PEERLOG, "satnet peer transition log");

PREDECL_HASH(satnet_peerlog);

struct satnet_peerlog_entry {
	struct satnet_peerlog_item item;
	const struct peer *peer;
	unsigned int next;	/* ring write position */
	unsigned int count;	/* valid entries, <= SATNET_BGP_TRANSITIONS */
	struct satnet_transition ring[SATNET_BGP_TRANSITIONS];
};

static int satnet_peerlog_cmp(const struct satnet_peerlog_entry *a,
			      const struct satnet_peerlog_entry *b)
{
	return (a->peer > b->peer) - (a->peer < b->peer);
}

static uint32_t satnet_peerlog_hash(const struct satnet_peerlog_entry *e)
{
	uintptr_t p = (uintptr_t)e->peer;

	return jhash_2words((uint32_t)p, (uint32_t)(p >> 32), 0x5a7e1);
}

DECLARE_HASH(satnet_peerlog, struct satnet_peerlog_entry, item,
	     satnet_peerlog_cmp, satnet_peerlog_hash);

static struct satnet_peerlog_head peerlog;

/* ring of removed peers, written at removed[removed_next] */
static struct satnet_removed_peer removed[SATNET_BGP_REMOVED];
static unsigned int removed_next, removed_count;

static const char *reset_reason(const struct peer *peer)
{
	if (!peer->last_reset || peer->last_reset > PEER_DOWN_SOCKET_ERROR)
		return "";
	return peer_down_str[peer->last_reset];
}

static void note_removed(const struct peer *peer)
{
	struct satnet_removed_peer *r = &removed[removed_next];

	memset(r, 0, sizeof(*r));
	strlcpy(r->host, peer->conf_if ? peer->conf_if : peer->host,
		sizeof(r->host));
	strlcpy(r->vrf, peer->bgp && peer->bgp->name ? peer->bgp->name
						     : "default",
		sizeof(r->vrf));
	r->as = peer->as;
	r->when = time(NULL);
	r->last_state = peer->ostatus;
	strlcpy(r->reason, reset_reason(peer), sizeof(r->reason));
	removed_next = (removed_next + 1) % SATNET_BGP_REMOVED;
	if (removed_count < SATNET_BGP_REMOVED)
		removed_count++;
}

unsigned int satnet_bgp_removed(struct satnet_removed_peer *out,
				unsigned int max)
{
	unsigned int n = MIN(removed_count, max);

	for (unsigned int i = 0; i < n; i++)
		out[i] = removed[(removed_next + SATNET_BGP_REMOVED - 1 - i)
				 % SATNET_BGP_REMOVED];
	return n;
}

static struct satnet_peerlog_entry *peerlog_find(const struct peer *peer)
{
	struct satnet_peerlog_entry key = { .peer = peer };

	return satnet_peerlog_find(&peerlog, &key);
}

static int satnet_peer_status_changed(struct peer *peer)
{
	struct satnet_peerlog_entry *e = peerlog_find(peer);

	if (peer->status == Deleted) {
		/* only configured neighbors: not the transient ones of an
		 * accepted connection (bgp_accept makes a second peer) */
		if (CHECK_FLAG(peer->flags, PEER_FLAG_CONFIG_NODE) && peer->host)
			note_removed(peer);
		if (e) {
			satnet_peerlog_del(&peerlog, e);
			XFREE(MTYPE_SATNET_PEERLOG, e);
		}
		return 0;
	}
	if (!e) {
		e = XCALLOC(MTYPE_SATNET_PEERLOG, sizeof(*e));
		e->peer = peer;
		satnet_peerlog_add(&peerlog, e);
	}
	e->ring[e->next] = (struct satnet_transition){
		.when = time(NULL),
		.from = peer->ostatus,
		.to = peer->status,
	};
	/* a session going down carries why (bgpd set last_reset before
	 * the FSM moved) */
	if (peer->ostatus == Established)
		strlcpy(e->ring[e->next].reason, reset_reason(peer),
			sizeof(e->ring[e->next].reason));
	e->next = (e->next + 1) % SATNET_BGP_TRANSITIONS;
	if (e->count < SATNET_BGP_TRANSITIONS)
		e->count++;
	return 0;
}

unsigned int satnet_bgp_transitions(const struct peer *peer,
				    struct satnet_transition *out,
				    unsigned int max)
{
	const struct satnet_peerlog_entry *e = peerlog_find(peer);
	unsigned int i, n;

	if (!e)
		return 0;
	n = MIN(e->count, max);
	/* newest first */
	for (i = 0; i < n; i++) {
		unsigned int pos = (e->next + SATNET_BGP_TRANSITIONS - 1 - i) %
				   SATNET_BGP_TRANSITIONS;
		out[i] = e->ring[pos];
	}
	return n;
}

static int satnet_bgp_late_init(struct thread_master *tm)
{
	satnet_bgp_vty_init();
	satnet_bgp_routes_init();
	satnet_bgp_feed_init(tm);
	return 0;
}

static int satnet_bgp_fini(void)
{
	struct satnet_peerlog_entry *e;

	satnet_bgp_feed_fini();
	while ((e = satnet_peerlog_pop(&peerlog)))
		XFREE(MTYPE_SATNET_PEERLOG, e);
	satnet_peerlog_fini(&peerlog);
	return 0;
}

static int satnet_bgp_module_init(void)
{
	satnet_peerlog_init(&peerlog);
	hook_register(peer_status_changed, satnet_peer_status_changed);
	satnet_bgp_feed_hooks();
	hook_register(frr_late_init, satnet_bgp_late_init);
	hook_register(frr_fini, satnet_bgp_fini);
	return 0;
}

FRR_MODULE_SETUP(.name = "satnet", .version = SATNET_VERSION,
		 .description = "satnet: BGP/MPLS-VPN views for satellite nodes",
		 .init = satnet_bgp_module_init);
