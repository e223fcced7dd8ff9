// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_lsp_table.c: the record of what satnet owns in the kernel, and
 * keeping the kernel in line with it.
 *
 * DOC: record, apply, reconcile
 *
 * Every LSP and managed-VRF route satnet programmed has one entry here,
 * keyed like the kernel keys it (in-label; family + table + prefix),
 * holding the request as sent and the kernel's state of it. The
 * provider's pthread is the only writer; it takes the table mutex for
 * each change, and the CLI takes it to copy the record
 * (sn_table_export()). Kernel I/O never happens under the mutex.
 *
 * sn_table_apply() sends a batch and records each outcome. zebra is
 * told the same outcome, so an entry that failed here is one zebra
 * believes is not installed; the entry stays (state failed, with the
 * kernel's words) until zebra replaces or deletes it, and readback does
 * not touch it - programming it behind zebra's back could leave a label
 * nobody ever deletes.
 *
 * sn_table_reconcile() dumps the kernel's AF_MPLS table and the managed
 * tables, compares, marks drift (missing / differs, with what the
 * kernel has instead) and reprograms it. AF_MPLS entries with satnet's
 * protocol that the record does not know are leftovers of an earlier
 * run: counted, and deleted once the caller's grace period has passed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "satnet_dplane.h"
#include "satnet_nhg.h"

struct sn_table {
	pthread_mutex_t mtx;
	struct sn_entry **buckets;
	size_t nbuckets; /* power of two */
	size_t count;
	sn_log_fn log;
	unsigned int drift_logged; /* this readback; capped */
	struct sn_counters ctr;
	/* nexthop objects of the routes (satnet_nhg.h), under mtx */
	struct sn_objs objs;
	uint64_t batch; /* sn_table_apply() calls so far */
	bool (*busy)(void *arg);
	void *busy_arg;
};

void sn_table_set_busy(struct sn_table *t, bool (*busy)(void *arg), void *arg)
{
	t->busy = busy;
	t->busy_arg = arg;
}

static bool should_yield(struct sn_table *t, struct sn_reconcile_result *res)
{
	if (t->busy && t->busy(t->busy_arg))
		res->yielded = true;
	return res->yielded;
}

/* Drifted entries logged one by one per readback; the rest are counted. */
#define SN_DRIFT_LOG_MAX 8

#define SN_BUCKETS_MIN 64

const char *sn_kstate_str(enum sn_kstate s)
{
	switch (s) {
	case SN_K_INSTALLED:
		return "installed";
	case SN_K_MISSING:
		return "missing";
	case SN_K_DIFFERS:
		return "differs";
	case SN_K_FAILED:
		return "failed";
	}
	return "unknown";
}

static void sn_log(struct sn_table *t, int warn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void sn_log(struct sn_table *t, int warn, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!t->log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t->log(warn, buf);
}

/*
 * Keys and the hash
 */

struct sn_key {
	enum sn_kind kind;
	uint32_t in_label;
	uint8_t family, dst_len;
	struct sdp_addr dst;
	uint32_t table;
};

static size_t addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static uint32_t key_hash(const struct sn_key *k)
{
	uint32_t h = 2166136261u;
	uint8_t buf[32];
	size_t n = 0, i;

	if (k->kind == SN_KIND_LSP)
		return k->in_label * 2654435761u;
	buf[n++] = k->family;
	buf[n++] = k->dst_len;
	memcpy(buf + n, &k->table, 4);
	n += 4;
	memcpy(buf + n, k->dst.bytes, addr_len(k->family));
	n += addr_len(k->family);
	for (i = 0; i < n; i++)
		h = (h ^ buf[i]) * 16777619u;
	return h;
}

static bool key_match(const struct sn_entry *e, const struct sn_key *k)
{
	if (e->kind != k->kind)
		return false;
	if (k->kind == SN_KIND_LSP)
		return e->in_label == k->in_label;
	return e->family == k->family && e->table == k->table
	       && e->dst_len == k->dst_len
	       && !memcmp(e->dst.bytes, k->dst.bytes, addr_len(k->family));
}

static void key_of_entry(const struct sn_entry *e, struct sn_key *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = e->kind;
	k->in_label = e->in_label;
	k->family = e->family;
	k->dst_len = e->dst_len;
	k->dst = e->dst;
	k->table = e->table;
}

static void key_of_req(const struct sn_req *r, struct sn_key *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = r->kind;
	if (r->kind == SN_KIND_LSP) {
		k->in_label = r->lsp.in_label;
		return;
	}
	k->family = r->route.family;
	k->dst_len = r->route.dst_len;
	k->dst = r->route.dst;
	k->table = r->route.table;
}

static struct sn_entry **slot(const struct sn_table *t, const struct sn_key *k)
{
	return &t->buckets[key_hash(k) & (t->nbuckets - 1)];
}

static struct sn_entry *lookup(const struct sn_table *t, const struct sn_key *k)
{
	struct sn_entry *e;

	for (e = *slot(t, k); e; e = e->hnext)
		if (key_match(e, k))
			return e;
	return NULL;
}

static void entry_free(struct sn_entry *e)
{
	if (!e)
		return;
	free(e->nh);
	free(e->nh_vrf);
	free(e);
}

/* Drop @e's reference to its nexthop object (the mutex is held). */
static void entry_release_obj(struct sn_table *t, struct sn_entry *e)
{
	if (e->obj)
		sn_obj_unref(&t->objs, e->obj);
	e->obj = NULL;
	e->obj_gen = 0;
}

/* Call with the mutex held. */
static void grow(struct sn_table *t)
{
	struct sn_entry **nb, *e, *next;
	size_t n = t->nbuckets * 2, i;
	struct sn_key k;

	nb = calloc(n, sizeof(*nb));
	if (!nb)
		return; /* chains just get longer */
	for (i = 0; i < t->nbuckets; i++) {
		for (e = t->buckets[i]; e; e = next) {
			next = e->hnext;
			key_of_entry(e, &k);
			e->hnext = nb[key_hash(&k) & (n - 1)];
			nb[key_hash(&k) & (n - 1)] = e;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets = n;
}

/* Call with the mutex held. */
static void unlink_entry(struct sn_table *t, struct sn_entry *e)
{
	struct sn_key k;
	struct sn_entry **pp;

	key_of_entry(e, &k);
	for (pp = slot(t, &k); *pp; pp = &(*pp)->hnext) {
		if (*pp == e) {
			*pp = e->hnext;
			t->count--;
			return;
		}
	}
}

struct sn_table *sn_table_new(void)
{
	struct sn_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->nbuckets = SN_BUCKETS_MIN;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	if (sn_objs_init(&t->objs)) {
		free(t->buckets);
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->mtx, NULL);
	return t;
}

void sn_table_free(struct sn_table *t)
{
	struct sn_entry *e, *next;
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e; e = next) {
			next = e->hnext;
			entry_free(e);
		}
	free(t->buckets);
	sn_objs_fini(&t->objs);
	pthread_mutex_destroy(&t->mtx);
	free(t);
}

void sn_table_set_log(struct sn_table *t, sn_log_fn fn)
{
	t->log = fn;
}

struct sn_counters *sn_table_counters(struct sn_table *t)
{
	return &t->ctr;
}

size_t sn_table_count(struct sn_table *t)
{
	size_t n;

	pthread_mutex_lock(&t->mtx);
	n = t->count;
	pthread_mutex_unlock(&t->mtx);
	return n;
}

const struct sn_entry *sn_table_find_lsp(const struct sn_table *t,
					 uint32_t in_label)
{
	struct sn_key k = {.kind = SN_KIND_LSP, .in_label = in_label};

	return lookup(t, &k);
}

const struct sn_entry *sn_table_find_route(const struct sn_table *t,
					   uint8_t family, uint32_t table,
					   const struct sdp_addr *dst,
					   uint8_t dst_len)
{
	struct sn_key k = {.kind = SN_KIND_ROUTE,
			   .family = family,
			   .table = table,
			   .dst_len = dst_len};

	memcpy(k.dst.bytes, dst->bytes, addr_len(family));
	k.dst.family = family;
	return lookup(t, &k);
}

/*
 * Recording outcomes
 */

static void set_state(struct sn_entry *e, enum sn_kstate s, const char *why)
{
	e->state = s;
	snprintf(e->reason, sizeof(e->reason), "%s", why ? why : "");
}

/* Make the entry for @r hold @r's request (the mutex is held). */
static struct sn_entry *upsert(struct sn_table *t, const struct sn_req *r)
{
	struct sdp_nexthop *nh = NULL;
	uint32_t *nh_vrf = NULL;
	struct sn_entry *e;
	struct sn_key k;

	if (r->n_nh) {
		nh = malloc(r->n_nh * sizeof(*nh));
		nh_vrf = malloc(r->n_nh * sizeof(*nh_vrf));
		if (!nh || !nh_vrf) {
			free(nh);
			free(nh_vrf);
			return NULL;
		}
		memcpy(nh, r->nh, r->n_nh * sizeof(*nh));
		memcpy(nh_vrf, r->nh_vrf, r->n_nh * sizeof(*nh_vrf));
	}
	key_of_req(r, &k);
	e = lookup(t, &k);
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e) {
			free(nh);
			free(nh_vrf);
			return NULL;
		}
		e->kind = k.kind;
		e->in_label = k.in_label;
		e->family = k.family;
		e->dst_len = k.dst_len;
		e->dst = k.dst;
		e->dst.family = k.family;
		e->table = k.table;
		if (t->count >= 2 * t->nbuckets)
			grow(t);
		e->hnext = *slot(t, &k);
		*slot(t, &k) = e;
		t->count++;
	}
	free(e->nh);
	free(e->nh_vrf);
	e->nh = nh;
	e->nh_vrf = nh_vrf;
	e->n_nh = r->n_nh;
	e->owner = r->owner;
	if (r->kind == SN_KIND_LSP) {
		e->proto = r->lsp.proto ? r->lsp.proto : SDP_RTPROT;
		e->rtype = 0;
		e->metric = 0;
	} else {
		e->proto = r->route.proto;
		e->rtype = r->route.type == RTN_UNICAST ? 0 : r->route.type;
		e->metric = r->route.metric;
	}
	return e;
}

static void record(struct sn_table *t, const struct sn_req *r)
{
	struct sn_entry *e;
	struct sn_key k;

	if (r->superseded)
		return; /* a later request of the batch says what holds */
	pthread_mutex_lock(&t->mtx);
	key_of_req(r, &k);
	if (r->cmd == SDP_CMD_DELETE) {
		e = lookup(t, &k);
		if (e && r->result == 0) {
			entry_release_obj(t, e);
			unlink_entry(t, e);
			entry_free(e);
		} else if (e) {
			set_state(e, SN_K_FAILED, r->reason);
			e->zebra_ok = false;
		}
	} else if (r->noop) {
		/* a system route: the kernel's, not ours */
		e = lookup(t, &k);
		if (e) {
			entry_release_obj(t, e);
			unlink_entry(t, e);
			entry_free(e);
		}
	} else {
		/* decided routes were recorded when their object was chosen */
		e = r->decided ? lookup(t, &k) : upsert(t, r);
		if (e) {
			set_state(e, r->result ? SN_K_FAILED : SN_K_INSTALLED,
				  r->result ? r->reason : NULL);
			e->zebra_ok = r->result == 0;
			/* refused: the kernel route does not use the object */
			if (r->result)
				entry_release_obj(t, e);
		}
	}
	pthread_mutex_unlock(&t->mtx);
}

static void req_error(struct sn_req *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void req_error(struct sn_req *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	r->result = err;
}

/*
 * net.mpls.platform_labels: the kernel refuses labels at or above it.
 * Raise it once for the whole batch when the policy allows; otherwise
 * fail exactly the requests that cannot fit, with the reason.
 */
static void platform_check(struct sn_table *t, struct sdp *dp,
			   struct sn_req **v, size_t n,
			   const struct sn_policy *pol)
{
	uint32_t max = 0, have = 0, now = 0;
	bool any = false;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		const struct sn_req *r = v[i];

		if (r->kind != SN_KIND_LSP || r->cmd != SDP_CMD_REPLACE
		    || r->result || r->noop)
			continue;
		any = true;
		if (r->lsp.in_label > max)
			max = r->lsp.in_label;
	}
	if (!any)
		return;
	/* Unreadable (no MPLS at all): let the kernel give its reason. */
	if (sdp_platform_labels_get(dp, &have) < 0 || max < have)
		return;

	if (pol->raise_platform_labels) {
		ret = sdp_platform_labels_raise(dp, max + 1, &now);
		if (ret == 0 && max < now) {
			atomic_fetch_add(&t->ctr.platform_raises, 1);
			sn_log(t, 0,
			       "raised net.mpls.platform_labels from %u to %u for label %u",
			       have, now, max);
			return;
		}
		sn_log(t, 1, "raising net.mpls.platform_labels to %u failed: %s",
		       max + 1, ret ? strerror(-ret) : "value did not stick");
	}
	for (i = 0; i < n; i++) {
		struct sn_req *r = v[i];

		if (r->kind != SN_KIND_LSP || r->cmd != SDP_CMD_REPLACE
		    || r->result || r->noop || r->lsp.in_label < have)
			continue;
		if (pol->raise_platform_labels)
			req_error(r, -ERANGE,
				  "label %u is not below net.mpls.platform_labels (%u) and raising it to %u failed",
				  r->lsp.in_label, have, max + 1);
		else
			req_error(r, -ERANGE,
				  "label %u is not below net.mpls.platform_labels (%u); platform-labels policy is leave",
				  r->lsp.in_label, have);
	}
}

/* Send what can be sent among @v; fill results. Returns failures. */
static size_t send_reqs(struct sn_table *t, struct sdp *dp, struct sn_req **v,
			size_t n, const struct sn_policy *pol)
{
	struct sdp_batch *b = NULL;
	size_t i, failed = 0;
	int ret;

	platform_check(t, dp, v, n, pol);

	ret = sdp_batch_new(dp, &b);
	if (ret) {
		for (i = 0; i < n; i++)
			if (!v[i]->result && !v[i]->noop)
				req_error(v[i], ret, "cannot start a batch: %s",
					  strerror(-ret));
		b = NULL;
	}
	for (i = 0; b && i < n; i++) {
		struct sn_req *r = v[i];

		if (r->result || r->noop || r->skip || r->superseded)
			continue;
		if (r->kind == SN_KIND_LSP)
			ret = sdp_batch_add_lsp(b, r->cmd, &r->lsp, r);
		else
			ret = sdp_batch_add_route(b, r->cmd, &r->route, r);
		if (ret) {
			const char *le = sdp_last_error(dp);

			req_error(r, ret, "%s", le[0] ? le : strerror(-ret));
			continue;
		}
		if (r->kind == SN_KIND_LSP)
			atomic_fetch_add(&t->ctr.lsp_ops, 1);
		else
			atomic_fetch_add(&t->ctr.route_ops, 1);
	}
	if (b && sdp_batch_count(b)) {
		sdp_batch_send(b);
		for (i = 0; i < sdp_batch_count(b); i++) {
			const char *text = NULL;
			void *cookie = NULL;
			struct sn_req *r;

			ret = sdp_batch_result(b, i, &cookie, &text);
			r = cookie;
			if (!r)
				continue;
			/* Deleting a route that is already gone is done. */
			if (r->kind == SN_KIND_ROUTE && r->cmd == SDP_CMD_DELETE
			    && (ret == -ESRCH || ret == -ENOENT))
				ret = 0;
			if (ret)
				req_error(r, ret, "%s",
					  text ? text : strerror(-ret));
			else
				r->result = 0;
		}
	}
	sdp_batch_free(b);
	for (i = 0; i < n; i++)
		if (v[i]->result)
			failed++;
	return failed;
}

/*
 * Nexthop objects in a batch (the DOC of satnet_nhg.h): decide each
 * managed route's object, write the objects, program the routes, then
 * delete the objects nothing uses any more.
 */

/* Can @r's forwarding live in nexthop objects? The kernel wants a
 * device for every nexthop of an object, and an IPv6 route cannot use
 * an IPv4 gateway object (RFC 5549 the other way round is fine). */
static bool objectable(const struct sn_req *r)
{
	if (r->cmd != SDP_CMD_REPLACE || r->noop || r->result
	    || r->route.type != RTN_UNICAST || !r->n_nh)
		return false;
	for (size_t i = 0; i < r->n_nh; i++) {
		if (!r->nh[i].ifindex)
			return false;
		if (r->route.family == AF_INET6
		    && r->nh[i].via.family == AF_INET)
			return false;
	}
	return true;
}

/* The members and weights of @r's forwarding, canonical; 0 or -ENOMEM. */
static int members_of(struct sn_table *t, const struct sn_req *r,
		      struct sn_obj **mem, uint16_t *w, size_t *n)
{
	size_t i, j, k = 0;

	for (i = 0; i < r->n_nh; i++) {
		const struct sdp_nexthop *nh = &r->nh[i];
		uint8_t fam = nh->via.family ? nh->via.family
					     : r->route.family;
		struct sn_obj *m = sn_obj_member(&t->objs, fam, nh);
		uint16_t wt = nh->weight ? nh->weight : 1;

		if (!m)
			return -ENOMEM;
		/* the same nexthop twice: one member */
		for (j = 0; j < k && mem[j] != m; j++)
			;
		if (j < k) {
			if (wt > w[j])
				w[j] = wt;
			continue;
		}
		mem[k] = m;
		w[k++] = wt;
	}
	sn_obj_sort_members(mem, w, k);
	*n = k;
	return 0;
}

/* Choose the object of managed route request @r (the mutex is held). */
static void decide_route(struct sn_table *t, struct sn_req *r)
{
	struct sn_obj *mem[SDP_NEXTHOP_MAX], *cur, *g;
	uint16_t w[SDP_NEXTHOP_MAX];
	struct sn_entry *e;
	bool fresh = false;
	struct sn_key k;
	size_t n;

	key_of_req(r, &k);
	e = lookup(t, &k);
	if (e && e->batch == t->batch && e->last_req)
		e->last_req->superseded = true;
	if (e) {
		e->batch = t->batch;
		e->last_req = r;
	}
	cur = e ? e->obj : NULL;

	if (!objectable(r)) {
		/* deleted, a system route, or inline: the object goes */
		if (e)
			entry_release_obj(t, e);
		return;
	}
	if (members_of(t, r, mem, w, &n)) {
		req_error(r, -ENOMEM, "out of memory for nexthop objects");
		return;
	}
	if (!e) {
		e = upsert(t, r);
		if (!e) {
			req_error(r, -ENOMEM, "out of memory");
			return;
		}
		fresh = true;
		set_state(e, SN_K_MISSING, "being programmed");
		e->batch = t->batch;
		e->last_req = r;
	}

	if (cur && e->state == SN_K_INSTALLED && e->zebra_ok
	    && sn_obj_group_is(cur, r->rkey, r->rkey_len, mem, w, n)) {
		/* the object already forwards as asked (it moved in place) */
		e->obj_gen = cur->gen;
		r->skip = true;
	} else if (cur && r->rkey_len && e->obj_gen == cur->gen
		   && cur->rkey_len == r->rkey_len
		   && !memcmp(cur->rkey, r->rkey, r->rkey_len)
		   && !sn_obj_group_find(&t->objs, r->rkey, r->rkey_len, mem, w,
					 n)
		   && !sn_obj_group_set(&t->objs, cur, mem, w, n)) {
		/* the resolution moved: every route sharing it moves too */
		atomic_fetch_add(&t->ctr.nhobj_inplace, 1);
		cur->moved = cur->in_kernel;
		e->obj_gen = cur->gen;
		r->skip = true;
	} else {
		g = sn_obj_group_find(&t->objs, r->rkey, r->rkey_len, mem, w,
				      n);
		if (!g)
			g = sn_obj_group_new(&t->objs, r->rkey, r->rkey_len, mem,
					     w, n);
		if (!g) {
			req_error(r, -ENOMEM, "out of memory for nexthop objects");
			entry_release_obj(t, e);
			return;
		}
		sn_obj_ref(&t->objs, g);
		entry_release_obj(t, e);
		e->obj = g;
		e->obj_gen = g->gen;
		r->route.nhid = g->id;
		r->route.nexthops = NULL;
		r->route.n_nexthops = 0;
	}
	r->dep = e->obj;
	r->decided = true;
	/* the forwarding asked for, shown by `show satnet labels` */
	if (!fresh && !upsert(t, r))
		req_error(r, -ENOMEM, "out of memory");
}

static void obj_fail(struct sn_obj *o, int err, const char *text)
{
	o->state = SN_K_FAILED;
	snprintf(o->reason, sizeof(o->reason), "%s",
		 text ? text : strerror(-err));
}

/*
 * Take out of the store every candidate nothing uses (with @unborn_only,
 * only those never written to the kernel): groups first, whose members
 * may then go too. They are removed from the candidate and dirty lists
 * and returned in *gonep (caller frees the array and releases them).
 * The mutex is held.
 */
static size_t detach_unused(struct sn_table *t, bool unborn_only,
			    struct sn_obj ***gonep)
{
	struct sn_objs *s = &t->objs;
	size_t i, j, ng = 0, cap = 0;

	*gonep = NULL;
	for (int pass = 0; pass < 2; pass++)
		/* detaching a group appends its members to the list */
		for (i = 0; i < s->n_cand; i++) {
			struct sn_obj *o = s->cand[i];

			if (!o || o->refs || (unborn_only && o->in_kernel)
			    || o->group != (pass == 0))
				continue;
			if (!sn_obj_vec_push(gonep, &ng, &cap, o))
				break;
			s->cand[i] = NULL;
			o->cand = false;
			o->dropping = true;
			sn_obj_detach(s, o);
		}
	for (i = j = 0; i < s->n_dirty; i++)
		if (!s->dirty[i]->dropping)
			s->dirty[j++] = s->dirty[i];
	s->n_dirty = j;
	for (i = j = 0; i < s->n_cand; i++)
		if (s->cand[i])
			s->cand[j++] = s->cand[i];
	s->n_cand = j;
	return ng;
}

/*
 * Free the objects that nothing took since they were made (a route
 * superseded within its batch, a failed decision): they never reach
 * the kernel. The mutex is held.
 */
static void drop_unborn(struct sn_table *t)
{
	struct sn_obj **gone;
	size_t ng = detach_unused(t, true, &gone);

	for (size_t i = 0; i < ng; i++)
		sn_obj_release(gone[i]);
	free(gone);
}

/*
 * Write @n objects of @todo in one batch (members before groups, as
 * given); @moved ones as a change of what the kernel must hold. A change
 * that finds no object marks it flushed (the caller recreates it).
 * Returns how many failed.
 */
static size_t write_objects(struct sn_table *t, struct sdp *dp,
			    struct sn_obj **todo, size_t n)
{
	struct sdp_nhgrp_ent grp[SDP_NEXTHOP_MAX];
	struct sdp_batch *b = NULL;
	size_t i, failed = 0;
	int ret;

	if (sdp_batch_new(dp, &b)) {
		for (i = 0; i < n; i++)
			obj_fail(todo[i], -ENOMEM, "out of memory");
		return n;
	}
	for (i = 0; i < n; i++) {
		struct sn_obj *o = todo[i];
		struct sdp_nhobj so;

		sn_obj_to_sdp(o, &so, grp);
		ret = sdp_batch_add_nhobj(b,
					  o->moved ? SDP_CMD_CHANGE
						   : SDP_CMD_REPLACE,
					  &so, o);
		if (ret) {
			obj_fail(o, ret, sdp_last_error(dp));
			failed++;
			continue;
		}
		atomic_fetch_add(&t->ctr.nhobj_ops, 1);
	}
	if (sdp_batch_count(b))
		sdp_batch_send(b);
	for (i = 0; i < sdp_batch_count(b); i++) {
		const char *text = NULL;
		void *cookie = NULL;
		struct sn_obj *o;

		ret = sdp_batch_result(b, i, &cookie, &text);
		o = cookie;
		if (!o)
			continue;
		if (ret == -ENOENT && o->moved) {
			o->flushed = true;
			o->in_kernel = false;
			continue;
		}
		if (ret) {
			obj_fail(o, ret, text);
			failed++;
			continue;
		}
		o->in_kernel = true;
		o->state = SN_K_INSTALLED;
		o->reason[0] = '\0';
	}
	sdp_batch_free(b);
	return failed;
}

/*
 * Send the objects queued for writing that something still uses:
 * members first, then groups (a group needs its members). A group
 * changed in place that the kernel no longer holds is created again and
 * left marked flushed: the routes that used it went with it (see
 * relink_flushed()). Returns how many failed; *n_flushed says how many
 * groups were found flushed.
 */
static size_t send_objects(struct sn_table *t, struct sdp *dp,
			   size_t *n_flushed)
{
	struct sn_objs *s = &t->objs;
	struct sn_obj **todo;
	size_t i, nt = 0, nf = 0, failed;
	int pass;

	*n_flushed = 0;
	if (!s->n_dirty)
		return 0;
	todo = malloc(s->n_dirty * sizeof(*todo));
	if (!todo) {
		for (i = 0; i < s->n_dirty; i++) {
			obj_fail(s->dirty[i], -ENOMEM, "out of memory");
			s->dirty[i]->dirty = false;
			s->dirty[i]->moved = false;
		}
		i = s->n_dirty;
		s->n_dirty = 0;
		return i;
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < s->n_dirty; i++) {
			struct sn_obj *o = s->dirty[i];

			if (o->group == (pass == 1) && o->refs)
				todo[nt++] = o;
		}
	for (i = 0; i < s->n_dirty; i++)
		s->dirty[i]->dirty = false;
	s->n_dirty = 0;
	failed = write_objects(t, dp, todo, nt);
	for (i = 0; i < nt; i++) {
		todo[i]->moved = false;
		if (todo[i]->flushed)
			todo[nf++] = todo[i];
	}
	if (nf) {
		atomic_fetch_add(&t->ctr.nhobj_flushed, nf);
		failed += write_objects(t, dp, todo, nf);
	}
	*n_flushed = nf;
	free(todo);
	return failed;
}

/*
 * Groups found flushed by send_objects(): the kernel removed them with
 * every route that used them. The routes of this batch that were to ride
 * on the change are written again (onto the recreated group); the others
 * are marked missing, so that their next context writes them and the
 * readback repairs them meanwhile. The mutex is held.
 */
static void relink_flushed(struct sn_table *t, struct sn_req *reqs, size_t n)
{
	struct sn_entry *e;
	size_t i;

	for (i = 0; i < n; i++) {
		struct sn_req *r = &reqs[i];
		struct sn_obj *o = r->dep;

		if (!r->skip || !o || !o->flushed)
			continue;
		r->skip = false;
		r->route.nhid = o->id;
		r->route.nexthops = NULL;
		r->route.n_nexthops = 0;
	}
	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e; e = e->hnext) {
			struct sn_obj *o = e->obj;

			if (o && o->flushed && e->batch != t->batch)
				set_state(e, SN_K_MISSING,
					  "removed by the kernel with its nexthop object (a device went down)");
		}
	/* every flushed group is in use: its routes' entries reach it */
	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e; e = e->hnext) {
			struct sn_obj *o = e->obj;

			if (o)
				o->flushed = false;
		}
}

