// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the null backend (dplane/dp_null.c) and, through it, the
 * provisioning verbs, the request runner and batches.
 *
 * The null backend is what the zebra module's own tests will stand on,
 * so these tests pin down its contract: the exact canonical text of
 * each request, that lookups and dumps reflect what was applied, and
 * that injected faults fail the right requests, leave the model alone
 * and come back with the right text - per entry in a batch.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "dp_test.h"
#include "dp_private.h"

static int setup(void **state)
{
	struct sdp *dp;

	if (sdp_open(&dp, SDP_BACKEND_NULL) < 0)
		return -1;
	*state = dp;
	return 0;
}

static int teardown(void **state)
{
	sdp_close(*state);
	return 0;
}

/* Assert the log holds exactly @texts (NULL-terminated), in order. */
static void assert_log(const struct sdp *dp, const char *const *texts)
{
	size_t i;

	for (i = 0; texts[i]; i++) {
		if (i >= sdp_null_log_count(dp))
			fail_msg("log ends before \"%s\"", texts[i]);
		if (strcmp(t_log_text(dp, i), texts[i]))
			fail_msg("log[%zu] is \"%s\", expected \"%s\"", i,
				 t_log_text(dp, i), texts[i]);
	}
	if (i != sdp_null_log_count(dp))
		fail_msg("log has %zu records, expected %zu: extra \"%s\"",
			 sdp_null_log_count(dp), i, t_log_text(dp, i));
}

/*
 * Provisioning
 */

static void test_vrf_add_records_and_models(void **state)
{
	struct sdp *dp = *state;
	struct sdp_link l;
	const struct sdp_null_rec *rec;

	assert_int_equal(sdp_get_backend(dp), SDP_BACKEND_NULL);
	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	assert_string_equal(sdp_last_error(dp), "");
	rec = sdp_null_log_get(dp, 0);
	assert_non_null(rec);
	assert_int_equal(rec->op, SDP_OP_VRF_ADD);
	assert_int_equal(rec->result, 0);
	assert_string_equal(rec->text, "vrf add name=cust table=10");

	assert_int_equal(sdp_link_get(dp, "cust", &l), 0);
	assert_string_equal(l.name, "cust");
	assert_string_equal(l.kind, "vrf");
	assert_int_equal(l.table, 10);
	assert_true(l.ifindex >= 100);
	assert_false(l.up);

	assert_int_equal(sdp_link_set_up(dp, "cust", true), 0);
	assert_int_equal(sdp_link_get(dp, "cust", &l), 0);
	assert_true(l.up);
	assert_int_equal(sdp_link_set_up(dp, "cust", false), 0);
	assert_int_equal(sdp_link_get_by_index(dp, l.ifindex, &l), 0);
	assert_false(l.up);

	const char *const want[] = {
		"vrf add name=cust table=10",
		"link get name=cust",
		"link get name=cust",
		"link set name=cust up",
		"link get name=cust",
		"link get name=cust",
		"link set name=cust down",
		"link get ifindex=100",
		NULL,
	};
	assert_log(dp, want);
	assert_int_equal(sdp_null_log_get(dp, 3)->op, SDP_OP_LINK_SET);
	assert_int_equal(sdp_null_log_get(dp, 7)->op, SDP_OP_LINK_GET);
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_null_log_count(dp), 0);
	assert_null(sdp_null_log_get(dp, 0));
	/* Clearing the log keeps the model. */
	assert_int_equal(sdp_link_get(dp, "cust", &l), 0);
}

static void test_vrf_add_idempotent(void **state)
{
	struct sdp *dp = *state;

	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	/* Same name, same table: nothing to do, and no error left. */
	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	assert_string_equal(sdp_last_error(dp), "");
	assert_int_equal(sdp_null_log_get(dp, 1)->result, -EEXIST);

	/* Same name, other table: refused with the reason. */
	assert_int_equal(sdp_vrf_add(dp, "cust", 11), -EEXIST);
	assert_non_null(
		strstr(sdp_last_error(dp), "vrf add name=cust table=11"));
	assert_non_null(strstr(sdp_last_error(dp), "table 10"));

	/* Name taken by another kind of device. */
	assert_int_equal(sdp_null_link_add(dp, "to-srs", "veth", 0), 0);
	assert_int_equal(sdp_vrf_add(dp, "to-srs", 12), -EEXIST);
	assert_non_null(strstr(sdp_last_error(dp), "\"veth\""));
}

