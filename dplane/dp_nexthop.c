// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: nexthops, label stacks and addresses.
 *
 * DOC: one nexthop encoder for two families
 *
 * LSPs and routes share their nexthop shape and differ only in where
 * the labels and the next-hop address go:
 *
 *   family   labels                              address
 *   AF_MPLS  RTA_NEWDST (swap to)                RTA_VIA (struct rtvia)
 *   AF_INET  RTA_ENCAP_TYPE=LWTUNNEL_ENCAP_MPLS  RTA_GATEWAY, or RTA_VIA
 *   AF_INET6 + RTA_ENCAP{MPLS_IPTUNNEL_DST}      for the other family
 *
 * One nexthop goes straight into the route message (RTA_OIF, flags in
 * rtm_flags); several go into RTA_MULTIPATH as struct rtnexthop
 * records, each followed by its own attributes, with the device in
 * rtnh_ifindex and weight - 1 in rtnh_hops. This is the layout
 * iproute2 writes and the kernel dumps, so the parser below reads both
 * our own messages and the kernel's.
 *
 * Label stack entries follow RFC 3032: label << 12, the bottom-of-stack
 * bit (0x100) on the last entry only, TC and TTL zero (the kernel
 * insists on zero TTL and TC in requests).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/lwtunnel.h>
#include <linux/mpls.h>
#include <linux/mpls_iptunnel.h>
#include <linux/rtnetlink.h>

#include "dp_private.h"

uint32_t dp_lse_encode(uint32_t label, bool bos)
{
	return htonl((label << MPLS_LS_LABEL_SHIFT)
		     | (bos ? MPLS_LS_S_MASK : 0));
}

int dp_addr_len(int family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	}
	return 0;
}

