// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: VRF devices, enslaving, link lookups.
 *
 * DOC: provisioning, idempotent by design
 *
 * FRR does not create Linux VRF devices; satnet's config node does,
 * and it replays its whole configuration after every restart. So each
 * verb here means "make it so": adding a VRF that already exists with
 * the same table, deleting one that is gone, releasing an interface
 * that has no master all succeed without touching the kernel. What
 * cannot be made so safely is refused with a reason instead: a name
 * taken by another kind of device, a VRF with a different table (the
 * kernel cannot change it), a master that is not a VRF.
 *
 * Lookups come first and changes name devices by ifindex, so a verb
 * never acts on a device other than the one it examined. Messages are
 * built with libnl's rtnl_link objects and sent through the same
 * request runner as routes, so they get extended-ACK text and the null
 * backend sees them as netlink messages too.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vrf.h>

#include "dp_private.h"

/* Parse an RTM_NEWLINK (a GETLINK reply or a dump entry). */
int dp_link_parse(const struct nlmsghdr *nlh, struct sdp_link *link)
{
	struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;

	memset(link, 0, sizeof(*link));
	if (nlh->nlmsg_type != RTM_NEWLINK
	    || !nlmsg_valid_hdr(nlh, sizeof(*ifi)))
		return -EBADMSG;
	ifi = nlmsg_data(nlh);
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*ifi), tb, IFLA_MAX,
			NULL)
	    < 0)
		return -EBADMSG;

	link->ifindex = ifi->ifi_index;
	link->up = !!(ifi->ifi_flags & IFF_UP);
	link->lower_up = !!(ifi->ifi_flags & IFF_LOWER_UP);
	if (tb[IFLA_IFNAME])
		nla_strlcpy(link->name, tb[IFLA_IFNAME], sizeof(link->name));
	if (tb[IFLA_MASTER] && nla_len(tb[IFLA_MASTER]) >= 4)
		link->master = nla_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_MTU] && nla_len(tb[IFLA_MTU]) >= 4)
		link->mtu = nla_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_IFALIAS])
		nla_strlcpy(link->alias, tb[IFLA_IFALIAS], sizeof(link->alias));

	if (tb[IFLA_LINKINFO]) {
		struct nlattr *li[IFLA_INFO_MAX + 1];
		struct nlattr *vrf[IFLA_VRF_MAX + 1];

		if (nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL)
		    < 0)
			return -EBADMSG;
		if (li[IFLA_INFO_KIND])
			nla_strlcpy(link->kind, li[IFLA_INFO_KIND],
				    sizeof(link->kind));
		if (!strcmp(link->kind, "vrf") && li[IFLA_INFO_DATA]
		    && nla_parse_nested(vrf, IFLA_VRF_MAX, li[IFLA_INFO_DATA],
					NULL)
			       == 0
		    && vrf[IFLA_VRF_TABLE] && nla_len(vrf[IFLA_VRF_TABLE]) >= 4)
			link->table = nla_get_u32(vrf[IFLA_VRF_TABLE]);
	}
	return 0;
}

/*
 * Lookups
 */

struct dp_link_get {
	struct sdp_link *link;
	bool found;
};

static int dp_link_get_one(const struct nlmsghdr *nlh, void *arg)
{
	struct dp_link_get *g = arg;

	if (nlh->nlmsg_type != RTM_NEWLINK || g->found)
		return 0;
	if (dp_link_parse(nlh, g->link) == 0)
		g->found = true;
	return 0;
}

static int dp_link_lookup(struct sdp *dp, const char *name, uint32_t ifindex,
			  struct sdp_link *link)
{
	struct dp_link_get g = {.link = link};
	char text[64], extack[256] = "";
	const char *emsg = NULL;
	struct nl_msg *msg;
	int ret;

	if (name)
		snprintf(text, sizeof(text), "link get name=%s", name);
	else
		snprintf(text, sizeof(text), "link get ifindex=%u", ifindex);

	if (dp->backend == SDP_BACKEND_NULL) {
		ret = dp_null_record(dp, SDP_OP_LINK_GET, text, &emsg);
		if (ret == 0)
			ret = dp_null_link_get(dp, name, ifindex, link);
		dp_null_result(dp, ret);
	} else {
		ret = rtnl_link_build_get_request((int)ifindex, name, &msg);
		if (ret < 0)
			ret = dp_nlerr(ret);
		else
			ret = dp_nl_query(dp, msg, dp_link_get_one, &g, extack,
					  sizeof(extack));
		if (ret == 0 && !g.found)
			ret = -ENODEV;
		emsg = extack;
	}
	if (ret < 0)
		dp_error_set(dp, "%s: %s%s%s", text, strerror(-ret),
			     emsg && emsg[0] ? ": " : "", emsg ? emsg : "");
	return ret;
}

