// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_satnet_lsp_table.c: the provider's record of owned kernel entries,
 * programming through it, and readback/repair - against dplane/'s null
 * backend, whose fake kernel holds what the requests asked for and whose
 * log shows exactly what was sent.
 *
 * The fake kernel is changed behind the record's back (a second request
 * on the same context) to rehearse drift: an LSP deleted by hand, one
 * replaced with other labels, a VRF route gone, leftovers of an earlier
 * run with satnet's protocol.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "satnet_dplane.h"
#include "satnet_hosts.h"

struct fx {
	struct sdp *dp;
	struct sn_table *t;
	struct sn_policy pol;
};

static int setup(void **state)
{
	static const uint32_t tables[] = {10};
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || sdp_open(&f->dp, SDP_BACKEND_NULL))
		return -1;
	f->t = sn_table_new();
	if (!f->t)
		return -1;
	sn_policy_set_tables(&f->pol, tables, 1);
	f->pol.raise_platform_labels = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sn_table_free(f->t);
	sdp_close(f->dp);
	free(f);
	return 0;
}

/* Index of the first log line starting with @prefix, or -1. */
static int log_find(const struct sdp *dp, const char *prefix)
{
	for (size_t i = 0; i < sdp_null_log_count(dp); i++)
		if (!strncmp(sdp_null_log_get(dp, i)->text, prefix,
			     strlen(prefix)))
			return (int)i;
	return -1;
}

static size_t log_count(const struct sdp *dp, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < sdp_null_log_count(dp); i++)
		if (!strncmp(sdp_null_log_get(dp, i)->text, prefix,
			     strlen(prefix)))
			n++;
	return n;
}

/* An LSP replace request as sn_xlate_lsp() would build it. */
static void mk_lsp(struct sn_req *r, uint32_t in, const char *via,
		   uint32_t ifindex, uint32_t out_label)
{
	memset(r, 0, sizeof(*r));
	r->kind = SN_KIND_LSP;
	r->cmd = SDP_CMD_REPLACE;
	r->owner = 2;
	r->nh = calloc(1, sizeof(*r->nh));
	r->nh_vrf = calloc(1, sizeof(*r->nh_vrf));
	assert_non_null(r->nh);
	assert_non_null(r->nh_vrf);
	r->n_nh = 1;
	r->nh[0].ifindex = ifindex;
	if (via)
		assert_int_equal(sdp_addr_parse(&r->nh[0].via, via), 0);
	if (out_label) {
		r->nh[0].n_labels = 1;
		r->nh[0].labels[0] = out_label;
	}
	r->lsp.in_label = in;
	r->lsp.proto = SDP_RTPROT;
	r->lsp.nexthops = r->nh;
	r->lsp.n_nexthops = 1;
}

static void mk_lsp_del(struct sn_req *r, uint32_t in)
{
	memset(r, 0, sizeof(*r));
	r->kind = SN_KIND_LSP;
	r->cmd = SDP_CMD_DELETE;
	r->lsp.in_label = in;
}

static void mk_route(struct sn_req *r, enum sdp_cmd cmd, uint32_t table,
		     const char *dst, uint8_t len, const char *via,
		     uint32_t label)
{
	memset(r, 0, sizeof(*r));
	r->kind = SN_KIND_ROUTE;
	r->cmd = cmd;
	r->owner = 9;
	assert_int_equal(sdp_addr_parse(&r->route.dst, dst), 0);
	r->route.family = r->route.dst.family;
	r->route.dst_len = len;
	r->route.table = table;
	r->route.proto = 186;
	r->route.metric = SN_ROUTE_METRIC;
	r->route.type = RTN_UNICAST;
	if (cmd == SDP_CMD_DELETE)
		return;
	r->nh = calloc(1, sizeof(*r->nh));
	r->nh_vrf = calloc(1, sizeof(*r->nh_vrf));
	r->n_nh = 1;
	r->nh[0].ifindex = 3;
	assert_int_equal(sdp_addr_parse(&r->nh[0].via, via), 0);
	if (label) {
		r->nh[0].n_labels = 2;
		r->nh[0].labels[0] = 16;
		r->nh[0].labels[1] = label;
	}
	r->route.nexthops = r->nh;
	r->route.n_nexthops = 1;
}

static size_t apply(struct fx *f, struct sn_req *r, size_t n)
{
	size_t failed = sn_table_apply(f->t, f->dp, r, n, &f->pol);

	for (size_t i = 0; getenv("SN_DEBUG") && i < n; i++)
		if (r[i].result)
			fprintf(stderr, "req %zu: %s\n", i, r[i].reason);

	for (size_t i = 0; i < n; i++)
		sn_req_fini(&r[i]);
	return failed;
}

static struct sdp_addr A(const char *s)
{
	struct sdp_addr a;

	assert_int_equal(sdp_addr_parse(&a, s), 0);
	return a;
}

/* What the record logged, for the tests that look. */
static char logged[4096];

static void log_cb(int warn, const char *msg)
{
	size_t len = strlen(logged);

	snprintf(logged + len, sizeof(logged) - len, "%s%s\n",
		 warn ? "W " : "I ", msg);
}

/* --- programming ---------------------------------------------------- */

static void test_apply_records_and_raises(void **state)
{
	struct fx *f = *state;
	struct sn_req r[2];
	const struct sn_entry *e;
	uint32_t pl = 0;

	mk_lsp(&r[0], 1000, "10.0.0.2", 3, 2000);
	mk_lsp(&r[1], 17, NULL, 50, 0); /* pop into a VRF device */
	assert_int_equal(apply(f, r, 2), 0);
	assert_int_equal(r[0].result, 0);
	assert_int_equal(r[1].result, 0);

	/* platform_labels was 0: raised once, to cover label 1000 */
	assert_int_equal(sdp_platform_labels_get(f->dp, &pl), 0);
	assert_int_equal(pl, 1001);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->platform_raises),
			 1);
	assert_true(log_find(f->dp, "lsp replace in=1000 proto=224") >= 0);
	assert_true(log_find(f->dp, "lsp replace in=17 proto=224") >= 0);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->lsp_ops), 2);

	e = sn_table_find_lsp(f->t, 1000);
	assert_non_null(e);
	assert_int_equal(e->state, SN_K_INSTALLED);
	assert_true(e->zebra_ok);
	assert_int_equal(e->n_nh, 1);
	assert_int_equal(e->nh[0].labels[0], 2000);
	assert_string_equal(e->reason, "");
	assert_int_equal(sn_table_count(f->t), 2);

	/* a delete removes the entry and the kernel's LSP */
	mk_lsp_del(&r[0], 1000);
	assert_int_equal(apply(f, r, 1), 0);
	assert_null(sn_table_find_lsp(f->t, 1000));
	assert_true(log_find(f->dp, "lsp delete in=1000") >= 0);
	assert_int_equal(sn_table_count(f->t), 1);
}

static void test_platform_labels_leave(void **state)
{
	struct fx *f = *state;
	struct sn_req r[2];
	const struct sn_entry *e;

	f->pol.raise_platform_labels = false;
	assert_int_equal(sdp_sysctl_set(f->dp, "net.mpls.platform_labels",
					"100"),
			 0);
	mk_lsp(&r[0], 50, "10.0.0.2", 3, 60);	/* fits */
	mk_lsp(&r[1], 500, "10.0.0.2", 3, 60); /* does not */
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 2), 1);
	assert_int_equal(r[0].result, 0);
	assert_int_equal(r[1].result, -ERANGE);
	assert_non_null(strstr(r[1].reason, "net.mpls.platform_labels (100)"));
	assert_non_null(strstr(r[1].reason, "policy is leave"));
	/* nothing was sent for the label that cannot fit */
	assert_int_equal(log_find(f->dp, "lsp replace in=500"), -1);
	assert_true(log_find(f->dp, "lsp replace in=50 ") >= 0);

	e = sn_table_find_lsp(f->t, 500);
	assert_non_null(e);
	assert_int_equal(e->state, SN_K_FAILED);
	assert_false(e->zebra_ok);
	assert_non_null(strstr(e->reason, "platform_labels"));
}

