// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dpbench: the timing half of bench/dataplane.
 *
 *   dpbench vty SOCKET CMD...
 *	Run CMDs (in enable mode) on an FRR daemon's vty socket with the
 *	protocol vtysh speaks (command + NUL; the answer ends with three
 *	NULs and a status byte); print their output. Exit 1 when a command
 *	does not return CMD_SUCCESS.
 *
 *   dpbench run [--vty SOCKET CMD [--pre CMD0] | --exec PROG ARG...] WAIT...
 *		[--timeout S]
 *	WAIT: --routes TABLE VRFDEV FIRST COUNT   COUNT IPv4 /32 routes from
 *						  FIRST in table TABLE; VRFDEV
 *						  is the device the lookup of
 *						  the last goes through: the
 *						  VRF's, or for the main table
 *						  the one the routes leave by
 *	      --lsps FIRST COUNT		  COUNT AF_MPLS entries from
 *						  in-label FIRST
 *	Take the time, issue the command (the vty connection, "enable" and
 *	CMD0, e.g. "configure terminal", come before the clock starts), then
 *	poll the kernel until it holds
 *	every entry, and print one line of key=value: elapsed (s, command
 *	to "all in the kernel"), reply (s, until the command returned) and
 *	what the kernel holds (count, per-protocol counts; for routes how
 *	many use a nexthop object and how many carry an MPLS encap).
 *	Exit 4 when the deadline passes first (the counts reached are
 *	printed).
 *
 *   dpbench watch --vty SOCKET CMD [--then CMD2 [--when ADDR2]] --vrf VRFDEV
 *		  --via ADDR FIRST LAST [--timeout S]
 *	Take the time, issue CMD, then CMD2: right after, or with --when
 *	once the kernel forwards ADDR2 via ADDR (as bgpd re-sends its routes
 *	only once zebra has the new path to their next hop); look up FIRST
 *	and LAST (IPv4 addresses, through the VRF device: the route the
 *	kernel would use) every WATCH_MS from CMD on (while waiting for
 *	ADDR2, and while CMD2 runs: a child process waits for its answer)
 *	until each is forwarded via gateway ADDR and CMD2 has returned;
 *	print one
 *	line of key=value: first and last (s from the command), reply (s,
 *	until the command returned), nhid (of LAST's route, 0 = inline).
 *	Exit 4 when the deadline passes first. For bench/convergence.
 *
 *   dpbench idle [--timeout S]
 *	Wait until both CPUs have been at least 90 % idle for a second
 *	(the previous run's daemons and namespace are gone), so that runs
 *	start from the same quiet machine. Exit 4 on timeout.
 *
 * DOC: how "all in the kernel" is detected cheaply
 *
 * Dumping 100k routes costs the kernel (and this process) real CPU time
 * under TCG, which would slow down the very thing being measured. So the
 * poll is two-stage: every POLL_MS a single RTM_GETROUTE asks for the
 * *last* entry only (IPv4: a fib-match lookup through the VRF device;
 * MPLS: the label itself); zebra and satnet program in the order they
 * receive, so once the last entry is there, one dump counts the whole
 * range. If some are still missing, dumps repeat with a back-off of
 * twice their own duration. The time reported is when the dump that
 * found all COUNT entries finished. A dump every PROGRESS_S seconds
 * reports progress on stderr.
 *
 * Plain C and raw rtnetlink: no FRR header, no libnl.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/lwtunnel.h>
#include <linux/mpls.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef AF_MPLS
#define AF_MPLS 28
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
#ifndef RTA_NH_ID
#define RTA_NH_ID 30
#endif

#define POLL_MS 10
#define PROGRESS_S 15
/* dpbench watch: between two lookups of the watched addresses */
#define WATCH_MS 2
#define NL_BUFSIZE (1 << 20)

static const char *prog = "dpbench";

static void die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000L};

	/* SIGCHLD cuts it short: the caller looks at the child at once */
	nanosleep(&ts, NULL);
}

static unsigned long parse_ul(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end)
		die(2, "%s: not a number: %s", what, s);
	return v;
}

/*
 * vty
 */

static int vty_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		die(2, "vty socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die(3, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(3, "connect %s: %s", path, strerror(errno));
	return fd;
}