/*
 * Delete from the kernel and free every object nothing uses any more:
 * groups first (freeing one releases its members), then members. The
 * mutex is held across the frees, not across the kernel I/O.
 */
static void collect_garbage(struct sn_table *t, struct sdp *dp)
{
	struct sn_objs *s = &t->objs;
	struct sdp_batch *b = NULL;
	struct sn_obj **gone;
	size_t i, ng;

	pthread_mutex_lock(&t->mtx);
	ng = detach_unused(t, false, &gone);
	/* what is left on the list is in use again */
	for (i = 0; i < s->n_cand; i++)
		s->cand[i]->cand = false;
	s->n_cand = 0;
	pthread_mutex_unlock(&t->mtx);

	if (!ng)
		goto out;
	if (!sdp_batch_new(dp, &b)) {
		for (i = 0; i < ng; i++)
			if (gone[i]->in_kernel
			    && !sdp_batch_add_nhobj(
				    b, SDP_CMD_DELETE,
				    &(struct sdp_nhobj){.id = gone[i]->id},
				    gone[i]))
				atomic_fetch_add(&t->ctr.nhobj_ops, 1);
		if (sdp_batch_count(b))
			sdp_batch_send(b);
		for (i = 0; i < sdp_batch_count(b); i++) {
			const char *text = NULL;
			void *cookie = NULL;
			int ret = sdp_batch_result(b, i, &cookie, &text);

			if (ret && ret != -ENOENT && cookie)
				sn_log(t, 1, "%s",
				       text ? text : "nexthop object delete failed");
		}
		sdp_batch_free(b);
	}
	for (i = 0; i < ng; i++)
		sn_obj_release(gone[i]);
out:
	free(gone);
	atomic_store(&t->ctr.nhobj_count, s->count);
	atomic_store(&t->ctr.nhobj_groups, s->n_groups);
}

