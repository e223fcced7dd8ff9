/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_feed.h: the zebra module's end of the bgpd module's feed.
 *
 * zebra knows labels and routes but no RDs; bgpd knows the RDs. The bgpd
 * module sends, per VRF instance, the export RD and the RD and VPN label
 * of every VPN route it imported (proto/satnet.proto), over a unix stream
 * socket in FRR's run directory (frr_vtydir, "satnet.sock"). zebra keeps
 * the latest snapshot of each VRF until the connection that sent it
 * closes, so a restarted bgpd never leaves stale RDs behind.
 */
#ifndef SATNET_FEED_H
#define SATNET_FEED_H

struct json_object;
struct vty;

#define SATNET_FEED_SOCKET "satnet.sock"
#define SATNET_FEED_MAX_CLIENTS 4

extern void satnet_feed_init(void);
extern void satnet_feed_fini(void);

/* What bgpd said; NULL when it has not told (yet). Valid until zebra's
 * event loop runs again. */
extern const char *satnet_feed_export_rd(const char *vrf);
extern const char *satnet_feed_import_rd(const char *vrf, const char *prefix);

/* `show satnet [json]`: the feed's state and counters. */
extern struct json_object *satnet_feed_json(void);
extern void satnet_feed_show(struct vty *vty);

#endif /* SATNET_FEED_H */