/* Run @cmd; its output goes to @out (may be NULL). Returns the status. */
static int vty_cmd(int fd, const char *cmd, FILE *out)
{
	size_t len = strlen(cmd) + 1, off = 0, have = 0, cap = 65536;
	char *buf = malloc(cap);
	ssize_t n;
	int status;

	if (!buf)
		die(3, "out of memory");
	while (off < len) {
		n = write(fd, cmd + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die(3, "vty write: %s", strerror(errno));
		off += (size_t)n;
	}
	for (;;) {
		if (have == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				die(3, "out of memory");
		}
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(3, "vty read: %s", strerror(errno));
		if (n == 0)
			die(3, "vty closed the connection during \"%s\"", cmd);
		have += (size_t)n;
		/* as vtysh: the answer ends with 0 0 0 STATUS */
		if (have >= 4 && !buf[have - 4] && !buf[have - 3]
		    && !buf[have - 2])
			break;
	}
	status = (unsigned char)buf[have - 1];
	if (out && have > 4)
		fwrite(buf, 1, have - 4, out);
	free(buf);
	return status;
}

static int cmd_vty(int argc, char **argv)
{
	int fd, st, rc = 0;

	if (argc < 2)
		die(2, "usage: dpbench vty SOCKET CMD...");
	fd = vty_connect(argv[0]);
	if (vty_cmd(fd, "enable", NULL) != 0)
		die(3, "%s: \"enable\" failed", argv[0]);
	for (int i = 1; i < argc; i++) {
		st = vty_cmd(fd, argv[i], stdout);
		if (st != 0) {
			fprintf(stderr, "%s: \"%s\" failed (status %d)\n", prog,
				argv[i], st);
			rc = 1;
		}
	}
	fflush(stdout);
	close(fd);
	return rc;
}

/*
 * rtnetlink
 */

struct nl {
	int fd;
	uint32_t seq;
	char *buf;
};

static void nl_open(struct nl *nl, bool strict)
{
	int one = 1, sz = NL_BUFSIZE;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		die(3, "netlink socket: %s", strerror(errno));
	setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (strict && setsockopt(nl->fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK,
				 &one, sizeof(one)) < 0)
		die(3, "NETLINK_GET_STRICT_CHK: %s (kernel too old?)",
		    strerror(errno));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(3, "netlink bind: %s", strerror(errno));
	nl->seq = (uint32_t)time(NULL);
	nl->buf = malloc(NL_BUFSIZE);
	if (!nl->buf)
		die(3, "out of memory");
}

struct req {
	struct nlmsghdr n;
	struct rtmsg r;
	char attrs[64];
};

static void req_init(struct req *q, uint16_t flags, uint8_t family)
{
	memset(q, 0, sizeof(*q));
	q->n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	q->n.nlmsg_type = RTM_GETROUTE;
	q->n.nlmsg_flags = NLM_F_REQUEST | flags;
	q->r.rtm_family = family;
}

static void req_attr(struct req *q, uint16_t type, const void *data,
		     uint16_t len)
{
	struct rtattr *rta =
		(struct rtattr *)((char *)&q->n + NLMSG_ALIGN(q->n.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	q->n.nlmsg_len = NLMSG_ALIGN(q->n.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

typedef void (*nl_cb)(const struct nlmsghdr *h, void *arg);

/* Send @q, feed every answer to @cb. Returns 0 or -errno (NLMSG_ERROR). */
static int nl_talk(struct nl *nl, struct req *q, nl_cb cb, void *arg)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	bool dump = q->n.nlmsg_flags & NLM_F_DUMP;
	ssize_t n;

	q->n.nlmsg_seq = ++nl->seq;
	if (sendto(nl->fd, q, q->n.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa))
	    < 0)
		die(3, "netlink send: %s", strerror(errno));
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, nl->buf, NL_BUFSIZE, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(3, "netlink recv: %s", strerror(errno));
		for (h = (struct nlmsghdr *)nl->buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			cb(h, arg);
			if (!dump)
				return 0;
		}
	}
}

/* The attributes of an RTM_NEWROUTE. */
static void rt_attrs(const struct nlmsghdr *h, struct rtattr **tb, int max)
{
	const struct rtmsg *r = NLMSG_DATA(h);
	struct rtattr *a = RTM_RTA(r);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*r));

	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type <= max && !tb[a->rta_type])
			tb[a->rta_type] = a;
}

