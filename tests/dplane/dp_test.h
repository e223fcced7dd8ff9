// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shared helpers for the dplane/ unit tests.
 *
 * Expected wire values are computed here from first principles (RFC
 * 3032 label stack entries, raw rtattr walking) rather than with the
 * library's own helpers, so a wrong encoder cannot agree with itself.
 */

#ifndef SATNET_DP_TEST_H
#define SATNET_DP_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "satnet_dp.h"

/* One RFC 3032 label stack entry, TC and TTL zero, network order. */
static inline uint32_t t_lse(uint32_t label, int bos)
{
	return htonl((label << 12) | (bos ? 0x100 : 0));
}

static inline struct sdp_addr t_addr(const char *s)
{
	struct sdp_addr a;

	assert_int_equal(sdp_addr_parse(&a, s), 0);
	return a;
}

/* Parse a route message's attributes into tb[RTA_MAX + 1]. */
static inline struct rtmsg *t_route_parse(struct nl_msg *msg,
					  struct nlattr **tb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	assert_true(nlmsg_valid_hdr(nlh, sizeof(struct rtmsg)));
	assert_int_equal(
		nlmsg_parse(nlh, sizeof(struct rtmsg), tb, RTA_MAX, NULL), 0);
	return nlmsg_data(nlh);
}

static inline void t_assert_u32(const struct nlattr *a, uint32_t v)
{
	assert_non_null(a);
	assert_int_equal(nla_len(a), 4);
	assert_int_equal(nla_get_u32((struct nlattr *)a), v);
}

/* Attribute payload equals the given bytes exactly. */
static inline void t_assert_bytes(const struct nlattr *a, const void *v,
				  size_t len)
{
	assert_non_null(a);
	assert_int_equal(nla_len(a), (int)len);
	assert_memory_equal(nla_data(a), v, len);
}

/* Label stack attribute equals @n entries built with t_lse(). */
static inline void t_assert_labels(const struct nlattr *a, const uint32_t *l,
				   size_t n)
{
	uint32_t want[32];
	size_t i;

	for (i = 0; i < n; i++)
		want[i] = t_lse(l[i], i == n - 1);
	t_assert_bytes(a, want, n * 4);
}

/* RTA_VIA payload: 2-byte family then the address. */
static inline void t_assert_via(const struct nlattr *a, int family,
				const char *addr)
{
	uint8_t want[18];
	uint16_t fam = family;
	size_t alen = family == AF_INET ? 4 : 16;

	memcpy(want, &fam, 2);
	assert_int_equal(inet_pton(family, addr, want + 2), 1);
	t_assert_bytes(a, want, 2 + alen);
}

/* Walk RTA_MULTIPATH: returns the rtnexthop entries (up to @max). */
static inline size_t t_multipath(const struct nlattr *mp,
				 const struct rtnexthop **out, size_t max)
{
	const struct rtnexthop *rtnh = nla_data(mp);
	int rem = nla_len(mp);
	size_t n = 0;

	while (rem >= (int)sizeof(*rtnh) && n < max) {
		assert_true(rtnh->rtnh_len >= sizeof(*rtnh));
		assert_true(rtnh->rtnh_len <= rem);
		out[n++] = rtnh;
		rem -= RTNH_ALIGN(rtnh->rtnh_len);
		rtnh = RTNH_NEXT(rtnh);
	}
	assert_int_equal(rem, 0);
	return n;
}

/* Attributes nested in one rtnexthop. */
static inline void t_rtnh_parse(const struct rtnexthop *rtnh,
				struct nlattr **tb)
{
	assert_int_equal(nla_parse(tb, RTA_MAX,
				   (struct nlattr *)RTNH_DATA(rtnh),
				   rtnh->rtnh_len - sizeof(*rtnh), NULL),
			 0);
}

/* Index of the first null-backend log record with @text, or -1. */
static inline int t_log_find(const struct sdp *dp, const char *text)
{
	size_t i;

	for (i = 0; i < sdp_null_log_count(dp); i++)
		if (!strcmp(sdp_null_log_get(dp, i)->text, text))
			return (int)i;
	return -1;
}

static inline const char *t_log_text(const struct sdp *dp, size_t i)
{
	const struct sdp_null_rec *rec = sdp_null_log_get(dp, i);

	assert_non_null(rec);
	return rec->text;
}

/*
 * netns_fixture.c: move this process into a new network namespace
 * holding veth t1/t2 (both up, lo up, 192.0.2.1/24 on t1). Returns -1,
 * having said why on stdout, when that is not possible (not root):
 * the caller then exits 77, automake's SKIP.
 */
int t_netns_enter(void);

#endif /* SATNET_DP_TEST_H */
