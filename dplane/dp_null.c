// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: the null backend.
 *
 * DOC: a recorder with a small fake kernel behind it
 *
 * The null backend receives exactly what the netlink backend would
 * send - the same rtnetlink messages, built by the same code - and
 * applies them to an in-memory model instead of a socket: links (with
 * kind, master, VRF table, up), the MPLS table and IP routes per table,
 * plus a key/value store for sysctls when no sysctl root is set. Lookups
 * and dumps answer from that model, so code above this library (the
 * zebra module's provider and reconcile logic) can be tested end to end
 * without privileges.
 *
 * Applying a message means parsing it back with sdp_lsp_parse() /
 * sdp_route_parse() / the link parser: a builder bug that produces an
 * unparseable message fails here as it would in the kernel. The model
 * checks what the kernel checks about names and ifindexes of devices
 * (creating a taken name, enslaving to a missing master, deleting a
 * missing route) but not nexthop reachability or platform_labels.
 *
 * Every request - writes, lookups, dumps, sysctls - is appended to a
 * log as its canonical text with its result, and sdp_null_fail() makes
 * the next N requests (of one kind, or any) fail with a chosen errno
 * and message before they touch the model, as a refusing kernel would.
 * ENOBUFS injected this way exercises the batch retry path.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "dp_private.h"

/* First ifindex the fake kernel hands out (1 is "lo" on real nodes). */
#define DP_NULL_FIRST_IFINDEX 100

struct dp_null_lsp {
	struct sdp_lsp lsp;
	struct sdp_nexthop *nh; /* owned copy, lsp.nexthops points here */
};

struct dp_null_route {
	struct sdp_route route;
	struct sdp_nexthop *nh;
};

struct dp_null_nhobj {
	struct sdp_nhobj o;
	struct sdp_nhgrp_ent *grp; /* owned copy, o.group points here */
};

struct dp_null_rule {
	int family;
	uint32_t pref;
	uint32_t table;
};

struct dp_null_kv {
	char *key;
	char *value;
};

struct dp_null {
	/* request log */
	struct sdp_null_rec *log;
	size_t nlog, caplog;

	/* pending faults */
	enum sdp_op fail_op;
	unsigned int fail_count;
	int fail_err;
	char *fail_msg;

	/* fake kernel */
	struct sdp_link *links;
	size_t nlinks, caplinks;
	uint32_t next_ifindex;
	struct dp_null_lsp *lsps; /* sorted by in-label, like the kernel */
	size_t nlsps, caplsps;
	struct dp_null_route *routes; /* in insertion order */
	size_t nroutes, caproutes;
	struct dp_null_nhobj *nhobjs; /* in insertion order */
	size_t nnhobjs, capnhobjs;
	struct dp_null_rule *rules; /* sorted by priority, like the kernel */
	size_t nrules, caprules;
	struct dp_null_kv *kv;
	size_t nkv, capkv;
};

/* Grow *arr (of elements of @size) to hold one more; 0 or -ENOMEM. */
static int dp_grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

#define DP_GROW(arr, cap, n)                                                   \
	dp_grow((void **)&(arr), &(cap), (n), sizeof(*(arr)))

/* A fresh namespace's rules: local, main, default (IPv4 only). */
static const struct dp_null_rule dp_null_default_rules[] = {
	{AF_INET, 0, 255},	{AF_INET6, 0, 255},    {AF_INET, 32766, 254},
	{AF_INET6, 32766, 254}, {AF_INET, 32767, 253},
};

static int dp_null_rule_insert(struct dp_null *nb, const struct dp_null_rule *r)
{
	size_t i;

	if (DP_GROW(nb->rules, nb->caprules, nb->nrules) < 0)
		return -ENOMEM;
	for (i = 0; i < nb->nrules; i++)
		if (nb->rules[i].pref > r->pref)
			break;
	memmove(&nb->rules[i + 1], &nb->rules[i],
		(nb->nrules - i) * sizeof(nb->rules[0]));
	nb->rules[i] = *r;
	nb->nrules++;
	return 0;
}

int dp_null_open(struct sdp *dp)
{
	struct dp_null *nb;
	size_t i;

	nb = calloc(1, sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	nb->next_ifindex = DP_NULL_FIRST_IFINDEX;
	dp->null = nb;
	for (i = 0; i < sizeof(dp_null_default_rules)
				/ sizeof(dp_null_default_rules[0]);
	     i++) {
		if (dp_null_rule_insert(nb, &dp_null_default_rules[i]) < 0) {
			dp_null_close(dp);
			return -ENOMEM;
		}
	}
	/* As after "modprobe mpls_router": MPLS present, no labels yet. */
	if (dp_null_sysctl_set(dp, "net.mpls.platform_labels", "0") < 0) {
		dp_null_close(dp);
		return -ENOMEM;
	}
	return 0;
}

void sdp_null_log_clear(struct sdp *dp)
{
	struct dp_null *nb = dp->null;
	size_t i;

	if (!nb)
		return;
	for (i = 0; i < nb->nlog; i++)
		free((char *)nb->log[i].text);
	nb->nlog = 0;
}

void dp_null_close(struct sdp *dp)
{
	struct dp_null *nb = dp->null;
	size_t i;

	if (!nb)
		return;
	sdp_null_log_clear(dp);
	free(nb->log);
	free(nb->fail_msg);
	free(nb->links);
	for (i = 0; i < nb->nlsps; i++)
		free(nb->lsps[i].nh);
	free(nb->lsps);
	for (i = 0; i < nb->nroutes; i++)
		free(nb->routes[i].nh);
	free(nb->routes);
	for (i = 0; i < nb->nnhobjs; i++)
		free(nb->nhobjs[i].grp);
	free(nb->nhobjs);
	free(nb->rules);
	for (i = 0; i < nb->nkv; i++) {
		free(nb->kv[i].key);
		free(nb->kv[i].value);
	}
	free(nb->kv);
	free(nb);
	dp->null = NULL;
}

/*
 * Log and faults
 */

size_t sdp_null_log_count(const struct sdp *dp)
{
	return dp->null ? dp->null->nlog : 0;
}

const struct sdp_null_rec *sdp_null_log_get(const struct sdp *dp, size_t idx)
{
	if (!dp->null || idx >= dp->null->nlog)
		return NULL;
	return &dp->null->log[idx];
}

int sdp_null_fail(struct sdp *dp, enum sdp_op op, unsigned int count, int err,
		  const char *msg)
{
	struct dp_null *nb = dp->null;
	char *copy = NULL;

	if (!nb)
		return -EOPNOTSUPP;
	if (count && err <= 0)
		return -EINVAL;
	if (msg) {
		copy = strdup(msg);
		if (!copy)
			return -ENOMEM;
	}
	free(nb->fail_msg);
	nb->fail_msg = copy;
	nb->fail_op = op;
	nb->fail_count = count;
	nb->fail_err = err;
	return 0;
}

/*
 * Append a log record for a request about to run. Returns the injected
 * error (with its message in *errmsg) or 0. A record is added even if
 * the copy of its text fails, so indexes stay meaningful.
 */
int dp_null_record(struct sdp *dp, enum sdp_op op, const char *text,
		   const char **errmsg)
{
	struct dp_null *nb = dp->null;
	struct sdp_null_rec *rec;

	if (errmsg)
		*errmsg = NULL;
	if (!nb)
		return 0;
	if (DP_GROW(nb->log, nb->caplog, nb->nlog) < 0)
		return -ENOMEM;
	rec = &nb->log[nb->nlog++];
	rec->op = op;
	rec->result = 0;
	rec->text = strdup(text ? text : "");

	if (nb->fail_count
	    && (nb->fail_op == SDP_OP_ANY || nb->fail_op == op)) {
		nb->fail_count--;
		if (errmsg)
			*errmsg =
				nb->fail_msg ? nb->fail_msg : "injected fault";
		rec->result = -nb->fail_err;
		return -nb->fail_err;
	}
	return 0;
}

/* Set the result of the most recent record. */
void dp_null_result(struct sdp *dp, int result)
{
	struct dp_null *nb = dp->null;

	if (nb && nb->nlog)
		nb->log[nb->nlog - 1].result = result;
}

/*
 * Links
 */

static struct sdp_link *dp_null_link_find(struct dp_null *nb, const char *name,
					  uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < nb->nlinks; i++) {
		if (ifindex && nb->links[i].ifindex == ifindex)
			return &nb->links[i];
		if (!ifindex && name && !strcmp(nb->links[i].name, name))
			return &nb->links[i];
	}
	return NULL;
}

static int dp_null_link_new(struct dp_null *nb, const char *name,
			    const char *kind, uint32_t ifindex,
			    struct sdp_link **out)
{
	struct sdp_link *l;

	if (dp_null_link_find(nb, name, 0)
	    || (ifindex && dp_null_link_find(nb, NULL, ifindex)))
		return -EEXIST;
	if (DP_GROW(nb->links, nb->caplinks, nb->nlinks) < 0)
		return -ENOMEM;
	if (!ifindex) {
		while (dp_null_link_find(nb, NULL, nb->next_ifindex))
			nb->next_ifindex++;
		ifindex = nb->next_ifindex++;
	}
	l = &nb->links[nb->nlinks++];
	memset(l, 0, sizeof(*l));
	strncpy(l->name, name, sizeof(l->name) - 1);
	if (kind)
		strncpy(l->kind, kind, sizeof(l->kind) - 1);
	l->ifindex = ifindex;
	l->mtu = 1500;
	if (out)
		*out = l;
	return 0;
}

int sdp_null_link_add(struct sdp *dp, const char *name, const char *kind,
		      uint32_t ifindex)
{
	if (!dp->null)
		return -EOPNOTSUPP;
	if (sdp_ifname_check(name, NULL) < 0
	    || (kind && strlen(kind) >= sizeof(((struct sdp_link *)0)->kind))
	    || ifindex > INT32_MAX)
		return -EINVAL;
	return dp_null_link_new(dp->null, name, kind, ifindex, NULL);
}

int dp_null_link_get(struct sdp *dp, const char *name, uint32_t ifindex,
		     struct sdp_link *link)
{
	struct sdp_link *l = dp_null_link_find(dp->null, name, ifindex);

	if (!l)
		return -ENODEV;
	*link = *l;
	return 0;
}

static void dp_null_link_del(struct dp_null *nb, struct sdp_link *l)
{
	uint32_t ifindex = l->ifindex;
	size_t i, idx = l - nb->links;

	memmove(&nb->links[idx], &nb->links[idx + 1],
		(nb->nlinks - idx - 1) * sizeof(nb->links[0]));
	nb->nlinks--;
	/* The kernel releases the members of a deleted master. */
	for (i = 0; i < nb->nlinks; i++)
		if (nb->links[i].master == ifindex)
			nb->links[i].master = 0;
}

static int dp_null_apply_link(struct dp_null *nb, const struct nlmsghdr *nlh,
			      const char **emsg)
{
	struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	char name[SDP_IFNAMSIZ] = "", kind[16] = "";
	uint32_t table = 0;
	struct sdp_link *l;
	int ret;

	if (!nlmsg_valid_hdr(nlh, sizeof(*ifi)))
		return -EINVAL;
	ifi = nlmsg_data(nlh);
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*ifi), tb, IFLA_MAX,
			NULL)
	    < 0)
		return -EINVAL;
	if (tb[IFLA_IFNAME])
		nla_strlcpy(name, tb[IFLA_IFNAME], sizeof(name));
	if (tb[IFLA_LINKINFO]) {
		struct nlattr *li[IFLA_INFO_MAX + 1];
		struct nlattr *vrf[IFLA_VRF_MAX + 1];

		if (nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL)
		    < 0)
			return -EINVAL;
		if (li[IFLA_INFO_KIND])
			nla_strlcpy(kind, li[IFLA_INFO_KIND], sizeof(kind));
		if (li[IFLA_INFO_DATA]
		    && nla_parse_nested(vrf, IFLA_VRF_MAX, li[IFLA_INFO_DATA],
					NULL)
			       == 0
		    && vrf[IFLA_VRF_TABLE])
			table = nla_get_u32(vrf[IFLA_VRF_TABLE]);
	}

	l = dp_null_link_find(nb, ifi->ifi_index ? NULL : name,
			      (uint32_t)ifi->ifi_index);

	if (nlh->nlmsg_type == RTM_DELLINK) {
		if (!l)
			return -ENODEV;
		dp_null_link_del(nb, l);
		return 0;
	}

	if (!l) {
		if (!(nlh->nlmsg_flags & NLM_F_CREATE))
			return -ENODEV;
		if (!name[0] || !kind[0]) {
			*emsg = "name and kind are required";
			return -EINVAL;
		}
		/* The vrf driver's own checks (vrf_validate()). */
		if (!strcmp(kind, "vrf") && !table) {
			*emsg = "VRF table id is missing";
			return -EINVAL;
		}
		ret = dp_null_link_new(nb, name, kind, 0, &l);
		if (ret < 0)
			return ret;
		l->table = table;
	} else if ((nlh->nlmsg_flags & NLM_F_CREATE)
		   && (nlh->nlmsg_flags & NLM_F_EXCL)) {
		return -EEXIST;
	}

	if (ifi->ifi_change & IFF_UP)
		l->up = !!(ifi->ifi_flags & IFF_UP);
	if (tb[IFLA_IFALIAS])
		nla_strlcpy(l->alias, tb[IFLA_IFALIAS], sizeof(l->alias));
	if (tb[IFLA_MASTER]) {
		uint32_t m = nla_get_u32(tb[IFLA_MASTER]);

		if (m && !dp_null_link_find(nb, NULL, m))
			return -EINVAL;
		if (m == l->ifindex)
			return -EINVAL;
		l->master = m;
	}
	return 0;
}