/*
 * Where one address is forwarded (dpbench watch)
 */

struct fwd {
	bool found;
	struct in_addr gw; /* the first nexthop's gateway */
	uint32_t nhid;
};

static void fwd_of(const struct nlmsghdr *h, void *arg)
{
	struct fwd *f = arg;
	struct rtattr *tb[RTA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWROUTE)
		return;
	rt_attrs(h, tb, RTA_MAX);
	f->found = true;
	f->nhid = tb[RTA_NH_ID] ? *(uint32_t *)RTA_DATA(tb[RTA_NH_ID]) : 0;
	if (tb[RTA_GATEWAY] && RTA_PAYLOAD(tb[RTA_GATEWAY]) == 4) {
		memcpy(&f->gw, RTA_DATA(tb[RTA_GATEWAY]), 4);
	} else if (tb[RTA_MULTIPATH]) {
		/* ECMP (a group of several): the first path's gateway */
		struct rtnexthop *nh = RTA_DATA(tb[RTA_MULTIPATH]);
		int len = (int)nh->rtnh_len - (int)sizeof(*nh);
		struct rtattr *a = RTNH_DATA(nh);

		for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
			if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == 4)
				memcpy(&f->gw, RTA_DATA(a), 4);
	}
}

/* The route the kernel uses for @addr in the table of VRF @vrf_ifindex. */
static struct fwd lookup_fwd(struct nl *nl, struct in_addr addr,
			     int vrf_ifindex)
{
	struct fwd f = {0};
	struct req q;

	req_init(&q, 0, AF_INET);
	q.r.rtm_flags = RTM_F_FIB_MATCH;
	q.r.rtm_dst_len = 32;
	req_attr(&q, RTA_DST, &addr, sizeof(addr));
	req_attr(&q, RTA_OIF, &vrf_ifindex, sizeof(vrf_ifindex));
	if (nl_talk(nl, &q, fwd_of, &f) < 0)
		f.found = false;
	return f;
}

