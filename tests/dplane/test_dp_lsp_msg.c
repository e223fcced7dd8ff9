// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the exact rtnetlink messages built for LSPs and routes
 * (dplane/dp_lsp.c, dp_route.c, dp_nexthop.c).
 *
 * Each test builds a message, parses it back with libnl's generic
 * attribute parser and checks header fields and attribute payloads
 * byte for byte against values computed independently (dp_test.h), so
 * the kernel would see exactly what iproute2 would send.
 */

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include <linux/lwtunnel.h>
#include <linux/mpls_iptunnel.h>

#include "dp_test.h"

static struct sdp_nexthop nh_swap(uint32_t oif, const char *via, uint32_t label)
{
	struct sdp_nexthop nh = {
		.ifindex = oif,
		.n_labels = 1,
		.labels = {label},
	};

	nh.via = t_addr(via);
	return nh;
}

/* Build, assert success, return the parsed header. */
static struct nl_msg *build_lsp(const struct sdp_lsp *lsp, enum sdp_cmd cmd)
{
	struct nl_msg *msg = NULL;

	assert_int_equal(sdp_lsp_build(lsp, cmd, &msg), 0);
	assert_non_null(msg);
	return msg;
}

static struct nl_msg *build_route(const struct sdp_route *rt, enum sdp_cmd cmd)
{
	struct nl_msg *msg = NULL;

	assert_int_equal(sdp_route_build(rt, cmd, &msg), 0);
	assert_non_null(msg);
	return msg;
}

/* Header every AF_MPLS request must have, or the kernel says EINVAL. */
static void assert_mpls_header(const struct rtmsg *rtm, uint8_t proto)
{
	assert_int_equal(rtm->rtm_family, AF_MPLS);
	assert_int_equal(rtm->rtm_dst_len, 20);
	assert_int_equal(rtm->rtm_src_len, 0);
	assert_int_equal(rtm->rtm_tos, 0);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_protocol, proto);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_int_equal(rtm->rtm_flags, 0);
}

/*
 * LSPs
 */