static void test_vrf_add_invalid(void **state)
{
	struct sdp *dp = *state;

	assert_int_equal(sdp_vrf_add(dp, "default", 10), -EINVAL);
	assert_non_null(strstr(sdp_last_error(dp), "reserved"));
	assert_int_equal(sdp_vrf_add(dp, "a/b", 10), -EINVAL);
	assert_int_equal(sdp_vrf_add(dp, "cust", 254), -EINVAL);
	assert_non_null(strstr(sdp_last_error(dp), "main"));
	assert_int_equal(sdp_vrf_add(dp, "cust", 0), -EINVAL);
	/* Refused before anything reached the (fake) kernel. */
	assert_int_equal(sdp_null_log_count(dp), 0);
}

static void test_enslave_release(void **state)
{
	struct sdp *dp = *state;
	struct sdp_link vrf, l;

	assert_int_equal(sdp_null_link_add(dp, "to-srs", "veth", 7), 0);
	assert_int_equal(sdp_null_link_add(dp, "to-srs", NULL, 0), -EEXIST);
	assert_int_equal(sdp_null_link_add(dp, "other", NULL, 7), -EEXIST);
	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	assert_int_equal(sdp_link_get(dp, "cust", &vrf), 0);
	sdp_null_log_clear(dp);

	assert_int_equal(sdp_link_enslave(dp, "to-srs", "cust"), 0);
	assert_int_equal(sdp_link_get(dp, "to-srs", &l), 0);
	assert_int_equal(l.ifindex, 7);
	assert_int_equal(l.master, vrf.ifindex);
	const char *const want[] = {
		"link get name=cust",
		"link get name=to-srs",
		"link enslave name=to-srs master=cust",
		"link get name=to-srs",
		NULL,
	};
	assert_log(dp, want);
	assert_int_equal(sdp_null_log_get(dp, 2)->op, SDP_OP_LINK_ENSLAVE);

	/* Only to a VRF, only existing devices. */
	assert_int_equal(sdp_null_link_add(dp, "br0", "bridge", 0), 0);
	assert_int_equal(sdp_link_enslave(dp, "to-srs", "br0"), -EINVAL);
	assert_non_null(strstr(sdp_last_error(dp), "bridge"));
	assert_int_equal(sdp_link_enslave(dp, "nope", "cust"), -ENODEV);
	assert_int_equal(sdp_link_enslave(dp, "to-srs", "gone"), -ENODEV);
	assert_int_equal(sdp_link_get(dp, "to-srs", &l), 0);
	assert_int_equal(l.master, vrf.ifindex);

	sdp_null_log_clear(dp);
	assert_int_equal(sdp_link_release(dp, "to-srs"), 0);
	assert_int_equal(sdp_link_get(dp, "to-srs", &l), 0);
	assert_int_equal(l.master, 0);
	assert_int_equal(t_log_find(dp, "link release name=to-srs"), 2);

	/* Not enslaved: nothing to send. */
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_link_release(dp, "to-srs"), 0);
	assert_int_equal(t_log_find(dp, "link release name=to-srs"), -1);
}

static void test_vrf_del_releases_members(void **state)
{
	struct sdp *dp = *state;
	struct sdp_link l;

	assert_int_equal(sdp_null_link_add(dp, "port", "veth", 51), 0);
	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	assert_int_equal(sdp_link_enslave(dp, "port", "cust"), 0);
	assert_int_equal(sdp_vrf_del(dp, "cust"), 0);
	/* The kernel releases members of a deleted VRF; so does the model. */
	assert_int_equal(sdp_link_get(dp, "port", &l), 0);
	assert_int_equal(l.master, 0);
	assert_int_equal(sdp_link_get(dp, "cust", &l), -ENODEV);
}

static void test_vrf_del(void **state)
{
	struct sdp *dp = *state;

	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_vrf_del(dp, "cust"), 0);
	const char *const want[] = {
		"link get name=cust",
		"vrf del name=cust",
		NULL,
	};
	assert_log(dp, want);
	assert_int_equal(sdp_null_log_get(dp, 1)->op, SDP_OP_VRF_DEL);

	/* Already gone: success, nothing sent. */
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_vrf_del(dp, "cust"), 0);
	assert_string_equal(sdp_last_error(dp), "");
	assert_int_equal(t_log_find(dp, "vrf del name=cust"), -1);

	/* Never delete what is not a VRF. */
	assert_int_equal(sdp_null_link_add(dp, "eth0", NULL, 0), 0);
	assert_int_equal(sdp_vrf_del(dp, "eth0"), -EINVAL);
	assert_int_equal(t_log_find(dp, "vrf del name=eth0"), -1);
}

