// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Integration tests: the netlink backend against the running kernel,
 * inside a private network namespace.
 *
 * The whole program moves itself into a fresh network namespace first
 * (unshare(CLONE_NEWNET)), so nothing it creates - a veth pair, routes
 * in RFC 5737 ranges, rules, sysctls under /proc/sys/net - exists
 * outside it or survives it. Without the privilege to do that it exits
 * 77, which automake reports as SKIP.
 *
 * Kernels without VRF or MPLS support are part of the contract: there
 * the tests assert that the request fails with the kernel's own words
 * (extended ACK) rather than skipping silently.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dp_test.h"

/* Each test gets its own context; links are set up once in main(). */
static int setup(void **state)
{
	struct sdp *dp;

	if (sdp_open(&dp, SDP_BACKEND_NETLINK) < 0)
		return -1;
	*state = dp;
	return 0;
}

static int teardown(void **state)
{
	sdp_close(*state);
	return 0;
}

/* Text after "<request>: <strerror>: ", i.e. the kernel's message. */
static const char *kernel_text(const char *err, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(err, prefix, n) || strlen(err) <= n)
		return NULL;
	return err + n;
}

struct collect {
	char text[8][512];
	size_t n;
};

static int collect_route(const struct sdp_route *rt, void *arg)
{
	struct collect *c = arg;

	if (rt->proto != SDP_RTPROT_ROUTE && rt->proto != SDP_RTPROT)
		return 0; /* the kernel's own local/connected routes */
	if (c->n < 8)
		sdp_route_format(rt, c->text[c->n], sizeof(c->text[0]));
	c->n++;
	return 0;
}

static int collect_lsp(const struct sdp_lsp *lsp, void *arg)
{
	struct collect *c = arg;

	if (c->n < 8)
		sdp_lsp_format(lsp, c->text[c->n], sizeof(c->text[0]));
	c->n++;
	return 0;
}

static uint32_t ifindex_of(struct sdp *dp, const char *name)
{
	struct sdp_link l;

	assert_int_equal(sdp_link_get(dp, name, &l), 0);
	return l.ifindex;
}

static void test_links(void **state)
{
	struct sdp *dp = *state;
	struct sdp_link l;

	assert_int_equal(sdp_link_get(dp, "t1", &l), 0);
	assert_string_equal(l.kind, "veth");
	assert_true(l.up);
	assert_int_equal(l.master, 0);
	assert_int_equal(sdp_link_set_up(dp, "t2", false), 0);
	assert_int_equal(sdp_link_get(dp, "t2", &l), 0);
	assert_false(l.up);
	assert_int_equal(sdp_link_set_up(dp, "t2", true), 0);
	assert_int_equal(sdp_link_get(dp, "t2", &l), 0);
	assert_true(l.up);

	assert_int_equal(sdp_link_set_alias(dp, "t2", "satnet"), 0);
	assert_int_equal(sdp_link_get(dp, "t2", &l), 0);
	assert_string_equal(l.alias, "satnet");
	assert_int_equal(sdp_link_set_alias(dp, "t2", ""), 0);
	assert_int_equal(sdp_link_get(dp, "t2", &l), 0);
	assert_string_equal(l.alias, "");

	assert_int_equal(sdp_link_set_up(dp, "nope0", true), -ENODEV);
	/* A veth is neither a VRF to delete nor a VRF master. */
	assert_int_equal(sdp_vrf_del(dp, "t1"), -EINVAL);
	assert_int_equal(sdp_link_enslave(dp, "t1", "t2"), -EINVAL);
	assert_int_equal(sdp_vrf_del(dp, "gone"), 0);
}

struct link_seen {
	bool t1, cust;
	uint32_t cust_table;
	size_t n;
};

static int link_seen_one(const struct sdp_link *l, void *arg)
{
	struct link_seen *s = arg;

	s->n++;
	if (!strcmp(l->name, "t1"))
		s->t1 = !strcmp(l->kind, "veth");
	if (!strcmp(l->name, "cust")) {
		s->cust = !strcmp(l->kind, "vrf");
		s->cust_table = l->table;
	}
	return 0;
}