static int cmd_watch(int argc, char **argv)
{
	const char *vty_sock = NULL, *vty_command = NULL, *vty_then = NULL;
	struct in_addr via = {0}, addr[2], when = {0};
	int vrf_ifindex = 0, n_addr = 0, i, fd, st;
	double timeout = 600, t0, t_reply, t_at[2] = {-1, -1}, deadline;
	struct fwd last = {0};
	pid_t then_pid;
	struct nl nl;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--vty") && i + 2 < argc) {
			vty_sock = argv[++i];
			vty_command = argv[++i];
		} else if (!strcmp(argv[i], "--then") && i + 1 < argc) {
			vty_then = argv[++i];
		} else if (!strcmp(argv[i], "--when") && i + 1 < argc) {
			if (inet_pton(AF_INET, argv[++i], &when) != 1)
				die(2, "not an IPv4 address: %s", argv[i]);
		} else if (!strcmp(argv[i], "--vrf") && i + 1 < argc) {
			vrf_ifindex = (int)if_nametoindex(argv[++i]);
			if (!vrf_ifindex)
				die(2, "no device %s", argv[i]);
		} else if (!strcmp(argv[i], "--via") && i + 1 < argc) {
			if (inet_pton(AF_INET, argv[++i], &via) != 1)
				die(2, "not an IPv4 address: %s", argv[i]);
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout = (double)parse_ul(argv[++i], "--timeout");
		} else if (n_addr < 2
			   && inet_pton(AF_INET, argv[i], &addr[n_addr]) == 1) {
			n_addr++;
		} else {
			die(2, "watch: bad argument %s (see the top of dpbench.c)",
			    argv[i]);
		}
	}
	if (!vty_sock || !vrf_ifindex || !via.s_addr || n_addr != 2)
		die(2, "watch: --vty, --vrf, --via, FIRST and LAST needed");

	nl_open(&nl, false);
	fd = vty_connect(vty_sock);
	if (vty_cmd(fd, "enable", NULL) != 0)
		die(3, "%s: \"enable\" failed", vty_sock);
	t0 = now();
	deadline = t0 + timeout;
	st = vty_cmd(fd, vty_command, stderr);
	if (st != 0)
		die(3, "\"%s\" failed (status %d)", vty_command, st);
	while (vty_then && when.s_addr) {
		struct fwd f = lookup_fwd(&nl, when, vrf_ifindex);

		/* FIRST and LAST may move before CMD2 (a PIC core moves
		 * them with the --when address itself) */
		for (i = 0; i < 2; i++) {
			struct fwd fi;

			if (t_at[i] >= 0)
				continue;
			fi = lookup_fwd(&nl, addr[i], vrf_ifindex);
			if (fi.found && fi.gw.s_addr == via.s_addr)
				t_at[i] = now() - t0;
		}
		if (f.found && f.gw.s_addr == via.s_addr)
			break;
		if (now() > deadline)
			die(4, "watch: the kernel never forwarded the --when address via the new gateway");
		sleep_ms(WATCH_MS);
	}
	/* CMD2 blocks (sharpd answers once it has sent every route): a
	 * child runs it while this process keeps looking at the kernel */
	t_reply = -1;
	then_pid = 0;
	if (vty_then) {
		fflush(NULL);
		then_pid = fork();
		if (then_pid < 0)
			die(3, "fork: %s", strerror(errno));
		if (then_pid == 0) {
			st = vty_cmd(fd, vty_then, stderr);
			if (st != 0)
				fprintf(stderr, "\"%s\" failed (status %d)\n",
					vty_then, st);
			_exit(st != 0 ? 3 : 0);
		}
	} else {
		t_reply = now() - t0;
	}
	while (t_at[0] < 0 || t_at[1] < 0 || t_reply < 0) {
		if (then_pid && t_reply < 0
		    && waitpid(then_pid, &st, WNOHANG) == then_pid) {
			t_reply = now() - t0;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				die(3, "\"%s\" failed", vty_then);
		}
		for (i = 0; i < 2; i++) {
			struct fwd f;

			if (t_at[i] >= 0)
				continue;
			f = lookup_fwd(&nl, addr[i], vrf_ifindex);
			if (i == 1)
				last = f;
			if (f.found && f.gw.s_addr == via.s_addr)
				t_at[i] = now() - t0;
		}
		if (now() > deadline) {
			printf("first=%.3f last=%.3f reply=%.3f nhid=%u timeout=1\n",
			       t_at[0], t_at[1], t_reply, last.nhid);
			if (then_pid && t_reply < 0)
				kill(then_pid, SIGKILL);
			return 4;
		}
		if (t_at[0] < 0 || t_at[1] < 0 || t_reply < 0)
			sleep_ms(WATCH_MS);
	}
	last = lookup_fwd(&nl, addr[1], vrf_ifindex);
	printf("first=%.3f last=%.3f reply=%.3f nhid=%u\n", t_at[0], t_at[1],
	       t_reply, last.nhid);
	close(fd);
	return 0;
}

/*
 * What the kernel holds
 */

struct want {
	bool routes;   /* else LSPs */
	uint32_t table;
	int vrf_ifindex;
	uint32_t first; /* IPv4 host order, or label */
	uint32_t count;
};

struct tally {
	uint32_t count;
	uint32_t nhid, encap;
	uint32_t proto[256];
};

struct dump_ctx {
	const struct want *w;
	struct tally *t;
};

static void count_route(const struct nlmsghdr *h, void *arg)
{
	struct dump_ctx *d = arg;
	const struct rtmsg *r = NLMSG_DATA(h);
	struct rtattr *tb[RTA_MAX + 1];
	uint32_t table, dst;

	if (h->nlmsg_type != RTM_NEWROUTE || r->rtm_family != AF_INET
	    || r->rtm_dst_len != 32 || (r->rtm_flags & RTM_F_CLONED))
		return;
	rt_attrs(h, tb, RTA_MAX);
	table = tb[RTA_TABLE] ? *(uint32_t *)RTA_DATA(tb[RTA_TABLE])
			      : r->rtm_table;
	if (table != d->w->table || !tb[RTA_DST])
		return;
	dst = ntohl(*(uint32_t *)RTA_DATA(tb[RTA_DST]));
	if (dst - d->w->first >= d->w->count)
		return;
	d->t->count++;
	d->t->proto[r->rtm_protocol]++;
	if (tb[RTA_NH_ID])
		d->t->nhid++;
	if (tb[RTA_ENCAP_TYPE]
	    && *(uint16_t *)RTA_DATA(tb[RTA_ENCAP_TYPE]) == LWTUNNEL_ENCAP_MPLS)
		d->t->encap++;
}