/*
 * LSPs and routes
 */

static int dp_null_copy_nh(const struct sdp_nexthop *src, size_t n,
			   struct sdp_nexthop **dst)
{
	*dst = NULL;
	if (!n)
		return 0;
	*dst = malloc(n * sizeof(**dst));
	if (!*dst)
		return -ENOMEM;
	memcpy(*dst, src, n * sizeof(**dst));
	return 0;
}

static int dp_null_apply_lsp(struct dp_null *nb, const struct nlmsghdr *nlh,
			     struct sdp_nexthop *nhbuf)
{
	struct sdp_nexthop *copy;
	struct sdp_lsp lsp;
	size_t i;
	int ret;

	ret = sdp_lsp_parse(nlh, &lsp, nhbuf, SDP_NEXTHOP_MAX);
	if (ret < 0)
		return ret == -EBADMSG ? -EINVAL : ret;

	for (i = 0; i < nb->nlsps; i++)
		if (nb->lsps[i].lsp.in_label >= lsp.in_label)
			break;
	if (nlh->nlmsg_type == RTM_DELROUTE) {
		/* Like the kernel: deleting an empty slot is fine. */
		if (i < nb->nlsps && nb->lsps[i].lsp.in_label == lsp.in_label) {
			free(nb->lsps[i].nh);
			memmove(&nb->lsps[i], &nb->lsps[i + 1],
				(nb->nlsps - i - 1) * sizeof(nb->lsps[0]));
			nb->nlsps--;
		}
		return 0;
	}