size_t sn_table_apply(struct sn_table *t, struct sdp *dp, struct sn_req *reqs,
		      size_t n, const struct sn_policy *pol)
{
	struct sn_req **v;
	size_t i, failed, flushed;

	if (!n)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v) {
		for (i = 0; i < n; i++)
			if (!reqs[i].result)
				req_error(&reqs[i], -ENOMEM, "out of memory");
		return n;
	}
	for (i = 0; i < n; i++) {
		v[i] = &reqs[i];
		if (reqs[i].result && !reqs[i].reason[0])
			req_error(&reqs[i], reqs[i].result, "%s",
				  strerror(-reqs[i].result));
	}
	/* The managed routes' objects: choose, then write them. */
	pthread_mutex_lock(&t->mtx);
	t->batch++;
	for (i = 0; i < n; i++)
		if (reqs[i].kind == SN_KIND_ROUTE && !reqs[i].result
		    && sn_policy_manages(pol, reqs[i].route.table))
			decide_route(t, &reqs[i]);
	drop_unborn(t);
	pthread_mutex_unlock(&t->mtx);
	send_objects(t, dp, &flushed);
	if (flushed) {
		pthread_mutex_lock(&t->mtx);
		relink_flushed(t, reqs, n);
		pthread_mutex_unlock(&t->mtx);
	}
	for (i = 0; i < n; i++) {
		struct sn_obj *o = reqs[i].dep;

		if (reqs[i].decided && !reqs[i].superseded && o
		    && o->state == SN_K_FAILED)
			req_error(&reqs[i], -EINVAL, "nexthop object %u: %s",
				  o->id, o->reason);
		else if (reqs[i].skip && !reqs[i].superseded)
			atomic_fetch_add(&t->ctr.route_nowrite, 1);
	}

	failed = send_reqs(t, dp, v, n, pol);
	for (i = 0; i < n; i++) {
		/* Route records only for tables that are still managed. */
		if (reqs[i].kind == SN_KIND_ROUTE && reqs[i].cmd != SDP_CMD_DELETE
		    && !sn_policy_manages(pol, reqs[i].route.table))
			continue;
		record(t, &reqs[i]);
	}
	/* no entry may point at a request of this batch any more */
	pthread_mutex_lock(&t->mtx);
	for (i = 0; i < n; i++) {
		struct sn_entry *e;
		struct sn_key k;

		if (reqs[i].kind != SN_KIND_ROUTE)
			continue;
		key_of_req(&reqs[i], &k);
		e = lookup(t, &k);
		if (e)
			e->last_req = NULL;
	}
	pthread_mutex_unlock(&t->mtx);
	collect_garbage(t, dp);
	free(v);
	return failed;
}