static void test_link_alias(void **state)
{
	struct sdp *dp = *state;
	struct sdp_link l;

	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	assert_int_equal(sdp_link_get(dp, "cust", &l), 0);
	assert_string_equal(l.alias, "");
	assert_int_equal(sdp_link_set_alias(dp, "cust", "satnet"), 0);
	assert_int_equal(t_log_find(dp, "link set name=cust alias=satnet"), 3);
	assert_int_equal(sdp_link_get(dp, "cust", &l), 0);
	assert_string_equal(l.alias, "satnet");
	assert_int_equal(sdp_link_set_alias(dp, "cust", "bad\nalias"), -EINVAL);
	assert_int_equal(sdp_link_set_alias(dp, "gone", "x"), -ENODEV);
}

/*
 * Fault injection
 */

static void test_fail_next_op(void **state)
{
	struct sdp *dp = *state;
	struct sdp_link l;

	assert_int_equal(sdp_null_fail(dp, SDP_OP_VRF_ADD, 1, EPERM,
				       "Operation not permitted here"),
			 0);
	assert_int_equal(sdp_vrf_add(dp, "cust", 10), -EPERM);
	assert_string_equal(sdp_last_error(dp),
			    "vrf add name=cust table=10: Operation not "
			    "permitted: Operation not permitted here");
	assert_int_equal(sdp_null_log_get(dp, 0)->result, -EPERM);
	/* The failed request changed nothing. */
	assert_int_equal(sdp_link_get(dp, "cust", &l), -ENODEV);
	/* Only one fault was asked for. */
	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	assert_int_equal(sdp_link_get(dp, "cust", &l), 0);
}

static void test_fail_filter_and_count(void **state)
{
	struct sdp *dp = *state;
	struct sdp_link l;

	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	/* Faults for another kind of request leave this one alone... */
	assert_int_equal(sdp_null_fail(dp, SDP_OP_LSP_REPLACE, 5, EINVAL, NULL),
			 0);
	assert_int_equal(sdp_link_get(dp, "cust", &l), 0);
	/* ...and "any" hits the next N of every kind. */
	assert_int_equal(sdp_null_fail(dp, SDP_OP_ANY, 2, EIO, NULL), 0);
	assert_int_equal(sdp_link_get(dp, "cust", &l), -EIO);
	assert_non_null(strstr(sdp_last_error(dp), "injected fault"));
	assert_int_equal(sdp_link_set_up(dp, "cust", true), -EIO);
	assert_int_equal(sdp_link_set_up(dp, "cust", true), 0);
	/* count 0 clears pending faults */
	assert_int_equal(sdp_null_fail(dp, SDP_OP_ANY, 3, EIO, NULL), 0);
	assert_int_equal(sdp_null_fail(dp, SDP_OP_ANY, 0, 0, NULL), 0);
	assert_int_equal(sdp_link_get(dp, "cust", &l), 0);
	assert_true(l.up);
	/* A fault needs a positive errno. */
	assert_int_equal(sdp_null_fail(dp, SDP_OP_ANY, 1, -5, NULL), -EINVAL);
}

static void test_null_api_on_netlink_backend(void **state)
{
	struct sdp *nl;

	if (sdp_open(&nl, SDP_BACKEND_NETLINK) < 0)
		skip();
	assert_int_equal(sdp_null_fail(nl, SDP_OP_ANY, 1, EIO, NULL),
			 -EOPNOTSUPP);
	assert_int_equal(sdp_null_link_add(nl, "x", NULL, 0), -EOPNOTSUPP);
	assert_int_equal(sdp_null_log_count(nl), 0);
	assert_null(sdp_null_log_get(nl, 0));
	sdp_close(nl);
	assert_int_equal(sdp_open(&nl, (enum sdp_backend)9), -EINVAL);
	assert_null(nl);
}

/*
 * LSPs and routes
 */

struct collect {
	char text[8][256];
	size_t n;
	int stop_after;
};

static int collect_lsp(const struct sdp_lsp *lsp, void *arg)
{
	struct collect *c = arg;

	if (c->n < 8)
		sdp_lsp_format(lsp, c->text[c->n], sizeof(c->text[0]));
	c->n++;
	if (c->stop_after && (int)c->n == c->stop_after)
		return -ECANCELED;
	return 0;
}

