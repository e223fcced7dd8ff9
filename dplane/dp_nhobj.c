// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: kernel nexthop objects.
 *
 * DOC: one object for many routes
 *
 * A nexthop object (RTM_NEWNEXTHOP, Linux 5.3+) holds forwarding that
 * routes refer to by id (RTA_NH_ID) instead of carrying it inline:
 *
 *   single  NHA_ID, NHA_OIF, NHA_GATEWAY (nh_family's address),
 *           NHA_ENCAP_TYPE = LWTUNNEL_ENCAP_MPLS + NHA_ENCAP
 *           {MPLS_IPTUNNEL_DST: the label stack}, RTNH_F_ONLINK in nh_flags
 *   group   NHA_ID, NHA_GROUP: struct nexthop_grp {id, weight - 1} of
 *           single objects, nh_family AF_UNSPEC
 *
 * Replacing an object (NLM_F_REPLACE on its id) changes the forwarding
 * of every route that refers to it in one kernel write; deleting it
 * removes those routes. The label stack is encoded as for routes
 * (dp_nh_put_encap()), so a request and its readback print the same.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/lwtunnel.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "dp_private.h"

static uint8_t dp_nhobj_proto(const struct sdp_nhobj *o)
{
	return o->proto ? o->proto : SDP_RTPROT;
}

static int dp_nhobj_check(const struct sdp_nhobj *o)
{
	size_t i;

	if (!o->id)
		return -EINVAL;
	if (o->n_group) {
		if (o->n_group > SDP_NEXTHOP_MAX || !o->group)
			return -EINVAL;
		for (i = 0; i < o->n_group; i++)
			if (!o->group[i].id || o->group[i].weight > 256)
				return -EINVAL;
		return 0;
	}
	if (o->family != AF_INET && o->family != AF_INET6)
		return -EINVAL;
	if (!o->nh.ifindex)
		return -EINVAL;
	if (o->nh.via.family != AF_UNSPEC && o->nh.via.family != o->family)
		return -EINVAL;
	return dp_nexthops_check(&o->nh, 1, false);
}

int sdp_nhobj_build(const struct sdp_nhobj *o, enum sdp_cmd cmd,
		    struct nl_msg **msgp)
{
	struct nhmsg hdr = {.nh_protocol = dp_nhobj_proto(o)};
	struct nl_msg *msg;
	size_t size, i;
	int ret;

	*msgp = NULL;
	if (cmd != SDP_CMD_REPLACE && cmd != SDP_CMD_DELETE
	    && cmd != SDP_CMD_CHANGE)
		return -EINVAL;
	if (cmd == SDP_CMD_DELETE) {
		if (!o->id)
			return -EINVAL;
		hdr.nh_protocol = 0;
	} else {
		ret = dp_nhobj_check(o);
		if (ret < 0)
			return ret;
		if (!o->n_group) {
			hdr.nh_family = o->family;
			if (o->nh.flags & SDP_NH_ONLINK)
				hdr.nh_flags |= RTNH_F_ONLINK;
		}
	}

	size = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(hdr)) + nla_total_size(4)
	       + nla_total_size(4) + nla_total_size(16)
	       + nla_total_size(2) + nla_total_size(0)
	       + nla_total_size(4 * SDP_LABEL_STACK_MAX)
	       + nla_total_size(o->n_group * sizeof(struct nexthop_grp));
	msg = nlmsg_alloc_size(size);
	if (!msg)
		return -ENOMEM;
	if (!nlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ,
		       cmd == SDP_CMD_DELETE ? RTM_DELNEXTHOP : RTM_NEWNEXTHOP,
		       sizeof(hdr),
		       NLM_F_REQUEST
			       | (cmd == SDP_CMD_DELETE   ? 0
				  : cmd == SDP_CMD_CHANGE ? NLM_F_REPLACE
							  : NLM_F_CREATE
								    | NLM_F_REPLACE)))
		goto nla_put_failure;
	memcpy(nlmsg_data(nlmsg_hdr(msg)), &hdr, sizeof(hdr));
	if (nla_put_u32(msg, NHA_ID, o->id) < 0)
		goto nla_put_failure;
	if (cmd == SDP_CMD_DELETE)
		goto done;

	if (o->n_group) {
		struct nexthop_grp grp[SDP_NEXTHOP_MAX];

		memset(grp, 0, o->n_group * sizeof(grp[0]));
		for (i = 0; i < o->n_group; i++) {
			uint16_t w = o->group[i].weight ? o->group[i].weight
							: 1;

			grp[i].id = o->group[i].id;
			grp[i].weight = (uint8_t)(w - 1);
		}
		if (nla_put(msg, NHA_GROUP, o->n_group * sizeof(grp[0]), grp)
		    < 0)
			goto nla_put_failure;
		goto done;
	}
	if (nla_put_u32(msg, NHA_OIF, o->nh.ifindex) < 0)
		goto nla_put_failure;
	if (o->nh.via.family != AF_UNSPEC
	    && nla_put(msg, NHA_GATEWAY, dp_addr_len(o->family),
		       o->nh.via.bytes)
		       < 0)
		goto nla_put_failure;
	if (dp_nh_put_encap(msg, NHA_ENCAP_TYPE, NHA_ENCAP, &o->nh) < 0)
		goto nla_put_failure;