static void test_kernel_refusal_has_extack(void **state)
{
	struct fx *f = *state;
	struct sn_req r[2];
	const struct sn_entry *e;

	mk_lsp(&r[0], 100, "10.0.0.2", 3, 200);
	mk_lsp(&r[1], 101, "10.0.0.2", 3, 201);
	sdp_null_fail(f->dp, SDP_OP_LSP_REPLACE, 1, EINVAL,
		      "Invalid label - must be MPLS_LABEL_FIRST_UNRESERVED or higher");
	assert_int_equal(apply(f, r, 2), 1);
	assert_int_equal(r[0].result, -EINVAL);
	assert_non_null(strstr(r[0].reason, "MPLS_LABEL_FIRST_UNRESERVED"));
	assert_non_null(strstr(r[0].reason, "lsp replace in=100"));
	assert_int_equal(r[1].result, 0); /* independent */

	e = sn_table_find_lsp(f->t, 100);
	assert_int_equal(e->state, SN_K_FAILED);
	assert_non_null(strstr(e->reason, "MPLS_LABEL_FIRST_UNRESERVED"));
	assert_int_equal(sn_table_find_lsp(f->t, 101)->state, SN_K_INSTALLED);

	/* a later successful replace clears the failure */
	mk_lsp(&r[0], 100, "10.0.0.2", 3, 200);
	assert_int_equal(apply(f, r, 1), 0);
	e = sn_table_find_lsp(f->t, 100);
	assert_int_equal(e->state, SN_K_INSTALLED);
	assert_true(e->zebra_ok);
	assert_string_equal(e->reason, "");
}

static void test_translation_failure_not_sent(void **state)
{
	struct fx *f = *state;
	struct sn_req r;

	mk_lsp(&r, 300, "10.0.0.2", 3, 400);
	r.result = -E2BIG;
	snprintf(r.reason, sizeof(r.reason), "lsp in=300: more than 16 out-labels");
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, &r, 1), 1);
	assert_int_equal(sdp_null_log_count(f->dp), 0);
	assert_int_equal(sn_table_find_lsp(f->t, 300)->state, SN_K_FAILED);
	assert_non_null(strstr(sn_table_find_lsp(f->t, 300)->reason, "16"));
}

static void test_routes(void **state)
{
	struct fx *f = *state;
	struct sn_req r[3];
	struct sdp_addr d = A("10.4.0.0"), d2 = A("10.5.0.0");
	const struct sn_entry *e;

	mk_route(&r[0], SDP_CMD_REPLACE, 10, "10.4.0.0", 24, "152.0.12.2", 80);
	/* a table satnet does not manage (ownership moved meanwhile):
	 * programmed, but not kept in the record */
	mk_route(&r[1], SDP_CMD_REPLACE, 20, "10.5.0.0", 24, "152.0.12.2", 0);
	/* deleting a route the kernel does not have is fine */
	mk_route(&r[2], SDP_CMD_DELETE, 10, "10.6.0.0", 24, NULL, 0);
	assert_int_equal(apply(f, r, 3), 0);
	assert_int_equal(r[2].result, 0);

	e = sn_table_find_route(f->t, AF_INET, 10, &d, 24);
	assert_non_null(e);
	assert_int_equal(e->state, SN_K_INSTALLED);
	assert_int_equal(e->proto, 186);
	assert_int_equal(e->metric, SN_ROUTE_METRIC);
	assert_int_equal(e->nh[0].labels[1], 80);
	assert_null(sn_table_find_route(f->t, AF_INET, 20, &d2, 24));
	assert_true(log_find(f->dp, "route replace inet table=10 dst=10.4.0.0/24") >= 0);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->route_ops), 3);

	mk_route(&r[0], SDP_CMD_DELETE, 10, "10.4.0.0", 24, NULL, 0);
	assert_int_equal(apply(f, r, 1), 0);
	assert_null(sn_table_find_route(f->t, AF_INET, 10, &d, 24));

	/* a no-op (system route) removes a stale record, sends nothing */
	mk_route(&r[0], SDP_CMD_REPLACE, 10, "10.4.0.0", 24, "152.0.12.2", 80);
	assert_int_equal(apply(f, r, 1), 0);
	mk_route(&r[0], SDP_CMD_REPLACE, 10, "10.4.0.0", 24, "152.0.12.2", 0);
	r[0].noop = true;
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 1), 0);
	/* no route request; the stale record's objects go with it */
	assert_int_equal(log_count(f->dp, "route "), 0);
	assert_int_equal(log_count(f->dp, "nhobj delete"), 2);
	assert_null(sn_table_find_route(f->t, AF_INET, 10, &d, 24));
}

/* --- readback ------------------------------------------------------- */

static void test_reconcile_clean(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sn_req r[2];

	mk_lsp(&r[0], 1000, "10.0.0.2", 3, 2000);
	mk_route(&r[1], SDP_CMD_REPLACE, 10, "10.4.0.0", 24, "152.0.12.2", 80);
	assert_int_equal(apply(f, r, 2), 0);
	sdp_null_log_clear(f->dp);
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, false, &res),
			 0);
	assert_int_equal(res.checked, 2);
	assert_int_equal(res.missing + res.differs + res.repaired, 0);
	/* one MPLS dump, and IPv4 + IPv6 of table 10; nothing written */
	assert_true(log_find(f->dp, "lsp dump") >= 0);
	assert_true(log_find(f->dp, "route dump inet table=10") >= 0);
	assert_true(log_find(f->dp, "route dump inet6 table=10") >= 0);
	assert_int_equal(log_count(f->dp, "lsp replace"), 0);
	assert_int_equal(log_count(f->dp, "route replace"), 0);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->reconciles), 1);
}

static void test_reconcile_repairs_drift(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sn_req r[3];
	struct sdp_nexthop other = {0};
	struct sdp_lsp hand = {0};
	struct sdp_route gone = {0};
	struct sdp_addr d = A("10.4.0.0");
	const struct sn_entry *e;

	mk_lsp(&r[0], 1000, "10.0.0.2", 3, 2000);
	mk_lsp(&r[1], 1001, "10.0.0.2", 3, 2001);
	mk_route(&r[2], SDP_CMD_REPLACE, 10, "10.4.0.0", 24, "152.0.12.2", 80);
	assert_int_equal(apply(f, r, 3), 0);

	/* Behind satnet's back: 1000 deleted, 1001 re-pointed, route gone */
	hand.in_label = 1000;
	assert_int_equal(sdp_lsp_delete(f->dp, &hand), 0);
	other.ifindex = 4;
	other.via = A("10.9.9.9");
	other.n_labels = 1;
	other.labels[0] = 7777;
	hand.in_label = 1001;
	hand.nexthops = &other;
	hand.n_nexthops = 1;
	assert_int_equal(sdp_lsp_replace(f->dp, &hand), 0);
	gone.family = AF_INET;
	gone.dst = d;
	gone.dst_len = 24;
	gone.table = 10;
	gone.proto = 186;
	gone.metric = SN_ROUTE_METRIC;
	assert_int_equal(sdp_route_delete(f->dp, &gone), 0);

	sdp_null_log_clear(f->dp);
	logged[0] = '\0';
	sn_table_set_log(f->t, log_cb);
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, false, &res),
			 0);
	assert_non_null(strstr(logged, "W readback: lsp in-label 1000 missing: not in the kernel"));
	assert_non_null(strstr(logged, "W readback: lsp in-label 1001 differs: kernel has in=1001"));
	assert_non_null(strstr(logged, "W readback: route table 10 10.4.0.0/24 missing"));
	assert_int_equal(res.checked, 3);
	assert_int_equal(res.missing, 2);
	assert_int_equal(res.differs, 1);
	assert_int_equal(res.repaired, 3);
	assert_int_equal(res.repair_failed, 0);
	assert_true(log_find(f->dp, "lsp replace in=1000 proto=224") >= 0);
	assert_true(log_find(f->dp, "lsp replace in=1001 proto=224") >= 0);
	assert_true(log_find(f->dp, "route replace inet table=10 dst=10.4.0.0/24") >= 0);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->repairs), 3);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->drift), 3);

	e = sn_table_find_lsp(f->t, 1001);
	assert_int_equal(e->state, SN_K_INSTALLED);
	assert_int_equal(e->repairs, 1);
	e = sn_table_find_route(f->t, AF_INET, 10, &d, 24);
	assert_int_equal(e->state, SN_K_INSTALLED);
	assert_int_equal(e->repairs, 1);

	/* Repaired for real: the next readback finds nothing to do. */
	sdp_null_log_clear(f->dp);
	sn_table_reconcile(f->t, f->dp, &f->pol, false, &res);
	assert_int_equal(res.missing + res.differs, 0);
	assert_int_equal(log_count(f->dp, "lsp replace"), 0);
}