static int link_stop(const struct sdp_link *l, void *arg)
{
	(*(size_t *)arg)++;
	return -ECANCELED;
}

static void test_vrf(void **state)
{
	struct sdp *dp = *state;
	const char *prefix =
		"vrf add name=cust table=10: Operation not "
		"supported: ";
	struct link_seen seen = {};
	struct sdp_link vrf, l;
	size_t calls = 0;
	int ret;

	ret = sdp_vrf_add(dp, "cust", 10);
	if (ret == -EOPNOTSUPP) {
		/* No vrf module: the kernel says so, and we keep its words. */
		if (!kernel_text(sdp_last_error(dp), prefix))
			fail_msg("no kernel text in \"%s\"",
				 sdp_last_error(dp));
		print_message("kernel has no VRF support: %s\n",
			      sdp_last_error(dp));
		assert_int_equal(sdp_link_get(dp, "cust", &l), -ENODEV);
		return;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(sdp_link_get(dp, "cust", &vrf), 0);
	assert_string_equal(vrf.kind, "vrf");
	assert_int_equal(vrf.table, 10);
	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	assert_int_equal(sdp_vrf_add(dp, "cust", 11), -EEXIST);
	assert_int_equal(sdp_link_set_up(dp, "cust", true), 0);

	/* The dump sees every device with its kind and VRF table; a
	 * callback's error stops the calls and is returned. */
	assert_int_equal(sdp_link_dump(dp, link_seen_one, &seen), 0);
	assert_true(seen.t1);
	assert_true(seen.cust);
	assert_int_equal(seen.cust_table, 10);
	assert_true(seen.n >= 4); /* lo, t1, t2, cust */
	assert_int_equal(sdp_link_dump(dp, link_stop, &calls), -ECANCELED);
	assert_int_equal(calls, 1);

	assert_int_equal(sdp_link_enslave(dp, "t2", "cust"), 0);
	assert_int_equal(sdp_link_get(dp, "t2", &l), 0);
	assert_int_equal(l.master, vrf.ifindex);
	assert_int_equal(sdp_link_release(dp, "t2"), 0);
	assert_int_equal(sdp_link_get(dp, "t2", &l), 0);
	assert_int_equal(l.master, 0);

	assert_int_equal(sdp_link_enslave(dp, "t2", "cust"), 0);
	assert_int_equal(sdp_vrf_del(dp, "cust"), 0);
	assert_int_equal(sdp_link_get(dp, "cust", &l), -ENODEV);
	assert_int_equal(sdp_link_get(dp, "t2", &l), 0);
	assert_int_equal(l.master, 0);
}

static void test_route_batch_errors(void **state)
{
	struct sdp *dp = *state;
	uint32_t t1 = ifindex_of(dp, "t1");
	struct sdp_nexthop good = {.ifindex = t1};
	struct sdp_nexthop bad = {.ifindex = t1};
	struct sdp_nexthop ecmp[2] = {{.ifindex = t1},
				      {.ifindex = t1, .weight = 2}};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 1000,
			       .n_nexthops = 1,
			       .nexthops = &good};
	struct collect c = {0};
	struct sdp_batch *b;
	const char *errtext, *ktext;
	char want[256];

	good.via = t_addr("192.0.2.2");
	bad.via = t_addr("203.0.113.9"); /* not on any link */
	ecmp[0].via = t_addr("192.0.2.2");
	ecmp[1].via = t_addr("192.0.2.3");

	assert_int_equal(sdp_batch_new(dp, &b), 0);
	rt.dst = t_addr("198.51.100.0");
	assert_int_equal(sdp_batch_add_route(b, SDP_CMD_REPLACE, &rt, NULL), 0);
	rt.dst = t_addr("198.51.101.0");
	rt.nexthops = &bad;
	assert_int_equal(sdp_batch_add_route(b, SDP_CMD_REPLACE, &rt, NULL), 0);
	rt.dst = t_addr("198.51.102.0");
	rt.nexthops = ecmp;
	rt.n_nexthops = 2;
	assert_int_equal(sdp_batch_add_route(b, SDP_CMD_REPLACE, &rt, NULL), 0);
	rt.dst = t_addr("198.51.103.0");
	assert_int_equal(sdp_batch_add_route(b, SDP_CMD_DELETE, &rt, NULL), 0);

	assert_int_equal(sdp_batch_send(b), -ENETUNREACH);
	assert_int_equal(sdp_batch_result(b, 0, NULL, NULL), 0);
	assert_int_equal(sdp_batch_result(b, 1, NULL, &errtext), -ENETUNREACH);
	/* The answer is matched to its request, with the kernel's text. */
	snprintf(want, sizeof(want),
		 "route replace inet table=1000 dst=198.51.101.0/24 proto=11 "
		 "nh=[oif=%u via=203.0.113.9]: Network is unreachable: ",
		 t1);
	ktext = kernel_text(errtext, want);
	if (!ktext)
		fail_msg("unexpected error text \"%s\"", errtext);
	print_message("kernel said: %s\n", ktext);
	assert_int_equal(sdp_batch_result(b, 2, NULL, NULL), 0);
	assert_int_equal(sdp_batch_result(b, 3, NULL, NULL), -ESRCH);
	sdp_batch_free(b);

	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 1000, collect_route, &c), 0);
	assert_int_equal(c.n, 2);
	snprintf(want, sizeof(want),
		 "inet table=1000 dst=198.51.100.0/24 proto=11 nh=[oif=%u "
		 "via=192.0.2.2]",
		 t1);
	assert_string_equal(c.text[0], want);
	snprintf(want, sizeof(want),
		 "inet table=1000 dst=198.51.102.0/24 proto=11 nh=[oif=%u "
		 "via=192.0.2.2] nh=[oif=%u via=192.0.2.3 weight=2]",
		 t1, t1);
	assert_string_equal(c.text[1], want);

	/* Delete removes the whole ECMP route; only with our protocol. */
	rt.dst = t_addr("198.51.102.0");
	rt.proto = 186;
	assert_int_equal(sdp_route_delete(dp, &rt), -ESRCH);
	rt.proto = 0;
	assert_int_equal(sdp_route_delete(dp, &rt), 0);
	rt.dst = t_addr("198.51.100.0");
	assert_int_equal(sdp_route_delete(dp, &rt), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 1000, collect_route, &c), 0);
	assert_int_equal(c.n, 0);
}