static void count_lsp(const struct nlmsghdr *h, void *arg)
{
	struct dump_ctx *d = arg;
	const struct rtmsg *r = NLMSG_DATA(h);
	struct rtattr *tb[RTA_MAX + 1];
	uint32_t label;

	if (h->nlmsg_type != RTM_NEWROUTE || r->rtm_family != AF_MPLS)
		return;
	rt_attrs(h, tb, RTA_MAX);
	if (!tb[RTA_DST] || RTA_PAYLOAD(tb[RTA_DST]) < 4)
		return;
	label = ntohl(*(uint32_t *)RTA_DATA(tb[RTA_DST])) >> MPLS_LS_LABEL_SHIFT;
	if (label - d->w->first >= d->w->count)
		return;
	d->t->count++;
	d->t->proto[r->rtm_protocol]++;
}

/* One dump: how many of the wanted entries the kernel holds. */
static void tally(struct nl *strict, const struct want *w, struct tally *t)
{
	struct dump_ctx d = {.w = w, .t = t};
	struct req q;
	int ret;

	memset(t, 0, sizeof(*t));
	req_init(&q, NLM_F_DUMP, w->routes ? AF_INET : AF_MPLS);
	if (w->routes) {
		/* strict dump filtered by table: only table w->table is walked */
		q.r.rtm_table = w->table < 256 ? w->table : RT_TABLE_UNSPEC;
		req_attr(&q, RTA_TABLE, &w->table, sizeof(w->table));
	}
	ret = nl_talk(strict, &q, w->routes ? count_route : count_lsp, &d);
	if (ret < 0)
		die(3, "%s dump: %s", w->routes ? "route" : "mpls",
		    strerror(-ret));
}

struct found {
	bool hit;
	const struct want *w;
	uint32_t key;
};

static void check_one(const struct nlmsghdr *h, void *arg)
{
	struct found *f = arg;
	const struct rtmsg *r = NLMSG_DATA(h);
	struct rtattr *tb[RTA_MAX + 1];
	uint32_t v, table;

	if (h->nlmsg_type != RTM_NEWROUTE)
		return;
	rt_attrs(h, tb, RTA_MAX);
	if (!tb[RTA_DST] || RTA_PAYLOAD(tb[RTA_DST]) < 4)
		return;
	v = ntohl(*(uint32_t *)RTA_DATA(tb[RTA_DST]));
	if (f->w->routes) {
		table = tb[RTA_TABLE] ? *(uint32_t *)RTA_DATA(tb[RTA_TABLE])
				      : r->rtm_table;
		f->hit = r->rtm_dst_len == 32 && v == f->key
			 && table == f->w->table;
	} else {
		f->hit = (v >> MPLS_LS_LABEL_SHIFT) == f->key;
	}
}

/* Is the last wanted entry there? One lookup, no dump. */
static bool last_present(struct nl *nl, const struct want *w)
{
	struct found f = {.w = w, .key = w->first + w->count - 1};
	struct req q;
	uint32_t v;
	int ret;

	req_init(&q, 0, w->routes ? AF_INET : AF_MPLS);
	q.r.rtm_flags = RTM_F_FIB_MATCH;
	if (w->routes) {
		/* a lookup through the VRF device reaches its table; the
		 * answer names the table only with RTM_F_LOOKUP_TABLE */
		q.r.rtm_flags |= RTM_F_LOOKUP_TABLE;
		q.r.rtm_dst_len = 32;
		v = htonl(f.key);
		req_attr(&q, RTA_DST, &v, sizeof(v));
		req_attr(&q, RTA_OIF, &w->vrf_ifindex, sizeof(w->vrf_ifindex));
	} else {
		q.r.rtm_dst_len = 20;
		v = htonl(f.key << MPLS_LS_LABEL_SHIFT | MPLS_LS_S_MASK);
		req_attr(&q, RTA_DST, &v, sizeof(v));
	}
	ret = nl_talk(nl, &q, check_one, &f);
	return ret == 0 && f.hit;
}

