// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Integration test: answers lost to a receive-buffer overrun.
 *
 * This driver links its own copy of dplane/ built with a window far
 * larger than a tiny receive buffer (see tests/dplane/subdir.am), so
 * the kernel really drops answers and recvmsg() really fails with
 * ENOBUFS. Requests that succeed are answered once per datagram (only
 * the last one asks for an ACK), requests that fail each get their own
 * error: a batch of failing requests is what overruns the buffer. Every
 * request must still end with its true result: the lost ones are resent
 * in windows that fit (a request whose error may have been lost is not
 * taken for a success), replaces are idempotent and a resent delete
 * that finds nothing counts as done.
 */

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include "dp_test.h"
#include "dp_private.h"

#define N_ROUTES 2000

static int count_ours(const struct sdp_route *rt, void *arg)
{
	if (rt->proto == SDP_RTPROT_ROUTE)
		(*(int *)arg)++;
	return 0;
}

static void test_overrun_recovers(void **state)
{
	struct sdp_link l;
	struct sdp_nexthop nh = {0};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 32,
			       .table = 3000,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct sdp_batch *b;
	struct sdp *dp;
	int i, pass, count, want;

	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NETLINK), 0);
	assert_int_equal(dp->nl_window, DP_NL_WINDOW);
	assert_int_equal(sdp_link_get(dp, "t1", &l), 0);
	nh.ifindex = l.ifindex;
	nh.via = t_addr("192.0.2.2");
	rt.dst = t_addr("198.18.0.0");

	/*
	 * 0: install all (few answers: no overrun); 1: replace all with a
	 * gateway that is not on the link, interleaved with good ones:
	 * each bad one fails on its own, the overrun happens; 2: delete.
	 */
	for (pass = 0; pass < 3; pass++) {
		assert_int_equal(sdp_batch_new(dp, &b), 0);
		for (i = 0; i < N_ROUTES; i++) {
			rt.dst.bytes[2] = i / 256;
			rt.dst.bytes[3] = i % 256;
			nh.via = t_addr(pass == 1 && i % 4 ? "203.0.113.1"
							   : "192.0.2.2");
			assert_int_equal(
				sdp_batch_add_route(b,
						    pass == 2 ? SDP_CMD_DELETE
							      : SDP_CMD_REPLACE,
						    &rt, NULL),
				0);
		}
		assert_int_equal(sdp_batch_send(b),
				 pass == 1 ? -ENETUNREACH : 0);
		for (i = 0; i < N_ROUTES; i++) {
			want = pass == 1 && i % 4 ? -ENETUNREACH : 0;
			if (sdp_batch_result(b, i, NULL, NULL) != want)
				fail_msg("pass %d, route %d: %d, want %d", pass,
					 i, sdp_batch_result(b, i, NULL, NULL),
					 want);
		}
		sdp_batch_free(b);

		if (pass == 0)
			assert_int_equal(dp->nl_window, DP_NL_WINDOW);
		/* The overrun did happen, and the window shrank to fit. */
		if (pass == 1)
			assert_true(dp->nl_window < DP_NL_WINDOW);

		count = 0;
		assert_int_equal(sdp_route_dump_table(dp, AF_INET, 3000,
						      count_ours, &count),
				 0);
		assert_int_equal(count, pass == 2 ? 0 : N_ROUTES);
	}
	sdp_close(dp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overrun_recovers),
	};

	if (t_netns_enter() < 0)
		return 77;
	return cmocka_run_group_tests_name("dp_overrun", tests, NULL, NULL);
}