	if (!lsp.n_nexthops)
		return -EINVAL;
	if (dp_null_copy_nh(lsp.nexthops, lsp.n_nexthops, &copy) < 0)
		return -ENOMEM;
	if (i < nb->nlsps && nb->lsps[i].lsp.in_label == lsp.in_label) {
		if (!(nlh->nlmsg_flags & NLM_F_REPLACE)) {
			free(copy);
			return -EEXIST;
		}
		free(nb->lsps[i].nh);
	} else {
		if (DP_GROW(nb->lsps, nb->caplsps, nb->nlsps) < 0) {
			free(copy);
			return -ENOMEM;
		}
		memmove(&nb->lsps[i + 1], &nb->lsps[i],
			(nb->nlsps - i) * sizeof(nb->lsps[0]));
		nb->nlsps++;
	}
	nb->lsps[i].lsp = lsp;
	nb->lsps[i].lsp.nexthops = copy;
	nb->lsps[i].nh = copy;
	return 0;
}

/*
 * Nexthop objects, checked as the kernel checks them: a group's members
 * must exist and be single nexthops, an object still in a group cannot
 * go, and deleting an object removes the routes that use it.
 */

static struct dp_null_nhobj *dp_null_nhobj_find(struct dp_null *nb,
						uint32_t id)
{
	for (size_t i = 0; i < nb->nnhobjs; i++)
		if (nb->nhobjs[i].o.id == id)
			return &nb->nhobjs[i];
	return NULL;
}