done:
	*msgp = msg;
	return 0;

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int sdp_nhobj_parse(const struct nlmsghdr *nlh, struct sdp_nhobj *o,
		    struct sdp_nhgrp_ent *grp, size_t grp_max)
{
	struct nlattr *tb[NHA_MAX + 1];
	const struct nhmsg *nhm;
	int ret;

	memset(o, 0, sizeof(*o));
	if (nlh->nlmsg_type != RTM_NEWNEXTHOP
	    && nlh->nlmsg_type != RTM_DELNEXTHOP)
		return -EBADMSG;
	if (!nlmsg_valid_hdr(nlh, sizeof(*nhm)))
		return -EBADMSG;
	nhm = nlmsg_data(nlh);
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*nhm), tb, NHA_MAX,
			NULL)
	    < 0)
		return -EBADMSG;
	if (!tb[NHA_ID] || nla_len(tb[NHA_ID]) < 4)
		return -EBADMSG;
	o->id = nla_get_u32(tb[NHA_ID]);
	o->proto = nhm->nh_protocol;
	o->family = nhm->nh_family;
	if (nlh->nlmsg_type == RTM_DELNEXTHOP)
		return 0;

	if (tb[NHA_GROUP]) {
		const struct nexthop_grp *g = nla_data(tb[NHA_GROUP]);
		size_t n = (size_t)nla_len(tb[NHA_GROUP]) / sizeof(*g), i;

		if (nla_len(tb[NHA_GROUP]) % sizeof(*g) || !n)
			return -EBADMSG;
		if (n > grp_max)
			return -E2BIG;
		for (i = 0; i < n; i++) {
			struct nexthop_grp e;

			memcpy(&e, &g[i], sizeof(e));
			grp[i].id = e.id;
			grp[i].weight = (uint16_t)(e.weight + 1);
		}
		o->group = grp;
		o->n_group = n;
		o->family = AF_UNSPEC;
		return 0;
	}
	if (nhm->nh_flags & RTNH_F_ONLINK)
		o->nh.flags |= SDP_NH_ONLINK;
	if (nhm->nh_flags & RTNH_F_DEAD)
		o->nh.flags |= SDP_NH_DEAD;
	if (tb[NHA_OIF] && nla_len(tb[NHA_OIF]) >= 4)
		o->nh.ifindex = nla_get_u32(tb[NHA_OIF]);
	if (tb[NHA_GATEWAY]) {
		int alen = dp_addr_len(o->family);

		if (!alen || nla_len(tb[NHA_GATEWAY]) != alen)
			return -EBADMSG;
		o->nh.via.family = o->family;
		memcpy(o->nh.via.bytes, nla_data(tb[NHA_GATEWAY]), alen);
	}
	ret = dp_nh_get_encap_labels(tb[NHA_ENCAP_TYPE], tb[NHA_ENCAP], &o->nh);
	return ret < 0 ? ret : 0;
}

static void dp_nhobj_format_body(struct dp_sb *sb, const struct sdp_nhobj *o)
{
	size_t i;

	dp_sb_printf(sb, "id=%u proto=%u", o->id, dp_nhobj_proto(o));
	if (o->n_group) {
		dp_sb_printf(sb, " group=");
		for (i = 0; i < o->n_group; i++)
			dp_sb_printf(sb, "%s%u/%u", i ? "," : "",
				     o->group[i].id,
				     o->group[i].weight ? o->group[i].weight
							: 1);
	} else if (o->family) {
		dp_sb_printf(sb, " %s",
			     o->family == AF_INET6 ? "inet6" : "inet");
		dp_nexthops_format(sb, &o->nh, 1);
	}
}

int sdp_nhobj_format(const struct sdp_nhobj *o, char *buf, size_t len)
{
	struct dp_sb sb;

	dp_sb_init(&sb, buf, len);
	dp_sb_printf(&sb, "nhobj ");
	dp_nhobj_format_body(&sb, o);
	return dp_sb_result(&sb);
}