int sdp_addr_parse(struct sdp_addr *addr, const char *str)
{
	memset(addr, 0, sizeof(*addr));
	if (!str)
		return -EINVAL;
	if (inet_pton(AF_INET, str, &addr->v4) == 1) {
		addr->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, str, &addr->v6) == 1) {
		addr->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int sdp_addr_format(const struct sdp_addr *addr, char *buf, size_t len)
{
	if (!len)
		return -ENOSPC;
	if (addr->family == AF_UNSPEC) {
		if (len < 2)
			return -ENOSPC;
		strcpy(buf, "-");
		return 0;
	}
	if (addr->family != AF_INET && addr->family != AF_INET6)
		return -EAFNOSUPPORT;
	if (!inet_ntop(addr->family, addr->bytes, buf, len))
		return -ENOSPC;
	return 0;
}

/*
 * Validation
 */

/* Labels that survive encoding: implicit-null never goes on the wire. */
static size_t dp_labels_encode(const struct sdp_nexthop *nh, uint32_t *lse)
{
	size_t i, n = 0;

	for (i = 0; i < nh->n_labels; i++)
		if (nh->labels[i] != SDP_LABEL_IMPLICIT_NULL)
			lse[n++] = nh->labels[i];
	for (i = 0; i < n; i++)
		lse[i] = dp_lse_encode(lse[i], i == n - 1);
	return n;
}

int dp_nexthops_check(const struct sdp_nexthop *nh, size_t n, bool mpls)
{
	size_t i, j;

	if (!nh || n == 0 || n > SDP_NEXTHOP_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (nh[i].n_labels > SDP_LABEL_STACK_MAX)
			return -EINVAL;
		for (j = 0; j < nh[i].n_labels; j++)
			if (nh[i].labels[j] > SDP_LABEL_MAX)
				return -EINVAL;
		if (nh[i].via.family != AF_UNSPEC
		    && !dp_addr_len(nh[i].via.family))
			return -EINVAL;
		if (!nh[i].ifindex && nh[i].via.family == AF_UNSPEC)
			return -EINVAL;
		if (nh[i].weight > 256)
			return -EINVAL;
		/* The kernel refuses any rtm_flags for AF_MPLS. */
		if (mpls && (nh[i].flags & SDP_NH_ONLINK))
			return -EINVAL;
	}
	return 0;
}

/*
 * Encoding
 */

static int dp_nh_put_via(struct nl_msg *msg, int family,
			 const struct sdp_addr *via)
{
	int alen = dp_addr_len(via->family);
	struct {
		struct rtvia rtvia;
		uint8_t addr[16];
	} v;

	if (!alen)
		return 0;
	if (family == via->family)
		return nla_put(msg, RTA_GATEWAY, alen, via->bytes);

	/* AF_MPLS always, and RFC 5549 IPv4-over-IPv6 next hops. */
	v.rtvia.rtvia_family = via->family;
	memcpy(v.rtvia.rtvia_addr, via->bytes, alen);
	return nla_put(msg, RTA_VIA, sizeof(v.rtvia) + alen, &v);
}

static int dp_nh_put_labels(struct nl_msg *msg, int family,
			    const struct sdp_nexthop *nh)
{
	uint32_t lse[SDP_LABEL_STACK_MAX];
	size_t n = dp_labels_encode(nh, lse);

	if (!n)
		return 0;
	if (family == AF_MPLS)
		return nla_put(msg, RTA_NEWDST, n * sizeof(lse[0]), lse);
	return dp_nh_put_encap(msg, RTA_ENCAP_TYPE, RTA_ENCAP, nh);
}

/* The labels as an MPLS lightweight tunnel: the same two attributes for
 * routes (RTA_ENCAP_TYPE, RTA_ENCAP) and nexthop objects (NHA_...). */
int dp_nh_put_encap(struct nl_msg *msg, int encap_type, int encap,
		    const struct sdp_nexthop *nh)
{
	uint32_t lse[SDP_LABEL_STACK_MAX];
	struct nlattr *nest;
	size_t n = dp_labels_encode(nh, lse);

	if (!n)
		return 0;
	if (nla_put_u16(msg, encap_type, LWTUNNEL_ENCAP_MPLS) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, encap);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(msg, MPLS_IPTUNNEL_DST, n * sizeof(lse[0]), lse) < 0)
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static uint8_t dp_nh_rtnh_flags(const struct sdp_nexthop *nh)
{
	return (nh->flags & SDP_NH_ONLINK) ? RTNH_F_ONLINK : 0;
}

static int dp_nh_put_multipath(struct nl_msg *msg, int family,
			       const struct sdp_nexthop *nh, size_t n)
{
	struct nlattr *mp;
	size_t i;

	mp = nla_nest_start(msg, RTA_MULTIPATH);
	if (!mp)
		return -EMSGSIZE;
	/*
	 * libnl >= 3.5 flags every nest NLA_F_NESTED, but RTA_MULTIPATH
	 * is an array of rtnexthop, not attributes; send it as iproute2
	 * and the kernel's own dumps do.
	 */
	mp->nla_type &= ~NLA_F_NESTED;
	for (i = 0; i < n; i++) {
		struct rtnexthop *rtnh;

		/*
		 * libnl never reallocates a message (nlmsg_reserve fails
		 * instead), so rtnh stays valid while attributes follow.
		 */
		rtnh = nlmsg_reserve(msg, sizeof(*rtnh), NLMSG_ALIGNTO);
		if (!rtnh)
			return -EMSGSIZE;
		rtnh->rtnh_flags = dp_nh_rtnh_flags(&nh[i]);
		rtnh->rtnh_hops = nh[i].weight ? nh[i].weight - 1 : 0;
		rtnh->rtnh_ifindex = (int)nh[i].ifindex;
		if (dp_nh_put_labels(msg, family, &nh[i]) < 0
		    || dp_nh_put_via(msg, family, &nh[i].via) < 0)
			return -EMSGSIZE;
		rtnh->rtnh_len =
			(char *)nlmsg_tail(nlmsg_hdr(msg)) - (char *)rtnh;
	}
	nla_nest_end(msg, mp);
	return 0;
}

/*
 * Append @n nexthops (already checked) to a route message whose header
 * is @rtm; single-path flags go into rtm->rtm_flags.
 */
int dp_nexthops_put(struct nl_msg *msg, struct rtmsg *rtm,
		    const struct sdp_nexthop *nh, size_t n)
{
	int family = rtm->rtm_family;

	if (n > 1)
		return dp_nh_put_multipath(msg, family, nh, n);

	rtm->rtm_flags |= dp_nh_rtnh_flags(nh);
	if (dp_nh_put_labels(msg, family, nh) < 0
	    || dp_nh_put_via(msg, family, &nh->via) < 0)
		return -EMSGSIZE;
	if (nh->ifindex && nla_put_u32(msg, RTA_OIF, nh->ifindex) < 0)
		return -EMSGSIZE;
	return 0;
}

/* Upper bound of the bytes dp_nexthops_put() may append. */
size_t dp_nexthops_msg_size(size_t n)
{
	size_t per = NLA_ALIGN(sizeof(struct rtnexthop))
		     + nla_total_size(sizeof(struct rtvia) + 16) /* via */
		     + nla_total_size(sizeof(uint16_t))	       /* encap type */
		     + nla_total_size(0)		       /* encap nest */
		     + nla_total_size(4 * SDP_LABEL_STACK_MAX) /* labels */
		     + nla_total_size(4);		       /* oif */

	return nla_total_size(0) + n * per;
}

/*
 * Parsing
 */

static int dp_nh_get_labels(const struct nlattr *nla, struct sdp_nexthop *nh)
{
	const uint32_t *lse = nla_data(nla);
	int i, n = nla_len(nla) / 4;

	if (nla_len(nla) % 4)
		return -EBADMSG;
	if (n > SDP_LABEL_STACK_MAX)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		uint32_t v;

		memcpy(&v, &lse[i], sizeof(v));
		v = ntohl(v);
		nh->labels[i] = v >> MPLS_LS_LABEL_SHIFT;
		if (v & MPLS_LS_S_MASK) {
			i++;
			break;
		}
	}
	nh->n_labels = i;
	return 0;
}