static int collect_route(const struct sdp_route *rt, void *arg)
{
	struct collect *c = arg;

	if (c->n < 8)
		sdp_route_format(rt, c->text[c->n], sizeof(c->text[0]));
	c->n++;
	return 0;
}

static void test_lsp_replace_dump_delete(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {.ifindex = 3, .n_labels = 1, .labels = {2000}};
	struct sdp_lsp lsp = {
		.in_label = 2000, .n_nexthops = 1, .nexthops = &nh};
	struct collect c = {0};

	nh.via = t_addr("10.0.0.2");
	assert_int_equal(sdp_lsp_replace(dp, &lsp), 0);
	lsp.in_label = 1000;
	assert_int_equal(sdp_lsp_replace(dp, &lsp), 0);
	assert_string_equal(t_log_text(dp, 1),
			    "lsp replace in=1000 proto=224 nh=[oif=3 "
			    "via=10.0.0.2 labels=2000]");
	assert_int_equal(sdp_null_log_get(dp, 1)->op, SDP_OP_LSP_REPLACE);

	/* Dumped in label order, as the kernel does. */
	assert_int_equal(sdp_lsp_dump(dp, collect_lsp, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.text[0],
			    "in=1000 proto=224 nh=[oif=3 "
			    "via=10.0.0.2 labels=2000]");
	assert_string_equal(c.text[1],
			    "in=2000 proto=224 nh=[oif=3 "
			    "via=10.0.0.2 labels=2000]");

	/* Replace means replace: the new nexthop wins. */
	nh.labels[0] = 3000;
	lsp.proto = 186;
	assert_int_equal(sdp_lsp_replace(dp, &lsp), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(sdp_lsp_dump(dp, collect_lsp, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.text[0],
			    "in=1000 proto=186 nh=[oif=3 "
			    "via=10.0.0.2 labels=3000]");

	assert_int_equal(sdp_lsp_delete(dp, &lsp), 0);
	assert_int_equal(t_log_find(dp, "lsp delete in=1000"), 5);
	/* Deleting an empty slot succeeds, as in the kernel. */
	assert_int_equal(sdp_lsp_delete(dp, &lsp), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(sdp_lsp_dump(dp, collect_lsp, &c), 0);
	assert_int_equal(c.n, 1);
	assert_non_null(strstr(c.text[0], "in=2000"));

	/* A callback error stops the callbacks and is returned. */
	lsp.in_label = 3000;
	assert_int_equal(sdp_lsp_replace(dp, &lsp), 0);
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	assert_int_equal(sdp_lsp_dump(dp, collect_lsp, &c), -ECANCELED);
	assert_int_equal(c.n, 1);

	/* Invalid requests never reach the fake kernel. */
	sdp_null_log_clear(dp);
	lsp.in_label = 5;
	assert_int_equal(sdp_lsp_replace(dp, &lsp), -EINVAL);
	assert_int_equal(sdp_null_log_count(dp), 0);
	assert_string_equal(sdp_last_error(dp),
			    "lsp replace in=5 proto=186 nh=[oif=3 "
			    "via=10.0.0.2 labels=3000]: Invalid argument");
}

static void test_route_replace_dump_delete(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {
		.ifindex = 3, .n_labels = 2, .labels = {16001, 100}};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 10,
			       .proto = 186,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct collect c = {0};

	nh.via = t_addr("152.0.12.2");
	rt.dst = t_addr("10.1.0.0");
	assert_int_equal(sdp_route_replace(dp, &rt), 0);
	assert_string_equal(t_log_text(dp, 0),
			    "route replace inet table=10 dst=10.1.0.0/24 "
			    "proto=186 nh=[oif=3 via=152.0.12.2 "
			    "labels=16001/100]");
	rt.table = 11;
	assert_int_equal(sdp_route_replace(dp, &rt), 0);
	rt.family = AF_INET6;
	rt.dst = t_addr("2001:db8::");
	rt.dst_len = 64;
	rt.table = 10;
	nh.via = t_addr("2001:db8:ff::1");
	assert_int_equal(sdp_route_replace(dp, &rt), 0);

	/* Only the asked family and table. */
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 10, collect_route, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.text[0],
			    "inet table=10 dst=10.1.0.0/24 "
			    "proto=186 nh=[oif=3 via=152.0.12.2 "
			    "labels=16001/100]");
	assert_int_equal(t_log_find(dp, "route dump inet table=10"), 3);
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 0, collect_route, &c),
		-EINVAL);
	assert_int_equal(
		sdp_route_dump_table(dp, AF_MPLS, 10, collect_route, &c),
		-EINVAL);

	/* Delete matches protocol: another owner's route stays. */
	rt.family = AF_INET;
	rt.dst = t_addr("10.1.0.0");
	rt.dst_len = 24;
	rt.proto = 11;
	assert_int_equal(sdp_route_delete(dp, &rt), -ESRCH);
	assert_non_null(strstr(sdp_last_error(dp),
			       "route delete inet table=10 dst=10.1.0.0/24 "
			       "proto=11: No such process"));
	rt.proto = 186;
	assert_int_equal(sdp_route_delete(dp, &rt), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 10, collect_route, &c), 0);
	assert_int_equal(c.n, 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 11, collect_route, &c), 0);
	assert_int_equal(c.n, 1);
}