static void test_route_batch_many(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {.ifindex = ifindex_of(dp, "t1")};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 32,
			       .table = 2000,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct collect c = {0};
	struct sdp_batch *b;
	int i, n = 300; /* several windows of answers */

	nh.via = t_addr("192.0.2.2");
	rt.dst = t_addr("198.18.0.0");
	for (int pass = 0; pass < 2; pass++) {
		enum sdp_cmd cmd = pass ? SDP_CMD_DELETE : SDP_CMD_REPLACE;

		assert_int_equal(sdp_batch_new(dp, &b), 0);
		for (i = 0; i < n; i++) {
			rt.dst.bytes[2] = i / 256;
			rt.dst.bytes[3] = i % 256;
			assert_int_equal(sdp_batch_add_route(b, cmd, &rt, NULL),
					 0);
		}
		assert_int_equal(sdp_batch_send(b), 0);
		for (i = 0; i < n; i++)
			assert_int_equal(sdp_batch_result(b, i, NULL, NULL), 0);
		sdp_batch_free(b);

		memset(&c, 0, sizeof(c));
		assert_int_equal(sdp_route_dump_table(dp, AF_INET, 2000,
						      collect_route, &c),
				 0);
		assert_int_equal(c.n, pass ? 0 : n);
	}
}

static void test_route_mpls_encap(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {.ifindex = ifindex_of(dp, "t1"),
				 .n_labels = 2,
				 .labels = {16001, 100}};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 1000,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct collect c = {0};
	char want[256];
	int ret;

	nh.via = t_addr("192.0.2.2");
	rt.dst = t_addr("198.51.104.0");
	ret = sdp_route_replace(dp, &rt);
	if (ret == -EOPNOTSUPP) {
		/* No mpls_iptunnel: the kernel names the reason. */
		assert_non_null(strstr(sdp_last_error(dp),
				       "Operation not supported: "));
		print_message("kernel has no MPLS encap: %s\n",
			      sdp_last_error(dp));
		return;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 1000, collect_route, &c), 0);
	assert_int_equal(c.n, 1);
	snprintf(want, sizeof(want),
		 "inet table=1000 dst=198.51.104.0/24 proto=11 nh=[oif=%u "
		 "via=192.0.2.2 labels=16001/100]",
		 nh.ifindex);
	assert_string_equal(c.text[0], want);
	assert_int_equal(sdp_route_delete(dp, &rt), 0);
}

