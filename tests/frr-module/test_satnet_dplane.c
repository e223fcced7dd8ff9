// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_satnet_dplane.c: what satnet's dplane provider takes, and what it
 * asks the kernel for.
 *
 * Ownership is checked against zebra's real enum dplane_op_e (this file
 * includes FRR's headers for the enum; satnet_dplane_own.c is the only
 * FRR-side object linked, and it calls nothing of FRR's). Translation
 * is checked on the neutral structs the FRR side fills from a context,
 * with zebra's own rules as the oracle: selected+active NHLFEs only,
 * implicit-null dropped, resolved nexthops carrying the label stack,
 * metric 20 and the route type's protocol, RFC 5549 as 169.254.0.1.
 */
#include <zebra.h>

#include "zebra/zebra_dplane.h"

#include <sched.h>
#include <setjmp.h>
#include <cmocka.h>

#include "satnet_dplane.h"
#include "satnet_zebra.h"

/* --- ownership ------------------------------------------------------- */

static bool is_lsp_op(int op)
{
	return op == DPLANE_OP_LSP_INSTALL || op == DPLANE_OP_LSP_UPDATE
	       || op == DPLANE_OP_LSP_DELETE;
}

static bool is_route_op(int op)
{
	return op == DPLANE_OP_ROUTE_INSTALL || op == DPLANE_OP_ROUTE_UPDATE
	       || op == DPLANE_OP_ROUTE_DELETE;
}

static void test_owns_every_op(void **state)
{
	static const uint32_t managed[] = {20, 10};
	struct sn_policy pol = {0};
	int op;

	assert_int_equal(sn_policy_set_tables(&pol, managed, 2), 0);
	/* DPLANE_OP_TC_DELETE is the last operation of FRR 8.4. */
	for (op = DPLANE_OP_NONE; op <= DPLANE_OP_TC_DELETE; op++) {
		bool lsp = is_lsp_op(op), route = is_route_op(op);

		/* LSP ops are satnet's wherever they go. */
		assert_int_equal(satnet_owns(op, 0, &pol), lsp);
		assert_int_equal(satnet_owns(op, 254, &pol), lsp);
		/* Route ops only in a managed table. */
		assert_int_equal(satnet_owns(op, 10, &pol), lsp || route);
		assert_int_equal(satnet_owns(op, 20, &pol), lsp || route);
		assert_int_equal(satnet_owns(op, 11, &pol), lsp);
		assert_int_equal(satnet_op_class(op),
				 lsp ? SN_OP_LSP
				     : route ? SN_OP_ROUTE : SN_OP_PASS);
	}
	/* Notifications come back from a dataplane: never ours. */
	assert_false(satnet_owns(DPLANE_OP_LSP_NOTIFY, 10, &pol));
	assert_false(satnet_owns(DPLANE_OP_ROUTE_NOTIFY, 10, &pol));
	/* Kernel nexthop objects stay with zebra, even for VRF routes. */
	assert_false(satnet_owns(DPLANE_OP_NH_INSTALL, 10, &pol));
	/* A value zebra does not have. */
	assert_false(satnet_owns(DPLANE_OP_TC_DELETE + 1, 10, &pol));
	assert_false(satnet_owns(-1, 10, &pol));
}

static void test_owns_without_tables(void **state)
{
	struct sn_policy pol = {0};

	assert_true(satnet_owns(DPLANE_OP_LSP_INSTALL, 0, &pol));
	assert_false(satnet_owns(DPLANE_OP_ROUTE_INSTALL, 10, &pol));
	assert_false(satnet_owns(DPLANE_OP_ROUTE_INSTALL, 0, &pol));
}

/* --- policy ---------------------------------------------------------- */