static void print_tally(const char *pfx, const struct want *w,
			const struct tally *t, FILE *out)
{
	fprintf(out, "%scount=%u", pfx, t->count);
	if (w->routes)
		fprintf(out, " nhid=%u encap=%u", t->nhid, t->encap);
	fprintf(out, " protos=");
	for (int p = 0, first = 1; p < 256; p++) {
		if (!t->proto[p])
			continue;
		fprintf(out, "%s%d:%u", first ? "" : ",", p, t->proto[p]);
		first = 0;
	}
}

static volatile sig_atomic_t child_done;

static void on_chld(int sig)
{
	child_done = 1;
}

static int cmd_run(int argc, char **argv)
{
	const char *vty_sock = NULL, *vty_command = NULL, *vty_pre = NULL;
	char **exec_argv = NULL;
	struct want w = {0};
	bool have_want = false;
	double timeout = 1800, t0, t_reply = -1, t_done, deadline, next_progress;
	double dump_s = 0, next_dump = 0;
	struct tally t = {0};
	struct nl nl, strict;
	bool seen_last = false;
	pid_t child = -1;
	int i, fd = -1;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--vty") && i + 2 < argc) {
			vty_sock = argv[++i];
			vty_command = argv[++i];
		} else if (!strcmp(argv[i], "--pre") && i + 1 < argc) {
			vty_pre = argv[++i];
		} else if (!strcmp(argv[i], "--routes") && i + 4 < argc) {
			struct in_addr a;

			w.routes = true;
			w.table = (uint32_t)parse_ul(argv[++i], "TABLE");
			w.vrf_ifindex = (int)if_nametoindex(argv[++i]);
			if (!w.vrf_ifindex)
				die(2, "no device %s", argv[i]);
			if (inet_pton(AF_INET, argv[++i], &a) != 1)
				die(2, "not an IPv4 address: %s", argv[i]);
			w.first = ntohl(a.s_addr);
			w.count = (uint32_t)parse_ul(argv[++i], "COUNT");
			have_want = true;
		} else if (!strcmp(argv[i], "--lsps") && i + 2 < argc) {
			w.routes = false;
			w.first = (uint32_t)parse_ul(argv[++i], "FIRST");
			w.count = (uint32_t)parse_ul(argv[++i], "COUNT");
			have_want = true;
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout = (double)parse_ul(argv[++i], "--timeout");
		} else if (!strcmp(argv[i], "--exec") && i + 1 < argc) {
			exec_argv = &argv[i + 1];
			break;
		} else {
			die(2, "run: bad argument %s (see the top of dpbench.c)",
			    argv[i]);
		}
	}
	if (!have_want || !w.count)
		die(2, "run: --routes or --lsps with COUNT > 0 needed");

	nl_open(&nl, false);
	nl_open(&strict, true);
	if (vty_sock) {
		fd = vty_connect(vty_sock);
		if (vty_cmd(fd, "enable", NULL) != 0)
			die(3, "%s: \"enable\" failed", vty_sock);
		if (vty_pre && vty_cmd(fd, vty_pre, NULL) != 0)
			die(3, "%s: \"%s\" failed", vty_sock, vty_pre);
	}

	t0 = now();
	deadline = t0 + timeout;
	next_progress = t0 + PROGRESS_S;
	if (vty_sock) {
		int st = vty_cmd(fd, vty_command, stderr);

		t_reply = now() - t0;
		if (st != 0)
			die(3, "\"%s\" failed (status %d)", vty_command, st);
	} else if (exec_argv) {
		struct sigaction sa = {.sa_handler = on_chld};

		sigaction(SIGCHLD, &sa, NULL);
		child = fork();
		if (child < 0)
			die(3, "fork: %s", strerror(errno));
		if (child == 0) {
			execvp(exec_argv[0], exec_argv);
			fprintf(stderr, "%s: exec %s: %s\n", prog, exec_argv[0],
				strerror(errno));
			_exit(127);
		}
	}

	for (;;) {
		double tn = now();

		if (child > 0) {
			int st;

			/* ip -batch waits for every answer: done when it exits */
			if (child_done && waitpid(child, &st, 0) == child) {
				t_reply = now() - t0;
				child = -1;
				if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
					die(3, "%s failed (wait status %d)",
					    exec_argv[0], st);
				seen_last = true;
				next_dump = 0;
			}
		} else if (!seen_last && last_present(&nl, &w)) {
			seen_last = true;
		}
		if (child <= 0 && seen_last && tn >= next_dump) {
			double d0 = now();

			tally(&strict, &w, &t);
			dump_s = now() - d0;
			if (t.count >= w.count) {
				/* all there when this dump started */
				t_done = exec_argv ? t_reply : d0 - t0;
				break;
			}
			if (exec_argv) {
				fprintf(stderr,
					"%s: %s exited but the kernel holds %u of %u %s\n",
					prog, exec_argv[0], t.count, w.count,
					w.routes ? "routes" : "LSPs");
				print_tally("", &w, &t, stdout);
				fputc('\n', stdout);
				return 4;
			}
			next_dump = now() + (2 * dump_s > 0.1 ? 2 * dump_s : 0.1);
		}
		if (tn >= deadline) {
			tally(&strict, &w, &t);
			fprintf(stderr,
				"%s: deadline: after %.0f s the kernel holds %u of %u %s\n",
				prog, timeout, t.count, w.count,
				w.routes ? "routes" : "LSPs");
			print_tally("", &w, &t, stdout);
			fputc('\n', stdout);
			if (child > 0)
				kill(child, SIGKILL);
			return 4;
		}
		if (tn >= next_progress) {
			struct tally p;

			tally(&strict, &w, &p);
			fprintf(stderr, "%s:   %.0f s: %u of %u %s in the kernel\n",
				prog, tn - t0, p.count, w.count,
				w.routes ? "routes" : "LSPs");
			next_progress = tn + PROGRESS_S;
		}
		sleep_ms(POLL_MS);
	}
	printf("elapsed=%.3f reply=%.3f dump=%.3f ", t_done, t_reply, dump_s);
	print_tally("", &w, &t, stdout);
	fputc('\n', stdout);
	if (fd >= 0)
		close(fd);
	return 0;
}