static void test_lsp(void **state)
{
	struct sdp *dp = *state;
	uint32_t t1 = ifindex_of(dp, "t1");
	struct sdp_nexthop nh[2] = {
		{.ifindex = t1, .n_labels = 2, .labels = {2000, 3000}},
		{.ifindex = t1, .n_labels = 1, .labels = {2001}},
	};
	struct sdp_nexthop pop = {.ifindex = t1};
	struct sdp_lsp lsp = {
		.in_label = 1000, .n_nexthops = 1, .nexthops = nh};
	struct collect c = {0};
	char want[256];
	uint32_t now;
	int ret;

	nh[0].via = t_addr("192.0.2.2");
	nh[1].via = t_addr("192.0.2.3");
	if (sdp_mpls_check(dp) < 0) {
		/* Without mpls_router: refused, and a dump finds no LSPs
		 * even though the kernel answers it with IPv4 routes. */
		ret = sdp_lsp_replace(dp, &lsp);
		assert_true(ret == -EOPNOTSUPP || ret == -EAFNOSUPPORT);
		assert_non_null(
			strstr(sdp_last_error(dp), "lsp replace in=1000"));
		print_message("kernel has no MPLS: %s\n", sdp_last_error(dp));
		assert_int_equal(sdp_lsp_dump(dp, collect_lsp, &c), 0);
		assert_int_equal(c.n, 0);
		return;
	}

	/* platform_labels is per namespace and starts at 0. */
	ret = sdp_lsp_replace(dp, &lsp);
	assert_int_equal(ret, -EINVAL);
	snprintf(want, sizeof(want),
		 "lsp replace in=1000 proto=224 nh=[oif=%u via=192.0.2.2 "
		 "labels=2000/3000]: Invalid argument: ",
		 t1);
	assert_non_null(kernel_text(sdp_last_error(dp), want));
	assert_int_equal(sdp_platform_labels_raise(dp, 2000, &now), 0);
	assert_int_equal(now, 2000);
	assert_int_equal(sdp_mpls_input_set(dp, "t1", true), 0);

	assert_int_equal(sdp_lsp_replace(dp, &lsp), 0);
	lsp.in_label = 1001;
	lsp.n_nexthops = 2;
	assert_int_equal(sdp_lsp_replace(dp, &lsp), 0);
	lsp.in_label = 1002;
	lsp.n_nexthops = 1;
	lsp.nexthops = &pop;
	assert_int_equal(sdp_lsp_replace(dp, &lsp), 0);

	assert_int_equal(sdp_lsp_dump(dp, collect_lsp, &c), 0);
	assert_int_equal(c.n, 3);
	snprintf(want, sizeof(want),
		 "in=1000 proto=224 nh=[oif=%u via=192.0.2.2 labels=2000/3000]",
		 t1);
	assert_string_equal(c.text[0], want);
	snprintf(want, sizeof(want),
		 "in=1001 proto=224 nh=[oif=%u via=192.0.2.2 labels=2000/3000] "
		 "nh=[oif=%u via=192.0.2.3 labels=2001]",
		 t1, t1);
	assert_string_equal(c.text[1], want);
	snprintf(want, sizeof(want), "in=1002 proto=224 nh=[oif=%u]", t1);
	assert_string_equal(c.text[2], want);

	for (lsp.in_label = 1000; lsp.in_label <= 1002; lsp.in_label++)
		assert_int_equal(sdp_lsp_delete(dp, &lsp), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(sdp_lsp_dump(dp, collect_lsp, &c), 0);
	assert_int_equal(c.n, 0);
}

static void test_isolation(void **state)
{
	struct sdp *dp = *state;
	bool on = true;

	assert_int_equal(sdp_vrf_isolation_get(dp, &on), 0);
	assert_false(on);
	assert_int_equal(sdp_vrf_isolation(dp, true), 0);
	assert_int_equal(sdp_vrf_isolation_get(dp, &on), 0);
	assert_true(on);
	/* Twice: no duplicate rule, no error. */
	assert_int_equal(sdp_vrf_isolation(dp, true), 0);
	assert_int_equal(sdp_vrf_isolation(dp, false), 0);
	assert_int_equal(sdp_vrf_isolation_get(dp, &on), 0);
	assert_false(on);
	assert_int_equal(sdp_vrf_isolation(dp, false), 0);
}

static void test_unreachable_default(void **state)
{
	struct sdp *dp = *state;
	struct collect c = {0};

	assert_int_equal(sdp_vrf_unreachable_default(dp, 10, true), 0);
	assert_int_equal(sdp_vrf_unreachable_default(dp, 10, true), 0);
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 10, collect_route, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.text[0],
			    "inet table=10 dst=0.0.0.0/0 proto=224 "
			    "metric=4278198272 type=7");
	memset(&c, 0, sizeof(c));
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET6, 10, collect_route, &c), 0);
	assert_int_equal(c.n, 1);
	assert_non_null(strstr(c.text[0],
			       "inet6 table=10 dst=::/0 proto=224 "
			       "metric=4278198272 type=7"));
	assert_int_equal(sdp_vrf_unreachable_default(dp, 10, false), 0);
	assert_int_equal(sdp_vrf_unreachable_default(dp, 10, false), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 10, collect_route, &c), 0);
	assert_int_equal(c.n, 0);
}