static bool dp_null_nhobj_in_group(struct dp_null *nb, uint32_t id)
{
	for (size_t i = 0; i < nb->nnhobjs; i++)
		for (size_t j = 0; j < nb->nhobjs[i].o.n_group; j++)
			if (nb->nhobjs[i].o.group[j].id == id)
				return true;
	return false;
}

/* Remove object @i and the routes that use it, as the kernel does. */
static void dp_null_nhobj_remove(struct dp_null *nb, size_t i)
{
	uint32_t id = nb->nhobjs[i].o.id;
	size_t r;

	free(nb->nhobjs[i].grp);
	memmove(&nb->nhobjs[i], &nb->nhobjs[i + 1],
		(nb->nnhobjs - i - 1) * sizeof(nb->nhobjs[0]));
	nb->nnhobjs--;
	for (r = 0; r < nb->nroutes;) {
		if (nb->routes[r].route.nhid != id) {
			r++;
			continue;
		}
		free(nb->routes[r].nh);
		memmove(&nb->routes[r], &nb->routes[r + 1],
			(nb->nroutes - r - 1) * sizeof(nb->routes[0]));
		nb->nroutes--;
	}
}

static int dp_null_apply_nhobj(struct dp_null *nb, const struct nlmsghdr *nlh,
			       const char **emsg)
{
	struct sdp_nhgrp_ent grp[SDP_NEXTHOP_MAX], *copy = NULL;
	struct dp_null_nhobj *cur;
	struct sdp_nhobj o;
	size_t i;
	int ret;

	ret = sdp_nhobj_parse(nlh, &o, grp, SDP_NEXTHOP_MAX);
	if (ret < 0)
		return ret == -EBADMSG ? -EINVAL : ret;
	cur = dp_null_nhobj_find(nb, o.id);

	if (nlh->nlmsg_type == RTM_DELNEXTHOP) {
		if (!cur)
			return -ENOENT;
		/* routes that used it go with it */
		dp_null_nhobj_remove(nb, (size_t)(cur - nb->nhobjs));
		return 0;
	}

	for (i = 0; i < o.n_group; i++) {
		const struct dp_null_nhobj *m = dp_null_nhobj_find(nb,
								   grp[i].id);

		if (!m) {
			*emsg = "Invalid nexthop id";
			return -EINVAL;
		}
		if (m->o.n_group) {
			*emsg = "Nested groups are not supported";
			return -EINVAL;
		}
	}
	if (!cur && !(nlh->nlmsg_flags & NLM_F_CREATE)) {
		*emsg = "Replace specified without create and no entry exists";
		return -ENOENT;
	}
	if (cur) {
		if (!(nlh->nlmsg_flags & NLM_F_REPLACE))
			return -EEXIST;
		if (!cur->o.n_group != !o.n_group) {
			*emsg = o.n_group
					? "Can not replace a nexthop with a nexthop group."
					: "Can not replace a nexthop group with a nexthop.";
			return -EINVAL;
		}
		if (!o.n_group && dp_null_nhobj_in_group(nb, o.id)
		    && o.family != cur->o.family) {
			*emsg = "Can not change nexthop family of a group member";
			return -EINVAL;
		}
	}
	if (o.n_group) {
		copy = malloc(o.n_group * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, grp, o.n_group * sizeof(*copy));
	}
	if (!cur) {
		if (DP_GROW(nb->nhobjs, nb->capnhobjs, nb->nnhobjs) < 0) {
			free(copy);
			return -ENOMEM;
		}
		cur = &nb->nhobjs[nb->nnhobjs++];
		memset(cur, 0, sizeof(*cur));
	}
	free(cur->grp);
	cur->o = o;
	cur->grp = copy;
	cur->o.group = copy;
	return 0;
}