static void test_reconcile_ecmp_route_shrunk(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sn_req r;
	struct sdp_nexthop one = {.ifindex = 3};
	struct sdp_route hand = {0};
	struct sdp_addr d = A("10.9.4.0");
	const struct sn_entry *e;

	mk_route(&r, SDP_CMD_REPLACE, 10, "10.9.4.0", 24, "192.0.2.2", 0);
	/* a second path */
	r.nh = realloc(r.nh, 2 * sizeof(*r.nh));
	r.nh_vrf = realloc(r.nh_vrf, 2 * sizeof(*r.nh_vrf));
	r.nh[1] = r.nh[0];
	r.nh[1].via = A("192.0.2.3");
	r.nh_vrf[1] = 0;
	r.n_nh = 2;
	r.route.nexthops = r.nh;
	r.route.n_nexthops = 2;
	assert_int_equal(apply(f, &r, 1), 0);
	assert_int_equal(sn_table_find_route(f->t, AF_INET, 10, &d, 24)->n_nh,
			 2);

	/* replaced by hand with a single other path */
	one.via = A("192.0.2.9");
	hand.family = AF_INET;
	hand.dst = d;
	hand.dst_len = 24;
	hand.table = 10;
	hand.proto = 186;
	hand.metric = SN_ROUTE_METRIC;
	hand.nexthops = &one;
	hand.n_nexthops = 1;
	assert_int_equal(sdp_route_replace(f->dp, &hand), 0);

	sdp_null_log_clear(f->dp);
	sn_table_reconcile(f->t, f->dp, &f->pol, false, &res);
	assert_int_equal(res.differs, 1);
	assert_int_equal(res.repaired, 1);
	e = sn_table_find_route(f->t, AF_INET, 10, &d, 24);
	assert_int_equal(e->state, SN_K_INSTALLED);
	assert_true(log_find(f->dp, "route replace inet table=10 dst=10.9.4.0/24") >= 0);
}

static void test_reconcile_repair_refused_then_retried(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sdp_lsp hand = {.in_label = 1000};
	struct sn_req r;
	const struct sn_entry *e;

	mk_lsp(&r, 1000, "10.0.0.2", 3, 2000);
	assert_int_equal(apply(f, &r, 1), 0);
	assert_int_equal(sdp_lsp_delete(f->dp, &hand), 0);

	sdp_null_fail(f->dp, SDP_OP_LSP_REPLACE, 1, ENETDOWN,
		      "Nexthop device is not up");
	sn_table_reconcile(f->t, f->dp, &f->pol, false, &res);
	assert_int_equal(res.missing, 1);
	assert_int_equal(res.repair_failed, 1);
	e = sn_table_find_lsp(f->t, 1000);
	assert_int_equal(e->state, SN_K_FAILED);
	assert_non_null(strstr(e->reason, "repair: "));
	assert_non_null(strstr(e->reason, "Nexthop device is not up"));
	/* zebra was told it is installed: keep trying */
	assert_true(e->zebra_ok);

	sn_table_reconcile(f->t, f->dp, &f->pol, false, &res);
	assert_int_equal(res.repaired, 1);
	assert_int_equal(sn_table_find_lsp(f->t, 1000)->state, SN_K_INSTALLED);
}

static void test_reconcile_leaves_failed_alone(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sn_req r;

	/* failed towards zebra: zebra thinks it is not installed */
	mk_lsp(&r, 1000, "10.0.0.2", 3, 2000);
	sdp_null_fail(f->dp, SDP_OP_LSP_REPLACE, 1, EINVAL, NULL);
	assert_int_equal(apply(f, &r, 1), 1);

	sdp_null_log_clear(f->dp);
	sn_table_reconcile(f->t, f->dp, &f->pol, true, &res);
	assert_int_equal(res.checked, 0);
	assert_int_equal(log_count(f->dp, "lsp replace"), 0);
	assert_int_equal(sn_table_find_lsp(f->t, 1000)->state, SN_K_FAILED);
}

static void test_reconcile_sweeps_stale_after_grace(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sdp_nexthop nh = {.ifindex = 3};
	struct sdp_lsp old = {.in_label = 555, .proto = SDP_RTPROT};
	struct sdp_lsp ldp = {.in_label = 556, .proto = 193};
	struct sn_req r;

	nh.via = A("10.0.0.2");
	old.nexthops = ldp.nexthops = &nh;
	old.n_nexthops = ldp.n_nexthops = 1;
	/* an earlier run's LSP, and one some other program installed */
	assert_int_equal(sdp_lsp_replace(f->dp, &old), 0);
	assert_int_equal(sdp_lsp_replace(f->dp, &ldp), 0);
	mk_lsp(&r, 1000, "10.0.0.2", 3, 2000);
	assert_int_equal(apply(f, &r, 1), 0);

	/* within the grace period: counted, kept */
	sdp_null_log_clear(f->dp);
	sn_table_reconcile(f->t, f->dp, &f->pol, false, &res);
	assert_int_equal(res.stale, 1);
	assert_int_equal(res.swept, 0);
	assert_int_equal(log_count(f->dp, "lsp delete"), 0);

	/* after it: removed, and only satnet's */
	sdp_null_log_clear(f->dp);
	sn_table_reconcile(f->t, f->dp, &f->pol, true, &res);
	assert_int_equal(res.stale, 1);
	assert_int_equal(res.swept, 1);
	assert_true(log_find(f->dp, "lsp delete in=555") >= 0);
	assert_int_equal(log_find(f->dp, "lsp delete in=556"), -1);
	assert_int_equal(log_find(f->dp, "lsp delete in=1000"), -1);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->swept), 1);

	sn_table_reconcile(f->t, f->dp, &f->pol, true, &res);
	assert_int_equal(res.stale, 0);
}

static void test_reconcile_dump_failure_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sdp_lsp hand = {.in_label = 1000};
	struct sn_req r;

	mk_lsp(&r, 1000, "10.0.0.2", 3, 2000);
	assert_int_equal(apply(f, &r, 1), 0);
	assert_int_equal(sdp_lsp_delete(f->dp, &hand), 0);
	sdp_null_fail(f->dp, SDP_OP_LSP_DUMP, 1, EINTR, NULL);
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, true, &res),
			 -EINTR);
	assert_int_equal(res.dump_err, -EINTR);
	/* an unreadable dump proves nothing: no "missing", no repair */
	assert_int_equal(sn_table_find_lsp(f->t, 1000)->state, SN_K_INSTALLED);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->reconcile_errors),
			 1);
}

static void test_prune_and_export(void **state)
{
	static const uint32_t t20[] = {20};
	struct fx *f = *state;
	struct sn_req r[4];
	struct sn_view v;
	struct sdp_addr d = A("10.4.0.0");

	mk_route(&r[0], SDP_CMD_REPLACE, 10, "10.4.0.0", 24, "152.0.12.2", 80);
	mk_lsp(&r[1], 2000, "10.0.0.2", 3, 1);
	mk_lsp(&r[2], 16, "10.0.0.2", 3, 0);
	mk_route(&r[3], SDP_CMD_REPLACE, 10, "10.1.0.0", 24, "152.0.12.2", 81);
	assert_int_equal(apply(f, r, 4), 0);

	assert_int_equal(sn_table_export(f->t, &v), 0);
	assert_int_equal(v.n, 4);
	/* LSPs by label, then routes by table and prefix */
	assert_int_equal(v.e[0].kind, SN_KIND_LSP);
	assert_int_equal(v.e[0].in_label, 16);
	assert_int_equal(v.e[1].in_label, 2000);
	assert_int_equal(v.e[2].kind, SN_KIND_ROUTE);
	assert_int_equal(v.e[2].dst.bytes[1], 1); /* 10.1.0.0 */
	assert_int_equal(v.e[3].dst.bytes[1], 4); /* 10.4.0.0 */
	/* deep copies: independent of the record */
	assert_ptr_not_equal(v.e[3].nh,
			     sn_table_find_route(f->t, AF_INET, 10, &d, 24)->nh);
	assert_int_equal(v.e[3].nh[0].labels[1], 80);
	sn_view_free(&v);
	assert_int_equal(v.n, 0);

	/* table 10 no longer satnet's: its routes leave the record */
	sn_policy_set_tables(&f->pol, t20, 1);
	sn_table_prune(f->t, &f->pol);
	assert_int_equal(sn_table_count(f->t), 2);
	assert_null(sn_table_find_route(f->t, AF_INET, 10, &d, 24));
	assert_non_null(sn_table_find_lsp(f->t, 16));
}