static void test_sysctl(void **state)
{
	struct sdp *dp = *state;
	char buf[16];

	assert_int_equal(sdp_rp_filter_set(dp, "t1", 2), 0);
	assert_int_equal(sdp_sysctl_get(dp, "net.ipv4.conf.t1.rp_filter", buf,
					sizeof(buf)),
			 0);
	assert_string_equal(buf, "2");
	assert_int_equal(sdp_rp_filter_set(dp, "t1", 0), 0);
	assert_int_equal(sdp_sysctl_get(dp, "net.ipv4.conf.t1.rp_filter", buf,
					sizeof(buf)),
			 0);
	assert_string_equal(buf, "0");
	assert_int_equal(sdp_rp_filter_set(dp, "nope0", 0), -ENOENT);
}


/* --- nexthop objects and table-filtered dumps ----------------------- */

struct objs {
	size_t n;
	struct sdp_nhobj o[4];
	struct sdp_nhgrp_ent grp[4][4];
};

static int collect_obj(const struct sdp_nhobj *o, void *arg)
{
	struct objs *c = arg;

	if (c->n < 4) {
		c->o[c->n] = *o;
		/* a plain object has no group array (NULL): not even 0 bytes */
		if (o->n_group)
			memcpy(c->grp[c->n], o->group,
			       (o->n_group < 4 ? o->n_group : 4) *
				       sizeof(c->grp[0][0]));
		c->o[c->n].group = c->grp[c->n];
	}
	c->n++;
	return 0;
}

/*
 * A member and a group in satnet's id range, a route that names the
 * group; the group replaced in place with two members (the route stays
 * and uses both); deleting the group takes its route with it. Labels
 * need mpls_iptunnel: without it the kernel says so.
 */
