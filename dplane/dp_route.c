// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: IPv4/IPv6 routes in VRF tables.
 *
 * DOC: VPN routes with an MPLS encapsulation
 *
 * A VPN route at an ingress PE is an ordinary route in the VRF's table
 * whose nexthops carry an MPLS lightweight tunnel: RTA_ENCAP_TYPE =
 * LWTUNNEL_ENCAP_MPLS and a nested RTA_ENCAP holding MPLS_IPTUNNEL_DST,
 * the label stack to push (transport label outside, VPN label inside).
 * The next hop usually sits in the default VRF, hence the "onlink"
 * flag callers may need for the kernel to accept the gateway.
 *
 * Table ids above 255 do not fit rtm_table, so RTA_TABLE is always
 * sent and rtm_table holds the id only when it fits (as zebra does).
 *
 * A delete names the prefix, table, protocol and metric but no
 * nexthop: the kernel then removes the whole route, every ECMP leg,
 * and only if the protocol matches, so satnet never deletes a route it
 * did not install. Scope RT_SCOPE_NOWHERE and type RTN_UNSPEC are the
 * kernel's wildcards for matching a delete.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

#include "dp_private.h"

static uint8_t dp_route_proto(const struct sdp_route *route)
{
	return route->proto ? route->proto : SDP_RTPROT_ROUTE;
}

/* Route types that drop packets and take no nexthop. */
static bool dp_route_is_reject(uint8_t type)
{
	return type == RTN_BLACKHOLE || type == RTN_UNREACHABLE
	       || type == RTN_PROHIBIT;
}

/* Prefix well-formed: right family, length in range, no host bits. */
static int dp_route_check_dst(const struct sdp_route *route)
{
	int alen = dp_addr_len(route->family);
	unsigned int i, bits = route->dst_len;

	if (!alen || route->dst_len > alen * 8)
		return -EINVAL;
	if (route->dst.family != route->family
	    && !(route->dst.family == AF_UNSPEC && route->dst_len == 0))
		return -EINVAL;
	for (i = 0; i < (unsigned int)alen; i++) {
		uint8_t mask;

		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		mask = (uint8_t)(0xff >> bits);
		bits = 0;
		if (route->dst.bytes[i] & mask)
			return -EINVAL;
	}
	return 0;
}

int sdp_route_build(const struct sdp_route *route, enum sdp_cmd cmd,
		    struct nl_msg **msgp)
{
	struct rtmsg hdr = {
		.rtm_family = route->family,
		.rtm_dst_len = route->dst_len,
		.rtm_protocol = dp_route_proto(route),
	};
	struct nl_msg *msg;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t i, size;
	int type, flags, ret;

	*msgp = NULL;
	ret = dp_route_check_dst(route);
	if (ret < 0)
		return ret;
	if (route->table == 0)
		return -EINVAL;
	hdr.rtm_table = route->table < 256 ? route->table : RT_TABLE_UNSPEC;

	switch (cmd) {
	case SDP_CMD_REPLACE:
		type = RTM_NEWROUTE;
		flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
		hdr.rtm_type = route->type ? route->type : RTN_UNICAST;
		hdr.rtm_scope = RT_SCOPE_UNIVERSE;
		if (dp_route_is_reject(hdr.rtm_type)) {
			if (route->n_nexthops)
				return -EINVAL;
			break;
		}
		if (hdr.rtm_type != RTN_UNICAST)
			return -EINVAL;
		/* Forwarding in a nexthop object: the id, no nexthops. */
		if (route->nhid) {
			if (route->n_nexthops)
				return -EINVAL;
			break;
		}
		ret = dp_nexthops_check(route->nexthops, route->n_nexthops,
					false);
		if (ret < 0)
			return ret;
		/* Without any gateway the prefix is on the link (iproute2). */
		hdr.rtm_scope = RT_SCOPE_LINK;
		for (i = 0; i < route->n_nexthops; i++)
			if (route->nexthops[i].via.family != AF_UNSPEC)
				hdr.rtm_scope = RT_SCOPE_UNIVERSE;
		break;
	case SDP_CMD_DELETE:
		type = RTM_DELROUTE;
		flags = NLM_F_REQUEST;
		hdr.rtm_type = RTN_UNSPEC;
		hdr.rtm_scope = RT_SCOPE_NOWHERE;
		break;
	default:
		return -EINVAL;
	}