/*
 * Batches
 */

static void add_lsps(struct sdp_batch *b, struct sdp_nexthop *nh, int n,
		     uint32_t first)
{
	for (int i = 0; i < n; i++) {
		struct sdp_lsp lsp = {
			.in_label = first + i, .n_nexthops = 1, .nexthops = nh};

		assert_int_equal(sdp_batch_add_lsp(b, SDP_CMD_REPLACE, &lsp,
						   (void *)(uintptr_t)(i + 1)),
				 0);
	}
}

static void test_batch_maps_errors(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {.ifindex = 3, .n_labels = 1, .labels = {100}};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 10,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct sdp_lsp lsp = {
		.in_label = 1000, .n_nexthops = 1, .nexthops = &nh};
	struct sdp_batch *b;
	const char *errtext;
	void *cookie;
	struct collect c = {0};

	nh.via = t_addr("152.0.12.2");
	rt.dst = t_addr("10.1.0.0");
	assert_int_equal(sdp_batch_new(dp, &b), 0);
	assert_int_equal(sdp_batch_add_lsp(b, SDP_CMD_REPLACE, &lsp, "a"), 0);
	assert_int_equal(sdp_batch_add_route(b, SDP_CMD_REPLACE, &rt, "b"), 0);
	lsp.in_label = 1001;
	assert_int_equal(sdp_batch_add_lsp(b, SDP_CMD_REPLACE, &lsp, "c"), 0);
	assert_int_equal(sdp_batch_count(b), 3);
	assert_int_equal(sdp_batch_result(b, 0, &cookie, &errtext),
			 -EINPROGRESS);

	/* The kernel refuses the route only. */
	assert_int_equal(sdp_null_fail(dp, SDP_OP_ROUTE_REPLACE, 1, EINVAL,
				       "Nexthop has invalid gateway"),
			 0);
	assert_int_equal(sdp_batch_send(b), -EINVAL);
	assert_int_equal(sdp_batch_send(b), -EALREADY);

	assert_int_equal(sdp_batch_result(b, 0, &cookie, &errtext), 0);
	assert_string_equal(cookie, "a");
	assert_null(errtext);
	assert_int_equal(sdp_batch_result(b, 1, &cookie, &errtext), -EINVAL);
	assert_string_equal(cookie, "b");
	assert_string_equal(errtext,
			    "route replace inet table=10 dst=10.1.0.0/24 "
			    "proto=11 nh=[oif=3 via=152.0.12.2 labels=100]: "
			    "Invalid argument: Nexthop has invalid gateway");
	assert_string_equal(sdp_last_error(dp), errtext);
	assert_int_equal(sdp_batch_result(b, 2, &cookie, NULL), 0);
	assert_string_equal(cookie, "c");
	assert_int_equal(sdp_batch_result(b, 3, &cookie, NULL), -EINVAL);

	/* The other two did reach the (fake) kernel. */
	assert_int_equal(sdp_lsp_dump(dp, collect_lsp, &c), 0);
	assert_int_equal(c.n, 2);
	sdp_batch_free(b);
}

/*
 * Request texts are made lazily, from the built message, only when
 * somebody needs them (a failure, the null backend's log): they must
 * read exactly as the request itself formats.
 */
static void assert_lazy_text(struct dp_req *r, const char *want)
{
	assert_null(r->text); /* nothing formatted while building */
	assert_string_equal(dp_req_text(r), want);
	assert_non_null(r->text); /* made once, then kept */
	assert_string_equal(dp_req_text(r), want);
	dp_req_fini(r);
}