static void test_nhobj(void **state)
{
	struct sdp *dp = *state;
	uint32_t t1 = ifindex_of(dp, "t1");
	struct sdp_nhgrp_ent one[] = {{SDP_NHID_MIN + 1, 1}};
	struct sdp_nhgrp_ent two[] = {{SDP_NHID_MIN + 1, 1},
				      {SDP_NHID_MIN + 3, 3}};
	struct sdp_nhobj m1 = {.id = SDP_NHID_MIN + 1, .family = AF_INET,
			       .nh = {.ifindex = t1}};
	struct sdp_nhobj m3 = m1;
	struct sdp_nhobj g = {.id = SDP_NHID_MIN + 2, .n_group = 1,
			      .group = one};
	struct sdp_nhobj lbl = m1;
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 3000,
			       .nhid = SDP_NHID_MIN + 2};
	struct collect c = {0};
	struct objs o = {0};
	char want[160];
	int ret;

	m1.nh.via = t_addr("192.0.2.2");
	m3.id = SDP_NHID_MIN + 3;
	m3.nh.via = t_addr("192.0.2.3");
	assert_int_equal(sdp_nhobj_replace(dp, &m1), 0);
	assert_int_equal(sdp_nhobj_replace(dp, &m3), 0);
	assert_int_equal(sdp_nhobj_replace(dp, &g), 0);
	rt.dst = t_addr("198.51.100.0");
	assert_int_equal(sdp_route_replace(dp, &rt), 0);

	assert_int_equal(sdp_route_dump_table(dp, AF_INET, 3000, collect_route,
					      &c),
			 0);
	assert_int_equal(c.n, 1);
	snprintf(want, sizeof(want),
		 "inet table=3000 dst=198.51.100.0/24 proto=11 nhid=%u",
		 g.id);
	assert_non_null(strstr(c.text[0], want));

	assert_int_equal(sdp_nhobj_dump(dp, SDP_RTPROT, SDP_NHID_MIN,
					SDP_NHID_MAX, collect_obj, &o),
			 0);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.o[0].id, m1.id);
	assert_int_equal(o.o[0].nh.ifindex, t1);
	assert_int_equal(o.o[0].nh.via.v4.s_addr, m1.nh.via.v4.s_addr);
	/* by id, as the kernel keeps them: member, group, member */
	assert_int_equal(o.o[1].id, g.id);
	assert_int_equal(o.o[1].n_group, 1);

	/* in place: one member to two, weights kept; the route stays */
	g.group = two;
	g.n_group = 2;
	assert_int_equal(sdp_nhobj_replace(dp, &g), 0);
	memset(&o, 0, sizeof(o));
	assert_int_equal(sdp_nhobj_dump(dp, 0, g.id, g.id, collect_obj, &o), 0);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.o[0].n_group, 2);
	assert_int_equal(o.grp[0][1].id, m3.id);
	assert_int_equal(o.grp[0][1].weight, 3);
	memset(&c, 0, sizeof(c));
	sdp_route_dump_table(dp, AF_INET, 3000, collect_route, &c);
	assert_int_equal(c.n, 1);

	/* a group cannot turn into a single nexthop: the kernel's words */
	ret = sdp_nhobj_replace(dp, &(struct sdp_nhobj){
					    .id = g.id, .family = AF_INET,
					    .nh = m1.nh});
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(sdp_last_error(dp), "nhobj replace id="));

	/* the group goes, and its route with it */
	assert_int_equal(sdp_nhobj_delete(dp, g.id), 0);
	memset(&c, 0, sizeof(c));
	sdp_route_dump_table(dp, AF_INET, 3000, collect_route, &c);
	assert_int_equal(c.n, 0);
	assert_int_equal(sdp_nhobj_delete(dp, m1.id), 0);
	assert_int_equal(sdp_nhobj_delete(dp, m3.id), 0);
	assert_int_equal(sdp_nhobj_delete(dp, m3.id), -ENOENT);

	/* labels: a real MPLS encap, or the kernel's reason */
	lbl.id = SDP_NHID_MIN + 9;
	lbl.nh.via = t_addr("192.0.2.2");
	lbl.nh.n_labels = 2;
	lbl.nh.labels[0] = 2002;
	lbl.nh.labels[1] = 4128;
	ret = sdp_nhobj_replace(dp, &lbl);
	if (ret) {
		assert_non_null(strstr(sdp_last_error(dp), "labels=2002/4128"));
		print_message("kernel has no MPLS encap: %s\n",
			      sdp_last_error(dp));
		return;
	}
	memset(&o, 0, sizeof(o));
	sdp_nhobj_dump(dp, 0, lbl.id, lbl.id, collect_obj, &o);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.o[0].nh.n_labels, 2);
	assert_int_equal(o.o[0].nh.labels[1], 4128);
	assert_int_equal(sdp_nhobj_delete(dp, lbl.id), 0);
}

