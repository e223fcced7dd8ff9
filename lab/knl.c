// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * knl.c: the kernel side of the lab, through libnl-3.
 *
 * Every node (network namespace or container) gets one netlink socket
 * created inside its namespace (setns, socket, setns back): a socket stays
 * in the namespace it was created in, so the same code wires netns and
 * podman nodes. Writes under /proc/sys/net resolve against the writer's
 * current namespace, so sysctls go through knl_run_in().
 *
 * Impairments: a netem root qdisc (handle 1:, delay/jitter/loss) and, for
 * a rate, a tbf child (parent 1:1, handle 10:) -- libnl's netem has no
 * rate. Everything is read back from the kernel for `status`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vrf.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/route.h>
#include <netlink/route/tc.h>

#include "satnet-lab.h"

#ifndef AF_MPLS
#define AF_MPLS 28
#endif

#define NETEM_HANDLE TC_HANDLE(1, 0)
#define NETEM_CHILD TC_HANDLE(1, 1)
#define TBF_HANDLE TC_HANDLE(10, 0)

int knl_run_in(const struct nsh *h, int (*fn)(void *), void *arg)
{
	int orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int rc, e;

	if (orig < 0)
		return -errno;
	if (setns(h->fd, CLONE_NEWNET) < 0) {
		e = errno;
		close(orig);
		return -e;
	}
	rc = fn(arg);
	e = errno;
	if (setns(orig, CLONE_NEWNET) < 0) {
		/* cannot happen for root; continuing would act on a node */
		fprintf(stderr, "satnet-lab: cannot return to the original network namespace: %s\n",
			strerror(errno));
		abort();
	}
	close(orig);
	errno = e;
	return rc;
}

static int open_sock(void *arg)
{
	struct nsh *h = arg;
	int err;

	h->sk = nl_socket_alloc();
	if (!h->sk)
		return -NLE_NOMEM;
	err = nl_connect(h->sk, NETLINK_ROUTE);
	if (err < 0) {
		nl_socket_free(h->sk);
		h->sk = NULL;
	}
	return err;
}

int knl_open(struct nsh *h, int nsfd)
{
	int err;

	h->fd = nsfd;
	h->sk = NULL;
	err = knl_run_in(h, open_sock, h);
	if (err < 0) {
		close(nsfd);
		h->fd = -1;
	}
	return err;
}

