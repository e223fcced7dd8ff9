/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_undo.h: the node-wide settings satnet changed, and their values
 * from before.
 *
 * Some of what satnet needs is not an object it creates but a setting of
 * the node that was there before it: rp_filter (all and per interface),
 * MPLS input of an interface it did not create, the kernel's "local"
 * rule. For each of them satnet writes only when the kernel differs from
 * what it wants, and the first time it does, it notes the value it
 * found. When the configuration that wanted the setting goes, the noted
 * value is put back and the note dropped; a setting satnet found already
 * as it wanted is never noted, so never "restored" to anything.
 *
 * The notes live in a small file under zebra's run-state directory, so a
 * restarted zebra still knows what to put back (the kernel keeps the
 * settings over a zebra restart, not over a reboot, and neither does
 * that directory). Plain C over dplane/: no FRR header here.
 */
#ifndef SATNET_UNDO_H
#define SATNET_UNDO_H

#include <stdbool.h>
#include <stddef.h>

struct sdp;

/* The key for the kernel's local-rule move (not a sysctl). */
#define SATNET_UNDO_ISOLATION "@vrf-isolation"

struct satnet_undo_ent {
	char key[96];
	char prior[32];
};

struct satnet_undo {
	char path[320]; /* "" keeps the notes in memory only */
	size_t n, cap;
	struct satnet_undo_ent *e;
};

/* Start with the notes in @path (none if it does not exist; NULL or ""
 * for memory only). 0, or -errno for an unreadable or malformed file (the
 * notes are then empty). */
extern int satnet_undo_load(struct satnet_undo *u, const char *path);
extern void satnet_undo_free(struct satnet_undo *u);

/* The noted prior value of @key, or NULL when satnet did not change it. */
extern const char *satnet_undo_prior(const struct satnet_undo *u,
				     const char *key);

/* Make sysctl @key hold @want: read it, write only if it differs, and
 * note the value found before the first write. 1 written, 0 already so,
 * or the -errno of the read or write. */
extern int satnet_undo_sysctl_set(struct satnet_undo *u, struct sdp *dp,
				  const char *key, const char *want);

/* Put back the prior value of sysctl @key if satnet changed it, and drop
 * the note; also dropped when the key is gone (-ENOENT: the interface
 * went away). 1 put back, 0 nothing noted, or -errno of the write. */
extern int satnet_undo_sysctl_restore(struct satnet_undo *u, struct sdp *dp,
				      const char *key);

/* VRF isolation (the local rule after the l3mdev rule): turn it on when
 * @want and it is off, noting that satnet did; turn it off when not @want
 * only if satnet was the one that turned it on. The rules are read once
 * and written only when they must change. 1 changed, 0 not, or -errno. */
extern int satnet_undo_isolation(struct satnet_undo *u, struct sdp *dp,
				 bool want);

/* sysctl key of a per-interface setting ("net.ipv4.conf", "eth0.100",
 * "rp_filter" -> "net.ipv4.conf.eth0/100.rp_filter"). 0 or -EINVAL. */
extern int satnet_undo_if_key(char *buf, size_t len, const char *prefix,
			      const char *ifname, const char *leaf);

#endif /* SATNET_UNDO_H */