/* One nexthop object write through a batch; the kernel's answer. */
static int nhobj_cmd(struct sdp *dp, enum sdp_cmd cmd,
		     const struct sdp_nhobj *o, const char **text)
{
	static char buf[256];
	struct sdp_batch *b = NULL;
	const char *t = NULL;
	void *cookie = NULL;
	int ret;

	assert_int_equal(sdp_batch_new(dp, &b), 0);
	assert_int_equal(sdp_batch_add_nhobj(b, cmd, o, b), 0);
	sdp_batch_send(b);
	ret = sdp_batch_result(b, 0, &cookie, &t);
	snprintf(buf, sizeof(buf), "%s", t ? t : "");
	*text = buf;
	sdp_batch_free(b);
	return ret;
}

/*
 * What satnet's recovery from a device going down rests on, from the
 * kernel itself: the device's nexthops go, a group left empty goes, the
 * routes on them go, and a change of the group (NLM_F_REPLACE without
 * NLM_F_CREATE) then says ENOENT instead of creating it.
 */
static void test_nhobj_flushed_by_device_down(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nhgrp_ent one[] = {{SDP_NHID_MIN + 21, 1}};
	struct sdp_nhobj m = {.id = SDP_NHID_MIN + 21, .family = AF_INET,
			      .nh = {.ifindex = ifindex_of(dp, "t1")}};
	struct sdp_nhgrp_ent other[] = {{SDP_NHID_MIN + 23, 1}};
	struct sdp_nhobj alt = {.id = SDP_NHID_MIN + 23, .family = AF_INET};
	struct sdp_nhobj g = {.id = SDP_NHID_MIN + 22, .n_group = 1,
			      .group = one};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 3000,
			       .nhid = SDP_NHID_MIN + 22};
	struct collect c = {0};
	struct objs o = {0};
	const char *text;

	m.nh.via = t_addr("192.0.2.2");
	rt.dst = t_addr("198.51.100.0");
	assert_int_equal(sdp_nhobj_replace(dp, &m), 0);
	assert_int_equal(sdp_nhobj_replace(dp, &g), 0);
	assert_int_equal(sdp_route_replace(dp, &rt), 0);
	/* while it exists, a change is a change */
	assert_int_equal(nhobj_cmd(dp, SDP_CMD_CHANGE, &g, &text), 0);

	assert_int_equal(sdp_link_set_up(dp, "t1", false), 0);
	assert_int_equal(sdp_nhobj_dump(dp, 0, m.id, g.id, collect_obj, &o),
			 0);
	assert_int_equal(o.n, 0);
	sdp_route_dump_table(dp, AF_INET, 3000, collect_route, &c);
	assert_int_equal(c.n, 0);
	/* the group changed to a member elsewhere (which exists): the
	 * kernel has no group to change */
	assert_int_equal(sdp_link_set_up(dp, "lo", true), 0);
	alt.nh.ifindex = ifindex_of(dp, "lo");
	assert_int_equal(sdp_nhobj_replace(dp, &alt), 0);
	g.group = other;
	assert_int_equal(nhobj_cmd(dp, SDP_CMD_CHANGE, &g, &text), -ENOENT);
	assert_non_null(strstr(text, "nhobj change id="));
	memset(&o, 0, sizeof(o));
	sdp_nhobj_dump(dp, 0, g.id, g.id, collect_obj, &o);
	assert_int_equal(o.n, 0);
	/* satnet's next step: create it */
	assert_int_equal(nhobj_cmd(dp, SDP_CMD_REPLACE, &g, &text), 0);
	assert_int_equal(sdp_nhobj_delete(dp, g.id), 0);
	assert_int_equal(sdp_nhobj_delete(dp, alt.id), 0);

	/* back up, with its carrier (veth: a moment later) */
	assert_int_equal(sdp_link_set_up(dp, "t1", true), 0);
	for (int i = 0; i < 100; i++) {
		struct sdp_link l;

		assert_int_equal(sdp_link_get(dp, "t1", &l), 0);
		if (l.lower_up)
			break;
		usleep(20000);
	}
}