int sdp_link_get(struct sdp *dp, const char *name, struct sdp_link *link)
{
	const char *why;

	dp_error_clear(dp);
	if (sdp_ifname_check(name, &why) < 0) {
		dp_error_set(dp, "link get: %s", why);
		return -EINVAL;
	}
	return dp_link_lookup(dp, name, 0, link);
}

int sdp_link_get_by_index(struct sdp *dp, uint32_t ifindex,
			  struct sdp_link *link)
{
	dp_error_clear(dp);
	if (ifindex == 0 || ifindex > INT32_MAX) {
		dp_error_set(dp, "link get: bad ifindex %u", ifindex);
		return -EINVAL;
	}
	return dp_link_lookup(dp, NULL, ifindex, link);
}

struct dp_link_dump {
	sdp_link_cb cb;
	void *arg;
};

static int dp_link_dump_one(const struct nlmsghdr *nlh, void *arg)
{
	struct dp_link_dump *d = arg;
	struct sdp_link link;

	if (nlh->nlmsg_type != RTM_NEWLINK || dp_link_parse(nlh, &link) < 0)
		return 0;
	return d->cb(&link, d->arg);
}

int sdp_link_dump(struct sdp *dp, sdp_link_cb cb, void *arg)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct dp_link_dump d = {.cb = cb, .arg = arg};
	char extack[256];
	struct nl_msg *msg;
	int ret;

	dp_error_clear(dp);
	if (dp->backend == SDP_BACKEND_NULL)
		return dp_null_link_dump(dp, cb, arg);

	msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = dp_nl_query(dp, msg, dp_link_dump_one, &d, extack,
			  sizeof(extack));
	if (ret < 0)
		dp_error_set(dp, "link dump: %s%s%s", strerror(-ret),
			     extack[0] ? ": " : "", extack);
	return ret;
}

/*
 * Changes
 */

/*
 * Build the message from @link (consumed), then send it under @text
 * (consumed).
 */
static int dp_link_send(struct sdp *dp, enum sdp_op op, struct rtnl_link *link,
			bool del, int flags, char *text)
{
	struct nl_msg *msg = NULL;
	int ret;

	if (del)
		ret = rtnl_link_build_delete_request(link, &msg);
	else
		ret = rtnl_link_build_add_request(link, flags, &msg);
	rtnl_link_put(link);
	if (ret < 0) {
		ret = dp_nlerr(ret);
		if (text)
			dp_error_set(dp, "%s: %s", text, strerror(-ret));
		free(text);
		return ret;
	}
	return dp_run_one(dp, op, del ? SDP_CMD_DELETE : SDP_CMD_REPLACE, msg,
			  text);
}

static int dp_link_bad_name(struct sdp *dp, const char *what, const char *why)
{
	dp_error_set(dp, "%s: %s", what, why);
	return -EINVAL;
}

int sdp_vrf_add(struct sdp *dp, const char *name, uint32_t table)
{
	struct rtnl_link *link;
	struct sdp_link cur;
	const char *why;
	char *text;
	int ret;

	dp_error_clear(dp);
	if (sdp_vrf_name_check(name, &why) < 0)
		return dp_link_bad_name(dp, "vrf add", why);
	if (sdp_vrf_table_check(table, &why) < 0)
		return dp_link_bad_name(dp, "vrf add", why);

	link = rtnl_link_vrf_alloc();
	if (!link)
		return -ENOMEM;
	rtnl_link_set_name(link, name);
	ret = rtnl_link_vrf_set_tableid(link, table);
	if (ret < 0) {
		rtnl_link_put(link);
		return dp_nlerr(ret);
	}
	text = dp_asprintf("vrf add name=%s table=%u", name, table);
	/* EXCL: an existing device must not be silently taken over. */
	ret = dp_link_send(dp, SDP_OP_VRF_ADD, link, false,
			   NLM_F_CREATE | NLM_F_EXCL, text);
	if (ret != -EEXIST)
		return ret;

	/* Already there: fine if it is exactly what we asked for. */
	if (dp_link_lookup(dp, name, 0, &cur) < 0) {
		dp_error_set(dp, "vrf add name=%s table=%u: %s", name, table,
			     strerror(EEXIST));
		return -EEXIST;
	}
	if (!strcmp(cur.kind, "vrf") && cur.table == table) {
		dp_error_clear(dp);
		return 0;
	}
	if (!strcmp(cur.kind, "vrf"))
		dp_error_set(
			dp,
			"vrf add name=%s table=%u: %s: a vrf with table %u has that name",
			name, table, strerror(EEXIST), cur.table);
	else
		dp_error_set(
			dp,
			"vrf add name=%s table=%u: %s: a device of kind \"%s\" has that name",
			name, table, strerror(EEXIST), cur.kind);
	return -EEXIST;
}

