// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_nhg.c: the store of satnet's nexthop objects (see satnet_nhg.h).
 *
 * Two chained hash tables over the same objects: by content (to share)
 * and by id (readback). Plain C, no FRR: unit-tested with the record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "satnet_nhg.h"

#define SN_OBJ_BUCKETS_MIN 64

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static size_t alen(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* The parts of a nexthop a member is made of (weight and flags other
 * than onlink are not). */
static bool nh_same(const struct sdp_nexthop *a, const struct sdp_nexthop *b)
{
	return a->ifindex == b->ifindex && a->via.family == b->via.family
	       && !memcmp(a->via.bytes, b->via.bytes, alen(a->via.family))
	       && (a->flags & SDP_NH_ONLINK) == (b->flags & SDP_NH_ONLINK)
	       && a->n_labels == b->n_labels
	       && !memcmp(a->labels, b->labels,
			  a->n_labels * sizeof(a->labels[0]));
}

static uint32_t member_hash(uint8_t family, const struct sdp_nexthop *nh)
{
	uint32_t h = 2166136261u;
	uint8_t onlink = (nh->flags & SDP_NH_ONLINK) != 0;

	h = fnv(h, "m", 1);
	h = fnv(h, &family, 1);
	h = fnv(h, &nh->ifindex, sizeof(nh->ifindex));
	h = fnv(h, &nh->via.family, 1);
	h = fnv(h, nh->via.bytes, alen(nh->via.family));
	h = fnv(h, &onlink, 1);
	h = fnv(h, &nh->n_labels, 1);
	return fnv(h, nh->labels, nh->n_labels * sizeof(nh->labels[0]));
}

static uint32_t group_hash(const uint8_t *rkey, size_t rkey_len,
			   struct sn_obj *const *mem, const uint16_t *w,
			   size_t n)
{
	uint32_t h = 2166136261u;

	h = fnv(h, "g", 1);
	h = fnv(h, rkey, rkey_len);
	for (size_t i = 0; i < n; i++) {
		h = fnv(h, &mem[i]->id, sizeof(mem[i]->id));
		h = fnv(h, &w[i], sizeof(w[i]));
	}
	return h;
}

static uint32_t obj_hash(const struct sn_obj *o)
{
	if (o->group)
		return group_hash(o->rkey, o->rkey_len, o->mem, o->w, o->n);
	return member_hash(o->family, &o->nh);
}

static uint32_t id_hash(uint32_t id)
{
	return id * 2654435761u;
}

static struct sn_obj **kslot(const struct sn_objs *s, uint32_t h)
{
	return &s->by_key[h & (s->nbuckets - 1)];
}

static struct sn_obj **islot(const struct sn_objs *s, uint32_t id)
{
	return &s->by_id[id_hash(id) & (s->nbuckets - 1)];
}

int sn_objs_init(struct sn_objs *s)
{
	memset(s, 0, sizeof(*s));
	s->nbuckets = SN_OBJ_BUCKETS_MIN;
	s->by_key = calloc(s->nbuckets, sizeof(*s->by_key));
	s->by_id = calloc(s->nbuckets, sizeof(*s->by_id));
	s->next_id = SDP_NHID_MIN;
	if (!s->by_key || !s->by_id) {
		free(s->by_key);
		free(s->by_id);
		memset(s, 0, sizeof(*s));
		return -ENOMEM;
	}
	return 0;
}

static void obj_release(struct sn_obj *o)
{
	free(o->mem);
	free(o->w);
	free(o->rkey);
	free(o);
}

void sn_objs_fini(struct sn_objs *s)
{
	struct sn_obj *o, *next;

	for (size_t i = 0; s->by_id && i < s->nbuckets; i++)
		for (o = s->by_id[i]; o; o = next) {
			next = o->inext;
			obj_release(o);
		}
	free(s->by_key);
	free(s->by_id);
	free(s->reserved);
	free(s->cand);
	free(s->dirty);
	memset(s, 0, sizeof(*s));
}

static void grow(struct sn_objs *s)
{
	size_t n = s->nbuckets * 2;
	struct sn_obj **bk = calloc(n, sizeof(*bk));
	struct sn_obj **bi = calloc(n, sizeof(*bi));
	struct sn_obj *o, *next;

	if (!bk || !bi) {
		free(bk);
		free(bi);
		return; /* chains just get longer */
	}
	for (size_t i = 0; i < s->nbuckets; i++)
		for (o = s->by_id[i]; o; o = next) {
			next = o->inext;
			o->inext = bi[id_hash(o->id) & (n - 1)];
			bi[id_hash(o->id) & (n - 1)] = o;
			o->knext = bk[obj_hash(o) & (n - 1)];
			bk[obj_hash(o) & (n - 1)] = o;
		}
	free(s->by_key);
	free(s->by_id);
	s->by_key = bk;
	s->by_id = bi;
	s->nbuckets = n;
}

static void klink(struct sn_objs *s, struct sn_obj *o)
{
	struct sn_obj **pp = kslot(s, obj_hash(o));

	o->knext = *pp;
	*pp = o;
}

static void kunlink(struct sn_objs *s, struct sn_obj *o)
{
	for (struct sn_obj **pp = kslot(s, obj_hash(o)); *pp;
	     pp = &(*pp)->knext)
		if (*pp == o) {
			*pp = o->knext;
			return;
		}
}

struct sn_obj *sn_obj_by_id(const struct sn_objs *s, uint32_t id)
{
	for (struct sn_obj *o = *islot(s, id); o; o = o->inext)
		if (o->id == id)
			return o;
	return NULL;
}

static bool id_reserved(const struct sn_objs *s, uint32_t id)
{
	for (size_t i = 0; i < s->n_reserved; i++)
		if (s->reserved[i] == id)
			return true;
	return false;
}

static uint32_t alloc_id(struct sn_objs *s)
{
	uint64_t span = (uint64_t)SDP_NHID_MAX - SDP_NHID_MIN + 1;

	for (uint64_t tries = 0; tries < span; tries++) {
		uint32_t id = s->next_id;

		s->next_id = id == SDP_NHID_MAX ? SDP_NHID_MIN : id + 1;
		if (!sn_obj_by_id(s, id) && !id_reserved(s, id))
			return id;
	}
	return 0;
}

bool sn_obj_vec_push(struct sn_obj ***v, size_t *n, size_t *cap,
		     struct sn_obj *o)
{
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		struct sn_obj **nv = realloc(*v, ncap * sizeof(*nv));

		if (!nv)
			return false;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = o;
	return true;
}

void sn_obj_mark_dirty(struct sn_objs *s, struct sn_obj *o)
{
	if (o->dirty)
		return;
	if (sn_obj_vec_push(&s->dirty, &s->n_dirty, &s->cap_dirty, o))
		o->dirty = true;
}

static void mark_cand(struct sn_objs *s, struct sn_obj *o)
{
	if (!o->cand && sn_obj_vec_push(&s->cand, &s->n_cand, &s->cap_cand, o))
		o->cand = true;
}

static struct sn_obj *obj_new(struct sn_objs *s)
{
	struct sn_obj *o;
	uint32_t id = alloc_id(s);

	if (!id)
		return NULL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->id = id;
	if (s->count >= 2 * s->nbuckets)
		grow(s);
	return o;
}

static void obj_insert(struct sn_objs *s, struct sn_obj *o)
{
	struct sn_obj **pp = islot(s, o->id);

	o->inext = *pp;
	*pp = o;
	klink(s, o);
	s->count++;
	if (o->group)
		s->n_groups++;
	/* new: to be written, and freed again if nothing takes it */
	sn_obj_mark_dirty(s, o);
	mark_cand(s, o);
}

struct sn_obj *sn_obj_member(struct sn_objs *s, uint8_t family,
			     const struct sdp_nexthop *nh)
{
	struct sn_obj *o;

	for (o = *kslot(s, member_hash(family, nh)); o; o = o->knext)
		if (!o->group && o->family == family && nh_same(&o->nh, nh))
			return o;
	o = obj_new(s);
	if (!o)
		return NULL;
	o->family = family;
	o->nh.ifindex = nh->ifindex;
	o->nh.via = nh->via;
	o->nh.flags = nh->flags & SDP_NH_ONLINK;
	o->nh.n_labels = nh->n_labels;
	memcpy(o->nh.labels, nh->labels, nh->n_labels * sizeof(nh->labels[0]));
	obj_insert(s, o);
	return o;
}

bool sn_obj_group_is(const struct sn_obj *g, const uint8_t *rkey,
		     size_t rkey_len, struct sn_obj *const *mem,
		     const uint16_t *w, size_t n)
{
	if (!g->group || g->n != n || g->rkey_len != rkey_len
	    || (rkey_len && memcmp(g->rkey, rkey, rkey_len)))
		return false;
	for (size_t i = 0; i < n; i++)
		if (g->mem[i] != mem[i] || g->w[i] != w[i])
			return false;
	return true;
}

struct sn_obj *sn_obj_group_find(struct sn_objs *s, const uint8_t *rkey,
				 size_t rkey_len, struct sn_obj *const *mem,
				 const uint16_t *w, size_t n)
{
	uint32_t h = group_hash(rkey, rkey_len, mem, w, n);

	for (struct sn_obj *o = *kslot(s, h); o; o = o->knext)
		if (sn_obj_group_is(o, rkey, rkey_len, mem, w, n))
			return o;
	return NULL;
}

static int group_fill(struct sn_obj *g, struct sn_obj *const *mem,
		      const uint16_t *w, size_t n)
{
	struct sn_obj **nm = malloc(n * sizeof(*nm));
	uint16_t *nw = malloc(n * sizeof(*nw));

	if (!nm || !nw) {
		free(nm);
		free(nw);
		return -ENOMEM;
	}
	memcpy(nm, mem, n * sizeof(*nm));
	memcpy(nw, w, n * sizeof(*nw));
	free(g->mem);
	free(g->w);
	g->mem = nm;
	g->w = nw;
	g->n = n;
	return 0;
}

struct sn_obj *sn_obj_group_new(struct sn_objs *s, const uint8_t *rkey,
				size_t rkey_len, struct sn_obj *const *mem,
				const uint16_t *w, size_t n)
{
	struct sn_obj *g = obj_new(s);

	if (!g)
		return NULL;
	g->group = true;
	if (rkey_len) {
		g->rkey = malloc(rkey_len);
		if (!g->rkey) {
			free(g);
			return NULL;
		}
		memcpy(g->rkey, rkey, rkey_len);
		g->rkey_len = rkey_len;
	}
	if (group_fill(g, mem, w, n)) {
		free(g->rkey);
		free(g);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		sn_obj_ref(s, mem[i]);
	obj_insert(s, g);
	return g;
}

int sn_obj_group_set(struct sn_objs *s, struct sn_obj *g,
		     struct sn_obj *const *mem, const uint16_t *w, size_t n)
{
	struct sn_obj **old = g->mem;
	uint16_t *old_w = g->w;
	size_t n_old = g->n, i;

	kunlink(s, g);
	g->mem = NULL;
	g->w = NULL;
	if (group_fill(g, mem, w, n)) {
		g->mem = old;
		g->w = old_w;
		g->n = n_old;
		klink(s, g);
		return -ENOMEM;
	}
	/* take the new members first: one may also be an old one */
	for (i = 0; i < n; i++)
		sn_obj_ref(s, mem[i]);
	for (i = 0; i < n_old; i++)
		sn_obj_unref(s, old[i]);
	free(old);
	free(old_w);
	g->gen++;
	klink(s, g);
	sn_obj_mark_dirty(s, g);
	return 0;
}

void sn_obj_sort_members(struct sn_obj **mem, uint16_t *w, size_t n)
{
	/* insertion sort: groups are small */
	for (size_t i = 1; i < n; i++) {
		struct sn_obj *m = mem[i];
		uint16_t x = w[i];
		size_t j = i;

		while (j > 0 && mem[j - 1]->id > m->id) {
			mem[j] = mem[j - 1];
			w[j] = w[j - 1];
			j--;
		}
		mem[j] = m;
		w[j] = x;
	}
}

void sn_obj_ref(struct sn_objs *s, struct sn_obj *o)
{
	(void)s;
	o->refs++;
}

void sn_obj_unref(struct sn_objs *s, struct sn_obj *o)
{
	if (o->refs)
		o->refs--;
	if (!o->refs)
		mark_cand(s, o);
}

void sn_obj_to_sdp(const struct sn_obj *o, struct sdp_nhobj *out,
		   struct sdp_nhgrp_ent *grp)
{
	memset(out, 0, sizeof(*out));
	out->id = o->id;
	out->proto = SDP_RTPROT;
	if (!o->group) {
		out->family = o->family;
		out->nh = o->nh;
		return;
	}
	for (size_t i = 0; i < o->n; i++) {
		grp[i].id = o->mem[i]->id;
		grp[i].weight = o->w[i];
	}
	out->group = grp;
	out->n_group = o->n;
}

void sn_obj_detach(struct sn_objs *s, struct sn_obj *o)
{
	struct sn_obj **pp;

	for (pp = islot(s, o->id); *pp; pp = &(*pp)->inext)
		if (*pp == o) {
			*pp = o->inext;
			break;
		}
	kunlink(s, o);
	s->count--;
	if (o->group) {
		s->n_groups--;
		for (size_t i = 0; i < o->n; i++)
			sn_obj_unref(s, o->mem[i]);
	}
	o->inext = o->knext = NULL;
}

void sn_obj_release(struct sn_obj *o)
{
	obj_release(o);
}

int sn_objs_reserve(struct sn_objs *s, uint32_t id)
{
	if (id_reserved(s, id))
		return 0;
	if (s->n_reserved == s->cap_reserved) {
		size_t cap = s->cap_reserved ? 2 * s->cap_reserved : 16;
		uint32_t *v = realloc(s->reserved, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->reserved = v;
		s->cap_reserved = cap;
	}
	s->reserved[s->n_reserved++] = id;
	return 0;
}

void sn_objs_unreserve_all(struct sn_objs *s)
{
	s->n_reserved = 0;
}

void sn_objs_foreach(struct sn_objs *s, bool members_first,
		     void (*fn)(struct sn_obj *o, void *arg), void *arg)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < s->nbuckets; i++)
			for (struct sn_obj *o = s->by_id[i]; o; o = o->inext)
				if (o->group == (members_first ? pass == 1
							       : pass == 0))
					fn(o, arg);
}
