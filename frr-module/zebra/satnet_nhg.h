/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_nhg.h: the provider's nexthop objects (plain C, no FRR types).
 *
 * DOC: shared forwarding for VRF routes
 *
 * Every unicast route satnet programs in a managed VRF table refers to
 * a kernel nexthop *group* object (RTA_NH_ID) instead of carrying its
 * nexthops inline. A group lists *member* objects - one nexthop each:
 * device, gateway, label stack - with weights. Both kinds are shared:
 *
 *  - a member by everything that makes up its forwarding (family,
 *    device, gateway, labels, onlink), by any number of groups;
 *  - a group by its resolution key and its members: every route zebra
 *    resolved through the same recursive nexthops (a VPN route's BGP
 *    next hop with its VPN label) and that forwards the same way.
 *
 * Routes refer to groups only, never to members, because the kernel
 * cannot turn a single nexthop into a group in place (nor back): a group
 * of one member can become a group of two when ECMP appears.
 *
 * The resolution key is what makes prefix-independent convergence
 * correct: routes that share it were resolved by zebra through the same
 * recursive lookup, so when the IGP or LDP moves that path every one of
 * them moves the same way. The first route context that shows the move
 * replaces its group in place (one kernel write); the contexts of the
 * other routes then find their group already forwarding as asked and
 * need no kernel write. A route whose context asks for something else
 * than its group holds - it diverged - gets a group of its own.
 *
 * Ownership: objects belong to the record (struct sn_table) and change
 * only on the provider's pthread, under the record's mutex; routes hold
 * a counted reference to their group, groups to their members. An
 * object whose count reaches zero is a candidate: it is deleted from the
 * kernel and freed at the end of the batch unless something took it
 * again. Ids come from SDP_NHID_MIN..SDP_NHID_MAX (see satnet_dp.h for
 * why zebra never sees them).
 */
#ifndef SATNET_NHG_H
#define SATNET_NHG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "satnet_dp.h"

enum sn_kstate;

struct sn_obj {
	uint32_t id;
	bool group;

	/* member */
	uint8_t family;
	struct sdp_nexthop nh; /* weight 0: weights live in groups */

	/* group: members sorted by id, their weights; the resolution key */
	size_t n;
	struct sn_obj **mem;
	uint16_t *w;
	uint8_t *rkey;
	size_t rkey_len;

	/* routes (group) or groups (member) holding it */
	uint32_t refs;
	/* group: bumped at every change in place (see sn_entry.obj_gen) */
	uint32_t gen;

	/* the kernel's view */
	int state;   /* enum sn_kstate */
	char reason[192];
	bool in_kernel; /* created (and not deleted) */
	bool dirty;	/* content to be written in this batch */
	bool moved;	/* group: changed in place in this batch while in the
			 * kernel; written as a change, which must find it */
	bool flushed;	/* group: the change found it gone (the kernel
			 * removed it and its routes: a device went down) */
	bool cand;	/* on the candidates list */
	bool dropping;	/* being taken out of the store */
	bool pic;	/* group: moved with its transport (sn_table_move()),
			 * while its routes' entries follow */
	uint32_t pic_gen; /* the gen it had before that move */
	uint32_t repairs;

	/* private to satnet_nhg.c */
	struct sn_obj *knext; /* by content */
	struct sn_obj *inext; /* by id */
};

struct sn_objs {
	struct sn_obj **by_key, **by_id;
	size_t nbuckets; /* power of two, both tables */
	size_t count, n_groups;
	uint32_t next_id;
	/* ids the kernel holds that are not ours (an earlier run's): never
	 * handed out until swept */
	uint32_t *reserved;
	size_t n_reserved, cap_reserved;
	/* refs reached 0 (or never rose above it) since the last sweep */
	struct sn_obj **cand;
	size_t n_cand, cap_cand;
	/* content to write to the kernel */
	struct sn_obj **dirty;
	size_t n_dirty, cap_dirty;
};

int sn_objs_init(struct sn_objs *s);
void sn_objs_fini(struct sn_objs *s);

/* Find or create the member for @nh of @family (weight ignored). Its
 * refs are not taken. NULL: out of memory or of ids. */
struct sn_obj *sn_obj_member(struct sn_objs *s, uint8_t family,
			     const struct sdp_nexthop *nh);

/* The group with this key and these members (sorted by id, @w their
 * weights), or NULL. */
struct sn_obj *sn_obj_group_find(struct sn_objs *s, const uint8_t *rkey,
				 size_t rkey_len, struct sn_obj *const *mem,
				 const uint16_t *w, size_t n);
/* A new group (dirty, refs 0); members are referenced. */
struct sn_obj *sn_obj_group_new(struct sn_objs *s, const uint8_t *rkey,
				size_t rkey_len, struct sn_obj *const *mem,
				const uint16_t *w, size_t n);
/* Does @g hold exactly this key and these members? */
bool sn_obj_group_is(const struct sn_obj *g, const uint8_t *rkey,
		     size_t rkey_len, struct sn_obj *const *mem,
		     const uint16_t *w, size_t n);
/* Give @g new members in place (dirty): the new ones referenced, the
 * old ones released. 0 or -ENOMEM (then @g is unchanged). */
int sn_obj_group_set(struct sn_objs *s, struct sn_obj *g,
		     struct sn_obj *const *mem, const uint16_t *w, size_t n);

void sn_obj_ref(struct sn_objs *s, struct sn_obj *o);
/* Release; at zero the object becomes a candidate for deletion. */
void sn_obj_unref(struct sn_objs *s, struct sn_obj *o);

struct sn_obj *sn_obj_by_id(const struct sn_objs *s, uint32_t id);

/* Sort members by id (weights follow) - the canonical group order. */
void sn_obj_sort_members(struct sn_obj **mem, uint16_t *w, size_t n);

/* The kernel request for @o; @grp has room for o->n entries. */
void sn_obj_to_sdp(const struct sn_obj *o, struct sdp_nhobj *out,
		   struct sdp_nhgrp_ent *grp);

/* Append @o to the growing array *v (n used, cap allocated); false when
 * out of memory (nothing changed). */
bool sn_obj_vec_push(struct sn_obj ***v, size_t *n, size_t *cap,
		     struct sn_obj *o);

/* Queue @o for writing (once). */
void sn_obj_mark_dirty(struct sn_objs *s, struct sn_obj *o);

/* Take @o out of the store (refs must be 0): no lookup finds it any
 * more, a group releases its members. Free it with sn_obj_release(). */
void sn_obj_detach(struct sn_objs *s, struct sn_obj *o);
void sn_obj_release(struct sn_obj *o);

/* Keep @id from being handed out (an earlier run's object). */
int sn_objs_reserve(struct sn_objs *s, uint32_t id);
void sn_objs_unreserve_all(struct sn_objs *s);

/* Call @fn for every object (groups after members when @members_first). */
void sn_objs_foreach(struct sn_objs *s, bool members_first,
		     void (*fn)(struct sn_obj *o, void *arg), void *arg);

#endif /* SATNET_NHG_H */
