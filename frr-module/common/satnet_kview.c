// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_kview.c: one VRF table as the kernel holds it, prefix -> stacks.
 *
 * Ownership: the table owns its entries; snk_lookup() copies into the
 * caller's snr_path. Routes that refer to a nexthop object (satnet's,
 * or anyone's) are resolved through one dump of the kernel's objects
 * taken right after the route dumps; an id the kernel no longer has
 * (it changed in between) leaves that route "unknown", not empty.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "satnet_dp.h"
#include "satnet_kview.h"

struct snk_entry {
	char prefix[52];
	uint32_t nhid; /* 0: nexthops inline */
	bool resolved; /* stacks known */
	uint8_t n_nh;
	struct snr_kernel_nh nh[SNR_KERNEL_NH_MAX];
};

struct snk_obj {
	uint32_t id;
	bool group;
	uint8_t n; /* group: members kept; single: 0 */
	uint32_t member[SNR_KERNEL_NH_MAX];
	struct snr_kernel_nh single;
};

struct snk_table {
	unsigned int table;
	struct snk_entry *e;
	size_t n, cap;
	struct snk_obj *o;
	size_t n_o, cap_o;
	bool need_objs;
	int err; /* ENOMEM inside a callback */
};

static void stack_copy(struct snr_kernel_nh *dst, const struct sdp_nexthop *nh)
{
	unsigned int n = nh->n_labels;

	if (n > SNR_KERNEL_STACK_MAX)
		n = SNR_KERNEL_STACK_MAX;
	dst->n_labels = (uint8_t)n;
	memcpy(dst->labels, nh->labels, n * sizeof(dst->labels[0]));
}

static int route_cb(const struct sdp_route *r, void *arg)
{
	struct snk_table *t = arg;
	struct snk_entry *e;
	char addr[48];

	if (r->type && r->type != 1 /* RTN_UNICAST */)
		return 0;
	if (sdp_addr_format(&r->dst, addr, sizeof(addr)))
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct snk_entry *ne = realloc(t->e, cap * sizeof(*ne));

		if (!ne) {
			t->err = -ENOMEM;
			return -ENOMEM;
		}
		t->e = ne;
		t->cap = cap;
	}
	e = &t->e[t->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->prefix, sizeof(e->prefix), "%s/%u", addr, r->dst_len);
	if (r->nhid) {
		e->nhid = r->nhid;
		t->need_objs = true;
		return 0;
	}
	for (size_t i = 0; i < r->n_nexthops && i < SNR_KERNEL_NH_MAX; i++)
		stack_copy(&e->nh[e->n_nh++], &r->nexthops[i]);
	e->resolved = true;
	return 0;
}

static int obj_cb(const struct sdp_nhobj *o, void *arg)
{
	struct snk_table *t = arg;
	struct snk_obj *s;

	if (t->n_o == t->cap_o) {
		size_t cap = t->cap_o ? t->cap_o * 2 : 64;
		struct snk_obj *no = realloc(t->o, cap * sizeof(*no));

		if (!no) {
			t->err = -ENOMEM;
			return -ENOMEM;
		}
		t->o = no;
		t->cap_o = cap;
	}
	s = &t->o[t->n_o++];
	memset(s, 0, sizeof(*s));
	s->id = o->id;
	if (o->n_group) {
		s->group = true;
		for (size_t i = 0; i < o->n_group && i < SNR_KERNEL_NH_MAX; i++)
			s->member[s->n++] = o->group[i].id;
	} else
		stack_copy(&s->single, &o->nh);
	return 0;
}

static int obj_cmp(const void *a, const void *b)
{
	const struct snk_obj *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static const struct snk_obj *obj_find(const struct snk_table *t, uint32_t id)
{
	struct snk_obj key = {.id = id};

	return bsearch(&key, t->o, t->n_o, sizeof(*t->o), obj_cmp);
}

static void resolve(struct snk_table *t, struct snk_entry *e)
{
	const struct snk_obj *o = obj_find(t, e->nhid);

	if (!o)
		return;
	if (!o->group) {
		e->nh[0] = o->single;
		e->n_nh = 1;
		e->resolved = true;
		return;
	}
	for (unsigned int i = 0; i < o->n; i++) {
		const struct snk_obj *m = obj_find(t, o->member[i]);

		if (!m || m->group)
			return;
		e->nh[e->n_nh++] = m->single;
	}
	e->resolved = true;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct snk_entry *x = a, *y = b;

	return strcmp(x->prefix, y->prefix);
}

int snk_load(struct sdp *dp, const char *vrf, struct snk_table **out, char *why,
	     size_t whylen)
{
	static const int fams[] = {AF_INET, AF_INET6};
	struct sdp_link link;
	struct snk_table *t;
	int ret;

	*out = NULL;
	ret = sdp_link_get(dp, vrf, &link);
	if (ret) {
		snprintf(why, whylen, "cannot read device %s: %s", vrf,
			 strerror(-ret));
		return ret;
	}
	if (strcmp(link.kind, "vrf") || !link.table) {
		snprintf(why, whylen, "device %s is not a VRF device", vrf);
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	t->table = link.table;
	for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		ret = sdp_route_dump_table(dp, fams[i], link.table, route_cb,
					   t);
		if (ret) {
			snprintf(why, whylen,
				 "cannot read table %u of VRF %s: %s",
				 link.table, vrf, strerror(-ret));
			snk_free(t);
			return ret;
		}
	}
	if (t->need_objs) {
		ret = sdp_nhobj_dump(dp, 0, 1, UINT32_MAX, obj_cb, t);
		if (ret) {
			snprintf(
				why, whylen,
				"cannot read the nexthop objects of VRF %s: %s",
				vrf, strerror(-ret));
			snk_free(t);
			return ret;
		}
		qsort(t->o, t->n_o, sizeof(*t->o), obj_cmp);
		for (size_t i = 0; i < t->n; i++)
			if (t->e[i].nhid)
				resolve(t, &t->e[i]);
	}
	qsort(t->e, t->n, sizeof(*t->e), entry_cmp);
	*out = t;
	return 0;
}

void snk_lookup(const struct snk_table *t, const char *prefix,
		struct snr_path *p)
{
	struct snk_entry key;
	const struct snk_entry *e;

	p->kernel = SNR_KERNEL_UNKNOWN;
	p->kernel_n_nh = 0;
	if (!t)
		return;
	snprintf(key.prefix, sizeof(key.prefix), "%s", prefix);
	e = bsearch(&key, t->e, t->n, sizeof(*t->e), entry_cmp);
	if (!e) {
		p->kernel = SNR_KERNEL_ABSENT;
		return;
	}
	if (!e->resolved)
		return;
	p->kernel = SNR_KERNEL_PRESENT;
	p->kernel_n_nh = e->n_nh;
	memcpy(p->kernel_nh, e->nh, e->n_nh * sizeof(e->nh[0]));
}

size_t snk_count(const struct snk_table *t)
{
	return t ? t->n : 0;
}

unsigned int snk_table_id(const struct snk_table *t)
{
	return t ? t->table : 0;
}

void snk_free(struct snk_table *t)
{
	if (!t)
		return;
	free(t->e);
	free(t->o);
	free(t);
}
