// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_bgp_vty.c: `show satnet peers [json]`.
 *
 * One row per configured neighbor of every BGP instance, RyuBGP-style:
 * remote and local address, AS numbers, FSM state and since when, VPN
 * prefixes received and sent, and the last FSM transitions. Scanned by
 * the rebuilt vtysh, hence the bgpd/ directory name.
 */
#include <zebra.h>

#include "command.h"
#include "vty.h"
#include "json.h"
#include "log.h"
#include "monotime.h"
#include "sockunion.h"
#include "printfrr.h"

#include "bgpd/bgpd.h"
#include "bgpd/bgp_debug.h"
#include "bgpd/bgp_fsm.h"
#include "bgpd/bgp_updgrp.h"

#include "satnet_bgp.h"

#ifndef VTYSH_EXTRACT_PL
#include "satnet_bgp_vty_clippy.c"
#endif

static const afi_t vpn_afis[] = { AFI_IP, AFI_IP6 };

static const char *peer_state(int status)
{
	return lookup_msg(bgp_status_msg, status, "Unknown");
}

/* Wall-clock time of a monotime stamp as ISO 8601 UTC, "" for never. */
static void mono2iso(time_t mono, char *buf, size_t len)
{
	time_t wall;
	struct tm tm;

	if (!mono) {
		buf[0] = '\0';
		return;
	}
	wall = time(NULL) - (monotime(NULL) - mono);
	gmtime_r(&wall, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void wall2iso(time_t wall, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&wall, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void peer_vpn_counts(struct peer *peer, uint32_t *rcvd, uint32_t *sent)
{
	*rcvd = *sent = 0;
	for (size_t i = 0; i < array_size(vpn_afis); i++) {
		struct peer_af *paf = peer_af_find(peer, vpn_afis[i],
						   SAFI_MPLS_VPN);

		*rcvd += peer->pcount[vpn_afis[i]][SAFI_MPLS_VPN];
		if (paf && PAF_SUBGRP(paf))
			*sent += PAF_SUBGRP(paf)->scount;
	}
}

static json_object *peer_json(struct bgp *bgp, struct peer *peer)
{
	json_object *jp = json_object_new_object();
	json_object *jt = json_object_new_array();
	struct satnet_transition tr[SATNET_BGP_TRANSITIONS];
	unsigned int ntr, i;
	uint32_t rcvd, sent;
	char buf[64];

	json_object_string_add(jp, "remote", peer->conf_if ? peer->conf_if
							   : peer->host);
	if (peer->su_remote) {
		snprintfrr(buf, sizeof(buf), "%pSU", peer->su_remote);
		json_object_string_add(jp, "remoteAddress", buf);
	}
	if (peer->su_local) {
		snprintfrr(buf, sizeof(buf), "%pSU", peer->su_local);
		json_object_string_add(jp, "local", buf);
	} else
		json_object_object_add(jp, "local", NULL);
	json_object_int_add(jp, "remoteAs", peer->as);
	json_object_int_add(jp, "localAs", peer->local_as);
	json_object_string_add(jp, "vrf", bgp->name ? bgp->name : "default");
	json_object_string_add(jp, "state", peer_state(peer->status));
	mono2iso(peer->uptime, buf, sizeof(buf));
	if (buf[0]) {
		json_object_string_add(jp, "since", buf);
		json_object_int_add(jp, "sinceSecs",
				    monotime(NULL) - peer->uptime);
	} else {
		json_object_object_add(jp, "since", NULL);
		json_object_int_add(jp, "sinceSecs", 0);
	}
	peer_vpn_counts(peer, &rcvd, &sent);
	json_object_int_add(jp, "vpnPrefixesReceived", rcvd);
	json_object_int_add(jp, "vpnPrefixesSent", sent);
	json_object_int_add(jp, "established", peer->established);
	json_object_int_add(jp, "dropped", peer->dropped);
	json_object_string_add(jp, "lastReset",
			       peer->last_reset ? peer_down_str[peer->last_reset]
						: "");

	ntr = satnet_bgp_transitions(peer, tr, array_size(tr));
	for (i = 0; i < ntr; i++) {
		json_object *je = json_object_new_object();

		wall2iso(tr[i].when, buf, sizeof(buf));
		json_object_string_add(je, "at", buf);
		json_object_string_add(je, "from", peer_state(tr[i].from));
		json_object_string_add(je, "to", peer_state(tr[i].to));
		if (tr[i].reason[0])
			json_object_string_add(je, "reason", tr[i].reason);
		else
			json_object_object_add(je, "reason", NULL);
		json_object_array_add(jt, je);
	}
	json_object_object_add(jp, "transitions", jt);
	return jp;
}

static void peer_row(struct vty *vty, struct bgp *bgp, struct peer *peer)
{
	struct satnet_transition tr[1];
	char since[64], local[64] = "-", last[192] = "-";
	uint32_t rcvd, sent;

	mono2iso(peer->uptime, since, sizeof(since));
	if (peer->su_local)
		snprintfrr(local, sizeof(local), "%pSU", peer->su_local);
	peer_vpn_counts(peer, &rcvd, &sent);
	if (satnet_bgp_transitions(peer, tr, 1)) {
		char at[32];

		wall2iso(tr[0].when, at, sizeof(at));
		snprintf(last, sizeof(last), "%s->%s %s%s%s%s",
			 peer_state(tr[0].from), peer_state(tr[0].to), at,
			 tr[0].reason[0] ? " (" : "", tr[0].reason,
			 tr[0].reason[0] ? ")" : "");
	}
	vty_out(vty, "%-16s %-10u %-8s %-12s %-20s %-16s %6u %6u  %s\n",
		peer->conf_if ? peer->conf_if : peer->host, peer->as,
		bgp->name ? bgp->name : "default", peer_state(peer->status),
		since[0] ? since : "never", local, rcvd, sent, last);
}

DEFPY(show_satnet_peers, show_satnet_peers_cmd,
      "show satnet peers [json]$json",
      SHOW_STR
      "satnet MPLS-VPN provider edge\n"
      "BGP peers with state, uptime and VPN prefix counts\n"
      JSON_STR)
{
	struct listnode *bn, *pn;
	struct bgp *bgp;
	struct peer *peer;
	json_object *jpeers = NULL;
	bool header = false;
	struct satnet_removed_peer rm[SATNET_BGP_REMOVED];
	unsigned int nrm, i;

	if (json)
		jpeers = json_object_new_array();

	for (ALL_LIST_ELEMENTS_RO(bm->bgp, bn, bgp)) {
		for (ALL_LIST_ELEMENTS_RO(bgp->peer, pn, peer)) {
			if (!CHECK_FLAG(peer->flags, PEER_FLAG_CONFIG_NODE))
				continue;
			if (json) {
				json_object_array_add(jpeers,
						      peer_json(bgp, peer));
				continue;
			}
			if (!header) {
				vty_out(vty,
					"%-16s %-10s %-8s %-12s %-20s %-16s %6s %6s  %s\n",
					"Remote", "RemoteAS", "VRF", "State",
					"Since", "Local", "VpnRx", "VpnTx",
					"Last transition");
				header = true;
			}
			peer_row(vty, bgp, peer);
		}
	}

	nrm = satnet_bgp_removed(rm, array_size(rm));
	if (json) {
		json_object *j = json_object_new_object();
		json_object *jr = json_object_new_array();

		for (i = 0; i < nrm; i++) {
			json_object *je = json_object_new_object();
			char at[32];

			wall2iso(rm[i].when, at, sizeof(at));
			json_object_string_add(je, "remote", rm[i].host);
			json_object_int_add(je, "remoteAs", rm[i].as);
			json_object_string_add(je, "vrf", rm[i].vrf);
			json_object_string_add(je, "removedAt", at);
			json_object_string_add(je, "lastState",
					       peer_state(rm[i].last_state));
			json_object_string_add(je, "lastReset", rm[i].reason);
			json_object_array_add(jr, je);
		}
		json_object_object_add(j, "peers", jpeers);
		json_object_object_add(j, "removed", jr);
		return vty_json(vty, j);
	}
	if (!header)
		vty_out(vty, "No BGP peers configured\n");
	if (nrm) {
		vty_out(vty, "\nRemoved from the configuration:\n");
		for (i = 0; i < nrm; i++) {
			char at[32];

			wall2iso(rm[i].when, at, sizeof(at));
			vty_out(vty, "  %-16s %-10u %-8s at %s (was %s%s%s)\n",
				rm[i].host, rm[i].as, rm[i].vrf, at,
				peer_state(rm[i].last_state),
				rm[i].reason[0] ? ", last reset: " : "",
				rm[i].reason);
		}
	}
	return CMD_SUCCESS;
}

DEFPY(show_satnet_feed, show_satnet_feed_cmd,
      "show satnet feed [json]$json",
      SHOW_STR
      "satnet MPLS-VPN provider edge\n"
      "The RD feed from bgpd to zebra: events, snapshots and their cost\n"
      JSON_STR)
{
	struct satnet_feed_stats f;
	bool connected;

	satnet_bgp_feed_stats(&f, &connected);
	if (json) {
		json_object *j = json_object_new_object();
		char at[32] = "";

		json_object_boolean_add(j, "connected", connected);
		json_object_int_add(j, "events", f.events);
		json_object_int_add(j, "snapshots", f.snapshots);
		json_object_int_add(j, "vrfsComputed", f.vrfs_computed);
		json_object_int_add(j, "deferred", f.deferred);
		json_object_int_add(j, "frames", f.frames);
		json_object_int_add(j, "bytes", f.bytes);
		json_object_int_add(j, "connects", f.connects);
		json_object_int_add(j, "lastSnapshotUsec", f.last_us);
		json_object_int_add(j, "maxSnapshotUsec", f.max_us);
		json_object_int_add(j, "totalSnapshotUsec", f.total_us);
		if (f.last_at) {
			wall2iso(f.last_at, at, sizeof(at));
			json_object_string_add(j, "lastSnapshotAt", at);
		} else
			json_object_object_add(j, "lastSnapshotAt", NULL);
		return vty_json(vty, j);
	}
	vty_out(vty, "RD feed to zebra: %s\n",
		connected ? "connected" : "not connected (retrying every second)");
	vty_out(vty, "  change events %" PRIu64 ", snapshot runs %" PRIu64
		     " (%" PRIu64 " VRFs computed, %" PRIu64
		     " put off while selection was queued)\n",
		f.events, f.snapshots, f.vrfs_computed, f.deferred);
	vty_out(vty, "  frames %" PRIu64 " (%" PRIu64 " bytes), connections %" PRIu64 "\n",
		f.frames, f.bytes, f.connects);
	vty_out(vty, "  snapshot time: last %lu us, max %lu us, total %" PRIu64 " us\n",
		f.last_us, f.max_us, f.total_us);
	return CMD_SUCCESS;
}

void satnet_bgp_vty_init(void)
{
	install_element(VIEW_NODE, &show_satnet_peers_cmd);
	install_element(VIEW_NODE, &show_satnet_feed_cmd);
}