	size = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(hdr)) + nla_total_size(16)
	       + 2 * nla_total_size(4);
	if (cmd == SDP_CMD_REPLACE && hdr.rtm_type == RTN_UNICAST)
		size += dp_nexthops_msg_size(route->n_nexthops);
	msg = nlmsg_alloc_size(size);
	if (!msg)
		return -ENOMEM;
	nlh = nlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, type, sizeof(hdr),
			flags);
	if (!nlh)
		goto nla_put_failure;
	rtm = nlmsg_data(nlh);
	*rtm = hdr;

	if (nla_put(msg, RTA_DST, dp_addr_len(route->family), route->dst.bytes)
		    < 0
	    || nla_put_u32(msg, RTA_TABLE, route->table) < 0)
		goto nla_put_failure;
	if (route->metric && nla_put_u32(msg, RTA_PRIORITY, route->metric) < 0)
		goto nla_put_failure;
	if (cmd == SDP_CMD_REPLACE && hdr.rtm_type == RTN_UNICAST
	    && route->nhid) {
		if (nla_put_u32(msg, RTA_NH_ID, route->nhid) < 0)
			goto nla_put_failure;
	} else if (cmd == SDP_CMD_REPLACE && hdr.rtm_type == RTN_UNICAST
		   && dp_nexthops_put(msg, rtm, route->nexthops,
				      route->n_nexthops)
			      < 0)
		goto nla_put_failure;

	*msgp = msg;
	return 0;

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int sdp_route_parse(const struct nlmsghdr *nlh, struct sdp_route *route,
		    struct sdp_nexthop *nh, size_t nh_max)
{
	struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	size_t n;
	int alen, ret;

	memset(route, 0, sizeof(*route));
	if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
		return -EBADMSG;
	if (!nlmsg_valid_hdr(nlh, sizeof(*rtm)))
		return -EBADMSG;
	rtm = nlmsg_data(nlh);
	alen = dp_addr_len(rtm->rtm_family);
	if (!alen)
		return -EAFNOSUPPORT;
	if (rtm->rtm_dst_len > alen * 8)
		return -EBADMSG;
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*rtm), tb, RTA_MAX, NULL)
	    < 0)
		return -EBADMSG;

	route->family = rtm->rtm_family;
	route->dst_len = rtm->rtm_dst_len;
	route->dst.family = rtm->rtm_family;
	if (tb[RTA_DST]) {
		if (nla_len(tb[RTA_DST]) != alen)
			return -EBADMSG;
		memcpy(route->dst.bytes, nla_data(tb[RTA_DST]), alen);
	}
	route->table = rtm->rtm_table;
	if (tb[RTA_TABLE] && nla_len(tb[RTA_TABLE]) >= 4)
		route->table = nla_get_u32(tb[RTA_TABLE]);
	route->proto = rtm->rtm_protocol;
	route->type = rtm->rtm_type;
	if (tb[RTA_PRIORITY] && nla_len(tb[RTA_PRIORITY]) >= 4)
		route->metric = nla_get_u32(tb[RTA_PRIORITY]);
	if (tb[RTA_NH_ID] && nla_len(tb[RTA_NH_ID]) >= 4)
		route->nhid = nla_get_u32(tb[RTA_NH_ID]);

	ret = dp_nexthops_parse(rtm, tb, nh, nh_max, &n);
	if (ret < 0)
		return ret;
	route->nexthops = nh;
	route->n_nexthops = n;
	return 0;
}

static void dp_route_format_key(struct dp_sb *sb, const struct sdp_route *route)
{
	struct sdp_addr dst = route->dst;
	char abuf[64];

	/* A default route may come with an unset dst family. */
	dst.family = route->family;
	if (sdp_addr_format(&dst, abuf, sizeof(abuf)) < 0)
		strcpy(abuf, "?");
	dp_sb_printf(sb, "%s table=%u dst=%s/%u proto=%u",
		     route->family == AF_INET6 ? "inet6" : "inet", route->table,
		     abuf, route->dst_len, dp_route_proto(route));
	if (route->metric)
		dp_sb_printf(sb, " metric=%u", route->metric);
}

int sdp_route_format(const struct sdp_route *route, char *buf, size_t len)
{
	struct dp_sb sb;

	dp_sb_init(&sb, buf, len);
	dp_route_format_key(&sb, route);
	if (route->type && route->type != RTN_UNICAST)
		dp_sb_printf(&sb, " type=%u", route->type);
	if (route->nhid)
		dp_sb_printf(&sb, " nhid=%u", route->nhid);
	if (route->nexthops)
		dp_nexthops_format(&sb, route->nexthops, route->n_nexthops);
	return dp_sb_result(&sb);
}

/* "route replace inet table=..." / "route delete inet ..."; caller frees. */
static char *dp_route_text(const struct sdp_route *route, enum sdp_cmd cmd)
{
	struct dp_sb sb;
	size_t len;
	char *buf;

	len = 160 + 128 * (route->nexthops ? route->n_nexthops : 0);
	buf = malloc(len);
	if (!buf)
		return NULL;
	dp_sb_init(&sb, buf, len);
	if (cmd == SDP_CMD_DELETE) {
		dp_sb_printf(&sb, "route delete ");
		dp_route_format_key(&sb, route);
	} else {
		dp_sb_printf(&sb, "route replace ");
		sdp_route_format(route, buf + sb.off, len - sb.off);
	}
	return buf;
}

/* Fill @r (zeroed by the caller) with the request for @route. */
int dp_route_req_init(struct dp_req *r, const struct sdp_route *route,
		      enum sdp_cmd cmd)
{
	int ret;