/*
 * Quiet machine
 */

static bool cpu_sample(unsigned long long *busy, unsigned long long *total)
{
	unsigned long long v[10] = {0};
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return false;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		   &v[8], &v[9]);
	fclose(f);
	if (n < 4)
		return false;
	*total = 0;
	for (int i = 0; i < 8; i++) /* guest times are in user already */
		*total += v[i];
	*busy = *total - v[3] - v[4]; /* minus idle and iowait */
	return true;
}

static int cmd_idle(int argc, char **argv)
{
	double timeout = 60, t0 = now();
	unsigned long long b0, t0j, b1, t1j;
	int quiet = 0;

	if (argc == 2 && !strcmp(argv[0], "--timeout"))
		timeout = (double)parse_ul(argv[1], "--timeout");
	else if (argc)
		die(2, "usage: dpbench idle [--timeout S]");
	if (!cpu_sample(&b0, &t0j))
		die(3, "cannot read /proc/stat");
	while (now() - t0 < timeout) {
		sleep_ms(250);
		if (!cpu_sample(&b1, &t1j))
			die(3, "cannot read /proc/stat");
		if (t1j > t0j && (double)(b1 - b0) / (double)(t1j - t0j) <= 0.10)
			quiet++;
		else
			quiet = 0;
		b0 = b1;
		t0j = t1j;
		if (quiet >= 4)
			return 0;
	}
	fprintf(stderr, "%s: the machine did not become idle within %.0f s\n",
		prog, timeout);
	return 4;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		die(2, "usage: dpbench vty|run|idle ... (see the top of dpbench.c)");
	if (!strcmp(argv[1], "vty"))
		return cmd_vty(argc - 2, argv + 2);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "idle"))
		return cmd_idle(argc - 2, argv + 2);
	if (!strcmp(argv[1], "watch"))
		return cmd_watch(argc - 2, argv + 2);
	die(2, "unknown command %s", argv[1]);
}
