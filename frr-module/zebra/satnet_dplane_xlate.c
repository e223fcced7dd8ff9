// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_dplane_xlate.c: dplane operations as dplane/ requests.
 *
 * DOC: the same choices as zebra's netlink encoder
 *
 * satnet replaces zebra's kernel programming for what it owns, so it
 * must program exactly what zebra would have:
 *  - LSPs (rt_netlink.c netlink_mpls_multipath_msg_encode): only NHLFEs
 *    that are selected and whose nexthop is active; an install without a
 *    best NHLFE fails; the in-label alone identifies a delete.
 *  - Routes (netlink_route_multipath_msg_encode): the active, non-
 *    duplicate nexthops that are not themselves recursive (a recursive
 *    nexthop's resolved children follow it and carry the whole label
 *    stack), RTA_PRIORITY 20, the protocol of the route type (what makes
 *    zebra recognise the route as its own on readback and restart),
 *    blackhole kinds as route types without nexthops, and IPv4 over an
 *    IPv6 nexthop as gateway 169.254.0.1 onlink on the interface.
 *  - Implicit-null never goes on the wire (build_label_stack()).
 * The FRR side (satnet_dplane.c) flattens a context into the neutral
 * structs of satnet_dplane.h; everything here is plain C.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "satnet_dplane.h"

/*
 * Policy hand-over
 */

void sn_policy_box_init(struct sn_policy_box *b)
{
	memset(&b->pol, 0, sizeof(b->pol));
	pthread_mutex_init(&b->mtx, NULL);
	atomic_store(&b->gen, 0);
}

void sn_policy_box_fini(struct sn_policy_box *b)
{
	pthread_mutex_destroy(&b->mtx);
}

static bool policy_equal(const struct sn_policy *a, const struct sn_policy *b)
{
	return a->raise_platform_labels == b->raise_platform_labels
	       && a->n_tables == b->n_tables
	       && !memcmp(a->tables, b->tables,
			  a->n_tables * sizeof(a->tables[0]));
}

static void policy_copy(struct sn_policy *to, const struct sn_policy *from)
{
	to->raise_platform_labels = from->raise_platform_labels;
	to->n_tables = from->n_tables;
	memcpy(to->tables, from->tables, from->n_tables * sizeof(to->tables[0]));
}

bool sn_policy_publish(struct sn_policy_box *b, const struct sn_policy *p)
{
	bool changed;

	pthread_mutex_lock(&b->mtx);
	/* The very first publication counts as a change. */
	changed = atomic_load(&b->gen) == 0 || !policy_equal(&b->pol, p);
	if (changed) {
		policy_copy(&b->pol, p);
		/* Never 0: readers start at 0 meaning "nothing yet". */
		if (atomic_fetch_add(&b->gen, 1) + 1 == 0)
			atomic_fetch_add(&b->gen, 1);
	}
	pthread_mutex_unlock(&b->mtx);
	return changed;
}

bool sn_policy_fetch(struct sn_policy_box *b, struct sn_policy *local,
		     uint32_t *gen)
{
	uint32_t now = atomic_load(&b->gen);

	if (now == *gen)
		return false;
	pthread_mutex_lock(&b->mtx);
	policy_copy(local, &b->pol);
	*gen = atomic_load(&b->gen);
	pthread_mutex_unlock(&b->mtx);
	return true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int sn_policy_set_tables(struct sn_policy *p, const uint32_t *tables,
			 size_t n)
{
	uint32_t *tmp;
	size_t i, out = 0;
	int ret = 0;

	p->n_tables = 0;
	if (!n)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, tables, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), cmp_u32);
	for (i = 0; i < n; i++) {
		if (out && p->tables[out - 1] == tmp[i])
			continue;
		if (out == SN_TABLES_MAX) {
			ret = -E2BIG;
			break;
		}
		p->tables[out++] = tmp[i];
	}
	p->n_tables = out;
	free(tmp);
	return ret;
}

bool sn_policy_manages(const struct sn_policy *p, uint32_t table)
{
	return p->n_tables
	       && bsearch(&table, p->tables, p->n_tables, sizeof(uint32_t),
			  cmp_u32);
}

/*
 * Translation
 */