static void test_policy_tables(void **state)
{
	static const uint32_t t[] = {300, 10, 300, 7, 10, 1000000};
	static uint32_t many[SN_TABLES_MAX + 5];
	struct sn_policy p = {0};
	size_t i;

	assert_int_equal(sn_policy_set_tables(&p, t, 6), 0);
	assert_int_equal(p.n_tables, 4);
	assert_int_equal(p.tables[0], 7);
	assert_int_equal(p.tables[1], 10);
	assert_int_equal(p.tables[2], 300);
	assert_int_equal(p.tables[3], 1000000);
	assert_true(sn_policy_manages(&p, 300));
	assert_true(sn_policy_manages(&p, 1000000));
	assert_false(sn_policy_manages(&p, 254));
	assert_false(sn_policy_manages(&p, 0));

	for (i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		many[i] = (uint32_t)(i + 1);
	assert_int_equal(sn_policy_set_tables(&p, many, i), -E2BIG);
	assert_int_equal(p.n_tables, SN_TABLES_MAX);
	assert_int_equal(sn_policy_set_tables(&p, NULL, 0), 0);
	assert_int_equal(p.n_tables, 0);
	assert_false(sn_policy_manages(&p, 1));
}

static void test_policy_box_generations(void **state)
{
	static const uint32_t a[] = {10}, b[] = {10, 20};
	struct sn_policy_box box;
	struct sn_policy p = {0}, local = {0};
	uint32_t gen = 0;

	sn_policy_box_init(&box);
	/* Nothing published yet: nothing to fetch. */
	assert_false(sn_policy_fetch(&box, &local, &gen));

	sn_policy_set_tables(&p, a, 1);
	p.raise_platform_labels = true;
	assert_true(sn_policy_publish(&box, &p));
	assert_false(sn_policy_publish(&box, &p)); /* unchanged */
	assert_true(sn_policy_fetch(&box, &local, &gen));
	assert_int_equal(local.n_tables, 1);
	assert_true(local.raise_platform_labels);
	assert_false(sn_policy_fetch(&box, &local, &gen)); /* up to date */

	sn_policy_set_tables(&p, b, 2);
	assert_true(sn_policy_publish(&box, &p));
	assert_true(sn_policy_fetch(&box, &local, &gen));
	assert_true(sn_policy_manages(&local, 20));

	p.raise_platform_labels = false;
	assert_true(sn_policy_publish(&box, &p));
	assert_true(sn_policy_fetch(&box, &local, &gen));
	assert_false(local.raise_platform_labels);
	sn_policy_box_fini(&box);
}

/* A reader never sees a half-written policy while the writer flips. */
struct flip {
	struct sn_policy_box box;
	_Atomic bool stop;
};

static void *flipper(void *arg)
{
	static uint32_t even[64], odd[32];
	static struct sn_policy p;
	struct flip *f = arg;
	size_t i;

	for (i = 0; i < 64; i++)
		even[i] = (uint32_t)(2 * i + 2);
	for (i = 0; i < 32; i++)
		odd[i] = (uint32_t)(2 * i + 1);
	for (i = 0; !atomic_load(&f->stop); i++) {
		if (i & 1)
			sn_policy_set_tables(&p, odd, 32);
		else
			sn_policy_set_tables(&p, even, 64);
		sn_policy_publish(&f->box, &p);
	}
	return NULL;
}

static void test_policy_box_concurrent(void **state)
{
	static struct flip f;
	static struct sn_policy local;
	uint32_t gen = 0;
	unsigned int fetched = 0;
	pthread_t th;
	int i;

	sn_policy_box_init(&f.box);
	atomic_store(&f.stop, false);
	assert_int_equal(pthread_create(&th, NULL, flipper, &f), 0);
	/* At least 200000 rounds, and on until 100 fetches have been checked:
	 * on a busy machine the flipper may not run at all for a while, so
	 * give it the CPU whenever there is nothing new (bounded: a box that
	 * never delivers fails below). */
	for (i = 0; i < 200000 || (fetched < 100 && i < 50000000); i++) {
		size_t k;

		if (!sn_policy_fetch(&f.box, &local, &gen)) {
			sched_yield();
			continue;
		}
		fetched++;
		/* all even (64 of them) or all odd (32) */
		assert_true(local.n_tables == 64 || local.n_tables == 32);
		for (k = 0; k < local.n_tables; k++)
			assert_int_equal(local.tables[k] % 2,
					 local.n_tables == 64 ? 0 : 1);
	}
	atomic_store(&f.stop, true);
	pthread_join(th, NULL);
	assert_true(fetched >= 100);
	sn_policy_box_fini(&f.box);
}

/* --- LSP translation ------------------------------------------------- */

static struct sn_nh_in nh_v4(const char *gw, uint32_t ifindex, bool sel,
			     bool active, size_t n, const uint32_t *labels)
{
	struct sn_nh_in o = {0};

	o.type = SN_NH_IPV4_IFINDEX;
	assert_int_equal(sdp_addr_parse(&o.gate, gw), 0);
	o.ifindex = ifindex;
	o.selected = sel;
	o.active = active;
	o.n_labels = (uint8_t)n;
	for (size_t i = 0; i < n; i++)
		o.labels[i] = labels[i];
	return o;
}

static void test_lsp_selected_active_only(void **state)
{
	static const uint32_t imp[] = {3}, swap[] = {2000};
	struct sn_lsp_in in = {SN_IN_INSTALL, 1000, true, 2 /* LDP */};
	struct sn_nh_in nh[3];
	struct sn_req r = {0};
	char buf[64];

	nh[0] = nh_v4("10.0.0.9", 4, true, false, 1, swap); /* inactive */
	nh[1] = nh_v4("10.0.0.2", 3, true, true, 1, imp);   /* PHP */
	nh[2] = nh_v4("10.0.0.8", 5, false, true, 1, swap); /* unselected */
	assert_int_equal(sn_xlate_lsp(&in, nh, 3, &r), 0);
	assert_int_equal(r.kind, SN_KIND_LSP);
	assert_int_equal(r.cmd, SDP_CMD_REPLACE);
	assert_int_equal(r.lsp.in_label, 1000);
	assert_int_equal(r.lsp.proto, SDP_RTPROT);
	assert_int_equal(r.owner, 2);
	assert_int_equal(r.lsp.n_nexthops, 1);
	assert_ptr_equal(r.lsp.nexthops, r.nh);
	assert_int_equal(r.nh[0].ifindex, 3);
	assert_int_equal(r.nh[0].n_labels, 0); /* implicit-null: pop */
	assert_int_equal(r.nh[0].flags, 0);    /* no onlink in AF_MPLS */
	sdp_addr_format(&r.nh[0].via, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.2");
	sn_req_fini(&r);
}

static void test_lsp_ecmp_swap(void **state)
{
	static const uint32_t a[] = {100}, b[] = {200, 300};
	struct sn_lsp_in in = {SN_IN_UPDATE, 16, true, 2};
	struct sn_nh_in nh[2];
	struct sn_req r = {0};

	nh[0] = nh_v4("10.0.0.2", 3, true, true, 1, a);
	nh[1] = nh_v4("10.0.1.2", 4, true, true, 2, b);
	nh[1].vrf_id = 7;
	assert_int_equal(sn_xlate_lsp(&in, nh, 2, &r), 0);
	assert_int_equal(r.lsp.n_nexthops, 2);
	assert_int_equal(r.nh[0].labels[0], 100);
	assert_int_equal(r.nh[1].n_labels, 2);
	assert_int_equal(r.nh[1].labels[1], 300);
	assert_int_equal(r.nh_vrf[1], 7);
	sn_req_fini(&r);
}

static void test_lsp_pop_into_vrf(void **state)
{
	struct sn_lsp_in in = {SN_IN_INSTALL, 80, true, 3 /* BGP */};
	struct sn_nh_in nh = {0};
	struct sn_req r = {0};

	nh.type = SN_NH_IFINDEX;
	nh.ifindex = 50; /* the VRF device */
	nh.selected = nh.active = true;
	nh.n_labels = 1;
	nh.labels[0] = 3;
	assert_int_equal(sn_xlate_lsp(&in, &nh, 1, &r), 0);
	assert_int_equal(r.lsp.n_nexthops, 1);
	assert_int_equal(r.nh[0].ifindex, 50);
	assert_int_equal(r.nh[0].via.family, AF_UNSPEC);
	assert_int_equal(r.nh[0].n_labels, 0);
	sn_req_fini(&r);
}

static void test_lsp_refusals(void **state)
{
	static const uint32_t a[] = {100};
	struct sn_lsp_in in = {SN_IN_INSTALL, 1000, false, 2};
	struct sn_nh_in nh = nh_v4("10.0.0.2", 3, true, true, 1, a);
	struct sn_req r = {0};

	/* zebra's encoder refuses an install without a best NHLFE */
	assert_int_equal(sn_xlate_lsp(&in, &nh, 1, &r), -EINVAL);
	assert_int_equal(r.result, -EINVAL);
	assert_non_null(strstr(r.reason, "no best NHLFE"));
	sn_req_fini(&r);

	in.has_best = true;
	nh.active = false;
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_lsp(&in, &nh, 1, &r), -EINVAL);
	assert_non_null(strstr(r.reason, "no selected, active nexthop"));
	sn_req_fini(&r);

	nh.active = true;
	nh.labels_overflow = true;
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_lsp(&in, &nh, 1, &r), -E2BIG);
	sn_req_fini(&r);

	nh.labels_overflow = false;
	in.in_label = 3; /* reserved */
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_lsp(&in, &nh, 1, &r), -EINVAL);
	assert_non_null(strstr(r.reason, "in=3"));
	sn_req_fini(&r);
}

