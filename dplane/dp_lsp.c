// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: MPLS label switched paths (AF_MPLS routes).
 *
 * DOC: the kernel's MPLS table
 *
 * The kernel keeps one flat array of platform_labels entries indexed
 * by incoming label; an RTM_NEWROUTE in family AF_MPLS fills one slot
 * and RTM_DELROUTE empties it, keyed on RTA_DST alone. The kernel is
 * strict about the header (rtm_dst_len 20, table main, scope universe,
 * type unicast, rtm_flags 0 - so no "onlink") and refuses RTA_GATEWAY:
 * next hops are RTA_VIA with an address family. A nexthop with a
 * device and no via delivers the packet, labels popped, to that device
 * - with a VRF device that is how a per-VRF VPN label ends in the VRF.
 *
 * Deleting a label that has no entry succeeds in the kernel, so delete
 * is naturally idempotent; replace (NLM_F_CREATE | NLM_F_REPLACE) is
 * too. That is what lets dp_reqs_run() resend after lost answers.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/mpls.h>
#include <linux/rtnetlink.h>

#include "dp_private.h"

static uint8_t dp_lsp_proto(const struct sdp_lsp *lsp)
{
	return lsp->proto ? lsp->proto : SDP_RTPROT;
}

int sdp_lsp_build(const struct sdp_lsp *lsp, enum sdp_cmd cmd,
		  struct nl_msg **msgp)
{
	struct rtmsg hdr = {
		.rtm_family = AF_MPLS,
		.rtm_dst_len = 20,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = dp_lsp_proto(lsp),
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
	};
	struct nl_msg *msg;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint32_t dst;
	size_t size;
	int type, flags, ret;

	*msgp = NULL;
	if (sdp_label_check(lsp->in_label, NULL) < 0)
		return -EINVAL;
	switch (cmd) {
	case SDP_CMD_REPLACE:
		ret = dp_nexthops_check(lsp->nexthops, lsp->n_nexthops, true);
		if (ret < 0)
			return ret;
		type = RTM_NEWROUTE;
		flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
		break;
	case SDP_CMD_DELETE:
		type = RTM_DELROUTE;
		flags = NLM_F_REQUEST;
		break;
	default:
		return -EINVAL;
	}

	size = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(hdr)) + nla_total_size(4);
	if (cmd == SDP_CMD_REPLACE)
		size += dp_nexthops_msg_size(lsp->n_nexthops);
	msg = nlmsg_alloc_size(size);
	if (!msg)
		return -ENOMEM;
	nlh = nlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, type, sizeof(hdr),
			flags);
	if (!nlh)
		goto nla_put_failure;
	rtm = nlmsg_data(nlh);
	*rtm = hdr;

	dst = dp_lse_encode(lsp->in_label, true);
	if (nla_put(msg, RTA_DST, sizeof(dst), &dst) < 0)
		goto nla_put_failure;
	/* The kernel deletes by label; nexthops would only be ignored. */
	if (cmd == SDP_CMD_REPLACE
	    && dp_nexthops_put(msg, rtm, lsp->nexthops, lsp->n_nexthops) < 0)
		goto nla_put_failure;

	*msgp = msg;
	return 0;

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int sdp_lsp_parse(const struct nlmsghdr *nlh, struct sdp_lsp *lsp,
		  struct sdp_nexthop *nh, size_t nh_max)
{
	struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	uint32_t dst;
	size_t n;
	int ret;

	memset(lsp, 0, sizeof(*lsp));
	if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
		return -EBADMSG;
	if (!nlmsg_valid_hdr(nlh, sizeof(*rtm)))
		return -EBADMSG;
	rtm = nlmsg_data(nlh);
	if (rtm->rtm_family != AF_MPLS)
		return -EAFNOSUPPORT;
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*rtm), tb, RTA_MAX, NULL)
	    < 0)
		return -EBADMSG;
	if (!tb[RTA_DST] || nla_len(tb[RTA_DST]) != 4)
		return -EBADMSG;

	memcpy(&dst, nla_data(tb[RTA_DST]), sizeof(dst));
	lsp->in_label = ntohl(dst) >> MPLS_LS_LABEL_SHIFT;
	lsp->proto = rtm->rtm_protocol;
	ret = dp_nexthops_parse(rtm, tb, nh, nh_max, &n);
	if (ret < 0)
		return ret;
	lsp->nexthops = nh;
	lsp->n_nexthops = n;
	return 0;
}

int sdp_lsp_format(const struct sdp_lsp *lsp, char *buf, size_t len)
{
	struct dp_sb sb;

	dp_sb_init(&sb, buf, len);
	dp_sb_printf(&sb, "in=%u proto=%u", lsp->in_label, dp_lsp_proto(lsp));
	if (lsp->nexthops)
		dp_nexthops_format(&sb, lsp->nexthops, lsp->n_nexthops);
	return dp_sb_result(&sb);
}