static int req_fail(struct sn_req *out, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int req_fail(struct sn_req *out, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
	out->result = err;
	return err;
}

static int req_alloc(struct sn_req *out, size_t n)
{
	if (!n)
		return 0;
	out->nh = calloc(n, sizeof(*out->nh));
	out->nh_vrf = calloc(n, sizeof(*out->nh_vrf));
	if (!out->nh || !out->nh_vrf)
		return req_fail(out, -ENOMEM, "out of memory");
	return 0;
}

void sn_req_fini(struct sn_req *r)
{
	free(r->nh);
	free(r->nh_vrf);
	r->nh = NULL;
	r->nh_vrf = NULL;
	r->n_nh = 0;
}

/* Copy a label stack, dropping implicit-null. */
static int copy_labels(const struct sn_nh_in *in, struct sdp_nexthop *nh)
{
	uint8_t i;

	if (in->labels_overflow || in->n_labels > SDP_LABEL_STACK_MAX)
		return -E2BIG;
	nh->n_labels = 0;
	for (i = 0; i < in->n_labels; i++) {
		if (in->labels[i] == SDP_LABEL_IMPLICIT_NULL)
			continue;
		nh->labels[nh->n_labels++] = in->labels[i];
	}
	return 0;
}

static const char *cmd_str(enum sn_cmd_in c)
{
	switch (c) {
	case SN_IN_INSTALL:
		return "install";
	case SN_IN_UPDATE:
		return "update";
	case SN_IN_DELETE:
		return "delete";
	}
	return "?";
}

int sn_xlate_lsp(const struct sn_lsp_in *in, const struct sn_nh_in *nh,
		 size_t n, struct sn_req *out)
{
	size_t i, used = 0;
	int ret;

	out->kind = SN_KIND_LSP;
	out->owner = in->owner;
	out->lsp.in_label = in->in_label;
	out->lsp.proto = SDP_RTPROT;

	if (sdp_label_check(in->in_label, NULL))
		return req_fail(out, -EINVAL, "lsp %s in=%u: not a valid in-label",
				cmd_str(in->cmd), in->in_label);

	if (in->cmd == SN_IN_DELETE) {
		/* The kernel keys its MPLS table on the label alone. */
		out->cmd = SDP_CMD_DELETE;
		return 0;
	}
	out->cmd = SDP_CMD_REPLACE;
	if (!in->has_best)
		return req_fail(out, -EINVAL,
				"lsp %s in=%u: no best NHLFE to install",
				cmd_str(in->cmd), in->in_label);

	for (i = 0; i < n; i++)
		if (nh[i].selected && nh[i].active)
			used++;
	if (!used)
		return req_fail(out, -EINVAL,
				"lsp %s in=%u: no selected, active nexthop",
				cmd_str(in->cmd), in->in_label);
	if (used > SDP_NEXTHOP_MAX)
		return req_fail(out, -E2BIG,
				"lsp in=%u: %zu nexthops, the kernel path takes at most %d",
				in->in_label, used, SDP_NEXTHOP_MAX);
	ret = req_alloc(out, used);
	if (ret)
		return ret;

	for (i = 0; i < n; i++) {
		struct sdp_nexthop *o;

		if (!(nh[i].selected && nh[i].active))
			continue;
		o = &out->nh[out->n_nh];
		switch (nh[i].type) {
		case SN_NH_IPV4:
		case SN_NH_IPV4_IFINDEX:
		case SN_NH_IPV6:
		case SN_NH_IPV6_IFINDEX:
			o->via = nh[i].gate;
			break;
		case SN_NH_IFINDEX:
			/* no via: pop and deliver to the device (a VRF) */
			break;
		case SN_NH_BLACKHOLE:
			return req_fail(out, -EINVAL,
					"lsp in=%u: blackhole nexthops are not supported by the kernel's MPLS table",
					in->in_label);
		}
		o->ifindex = nh[i].ifindex;
		if (!o->ifindex && o->via.family == AF_UNSPEC)
			return req_fail(out, -EINVAL,
					"lsp in=%u: nexthop with neither interface nor gateway",
					in->in_label);
		if (copy_labels(&nh[i], o))
			return req_fail(out, -E2BIG,
					"lsp in=%u: more than %d out-labels",
					in->in_label, SDP_LABEL_STACK_MAX);
		/* The kernel's MPLS table takes no weights and no onlink. */
		out->nh_vrf[out->n_nh] = nh[i].vrf_id;
		out->n_nh++;
	}
	out->lsp.nexthops = out->nh;
	out->lsp.n_nexthops = out->n_nh;
	return 0;
}

static uint8_t rt_kind_type(enum sn_rt_kind k)
{
	switch (k) {
	case SN_RT_UNICAST:
		return RTN_UNICAST;
	case SN_RT_BLACKHOLE:
		return RTN_BLACKHOLE;
	case SN_RT_UNREACHABLE:
		return RTN_UNREACHABLE;
	case SN_RT_PROHIBIT:
		return RTN_PROHIBIT;
	}
	return RTN_UNICAST;
}

/*
 * The resolution key: the recursive nexthops (type, gateway, VRF,
 * labels) zebra resolved the route through, in zebra's order. Empty
 * when there are none or they do not fit.
 */
static void rkey_build(const struct sn_nh_in *nh, size_t n, struct sn_req *out)
{
	uint8_t *p = out->rkey;
	size_t off = 0;

	out->rkey_len = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sn_nh_in *x = &nh[i];
		size_t need = 2 + sizeof(x->gate.bytes) + sizeof(x->vrf_id)
			      + sizeof(x->ifindex) + 1
			      + x->n_labels * sizeof(x->labels[0]);
		uint8_t t = (uint8_t)x->type;

		if (!x->recursive || !x->active)
			continue;
		if (off + need > sizeof(out->rkey))
			return; /* too long: no key, no sharing in place */
		p[off++] = t;
		p[off++] = x->gate.family;
		memcpy(p + off, x->gate.bytes, sizeof(x->gate.bytes));
		off += sizeof(x->gate.bytes);
		memcpy(p + off, &x->vrf_id, sizeof(x->vrf_id));
		off += sizeof(x->vrf_id);
		memcpy(p + off, &x->ifindex, sizeof(x->ifindex));
		off += sizeof(x->ifindex);
		p[off++] = x->n_labels;
		memcpy(p + off, x->labels, x->n_labels * sizeof(x->labels[0]));
		off += x->n_labels * sizeof(x->labels[0]);
	}
	out->rkey_len = (uint16_t)off;
}

