// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: keeping VRF traffic inside its VRF.
 *
 * DOC: the two leaks the kernel's VRF documentation plugs
 *
 * A Linux VRF is a routing table plus an l3mdev rule (priority 1000)
 * that sends lookups of traffic bound to a VRF device to that table.
 * Two things still let such traffic escape to the default VRF:
 *
 * - the "local" rule sits at priority 0, before the l3mdev rule, so
 *   the node's own addresses in every VRF answer to everyone. Moving
 *   it after the l3mdev rule (SDP_RULE_LOCAL_PREF) fixes that. The new
 *   rule goes in before the old comes out, so local delivery never
 *   lapses, and a move that is already done is not an error (EEXIST
 *   on the add, ENOENT on the delete).
 * - a lookup that finds nothing in the VRF's table falls through to
 *   the rules after it (local, main). An "unreachable default" with a
 *   huge metric in each VRF table ends it there.
 *
 * Rules are sent with NLM_F_EXCL: without it the kernel happily adds a
 * second identical rule on every restart.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "dp_private.h"

#define DP_RT_TABLE_LOCAL 255

static const int dp_families[] = {AF_INET, AF_INET6};

static const char *dp_family_name(int family)
{
	return family == AF_INET6 ? "inet6" : "inet";
}

/* A "lookup @table" rule at priority @pref (also the dump entry shape). */
int dp_rule_build(int family, uint32_t pref, uint32_t table, bool add,
		  struct nl_msg **msgp)
{
	struct fib_rule_hdr frh = {
		.family = family,
		.table = table < 256 ? table : RT_TABLE_UNSPEC,
		.action = FR_ACT_TO_TBL,
	};
	struct nl_msg *msg;

	*msgp = NULL;
	msg = nlmsg_alloc_simple(add ? RTM_NEWRULE : RTM_DELRULE,
				 add ? NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL
				     : NLM_F_REQUEST);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &frh, sizeof(frh), NLMSG_ALIGNTO) < 0
	    || nla_put_u32(msg, FRA_PRIORITY, pref) < 0
	    || nla_put_u32(msg, FRA_TABLE, table) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	*msgp = msg;
	return 0;
}

static int dp_rule_run(struct sdp *dp, int family, uint32_t pref,
		       uint32_t table, bool add)
{
	struct nl_msg *msg;
	int ret;

	ret = dp_rule_build(family, pref, table, add, &msg);
	if (ret < 0)
		return ret;
	return dp_run_one(dp, add ? SDP_OP_RULE_ADD : SDP_OP_RULE_DEL,
			  add ? SDP_CMD_REPLACE : SDP_CMD_DELETE, msg,
			  dp_asprintf("rule %s %s pref=%u table=%u",
				      add ? "add" : "del",
				      dp_family_name(family), pref, table));
}

int sdp_vrf_isolation(struct sdp *dp, bool on)
{
	uint32_t to = on ? SDP_RULE_LOCAL_PREF : 0;
	uint32_t from = on ? 0 : SDP_RULE_LOCAL_PREF;
	char err[sizeof(dp->errbuf)] = "";
	int ret, first = 0;
	size_t i;

	for (i = 0; i < sizeof(dp_families) / sizeof(dp_families[0]); i++) {
		ret = dp_rule_run(dp, dp_families[i], to, DP_RT_TABLE_LOCAL,
				  true);
		if (ret == -EEXIST)
			ret = 0;
		/* Never remove the old rule unless the new one is there. */
		if (ret == 0) {
			ret = dp_rule_run(dp, dp_families[i], from,
					  DP_RT_TABLE_LOCAL, false);
			if (ret == -ENOENT)
				ret = 0;
		}
		if (ret < 0 && !first) {
			first = ret;
			memcpy(err, dp->errbuf, sizeof(err));
		}
	}
	if (first)
		memcpy(dp->errbuf, err, sizeof(err));
	else
		dp_error_clear(dp);
	return first;
}