/* "nhobj replace id=..." / "nhobj delete id=..."; caller frees. */
static char *dp_nhobj_text(const struct sdp_nhobj *o, enum sdp_cmd cmd)
{
	size_t len = 192 + 16 * o->n_group;
	struct dp_sb sb;
	char *buf = malloc(len);

	if (!buf)
		return NULL;
	dp_sb_init(&sb, buf, len);
	if (cmd == SDP_CMD_DELETE) {
		dp_sb_printf(&sb, "nhobj delete id=%u", o->id);
		return buf;
	}
	dp_sb_printf(&sb, cmd == SDP_CMD_CHANGE ? "nhobj change "
						: "nhobj replace ");
	dp_nhobj_format_body(&sb, o);
	return buf;
}

int dp_nhobj_req_init(struct dp_req *r, const struct sdp_nhobj *o,
		      enum sdp_cmd cmd)
{
	int ret;

	r->cmd = cmd;
	r->op = cmd == SDP_CMD_DELETE ? SDP_OP_NHOBJ_DELETE
				      : SDP_OP_NHOBJ_REPLACE;
	ret = sdp_nhobj_build(o, cmd, &r->msg);
	if (ret < 0) {
		r->err = ret;
		r->text = dp_nhobj_text(o, cmd);
	}
	return ret;
}

char *dp_nhobj_msg_text(struct nl_msg *msg, enum sdp_cmd cmd)
{
	struct sdp_nhgrp_ent *grp = calloc(SDP_NEXTHOP_MAX, sizeof(*grp));
	struct sdp_nhobj o;
	char *text = NULL;

	if (grp && sdp_nhobj_parse(nlmsg_hdr(msg), &o, grp, SDP_NEXTHOP_MAX)
			   == 0)
		text = dp_nhobj_text(&o, cmd);
	free(grp);
	return text;
}

int sdp_nhobj_replace(struct sdp *dp, const struct sdp_nhobj *o)
{
	struct dp_req r = {0};

	dp_error_clear(dp);
	return dp_req_run_one(dp, &r, dp_nhobj_req_init(&r, o, SDP_CMD_REPLACE));
}

int sdp_nhobj_delete(struct sdp *dp, uint32_t id)
{
	struct sdp_nhobj o = {.id = id};
	struct dp_req r = {0};

	dp_error_clear(dp);
	return dp_req_run_one(dp, &r, dp_nhobj_req_init(&r, &o, SDP_CMD_DELETE));
}

/*
 * Dump
 */

struct dp_nhobj_dump {
	uint8_t proto;
	uint32_t id_min, id_max;
	sdp_nhobj_cb cb;
	void *arg;
	struct sdp_nhgrp_ent *grp;
};

static int dp_nhobj_dump_one(const struct nlmsghdr *nlh, void *arg)
{
	struct dp_nhobj_dump *d = arg;
	struct sdp_nhobj o;
	int ret;

	if (nlh->nlmsg_type != RTM_NEWNEXTHOP)
		return 0;
	ret = sdp_nhobj_parse(nlh, &o, d->grp, SDP_NEXTHOP_MAX);
	if (ret < 0)
		return ret;
	if ((d->proto && o.proto != d->proto) || o.id < d->id_min
	    || o.id > d->id_max)
		return 0;
	return d->cb(&o, d->arg);
}

int sdp_nhobj_dump(struct sdp *dp, uint8_t proto, uint32_t id_min,
		   uint32_t id_max, sdp_nhobj_cb cb, void *arg)
{
	struct nhmsg nhm = {0};
	struct dp_nhobj_dump d = {
		.proto = proto,
		.id_min = id_min,
		.id_max = id_max,
		.cb = cb,
		.arg = arg,
	};
	char extack[256];
	struct nl_msg *msg;
	int ret;

	dp_error_clear(dp);
	if (dp->backend == SDP_BACKEND_NULL)
		return dp_null_nhobj_dump(dp, proto, id_min, id_max, cb, arg);

	d.grp = calloc(SDP_NEXTHOP_MAX, sizeof(*d.grp));
	msg = nlmsg_alloc_simple(RTM_GETNEXTHOP, NLM_F_REQUEST | NLM_F_DUMP);
	if (!d.grp || !msg
	    || nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO) < 0) {
		free(d.grp);
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = dp_nl_query(dp, msg, dp_nhobj_dump_one, &d, extack,
			  sizeof(extack));
	free(d.grp);
	if (ret < 0)
		dp_error_set(dp, "nexthop object dump: %s%s%s", strerror(-ret),
			     extack[0] ? ": " : "", extack);
	return ret;
}