/* "lsp replace in=... nh=[...]" or "lsp delete in=1000"; caller frees. */
static char *dp_lsp_text(const struct sdp_lsp *lsp, enum sdp_cmd cmd)
{
	size_t len;
	char *buf;

	if (cmd == SDP_CMD_DELETE)
		return dp_asprintf("lsp delete in=%u", lsp->in_label);
	len = 64 + 128 * (lsp->nexthops ? lsp->n_nexthops : 0);
	buf = malloc(len);
	if (!buf)
		return NULL;
	memcpy(buf, "lsp replace ", 12);
	sdp_lsp_format(lsp, buf + 12, len - 12);
	return buf;
}

/* Fill @r (zeroed by the caller) with the request for @lsp. */
int dp_lsp_req_init(struct dp_req *r, const struct sdp_lsp *lsp,
		    enum sdp_cmd cmd)
{
	int ret;

	r->cmd = cmd;
	r->op = cmd == SDP_CMD_DELETE ? SDP_OP_LSP_DELETE : SDP_OP_LSP_REPLACE;
	ret = sdp_lsp_build(lsp, cmd, &r->msg);
	if (ret < 0) {
		/* No message to make it from later: the text now. */
		r->err = ret;
		r->text = dp_lsp_text(lsp, cmd);
	}
	return ret;
}

char *dp_lsp_msg_text(struct nl_msg *msg, enum sdp_cmd cmd)
{
	struct sdp_nexthop *nh = calloc(SDP_NEXTHOP_MAX, sizeof(*nh));
	struct sdp_lsp lsp;
	char *text = NULL;

	if (nh && sdp_lsp_parse(nlmsg_hdr(msg), &lsp, nh, SDP_NEXTHOP_MAX)
			  == 0)
		text = dp_lsp_text(&lsp, cmd);
	free(nh);
	return text;
}

static int dp_lsp_run(struct sdp *dp, const struct sdp_lsp *lsp,
		      enum sdp_cmd cmd)
{
	struct dp_req r = {0};

	dp_error_clear(dp);
	return dp_req_run_one(dp, &r, dp_lsp_req_init(&r, lsp, cmd));
}

int sdp_lsp_replace(struct sdp *dp, const struct sdp_lsp *lsp)
{
	return dp_lsp_run(dp, lsp, SDP_CMD_REPLACE);
}

int sdp_lsp_delete(struct sdp *dp, const struct sdp_lsp *lsp)
{
	return dp_lsp_run(dp, lsp, SDP_CMD_DELETE);
}

/*
 * Dump
 */

struct dp_lsp_dump {
	sdp_lsp_cb cb;
	void *arg;
	struct sdp_nexthop *nh;
};

static int dp_lsp_dump_one(const struct nlmsghdr *nlh, void *arg)
{
	struct dp_lsp_dump *d = arg;
	struct sdp_lsp lsp;
	int ret;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return 0;
	ret = sdp_lsp_parse(nlh, &lsp, d->nh, SDP_NEXTHOP_MAX);
	/*
	 * Without mpls_router the kernel answers an AF_MPLS dump with
	 * every other family's routes (rtnetlink falls back to its
	 * PF_UNSPEC handler): those are not LSPs.
	 */
	if (ret == -EAFNOSUPPORT)
		return 0;
	/* One entry we cannot read (more nexthops or labels than satnet
	 * ever installs) is not ours: skip it rather than lose the rest. */
	if (ret == -E2BIG || ret == -EBADMSG)
		return 0;
	if (ret < 0)
		return ret;
	return d->cb(&lsp, d->arg);
}

int sdp_lsp_dump(struct sdp *dp, sdp_lsp_cb cb, void *arg)
{
	struct rtmsg rtm = {.rtm_family = AF_MPLS};
	struct dp_lsp_dump d = {.cb = cb, .arg = arg};
	char extack[256];
	struct nl_msg *msg;
	int ret;

	dp_error_clear(dp);
	if (dp->backend == SDP_BACKEND_NULL)
		return dp_null_lsp_dump(dp, cb, arg);

	d.nh = calloc(SDP_NEXTHOP_MAX, sizeof(*d.nh));
	msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
	if (!d.nh || !msg
	    || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0) {
		free(d.nh);
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = dp_nl_query(dp, msg, dp_lsp_dump_one, &d, extack, sizeof(extack));
	free(d.nh);
	if (ret < 0)
		dp_error_set(dp, "lsp dump: %s%s%s", strerror(-ret),
			     extack[0] ? ": " : "", extack);
	return ret;
}
