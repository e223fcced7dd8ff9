// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: per-interface MPLS counters (dplane/dp_stats.c).
 *
 * The answers are built by hand in the kernel's layout (if_stats_msg,
 * then IFLA_STATS_AF_SPEC -> AF_MPLS -> MPLS_STATS_LINK, 64-bit aligned
 * with an MPLS_STATS_UNSPEC pad as nla_put_64bit() writes it), so the
 * parser is checked against the wire format, not against itself. The
 * real kernel is asked about "lo" only: it answers with counters where
 * mpls_router is loaded and without an AF_MPLS part elsewhere.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/mpls.h>

#include "dp_test.h"

#ifndef AF_MPLS
#define AF_MPLS 28
#endif

static void test_build(void **state)
{
	struct nl_msg *msg;
	struct nlmsghdr *nlh;
	struct if_stats_msg *ifsm;

	assert_int_equal(sdp_mpls_stats_build(0, &msg), -EINVAL);
	assert_null(msg);
	assert_int_equal(sdp_mpls_stats_build(7, &msg), 0);
	nlh = nlmsg_hdr(msg);
	assert_int_equal(nlh->nlmsg_type, RTM_GETSTATS);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	assert_false(nlh->nlmsg_flags & NLM_F_DUMP);
	assert_true(nlmsg_valid_hdr(nlh, sizeof(*ifsm)));
	ifsm = nlmsg_data(nlh);
	assert_int_equal(ifsm->family, AF_UNSPEC);
	assert_int_equal(ifsm->ifindex, 7);
	assert_int_equal(ifsm->filter_mask, 1u << (IFLA_STATS_AF_SPEC - 1));
	assert_int_equal(ifsm->pad1, 0);
	assert_int_equal(ifsm->pad2, 0);
	nlmsg_free(msg);
}

/* An RTM_NEWSTATS answer; @af: AF_MPLS, another family, or 0 for no
 * IFLA_STATS_AF_SPEC; @len: bytes of struct mpls_link_stats to put. */
static struct nl_msg *answer(int af, size_t len)
{
	struct if_stats_msg ifsm = {.ifindex = 7};
	struct mpls_link_stats ls = {
		.rx_packets = 1, .tx_packets = 2, .rx_bytes = 3,
		.tx_bytes = 4, .rx_errors = 5, .tx_errors = 6,
		.rx_dropped = 7, .tx_dropped = 8, .rx_noroute = 9,
	};
	struct nlattr *spec, *fam;
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWSTATS, 0);

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &ifsm, sizeof(ifsm), NLMSG_ALIGNTO),
			 0);
	if (!af)
		return msg;
	spec = nla_nest_start(msg, IFLA_STATS_AF_SPEC);
	fam = nla_nest_start(msg, af);
	/* the kernel's 64-bit alignment pad comes first */
	assert_int_equal(nla_put(msg, MPLS_STATS_UNSPEC, 0, NULL), 0);
	assert_int_equal(nla_put(msg, MPLS_STATS_LINK, (int)len, &ls), 0);
	nla_nest_end(msg, fam);
	nla_nest_end(msg, spec);
	return msg;
}

static void test_parse(void **state)
{
	struct sdp_mpls_stats st;
	struct nl_msg *msg = answer(AF_MPLS, sizeof(struct mpls_link_stats));

	assert_int_equal(sdp_mpls_stats_parse(nlmsg_hdr(msg), &st), 0);
	assert_int_equal(st.rx_packets, 1);
	assert_int_equal(st.tx_packets, 2);
	assert_int_equal(st.rx_bytes, 3);
	assert_int_equal(st.tx_bytes, 4);
	assert_int_equal(st.rx_errors, 5);
	assert_int_equal(st.tx_errors, 6);
	assert_int_equal(st.rx_dropped, 7);
	assert_int_equal(st.tx_dropped, 8);
	assert_int_equal(st.rx_noroute, 9);
	nlmsg_free(msg);

	/* an older, shorter struct: what is missing reads as zero */
	msg = answer(AF_MPLS, 8 * sizeof(uint64_t));
	assert_int_equal(sdp_mpls_stats_parse(nlmsg_hdr(msg), &st), 0);
	assert_int_equal(st.tx_dropped, 8);
	assert_int_equal(st.rx_noroute, 0);
	nlmsg_free(msg);
}

static void test_parse_no_mpls(void **state)
{
	struct sdp_mpls_stats st;
	struct nl_msg *msg;

	/* no AF_SPEC at all, or only another family's part */
	msg = answer(0, 0);
	assert_int_equal(sdp_mpls_stats_parse(nlmsg_hdr(msg), &st), -ENODATA);
	nlmsg_free(msg);
	msg = answer(AF_INET6, sizeof(struct mpls_link_stats));
	assert_int_equal(sdp_mpls_stats_parse(nlmsg_hdr(msg), &st), -ENODATA);
	nlmsg_free(msg);
}

static void test_parse_malformed(void **state)
{
	struct sdp_mpls_stats st;
	struct nl_msg *msg = answer(AF_MPLS, sizeof(struct mpls_link_stats));
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	nlh->nlmsg_type = RTM_NEWLINK;
	assert_int_equal(sdp_mpls_stats_parse(nlh, &st), -EBADMSG);
	nlh->nlmsg_type = RTM_NEWSTATS;
	/* shorter than its own header */
	nlh->nlmsg_len = NLMSG_LENGTH(4);
	assert_int_equal(sdp_mpls_stats_parse(nlh, &st), -EBADMSG);
	assert_int_equal(st.rx_packets, 0);
	nlmsg_free(msg);
}

static void test_null_backend(void **state)
{
	struct sdp_mpls_stats st;
	struct sdp *dp;

	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NULL), 0);
	assert_int_equal(sdp_mpls_stats_get(dp, "eth0", &st), -ENODEV);
	assert_int_equal(sdp_mpls_stats_get(dp, "bad/name", &st), -EINVAL);
	assert_int_equal(sdp_null_link_add(dp, "eth0", "veth", 0), 0);
	sdp_null_log_clear(dp);
	assert_int_equal(sdp_mpls_stats_get(dp, "eth0", &st), -ENODATA);
	assert_true(t_log_find(dp, "stats get mpls name=eth0") >= 0);
	assert_non_null(strstr(sdp_last_error(dp), "no MPLS counters"));
	sdp_close(dp);
}

static void test_kernel_lo(void **state)
{
	struct sdp_mpls_stats st;
	struct sdp *dp;
	int ret;

	if (sdp_open(&dp, SDP_BACKEND_NETLINK) < 0)
		skip();
	ret = sdp_mpls_stats_get(dp, "lo", &st);
	/* counters where MPLS is active on lo; none where it is not */
	if (ret != 0 && ret != -ENODATA)
		fail_msg("stats of lo: %d %s", ret, sdp_last_error(dp));
	assert_int_equal(sdp_mpls_stats_get(dp, "nosuchif0", &st), -ENODEV);
	sdp_close(dp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_no_mpls),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_null_backend),
		cmocka_unit_test(test_kernel_lo),
	};

	return cmocka_run_group_tests_name("dplane MPLS counters", tests, NULL,
					   NULL);
}