static void test_lsp_delete(void **state)
{
	struct sn_lsp_in in = {SN_IN_DELETE, 1000, false, 0};
	struct sn_req r = {0};

	/* No nexthops needed: the kernel deletes by label. */
	assert_int_equal(sn_xlate_lsp(&in, NULL, 0, &r), 0);
	assert_int_equal(r.cmd, SDP_CMD_DELETE);
	assert_int_equal(r.lsp.in_label, 1000);
	assert_int_equal(r.result, 0);
	sn_req_fini(&r);
}

/* --- route translation ----------------------------------------------- */

static struct sn_route_in route_in(enum sn_cmd_in cmd, const char *dst,
				   uint8_t len)
{
	struct sn_route_in in = {0};

	in.cmd = cmd;
	assert_int_equal(sdp_addr_parse(&in.dst, dst), 0);
	in.family = in.dst.family;
	in.dst_len = len;
	in.table = 10;
	in.proto = 186; /* bgp */
	in.old_proto = 186;
	in.type = 9;
	in.kind = SN_RT_UNICAST;
	return in;
}

static void test_route_recursive_resolved(void **state)
{
	static const uint32_t stack[] = {16, 80};
	struct sn_route_in in = route_in(SN_IN_INSTALL, "10.4.0.0", 24);
	struct sn_nh_in nh[3];
	struct sn_req r = {0};
	char buf[64];

	/* parent: recursive to the PE loopback; child: resolved, full stack */
	nh[0] = nh_v4("192.0.2.4", 0, false, true, 1, &stack[1]);
	nh[0].recursive = true;
	nh[1] = nh_v4("152.0.12.2", 3, false, true, 2, stack);
	nh[2] = nh_v4("152.0.12.2", 3, false, true, 2, stack);
	nh[2].duplicate = true;
	assert_int_equal(sn_xlate_route(&in, nh, 3, &r), 0);
	assert_int_equal(r.kind, SN_KIND_ROUTE);
	assert_int_equal(r.cmd, SDP_CMD_REPLACE);
	assert_false(r.noop);
	assert_int_equal(r.route.table, 10);
	assert_int_equal(r.route.metric, SN_ROUTE_METRIC);
	assert_int_equal(r.route.proto, 186);
	assert_int_equal(r.route.type, RTN_UNICAST);
	assert_int_equal(r.route.n_nexthops, 1);
	assert_int_equal(r.nh[0].n_labels, 2);
	assert_int_equal(r.nh[0].labels[0], 16);
	assert_int_equal(r.nh[0].labels[1], 80);
	assert_int_equal(r.nh[0].ifindex, 3);
	sdp_addr_format(&r.nh[0].via, buf, sizeof(buf));
	assert_string_equal(buf, "152.0.12.2");
	sn_req_fini(&r);
}