int dp_nh_get_encap_labels(const struct nlattr *type,
			   const struct nlattr *encap, struct sdp_nexthop *nh)
{
	struct nlattr *etb[MPLS_IPTUNNEL_MAX + 1];

	if (!encap || !type)
		return 0;
	if (nla_len(type) < 2
	    || nla_get_u16((struct nlattr *)type) != LWTUNNEL_ENCAP_MPLS)
		return 0; /* another kind of tunnel: not ours to show */
	if (nla_parse_nested(etb, MPLS_IPTUNNEL_MAX, (struct nlattr *)encap,
			     NULL)
	    < 0)
		return -EBADMSG;
	if (!etb[MPLS_IPTUNNEL_DST])
		return 0;
	return dp_nh_get_labels(etb[MPLS_IPTUNNEL_DST], nh);
}

static int dp_nh_get_encap(struct nlattr **tb, struct sdp_nexthop *nh)
{
	return dp_nh_get_encap_labels(tb[RTA_ENCAP_TYPE], tb[RTA_ENCAP], nh);
}

static int dp_nh_get_via(int family, struct nlattr **tb, struct sdp_nexthop *nh)
{
	if (tb[RTA_GATEWAY]) {
		int alen = dp_addr_len(family);

		if (!alen || nla_len(tb[RTA_GATEWAY]) != alen)
			return -EBADMSG;
		nh->via.family = family;
		memcpy(nh->via.bytes, nla_data(tb[RTA_GATEWAY]), alen);
	}
	if (tb[RTA_VIA]) {
		const struct rtvia *v = nla_data(tb[RTA_VIA]);
		int alen;

		if (nla_len(tb[RTA_VIA]) < (int)sizeof(*v))
			return -EBADMSG;
		alen = dp_addr_len(v->rtvia_family);
		/* AF_PACKET (link-layer) vias are not something we use. */
		if (!alen)
			return 0;
		if (nla_len(tb[RTA_VIA]) != (int)sizeof(*v) + alen)
			return -EBADMSG;
		nh->via.family = v->rtvia_family;
		memcpy(nh->via.bytes, v->rtvia_addr, alen);
	}
	return 0;
}

static uint32_t dp_nh_flags_from_rtnh(unsigned int f)
{
	return ((f & RTNH_F_ONLINK) ? SDP_NH_ONLINK : 0)
	       | ((f & RTNH_F_DEAD) ? SDP_NH_DEAD : 0)
	       | ((f & RTNH_F_LINKDOWN) ? SDP_NH_LINKDOWN : 0);
}

static int dp_nh_get_attrs(int family, struct nlattr **tb,
			   struct sdp_nexthop *nh)
{
	int ret;

	ret = dp_nh_get_via(family, tb, nh);
	if (ret < 0)
		return ret;
	if (family == AF_MPLS)
		return tb[RTA_NEWDST] ? dp_nh_get_labels(tb[RTA_NEWDST], nh)
				      : 0;
	return dp_nh_get_encap(tb, nh);
}