void sn_table_prune(struct sn_table *t, const struct sn_policy *pol)
{
	struct sn_entry **pp, *e;
	size_t i;

	pthread_mutex_lock(&t->mtx);
	for (i = 0; i < t->nbuckets; i++) {
		pp = &t->buckets[i];
		while ((e = *pp)) {
			if (e->kind == SN_KIND_ROUTE
			    && !sn_policy_manages(pol, e->table)) {
				*pp = e->hnext;
				t->count--;
				entry_release_obj(t, e);
				entry_free(e);
				continue;
			}
			pp = &e->hnext;
		}
	}
	pthread_mutex_unlock(&t->mtx);
}

/*
 * Readback
 */

/* One kernel entry, copied out of a dump callback. */
struct kentry {
	struct sdp_lsp lsp;
	struct sdp_route route;
	struct sdp_nexthop *nh;
	bool matched;
};

struct kvec {
	struct kentry *v;
	size_t n, cap;
	int err;
};

static void kvec_free(struct kvec *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->v[i].nh);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static struct kentry *kvec_add(struct kvec *k, const struct sdp_nexthop *nh,
			       size_t n_nh)
{
	struct kentry *e;

	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 64;
		struct kentry *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		k->v = v;
		k->cap = cap;
	}
	e = &k->v[k->n];
	memset(e, 0, sizeof(*e));
	if (n_nh) {
		e->nh = malloc(n_nh * sizeof(*e->nh));
		if (!e->nh)
			return NULL;
		memcpy(e->nh, nh, n_nh * sizeof(*e->nh));
	}
	k->n++;
	return e;
}