static void test_lsp_swap_single(void **state)
{
	struct sdp_nexthop nh = nh_swap(3, "10.0.0.2", 2000);
	struct sdp_lsp lsp = {
		.in_label = 1000, .n_nexthops = 1, .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct rtmsg *rtm = t_route_parse(msg, tb);
	uint32_t dst = t_lse(1000, 1);
	uint32_t out[] = {2000};

	assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(nlh->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE);
	assert_mpls_header(rtm, SDP_RTPROT);
	t_assert_bytes(tb[RTA_DST], &dst, 4);
	t_assert_labels(tb[RTA_NEWDST], out, 1);
	t_assert_via(tb[RTA_VIA], AF_INET, "10.0.0.2");
	t_assert_u32(tb[RTA_OIF], 3);
	/* The kernel refuses RTA_GATEWAY for MPLS. */
	assert_null(tb[RTA_GATEWAY]);
	assert_null(tb[RTA_MULTIPATH]);
	assert_null(tb[RTA_ENCAP]);
	nlmsg_free(msg);
}

static void test_lsp_pop_to_vrf(void **state)
{
	struct sdp_nexthop nh = {.ifindex = 7};
	struct sdp_lsp lsp = {
		.in_label = 1500, .n_nexthops = 1, .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	uint32_t dst = t_lse(1500, 1);

	assert_mpls_header(t_route_parse(msg, tb), SDP_RTPROT);
	t_assert_bytes(tb[RTA_DST], &dst, 4);
	/* Pop and deliver to the VRF device: no labels, no via. */
	assert_null(tb[RTA_NEWDST]);
	assert_null(tb[RTA_VIA]);
	t_assert_u32(tb[RTA_OIF], 7);
	nlmsg_free(msg);
}

static void test_lsp_implicit_null(void **state)
{
	struct sdp_nexthop nh = nh_swap(3, "10.0.0.2", SDP_LABEL_IMPLICIT_NULL);
	struct sdp_lsp lsp = {
		.in_label = 1001, .n_nexthops = 1, .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	uint32_t vpn[] = {100};
	char text[256];

	/* Penultimate hop popping: no NEWDST, but still via the peer. */
	t_route_parse(msg, tb);
	assert_null(tb[RTA_NEWDST]);
	t_assert_via(tb[RTA_VIA], AF_INET, "10.0.0.2");
	t_assert_u32(tb[RTA_OIF], 3);
	nlmsg_free(msg);

	/* Implicit-null inside a stack is dropped, as zebra does. */
	nh.n_labels = 2;
	nh.labels[0] = SDP_LABEL_IMPLICIT_NULL;
	nh.labels[1] = 100;
	msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	t_route_parse(msg, tb);
	t_assert_labels(tb[RTA_NEWDST], vpn, 1);
	nlmsg_free(msg);

	assert_int_equal(sdp_lsp_format(&lsp, text, sizeof(text)), 0);
	assert_string_equal(text,
			    "in=1001 proto=224 nh=[oif=3 via=10.0.0.2 "
			    "labels=100]");
}

static void test_lsp_explicit_null(void **state)
{
	struct sdp_nexthop nh =
		nh_swap(3, "10.0.0.2", SDP_LABEL_IPV4_EXPLICIT_NULL);
	struct sdp_lsp lsp = {
		.in_label = 1002, .n_nexthops = 1, .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	uint32_t v4null = htonl(0x00000100); /* label 0, BOS */
	uint32_t v6null = htonl(0x00002100); /* label 2, BOS */

	/* Explicit null is a real label on the wire. */
	t_route_parse(msg, tb);
	t_assert_bytes(tb[RTA_NEWDST], &v4null, 4);
	nlmsg_free(msg);

	nh.labels[0] = SDP_LABEL_IPV6_EXPLICIT_NULL;
	nh.via = t_addr("2001:db8::2");
	msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	t_route_parse(msg, tb);
	t_assert_bytes(tb[RTA_NEWDST], &v6null, 4);
	t_assert_via(tb[RTA_VIA], AF_INET6, "2001:db8::2");
	nlmsg_free(msg);
}

static void test_lsp_label_stack_3(void **state)
{
	struct sdp_nexthop nh = {
		.ifindex = 3,
		.n_labels = 3,
		.labels = {100, 200, 300},
	};
	struct sdp_lsp lsp = {
		.in_label = 1003, .n_nexthops = 1, .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg;
	/* Outer first; bottom-of-stack only on the last. */
	uint32_t want[] = {htonl(100 << 12), htonl(200 << 12),
			   htonl((300 << 12) | 0x100)};

	nh.via = t_addr("10.0.0.2");
	msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	t_route_parse(msg, tb);
	t_assert_bytes(tb[RTA_NEWDST], want, sizeof(want));
	nlmsg_free(msg);

	/* The deepest stack we allow, with the largest label. */
	nh.n_labels = SDP_LABEL_STACK_MAX;
	for (int i = 0; i < SDP_LABEL_STACK_MAX; i++)
		nh.labels[i] = SDP_LABEL_MAX - i;
	msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	t_route_parse(msg, tb);
	t_assert_labels(tb[RTA_NEWDST], nh.labels, SDP_LABEL_STACK_MAX);
	nlmsg_free(msg);
}

static void test_lsp_ipv6_via(void **state)
{
	struct sdp_nexthop nh = nh_swap(4, "fe80::1", 3000);
	struct sdp_lsp lsp = {
		.in_label = 1004, .n_nexthops = 1, .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg = build_lsp(&lsp, SDP_CMD_REPLACE);

	t_route_parse(msg, tb);
	/* struct rtvia: 2-byte family, then 16 address bytes. */
	t_assert_via(tb[RTA_VIA], AF_INET6, "fe80::1");
	assert_int_equal(nla_len(tb[RTA_VIA]), 18);
	t_assert_u32(tb[RTA_OIF], 4);
	nlmsg_free(msg);
}

static void test_lsp_multipath(void **state)
{
	struct sdp_nexthop nh[2] = {nh_swap(3, "10.0.0.2", 2000),
				    nh_swap(4, "10.0.1.2", 2001)};
	struct sdp_lsp lsp = {
		.in_label = 1005, .n_nexthops = 2, .nexthops = nh};
	struct nlattr *tb[RTA_MAX + 1], *ntb[RTA_MAX + 1];
	const struct rtnexthop *rtnh[4];
	struct nl_msg *msg;
	uint32_t l0[] = {2000}, l1[] = {2001};

	nh[1].weight = 3;
	msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	assert_mpls_header(t_route_parse(msg, tb), SDP_RTPROT);
	assert_non_null(tb[RTA_DST]);
	/* Nexthop data lives only inside RTA_MULTIPATH. */
	assert_null(tb[RTA_OIF]);
	assert_null(tb[RTA_NEWDST]);
	assert_null(tb[RTA_VIA]);
	assert_non_null(tb[RTA_MULTIPATH]);
	/* An rtnexthop array, not a nest: no NLA_F_NESTED (iproute2). */
	assert_int_equal(tb[RTA_MULTIPATH]->nla_type, RTA_MULTIPATH);
	assert_int_equal(t_multipath(tb[RTA_MULTIPATH], rtnh, 4), 2);

	assert_int_equal(rtnh[0]->rtnh_ifindex, 3);
	assert_int_equal(rtnh[0]->rtnh_hops, 0);
	assert_int_equal(rtnh[0]->rtnh_flags, 0);
	t_rtnh_parse(rtnh[0], ntb);
	t_assert_labels(ntb[RTA_NEWDST], l0, 1);
	t_assert_via(ntb[RTA_VIA], AF_INET, "10.0.0.2");
	assert_null(ntb[RTA_OIF]);

	assert_int_equal(rtnh[1]->rtnh_ifindex, 4);
	assert_int_equal(rtnh[1]->rtnh_hops, 2); /* weight - 1 */
	t_rtnh_parse(rtnh[1], ntb);
	t_assert_labels(ntb[RTA_NEWDST], l1, 1);
	t_assert_via(ntb[RTA_VIA], AF_INET, "10.0.1.2");
	nlmsg_free(msg);
}

static void test_lsp_delete(void **state)
{
	struct sdp_nexthop nh = nh_swap(3, "10.0.0.2", 2000);
	struct sdp_lsp lsp = {.in_label = 1006,
			      .proto = 186,
			      .n_nexthops = 1,
			      .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg = build_lsp(&lsp, SDP_CMD_DELETE);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	uint32_t dst = t_lse(1006, 1);

	assert_int_equal(nlh->nlmsg_type, RTM_DELROUTE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	assert_mpls_header(t_route_parse(msg, tb), 186);
	t_assert_bytes(tb[RTA_DST], &dst, 4);
	/* Keyed on the label alone. */
	assert_null(tb[RTA_NEWDST]);
	assert_null(tb[RTA_VIA]);
	assert_null(tb[RTA_OIF]);
	assert_null(tb[RTA_MULTIPATH]);
	nlmsg_free(msg);

	/* A delete needs no nexthops at all. */
	lsp.n_nexthops = 0;
	lsp.nexthops = NULL;
	msg = build_lsp(&lsp, SDP_CMD_DELETE);
	nlmsg_free(msg);
}

static void test_lsp_invalid(void **state)
{
	struct sdp_nexthop nh = nh_swap(3, "10.0.0.2", 2000);
	struct sdp_lsp lsp = {
		.in_label = 1000, .n_nexthops = 1, .nexthops = &nh};
	struct nl_msg *msg = (struct nl_msg *)&msg;

#define EXPECT_EINVAL()                                                        \
	do {                                                                   \
		assert_int_equal(sdp_lsp_build(&lsp, SDP_CMD_REPLACE, &msg),   \
				 -EINVAL);                                     \
		assert_null(msg);                                              \
	} while (0)

	lsp.in_label = 15; /* reserved */
	EXPECT_EINVAL();
	assert_int_equal(sdp_lsp_build(&lsp, SDP_CMD_DELETE, &msg), -EINVAL);
	lsp.in_label = SDP_LABEL_MAX + 1;
	EXPECT_EINVAL();
	lsp.in_label = 1000;

	lsp.n_nexthops = 0;
	EXPECT_EINVAL();
	lsp.n_nexthops = SDP_NEXTHOP_MAX + 1;
	EXPECT_EINVAL();
	lsp.n_nexthops = 1;

	nh.labels[0] = SDP_LABEL_MAX + 1;
	EXPECT_EINVAL();
	nh.labels[0] = 2000;
	nh.n_labels = SDP_LABEL_STACK_MAX + 1;
	EXPECT_EINVAL();
	nh.n_labels = 1;

	/* Neither device nor address. */
	nh.ifindex = 0;
	nh.via.family = AF_UNSPEC;
	EXPECT_EINVAL();
	nh = nh_swap(3, "10.0.0.2", 2000);

	nh.via.family = AF_PACKET;
	EXPECT_EINVAL();
	nh = nh_swap(3, "10.0.0.2", 2000);

	/* rtm_flags must be 0 for MPLS: no onlink. */
	nh.flags = SDP_NH_ONLINK;
	EXPECT_EINVAL();
	nh.flags = 0;

	nh.weight = 257;
	EXPECT_EINVAL();
	nh.weight = 256;
	assert_int_equal(sdp_lsp_build(&lsp, SDP_CMD_REPLACE, &msg), 0);
	nlmsg_free(msg);

	assert_int_equal(sdp_lsp_build(&lsp, (enum sdp_cmd)7, &msg), -EINVAL);
#undef EXPECT_EINVAL
}

static void test_lsp_roundtrip(void **state)
{
	struct sdp_nexthop nh[3] = {nh_swap(3, "10.0.0.2", 2000),
				    nh_swap(4, "fe80::2", 2001),
				    {.ifindex = 9}};
	struct sdp_lsp lsp = {
		.in_label = 1007, .proto = 99, .n_nexthops = 3, .nexthops = nh};
	struct sdp_nexthop back_nh[4];
	struct sdp_lsp back;
	struct nl_msg *msg;
	char a[512], b[512];

	nh[1].weight = 2;
	nh[1].n_labels = 2;
	nh[1].labels[1] = 16;
	msg = build_lsp(&lsp, SDP_CMD_REPLACE);
	assert_int_equal(sdp_lsp_parse(nlmsg_hdr(msg), &back, back_nh, 4), 0);
	assert_int_equal(back.in_label, 1007);
	assert_int_equal(back.proto, 99);
	assert_int_equal(back.n_nexthops, 3);
	assert_ptr_equal(back.nexthops, back_nh);
	assert_int_equal(back_nh[1].n_labels, 2);
	assert_int_equal(back_nh[1].labels[0], 2001);
	assert_int_equal(back_nh[1].labels[1], 16);
	assert_int_equal(back_nh[1].weight, 2);
	assert_int_equal(back_nh[1].via.family, AF_INET6);
	assert_int_equal(back_nh[2].ifindex, 9);
	assert_int_equal(back_nh[2].n_labels, 0);
	assert_int_equal(back_nh[2].via.family, AF_UNSPEC);

	/* Text is canonical: request and readback print the same. */
	assert_int_equal(sdp_lsp_format(&lsp, a, sizeof(a)), 0);
	assert_int_equal(sdp_lsp_format(&back, b, sizeof(b)), 0);
	assert_string_equal(a,
			    "in=1007 proto=99 nh=[oif=3 via=10.0.0.2 "
			    "labels=2000] nh=[oif=4 via=fe80::2 "
			    "labels=2001/16 weight=2] nh=[oif=9]");
	assert_string_equal(a, b);

	/* Too small a nexthop array is reported, not overrun. */
	assert_int_equal(sdp_lsp_parse(nlmsg_hdr(msg), &back, back_nh, 2),
			 -E2BIG);
	/* A truncated text still ends in NUL. */
	assert_int_equal(sdp_lsp_format(&lsp, a, 20), -ENOSPC);
	assert_int_equal(strlen(a), 19);
	nlmsg_free(msg);
}

static void test_lsp_parse_rejects_routes(void **state)
{
	struct sdp_nexthop nh = nh_swap(3, "10.0.0.2", 100), back_nh[1];
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 10,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct sdp_lsp back;
	struct nl_msg *msg;

	rt.dst = t_addr("10.1.0.0");
	msg = build_route(&rt, SDP_CMD_REPLACE);
	/* What a dump returns when the kernel lacks MPLS. */
	assert_int_equal(sdp_lsp_parse(nlmsg_hdr(msg), &back, back_nh, 1),
			 -EAFNOSUPPORT);
	nlmsg_free(msg);
}

/*
 * Routes
 */

static void test_route_encap_single(void **state)
{
	struct sdp_nexthop nh = {
		.ifindex = 3,
		.n_labels = 2,
		.labels = {100, 200},
	};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 10,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1], *etb[MPLS_IPTUNNEL_MAX + 1];
	struct nl_msg *msg;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint8_t dst[4] = {10, 1, 0, 0}, gw[4] = {152, 0, 12, 2};
	uint32_t stack[] = {100, 200};

	nh.via = t_addr("152.0.12.2");
	rt.dst = t_addr("10.1.0.0");
	msg = build_route(&rt, SDP_CMD_REPLACE);
	nlh = nlmsg_hdr(msg);
	rtm = t_route_parse(msg, tb);

	assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(nlh->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 24);
	assert_int_equal(rtm->rtm_table, 10);
	assert_int_equal(rtm->rtm_protocol, SDP_RTPROT_ROUTE);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_int_equal(rtm->rtm_flags, 0);
	t_assert_bytes(tb[RTA_DST], dst, 4);
	t_assert_u32(tb[RTA_TABLE], 10);
	t_assert_bytes(tb[RTA_GATEWAY], gw, 4);
	assert_null(tb[RTA_VIA]);
	t_assert_u32(tb[RTA_OIF], 3);
	assert_null(tb[RTA_PRIORITY]);
	assert_null(tb[RTA_NEWDST]);

	assert_non_null(tb[RTA_ENCAP_TYPE]);
	assert_int_equal(nla_len(tb[RTA_ENCAP_TYPE]), 2);
	assert_int_equal(nla_get_u16(tb[RTA_ENCAP_TYPE]), LWTUNNEL_ENCAP_MPLS);
	assert_non_null(tb[RTA_ENCAP]);
	assert_int_equal(
		nla_parse_nested(etb, MPLS_IPTUNNEL_MAX, tb[RTA_ENCAP], NULL),
		0);
	t_assert_labels(etb[MPLS_IPTUNNEL_DST], stack, 2);
	assert_null(etb[MPLS_IPTUNNEL_TTL]);
	nlmsg_free(msg);
}

static void test_route_no_gateway_scope_link(void **state)
{
	struct sdp_nexthop nh = {.ifindex = 5, .n_labels = 1, .labels = {300}};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 32,
			       .table = 10,
			       .metric = 20,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg;

	rt.dst = t_addr("192.0.2.7");
	msg = build_route(&rt, SDP_CMD_REPLACE);
	assert_int_equal(t_route_parse(msg, tb)->rtm_scope, RT_SCOPE_LINK);
	assert_null(tb[RTA_GATEWAY]);
	t_assert_u32(tb[RTA_PRIORITY], 20);
	nlmsg_free(msg);
}

static void test_route_ecmp(void **state)
{
	struct sdp_nexthop nh[2] = {
		{.ifindex = 3, .n_labels = 2, .labels = {16001, 100}},
		{.ifindex = 4,
		 .n_labels = 2,
		 .labels = {16002, 100},
		 .flags = SDP_NH_ONLINK},
	};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 16,
			       .table = 10,
			       .n_nexthops = 2,
			       .nexthops = nh};
	struct nlattr *tb[RTA_MAX + 1], *ntb[RTA_MAX + 1];
	struct nlattr *etb[MPLS_IPTUNNEL_MAX + 1];
	const struct rtnexthop *rtnh[4];
	uint8_t gw0[4] = {152, 0, 12, 2}, gw1[4] = {152, 0, 31, 3};
	uint32_t s0[] = {16001, 100}, s1[] = {16002, 100};
	struct nl_msg *msg;

	nh[0].via = t_addr("152.0.12.2");
	nh[1].via = t_addr("152.0.31.3");
	rt.dst = t_addr("10.2.0.0");
	msg = build_route(&rt, SDP_CMD_REPLACE);
	assert_int_equal(t_route_parse(msg, tb)->rtm_flags, 0);
	assert_null(tb[RTA_OIF]);
	assert_null(tb[RTA_GATEWAY]);
	assert_null(tb[RTA_ENCAP]);
	assert_non_null(tb[RTA_MULTIPATH]);
	assert_int_equal(t_multipath(tb[RTA_MULTIPATH], rtnh, 4), 2);

	assert_int_equal(rtnh[0]->rtnh_ifindex, 3);
	assert_int_equal(rtnh[0]->rtnh_flags, 0);
	t_rtnh_parse(rtnh[0], ntb);
	t_assert_bytes(ntb[RTA_GATEWAY], gw0, 4);
	assert_int_equal(nla_get_u16(ntb[RTA_ENCAP_TYPE]), LWTUNNEL_ENCAP_MPLS);
	assert_int_equal(
		nla_parse_nested(etb, MPLS_IPTUNNEL_MAX, ntb[RTA_ENCAP], NULL),
		0);
	t_assert_labels(etb[MPLS_IPTUNNEL_DST], s0, 2);

	assert_int_equal(rtnh[1]->rtnh_ifindex, 4);
	/* onlink is per nexthop inside RTA_MULTIPATH */
	assert_int_equal(rtnh[1]->rtnh_flags, RTNH_F_ONLINK);
	t_rtnh_parse(rtnh[1], ntb);
	t_assert_bytes(ntb[RTA_GATEWAY], gw1, 4);
	assert_int_equal(
		nla_parse_nested(etb, MPLS_IPTUNNEL_MAX, ntb[RTA_ENCAP], NULL),
		0);
	t_assert_labels(etb[MPLS_IPTUNNEL_DST], s1, 2);
	nlmsg_free(msg);
}

static void test_route_onlink_single(void **state)
{
	struct sdp_nexthop nh = {.ifindex = 3, .flags = SDP_NH_ONLINK};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 10,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg;

	nh.via = t_addr("152.0.12.2");
	rt.dst = t_addr("10.3.0.0");
	msg = build_route(&rt, SDP_CMD_REPLACE);
	assert_int_equal(t_route_parse(msg, tb)->rtm_flags, RTNH_F_ONLINK);
	/* No labels: no encapsulation at all. */
	assert_null(tb[RTA_ENCAP_TYPE]);
	assert_null(tb[RTA_ENCAP]);
	nlmsg_free(msg);
}

static void test_route_table_over_255(void **state)
{
	struct sdp_nexthop nh = {.ifindex = 3};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 1000,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg;

	rt.dst = t_addr("10.4.0.0");
	msg = build_route(&rt, SDP_CMD_REPLACE);
	assert_int_equal(t_route_parse(msg, tb)->rtm_table, RT_TABLE_UNSPEC);
	t_assert_u32(tb[RTA_TABLE], 1000);
	nlmsg_free(msg);
}

static void test_route_ipv6(void **state)
{
	struct sdp_nexthop nh = {.ifindex = 3, .n_labels = 1, .labels = {200}};
	struct sdp_route rt = {.family = AF_INET6,
			       .dst_len = 64,
			       .table = 10,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct in6_addr gw, dst;
	struct nl_msg *msg;

	nh.via = t_addr("2001:db8::1");
	rt.dst = t_addr("2001:db8:1::");
	msg = build_route(&rt, SDP_CMD_REPLACE);
	assert_int_equal(t_route_parse(msg, tb)->rtm_family, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::1", &gw);
	inet_pton(AF_INET6, "2001:db8:1::", &dst);
	t_assert_bytes(tb[RTA_GATEWAY], &gw, 16);
	t_assert_bytes(tb[RTA_DST], &dst, 16);
	nlmsg_free(msg);

	/* IPv4 route via an IPv6 next hop (RFC 5549): RTA_VIA. */
	rt.family = AF_INET;
	rt.dst_len = 24;
	rt.dst = t_addr("10.5.0.0");
	nh.via = t_addr("fe80::1");
	msg = build_route(&rt, SDP_CMD_REPLACE);
	t_route_parse(msg, tb);
	assert_null(tb[RTA_GATEWAY]);
	t_assert_via(tb[RTA_VIA], AF_INET6, "fe80::1");
	nlmsg_free(msg);
}

static void test_route_delete(void **state)
{
	struct sdp_nexthop nh = {.ifindex = 3, .n_labels = 1, .labels = {100}};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 10,
			       .proto = 186,
			       .metric = 20,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg;
	struct rtmsg *rtm;

	rt.dst = t_addr("10.1.0.0");
	msg = build_route(&rt, SDP_CMD_DELETE);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, RTM_DELROUTE);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_flags, NLM_F_REQUEST);
	rtm = t_route_parse(msg, tb);
	/* Wildcards for the kernel's match, protocol as a guard. */
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_NOWHERE);
	assert_int_equal(rtm->rtm_type, RTN_UNSPEC);
	assert_int_equal(rtm->rtm_protocol, 186);
	assert_int_equal(rtm->rtm_dst_len, 24);
	t_assert_u32(tb[RTA_TABLE], 10);
	t_assert_u32(tb[RTA_PRIORITY], 20);
	assert_non_null(tb[RTA_DST]);
	/* No nexthop: the whole route goes, every ECMP leg. */
	assert_null(tb[RTA_OIF]);
	assert_null(tb[RTA_GATEWAY]);
	assert_null(tb[RTA_MULTIPATH]);
	assert_null(tb[RTA_ENCAP]);
	nlmsg_free(msg);
}

static void test_route_unreachable(void **state)
{
	struct sdp_nexthop nh = {.ifindex = 3};
	struct sdp_route rt = {.family = AF_INET6,
			       .table = 10,
			       .type = RTN_UNREACHABLE,
			       .metric = SDP_UNREACHABLE_METRIC};
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg;
	struct rtmsg *rtm;

	rt.dst.family = AF_INET6;
	msg = build_route(&rt, SDP_CMD_REPLACE);
	rtm = t_route_parse(msg, tb);
	assert_int_equal(rtm->rtm_type, RTN_UNREACHABLE);
	assert_int_equal(rtm->rtm_dst_len, 0);
	t_assert_u32(tb[RTA_PRIORITY], 4278198272u);
	assert_null(tb[RTA_OIF]);
	assert_null(tb[RTA_MULTIPATH]);
	nlmsg_free(msg);

	/* A reject route with a nexthop is a contradiction. */
	rt.n_nexthops = 1;
	rt.nexthops = &nh;
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), -EINVAL);
	rt.type = RTN_LOCAL;
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), -EINVAL);
}

static void test_route_invalid(void **state)
{
	struct sdp_nexthop nh = {.ifindex = 3};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 10,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	struct nl_msg *msg;

	rt.dst = t_addr("10.1.0.1"); /* host bits */
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), -EINVAL);
	assert_null(msg);
	rt.dst = t_addr("10.1.0.0");
	rt.dst_len = 33;
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), -EINVAL);
	rt.dst_len = 24;
	rt.table = 0;
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), -EINVAL);
	rt.table = 10;
	rt.family = AF_MPLS;
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), -EINVAL);
	rt.family = AF_INET;
	rt.dst = t_addr("2001:db8::"); /* family mismatch */
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), -EINVAL);
	rt.dst = t_addr("10.1.0.0");
	rt.n_nexthops = 0;
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), -EINVAL);
	/* ...but a delete needs none. */
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_DELETE, &msg), 0);
	nlmsg_free(msg);

	/* Host-bit check works on the partial byte too. */
	rt.n_nexthops = 1;
	rt.dst_len = 23;
	rt.dst = t_addr("10.1.1.0");
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), -EINVAL);
	rt.dst = t_addr("10.1.2.0");
	assert_int_equal(sdp_route_build(&rt, SDP_CMD_REPLACE, &msg), 0);
	nlmsg_free(msg);
}