bool sn_rkey_gate(const uint8_t *rkey, size_t len, struct sn_rkey_nh *out)
{
	const size_t fixed = 2 + sizeof(out->gate.bytes) + sizeof(out->vrf_id)
			     + sizeof(uint32_t) + 1;
	size_t off = 0;
	uint8_t nl;

	memset(out, 0, sizeof(*out));
	if (len < fixed)
		return false;
	off++; /* the nexthop's type */
	out->gate.family = rkey[off++];
	memcpy(out->gate.bytes, rkey + off, sizeof(out->gate.bytes));
	off += sizeof(out->gate.bytes);
	memcpy(&out->vrf_id, rkey + off, sizeof(out->vrf_id));
	off += sizeof(out->vrf_id) + sizeof(uint32_t); /* and the ifindex */
	nl = rkey[off++];
	if (nl > SDP_LABEL_STACK_MAX
	    || off + nl * sizeof(out->labels[0]) != len)
		return false; /* cut short, or more than one nexthop */
	memcpy(out->labels, rkey + off, nl * sizeof(out->labels[0]));
	/* as the resolved nexthops carry them (copy_labels()) */
	for (uint8_t i = 0; i < nl; i++)
		if (out->labels[i] != SDP_LABEL_IMPLICIT_NULL)
			out->labels[out->n_labels++] = out->labels[i];
	return out->gate.family == AF_INET || out->gate.family == AF_INET6;
}