static int dump_lsp_cb(const struct sdp_lsp *lsp, void *arg)
{
	struct kvec *k = arg;
	struct kentry *e = kvec_add(k, lsp->nexthops, lsp->n_nexthops);

	if (!e)
		return -ENOMEM;
	e->lsp = *lsp;
	e->lsp.nexthops = e->nh;
	return 0;
}

static int dump_route_cb(const struct sdp_route *rt, void *arg)
{
	struct kvec *k = arg;
	struct kentry *e;

	/* Only unicast-ish routes we could have installed. */
	if (rt->type != RTN_UNICAST && rt->type != RTN_BLACKHOLE
	    && rt->type != RTN_UNREACHABLE && rt->type != RTN_PROHIBIT)
		return 0;
	e = kvec_add(k, rt->nexthops, rt->n_nexthops);
	if (!e)
		return -ENOMEM;
	e->route = *rt;
	e->route.nexthops = e->nh;
	return 0;
}

static bool addr_eq(const struct sdp_addr *a, const struct sdp_addr *b)
{
	return a->family == b->family
	       && !memcmp(a->bytes, b->bytes, addr_len(a->family));
}

/* Does kernel nexthop @k implement wanted nexthop @w? */
static bool nh_eq(const struct sdp_nexthop *w, const struct sdp_nexthop *k,
		  bool mpls)
{
	if (!addr_eq(&w->via, &k->via))
		return false;
	/* Without a device the kernel picks one: anything goes. */
	if (w->ifindex && w->ifindex != k->ifindex)
		return false;
	if (w->n_labels != k->n_labels
	    || memcmp(w->labels, k->labels, w->n_labels * sizeof(w->labels[0])))
		return false;
	/* The MPLS table ignores weights. */
	if (!mpls && (w->weight ? w->weight : 1) != (k->weight ? k->weight : 1))
		return false;
	return true;
}

/* As nh_eq(), for one path alone: the kernel keeps no weight for a
 * route with a single nexthop (it reads back as 1), so none is asked. */
static bool nh1_eq(const struct sdp_nexthop *w, const struct sdp_nexthop *k,
		   bool mpls)
{
	struct sdp_nexthop w1 = *w;

	w1.weight = k->weight;
	return nh_eq(&w1, k, mpls);
}

static bool nhs_eq(const struct sdp_nexthop *w, size_t nw,
		   const struct sdp_nexthop *k, size_t nk, bool mpls)
{
	bool used[SDP_NEXTHOP_MAX] = {false};
	size_t i, j;

	if (nw != nk || nk > SDP_NEXTHOP_MAX)
		return false;
	if (nw == 1)
		return nh1_eq(&w[0], &k[0], mpls);
	for (i = 0; i < nw; i++) {
		for (j = 0; j < nk; j++)
			if (!used[j] && nh_eq(&w[i], &k[j], mpls))
				break;
		if (j == nk)
			return false;
		used[j] = true;
	}
	return true;
}

/* Mark @e against the kernel's @k (NULL: absent). The mutex is held. */
static bool judge(struct sn_entry *e, struct kentry *k,
		  struct sn_reconcile_result *res)
{
	char buf[SN_REASON_LEN - 16];

	res->checked++;
	if (!k) {
		res->missing++;
		set_state(e, SN_K_MISSING, "not in the kernel");
		return false;
	}
	k->matched = true;
	if (e->kind == SN_KIND_LSP) {
		if (k->lsp.proto == e->proto
		    && nhs_eq(e->nh, e->n_nh, k->nh, k->lsp.n_nexthops, true)) {
			set_state(e, SN_K_INSTALLED, NULL);
			return true;
		}
		sdp_lsp_format(&k->lsp, buf, sizeof(buf));
	} else {
		uint8_t kt = k->route.type == RTN_UNICAST ? 0 : k->route.type;

		const struct sn_obj *o = e->obj;

		/* Through an object: the route must name it. */
		if (o && kt == 0 && k->route.proto == e->proto
		    && k->route.nhid == o->id) {
			set_state(e, SN_K_INSTALLED, NULL);
			return true;
		}
		/* The kernel reports blackholes with a device (lo for
		 * IPv6); only unicast routes have nexthops to compare. */
		if (!o && kt == e->rtype && k->route.proto == e->proto
		    && !k->route.nhid
		    && (e->rtype
			|| nhs_eq(e->nh, e->n_nh, k->nh, k->route.n_nexthops,
				  false))) {
			set_state(e, SN_K_INSTALLED, NULL);
			return true;
		}
		sdp_route_format(&k->route, buf, sizeof(buf));
	}
	res->differs++;
	e->state = SN_K_DIFFERS;
	snprintf(e->reason, sizeof(e->reason), "kernel has %s", buf);
	return false;
}

static int cmp_klsp(const void *a, const void *b)
{
	uint32_t x = ((const struct kentry *)a)->lsp.in_label;
	uint32_t y = ((const struct kentry *)b)->lsp.in_label;

	return x < y ? -1 : x > y;
}

static struct kentry *kfind_lsp(struct kvec *k, uint32_t label)
{
	struct kentry key = {.lsp.in_label = label};

	if (!k->n)
		return NULL;
	return bsearch(&key, k->v, k->n, sizeof(key), cmp_klsp);
}

/* Routes of one dump share their family: order by prefix, then metric. */
static int cmp_kroute(const void *a, const void *b)
{
	const struct sdp_route *x = &((const struct kentry *)a)->route;
	const struct sdp_route *y = &((const struct kentry *)b)->route;
	int c = memcmp(x->dst.bytes, y->dst.bytes, addr_len(x->family));

	if (c)
		return c;
	if (x->dst_len != y->dst_len)
		return x->dst_len < y->dst_len ? -1 : 1;
	return x->metric < y->metric ? -1 : x->metric > y->metric;
}

static struct kentry *kfind_route(struct kvec *k, const struct sn_entry *e)
{
	struct kentry key;

	if (!k->n)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.route.family = e->family;
	key.route.dst = e->dst;
	key.route.dst_len = e->dst_len;
	key.route.metric = e->metric;
	return bsearch(&key, k->v, k->n, sizeof(key), cmp_kroute);
}

/* A request that reprograms @e as recorded (for repairs). */
static int req_from_entry(const struct sn_entry *e, struct sn_req *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = e->kind;
	r->cmd = SDP_CMD_REPLACE;
	r->owner = e->owner;
	if (e->n_nh) {
		r->nh = malloc(e->n_nh * sizeof(*r->nh));
		r->nh_vrf = malloc(e->n_nh * sizeof(*r->nh_vrf));
		if (!r->nh || !r->nh_vrf) {
			sn_req_fini(r);
			return -ENOMEM;
		}
		memcpy(r->nh, e->nh, e->n_nh * sizeof(*r->nh));
		memcpy(r->nh_vrf, e->nh_vrf, e->n_nh * sizeof(*r->nh_vrf));
		r->n_nh = e->n_nh;
	}
	if (e->kind == SN_KIND_LSP) {
		r->lsp.in_label = e->in_label;
		r->lsp.proto = e->proto;
		r->lsp.nexthops = r->nh;
		r->lsp.n_nexthops = r->n_nh;
	} else {
		r->route.family = e->family;
		r->route.dst_len = e->dst_len;
		r->route.dst = e->dst;
		r->route.dst.family = e->family;
		r->route.table = e->table;
		r->route.proto = e->proto;
		r->route.type = e->rtype ? e->rtype : RTN_UNICAST;
		r->route.metric = e->metric;
		r->route.nexthops = r->nh;
		r->route.n_nexthops = r->n_nh;
		if (e->obj) {
			r->route.nhid = ((struct sn_obj *)e->obj)->id;
			r->route.nexthops = NULL;
			r->route.n_nexthops = 0;
		}
	}
	return 0;
}

struct repairs {
	struct sn_req *v;
	size_t n, cap;
};