int sdp_null_link_down(struct sdp *dp, uint32_t ifindex)
{
	struct dp_null *nb = dp->null;
	size_t i, j, k;

	if (!nb)
		return -EOPNOTSUPP;
	/* the single nexthops over the device, and their group entries;
	 * a group that loses its last member goes with its routes */
	for (i = 0; i < nb->nnhobjs;) {
		struct sdp_nhobj *o = &nb->nhobjs[i].o;
		uint32_t id = o->id;

		if (o->n_group || o->nh.ifindex != ifindex) {
			i++;
			continue;
		}
		dp_null_nhobj_remove(nb, i);
		for (j = 0; j < nb->nnhobjs;) {
			struct sdp_nhobj *g = &nb->nhobjs[j].o;
			size_t n = g->n_group;

			for (k = 0; k < g->n_group;)
				if (g->group[k].id == id)
					memmove(&nb->nhobjs[j].grp[k],
						&nb->nhobjs[j].grp[k + 1],
						(--g->n_group - k)
							* sizeof(g->group[0]));
				else
					k++;
			if (n && !g->n_group)
				dp_null_nhobj_remove(nb, j);
			else
				j++;
		}
		i = 0; /* the arrays moved */
	}
	return 0;
}

/*
 * The end of every dump: record its result and, on failure, say which
 * dump failed and why. Returns @ret.
 */