static void test_many_entries(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sn_req *r = calloc(3000, sizeof(*r));
	size_t i;

	assert_non_null(r);
	for (i = 0; i < 3000; i++)
		mk_lsp(&r[i], (uint32_t)(16 + i), "10.0.0.2", 3,
		       (uint32_t)(100000 + i));
	assert_int_equal(apply(f, r, 3000), 0);
	assert_int_equal(sn_table_count(f->t), 3000);
	for (i = 0; i < 3000; i++)
		assert_non_null(sn_table_find_lsp(f->t, (uint32_t)(16 + i)));
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, true, &res),
			 0);
	assert_int_equal(res.checked, 3000);
	assert_int_equal(res.missing + res.differs + res.stale, 0);
	for (i = 0; i < 3000; i++)
		mk_lsp_del(&r[i], (uint32_t)(16 + i));
	assert_int_equal(apply(f, r, 3000), 0);
	assert_int_equal(sn_table_count(f->t), 0);
	free(r);
}


/* --- nexthop objects ---------------------------------------------- */

/* A VPN route resolved through BGP next hop @bgp_nh with VPN label
 * @vpn: the resolution key zebra's recursive nexthop gives. */
static void mk_vpn(struct sn_req *r, enum sdp_cmd cmd, const char *dst,
		   const char *via, uint32_t ifindex, uint32_t transport,
		   const char *bgp_nh, uint32_t vpn)
{
	mk_route(r, cmd, 10, dst, 24, via, 0);
	if (cmd == SDP_CMD_DELETE)
		return;
	r->nh[0].ifindex = ifindex;
	r->nh[0].n_labels = 2;
	r->nh[0].labels[0] = transport;
	r->nh[0].labels[1] = vpn;
	if (bgp_nh) {
		int n = snprintf((char *)r->rkey, sizeof(r->rkey), "%s/%u",
				 bgp_nh, vpn);

		r->rkey_len = (uint16_t)n;
	}
}

/* The kernel's (null backend's) route for @dst in table 10. */
struct kroute {
	bool found;
	uint32_t nhid;
	size_t n_nh;
};

static int kroute_cb(const struct sdp_route *rt, void *arg)
{
	struct kroute *k = arg;

	if (rt->dst.v4.s_addr == k->nhid) { /* nhid holds the dst on entry */
		k->found = true;
		k->nhid = rt->nhid;
		k->n_nh = rt->n_nexthops;
	}
	return 0;
}

static struct kroute kroute(struct fx *f, const char *dst)
{
	struct kroute k = {0};
	struct sdp_addr a = A(dst);

	k.nhid = a.v4.s_addr;
	assert_int_equal(sdp_route_dump_table(f->dp, AF_INET, 10, kroute_cb,
					      &k),
			 0);
	if (!k.found)
		k.nhid = 0;
	return k;
}

struct kobjs_t {
	size_t n, groups;
	struct sdp_nhobj last_group;
	struct sdp_nhgrp_ent grp[8];
	uint32_t want_id;
	bool found;
	struct sdp_nhobj want;
	struct sdp_nhgrp_ent want_grp[8];
};

static int kobj_cb(const struct sdp_nhobj *o, void *arg)
{
	struct kobjs_t *k = arg;

	k->n++;
	if (o->n_group)
		k->groups++;
	if (o->id == k->want_id) {
		k->found = true;
		k->want = *o;
		/* a plain object has no group array (NULL): not even 0 bytes */
		if (o->n_group)
			memcpy(k->want_grp, o->group,
			       (o->n_group < 8 ? o->n_group : 8) *
				       sizeof(k->grp[0]));
		k->want.group = k->want_grp;
	}
	return 0;
}

static struct kobjs_t kobjs(struct fx *f, uint32_t want)
{
	struct kobjs_t k = {.want_id = want};

	assert_int_equal(sdp_nhobj_dump(f->dp, 0, 0, UINT32_MAX, kobj_cb, &k),
			 0);
	return k;
}

static const struct sn_entry *route_e(struct fx *f, const char *dst)
{
	struct sdp_addr d = A(dst);

	return sn_table_find_route(f->t, AF_INET, 10, &d, 24);
}

/* Routes that forward the same way share one group of one member; the
 * routes name the group and carry no nexthops; the export says so. */
static void test_nhobj_shared(void **state)
{
	struct fx *f = *state;
	struct sn_req r[3];
	struct sn_view v;
	struct kobjs_t k;
	uint32_t id;

	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	mk_vpn(&r[1], SDP_CMD_REPLACE, "10.4.1.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	mk_vpn(&r[2], SDP_CMD_REPLACE, "10.4.2.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	assert_int_equal(apply(f, r, 3), 0);

	id = kroute(f, "10.4.0.0").nhid;
	assert_true(id >= SDP_NHID_MIN && id <= SDP_NHID_MAX);
	assert_int_equal(kroute(f, "10.4.0.0").n_nh, 0);
	assert_int_equal(kroute(f, "10.4.1.0").nhid, id);
	assert_int_equal(kroute(f, "10.4.2.0").nhid, id);
	k = kobjs(f, id);
	assert_int_equal(k.n, 2); /* one member, one group */
	assert_int_equal(k.groups, 1);
	assert_true(k.found);
	assert_int_equal(k.want.n_group, 1);
	assert_int_equal(log_count(f->dp, "nhobj replace"), 2);
	assert_int_equal(log_count(f->dp, "route replace"), 3);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->nhobj_ops), 2);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->nhobj_count),
			 2);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->nhobj_groups),
			 1);

	assert_int_equal(sn_table_export(f->t, &v), 0);
	assert_int_equal(v.n, 3);
	for (size_t i = 0; i < v.n; i++) {
		assert_int_equal(v.e[i].nhid, id);
		assert_int_equal(v.e[i].nh_shared, 3);
		/* the forwarding asked for is still shown */
		assert_int_equal(v.e[i].nh[0].labels[1], 4128);
	}
	sn_view_free(&v);
}

/* 64 VPN routes 10.4.0-63.0/24 behind one BGP next hop (via 152.0.12.2
 * on ifindex 3, pushing 2002/4128): the id of the group they share. */
static uint32_t install_64(struct fx *f, struct sn_req *r)
{
	char dst[32];

	for (int i = 0; i < 64; i++) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		mk_vpn(&r[i], SDP_CMD_REPLACE, dst, "152.0.12.2", 3, 2002,
		       "192.0.2.4", 4128);
	}
	assert_int_equal(apply(f, r, 64), 0);
	return kroute(f, "10.4.0.0").nhid;
}

/*
 * The IGP moves the path to the remote PE: the first route context
 * replaces the shared group in place (one member made, the group
 * rewritten, the old member deleted), the others complete with no
 * kernel write at all; every route forwards the new way.
 */
