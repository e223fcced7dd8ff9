// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: extended-ACK parsing and error mapping (dplane/dp_nl.c,
 * dp_core.c internals).
 *
 * The kernel's error replies are built by hand here in both shapes it
 * sends - capped (NETLINK_CAP_ACK, what we ask for) and with the
 * request echoed - so the parser is tested against the layout in
 * linux/netlink.h, not against itself.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <netlink/errno.h>

#include "dp_test.h"
#include "dp_private.h"

/*
 * An NLMSG_ERROR reply to a request of @req_payload bytes: capped (no
 * echo) or not, with an NLMSGERR_ATTR_MSG of @text (NULL: no TLVs).
 * @raw_len lets a test store an unterminated string.
 */
static struct nlmsghdr *make_err(void *buf, size_t buflen, int error,
				 bool capped, size_t req_payload,
				 const char *text, size_t raw_len)
{
	struct nlmsghdr *nlh = buf;
	struct nlmsgerr *e;
	struct nlattr *nla;
	size_t off;

	memset(buf, 0, buflen);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 42;
	e = (struct nlmsgerr *)((char *)buf + NLMSG_HDRLEN);
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + req_payload;
	e->msg.nlmsg_type = RTM_NEWROUTE;
	e->msg.nlmsg_seq = 42;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	else
		off += NLMSG_ALIGN(req_payload); /* echoed request body */
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		nla = (struct nlattr *)((char *)buf + off);
		nla->nla_type = NLMSGERR_ATTR_MSG;
		nla->nla_len = NLA_HDRLEN + raw_len;
		memcpy((char *)nla + NLA_HDRLEN, text, raw_len);
		off += NLA_ALIGN(nla->nla_len);
		/* a second TLV after the message, as the kernel adds */
		nla = (struct nlattr *)((char *)buf + off);
		nla->nla_type = NLMSGERR_ATTR_OFFS;
		nla->nla_len = NLA_HDRLEN + 4;
		off += NLA_HDRLEN + 4;
	}
	assert_true(off <= buflen);
	nlh->nlmsg_len = off;
	return nlh;
}

static void test_extack_capped(void **state)
{
	char buf[256], out[128];
	const char *msg =
		"Invalid label - must be MPLS_LABEL_FIRST_UNRESERVED "
		"or higher";
	struct nlmsghdr *nlh = make_err(buf, sizeof(buf), -EINVAL, true, 60,
					msg, strlen(msg) + 1);

	assert_int_equal(dp_nl_extack(nlh, out, sizeof(out)), 0);
	assert_string_equal(out, msg);
}

static void test_extack_uncapped(void **state)
{
	char buf[512], out[128];
	struct nlmsghdr *nlh = make_err(buf, sizeof(buf), -EINVAL, false, 58,
					"Nexthop has invalid gateway", 28);

	/* The TLVs start after the echoed (58 -> 60 aligned) payload. */
	assert_int_equal(dp_nl_extack(nlh, out, sizeof(out)), 0);
	assert_string_equal(out, "Nexthop has invalid gateway");
}

static void test_extack_absent_or_bad(void **state)
{
	char buf[256], out[32];
	struct nlmsghdr *nlh;

	/* No NLM_F_ACK_TLVS: no text, and buffer emptied. */
	nlh = make_err(buf, sizeof(buf), -EEXIST, true, 20, NULL, 0);
	strcpy(out, "stale");
	assert_int_equal(dp_nl_extack(nlh, out, sizeof(out)), -ENOENT);
	assert_string_equal(out, "");

	/* Flag set but the message ends before any TLV. */
	nlh = make_err(buf, sizeof(buf), -EEXIST, true, 20, "x", 2);
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
	assert_int_equal(dp_nl_extack(nlh, out, sizeof(out)), -ENOENT);

	/* Shorter than an nlmsgerr. */
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	assert_int_equal(dp_nl_extack(nlh, out, sizeof(out)), -ENOENT);

	/* Echo length claims more than the message holds. */
	nlh = make_err(buf, sizeof(buf), -EEXIST, false, 20, "x", 2);
	((struct nlmsgerr *)NLMSG_DATA(nlh))->msg.nlmsg_len = 4000;
	assert_int_equal(dp_nl_extack(nlh, out, sizeof(out)), -ENOENT);

	/* Not an error message at all. */
	nlh = make_err(buf, sizeof(buf), -EEXIST, true, 20, "x", 2);
	nlh->nlmsg_type = RTM_NEWROUTE;
	assert_int_equal(dp_nl_extack(nlh, out, sizeof(out)), -ENOENT);
}