static struct sn_req *repairs_add(struct repairs *rp)
{
	if (rp->n == rp->cap) {
		size_t cap = rp->cap ? 2 * rp->cap : 16;
		struct sn_req *v = realloc(rp->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		rp->v = v;
		rp->cap = cap;
	}
	return &rp->v[rp->n++];
}

/* Queue a repair of every drifted entry zebra believes installed. */
static void collect_repairs(struct sn_table *t, struct repairs *rp,
			    enum sn_kind kind, uint32_t table, uint8_t family)
{
	struct sn_entry *e;
	size_t i;

	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e; e = e->hnext) {
			struct sn_req *r;

			if (e->kind != kind || !e->seen)
				continue;
			if (kind == SN_KIND_ROUTE
			    && (e->table != table || e->family != family))
				continue;
			e->seen = false;
			if (e->state != SN_K_MISSING
			    && e->state != SN_K_DIFFERS)
				continue;
			r = repairs_add(rp);
			if (!r || req_from_entry(e, r)) {
				if (r)
					rp->n--;
				continue;
			}
		}
}

/* Compare one kernel table with the record; queue repairs. */
static void compare(struct sn_table *t, struct kvec *k, enum sn_kind kind,
		    uint32_t table, uint8_t family, struct repairs *rp,
		    struct sn_reconcile_result *res)
{
	struct sn_entry *e;
	size_t i;

	pthread_mutex_lock(&t->mtx);
	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e; e = e->hnext) {
			struct kentry *ke;

			if (e->kind != kind || !e->zebra_ok)
				continue;
			if (kind == SN_KIND_ROUTE
			    && (e->table != table || e->family != family))
				continue;
			ke = kind == SN_KIND_LSP ? kfind_lsp(k, e->in_label)
						 : kfind_route(k, e);
			e->seen = true;
			if (!judge(e, ke, res)) {
				char what[80], a[48];

				atomic_fetch_add(&t->ctr.drift, 1);
				if (t->drift_logged++ >= SN_DRIFT_LOG_MAX)
					continue;
				if (kind == SN_KIND_LSP)
					snprintf(what, sizeof(what),
						 "lsp in-label %u", e->in_label);
				else {
					if (sdp_addr_format(&e->dst, a,
							    sizeof(a)) < 0)
						snprintf(a, sizeof(a), "?");
					snprintf(what, sizeof(what),
						 "route table %u %s/%u",
						 e->table, a, e->dst_len);
				}
				sn_log(t, 1, "readback: %s %s: %s", what,
				       sn_kstate_str(e->state), e->reason);
			}
		}
	collect_repairs(t, rp, kind, table, family);
	pthread_mutex_unlock(&t->mtx);
}

/* Send the repairs and record their outcome. */
static void run_repairs(struct sn_table *t, struct sdp *dp, struct repairs *rp,
			const struct sn_policy *pol,
			struct sn_reconcile_result *res)
{
	struct sn_req **v;
	size_t i;

	if (!rp->n)
		return;
	v = calloc(rp->n, sizeof(*v));
	if (v) {
		for (i = 0; i < rp->n; i++)
			v[i] = &rp->v[i];
		send_reqs(t, dp, v, rp->n, pol);
		free(v);
	}
	pthread_mutex_lock(&t->mtx);
	for (i = 0; i < rp->n; i++) {
		struct sn_req *r = &rp->v[i];
		struct sn_entry *e;
		struct sn_key k;

		if (!v && !r->result)
			req_error(r, -ENOMEM, "out of memory");
		key_of_req(r, &k);
		e = lookup(t, &k);
		if (r->cmd == SDP_CMD_DELETE) {
			/* a stale LSP sweep */
			if (!r->result) {
				res->swept++;
				atomic_fetch_add(&t->ctr.swept, 1);
			}
			continue;
		}
		if (!e)
			continue;
		if (r->result) {
			res->repair_failed++;
			snprintf(e->reason, sizeof(e->reason), "repair: %.*s",
				 (int)sizeof(e->reason) - 9, r->reason);
			e->state = SN_K_FAILED;
			/* zebra_ok stays: the next readback tries again */
		} else {
			res->repaired++;
			e->repairs++;
			atomic_fetch_add(&t->ctr.repairs, 1);
			set_state(e, SN_K_INSTALLED, NULL);
		}
	}
	pthread_mutex_unlock(&t->mtx);
}

static void repairs_free(struct repairs *rp)
{
	size_t i;

	for (i = 0; i < rp->n; i++)
		sn_req_fini(&rp->v[i]);
	free(rp->v);
	memset(rp, 0, sizeof(*rp));
}

/*
 * Moves with the transport (BGP PIC core, the DOC of satnet_hosts.h)
 */

/* The same forwarding, weights aside. */
static bool nh_same(const struct sdp_nexthop *a, const struct sdp_nexthop *b)
{
	return a->ifindex == b->ifindex && addr_eq(&a->via, &b->via)
	       && (a->flags & SDP_NH_ONLINK) == (b->flags & SDP_NH_ONLINK)
	       && a->n_labels == b->n_labels
	       && !memcmp(a->labels, b->labels,
			  a->n_labels * sizeof(a->labels[0]));
}

/*
 * The nexthops zebra resolves recursive nexthop @rk into through host
 * route forwarding @tn (nexthop_set_resolved()): the transport's device
 * and gateway - the recursive gateway itself, on-link, for a transport
 * without one - its labels outside the recursive nexthop's, no weight;
 * duplicates once. Returns how many, or 0 when they cannot be built.
 */
static size_t resolve_through(const struct sn_rkey_nh *rk,
			      const struct sdp_nexthop *tn, size_t n,
			      struct sdp_nexthop *out)
{
	size_t k = 0, j;

	for (size_t i = 0; i < n; i++) {
		struct sdp_nexthop x = tn[i];

		if (!x.ifindex
		    || x.n_labels + rk->n_labels > SDP_LABEL_STACK_MAX)
			return 0;
		x.weight = 0;
		if (x.via.family == AF_UNSPEC) {
			x.via = rk->gate;
			x.flags |= SDP_NH_ONLINK;
		}
		if (x.via.family != rk->gate.family)
			return 0; /* RFC 5549 and the like: left to zebra */
		memcpy(x.labels + x.n_labels, rk->labels,
		       rk->n_labels * sizeof(x.labels[0]));
		x.n_labels += rk->n_labels;
		for (j = 0; j < k && !nh_same(&out[j], &x); j++)
			;
		if (j == k)
			out[k++] = x;
	}
	return k;
}

/* Does group @g hold exactly the members @nh[@n] (any order)? */
static bool group_holds(const struct sn_obj *g, const struct sdp_nexthop *nh,
			size_t n)
{
	if (g->n != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < n && !nh_same(&g->mem[j]->nh, &nh[i]); j++)
			;
		if (j == n)
			return false;
	}
	return true;
}

struct move_scan {
	const struct sn_move *mv;
	struct sn_obj **v;
	size_t n, cap;
};

static void move_scan_one(struct sn_obj *o, void *arg)
{
	struct move_scan *ms = arg;
	struct sn_rkey_nh rk;

	if (!o->group || !o->refs || o->dropping || !o->rkey_len
	    || !sn_rkey_gate(o->rkey, o->rkey_len, &rk)
	    || rk.vrf_id != ms->mv->vrf_id || !addr_eq(&rk.gate, &ms->mv->dst))
		return;
	sn_obj_vec_push(&ms->v, &ms->n, &ms->cap, o);
}

/* Give group @g the forwarding through @mv's new transport when it holds
 * the old one. True when it moved. The mutex is held. */
static bool move_group(struct sn_table *t, struct sn_obj *g,
		       const struct sn_move *mv)
{
	struct sdp_nexthop want[SDP_NEXTHOP_MAX];
	struct sn_obj *mem[SDP_NEXTHOP_MAX];
	uint16_t w[SDP_NEXTHOP_MAX];
	struct sn_rkey_nh rk;
	size_t n, i;
	uint32_t gen = g->gen;

	if (mv->n_old > SDP_NEXTHOP_MAX || mv->n_new > SDP_NEXTHOP_MAX
	    || !sn_rkey_gate(g->rkey, g->rkey_len, &rk))
		return false;
	/* only what was resolved through the old path */
	n = resolve_through(&rk, mv->old, mv->n_old, want);
	if (!n || !group_holds(g, want, n))
		return false;
	n = resolve_through(&rk, mv->new, mv->n_new, want);
	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		mem[i] = sn_obj_member(&t->objs, want[i].via.family, &want[i]);
		if (!mem[i])
			return false;
		w[i] = 1; /* resolved nexthops carry no weight */
	}
	sn_obj_sort_members(mem, w, n);
	if (sn_obj_group_is(g, g->rkey, g->rkey_len, mem, w, n)
	    || sn_obj_group_find(&t->objs, g->rkey, g->rkey_len, mem, w, n)
	    || sn_obj_group_set(&t->objs, g, mem, w, n))
		return false; /* already there, or another group is: zebra's
			       * contexts join them */
	g->moved = g->in_kernel;
	g->pic = true;
	g->pic_gen = gen;
	return true;
}