static void test_lazy_text_matches_request(void **state)
{
	struct sdp_nexthop nh[3] = {
		{.ifindex = 3, .n_labels = 2, .labels = {3000, 4000}},
		{.ifindex = 4,
		 .weight = 3,
		 .n_labels = 2,
		 .labels = {SDP_LABEL_IMPLICIT_NULL, 17}},
		{.ifindex = 5},
	};
	struct sdp_lsp lsp = {.in_label = 16000, .n_nexthops = 2,
			      .nexthops = nh};
	struct sdp_route rt = {.family = AF_INET, .dst_len = 32, .table = 10,
			       .metric = 20, .proto = 194, .n_nexthops = 2,
			       .nexthops = nh};
	struct sdp_route rt6 = {.family = AF_INET6, .dst_len = 64,
				.table = 100000, .type = RTN_BLACKHOLE};
	struct sdp_lsp pop = {.in_label = 80, .n_nexthops = 1,
			      .nexthops = &nh[2]};
	char want[1024], fmt[768];
	struct dp_req r;

	nh[0].via = t_addr("192.0.2.2");
	nh[1].via = t_addr("192.0.2.3");
	rt.dst = t_addr("10.0.0.1");
	rt6.dst = t_addr("2001:db8:1::");

	/* multipath LSP: weights, onlink, implicit-null */
	memset(&r, 0, sizeof(r));
	assert_int_equal(dp_lsp_req_init(&r, &lsp, SDP_CMD_REPLACE), 0);
	assert_int_equal(sdp_lsp_format(&lsp, fmt, sizeof(fmt)), 0);
	snprintf(want, sizeof(want), "lsp replace %s", fmt);
	assert_lazy_text(&r, want);

	/* pop into a device */
	memset(&r, 0, sizeof(r));
	assert_int_equal(dp_lsp_req_init(&r, &pop, SDP_CMD_REPLACE), 0);
	assert_lazy_text(&r, "lsp replace in=80 proto=224 nh=[oif=5]");

	memset(&r, 0, sizeof(r));
	assert_int_equal(dp_lsp_req_init(&r, &lsp, SDP_CMD_DELETE), 0);
	assert_lazy_text(&r, "lsp delete in=16000");

	/* VPN route with metric, protocol and an onlink nexthop */
	nh[1].flags = SDP_NH_ONLINK;
	memset(&r, 0, sizeof(r));
	assert_int_equal(dp_route_req_init(&r, &rt, SDP_CMD_REPLACE), 0);
	assert_int_equal(sdp_route_format(&rt, fmt, sizeof(fmt)), 0);
	snprintf(want, sizeof(want), "route replace %s", fmt);
	assert_lazy_text(&r, want);

	memset(&r, 0, sizeof(r));
	assert_int_equal(dp_route_req_init(&r, &rt, SDP_CMD_DELETE), 0);
	assert_lazy_text(&r, "route delete inet table=10 dst=10.0.0.1/32 "
			     "proto=194 metric=20");

	/* IPv6 blackhole in a table above 255 */
	memset(&r, 0, sizeof(r));
	assert_int_equal(dp_route_req_init(&r, &rt6, SDP_CMD_REPLACE), 0);
	assert_int_equal(sdp_route_format(&rt6, fmt, sizeof(fmt)), 0);
	snprintf(want, sizeof(want), "route replace %s", fmt);
	assert_lazy_text(&r, want);

	/* A request that cannot be built has its text at once. */
	nh[1].flags = 0;
	lsp.in_label = 3; /* reserved */
	memset(&r, 0, sizeof(r));
	assert_int_equal(dp_lsp_req_init(&r, &lsp, SDP_CMD_REPLACE), -EINVAL);
	assert_non_null(r.text);
	assert_string_equal(r.text, "lsp replace in=3 proto=224 "
				    "nh=[oif=3 via=192.0.2.2 labels=3000/4000] "
				    "nh=[oif=4 via=192.0.2.3 labels=17 "
				    "weight=3]");
	dp_req_fini(&r);
}