static void test_route_roundtrip(void **state)
{
	struct sdp_nexthop nh[2] = {
		{.ifindex = 3, .n_labels = 2, .labels = {16001, 100}},
		{.ifindex = 4,
		 .n_labels = 1,
		 .labels = {100},
		 .flags = SDP_NH_ONLINK,
		 .weight = 5},
	};
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 4000,
			       .proto = 186,
			       .metric = 7,
			       .n_nexthops = 2,
			       .nexthops = nh};
	struct sdp_nexthop back_nh[2];
	struct sdp_route back;
	struct nl_msg *msg;
	char a[512], b[512];

	nh[0].via = t_addr("152.0.12.2");
	nh[1].via = t_addr("152.0.31.3");
	rt.dst = t_addr("10.9.8.0");
	msg = build_route(&rt, SDP_CMD_REPLACE);
	assert_int_equal(sdp_route_parse(nlmsg_hdr(msg), &back, back_nh, 2), 0);
	assert_int_equal(back.table, 4000);
	assert_int_equal(back.type, RTN_UNICAST);
	assert_int_equal(back.n_nexthops, 2);
	assert_int_equal(back_nh[1].flags, SDP_NH_ONLINK);
	assert_int_equal(back_nh[1].weight, 5);
	assert_int_equal(back_nh[0].n_labels, 2);
	assert_int_equal(back_nh[0].labels[0], 16001);

	assert_int_equal(sdp_route_format(&rt, a, sizeof(a)), 0);
	assert_int_equal(sdp_route_format(&back, b, sizeof(b)), 0);
	assert_string_equal(a,
			    "inet table=4000 dst=10.9.8.0/24 proto=186 "
			    "metric=7 nh=[oif=3 via=152.0.12.2 "
			    "labels=16001/100] nh=[oif=4 via=152.0.31.3 "
			    "labels=100 weight=5 onlink]");
	assert_string_equal(a, b);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lsp_swap_single),
		cmocka_unit_test(test_lsp_pop_to_vrf),
		cmocka_unit_test(test_lsp_implicit_null),
		cmocka_unit_test(test_lsp_explicit_null),
		cmocka_unit_test(test_lsp_label_stack_3),
		cmocka_unit_test(test_lsp_ipv6_via),
		cmocka_unit_test(test_lsp_multipath),
		cmocka_unit_test(test_lsp_delete),
		cmocka_unit_test(test_lsp_invalid),
		cmocka_unit_test(test_lsp_roundtrip),
		cmocka_unit_test(test_lsp_parse_rejects_routes),
		cmocka_unit_test(test_route_encap_single),
		cmocka_unit_test(test_route_no_gateway_scope_link),
		cmocka_unit_test(test_route_ecmp),
		cmocka_unit_test(test_route_onlink_single),
		cmocka_unit_test(test_route_table_over_255),
		cmocka_unit_test(test_route_ipv6),
		cmocka_unit_test(test_route_delete),
		cmocka_unit_test(test_route_unreachable),
		cmocka_unit_test(test_route_invalid),
		cmocka_unit_test(test_route_roundtrip),
	};

	return cmocka_run_group_tests_name("dp_lsp_msg", tests, NULL, NULL);
}