static void test_route_v4_over_v6(void **state)
{
	struct sn_route_in in = route_in(SN_IN_INSTALL, "10.4.0.0", 24);
	struct sn_nh_in nh = {0};
	struct sn_req r = {0};
	char buf[64];

	nh.type = SN_NH_IPV6_IFINDEX;
	sdp_addr_parse(&nh.gate, "fe80::1");
	nh.ifindex = 3;
	nh.active = true;
	nh.weight = 5;
	assert_int_equal(sn_xlate_route(&in, &nh, 1, &r), 0);
	sdp_addr_format(&r.nh[0].via, buf, sizeof(buf));
	assert_string_equal(buf, "169.254.0.1");
	assert_true(r.nh[0].flags & SDP_NH_ONLINK);
	assert_int_equal(r.nh[0].weight, 5);
	sn_req_fini(&r);

	/* an IPv6 route keeps its IPv6 gateway */
	in = route_in(SN_IN_INSTALL, "2001:db8::", 64);
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_route(&in, &nh, 1, &r), 0);
	sdp_addr_format(&r.nh[0].via, buf, sizeof(buf));
	assert_string_equal(buf, "fe80::1");
	assert_false(r.nh[0].flags & SDP_NH_ONLINK);
	sn_req_fini(&r);
}

static void test_route_kinds(void **state)
{
	struct sn_route_in in = route_in(SN_IN_INSTALL, "10.9.0.0", 16);
	struct sn_req r = {0};

	in.kind = SN_RT_UNREACHABLE;
	assert_int_equal(sn_xlate_route(&in, NULL, 0, &r), 0);
	assert_int_equal(r.route.type, RTN_UNREACHABLE);
	assert_int_equal(r.route.n_nexthops, 0);
	sn_req_fini(&r);

	in.kind = SN_RT_BLACKHOLE;
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_route(&in, NULL, 0, &r), 0);
	assert_int_equal(r.route.type, RTN_BLACKHOLE);
	sn_req_fini(&r);

	/* unicast without a usable nexthop fails */
	in.kind = SN_RT_UNICAST;
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_route(&in, NULL, 0, &r), -ENETUNREACH);
	assert_non_null(strstr(r.reason, "10.9.0.0/16"));
	sn_req_fini(&r);
}