static int dp_null_dump_end(struct sdp *dp, const char *text, int ret,
			    const char *emsg)
{
	dp_null_result(dp, ret);
	if (ret < 0)
		dp_error_set(dp, "%s: %s%s%s", text, strerror(-ret),
			     emsg ? ": " : "", emsg ? emsg : "");
	return ret;
}

int dp_null_nhobj_dump(struct sdp *dp, uint8_t proto, uint32_t id_min,
		       uint32_t id_max, sdp_nhobj_cb cb, void *arg)
{
	struct dp_null *nb = dp->null;
	const char *emsg;
	size_t i;
	int ret;

	ret = dp_null_record(dp, SDP_OP_NHOBJ_DUMP, "nhobj dump", &emsg);
	for (i = 0; ret == 0 && i < nb->nnhobjs; i++) {
		const struct sdp_nhobj *o = &nb->nhobjs[i].o;

		if ((proto && o->proto != proto) || o->id < id_min
		    || o->id > id_max)
			continue;
		ret = cb(o, arg);
	}
	return dp_null_dump_end(dp, "nhobj dump", ret, emsg);
}

static bool dp_null_route_key_eq(const struct sdp_route *a,
				 const struct sdp_route *b)
{
	return a->family == b->family && a->table == b->table
	       && a->dst_len == b->dst_len
	       && !memcmp(a->dst.bytes, b->dst.bytes, dp_addr_len(a->family));
}

static int dp_null_apply_route(struct dp_null *nb, const struct nlmsghdr *nlh,
			       struct sdp_nexthop *nhbuf)
{
	struct sdp_nexthop *copy;
	struct sdp_route rt;
	size_t i;
	int ret;

	ret = sdp_route_parse(nlh, &rt, nhbuf, SDP_NEXTHOP_MAX);
	if (ret < 0)
		return ret == -EBADMSG ? -EINVAL : ret;

	if (nlh->nlmsg_type == RTM_DELROUTE) {
		for (i = 0; i < nb->nroutes; i++) {
			const struct sdp_route *cur = &nb->routes[i].route;

			/* Protocol and metric match only when given. */
			if (!dp_null_route_key_eq(cur, &rt)
			    || (rt.proto && cur->proto != rt.proto)
			    || (rt.metric && cur->metric != rt.metric))
				continue;
			free(nb->routes[i].nh);
			memmove(&nb->routes[i], &nb->routes[i + 1],
				(nb->nroutes - i - 1) * sizeof(nb->routes[0]));
			nb->nroutes--;
			return 0;
		}
		return -ESRCH;
	}

