// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_satnet_routes.c: rows and JSON objects of `show satnet routes`,
 * and the kernel view of a VRF table it joins (on dplane/'s null
 * backend: routes with inline stacks and through nexthop objects).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "satnet_dp.h"
#include "satnet_kview.h"
#include "satnet_routes_fmt.h"

static struct snr_path vpn_path(void)
{
	return (struct snr_path){
		.prefix = "10.1.0.0/24",
		.nexthop = "10.10.10.2",
		.peer = "10.10.10.2",
		.best = true,
		.valid = true,
		.has_med = true,
		.med = 0,
		.as_path = "65002",
		.ext_communities = "RT:65002:1",
		.label_received = 2001,
		.label_local = SNR_NO_LABEL,
		.vpn_label = SNR_NO_LABEL,
	};
}

static void json_rd_view(void **state)
{
	struct snr_path p = vpn_path();
	char buf[512];
	int n;

	n = snr_json_path(SNR_VIEW_RD, &p, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(
		buf,
		"{\"prefix\":\"10.1.0.0/24\",\"nexthop\":\"10.10.10.2\","
		"\"peer\":\"10.10.10.2\",\"best\":true,\"valid\":true,"
		"\"med\":0,\"localPref\":null,\"asPath\":\"65002\","
		"\"extCommunities\":\"RT:65002:1\",\"receivedLabel\":2001,"
		"\"localLabel\":null}");

	/* a local route: no peer label, its own label, no next hop */
	p.peer = "local";
	p.nexthop = "";
	p.label_received = SNR_NO_LABEL;
	p.label_local = 1000;
	p.has_med = false;
	p.has_local_pref = true;
	p.local_pref = 100;
	n = snr_json_path(SNR_VIEW_RD, &p, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\"nexthop\":null"));
	assert_non_null(
		strstr(buf, "\"receivedLabel\":null,\"localLabel\":1000"));
	assert_non_null(strstr(buf, "\"med\":null,\"localPref\":100"));
}