static void test_route_delete_and_system(void **state)
{
	struct sn_route_in in = route_in(SN_IN_DELETE, "10.4.0.0", 24);
	struct sn_req r = {0};

	in.proto = 11;
	in.old_proto = 196; /* was static */
	assert_int_equal(sn_xlate_route(&in, NULL, 0, &r), 0);
	assert_int_equal(r.cmd, SDP_CMD_DELETE);
	assert_int_equal(r.route.proto, 196);
	assert_int_equal(r.route.metric, SN_ROUTE_METRIC);
	assert_false(r.noop);
	sn_req_fini(&r);

	/* a connected route is the kernel's: nothing to install... */
	in = route_in(SN_IN_INSTALL, "10.4.0.0", 24);
	in.system = true;
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_route(&in, NULL, 0, &r), 0);
	assert_true(r.noop);
	sn_req_fini(&r);

	/* ...but replacing ours by one withdraws ours */
	in.cmd = SN_IN_UPDATE;
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_route(&in, NULL, 0, &r), 0);
	assert_false(r.noop);
	assert_int_equal(r.cmd, SDP_CMD_DELETE);
	assert_int_equal(r.route.proto, 186);
	sn_req_fini(&r);

	/* deleting a system route: nothing was installed */
	in = route_in(SN_IN_DELETE, "10.4.0.0", 24);
	in.old_system = true;
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_route(&in, NULL, 0, &r), 0);
	assert_true(r.noop);
	sn_req_fini(&r);

	/* source-specific routes cannot be expressed */
	in = route_in(SN_IN_INSTALL, "2001:db8::", 64);
	in.has_src = true;
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_route(&in, NULL, 0, &r), -EOPNOTSUPP);
	sn_req_fini(&r);
}

/*
 * The stale-LSP sweep waits for what it would sweep (#12 item 3): it
 * used to run 30 s after start, while satnet itself still held every
 * label request until the configuration was read (up to 60 s), so the
 * VPN labels an earlier run had installed - still used by the remote
 * PEs - were deleted before bgpd could even ask for them again.
 */
static void test_sweep_schedule(void **state)
{
	const uint64_t t0 = 1000000;

	/* 30 s after start, configuration not read yet: not now */
	assert_int_not_equal(sn_sweep_delay_ms(t0 + 30000, 0, 0), 0);
	assert_int_not_equal(sn_sweep_delay_ms(t0 + 59000, 0, t0), 0);
	/* read at t0 + 50 s: not before t0 + 80 s */
	assert_int_equal(sn_sweep_delay_ms(t0 + 60000, t0 + 50000, 0),
			 20000);
	assert_int_equal(sn_sweep_delay_ms(t0 + 80000, t0 + 50000, 0), 0);
	/* zebra still re-sending (a batch 4 s ago): wait for the quiet */
	assert_int_equal(sn_sweep_delay_ms(t0 + 90000, t0 + 50000,
					   t0 + 86000),
			 SN_SWEEP_QUIET_MS - 4000);
	assert_int_equal(sn_sweep_delay_ms(t0 + 96000, t0 + 50000,
					   t0 + 86000),
			 0);
}

/*
 * Readback scheduling: never while contexts flow, at most once per
 * period, the period growing with what the last readback cost.
 */