static void test_nhobj_pic_in_place(void **state)
{
	struct fx *f = *state;
	struct sn_req r[64];
	struct sn_counters *c = sn_table_counters(f->t);
	uint32_t id;
	char dst[32];
	struct kobjs_t k;

	id = install_64(f, r);
	sdp_null_log_clear(f->dp);

	/* first context alone: the object moves */
	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.13.3", 4, 3007,
	       "192.0.2.4", 4128);
	assert_int_equal(apply(f, r, 1), 0);
	assert_int_equal(log_count(f->dp, "route "), 0);
	/* the new member made, the group changed (it must exist) */
	assert_int_equal(log_count(f->dp, "nhobj replace"), 1);
	assert_int_equal(log_count(f->dp, "nhobj change"), 1);
	assert_int_equal(log_count(f->dp, "nhobj delete"), 1);
	assert_int_equal(atomic_load(&c->nhobj_inplace), 1);
	assert_int_equal(atomic_load(&c->nhobj_flushed), 0);
	k = kobjs(f, id);
	assert_int_equal(k.n, 2);
	assert_true(k.found);
	assert_int_equal(k.want.n_group, 1);

	/* the other 63 contexts: nothing to write */
	for (int i = 1; i < 64; i++) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		mk_vpn(&r[i - 1], SDP_CMD_REPLACE, dst, "152.0.13.3", 4, 3007,
		       "192.0.2.4", 4128);
	}
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 63), 0);
	assert_int_equal(sdp_null_log_count(f->dp), 0);
	assert_int_equal(atomic_load(&c->route_nowrite), 64);
	for (int i = 0; i < 64; i += 21) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		assert_int_equal(kroute(f, dst).nhid, id);
		assert_int_equal(route_e(f, dst)->nh[0].labels[0], 3007);
		assert_int_equal(route_e(f, dst)->state, SN_K_INSTALLED);
	}
	/* the member the group now holds pushes 3007 via 152.0.13.3 */
	k = kobjs(f, k.want_grp[0].id);
	assert_true(k.found);
	assert_int_equal(k.want.nh.labels[0], 3007);
	assert_int_equal(k.want.nh.ifindex, 4);
}

/* A route whose context asks for something its shared group does not
 * hold after the group moved (it diverged) gets a group of its own;
 * the others keep theirs. */
static void test_nhobj_diverging_route_split(void **state)
{
	struct fx *f = *state;
	struct sn_req r[3];
	uint32_t id;

	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	mk_vpn(&r[1], SDP_CMD_REPLACE, "10.4.1.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	mk_vpn(&r[2], SDP_CMD_REPLACE, "10.4.2.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	assert_int_equal(apply(f, r, 3), 0);
	id = kroute(f, "10.4.0.0").nhid;

	/* r0 moves the group to F'; then r1 asks for F'' */
	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.13.3", 4, 3007,
	       "192.0.2.4", 4128);
	assert_int_equal(apply(f, r, 1), 0);
	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.1.0", "152.0.14.4", 5, 4001,
	       "192.0.2.4", 4128);
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 1), 0);
	assert_int_equal(log_count(f->dp, "route replace"), 1);
	assert_int_not_equal(kroute(f, "10.4.1.0").nhid, id);
	assert_int_equal(kroute(f, "10.4.0.0").nhid, id);
	assert_int_equal(kroute(f, "10.4.2.0").nhid, id);
	assert_int_equal(route_e(f, "10.4.1.0")->nh_shared, 0); /* private */

	/* routes without recursion share too, but never move in place */
	mk_route(&r[0], SDP_CMD_REPLACE, 10, "10.8.0.0", 24, "152.0.12.2", 0);
	mk_route(&r[1], SDP_CMD_REPLACE, 10, "10.9.0.0", 24, "152.0.12.2", 0);
	assert_int_equal(apply(f, r, 2), 0);
	id = kroute(f, "10.8.0.0").nhid;
	assert_int_equal(kroute(f, "10.9.0.0").nhid, id);
	mk_route(&r[0], SDP_CMD_REPLACE, 10, "10.8.0.0", 24, "152.0.12.9", 0);
	assert_int_equal(apply(f, r, 1), 0);
	assert_int_not_equal(kroute(f, "10.8.0.0").nhid, id);
	assert_int_equal(kroute(f, "10.9.0.0").nhid, id);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->nhobj_inplace),
			 1);
}

/* ECMP members come and go in place: one member, then two, then one. */
static void test_nhobj_ecmp_in_place(void **state)
{
	struct fx *f = *state;
	struct sn_req r[2];
	struct sdp_nexthop two[2];
	struct kobjs_t k;
	uint32_t id;

	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	mk_vpn(&r[1], SDP_CMD_REPLACE, "10.4.1.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	assert_int_equal(apply(f, r, 2), 0);
	id = kroute(f, "10.4.0.0").nhid;

	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	two[0] = r[0].nh[0];
	two[1] = r[0].nh[0];
	two[1].ifindex = 4;
	assert_int_equal(sdp_addr_parse(&two[1].via, "152.0.13.3"), 0);
	two[1].labels[0] = 3007;
	free(r[0].nh);
	free(r[0].nh_vrf);
	r[0].nh = malloc(sizeof(two));
	r[0].nh_vrf = calloc(2, sizeof(*r[0].nh_vrf));
	memcpy(r[0].nh, two, sizeof(two));
	r[0].n_nh = 2;
	r[0].route.nexthops = r[0].nh;
	r[0].route.n_nexthops = 2;
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 1), 0);
	assert_int_equal(log_count(f->dp, "route "), 0);
	k = kobjs(f, id);
	assert_int_equal(k.want.n_group, 2);
	assert_int_equal(kroute(f, "10.4.1.0").nhid, id);

	/* and back (the route in step with its group): the member goes.
	 * Its device went down first: the kernel took the member out of
	 * the group, the group and its routes stay */
	assert_int_equal(sdp_null_link_down(f->dp, 4), 0);
	assert_int_equal(kroute(f, "10.4.1.0").nhid, id);
	assert_int_equal(kobjs(f, id).want.n_group, 1);
	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 1), 0);
	assert_int_equal(log_count(f->dp, "route "), 0);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->nhobj_flushed),
			 0);
	assert_int_equal(log_count(f->dp, "nhobj delete"), 1);
	k = kobjs(f, id);
	assert_int_equal(k.want.n_group, 1);
	assert_int_equal(k.n, 2);
}

/*
 * The device of the only path goes down (carrier lost on the ISL): the
 * kernel removes the member, the group left empty and every route on it,
 * and tells nobody. zebra's contexts then move the routes to the other
 * path. The change in place finds the group gone: satnet creates it
 * again and writes the routes of that batch onto it; the routes whose
 * contexts are still to come are known missing (not "installed") and are
 * written when they come. Nothing is left to the readback.
 */
static void test_nhobj_flushed_with_device(void **state)
{
	struct fx *f = *state;
	struct sn_counters *c = sn_table_counters(f->t);
	struct sn_reconcile_result res;
	struct sn_req r[64];
	char dst[32];
	uint32_t id;

	id = install_64(f, r);
	assert_int_equal(sdp_null_link_down(f->dp, 3), 0);
	assert_false(kroute(f, "10.4.0.0").found);
	assert_false(kobjs(f, id).found);

	/* the first half of the contexts, in one batch */
	for (int i = 0; i < 32; i++) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		mk_vpn(&r[i], SDP_CMD_REPLACE, dst, "152.0.13.3", 4, 3007,
		       "192.0.2.4", 4128);
	}
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 32), 0);
	assert_int_equal(atomic_load(&c->nhobj_inplace), 1);
	assert_int_equal(atomic_load(&c->nhobj_flushed), 1);
	assert_int_equal(atomic_load(&c->route_nowrite), 0);
	assert_int_equal(log_count(f->dp, "nhobj change"), 1);
	assert_int_equal(log_count(f->dp, "route replace"), 32);
	assert_true(kobjs(f, id).found);
	for (int i = 0; i < 64; i++) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		if (i < 32) {
			assert_int_equal(kroute(f, dst).nhid, id);
			assert_int_equal(route_e(f, dst)->state,
					 SN_K_INSTALLED);
		} else {
			assert_false(kroute(f, dst).found);
			assert_int_equal(route_e(f, dst)->state, SN_K_MISSING);
		}
	}

	/* the rest: written too, onto the same group */
	for (int i = 32; i < 64; i++) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		mk_vpn(&r[i - 32], SDP_CMD_REPLACE, dst, "152.0.13.3", 4, 3007,
		       "192.0.2.4", 4128);
	}
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 32), 0);
	assert_int_equal(log_count(f->dp, "route replace"), 32);
	assert_int_equal(log_count(f->dp, "nhobj "), 0);
	for (int i = 0; i < 64; i += 9) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		assert_int_equal(kroute(f, dst).nhid, id);
		assert_int_equal(route_e(f, dst)->state, SN_K_INSTALLED);
	}
	assert_int_equal(atomic_load(&c->nhobj_count), 2);
	/* the readback has nothing to repair */
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, false, &res),
			 0);
	assert_int_equal(res.missing + res.differs + res.obj_drift, 0);
}