static void json_vrf_view_kernel(void **state)
{
	struct snr_path p = vpn_path();
	char buf[512];

	p.imported_rd = "65002:1";
	p.vpn_label = 2001;
	p.kernel = SNR_KERNEL_UNKNOWN;
	assert_true(snr_json_path(SNR_VIEW_VRF, &p, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf,
			       "\"importedFromRd\":\"65002:1\","
			       "\"vpnLabel\":2001,\"kernel\":\"unknown\","
			       "\"kernelLabels\":null}"));
	assert_null(strstr(buf, "receivedLabel"));

	p.kernel = SNR_KERNEL_PRESENT;
	p.kernel_n_nh = 2;
	p.kernel_nh[0] = (struct snr_kernel_nh){2, {16, 2001}};
	p.kernel_nh[1] = (struct snr_kernel_nh){0, {}};
	assert_true(snr_json_path(SNR_VIEW_VRF, &p, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf,
			       "\"kernel\":\"installed\","
			       "\"kernelLabels\":[[16,2001],[]]}"));
	assert_true(snr_kernel_text(&p, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "16/2001,-");

	p.kernel = SNR_KERNEL_ABSENT;
	assert_true(snr_kernel_text(&p, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "absent");

	/* not imported: null, not "" */
	p.imported_rd = NULL;
	assert_true(snr_json_path(SNR_VIEW_VRF, &p, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"importedFromRd\":null"));
}

static void json_escapes(void **state)
{
	struct snr_path p = vpn_path();
	char buf[512];

	/* an AS path with a set and a peer name from the config */
	p.as_path = "65002 {65003,65004}";
	p.peer = "pe\"2\\x\n";
	assert_true(snr_json_path(SNR_VIEW_RD, &p, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"peer\":\"pe\\\"2\\\\x\\n\""));
	assert_non_null(strstr(buf, "\"asPath\":\"65002 {65003,65004}\""));
	assert_true(snr_json_string("a\001b", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "\"a\\u0001b\"");
}

/* Too small a buffer: -1 and an empty string, never half an object. */
static void too_small(void **state)
{
	struct snr_path p = vpn_path();
	char full[512], buf[512];
	int n = snr_json_path(SNR_VIEW_RD, &p, full, sizeof(full));

	assert_true(n > 10);
	for (int len = 1; len <= n; len++) {
		assert_int_equal(snr_json_path(SNR_VIEW_RD, &p, buf, len), -1);
		assert_string_equal(buf, "");
	}
	assert_int_equal(snr_json_path(SNR_VIEW_RD, &p, buf, n + 1), n);
	assert_string_equal(buf, full);
	assert_int_equal(snr_text_row(SNR_VIEW_RD, &p, buf, 8), -1);
	assert_string_equal(buf, "");
}

static void text_rows(void **state)
{
	struct snr_path p = vpn_path();
	char hdr[512], row[512];

	assert_true(snr_text_header(SNR_VIEW_RD, hdr, sizeof(hdr)) > 0);
	assert_true(snr_text_row(SNR_VIEW_RD, &p, row, sizeof(row)) > 0);
	assert_non_null(strstr(hdr, "RxLabel"));
	assert_memory_equal(row, "*> 10.1.0.0/24", 14);
	assert_non_null(strstr(row, " 2001 "));
	assert_non_null(strstr(row, "RT:65002:1\n"));
	/* the columns line up: the label starts under its header */
	assert_int_equal(strstr(row, "2001") - row,
			 strstr(hdr, "RxLabel") - hdr);

	p.best = false;
	p.imported_rd = "65002:1";
	p.vpn_label = 2001;
	p.kernel = SNR_KERNEL_ABSENT;
	assert_true(snr_text_row(SNR_VIEW_VRF, &p, row, sizeof(row)) > 0);
	assert_memory_equal(row, "*  10.1.0.0/24", 14);
	assert_non_null(strstr(row, " 65002:1 "));
	assert_non_null(strstr(row, " absent "));
}

/* --- the kernel view, on the null backend */

static int setup_dp(void **state)
{
	struct sdp *dp;

	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NULL), 0);
	assert_int_equal(sdp_null_link_add(dp, "eth0", "veth", 5), 0);
	assert_int_equal(sdp_vrf_add(dp, "cust", 10), 0);
	*state = dp;
	return 0;
}

static int teardown_dp(void **state)
{
	sdp_close(*state);
	return 0;
}

static void add_route(struct sdp *dp, const char *dst, uint8_t len,
		      uint32_t nhid, const struct sdp_nexthop *nh, size_t n_nh)
{
	struct sdp_route r = {
		.family = AF_INET,
		.dst_len = len,
		.table = 10,
		.nhid = nhid,
		.n_nexthops = n_nh,
		.nexthops = nh,
	};

	assert_int_equal(sdp_addr_parse(&r.dst, dst), 0);
	assert_int_equal(sdp_route_replace(dp, &r), 0);
}

static void kview_inline_and_objects(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nexthop nh = {
		.ifindex = 5, .n_labels = 2, .labels = {16, 2001}};
	struct sdp_nhobj single = {
		.id = SDP_NHID_MIN + 1,
		.family = AF_INET,
		.nh = {.ifindex = 5, .n_labels = 2, .labels = {17, 2002}}};
	struct sdp_nhgrp_ent ent = {.id = SDP_NHID_MIN + 1, .weight = 1};
	struct sdp_nhobj grp = {
		.id = SDP_NHID_MIN + 2, .n_group = 1, .group = &ent};
	struct snk_table *t;
	struct snr_path p = {};
	char why[128] = "";

	assert_int_equal(sdp_addr_parse(&nh.via, "10.10.10.2"), 0);
	assert_int_equal(sdp_addr_parse(&single.nh.via, "10.10.10.2"), 0);
	add_route(dp, "10.1.0.0", 24, 0, &nh, 1);
	assert_int_equal(sdp_nhobj_replace(dp, &single), 0);
	assert_int_equal(sdp_nhobj_replace(dp, &grp), 0);
	add_route(dp, "10.2.0.0", 24, grp.id, NULL, 0);

	assert_int_equal(snk_load(dp, "cust", &t, why, sizeof(why)), 0);
	assert_int_equal(snk_table_id(t), 10);
	assert_int_equal(snk_count(t), 2);

	snk_lookup(t, "10.1.0.0/24", &p);
	assert_int_equal(p.kernel, SNR_KERNEL_PRESENT);
	assert_int_equal(p.kernel_n_nh, 1);
	assert_int_equal(p.kernel_nh[0].n_labels, 2);
	assert_int_equal(p.kernel_nh[0].labels[1], 2001);

	snk_lookup(t, "10.2.0.0/24", &p);
	assert_int_equal(p.kernel, SNR_KERNEL_PRESENT);
	assert_int_equal(p.kernel_nh[0].labels[0], 17);
	assert_int_equal(p.kernel_nh[0].labels[1], 2002);

	/* a prefix the table lacks, and a same-address other length */
	snk_lookup(t, "10.3.0.0/24", &p);
	assert_int_equal(p.kernel, SNR_KERNEL_ABSENT);
	snk_lookup(t, "10.1.0.0/25", &p);
	assert_int_equal(p.kernel, SNR_KERNEL_ABSENT);
	snk_free(t);
}

/* The objects cannot be read: an error naming the VRF (the command then
 * shows every kernel label as unknown), never an empty stack that would
 * read as plain IP forwarding. */
static void kview_objects_unreadable(void **state)
{
	struct sdp *dp = *state;
	struct sdp_nhobj single = {
		.id = SDP_NHID_MIN + 5,
		.family = AF_INET,
		.nh = {.ifindex = 5, .n_labels = 1, .labels = {17}}};
	struct sdp_nhgrp_ent ent = {.id = SDP_NHID_MIN + 5, .weight = 1};
	struct sdp_nhobj grp = {
		.id = SDP_NHID_MIN + 6, .n_group = 1, .group = &ent};
	struct snk_table *t;
	char why[128];

	assert_int_equal(sdp_addr_parse(&single.nh.via, "10.10.10.2"), 0);
	assert_int_equal(sdp_nhobj_replace(dp, &single), 0);
	assert_int_equal(sdp_nhobj_replace(dp, &grp), 0);
	add_route(dp, "10.4.0.0", 24, grp.id, NULL, 0);
	assert_int_equal(sdp_null_fail(dp, SDP_OP_NHOBJ_DUMP, 1, EIO, NULL), 0);
	assert_int_equal(snk_load(dp, "cust", &t, why, sizeof(why)), -EIO);
	assert_null(t);
	assert_non_null(strstr(why, "nexthop objects of VRF cust"));
}

static void kview_errors_name_the_device(void **state)
{
	struct sdp *dp = *state;
	struct snk_table *t = (void *)1;
	char why[128];

	assert_int_equal(snk_load(dp, "nosuch", &t, why, sizeof(why)), -ENODEV);
	assert_null(t);
	assert_non_null(strstr(why, "nosuch"));
	assert_int_equal(snk_load(dp, "eth0", &t, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "device eth0 is not a VRF device");

	/* the dump fails: the reason names the VRF and its table */
	assert_int_equal(sdp_null_fail(dp, SDP_OP_ROUTE_DUMP, 1, EBUSY, NULL),
			 0);
	assert_int_equal(snk_load(dp, "cust", &t, why, sizeof(why)), -EBUSY);
	assert_null(t);
	assert_non_null(strstr(why, "table 10 of VRF cust"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_rd_view),
		cmocka_unit_test(json_vrf_view_kernel),
		cmocka_unit_test(json_escapes),
		cmocka_unit_test(too_small),
		cmocka_unit_test(text_rows),
		cmocka_unit_test_setup_teardown(kview_inline_and_objects,
						setup_dp, teardown_dp),
		cmocka_unit_test_setup_teardown(kview_objects_unreadable,
						setup_dp, teardown_dp),
		cmocka_unit_test_setup_teardown(kview_errors_name_the_device,
						setup_dp, teardown_dp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