int sdp_vrf_unreachable_default(struct sdp *dp, uint32_t table, bool on)
{
	char err[sizeof(dp->errbuf)] = "";
	int ret, first = 0;
	const char *why;
	size_t i;

	dp_error_clear(dp);
	if (sdp_vrf_table_check(table, &why) < 0) {
		dp_error_set(dp, "unreachable default table=%u: %s", table,
			     why);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(dp_families) / sizeof(dp_families[0]); i++) {
		struct sdp_route rt = {
			.family = dp_families[i],
			.dst.family = dp_families[i],
			.table = table,
			.proto = SDP_RTPROT,
			.type = RTN_UNREACHABLE,
			.metric = SDP_UNREACHABLE_METRIC,
		};

		if (on) {
			ret = sdp_route_replace(dp, &rt);
		} else {
			ret = sdp_route_delete(dp, &rt);
			if (ret == -ESRCH || ret == -ENOENT)
				ret = 0;
		}
		if (ret < 0 && !first) {
			first = ret;
			memcpy(err, dp->errbuf, sizeof(err));
		}
	}
	if (first)
		memcpy(dp->errbuf, err, sizeof(err));
	else
		dp_error_clear(dp);
	return first;
}

/*
 * Reading the rules back
 */

struct dp_rule_scan {
	int family;
	bool local_at_0;
	bool local_moved;
};

static int dp_rule_scan_one(const struct nlmsghdr *nlh, void *arg)
{
	struct dp_rule_scan *s = arg;
	struct nlattr *tb[FRA_MAX + 1];
	const struct fib_rule_hdr *frh;
	uint32_t table, pref = 0;

	if (nlh->nlmsg_type != RTM_NEWRULE
	    || !nlmsg_valid_hdr(nlh, sizeof(*frh)))
		return 0;
	frh = nlmsg_data(nlh);
	if (frh->family != s->family || frh->action != FR_ACT_TO_TBL)
		return 0;
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*frh), tb, FRA_MAX, NULL)
	    < 0)
		return -EBADMSG;
	table = frh->table;
	if (tb[FRA_TABLE] && nla_len(tb[FRA_TABLE]) >= 4)
		table = nla_get_u32(tb[FRA_TABLE]);
	if (tb[FRA_PRIORITY] && nla_len(tb[FRA_PRIORITY]) >= 4)
		pref = nla_get_u32(tb[FRA_PRIORITY]);
	if (table != DP_RT_TABLE_LOCAL)
		return 0;
	if (pref == 0)
		s->local_at_0 = true;
	else if (pref == SDP_RULE_LOCAL_PREF)
		s->local_moved = true;
	return 0;
}

int sdp_vrf_isolation_get(struct sdp *dp, bool *on)
{
	char extack[256] = "";
	struct nl_msg *msg;
	size_t i;
	int ret = 0;

	dp_error_clear(dp);
	*on = true;
	for (i = 0; i < sizeof(dp_families) / sizeof(dp_families[0]); i++) {
		struct fib_rule_hdr frh = {.family = dp_families[i]};
		struct dp_rule_scan s = {.family = dp_families[i]};

		if (dp->backend == SDP_BACKEND_NULL) {
			ret = dp_null_rule_dump(dp, dp_families[i],
						dp_rule_scan_one, &s);
		} else {
			msg = nlmsg_alloc_simple(RTM_GETRULE,
						 NLM_F_REQUEST | NLM_F_DUMP);
			if (!msg
			    || nlmsg_append(msg, &frh, sizeof(frh),
					    NLMSG_ALIGNTO)
				       < 0) {
				nlmsg_free(msg);
				return -ENOMEM;
			}
			ret = dp_nl_query(dp, msg, dp_rule_scan_one, &s, extack,
					  sizeof(extack));
		}
		if (ret < 0) {
			dp_error_set(dp, "rule dump %s: %s%s%s",
				     dp_family_name(dp_families[i]),
				     strerror(-ret), extack[0] ? ": " : "",
				     extack);
			return ret;
		}
		if (s.local_at_0 || !s.local_moved)
			*on = false;
	}
	return 0;
}