	r->cmd = cmd;
	r->op = cmd == SDP_CMD_DELETE ? SDP_OP_ROUTE_DELETE
				      : SDP_OP_ROUTE_REPLACE;
	ret = sdp_route_build(route, cmd, &r->msg);
	if (ret < 0) {
		/* No message to make it from later: the text now. */
		r->err = ret;
		r->text = dp_route_text(route, cmd);
	}
	return ret;
}

char *dp_route_msg_text(struct nl_msg *msg, enum sdp_cmd cmd)
{
	struct sdp_nexthop *nh = calloc(SDP_NEXTHOP_MAX, sizeof(*nh));
	struct sdp_route route;
	char *text = NULL;

	if (nh && sdp_route_parse(nlmsg_hdr(msg), &route, nh, SDP_NEXTHOP_MAX)
			  == 0)
		text = dp_route_text(&route, cmd);
	free(nh);
	return text;
}

static int dp_route_run(struct sdp *dp, const struct sdp_route *route,
		      enum sdp_cmd cmd)
{
	struct dp_req r = {0};

	dp_error_clear(dp);
	return dp_req_run_one(dp, &r, dp_route_req_init(&r, route, cmd));
}

int sdp_route_replace(struct sdp *dp, const struct sdp_route *route)
{
	return dp_route_run(dp, route, SDP_CMD_REPLACE);
}

int sdp_route_delete(struct sdp *dp, const struct sdp_route *route)
{
	return dp_route_run(dp, route, SDP_CMD_DELETE);
}

/*
 * Dump
 */

struct dp_route_dump {
	int family;
	uint32_t table;
	sdp_route_cb cb;
	void *arg;
	struct sdp_nexthop *nh;
};

static int dp_route_dump_one(const struct nlmsghdr *nlh, void *arg)
{
	struct dp_route_dump *d = arg;
	const struct rtmsg *rtm;
	struct sdp_route route;
	int ret;

	if (nlh->nlmsg_type != RTM_NEWROUTE
	    || !nlmsg_valid_hdr(nlh, sizeof(*rtm)))
		return 0;
	rtm = nlmsg_data(nlh);
	/* Cached clones (PMTU exceptions) are not routes anyone installed. */
	if (rtm->rtm_family != d->family || (rtm->rtm_flags & RTM_F_CLONED))
		return 0;
	ret = sdp_route_parse(nlh, &route, d->nh, SDP_NEXTHOP_MAX);
	/* as for LSPs: an entry we cannot read is not ours; skip it */
	if (ret == -E2BIG || ret == -EBADMSG)
		return 0;
	if (ret < 0)
		return ret;
	/* Without strict checking the kernel dumps every table. */
	if (route.table != d->table)
		return 0;
	return d->cb(&route, d->arg);
}

int sdp_route_dump_table(struct sdp *dp, int family, uint32_t table,
			 sdp_route_cb cb, void *arg)
{
	struct rtmsg rtm = {.rtm_family = family};
	struct dp_route_dump d = {
		.family = family,
		.table = table,
		.cb = cb,
		.arg = arg,
	};
	char extack[256] = "";
	struct nl_msg *msg;
	bool strict;
	int ret;

	dp_error_clear(dp);
	if ((family != AF_INET && family != AF_INET6) || table == 0) {
		dp_error_set(dp, "route dump: bad family %d or table %u",
			     family, table);
		return -EINVAL;
	}
	if (dp->backend == SDP_BACKEND_NULL)
		return dp_null_route_dump(dp, family, table, cb, arg);

	/*
	 * With strict checking the kernel dumps only @table (RTA_TABLE, in
	 * rtm_table too when it fits) instead of every table of the family:
	 * a readback costs the table's size, not the node's. The option is
	 * set for this request only (it makes other requests stricter too);
	 * a kernel without it (< 4.20) dumps everything, filtered below.
	 */
	strict = setsockopt(nl_socket_get_fd(dp->sk), SOL_NETLINK,
			    NETLINK_GET_STRICT_CHK, &(int){1}, sizeof(int))
		 == 0;
	if (strict)
		rtm.rtm_table = table < 256 ? table : RT_TABLE_UNSPEC;
	d.nh = calloc(SDP_NEXTHOP_MAX, sizeof(*d.nh));
	msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
	if (!d.nh || !msg
	    || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0
	    || (strict && nla_put_u32(msg, RTA_TABLE, table) < 0)) {
		free(d.nh);
		nlmsg_free(msg);
		ret = -ENOMEM;
		goto out;
	}
	ret = dp_nl_query(dp, msg, dp_route_dump_one, &d, extack,
			  sizeof(extack));
	free(d.nh);
	/* strict: a table that does not exist (yet) is an empty one */
	if (strict && ret == -ENOENT)
		ret = 0;
out:
	if (strict)
		(void)setsockopt(nl_socket_get_fd(dp->sk), SOL_NETLINK,
				 NETLINK_GET_STRICT_CHK, &(int){0},
				 sizeof(int));
	if (ret < 0)
		dp_error_set(dp, "route dump %s table=%u: %s%s%s",
			     family == AF_INET6 ? "inet6" : "inet", table,
			     strerror(-ret), extack[0] ? ": " : "", extack);
	return ret;
}