/* A delete never removes an object still in use; the last one does. */
static void test_nhobj_delete_refcounted(void **state)
{
	struct fx *f = *state;
	struct sn_req r[2];
	uint32_t id;

	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	mk_vpn(&r[1], SDP_CMD_REPLACE, "10.4.1.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	assert_int_equal(apply(f, r, 2), 0);
	id = kroute(f, "10.4.0.0").nhid;

	mk_vpn(&r[0], SDP_CMD_DELETE, "10.4.0.0", NULL, 0, 0, NULL, 0);
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 1), 0);
	assert_int_equal(log_count(f->dp, "nhobj"), 0);
	assert_false(kroute(f, "10.4.0.0").found);
	assert_int_equal(kroute(f, "10.4.1.0").nhid, id);
	assert_int_equal(route_e(f, "10.4.1.0")->state, SN_K_INSTALLED);

	mk_vpn(&r[0], SDP_CMD_DELETE, "10.4.1.0", NULL, 0, 0, NULL, 0);
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 1), 0);
	/* the route first, then the group, then its member */
	assert_true(log_find(f->dp, "route delete") >= 0);
	assert_true(log_find(f->dp, "route delete")
		    < log_find(f->dp, "nhobj delete"));
	assert_int_equal(log_count(f->dp, "nhobj delete"), 2);
	assert_int_equal(kobjs(f, 0).n, 0);
	assert_int_equal(atomic_load(&sn_table_counters(f->t)->nhobj_count),
			 0);
}

/* The same route twice in one batch: only the last request is sent. */
static void test_nhobj_batch_supersedes(void **state)
{
	struct fx *f = *state;
	struct sn_req r[3];

	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	mk_vpn(&r[1], SDP_CMD_REPLACE, "10.4.0.0", "152.0.13.3", 4, 3007,
	       "192.0.2.5", 4130);
	mk_vpn(&r[2], SDP_CMD_REPLACE, "10.4.0.0", "152.0.14.4", 5, 4001,
	       "192.0.2.6", 4131);
	assert_int_equal(apply(f, r, 3), 0);
	assert_int_equal(log_count(f->dp, "route replace"), 1);
	assert_int_equal(route_e(f, "10.4.0.0")->nh[0].labels[0], 4001);
	/* the objects of the first two never reach the kernel */
	assert_int_equal(kobjs(f, 0).n, 2);
	assert_int_equal(log_count(f->dp, "nhobj replace"), 2);
}

/* An IPv6 route over an IPv4 gateway cannot use an object: inline. */
static void test_nhobj_ipv6_over_ipv4_inline(void **state)
{
	struct fx *f = *state;
	struct sn_req r[1];

	mk_route(&r[0], SDP_CMD_REPLACE, 10, "2001:db8::", 64, "152.0.12.2",
		 80);
	assert_int_equal(apply(f, r, 1), 0);
	assert_int_equal(log_count(f->dp, "nhobj"), 0);
	assert_true(log_find(f->dp, "route replace inet6 table=10 dst=2001:db8::/64 proto=186 metric=20 nh=[oif=3 via=152.0.12.2")
		    >= 0);
}

/* Readback: an object deleted behind satnet's back (the kernel took its
 * routes with it) is rewritten, then its routes; another run's object
 * is kept (its id never reused) until the sweep removes it. */
static void test_nhobj_readback_repairs_and_sweeps(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sn_req r[2];
	struct sdp_nhobj stale = {.id = SDP_NHID_MIN + 500, .family = AF_INET,
				  .nh = {.ifindex = 3}};
	uint32_t id;

	mk_vpn(&r[0], SDP_CMD_REPLACE, "10.4.0.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	mk_vpn(&r[1], SDP_CMD_REPLACE, "10.4.1.0", "152.0.12.2", 3, 2002,
	       "192.0.2.4", 4128);
	assert_int_equal(apply(f, r, 2), 0);
	id = kroute(f, "10.4.0.0").nhid;
	assert_int_equal(sdp_nhobj_replace(f->dp, &stale), 0);
	assert_int_equal(sdp_nhobj_delete(f->dp, id), 0);
	assert_false(kroute(f, "10.4.0.0").found);

	sdp_null_log_clear(f->dp);
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, false, &res),
			 0);
	assert_int_equal(res.obj_checked, 2);
	assert_int_equal(res.obj_drift, 1);
	assert_int_equal(res.obj_repaired, 1);
	assert_int_equal(res.obj_stale, 1);
	assert_int_equal(res.obj_swept, 0);
	assert_int_equal(res.missing, 2);
	assert_int_equal(res.repaired, 2);
	assert_true(log_find(f->dp, "nhobj replace") >= 0);
	assert_true(log_find(f->dp, "nhobj replace")
		    < log_find(f->dp, "route replace"));
	assert_int_equal(kroute(f, "10.4.0.0").nhid, id);
	assert_int_equal(kroute(f, "10.4.1.0").nhid, id);
	assert_true(kobjs(f, stale.id).found);

	/* sweep time: the stale object goes, ours stay */
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, true, &res),
			 0);
	assert_int_equal(res.obj_swept, 1);
	assert_false(kobjs(f, stale.id).found);
	assert_true(kobjs(f, id).found);
	assert_int_equal(res.missing + res.differs + res.obj_drift, 0);
}

/* A single-path route asked for with a weight: the kernel keeps no
 * weight for one path and reads back 1; that is not drift (it used to
 * be "repaired" at every readback, for ever). */
static void test_reconcile_single_path_weight(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sn_req r[1];

	/* inline (IPv6 over an IPv4 gateway), so the route carries it */
	mk_route(&r[0], SDP_CMD_REPLACE, 10, "2001:db8::", 64, "152.0.12.2",
		 80);
	r[0].nh[0].weight = 5;
	assert_int_equal(apply(f, r, 1), 0);
	sdp_null_log_clear(f->dp);
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, false, &res),
			 0);
	assert_int_equal(res.checked, 1);
	assert_int_equal(res.differs + res.missing, 0);
	assert_int_equal(log_count(f->dp, "route replace"), 0);
}

/* The readback stops between its steps when contexts are waiting, and
 * repairs nothing it has not compared. */
static int busy_after;
static bool busy_cb(void *arg)
{
	(void)arg;
	return busy_after-- <= 0;
}

static void test_reconcile_yields_to_programming(void **state)
{
	struct fx *f = *state;
	struct sn_reconcile_result res;
	struct sn_req r[2];

	mk_lsp(&r[0], 1000, "10.0.0.2", 3, 2000);
	mk_route(&r[1], SDP_CMD_REPLACE, 10, "10.4.0.0", 24, "152.0.12.2", 80);
	assert_int_equal(apply(f, r, 2), 0);
	sdp_null_log_clear(f->dp);
	/* busy from the second question on: objects read, then stop */
	busy_after = 1;
	sn_table_set_busy(f->t, busy_cb, NULL);
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, false, &res),
			 0);
	assert_true(res.yielded);
	assert_true(log_find(f->dp, "nhobj dump") >= 0);
	assert_int_equal(log_find(f->dp, "lsp dump"), -1);
	assert_int_equal(log_find(f->dp, "route dump"), -1);
	assert_int_equal(res.checked, 0);
	/* quiet again: the whole readback */
	sn_table_set_busy(f->t, NULL, NULL);
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, false, &res),
			 0);
	assert_false(res.yielded);
	assert_int_equal(res.checked, 2);
}

/* --- BGP PIC core: groups move with their transport ------------------ */

/* A VPN route as zebra hands it over, translated as the provider does:
 * the recursive nexthop @bgp_nh (zebra's VRF @vrf, VPN label @vpn)
 * resolved via @via on @ifindex pushing @transport. */