static void test_readback_schedule(void **state)
{
	const uint64_t t0 = 1000000; /* any monotonic origin */

	/* Idle, never read back, never programmed: now. */
	assert_int_equal(sn_readback_delay_ms(t0, false, 0, 0, 0), 0);
	/* Contexts queued or being programmed: ask again when quiet. */
	assert_int_equal(sn_readback_delay_ms(t0, true, 0, 0, 0),
			 SN_RB_QUIET_MS);
	assert_int_equal(sn_readback_delay_ms(t0, true, t0 - 60000,
					      t0 - 60000, 5),
			 SN_RB_QUIET_MS);
	/* Programmed 1 s ago: wait for the rest of the quiet time. */
	assert_int_equal(sn_readback_delay_ms(t0, false, t0 - 1000, 0, 0),
			 SN_RB_QUIET_MS - 1000);
	/* Quiet long enough, last readback long ago: now. */
	assert_int_equal(sn_readback_delay_ms(t0, false,
					      t0 - SN_RB_QUIET_MS,
					      t0 - SN_RB_PERIOD_MS, 50),
			 0);
	/* A cheap readback 4 s ago: the base period (an idle node reads
	 * back every SN_RB_PERIOD_MS). */
	assert_int_equal(sn_readback_period_ms(0), SN_RB_PERIOD_MS);
	assert_int_equal(sn_readback_period_ms(50), SN_RB_PERIOD_MS);
	assert_int_equal(sn_readback_delay_ms(t0, false, 0, t0 - 4000, 50),
			 SN_RB_PERIOD_MS - 4000);
	/* A costly one (9 s): SN_RB_COST_FACTOR times that. */
	assert_int_equal(sn_readback_period_ms(9000),
			 9000 * SN_RB_COST_FACTOR);
	assert_int_equal(sn_readback_delay_ms(t0, false, 0, t0 - 30000, 9000),
			 9000 * SN_RB_COST_FACTOR - 30000);
	assert_int_equal(sn_readback_delay_ms(t0, false, 0,
					      t0 - 9000 * SN_RB_COST_FACTOR,
					      9000),
			 0);
	/* Quiet time and period both pending: the quiet time first. */
	assert_int_equal(sn_readback_delay_ms(t0, false, t0 - 500,
					      t0 - 1000, 0),
			 SN_RB_QUIET_MS - 500);
}

static void test_labels_str(void **state)
{
	struct sdp_nexthop nh = {0};
	char buf[32];

	sn_labels_str(&nh, buf, sizeof(buf));
	assert_string_equal(buf, "pop");
	nh.n_labels = 3;
	nh.labels[0] = 16;
	nh.labels[1] = 80;
	nh.labels[2] = 1048575;
	sn_labels_str(&nh, buf, sizeof(buf));
	assert_string_equal(buf, "16/80/1048575");
	sn_labels_str(&nh, buf, 6); /* truncated, terminated */
	assert_string_equal(buf, "16/80");
}

/*
 * `clear satnet counters` restarts the counters and nothing else. The
 * provider owns the boot tables only until a configuration has been
 * applied (satnet_dplane_policy_update()); a clear that made it look as
 * if none had been applied handed every configured VRF table back to
 * zebra's kernel provider until the next commit.
 */
static void test_clear_counters_keeps_applied(void **state)
{
	struct satnet_zebra sz = {};

	assert_false(satnet_config_applied(&sz));
	satnet_note_applied(&sz);
	satnet_note_applied(&sz);
	sz.counters.repairs = 3;
	assert_true(satnet_config_applied(&sz));
	assert_int_equal(sz.counters.applies, 2);

	satnet_counters_clear(&sz);
	assert_int_equal(sz.counters.applies, 0);
	assert_int_equal(sz.counters.repairs, 0);
	assert_true(satnet_config_applied(&sz));

	/* Counting starts again from zero; the fact stays. */
	satnet_note_applied(&sz);
	assert_int_equal(sz.counters.applies, 1);
	assert_true(satnet_config_applied(&sz));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owns_every_op),
		cmocka_unit_test(test_owns_without_tables),
		cmocka_unit_test(test_policy_tables),
		cmocka_unit_test(test_policy_box_generations),
		cmocka_unit_test(test_policy_box_concurrent),
		cmocka_unit_test(test_lsp_selected_active_only),
		cmocka_unit_test(test_lsp_ecmp_swap),
		cmocka_unit_test(test_lsp_pop_into_vrf),
		cmocka_unit_test(test_lsp_refusals),
		cmocka_unit_test(test_lsp_delete),
		cmocka_unit_test(test_route_recursive_resolved),
		cmocka_unit_test(test_route_v4_over_v6),
		cmocka_unit_test(test_route_kinds),
		cmocka_unit_test(test_route_delete_and_system),
		cmocka_unit_test(test_readback_schedule),
		cmocka_unit_test(test_sweep_schedule),
		cmocka_unit_test(test_labels_str),
		cmocka_unit_test(test_clear_counters_keeps_applied),
	};

	return cmocka_run_group_tests_name("satnet dplane provider", tests,
					   NULL, NULL);
}