int sn_xlate_route(const struct sn_route_in *in, const struct sn_nh_in *nh,
		   size_t n, struct sn_req *out)
{
	struct sdp_route *r = &out->route;
	char pfx[INET6_ADDRSTRLEN + 4];
	size_t i, used = 0;
	int ret;

	out->kind = SN_KIND_ROUTE;
	out->owner = in->type;
	r->family = in->family;
	r->dst_len = in->dst_len;
	r->dst = in->dst;
	r->table = in->table;
	r->metric = SN_ROUTE_METRIC;
	r->proto = in->proto;
	r->type = RTN_UNICAST;

	if (sdp_addr_format(&in->dst, pfx, sizeof(pfx)) < 0)
		snprintf(pfx, sizeof(pfx), "?");
	if (in->family != AF_INET && in->family != AF_INET6)
		return req_fail(out, -EAFNOSUPPORT,
				"route table %u: address family %u not supported",
				in->table, in->family);
	if (in->has_src)
		return req_fail(out, -EOPNOTSUPP,
				"route table %u %s/%u: source-specific routes are not supported",
				in->table, pfx, in->dst_len);

	if (in->cmd == SN_IN_DELETE) {
		out->cmd = SDP_CMD_DELETE;
		r->proto = in->old_proto;
		/* zebra never installed a system route: nothing to delete */
		out->noop = in->old_system;
		return 0;
	}
	if (in->system) {
		/*
		 * The kernel owns connected/kernel routes. An update that
		 * replaces one of ours by one of them withdraws ours.
		 */
		if (in->cmd == SN_IN_UPDATE && !in->old_system) {
			out->cmd = SDP_CMD_DELETE;
			r->proto = in->old_proto;
		} else {
			out->cmd = SDP_CMD_REPLACE;
			out->noop = true;
		}
		return 0;
	}
	out->cmd = SDP_CMD_REPLACE;

	if (in->kind != SN_RT_UNICAST) {
		r->type = rt_kind_type(in->kind);
		return 0;
	}

	for (i = 0; i < n; i++)
		if (nh[i].active && !nh[i].duplicate && !nh[i].recursive
		    && nh[i].type != SN_NH_BLACKHOLE)
			used++;
	if (!used)
		return req_fail(out, -ENETUNREACH,
				"route table %u %s/%u: no active nexthop",
				in->table, pfx, in->dst_len);
	if (used > SDP_NEXTHOP_MAX)
		return req_fail(out, -E2BIG,
				"route table %u %s/%u: %zu nexthops, the kernel path takes at most %d",
				in->table, pfx, in->dst_len, used,
				SDP_NEXTHOP_MAX);
	ret = req_alloc(out, used);
	if (ret)
		return ret;

	for (i = 0; i < n; i++) {
		const struct sn_nh_in *x = &nh[i];
		struct sdp_nexthop *o;

		if (!(x->active && !x->duplicate && !x->recursive
		      && x->type != SN_NH_BLACKHOLE))
			continue;
		o = &out->nh[out->n_nh];
		o->ifindex = x->ifindex;
		o->weight = x->weight;
		if (x->onlink)
			o->flags |= SDP_NH_ONLINK;
		switch (x->type) {
		case SN_NH_IPV4:
		case SN_NH_IPV4_IFINDEX:
			o->via = x->gate;
			break;
		case SN_NH_IPV6:
		case SN_NH_IPV6_IFINDEX:
			if (in->family == AF_INET) {
				/* RFC 5549 as zebra does it */
				o->via.family = AF_INET;
				o->via.v4.s_addr = htonl(0xa9fe0001);
				o->flags |= SDP_NH_ONLINK;
			} else {
				o->via = x->gate;
			}
			break;
		case SN_NH_IFINDEX:
		case SN_NH_BLACKHOLE:
			break;
		}
		if (!o->ifindex && o->via.family == AF_UNSPEC)
			return req_fail(out, -EINVAL,
					"route table %u %s/%u: nexthop with neither interface nor gateway",
					in->table, pfx, in->dst_len);
		if (copy_labels(x, o))
			return req_fail(out, -E2BIG,
					"route table %u %s/%u: more than %d labels to push",
					in->table, pfx, in->dst_len,
					SDP_LABEL_STACK_MAX);
		out->nh_vrf[out->n_nh] = x->vrf_id;
		out->n_nh++;
	}
	r->nexthops = out->nh;
	r->n_nexthops = out->n_nh;
	rkey_build(nh, n, out);
	return 0;
}

void sn_labels_str(const struct sdp_nexthop *nh, char *buf, size_t len)
{
	size_t off = 0;
	uint8_t i;

	if (!len)
		return;
	buf[0] = '\0';
	if (!nh || !nh->n_labels) {
		snprintf(buf, len, "pop");
		return;
	}
	for (i = 0; i < nh->n_labels && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%u", i ? "/" : "",
				 nh->labels[i]);

		if (w < 0)
			break;
		off += (size_t)w;
	}
}