static void mk_vpn_ctx(struct sn_req *r, const char *dst, const char *via,
		       uint32_t ifindex, uint32_t transport,
		       const char *bgp_nh, uint32_t vrf, uint32_t vpn)
{
	struct sn_route_in in = {
		.cmd = SN_IN_UPDATE,
		.family = AF_INET,
		.dst_len = 24,
		.dst = A(dst),
		.table = 10,
		.proto = 186,
		.old_proto = 186,
		.kind = SN_RT_UNICAST,
	};
	struct sn_nh_in nh[2] = {
		{
			.type = SN_NH_IPV4,
			.gate = A(bgp_nh),
			.vrf_id = vrf,
			.active = true,
			.recursive = true,
			.n_labels = 1,
			.labels = {vpn},
		},
		{
			.type = SN_NH_IPV4_IFINDEX,
			.gate = A(via),
			.ifindex = ifindex,
			.vrf_id = vrf,
			.active = true,
			.n_labels = 2,
			.labels = {transport, vpn},
		},
	};

	memset(r, 0, sizeof(*r));
	assert_int_equal(sn_xlate_route(&in, nh, 2, r), 0);
	assert_true(r->rkey_len > 0);
}

/* 64 VPN routes 10.4.0-63.0/24 via BGP next hop 192.0.2.4 (VRF 0, VPN
 * label 4128), resolved via 152.0.12.2 on ifindex 3 pushing 2002: the
 * id of the group they share. */
static uint32_t install_64_ctx(struct fx *f, struct sn_req *r)
{
	char dst[32];

	for (int i = 0; i < 64; i++) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		mk_vpn_ctx(&r[i], dst, "152.0.12.2", 3, 2002, "192.0.2.4", 0,
			   4128);
	}
	assert_int_equal(apply(f, r, 64), 0);
	return kroute(f, "10.4.0.0").nhid;
}

/* The host route to 192.0.2.4 moves from via 152.0.12.2 on 3 pushing
 * 2002 to via 152.0.13.3 on 4 pushing 3007. */
static size_t move_transport(struct fx *f, const char *gate, uint32_t vrf,
			     const char *old_via, uint32_t old_label,
			     size_t n_new)
{
	struct sdp_nexthop o = {.ifindex = 3, .n_labels = 1};
	struct sdp_nexthop nw = {.ifindex = 4, .n_labels = 1};
	struct sn_move mv = {
		.vrf_id = vrf,
		.dst = A(gate),
		.old = &o,
		.n_old = 1,
		.new = &nw,
		.n_new = n_new,
	};

	o.via = A(old_via);
	o.labels[0] = old_label;
	nw.via = A("152.0.13.3");
	nw.labels[0] = 3007;
	return sn_table_move(f->t, f->dp, &mv, &f->pol);
}

/* The memory of host routes: new, same, moved (with the old forwarding),
 * gone; bounded; per VRF; a path wider than it follows is forgotten. */
static void test_hosts_memory(void **state)
{
	struct sn_hosts *h = sn_hosts_new(2);
	struct sdp_nexthop a = {.ifindex = 3, .via = A("152.0.12.2"),
				.n_labels = 1, .labels = {2002}};
	struct sdp_nexthop b = a, wide[SN_HOST_NH_MAX + 1];
	struct sdp_addr pe = A("192.0.2.4"), pe2 = A("192.0.2.5");
	struct sn_host_fwd old;

	(void)state;
	assert_non_null(h);
	b.labels[0] = 3007;
	assert_int_equal(sn_hosts_note(h, 0, &pe, &a, 1, &old), SN_HOST_NEW);
	assert_int_equal(sn_hosts_note(h, 0, &pe, &a, 1, &old), SN_HOST_SAME);
	assert_int_equal(sn_hosts_note(h, 0, &pe, &b, 1, &old), SN_HOST_MOVED);
	assert_int_equal(old.n, 1);
	assert_int_equal(old.nh[0].labels[0], 2002);
	/* another VRF is another route */
	assert_int_equal(sn_hosts_note(h, 7, &pe, &a, 1, &old), SN_HOST_NEW);
	assert_int_equal(sn_hosts_count(h), 2);
	/* full */
	assert_int_equal(sn_hosts_note(h, 0, &pe2, &a, 1, &old), SN_HOST_FULL);
	/* deleted */
	assert_int_equal(sn_hosts_note(h, 7, &pe, NULL, 0, &old), SN_HOST_GONE);
	assert_int_equal(sn_hosts_note(h, 7, &pe, NULL, 0, &old), SN_HOST_SAME);
	assert_int_equal(sn_hosts_note(h, 0, &pe2, &a, 1, &old), SN_HOST_NEW);
	/* wider ECMP than followed: forgotten */
	for (size_t i = 0; i < SN_HOST_NH_MAX + 1; i++)
		wide[i] = a;
	assert_int_equal(sn_hosts_note(h, 0, &pe, wide, SN_HOST_NH_MAX + 1,
				       &old),
			 SN_HOST_GONE);
	assert_int_equal(sn_hosts_count(h), 1);
	sn_hosts_free(h);

	/* many: the buckets grow and every route is still found */
	h = sn_hosts_new(5000);
	for (uint32_t i = 0; i < 5000; i++) {
		struct sdp_addr x = {.family = AF_INET};

		x.v4.s_addr = htonl(0x0a000000 + i);
		assert_int_equal(sn_hosts_note(h, i % 3, &x, &a, 1, &old),
				 SN_HOST_NEW);
	}
	for (uint32_t i = 0; i < 5000; i++) {
		struct sdp_addr x = {.family = AF_INET};

		x.v4.s_addr = htonl(0x0a000000 + i);
		assert_int_equal(sn_hosts_note(h, i % 3, &x, &b, 1, &old),
				 SN_HOST_MOVED);
		assert_int_equal(old.nh[0].labels[0], 2002);
	}
	assert_int_equal(sn_hosts_count(h), 5000);
	sn_hosts_free(h);
}

/* The key names one recursive nexthop, with its labels as the resolved
 * nexthops carry them; two recursive nexthops name none. */
static void test_rkey_gate(void **state)
{
	struct sn_route_in in = {
		.cmd = SN_IN_INSTALL,
		.family = AF_INET,
		.dst_len = 24,
		.dst = A("10.4.0.0"),
		.table = 10,
		.kind = SN_RT_UNICAST,
	};
	struct sn_nh_in nh[3] = {
		{.type = SN_NH_IPV4, .gate = A("192.0.2.4"), .vrf_id = 7,
		 .active = true, .recursive = true, .n_labels = 2,
		 .labels = {SDP_LABEL_IMPLICIT_NULL, 4128}},
		{.type = SN_NH_IPV4_IFINDEX, .gate = A("152.0.12.2"),
		 .ifindex = 3, .active = true, .n_labels = 1,
		 .labels = {4128}},
		{.type = SN_NH_IPV4, .gate = A("192.0.2.5"), .active = true,
		 .recursive = true},
	};
	struct sn_rkey_nh rk;
	struct sn_req r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_route(&in, nh, 2, &r), 0);
	assert_true(sn_rkey_gate(r.rkey, r.rkey_len, &rk));
	assert_int_equal(rk.vrf_id, 7);
	assert_int_equal(rk.gate.v4.s_addr, A("192.0.2.4").v4.s_addr);
	assert_int_equal(rk.n_labels, 1);
	assert_int_equal(rk.labels[0], 4128);
	/* cut short: no */
	assert_false(sn_rkey_gate(r.rkey, r.rkey_len - 1, &rk));
	sn_req_fini(&r);

	memset(&r, 0, sizeof(r));
	assert_int_equal(sn_xlate_route(&in, nh, 3, &r), 0);
	assert_false(sn_rkey_gate(r.rkey, r.rkey_len, &rk));
	sn_req_fini(&r);
}

/*
 * The host route to the remote PE moves (the IGP/LDP path changed):
 * before any VPN route's context comes, the group resolved through it
 * moves - one member made, the group changed in place, the old member
 * deleted, no route written - and the routes show the new forwarding.
 * Their contexts then come with the new resolution and need no write.
 */