/* An entry of a moved group shows its new forwarding, and stays in step
 * with the group when it was. The mutex is held. */
static void entry_follow_group(struct sn_entry *e, struct sn_obj *g)
{
	struct sdp_nexthop *nh = malloc(g->n * sizeof(*nh));
	uint32_t *nh_vrf = calloc(g->n, sizeof(*nh_vrf));

	if (e->obj_gen == g->pic_gen)
		e->obj_gen = g->gen;
	if (!nh || !nh_vrf) {
		free(nh);
		free(nh_vrf);
		return; /* the forwarding shown stays the old one */
	}
	for (size_t i = 0; i < g->n; i++) {
		nh[i] = g->mem[i]->nh;
		nh[i].weight = g->w[i] > 1 ? g->w[i] : 0;
		nh_vrf[i] = e->n_nh ? e->nh_vrf[0] : 0;
	}
	free(e->nh);
	free(e->nh_vrf);
	e->nh = nh;
	e->nh_vrf = nh_vrf;
	e->n_nh = g->n;
}

/*
 * The routes of groups the kernel removed while they moved: write them
 * again, onto the group created again under the same id.
 */
static void rewrite_flushed(struct sn_table *t, struct sdp *dp,
			    const struct sn_policy *pol)
{
	struct repairs rp = {0};
	struct sn_req **v = NULL;
	struct sn_entry *e;
	size_t i;

	pthread_mutex_lock(&t->mtx);
	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e; e = e->hnext) {
			struct sn_obj *o = e->obj;
			struct sn_req *r;

			if (!o || !o->flushed)
				continue;
			r = repairs_add(&rp);
			if (!r || req_from_entry(e, r)) {
				if (r)
					rp.n--;
				set_state(e, SN_K_MISSING,
					  "removed by the kernel with its nexthop object (a device went down)");
			}
		}
	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e; e = e->hnext)
			if (e->obj)
				((struct sn_obj *)e->obj)->flushed = false;
	pthread_mutex_unlock(&t->mtx);

	if (rp.n)
		v = calloc(rp.n, sizeof(*v));
	for (i = 0; v && i < rp.n; i++)
		v[i] = &rp.v[i];
	if (v)
		send_reqs(t, dp, v, rp.n, pol);
	pthread_mutex_lock(&t->mtx);
	for (i = 0; i < rp.n; i++) {
		struct sn_req *r = &rp.v[i];
		struct sn_key k;

		if (!v && !r->result)
			req_error(r, -ENOMEM, "out of memory");
		key_of_req(r, &k);
		e = lookup(t, &k);
		if (!e)
			continue;
		if (r->result)
			set_state(e, SN_K_MISSING, r->reason);
		else
			set_state(e, SN_K_INSTALLED, NULL);
	}
	pthread_mutex_unlock(&t->mtx);
	free(v);
	repairs_free(&rp);
}

size_t sn_table_move(struct sn_table *t, struct sdp *dp,
		     const struct sn_move *mv, const struct sn_policy *pol)
{
	struct move_scan ms = {.mv = mv};
	size_t i, moved = 0, flushed = 0;
	struct sn_entry *e;

	if (!mv->n_old || !mv->n_new)
		return 0; /* a new route, or one that went: zebra's contexts */
	pthread_mutex_lock(&t->mtx);
	sn_objs_foreach(&t->objs, false, move_scan_one, &ms);
	for (i = 0; i < ms.n; i++)
		if (move_group(t, ms.v[i], mv))
			moved++;
	if (moved) {
		for (i = 0; i < t->nbuckets; i++)
			for (e = t->buckets[i]; e; e = e->hnext)
				if (e->obj && ((struct sn_obj *)e->obj)->pic)
					entry_follow_group(e, e->obj);
		for (i = 0; i < ms.n; i++)
			ms.v[i]->pic = false;
	}
	pthread_mutex_unlock(&t->mtx);
	free(ms.v);
	if (!moved)
		return 0;
	atomic_fetch_add(&t->ctr.nhobj_transport, moved);
	send_objects(t, dp, &flushed);
	if (flushed)
		rewrite_flushed(t, dp, pol);
	collect_garbage(t, dp);
	return moved;
}

/*
 * Readback of the nexthop objects: satnet's id range and protocol.
 */

struct kobj {
	struct sdp_nhobj o;
	struct sdp_nhgrp_ent *grp; /* owned */
	bool matched;
};

struct kobjs {
	struct kobj *v;
	size_t n, cap;
};

static int dump_obj_cb(const struct sdp_nhobj *o, void *arg)
{
	struct kobjs *k = arg;
	struct kobj *e;

	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 64;
		struct kobj *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	e = &k->v[k->n];
	memset(e, 0, sizeof(*e));
	e->o = *o;
	if (o->n_group) {
		e->grp = malloc(o->n_group * sizeof(*e->grp));
		if (!e->grp)
			return -ENOMEM;
		memcpy(e->grp, o->group, o->n_group * sizeof(*e->grp));
		e->o.group = e->grp;
	}
	k->n++;
	return 0;
}

static struct kobj *kobj_find(struct kobjs *k, uint32_t id)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i].o.id == id)
			return &k->v[i];
	return NULL;
}

/* Does the kernel's @k hold what store object @o asks for? */
static bool obj_eq(const struct sn_obj *o, const struct kobj *k)
{
	if (o->group) {
		if (k->o.n_group != o->n)
			return false;
		for (size_t i = 0; i < o->n; i++) {
			size_t j;

			for (j = 0; j < o->n; j++)
				if (k->o.group[j].id == o->mem[i]->id
				    && (k->o.group[j].weight
						? k->o.group[j].weight
						: 1)
					       == o->w[i])
					break;
			if (j == o->n)
				return false;
		}
		return true;
	}
	return !k->o.n_group && k->o.family == o->family
	       && nh_eq(&o->nh, &k->o.nh, false)
	       && (k->o.nh.flags & SDP_NH_ONLINK)
			  == (o->nh.flags & SDP_NH_ONLINK);
}

struct objcmp {
	struct kobjs *k;
	struct sn_objs *s;
	struct sn_reconcile_result *res;
	struct sn_table *t;
};

static void obj_compare_one(struct sn_obj *o, void *arg)
{
	struct objcmp *c = arg;
	struct kobj *k;

	if (!o->refs || !o->in_kernel)
		return; /* never made, or about to go */
	c->res->obj_checked++;
	k = kobj_find(c->k, o->id);
	if (k)
		k->matched = true;
	if (k && obj_eq(o, k)) {
		o->state = SN_K_INSTALLED;
		o->reason[0] = '\0';
		return;
	}
	c->res->obj_drift++;
	atomic_fetch_add(&c->t->ctr.drift, 1);
	if (c->t->drift_logged++ < SN_DRIFT_LOG_MAX)
		sn_log(c->t, 1, "readback: nexthop object %u %s", o->id,
		       k ? "differs" : "missing");
	o->state = k ? SN_K_DIFFERS : SN_K_MISSING;
	snprintf(o->reason, sizeof(o->reason), "%s",
		 k ? "kernel holds other forwarding" : "not in the kernel");
	o->repairs++;
	sn_obj_mark_dirty(c->s, o);
}

static void reconcile_objects(struct sn_table *t, struct sdp *dp, bool sweep,
			      struct sn_reconcile_result *res)
{
	struct kobjs k = {0};
	struct objcmp c = {.k = &k, .s = &t->objs, .res = res, .t = t};
	struct sdp_batch *b = NULL;
	size_t i;
	int ret;

	ret = sdp_nhobj_dump(dp, SDP_RTPROT, SDP_NHID_MIN, SDP_NHID_MAX,
			     dump_obj_cb, &k);
	if (ret < 0) {
		if (!res->dump_err)
			res->dump_err = ret;
		sn_log(t, 1, "readback of the nexthop objects failed: %s",
		       sdp_last_error(dp)[0] ? sdp_last_error(dp)
					     : strerror(-ret));
		goto out;
	}
	pthread_mutex_lock(&t->mtx);
	sn_objs_foreach(&t->objs, true, obj_compare_one, &c);
	pthread_mutex_unlock(&t->mtx);