/* A 129-path route (plain libnl, not the code under test): more than
 * satnet ever installs or can read. */
static void add_wide_route(uint32_t table, const char *dst, uint32_t oif)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtmsg rtm = {.rtm_family = AF_INET,
			    .rtm_dst_len = 24,
			    .rtm_table = RT_TABLE_UNSPEC,
			    .rtm_protocol = RTPROT_STATIC,
			    .rtm_scope = RT_SCOPE_UNIVERSE,
			    .rtm_type = RTN_UNICAST};
	struct sdp_addr d = t_addr(dst), gw = t_addr("192.0.2.2");
	struct nl_msg *msg;
	struct nlattr *mp;

	assert_non_null(sk);
	assert_int_equal(nl_connect(sk, NETLINK_ROUTE), 0);
	msg = nlmsg_alloc_simple(RTM_NEWROUTE,
				 NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK);
	assert_int_equal(nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO),
			 0);
	nla_put(msg, RTA_DST, 4, d.bytes);
	nla_put_u32(msg, RTA_TABLE, table);
	mp = nla_nest_start(msg, RTA_MULTIPATH);
	for (int i = 0; i < SDP_NEXTHOP_MAX + 1; i++) {
		struct rtnexthop *rtnh = nlmsg_reserve(msg, sizeof(*rtnh),
						       NLMSG_ALIGNTO);
		size_t start = nlmsg_hdr(msg)->nlmsg_len;

		memset(rtnh, 0, sizeof(*rtnh));
		rtnh->rtnh_ifindex = (int)oif;
		nla_put(msg, RTA_GATEWAY, 4, gw.bytes);
		rtnh->rtnh_len = (unsigned short)(sizeof(*rtnh)
						  + nlmsg_hdr(msg)->nlmsg_len
						  - start);
	}
	nla_nest_end(msg, mp);
	assert_true(nl_send_sync(sk, msg) >= 0);
	nl_socket_free(sk);
}

/*
 * Table dumps: only the table asked for (strict checking), a table that
 * does not exist is empty, and one route satnet cannot read does not
 * hide the others in its table.
 */
static void test_route_dump_table_only(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {.ifindex = ifindex_of(dp, "t1")};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 3001,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct collect c = {0};

	nh.via = t_addr("192.0.2.2");
	rt.dst = t_addr("198.51.110.0");
	assert_int_equal(sdp_route_replace(dp, &rt), 0);
	rt.table = 3002;
	rt.dst = t_addr("198.51.111.0");
	assert_int_equal(sdp_route_replace(dp, &rt), 0);

	assert_int_equal(sdp_route_dump_table(dp, AF_INET, 3001, collect_route,
					      &c),
			 0);
	assert_int_equal(c.n, 1);
	assert_non_null(strstr(c.text[0], "table=3001 dst=198.51.110.0/24"));
	memset(&c, 0, sizeof(c));
	assert_int_equal(sdp_route_dump_table(dp, AF_INET, 4242, collect_route,
					      &c),
			 0);
	assert_int_equal(c.n, 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(sdp_route_dump_table(dp, AF_INET6, 3001,
					      collect_route, &c),
			 0);
	assert_int_equal(c.n, 0);

	/* the unreadable neighbour (proto static, not collected) */
	add_wide_route(3001, "198.51.112.0", nh.ifindex);
	memset(&c, 0, sizeof(c));
	assert_int_equal(sdp_route_dump_table(dp, AF_INET, 3001, collect_route,
					      &c),
			 0);
	assert_int_equal(c.n, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_links),
		T(test_vrf),
		T(test_route_batch_errors),
		T(test_route_batch_many),
		T(test_route_mpls_encap),
		T(test_lsp),
		T(test_isolation),
		T(test_unreachable_default),
		T(test_sysctl),
		T(test_nhobj),
		T(test_nhobj_flushed_by_device_down),
		T(test_route_dump_table_only),
	};
#undef T

	/* Everything below happens in a namespace of our own, or not at all. */
	if (t_netns_enter() < 0)
		return 77;
	return cmocka_run_group_tests_name("dp_netns", tests, NULL, NULL);
}