static void test_transport_move(void **state)
{
	struct fx *f = *state;
	struct sn_counters *c = sn_table_counters(f->t);
	struct sn_req r[64];
	struct kobjs_t k;
	char dst[32];
	uint32_t id;

	id = install_64_ctx(f, r);
	sdp_null_log_clear(f->dp);
	assert_int_equal(move_transport(f, "192.0.2.4", 0, "152.0.12.2", 2002,
					1),
			 1);
	assert_int_equal(log_count(f->dp, "route "), 0);
	assert_int_equal(log_count(f->dp, "nhobj replace"), 1);
	assert_int_equal(log_count(f->dp, "nhobj change"), 1);
	assert_int_equal(log_count(f->dp, "nhobj delete"), 1);
	assert_int_equal(atomic_load(&c->nhobj_transport), 1);
	assert_int_equal(atomic_load(&c->nhobj_inplace), 0);
	k = kobjs(f, id);
	assert_true(k.found);
	assert_int_equal(k.want.n_group, 1);
	k = kobjs(f, k.want_grp[0].id);
	assert_int_equal(k.want.nh.ifindex, 4);
	assert_int_equal(k.want.nh.n_labels, 2);
	assert_int_equal(k.want.nh.labels[0], 3007);
	assert_int_equal(k.want.nh.labels[1], 4128);
	for (int i = 0; i < 64; i += 9) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		assert_int_equal(kroute(f, dst).nhid, id);
		assert_int_equal(route_e(f, dst)->state, SN_K_INSTALLED);
		assert_int_equal(route_e(f, dst)->nh[0].labels[0], 3007);
		assert_int_equal(route_e(f, dst)->nh[0].ifindex, 4);
	}

	/* the same move again: nothing to do */
	sdp_null_log_clear(f->dp);
	assert_int_equal(move_transport(f, "192.0.2.4", 0, "152.0.12.2", 2002,
					1),
			 0);
	assert_int_equal(sdp_null_log_count(f->dp), 0);

	/* zebra's contexts with the new resolution: no kernel write */
	for (int i = 0; i < 64; i++) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		mk_vpn_ctx(&r[i], dst, "152.0.13.3", 4, 3007, "192.0.2.4", 0,
			   4128);
	}
	assert_int_equal(apply(f, r, 64), 0);
	assert_int_equal(sdp_null_log_count(f->dp), 0);
	assert_int_equal(atomic_load(&c->route_nowrite), 64);
	assert_int_equal(atomic_load(&c->nhobj_inplace), 0);
	assert_int_equal(atomic_load(&c->nhobj_count), 2);
}

/*
 * Only what was resolved through the host route's old path moves: not a
 * group on another path, not one behind another next hop or in another
 * VRF, and nothing when the route went (no new path).
 */
static void test_transport_move_needs_old_path(void **state)
{
	struct fx *f = *state;
	struct sn_counters *c = sn_table_counters(f->t);
	struct sn_req r[3];
	uint32_t id;

	mk_vpn_ctx(&r[0], "10.4.0.0", "152.0.12.2", 3, 2002, "192.0.2.4", 0,
		   4128);
	mk_vpn_ctx(&r[1], "10.5.0.0", "152.0.12.2", 3, 2002, "192.0.2.5", 0,
		   4128);
	mk_vpn_ctx(&r[2], "10.6.0.0", "152.0.12.2", 3, 2002, "192.0.2.4", 9,
		   4128);
	assert_int_equal(apply(f, r, 3), 0);
	id = kroute(f, "10.4.0.0").nhid;
	sdp_null_log_clear(f->dp);

	/* the old path named is not the group's */
	assert_int_equal(move_transport(f, "192.0.2.4", 0, "152.0.12.9", 2002,
					1),
			 0);
	assert_int_equal(move_transport(f, "192.0.2.4", 0, "152.0.12.2", 2003,
					1),
			 0);
	/* gone: left to zebra's contexts */
	assert_int_equal(move_transport(f, "192.0.2.4", 0, "152.0.12.2", 2002,
					0),
			 0);
	/* another next hop, another VRF */
	assert_int_equal(move_transport(f, "192.0.2.6", 0, "152.0.12.2", 2002,
					1),
			 0);
	assert_int_equal(move_transport(f, "192.0.2.4", 5, "152.0.12.2", 2002,
					1),
			 0);
	assert_int_equal(sdp_null_log_count(f->dp), 0);
	assert_int_equal(atomic_load(&c->nhobj_transport), 0);

	/* the right one moves 10.4.0.0's group alone */
	assert_int_equal(move_transport(f, "192.0.2.4", 0, "152.0.12.2", 2002,
					1),
			 1);
	assert_int_equal(kroute(f, "10.4.0.0").nhid, id);
	assert_int_equal(route_e(f, "10.4.0.0")->nh[0].labels[0], 3007);
	assert_int_equal(route_e(f, "10.5.0.0")->nh[0].labels[0], 2002);
	assert_int_equal(route_e(f, "10.6.0.0")->nh[0].labels[0], 2002);
	assert_int_not_equal(kroute(f, "10.5.0.0").nhid, id);
}

/*
 * The only path's device went down: the kernel removed the group and its
 * routes. The move finds the group gone, creates it again under the same
 * id and writes every route of it at once (the kernel kept none), without
 * waiting for zebra's contexts; the readback finds nothing to repair.
 */
static void test_transport_move_flushed(void **state)
{
	struct fx *f = *state;
	struct sn_counters *c = sn_table_counters(f->t);
	struct sn_reconcile_result res;
	struct sn_req r[64];
	char dst[32];
	uint32_t id;

	id = install_64_ctx(f, r);
	assert_int_equal(sdp_null_link_down(f->dp, 3), 0);
	assert_false(kroute(f, "10.4.0.0").found);
	sdp_null_log_clear(f->dp);
	assert_int_equal(move_transport(f, "192.0.2.4", 0, "152.0.12.2", 2002,
					1),
			 1);
	assert_int_equal(atomic_load(&c->nhobj_flushed), 1);
	assert_int_equal(log_count(f->dp, "route replace"), 64);
	assert_true(kobjs(f, id).found);
	for (int i = 0; i < 64; i++) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		assert_int_equal(kroute(f, dst).nhid, id);
		assert_int_equal(route_e(f, dst)->state, SN_K_INSTALLED);
	}
	assert_int_equal(sn_table_reconcile(f->t, f->dp, &f->pol, false, &res),
			 0);
	assert_int_equal(res.missing + res.differs + res.obj_drift, 0);

	/* zebra's contexts: nothing left to write */
	for (int i = 0; i < 64; i++) {
		snprintf(dst, sizeof(dst), "10.4.%d.0", i);
		mk_vpn_ctx(&r[i], dst, "152.0.13.3", 4, 3007, "192.0.2.4", 0,
			   4128);
	}
	sdp_null_log_clear(f->dp);
	assert_int_equal(apply(f, r, 64), 0);
	assert_int_equal(sdp_null_log_count(f->dp), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_apply_records_and_raises),
		T(test_platform_labels_leave),
		T(test_kernel_refusal_has_extack),
		T(test_translation_failure_not_sent),
		T(test_routes),
		T(test_reconcile_clean),
		T(test_reconcile_repairs_drift),
		T(test_reconcile_ecmp_route_shrunk),
		T(test_reconcile_repair_refused_then_retried),
		T(test_reconcile_leaves_failed_alone),
		T(test_reconcile_sweeps_stale_after_grace),
		T(test_reconcile_dump_failure_changes_nothing),
		T(test_prune_and_export),
		T(test_many_entries),
		T(test_nhobj_shared),
		T(test_nhobj_pic_in_place),
		T(test_nhobj_diverging_route_split),
		T(test_nhobj_ecmp_in_place),
		T(test_nhobj_flushed_with_device),
		T(test_nhobj_delete_refcounted),
		T(test_nhobj_batch_supersedes),
		T(test_nhobj_ipv6_over_ipv4_inline),
		T(test_nhobj_readback_repairs_and_sweeps),
		T(test_reconcile_single_path_weight),
		T(test_reconcile_yields_to_programming),
		T(test_hosts_memory),
		T(test_rkey_gate),
		T(test_transport_move),
		T(test_transport_move_needs_old_path),
		T(test_transport_move_flushed),
	};

	return cmocka_run_group_tests_name("satnet dplane record", tests, NULL,
					   NULL);
}