	if (rt.nhid && !dp_null_nhobj_find(nb, rt.nhid))
		return -EINVAL; /* the kernel: "Nexthop id does not exist" */
	if (!rt.n_nexthops && !rt.nhid && rt.type == RTN_UNICAST)
		return -EINVAL;
	if (dp_null_copy_nh(rt.nexthops, rt.n_nexthops, &copy) < 0)
		return -ENOMEM;
	for (i = 0; i < nb->nroutes; i++)
		if (dp_null_route_key_eq(&nb->routes[i].route, &rt)
		    && nb->routes[i].route.metric == rt.metric)
			break;
	if (i < nb->nroutes) {
		if (!(nlh->nlmsg_flags & NLM_F_REPLACE)) {
			free(copy);
			return -EEXIST;
		}
		free(nb->routes[i].nh);
	} else {
		if (DP_GROW(nb->routes, nb->caproutes, nb->nroutes) < 0) {
			free(copy);
			return -ENOMEM;
		}
		nb->nroutes++;
	}
	nb->routes[i].route = rt;
	nb->routes[i].route.nexthops = copy;
	nb->routes[i].nh = copy;
	return 0;
}

/*
 * Rules
 */

static int dp_null_apply_rule(struct dp_null *nb, const struct nlmsghdr *nlh)
{
	struct nlattr *tb[FRA_MAX + 1];
	const struct fib_rule_hdr *frh;
	struct dp_null_rule r;
	bool has_pref;
	size_t i;

	if (!nlmsg_valid_hdr(nlh, sizeof(*frh)))
		return -EINVAL;
	frh = nlmsg_data(nlh);
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*frh), tb, FRA_MAX, NULL)
	    < 0)
		return -EINVAL;
	r.family = frh->family;
	r.table = tb[FRA_TABLE] ? nla_get_u32(tb[FRA_TABLE]) : frh->table;
	has_pref = tb[FRA_PRIORITY] != NULL;
	r.pref = has_pref ? nla_get_u32(tb[FRA_PRIORITY]) : 0;

	/* Match as the kernel's rule_find(): table and priority if given. */
	for (i = 0; i < nb->nrules; i++) {
		const struct dp_null_rule *cur = &nb->rules[i];

		if (cur->family == r.family
		    && (!r.table || cur->table == r.table)
		    && (!has_pref || cur->pref == r.pref))
			break;
	}
	if (nlh->nlmsg_type == RTM_DELRULE) {
		if (i == nb->nrules)
			return -ENOENT;
		memmove(&nb->rules[i], &nb->rules[i + 1],
			(nb->nrules - i - 1) * sizeof(nb->rules[0]));
		nb->nrules--;
		return 0;
	}
	if (i < nb->nrules && (nlh->nlmsg_flags & NLM_F_EXCL))
		return -EEXIST;
	return dp_null_rule_insert(nb, &r);
}

int dp_null_rule_dump(struct sdp *dp, int family, dp_parse_fn parse, void *arg)
{
	struct dp_null *nb = dp->null;
	struct nl_msg *msg;
	const char *emsg;
	char text[32];
	size_t i;
	int ret;

	snprintf(text, sizeof(text), "rule dump %s",
		 family == AF_INET6 ? "inet6" : "inet");
	ret = dp_null_record(dp, SDP_OP_RULE_DUMP, text, &emsg);
	for (i = 0; ret == 0 && i < nb->nrules; i++) {
		if (nb->rules[i].family != family)
			continue;
		/* Dump entries have the request's shape, as in the kernel. */
		ret = dp_rule_build(family, nb->rules[i].pref,
				    nb->rules[i].table, true, &msg);
		if (ret < 0)
			break;
		nlmsg_hdr(msg)->nlmsg_type = RTM_NEWRULE;
		ret = parse(nlmsg_hdr(msg), arg);
		nlmsg_free(msg);
	}
	dp_null_result(dp, ret);
	return ret;
}

static int dp_null_apply(struct dp_null *nb, struct nl_msg *msg,
			 struct sdp_nexthop *nhbuf, const char **emsg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	const struct rtmsg *rtm;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return dp_null_apply_link(nb, nlh, emsg);
	case RTM_NEWRULE:
	case RTM_DELRULE:
		return dp_null_apply_rule(nb, nlh);
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP:
		return dp_null_apply_nhobj(nb, nlh, emsg);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (!nlmsg_valid_hdr(nlh, sizeof(*rtm)))
			return -EINVAL;
		rtm = nlmsg_data(nlh);
		if (rtm->rtm_family == AF_MPLS)
			return dp_null_apply_lsp(nb, nlh, nhbuf);
		return dp_null_apply_route(nb, nlh, nhbuf);
	}
	return -EOPNOTSUPP;
}