static void test_extack_unterminated_and_long(void **state)
{
	char buf[256], out[8];
	struct nlmsghdr *nlh;

	/* No NUL from the sender: take the attribute's length. */
	nlh = make_err(buf, sizeof(buf), -EINVAL, true, 20, "abcd", 4);
	assert_int_equal(dp_nl_extack(nlh, out, sizeof(out)), 0);
	assert_string_equal(out, "abcd");

	/* Longer than the caller's buffer: truncated, terminated. */
	nlh = make_err(buf, sizeof(buf), -EINVAL, true, 20,
		       "a long kernel message", 22);
	assert_int_equal(dp_nl_extack(nlh, out, sizeof(out)), 0);
	assert_string_equal(out, "a long ");
}

static void test_nlerr_mapping(void **state)
{
	assert_int_equal(dp_nlerr(0), 0);
	assert_int_equal(dp_nlerr(-NLE_NOMEM), -ENOMEM);
	assert_int_equal(dp_nlerr(-NLE_EXIST), -EEXIST);
	assert_int_equal(dp_nlerr(-NLE_OBJ_NOTFOUND), -ENOENT);
	assert_int_equal(dp_nlerr(-NLE_NODEV), -ENODEV);
	assert_int_equal(dp_nlerr(-NLE_PERM), -EPERM);
	assert_int_equal(dp_nlerr(-NLE_DUMP_INTR), -EINTR);
	assert_int_equal(dp_nlerr(-NLE_OPNOTSUPP), -EOPNOTSUPP);
	assert_int_equal(dp_nlerr(-NLE_AF_NOSUPPORT), -EAFNOSUPPORT);
	assert_int_equal(dp_nlerr(-NLE_MSG_TRUNC), -EBADMSG);
	/* Anything unknown is still an error, never success. */
	assert_int_equal(dp_nlerr(-NLE_PKTLOC_FILE), -EIO);
	assert_int_equal(dp_nlerr(-9999), -EIO);
}

static void test_op_names(void **state)
{
	assert_string_equal(sdp_op_name(SDP_OP_VRF_ADD), "vrf-add");
	assert_string_equal(sdp_op_name(SDP_OP_LSP_REPLACE), "lsp-replace");
	assert_string_equal(sdp_op_name(SDP_OP_RULE_DUMP), "rule-dump");
	assert_string_equal(sdp_op_name((enum sdp_op)999), "?");
}

static void test_netlink_open_lookup(void **state)
{
	struct sdp_link l;
	struct sdp *dp;

	/* Any Linux with a network stack, no privilege needed. */
	if (sdp_open(&dp, SDP_BACKEND_NETLINK) < 0)
		skip();
	assert_int_equal(sdp_get_backend(dp), SDP_BACKEND_NETLINK);
	assert_int_equal(sdp_link_get(dp, "lo", &l), 0);
	assert_string_equal(l.name, "lo");
	assert_int_equal(l.ifindex, 1);
	assert_int_equal(sdp_link_get_by_index(dp, 1, &l), 0);
	assert_string_equal(l.name, "lo");
	assert_int_equal(sdp_link_get(dp, "satnet-nope0", &l), -ENODEV);
	assert_string_equal(sdp_last_error(dp),
			    "link get name=satnet-nope0: No such device");
	/* Reads only; a second query on the same socket still matches. */
	assert_int_equal(sdp_link_get(dp, "lo", &l), 0);
	sdp_set_timeout(dp, 100);
	assert_int_equal(sdp_link_get(dp, "lo", &l), 0);
	sdp_close(dp);
	sdp_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extack_capped),
		cmocka_unit_test(test_extack_uncapped),
		cmocka_unit_test(test_extack_absent_or_bad),
		cmocka_unit_test(test_extack_unterminated_and_long),
		cmocka_unit_test(test_nlerr_mapping),
		cmocka_unit_test(test_op_names),
		cmocka_unit_test(test_netlink_open_lookup),
	};

	return cmocka_run_group_tests_name("dp_nl", tests, NULL, NULL);
}
