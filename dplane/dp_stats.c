// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: per-interface MPLS counters.
 *
 * DOC: RTM_GETSTATS, AF_MPLS part
 *
 * The kernel keeps MPLS counters per device (struct mpls_link_stats:
 * packets, bytes, errors and drops in each direction, and packets that
 * arrived with a label it had no entry for). They are read with
 * RTM_GETSTATS for one ifindex, filter IFLA_STATS_AF_SPEC; the answer
 * nests IFLA_STATS_AF_SPEC -> AF_MPLS -> MPLS_STATS_LINK. A device
 * without MPLS state (mpls_router not loaded, or a device MPLS never
 * looked at) simply has no AF_MPLS part: that is -ENODATA here, not an
 * error of the request.
 *
 * The null backend keeps no counters: it looks the device up, records
 * the request and answers -ENODATA.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/mpls.h>
#include <linux/rtnetlink.h>

#include "dp_private.h"

#ifndef AF_MPLS
#define AF_MPLS 28
#endif

int sdp_mpls_stats_build(uint32_t ifindex, struct nl_msg **msgp)
{
	struct if_stats_msg ifsm = {
		.family = AF_UNSPEC,
		.ifindex = ifindex,
		.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_AF_SPEC),
	};
	struct nl_msg *msg;

	*msgp = NULL;
	if (!ifindex)
		return -EINVAL;
	msg = nlmsg_alloc_simple(RTM_GETSTATS, NLM_F_REQUEST);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifsm, sizeof(ifsm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

int sdp_mpls_stats_parse(const struct nlmsghdr *nlh, struct sdp_mpls_stats *st)
{
	struct nlattr *tb[IFLA_STATS_MAX + 1];
	struct nlattr *af[AF_MPLS + 1];
	struct nlattr *m[MPLS_STATS_MAX + 1];
	struct mpls_link_stats ls;
	size_t len;

	memset(st, 0, sizeof(*st));
	if (nlh->nlmsg_type != RTM_NEWSTATS
	    || !nlmsg_valid_hdr(nlh, sizeof(struct if_stats_msg)))
		return -EBADMSG;
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(struct if_stats_msg), tb,
			IFLA_STATS_MAX, NULL)
	    < 0)
		return -EBADMSG;
	if (!tb[IFLA_STATS_AF_SPEC])
		return -ENODATA;
	if (nla_parse_nested(af, AF_MPLS, tb[IFLA_STATS_AF_SPEC], NULL) < 0)
		return -EBADMSG;
	if (!af[AF_MPLS])
		return -ENODATA;
	if (nla_parse_nested(m, MPLS_STATS_MAX, af[AF_MPLS], NULL) < 0)
		return -EBADMSG;
	if (!m[MPLS_STATS_LINK])
		return -ENODATA;

	/* A shorter struct (older kernel) leaves the rest zero. */
	memset(&ls, 0, sizeof(ls));
	len = nla_len(m[MPLS_STATS_LINK]);
	if (len > sizeof(ls))
		len = sizeof(ls);
	memcpy(&ls, nla_data(m[MPLS_STATS_LINK]), len);

	st->rx_packets = ls.rx_packets;
	st->tx_packets = ls.tx_packets;
	st->rx_bytes = ls.rx_bytes;
	st->tx_bytes = ls.tx_bytes;
	st->rx_errors = ls.rx_errors;
	st->tx_errors = ls.tx_errors;
	st->rx_dropped = ls.rx_dropped;
	st->tx_dropped = ls.tx_dropped;
	st->rx_noroute = ls.rx_noroute;
	return 0;
}

struct dp_stats_get {
	struct sdp_mpls_stats *st;
	uint32_t ifindex;
	int ret; /* -ENODATA until an answer for our device parsed */
};

static int dp_stats_one(const struct nlmsghdr *nlh, void *arg)
{
	struct dp_stats_get *g = arg;
	const struct if_stats_msg *ifsm;

	if (nlh->nlmsg_type != RTM_NEWSTATS
	    || !nlmsg_valid_hdr(nlh, sizeof(*ifsm)))
		return 0;
	ifsm = nlmsg_data(nlh);
	if (ifsm->ifindex != g->ifindex)
		return 0;
	g->ret = sdp_mpls_stats_parse(nlh, g->st);
	return 0;
}

int sdp_mpls_stats_get(struct sdp *dp, const char *ifname,
		       struct sdp_mpls_stats *st)
{
	struct dp_stats_get g = {.st = st, .ret = -ENODATA};
	char extack[256] = "";
	const char *emsg = NULL;
	struct sdp_link link;
	struct nl_msg *msg;
	char text[64];
	int ret;

	memset(st, 0, sizeof(*st));
	if (!ifname || sdp_ifname_check(ifname, NULL) < 0)
		return -EINVAL;
	ret = sdp_link_get(dp, ifname, &link);
	if (ret < 0)
		return ret; /* sdp_last_error() says why */
	g.ifindex = link.ifindex;
	snprintf(text, sizeof(text), "stats get mpls name=%s", ifname);

	dp_error_clear(dp);
	if (dp->backend == SDP_BACKEND_NULL) {
		ret = dp_null_record(dp, SDP_OP_LINK_GET, text, &emsg);
		if (ret == 0)
			ret = -ENODATA;
		dp_null_result(dp, ret);
	} else {
		ret = sdp_mpls_stats_build(link.ifindex, &msg);
		if (ret == 0)
			ret = dp_nl_query(dp, msg, dp_stats_one, &g, extack,
					  sizeof(extack));
		if (ret == 0)
			ret = g.ret;
		emsg = extack;
	}
	if (ret < 0) {
		memset(st, 0, sizeof(*st));
		dp_error_set(dp, "%s: %s%s%s", text,
			     ret == -ENODATA ? "no MPLS counters (MPLS not active on it)"
					     : strerror(-ret),
			     emsg && emsg[0] ? ": " : "", emsg ? emsg : "");
	}
	return ret;
}