void dp_null_exchange(struct sdp *dp, struct dp_req **v, size_t n)
{
	struct sdp_nexthop *nhbuf;
	const char *emsg;
	size_t i;
	int ret;

	nhbuf = calloc(SDP_NEXTHOP_MAX, sizeof(*nhbuf));
	for (i = 0; i < n; i++) {
		emsg = NULL;
		ret = dp_null_record(dp, v[i]->op, dp_req_text(v[i]), &emsg);
		if (ret == 0)
			ret = nhbuf ? dp_null_apply(dp->null, v[i]->msg, nhbuf,
						    &emsg)
				    : -ENOMEM;
		dp_req_answer(v[i], ret, emsg);
		dp_null_result(dp, ret);
	}
	free(nhbuf);
}

/*
 * Dumps. Callbacks must not change the model (the header forbids
 * re-entering the context from a callback).
 */

int dp_null_lsp_dump(struct sdp *dp, sdp_lsp_cb cb, void *arg)
{
	struct dp_null *nb = dp->null;
	const char *emsg;
	size_t i;
	int ret;

	ret = dp_null_record(dp, SDP_OP_LSP_DUMP, "lsp dump", &emsg);
	for (i = 0; ret == 0 && i < nb->nlsps; i++)
		ret = cb(&nb->lsps[i].lsp, arg);
	return dp_null_dump_end(dp, "lsp dump", ret, emsg);
}

int dp_null_link_dump(struct sdp *dp, sdp_link_cb cb, void *arg)
{
	struct dp_null *nb = dp->null;
	const char *emsg;
	size_t i;
	int ret;

	ret = dp_null_record(dp, SDP_OP_LINK_GET, "link dump", &emsg);
	for (i = 0; ret == 0 && i < nb->nlinks; i++)
		ret = cb(&nb->links[i], arg);
	return dp_null_dump_end(dp, "link dump", ret, emsg);
}

int dp_null_route_dump(struct sdp *dp, int family, uint32_t table,
		       sdp_route_cb cb, void *arg)
{
	struct dp_null *nb = dp->null;
	const char *fam = family == AF_INET6 ? "inet6" : "inet";
	const char *emsg;
	char text[64];
	size_t i;
	int ret;

	snprintf(text, sizeof(text), "route dump %s table=%u", fam, table);
	ret = dp_null_record(dp, SDP_OP_ROUTE_DUMP, text, &emsg);
	for (i = 0; ret == 0 && i < nb->nroutes; i++) {
		const struct sdp_route *rt = &nb->routes[i].route;

		if (rt->family == family && rt->table == table)
			ret = cb(rt, arg);
	}
	return dp_null_dump_end(dp, text, ret, emsg);
}

/*
 * Sysctl memory store (null backend without a sysctl root)
 */

static struct dp_null_kv *dp_null_kv_find(struct dp_null *nb, const char *key)
{
	size_t i;

	for (i = 0; i < nb->nkv; i++)
		if (!strcmp(nb->kv[i].key, key))
			return &nb->kv[i];
	return NULL;
}

int dp_null_sysctl_get(struct sdp *dp, const char *key, char *buf, size_t len)
{
	struct dp_null_kv *kv = dp_null_kv_find(dp->null, key);

	if (!kv)
		return -ENOENT;
	if (strlen(kv->value) >= len)
		return -ENOSPC;
	strcpy(buf, kv->value);
	return 0;
}

/* Any key is accepted: the store does not know which interfaces exist. */
int dp_null_sysctl_set(struct sdp *dp, const char *key, const char *value)
{
	struct dp_null *nb = dp->null;
	struct dp_null_kv *kv = dp_null_kv_find(nb, key);
	char *v = strdup(value);

	if (!v)
		return -ENOMEM;
	if (kv) {
		free(kv->value);
		kv->value = v;
		return 0;
	}
	if (DP_GROW(nb->kv, nb->capkv, nb->nkv) < 0) {
		free(v);
		return -ENOMEM;
	}
	kv = &nb->kv[nb->nkv];
	kv->key = strdup(key);
	if (!kv->key) {
		free(v);
		return -ENOMEM;
	}
	kv->value = v;
	nb->nkv++;
	return 0;
}