static int dp_nh_parse_multipath(const struct rtmsg *rtm,
				 const struct nlattr *mp,
				 struct sdp_nexthop *nh, size_t nh_max,
				 size_t *n)
{
	const struct rtnexthop *rtnh = nla_data(mp);
	int rem = nla_len(mp);
	int ret;

	*n = 0;
	while (rem >= (int)sizeof(*rtnh)) {
		struct nlattr *ntb[RTA_MAX + 1];
		struct sdp_nexthop *cur;

		if (rtnh->rtnh_len < sizeof(*rtnh) || rtnh->rtnh_len > rem)
			return -EBADMSG;
		if (*n == nh_max)
			return -E2BIG;
		cur = &nh[(*n)++];
		memset(cur, 0, sizeof(*cur));
		cur->ifindex = rtnh->rtnh_ifindex;
		cur->weight = rtnh->rtnh_hops + 1;
		cur->flags = dp_nh_flags_from_rtnh(rtnh->rtnh_flags);

		if (nla_parse(ntb, RTA_MAX, (struct nlattr *)RTNH_DATA(rtnh),
			      rtnh->rtnh_len - sizeof(*rtnh), NULL)
		    < 0)
			return -EBADMSG;
		ret = dp_nh_get_attrs(rtm->rtm_family, ntb, cur);
		if (ret < 0)
			return ret;

		rem -= RTNH_ALIGN(rtnh->rtnh_len);
		rtnh = RTNH_NEXT(rtnh);
	}
	return 0;
}

/*
 * Read the nexthops of a route message (attributes already parsed into
 * @tb) into @nh. A route with no device, address or labels (blackhole,
 * nexthop object) yields zero nexthops.
 */
int dp_nexthops_parse(const struct rtmsg *rtm, struct nlattr **tb,
		      struct sdp_nexthop *nh, size_t nh_max, size_t *n)
{
	struct sdp_nexthop one = {0};
	int ret;

	if (tb[RTA_MULTIPATH])
		return dp_nh_parse_multipath(rtm, tb[RTA_MULTIPATH], nh, nh_max,
					     n);

	*n = 0;
	if (tb[RTA_OIF]) {
		if (nla_len(tb[RTA_OIF]) < 4)
			return -EBADMSG;
		one.ifindex = nla_get_u32(tb[RTA_OIF]);
	}
	ret = dp_nh_get_attrs(rtm->rtm_family, tb, &one);
	if (ret < 0)
		return ret;
	if (!one.ifindex && one.via.family == AF_UNSPEC && !one.n_labels)
		return 0;
	if (!nh_max)
		return -E2BIG;
	one.weight = 1;
	one.flags = dp_nh_flags_from_rtnh(rtm->rtm_flags);
	nh[0] = one;
	*n = 1;
	return 0;
}

/*
 * Canonical text: nh=[oif=3 via=10.0.0.2 labels=100/200 weight=2 onlink]
 * with absent fields left out. Implicit-null is left out of labels,
 * as it is on the wire, so a request and its readback print the same.
 */
void dp_nexthops_format(struct dp_sb *sb, const struct sdp_nexthop *nh,
			size_t n)
{
	char abuf[64];
	size_t i, j;

	for (i = 0; i < n; i++) {
		const char *sep = "";
		bool first = true;

		dp_sb_printf(sb, " nh=[");
		if (nh[i].ifindex) {
			dp_sb_printf(sb, "oif=%u", nh[i].ifindex);
			sep = " ";
		}
		if (nh[i].via.family != AF_UNSPEC) {
			if (sdp_addr_format(&nh[i].via, abuf, sizeof(abuf)) < 0)
				snprintf(abuf, sizeof(abuf), "af%u",
					 nh[i].via.family);
			dp_sb_printf(sb, "%svia=%s", sep, abuf);
			sep = " ";
		}
		for (j = 0; j < nh[i].n_labels; j++) {
			if (nh[i].labels[j] == SDP_LABEL_IMPLICIT_NULL)
				continue;
			if (first)
				dp_sb_printf(sb, "%slabels=%u", sep,
					     nh[i].labels[j]);
			else
				dp_sb_printf(sb, "/%u", nh[i].labels[j]);
			first = false;
			sep = " ";
		}
		if (nh[i].weight > 1) {
			dp_sb_printf(sb, "%sweight=%u", sep, nh[i].weight);
			sep = " ";
		}
		if (nh[i].flags & SDP_NH_ONLINK) {
			dp_sb_printf(sb, "%sonlink", sep);
			sep = " ";
		}
		if (nh[i].flags & SDP_NH_DEAD) {
			dp_sb_printf(sb, "%sdead", sep);
			sep = " ";
		}
		if (nh[i].flags & SDP_NH_LINKDOWN)
			dp_sb_printf(sb, "%slinkdown", sep);
		dp_sb_printf(sb, "]");
	}
}