static void test_batch_add_rejects(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {.ifindex = 3};
	struct sdp_lsp lsp = {
		.in_label = 1000, .n_nexthops = 1, .nexthops = &nh};
	struct sdp_batch *b;

	assert_int_equal(sdp_batch_new(dp, &b), 0);
	lsp.in_label = 3; /* reserved */
	assert_int_equal(sdp_batch_add_lsp(b, SDP_CMD_REPLACE, &lsp, NULL),
			 -EINVAL);
	assert_non_null(strstr(sdp_last_error(dp), "lsp replace in=3"));
	assert_int_equal(sdp_batch_count(b), 0);
	lsp.in_label = 1000;
	assert_int_equal(sdp_batch_add_lsp(b, SDP_CMD_REPLACE, &lsp, NULL), 0);
	assert_int_equal(sdp_batch_send(b), 0);
	assert_int_equal(sdp_batch_add_lsp(b, SDP_CMD_DELETE, &lsp, NULL),
			 -EALREADY);
	sdp_batch_free(b);

	/* An empty batch sends nothing and succeeds. */
	assert_int_equal(sdp_batch_new(dp, &b), 0);
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_batch_send(b), 0);
	assert_int_equal(sdp_null_log_count(dp), 0);
	sdp_batch_free(b);
	sdp_batch_free(NULL);
}

static void test_batch_retries_enobufs(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {.ifindex = 3};
	struct sdp_batch *b;
	struct collect c = {0};
	size_t i;

	assert_int_equal(sdp_batch_new(dp, &b), 0);
	add_lsps(b, &nh, 3, 1000);
	/* The kernel runs short of memory once: that entry is resent. */
	assert_int_equal(
		sdp_null_fail(dp, SDP_OP_LSP_REPLACE, 1, ENOBUFS, NULL), 0);
	assert_int_equal(sdp_batch_send(b), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(sdp_batch_result(b, i, NULL, NULL), 0);
	/* 3 requests + 1 resend, the resend after the first round. */
	assert_int_equal(sdp_null_log_count(dp), 4);
	assert_int_equal(sdp_null_log_get(dp, 0)->result, -ENOBUFS);
	assert_string_equal(t_log_text(dp, 0), t_log_text(dp, 3));
	assert_int_equal(sdp_null_log_get(dp, 3)->result, 0);
	assert_string_equal(sdp_last_error(dp), "");
	assert_int_equal(sdp_lsp_dump(dp, collect_lsp, &c), 0);
	assert_int_equal(c.n, 3);
	sdp_batch_free(b);
}

static void test_batch_enobufs_bounded(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {.ifindex = 3};
	struct sdp_batch *b;
	const char *errtext;

	assert_int_equal(sdp_batch_new(dp, &b), 0);
	add_lsps(b, &nh, 2, 1000);
	assert_int_equal(sdp_null_fail(dp, SDP_OP_ANY, 100, ENOBUFS, NULL), 0);
	assert_int_equal(sdp_batch_send(b), -ENOBUFS);
	/* Each entry tried exactly SDP_BATCH_TRIES times, then given up. */
	assert_int_equal(sdp_null_log_count(dp), 2 * SDP_BATCH_TRIES);
	assert_int_equal(sdp_batch_result(b, 1, NULL, &errtext), -ENOBUFS);
	assert_non_null(strstr(errtext, "lsp replace in=1001"));
	assert_non_null(strstr(errtext, "No buffer space available"));
	sdp_batch_free(b);

	/* Other errors are final at once. */
	assert_int_equal(sdp_batch_new(dp, &b), 0);
	add_lsps(b, &nh, 1, 2000);
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_null_fail(dp, SDP_OP_ANY, 100, EINVAL, NULL), 0);
	assert_int_equal(sdp_batch_send(b), -EINVAL);
	assert_int_equal(sdp_null_log_count(dp), 1);
	sdp_batch_free(b);
}

/*
 * VRF isolation
 */

static void test_isolation(void **state)
{
	struct sdp *dp = *state;
	bool on = true;

	/* A fresh namespace: local rule first. */
	assert_int_equal(sdp_vrf_isolation_get(dp, &on), 0);
	assert_false(on);

	sdp_null_log_clear(dp);
	assert_int_equal(sdp_vrf_isolation(dp, true), 0);
	const char *const want[] = {
		"rule add inet pref=32765 table=255",
		"rule del inet pref=0 table=255",
		"rule add inet6 pref=32765 table=255",
		"rule del inet6 pref=0 table=255",
		NULL,
	};
	assert_log(dp, want);
	assert_int_equal(sdp_vrf_isolation_get(dp, &on), 0);
	assert_true(on);

	/* Again: already done is not an error. */
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_vrf_isolation(dp, true), 0);
	assert_int_equal(sdp_null_log_get(dp, 0)->result, -EEXIST);
	assert_int_equal(sdp_null_log_get(dp, 1)->result, -ENOENT);
	assert_string_equal(sdp_last_error(dp), "");

	/* If the new rule cannot be added, the old one stays. */
	assert_int_equal(sdp_vrf_isolation(dp, false), 0);
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_null_fail(dp, SDP_OP_RULE_ADD, 1, EPERM, NULL), 0);
	assert_int_equal(sdp_vrf_isolation(dp, true), -EPERM);
	assert_int_equal(t_log_find(dp, "rule del inet pref=0 table=255"), -1);
	assert_non_null(strstr(sdp_last_error(dp),
			       "rule add inet pref=32765 table=255"));
	assert_int_equal(sdp_vrf_isolation_get(dp, &on), 0);
	assert_false(on);
}