	/* repairs: members before groups, as in a batch */
	if (res->obj_drift) {
		size_t flushed, failed = send_objects(t, dp, &flushed);
		unsigned int ok = res->obj_drift > failed
					  ? res->obj_drift - (unsigned int)failed
					  : 0;

		res->obj_repaired += ok;
		atomic_fetch_add(&t->ctr.repairs, ok);
	}

	/* an earlier run's objects (or ours lost track of): stale */
	if (sdp_batch_new(dp, &b))
		goto out;
	pthread_mutex_lock(&t->mtx);
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < k.n; i++) {
			struct kobj *ko = &k.v[i];

			if (ko->matched || sn_obj_by_id(&t->objs, ko->o.id)
			    || (ko->o.n_group != 0) != (pass == 0))
				continue;
			res->obj_stale++;
			if (!sweep) {
				sn_objs_reserve(&t->objs, ko->o.id);
				continue;
			}
			if (!sdp_batch_add_nhobj(b, SDP_CMD_DELETE, &ko->o,
						 ko))
				atomic_fetch_add(&t->ctr.nhobj_ops, 1);
		}
	pthread_mutex_unlock(&t->mtx);
	if (sdp_batch_count(b)) {
		sdp_batch_send(b);
		for (i = 0; i < sdp_batch_count(b); i++) {
			void *cookie = NULL;

			if (sdp_batch_result(b, i, &cookie, NULL) == 0) {
				res->obj_swept++;
				atomic_fetch_add(&t->ctr.swept, 1);
			}
		}
		if (res->obj_swept)
			sn_log(t, 0, "removed %u stale nexthop object(s)",
			       res->obj_swept);
	}
	if (sweep) {
		pthread_mutex_lock(&t->mtx);
		sn_objs_unreserve_all(&t->objs);
		pthread_mutex_unlock(&t->mtx);
	}
	sdp_batch_free(b);
out:
	for (i = 0; i < k.n; i++)
		free(k.v[i].grp);
	free(k.v);
}

int sn_table_reconcile(struct sn_table *t, struct sdp *dp,
		       const struct sn_policy *pol, bool sweep,
		       struct sn_reconcile_result *res)
{
	struct repairs rp = {0};
	struct kvec k = {0};
	size_t i;
	int ret, f;

	memset(res, 0, sizeof(*res));
	t->drift_logged = 0;
	atomic_fetch_add(&t->ctr.reconciles, 1);
	sn_table_prune(t, pol);
	collect_garbage(t, dp);
	/* objects first: a route needs its object to be repaired */
	if (!should_yield(t, res))
		reconcile_objects(t, dp, sweep, res);

	/* The MPLS table. A failed dump tells nothing: skip, try later. */
	ret = should_yield(t, res) ? 0 : sdp_lsp_dump(dp, dump_lsp_cb, &k);
	if (res->yielded) {
		/* nothing compared */
	} else if (ret < 0) {
		res->dump_err = ret;
		sn_log(t, 1, "readback of the MPLS table failed: %s",
		       sdp_last_error(dp)[0] ? sdp_last_error(dp)
					     : strerror(-ret));
	} else {
		if (k.n)
			qsort(k.v, k.n, sizeof(k.v[0]), cmp_klsp);
		compare(t, &k, SN_KIND_LSP, 0, 0, &rp, res);
		for (i = 0; i < k.n; i++) {
			struct sn_req *r;

			if (k.v[i].matched || k.v[i].lsp.proto != SDP_RTPROT)
				continue;
			pthread_mutex_lock(&t->mtx);
			f = sn_table_find_lsp(t, k.v[i].lsp.in_label) != NULL;
			pthread_mutex_unlock(&t->mtx);
			if (f)
				continue; /* failed towards zebra: not stale */
			res->stale++;
			if (!sweep)
				continue;
			r = repairs_add(&rp);
			if (!r)
				break;
			memset(r, 0, sizeof(*r));
			r->kind = SN_KIND_LSP;
			r->cmd = SDP_CMD_DELETE;
			r->lsp.in_label = k.v[i].lsp.in_label;
			r->lsp.proto = SDP_RTPROT;
			sn_log(t, 0,
			       "removing stale MPLS entry in-label %u (protocol %u, not re-installed by zebra)",
			       k.v[i].lsp.in_label, SDP_RTPROT);
		}
	}
	kvec_free(&k);

	/* The managed VRF tables. */
	for (i = 0; i < pol->n_tables && !res->yielded; i++) {
		static const uint8_t fams[] = {AF_INET, AF_INET6};

		for (f = 0; f < 2 && !should_yield(t, res); f++) {
			ret = sdp_route_dump_table(dp, fams[f], pol->tables[i],
						   dump_route_cb, &k);
			if (ret < 0) {
				if (!res->dump_err)
					res->dump_err = ret;
				sn_log(t, 1, "readback of table %u failed: %s",
				       pol->tables[i],
				       sdp_last_error(dp)[0]
					       ? sdp_last_error(dp)
					       : strerror(-ret));
			} else {
				if (k.n)
					qsort(k.v, k.n, sizeof(k.v[0]),
					      cmp_kroute);
				compare(t, &k, SN_KIND_ROUTE, pol->tables[i],
					fams[f], &rp, res);
			}
			kvec_free(&k);
		}
	}

	if (t->drift_logged > SN_DRIFT_LOG_MAX)
		sn_log(t, 1, "readback: %u more drifted entries not logged",
		       t->drift_logged - SN_DRIFT_LOG_MAX);
	run_repairs(t, dp, &rp, pol, res);
	repairs_free(&rp);
	if (res->dump_err)
		atomic_fetch_add(&t->ctr.reconcile_errors, 1);
	return res->dump_err;
}

/*
 * Export for the CLI
 */

static int cmp_entry(const void *a, const void *b)
{
	const struct sn_entry *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == SN_KIND_LSP)
		return x->in_label < y->in_label ? -1 : x->in_label > y->in_label;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	c = memcmp(x->dst.bytes, y->dst.bytes, addr_len(x->family));
	if (c)
		return c;
	return x->dst_len < y->dst_len ? -1 : x->dst_len > y->dst_len;
}

int sn_table_export(struct sn_table *t, struct sn_view *v)
{
	struct sn_entry *e;
	size_t i, n = 0;
	int ret = 0;

	memset(v, 0, sizeof(*v));
	pthread_mutex_lock(&t->mtx);
	if (t->count) {
		v->e = calloc(t->count, sizeof(*v->e));
		if (!v->e)
			ret = -ENOMEM;
	}
	for (i = 0; !ret && i < t->nbuckets; i++)
		for (e = t->buckets[i]; e && n < t->count; e = e->hnext) {
			struct sn_entry *c = &v->e[n];

			*c = *e;
			c->hnext = NULL;
			c->nh = NULL;
			c->nh_vrf = NULL;
			c->obj = NULL;
			c->last_req = NULL;
			if (e->obj) {
				c->nhid = ((struct sn_obj *)e->obj)->id;
				c->nh_shared = ((struct sn_obj *)e->obj)->refs;
			}
			if (e->n_nh) {
				c->nh = malloc(e->n_nh * sizeof(*c->nh));
				c->nh_vrf = malloc(e->n_nh * sizeof(*c->nh_vrf));
				if (!c->nh || !c->nh_vrf) {
					free(c->nh);
					free(c->nh_vrf);
					ret = -ENOMEM;
					break;
				}
				memcpy(c->nh, e->nh, e->n_nh * sizeof(*c->nh));
				memcpy(c->nh_vrf, e->nh_vrf,
				       e->n_nh * sizeof(*c->nh_vrf));
			}
			n++;
		}
	pthread_mutex_unlock(&t->mtx);
	v->n = n;
	if (ret) {
		sn_view_free(v);
		return ret;
	}
	if (n)
		qsort(v->e, n, sizeof(v->e[0]), cmp_entry);
	return 0;
}

void sn_view_free(struct sn_view *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free(v->e[i].nh);
		free(v->e[i].nh_vrf);
	}
	free(v->e);
	memset(v, 0, sizeof(*v));
}