int sdp_vrf_del(struct sdp *dp, const char *name)
{
	struct rtnl_link *link;
	struct sdp_link cur;
	const char *why;
	int ret;

	dp_error_clear(dp);
	if (sdp_vrf_name_check(name, &why) < 0)
		return dp_link_bad_name(dp, "vrf del", why);

	ret = dp_link_lookup(dp, name, 0, &cur);
	if (ret == -ENODEV) {
		dp_error_clear(dp);
		return 0;
	}
	if (ret < 0)
		return ret;
	if (strcmp(cur.kind, "vrf")) {
		dp_error_set(
			dp,
			"vrf del name=%s: %s: device is of kind \"%s\", not a vrf",
			name, strerror(EINVAL), cur.kind);
		return -EINVAL;
	}

	link = rtnl_link_alloc();
	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, (int)cur.ifindex);
	return dp_link_send(dp, SDP_OP_VRF_DEL, link, true, 0,
			    dp_asprintf("vrf del name=%s", name));
}

int sdp_link_set_up(struct sdp *dp, const char *name, bool up)
{
	struct rtnl_link *link;
	struct sdp_link cur;
	const char *why;
	int ret;

	dp_error_clear(dp);
	if (sdp_ifname_check(name, &why) < 0)
		return dp_link_bad_name(dp, "link set", why);
	ret = dp_link_lookup(dp, name, 0, &cur);
	if (ret < 0)
		return ret;

	link = rtnl_link_alloc();
	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, (int)cur.ifindex);
	if (up)
		rtnl_link_set_flags(link, IFF_UP);
	else
		rtnl_link_unset_flags(link, IFF_UP);
	return dp_link_send(
		dp, SDP_OP_LINK_SET, link, false, 0,
		dp_asprintf("link set name=%s %s", name, up ? "up" : "down"));
}

int sdp_link_enslave(struct sdp *dp, const char *name, const char *vrf)
{
	struct sdp_link master, slave;
	struct rtnl_link *link;
	const char *why;
	int ret;

	dp_error_clear(dp);
	if (sdp_ifname_check(name, &why) < 0
	    || sdp_vrf_name_check(vrf, &why) < 0)
		return dp_link_bad_name(dp, "link enslave", why);

	ret = dp_link_lookup(dp, vrf, 0, &master);
	if (ret < 0)
		return ret;
	if (strcmp(master.kind, "vrf")) {
		dp_error_set(
			dp,
			"link enslave name=%s master=%s: %s: master is of kind \"%s\", not a vrf",
			name, vrf, strerror(EINVAL), master.kind);
		return -EINVAL;
	}
	ret = dp_link_lookup(dp, name, 0, &slave);
	if (ret < 0)
		return ret;

	link = rtnl_link_alloc();
	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, (int)slave.ifindex);
	rtnl_link_set_master(link, (int)master.ifindex);
	return dp_link_send(
		dp, SDP_OP_LINK_ENSLAVE, link, false, 0,
		dp_asprintf("link enslave name=%s master=%s", name, vrf));
}

int sdp_link_release(struct sdp *dp, const char *name)
{
	struct sdp_link slave, master;
	struct rtnl_link *link;
	const char *why;
	int ret;

	dp_error_clear(dp);
	if (sdp_ifname_check(name, &why) < 0)
		return dp_link_bad_name(dp, "link release", why);
	ret = dp_link_lookup(dp, name, 0, &slave);
	if (ret < 0)
		return ret;
	if (!slave.master)
		return 0;
	ret = dp_link_lookup(dp, NULL, slave.master, &master);
	if (ret < 0)
		return ret;
	if (strcmp(master.kind, "vrf")) {
		dp_error_set(
			dp,
			"link release name=%s: %s: its master %s is of kind \"%s\", not a vrf",
			name, strerror(EINVAL), master.name, master.kind);
		return -EINVAL;
	}

	link = rtnl_link_alloc();
	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, (int)slave.ifindex);
	rtnl_link_set_master(link, 0);
	return dp_link_send(dp, SDP_OP_LINK_RELEASE, link, false, 0,
			    dp_asprintf("link release name=%s", name));
}

int sdp_link_set_alias(struct sdp *dp, const char *name, const char *alias)
{
	struct rtnl_link *link;
	struct sdp_link cur;
	const char *why;
	size_t i;
	int ret;

	dp_error_clear(dp);
	if (sdp_ifname_check(name, &why) < 0)
		return dp_link_bad_name(dp, "link set", why);
	if (!alias || strlen(alias) >= SDP_ALIASSZ)
		return dp_link_bad_name(dp, "link set",
					"alias missing or too long");
	for (i = 0; alias[i]; i++)
		if ((unsigned char)alias[i] < ' '
		    || (unsigned char)alias[i] >= 0x7f)
			return dp_link_bad_name(
				dp, "link set",
				"alias must be printable ASCII");
	ret = dp_link_lookup(dp, name, 0, &cur);
	if (ret < 0)
		return ret;

	link = rtnl_link_alloc();
	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, (int)cur.ifindex);
	rtnl_link_set_ifalias(link, alias);
	return dp_link_send(
		dp, SDP_OP_LINK_SET, link, false, 0,
		dp_asprintf("link set name=%s alias=%s", name, alias));
}