void knl_close(struct nsh *h)
{
	if (h->sk)
		nl_socket_free(h->sk);
	h->sk = NULL;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

struct sysctl_arg {
	const char *path, *value;
};

static int do_sysctl(void *p)
{
	struct sysctl_arg *a = p;
	char *path = xasprintf("/proc/sys/%s", a->path);
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;
	size_t len = strlen(a->value);

	free(path);
	if (fd < 0)
		return -1;
	if (write(fd, a->value, len) != (ssize_t)len)
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

int knl_sysctl(const struct nsh *h, const char *path, const char *value)
{
	struct sysctl_arg a = {path, value};

	if (knl_run_in(h, do_sysctl, &a) < 0) {
		errx_("sysctl %s=%s: %s", path, value, strerror(errno));
		return -1;
	}
	return 0;
}

static int get_link(const struct nsh *h, const char *ifname, struct rtnl_link **l)
{
	int err = rtnl_link_get_kernel(h->sk, 0, ifname, l);

	if (err < 0)
		errx_("interface %s: %s", ifname, nl_geterror(err));
	return err;
}

int knl_link_up(const struct nsh *h, const char *ifname, bool up)
{
	struct rtnl_link *l, *chg;
	int err;

	if ((err = get_link(h, ifname, &l)) < 0)
		return err;
	chg = rtnl_link_alloc();
	if (up)
		rtnl_link_set_flags(chg, IFF_UP);
	else
		rtnl_link_unset_flags(chg, IFF_UP);
	err = rtnl_link_change(h->sk, l, chg, 0);
	if (err < 0)
		errx_("set %s %s: %s", ifname, up ? "up" : "down", nl_geterror(err));
	rtnl_link_put(chg);
	rtnl_link_put(l);
	return err;
}

int knl_veth(const struct nsh *a, const char *a_if, const struct nsh *b,
	     const char *b_if)
{
	struct rtnl_link *l = rtnl_link_veth_alloc(), *peer;
	int err;

	if (!l)
		return -NLE_NOMEM;
	peer = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(l, a_if);
	rtnl_link_set_name(peer, b_if);
	rtnl_link_set_ns_fd(peer, b->fd);
	err = rtnl_link_add(a->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		errx_("veth %s <-> %s: %s", a_if, b_if, nl_geterror(err));
	rtnl_link_put(peer);
	rtnl_link_put(l);
	return err;
}

static int ifindex_of(const struct nsh *h, const char *ifname)
{
	struct rtnl_link *l;
	int idx;

	if (get_link(h, ifname, &l) < 0)
		return -1;
	idx = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return idx;
}

int knl_addr_add(const struct nsh *h, const char *ifname, const char *addr,
		 int plen)
{
	struct rtnl_addr *a;
	struct nl_addr *local;
	char *s = xasprintf("%s/%d", addr, plen);
	int idx = ifindex_of(h, ifname), err;

	if (idx < 0) {
		free(s);
		return -1;
	}
	err = nl_addr_parse(s, AF_INET, &local);
	if (err < 0) {
		errx_("address %s: %s", s, nl_geterror(err));
		free(s);
		return err;
	}
	a = rtnl_addr_alloc();
	rtnl_addr_set_ifindex(a, idx);
	rtnl_addr_set_family(a, AF_INET);
	rtnl_addr_set_local(a, local);
	rtnl_addr_set_prefixlen(a, plen);
	err = rtnl_addr_add(h->sk, a, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		errx_("add address %s to %s: %s", s, ifname, nl_geterror(err));
	rtnl_addr_put(a);
	nl_addr_put(local);
	free(s);
	return err;
}

int knl_default_route(const struct nsh *h, const char *gw)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst, *via;
	int err;

	nl_addr_parse("0.0.0.0/0", AF_INET, &dst);
	if ((err = nl_addr_parse(gw, AF_INET, &via)) < 0) {
		errx_("gateway %s: %s", gw, nl_geterror(err));
		return err;
	}
	rtnl_route_set_family(r, AF_INET);
	rtnl_route_set_dst(r, dst);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(r, RTN_UNICAST);
	rtnl_route_nh_set_gateway(nh, via);
	rtnl_route_add_nexthop(r, nh);
	err = rtnl_route_add(h->sk, r, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		errx_("default route via %s: %s", gw, nl_geterror(err));
	rtnl_route_put(r);
	nl_addr_put(dst);
	nl_addr_put(via);
	return err;
}

int knl_vrf_add(const struct nsh *h, const char *name, uint32_t table)
{
	struct rtnl_link *l = rtnl_link_vrf_alloc();
	int err;

	rtnl_link_set_name(l, name);
	rtnl_link_vrf_set_tableid(l, table);
	err = rtnl_link_add(h->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		errx_("VRF device %s (table %u): %s", name, table, nl_geterror(err));
	rtnl_link_put(l);
	return err < 0 ? err : knl_link_up(h, name, true);
}

int knl_enslave(const struct nsh *h, const char *ifname, const char *master)
{
	int s = ifindex_of(h, ifname), m = ifindex_of(h, master), err;

	if (s < 0 || m < 0)
		return -1;
	err = rtnl_link_enslave_ifindex(h->sk, m, s);
	if (err < 0)
		errx_("enslave %s to %s: %s", ifname, master, nl_geterror(err));
	return err;
}

/* ------------------------------------------------------------ impairments */

static struct rtnl_qdisc *qdisc_new(int idx, uint32_t parent, uint32_t handle,
				    const char *kind)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();

	rtnl_tc_set_ifindex(TC_CAST(q), idx);
	rtnl_tc_set_parent(TC_CAST(q), parent);
	rtnl_tc_set_handle(TC_CAST(q), handle);
	if (rtnl_tc_set_kind(TC_CAST(q), kind) < 0) {
		rtnl_qdisc_put(q);
		return NULL;
	}
	return q;
}

static uint32_t pct_to_prob(double pct)
{
	if (pct <= 0)
		return 0;
	if (pct >= 100)
		return UINT32_MAX;
	return (uint32_t)(pct / 100.0 * UINT32_MAX);
}

int knl_ifindex(const struct nsh *h, const char *ifname)
{
	return ifindex_of(h, ifname);
}

int knl_impair_set(const struct nsh *h, const char *ifname, const struct impair *imp)
{
	struct if_state cur;
	int idx = ifindex_of(h, ifname);

	if (idx < 0)
		return -1;
	if (knl_if_state(h, ifname, &cur) < 0)
		return -1;
	return knl_impair_apply(h, ifname, idx, imp, cur.netem,
				cur.imp.rate_mbit);
}

int knl_impair_apply(const struct nsh *h, const char *ifname, int idx,
		     const struct impair *imp, bool cur_netem,
		     double cur_rate_mbit)
{
	struct rtnl_qdisc *q;
	int err;

	if (!impair_any(imp)) {
		if (!cur_netem)
			return 0;
		q = qdisc_new(idx, TC_H_ROOT, NETEM_HANDLE, "netem");
		err = rtnl_qdisc_delete(h->sk, q);
		rtnl_qdisc_put(q);
		if (err < 0)
			errx_("remove netem from %s: %s", ifname, nl_geterror(err));
		return err;
	}
	q = qdisc_new(idx, TC_H_ROOT, NETEM_HANDLE, "netem");
	if (!q) {
		errx_("libnl knows no qdisc kind netem");
		return -1;
	}
	rtnl_netem_set_limit(q, 10000);
	/* µs, rounded: 32.196 ms must not become 32195 µs */
	rtnl_netem_set_delay(q, (int)lround(imp->delay_ms * 1000));
	rtnl_netem_set_jitter(q, (int)lround(imp->jitter_ms * 1000));
	rtnl_netem_set_loss(q, (int)pct_to_prob(imp->loss_pct));
	err = rtnl_qdisc_add(h->sk, q, NLM_F_CREATE | NLM_F_REPLACE);
	rtnl_qdisc_put(q);
	if (err < 0) {
		errx_("netem on %s: %s%s", ifname, nl_geterror(err),
		      err == -NLE_OBJ_NOTFOUND || err == -NLE_NOATTR ||
				      err == -NLE_OPNOTSUPP
			      ? " (no sch_netem in this kernel?)"
			      : "");
		return err;
	}
	if (imp->rate_mbit > 0) {
		double bps = imp->rate_mbit * 1e6 / 8; /* bytes per second */
		int bucket = (int)(bps / 250) > 16384 ? (int)(bps / 250) : 16384;

		q = qdisc_new(idx, NETEM_CHILD, TBF_HANDLE, "tbf");
		rtnl_qdisc_tbf_set_rate(q, (int)bps, bucket, 8);
		rtnl_qdisc_tbf_set_limit_by_latency(q, 100000);
		err = rtnl_qdisc_add(h->sk, q, NLM_F_CREATE | NLM_F_REPLACE);
		rtnl_qdisc_put(q);
		if (err < 0) {
			errx_("rate limit (tbf) on %s: %s", ifname, nl_geterror(err));
			return err;
		}
	} else if (cur_rate_mbit > 0) {
		q = qdisc_new(idx, NETEM_CHILD, TBF_HANDLE, "tbf");
		err = rtnl_qdisc_delete(h->sk, q);
		rtnl_qdisc_put(q);
		if (err < 0) {
			errx_("remove rate limit from %s: %s", ifname, nl_geterror(err));
			return err;
		}
	}
	return 0;
}

int knl_if_state(const struct nsh *h, const char *ifname, struct if_state *st)
{
	struct nl_cache *qc = NULL;
	struct rtnl_link *l;
	struct nl_object *o;
	int idx, err;

	memset(st, 0, sizeof(*st));
	if (rtnl_link_get_kernel(h->sk, 0, ifname, &l) < 0)
		return 0; /* not there: exists = false */
	st->exists = true;
	st->admin_up = rtnl_link_get_flags(l) & IFF_UP;
	rtnl_link_operstate2str(rtnl_link_get_operstate(l), st->oper, sizeof(st->oper));
	st->rx_packets = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
	st->tx_packets = rtnl_link_get_stat(l, RTNL_LINK_TX_PACKETS);
	idx = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);

	if ((err = rtnl_qdisc_alloc_cache(h->sk, &qc)) < 0) {
		errx_("read qdiscs of %s: %s", ifname, nl_geterror(err));
		return err;
	}
	for (o = nl_cache_get_first(qc); o; o = nl_cache_get_next(o)) {
		struct rtnl_tc *tc = (struct rtnl_tc *)o;
		const char *kind = rtnl_tc_get_kind(tc);

		if (rtnl_tc_get_ifindex(tc) != idx || !kind)
			continue;
		if (!strcmp(kind, "netem") && rtnl_tc_get_parent(tc) == TC_H_ROOT) {
			struct rtnl_qdisc *q = (struct rtnl_qdisc *)o;
			int d = rtnl_netem_get_delay(q), j = rtnl_netem_get_jitter(q);

			st->netem = true;
			st->netem_ok = d >= 0;
			st->imp.delay_ms = d > 0 ? d / 1000.0 : 0;
			st->imp.jitter_ms = j > 0 ? j / 1000.0 : 0;
			st->imp.loss_pct =
				(uint32_t)rtnl_netem_get_loss(q) / (double)UINT32_MAX * 100.0;
		} else if (!strcmp(kind, "tbf") && rtnl_tc_get_parent(tc) == NETEM_CHILD) {
			int r = rtnl_qdisc_tbf_get_rate((struct rtnl_qdisc *)o);

			if (r > 0)
				st->imp.rate_mbit = r * 8.0 / 1e6;
		}
	}
	nl_cache_free(qc);
	return 0;
}

/* ------------------------------------------------------------ lookups */

static int labels_of(struct nl_addr *a, uint32_t *out, int max)
{
	const uint8_t *p;
	int n;

	if (!a)
		return 0;
	p = nl_addr_get_binary_addr(a);
	n = (int)nl_addr_get_len(a) / 4;
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++) {
		uint32_t e = ((uint32_t)p[4 * i] << 24) | ((uint32_t)p[4 * i + 1] << 16) |
			     ((uint32_t)p[4 * i + 2] << 8) | p[4 * i + 3];

		out[i] = e >> 12;
	}
	return n;
}

static void describe_nh(const struct nsh *h, struct nl_cache *lc,
			struct rtnl_nexthop *nh, struct fwd *f, bool mpls)
{
	struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);
	int idx = rtnl_route_nh_get_ifindex(nh);

	(void)h;
	if (!gw)
		gw = rtnl_route_nh_get_via(nh);
	if (gw)
		nl_addr2str(gw, f->via, sizeof(f->via));
	if (f->via[0] && strchr(f->via, '/'))
		*strchr(f->via, '/') = '\0';
	if (idx > 0)
		rtnl_link_i2name(lc, idx, f->dev, sizeof(f->dev));
	if (mpls)
		f->nlabels = labels_of(rtnl_route_nh_get_newdst(nh), f->labels, MAX_LABELS);
	else
		f->nlabels = labels_of(rtnl_route_nh_get_encap_mpls_dst(nh), f->labels,
				       MAX_LABELS);
}

int knl_route_lookup(const struct nsh *h, uint32_t table, const char *dst,
		     struct fwd *f)
{
	struct nl_cache *rc = NULL, *lc = NULL;
	struct rtnl_route *best = NULL;
	struct in_addr ina;
	struct nl_object *o;
	uint32_t d;
	int bestlen = -1, err;

	memset(f, 0, sizeof(*f));
	if (inet_pton(AF_INET, dst, &ina) != 1)
		return -1;
	d = ntohl(ina.s_addr);
	if ((err = rtnl_route_alloc_cache(h->sk, AF_INET, 0, &rc)) < 0 ||
	    (err = rtnl_link_alloc_cache(h->sk, AF_UNSPEC, &lc)) < 0) {
		errx_("read routes: %s", nl_geterror(err));
		if (rc)
			nl_cache_free(rc);
		return err;
	}
	for (o = nl_cache_get_first(rc); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct nl_addr *a = rtnl_route_get_dst(r);
		uint8_t type = rtnl_route_get_type(r);
		int plen = a ? (int)nl_addr_get_prefixlen(a) : 0;
		uint32_t net = 0;

		if (rtnl_route_get_table(r) != table)
			continue;
		if (type != RTN_UNICAST && type != RTN_UNREACHABLE &&
		    type != RTN_BLACKHOLE && type != RTN_PROHIBIT)
			continue;
		if (a && nl_addr_get_len(a) == 4)
			memcpy(&net, nl_addr_get_binary_addr(a), 4);
		net = ntohl(net);
		if (plen && ((d ^ net) & (0xffffffffu << (32 - plen))))
			continue;
		if (plen > bestlen) {
			bestlen = plen;
			best = r;
		}
	}
	if (best) {
		struct nl_addr *a = rtnl_route_get_dst(best);
		uint8_t type = rtnl_route_get_type(best);

		f->found = true;
		if (a && nl_addr_get_len(a))
			nl_addr2str(a, f->prefix, sizeof(f->prefix));
		else
			strcpy(f->prefix, "default");
		f->blackhole = type != RTN_UNICAST;
		f->nexthops = rtnl_route_get_nnexthops(best);
		if (f->nexthops > 0)
			describe_nh(h, lc, rtnl_route_nexthop_n(best, 0), f, false);
	}
	nl_cache_free(rc);
	nl_cache_free(lc);
	return 0;
}

int knl_mpls_lookup(const struct nsh *h, uint32_t label, struct fwd *f)
{
	struct nl_cache *rc = NULL, *lc = NULL;
	struct nl_object *o;
	int err;

	memset(f, 0, sizeof(*f));
	if ((err = rtnl_route_alloc_cache(h->sk, AF_MPLS, 0, &rc)) < 0 ||
	    (err = rtnl_link_alloc_cache(h->sk, AF_UNSPEC, &lc)) < 0) {
		errx_("read MPLS routes: %s", nl_geterror(err));
		if (rc)
			nl_cache_free(rc);
		return err;
	}
	for (o = nl_cache_get_first(rc); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		uint32_t in[1];

		if (rtnl_route_get_family(r) != AF_MPLS)
			continue;
		if (labels_of(rtnl_route_get_dst(r), in, 1) != 1 || in[0] != label)
			continue;
		f->found = true;
		snprintf(f->prefix, sizeof(f->prefix), "%u", label);
		f->nexthops = rtnl_route_get_nnexthops(r);
		if (f->nexthops > 0)
			describe_nh(h, lc, rtnl_route_nexthop_n(r, 0), f, true);
		break;
	}
	nl_cache_free(rc);
	nl_cache_free(lc);
	return 0;
}

/* ------------------------------------------------------------ capabilities */

/* In a throw-away network namespace (a child process): MPLS sysctls,
 * a VRF device, a netem qdisc. Exit code bits: 1 mpls, 2 vrf, 4 netem. */
static int probe_child(void)
{
	struct nl_sock *sk;
	struct rtnl_link *l;
	struct rtnl_qdisc *q;
	int bits = 0;

	if (unshare(CLONE_NEWNET) < 0)
		return 0;
	if (access("/proc/sys/net/mpls/platform_labels", W_OK) == 0)
		bits |= 1;
	sk = nl_socket_alloc();
	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0)
		return bits;
	l = rtnl_link_vrf_alloc();
	rtnl_link_set_name(l, "satnet-probe");
	rtnl_link_vrf_set_tableid(l, 10);
	if (rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL) == 0)
		bits |= 2;
	rtnl_link_put(l);
	l = rtnl_link_alloc();
	rtnl_link_set_flags(l, IFF_UP);
	{
		struct rtnl_link *lo;

		if (rtnl_link_get_kernel(sk, 0, "lo", &lo) == 0) {
			rtnl_link_change(sk, lo, l, 0);
			q = qdisc_new(rtnl_link_get_ifindex(lo), TC_H_ROOT, NETEM_HANDLE,
				      "netem");
			if (q) {
				rtnl_netem_set_delay(q, 1000);
				if (rtnl_qdisc_add(sk, q, NLM_F_CREATE) == 0)
					bits |= 4;
				rtnl_qdisc_put(q);
			}
			rtnl_link_put(lo);
		}
	}
	rtnl_link_put(l);
	nl_socket_free(sk);
	return bits;
}

int knl_capabilities(bool *mpls, bool *vrf, bool *netem, char *why, size_t whylen)
{
	pid_t pid = fork();
	int st, bits = 0;

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(probe_child());
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st))
		bits = WEXITSTATUS(st);
	*mpls = bits & 1;
	*vrf = bits & 2;
	*netem = bits & 4;
	snprintf(why, whylen, "%s%s%s", *mpls ? "" : " MPLS", *vrf ? "" : " VRF",
		 *netem ? "" : " netem");
	return 0;
}