static void test_unreachable_default(void **state)
{
	struct sdp *dp = *state;
	struct collect c = {0};

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
	assert_string_equal(c.text[0],
			    "inet6 table=10 dst=::/0 proto=224 "
			    "metric=4278198272 type=7");
	/* Idempotent both ways. */
	assert_int_equal(sdp_vrf_unreachable_default(dp, 10, true), 0);
	assert_int_equal(sdp_vrf_unreachable_default(dp, 10, false), 0);
	assert_int_equal(sdp_vrf_unreachable_default(dp, 10, false), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(
		sdp_route_dump_table(dp, AF_INET, 10, collect_route, &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(sdp_vrf_unreachable_default(dp, 254, true), -EINVAL);
}

/*
 * Sysctls without a root: the in-memory store
 */

static void test_sysctl_memory(void **state)
{
	struct sdp *dp = *state;
	uint32_t n = 1;
	char buf[16];

	/* As after modprobe mpls_router. */
	assert_int_equal(sdp_mpls_check(dp), 0);
	assert_int_equal(sdp_platform_labels_get(dp, &n), 0);
	assert_int_equal(n, 0);
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_platform_labels_raise(dp, 2000, &n), 0);
	assert_int_equal(n, 2000);
	const char *const want[] = {
		"sysctl get net.mpls.platform_labels",
		"sysctl set net.mpls.platform_labels=2000",
		NULL,
	};
	assert_log(dp, want);
	assert_int_equal(sdp_null_log_get(dp, 1)->op, SDP_OP_SYSCTL_SET);
	assert_int_equal(sdp_platform_labels_raise(dp, 1000, &n), 0);
	assert_int_equal(n, 2000);
	assert_int_equal(sdp_null_log_count(dp), 3); /* a get, no set */

	assert_int_equal(sdp_mpls_input_set(dp, "eth0.100", true), 0);
	assert_int_equal(t_log_find(dp,
				    "sysctl set "
				    "net.mpls.conf.eth0/100.input=1"),
			 3);
	assert_int_equal(sdp_sysctl_get(dp, "net.mpls.conf.eth0/100.input", buf,
					sizeof(buf)),
			 0);
	assert_string_equal(buf, "1");
	assert_int_equal(sdp_sysctl_get(dp, "net.nothing", buf, sizeof(buf)),
			 -ENOENT);

	/* Injected: the read fails, so nothing is written. */
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_null_fail(dp, SDP_OP_SYSCTL_GET, 1, EACCES, NULL),
			 0);
	assert_int_equal(sdp_platform_labels_raise(dp, 5000, &n), -EACCES);
	assert_int_equal(sdp_null_log_count(dp), 1);
	assert_int_equal(sdp_platform_labels_get(dp, &n), 0);
	assert_int_equal(n, 2000);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_vrf_add_records_and_models),
		T(test_vrf_add_idempotent),
		T(test_vrf_add_invalid),
		T(test_enslave_release),
		T(test_vrf_del_releases_members),
		T(test_vrf_del),
		T(test_link_alias),
		T(test_fail_next_op),
		T(test_fail_filter_and_count),
		T(test_null_api_on_netlink_backend),
		T(test_lsp_replace_dump_delete),
		T(test_route_replace_dump_delete),
		T(test_batch_maps_errors),
		T(test_lazy_text_matches_request),
		T(test_batch_add_rejects),
		T(test_batch_retries_enobufs),
		T(test_batch_enobufs_bounded),
		T(test_isolation),
		T(test_unreachable_default),
		T(test_sysctl_memory),
	};
#undef T

	return cmocka_run_group_tests_name("dp_null", tests, NULL, NULL);
}
