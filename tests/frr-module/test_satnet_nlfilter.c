// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the filter satnet puts on zebra's netlink-listen socket
 * (frr-module/zebra/satnet_nlfilter_prog.c).
 *
 * The program is run by the kernel, not by a model of it: attached with
 * SO_ATTACH_FILTER (the kernel's checker must accept it) to one end of
 * an AF_UNIX datagram socketpair, which hands a filter each datagram
 * from its first byte as netlink does each notification from its
 * nlmsghdr, it is shown every (sender, message type) case; no privilege
 * needed. Then, in a private network namespace (root only; exit 77
 * elsewhere), real notifications: a listener subscribed like zebra's
 * netlink-listen, with the filter, and one without, while satnet's
 * socket (dplane/, sdp_nl_port()), a socket standing for zebra's and a
 * third party's write routes and links.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <cmocka.h>

#include "satnet_dp.h"
#include "satnet_nlfilter.h"

#ifndef RTM_NEWNEXTHOP
#define RTM_NEWNEXTHOP 104
#define RTM_DELNEXTHOP 105
#endif

int t_netns_enter(void); /* tests/dplane/netns_fixture.c */

#define ZEBRA_CMD 4242u
#define ZEBRA_DP 4243u
#define SATNET 0x80001234u /* libnl's ports have the top bits set */

/* --- the program alone */

static int attach(int fd, uint32_t zebra, uint32_t zebra_dp, uint32_t satnet)
{
	struct sock_filter insn[SN_NLFILTER_MAX];
	struct sock_fprog prog = {};
	int n = sn_nlfilter_build(insn, SN_NLFILTER_MAX, zebra, zebra_dp,
				  satnet);

	assert_true(n > 0);
	prog.len = n;
	prog.filter = insn;
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			  sizeof(prog));
}

/* Send a message of @type from @pid through sv[0]: did sv[1] get it whole? */
static bool passes(int sv[2], uint16_t type, uint32_t pid)
{
	struct {
		struct nlmsghdr h;
		char payload[60];
	} m = {}, in;
	ssize_t len;

	m.h.nlmsg_len = sizeof(m);
	m.h.nlmsg_type = type;
	m.h.nlmsg_pid = pid;
	memset(m.payload, 0xa5, sizeof(m.payload));
	assert_int_equal(send(sv[0], &m, sizeof(m), 0), sizeof(m));
	len = recv(sv[1], &in, sizeof(in), MSG_DONTWAIT);
	if (len < 0) {
		assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
		return false;
	}
	assert_int_equal(len, sizeof(m));
	assert_memory_equal(&in, &m, sizeof(m));
	return true;
}

static const uint16_t all_types[] = {
	RTM_NEWLINK,	RTM_DELLINK,	RTM_NEWADDR,	RTM_DELADDR,
	RTM_NEWROUTE,	RTM_DELROUTE,	RTM_NEWNEIGH,	RTM_DELNEIGH,
	RTM_NEWRULE,	RTM_DELRULE,	RTM_NEWNETCONF, RTM_DELNETCONF,
	RTM_NEWNEXTHOP, RTM_DELNEXTHOP, RTM_NEWTFILTER, NLMSG_ERROR,
};

static bool zebra_keeps_own(uint16_t type)
{
	return type == RTM_NEWADDR || type == RTM_DELADDR ||
	       type == RTM_NEWNETCONF || type == RTM_DELNETCONF;
}

static bool satnet_dropped(uint16_t type)
{
	return type == RTM_NEWROUTE || type == RTM_DELROUTE ||
	       type == RTM_NEWNEXTHOP || type == RTM_DELNEXTHOP;
}

static void test_filter_every_case(void **state)
{
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	assert_int_equal(attach(sv[1], ZEBRA_CMD, ZEBRA_DP, SATNET), 0);
	for (size_t i = 0; i < sizeof(all_types) / sizeof(all_types[0]); i++) {
		uint16_t t = all_types[i];

		print_message("type %u\n", t);
		/* zebra's own rule, for both of zebra's sockets */
		assert_int_equal(passes(sv, t, ZEBRA_CMD), zebra_keeps_own(t));
		assert_int_equal(passes(sv, t, ZEBRA_DP), zebra_keeps_own(t));
		/* satnet's: routes and nexthop objects only */
		assert_int_equal(passes(sv, t, SATNET), !satnet_dropped(t));
		/* the kernel's own (pid 0) and anyone else's: everything */
		assert_true(passes(sv, t, 0));
		assert_true(passes(sv, t, SATNET + 1));
		assert_true(passes(sv, t, ZEBRA_CMD - 1));
	}
	close(sv[0]);
	close(sv[1]);
}

/* Port 0 for satnet: zebra's program exactly, nothing of pid 0 dropped. */
static void test_filter_without_satnet(void **state)
{
	struct sock_filter insn[SN_NLFILTER_MAX];
	int sv[2];

	(void)state;
	assert_int_equal(sn_nlfilter_build(insn, SN_NLFILTER_MAX, ZEBRA_CMD,
					   ZEBRA_DP, 0),
			 10);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	assert_int_equal(attach(sv[1], ZEBRA_CMD, ZEBRA_DP, 0), 0);
	for (size_t i = 0; i < sizeof(all_types) / sizeof(all_types[0]); i++) {
		uint16_t t = all_types[i];

		assert_int_equal(passes(sv, t, ZEBRA_CMD), zebra_keeps_own(t));
		assert_int_equal(passes(sv, t, ZEBRA_DP), zebra_keeps_own(t));
		assert_true(passes(sv, t, 0));
		assert_true(passes(sv, t, SATNET));
	}
	close(sv[0]);
	close(sv[1]);
}

static void test_filter_room(void **state)
{
	struct sock_filter insn[SN_NLFILTER_MAX];

	(void)state;
	assert_int_equal(sn_nlfilter_build(insn, 15, 1, 2, 3), -ENOSPC);
	assert_int_equal(sn_nlfilter_build(insn, 9, 1, 2, 0), -ENOSPC);
	assert_int_equal(sn_nlfilter_build(insn, SN_NLFILTER_MAX, 1, 2, 3), 16);
}

static void test_port_null_backend(void **state)
{
	struct sdp *dp;

	(void)state;
	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NULL), 0);
	assert_int_equal(sdp_nl_port(dp), 0);
	sdp_close(dp);
	assert_int_equal(sdp_nl_port(NULL), 0);
}

/* --- real notifications, in a private network namespace */

#define NOTES_MAX 64

struct note {
	uint16_t type;
	uint32_t pid;
	char what[64]; /* a route's destination, a link's name */
};

struct notes {
	size_t n;
	struct note v[NOTES_MAX];
};

/* A listener like zebra's netlink-listen: links, IPv4 routes and rules. */
static int listener(void)
{
	struct sockaddr_nl snl = {.nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_ROUTE |
					       (1u << (RTNLGRP_IPV4_RULE - 1))};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&snl, sizeof(snl)), 0);
	return fd;
}

static void note_what(const struct nlmsghdr *h, char *buf, size_t len)
{
	const struct rtattr *rta;
	int alen;

	buf[0] = '\0';
	if (h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE) {
		const struct rtmsg *r = NLMSG_DATA(h);

		rta = RTM_RTA(r);
		alen = RTM_PAYLOAD(h);
		for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
			if (rta->rta_type == RTA_DST)
				inet_ntop(AF_INET, RTA_DATA(rta), buf, len);
	} else if (h->nlmsg_type == RTM_NEWLINK) {
		const struct ifinfomsg *ifi = NLMSG_DATA(h);

		rta = IFLA_RTA(ifi);
		alen = IFLA_PAYLOAD(h);
		for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
			if (rta->rta_type == IFLA_IFNAME)
				snprintf(buf, len, "%s",
					 (const char *)RTA_DATA(rta));
	}
}

static void drain(int fd, struct notes *out)
{
	char buf[65536];
	ssize_t len;

	memset(out, 0, sizeof(*out));
	while ((len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		int left = (int)len;

		for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			struct note *n;

			assert_true(out->n < NOTES_MAX);
			n = &out->v[out->n++];
			n->type = h->nlmsg_type;
			n->pid = h->nlmsg_pid;
			note_what(h, n->what, sizeof(n->what));
		}
	}
	assert_true(len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

static bool heard(const struct notes *ns, uint16_t type, uint32_t pid,
		  const char *what)
{
	for (size_t i = 0; i < ns->n; i++)
		if (ns->v[i].type == type && ns->v[i].pid == pid &&
		    !strcmp(ns->v[i].what, what))
			return true;
	return false;
}

static void route(struct sdp *dp, const char *dst, bool add)
{
	struct sdp_nexthop nh = {};
	struct sdp_link t1;
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 24,
			       .table = 10,
			       .n_nexthops = 1,
			       .nexthops = &nh};

	assert_int_equal(sdp_link_get(dp, "t1", &t1), 0);
	nh.ifindex = t1.ifindex;
	assert_int_equal(sdp_addr_parse(&nh.via, "192.0.2.2"), 0);
	assert_int_equal(sdp_addr_parse(&rt.dst, dst), 0);
	if (add)
		assert_int_equal(sdp_route_replace(dp, &rt), 0);
	else
		assert_int_equal(sdp_route_delete(dp, &rt), 0);
}

static void test_kernel_notifications(void **state)
{
	struct sdp *satnet, *zebra, *other;
	uint32_t sp, zp, op;
	struct notes f, u;
	int filtered, unfiltered;

	(void)state;
	assert_int_equal(sdp_open(&satnet, SDP_BACKEND_NETLINK), 0);
	assert_int_equal(sdp_open(&zebra, SDP_BACKEND_NETLINK), 0);
	assert_int_equal(sdp_open(&other, SDP_BACKEND_NETLINK), 0);
	sp = sdp_nl_port(satnet);
	zp = sdp_nl_port(zebra);
	op = sdp_nl_port(other);
	assert_true(sp && zp && op && sp != zp && sp != op && zp != op);

	filtered = listener();
	unfiltered = listener();
	/* zebra's two ports: the "zebra" socket and one nobody writes on */
	assert_int_equal(attach(filtered, zp, zp + 1, sp), 0);

	route(satnet, "198.51.100.0", true);
	route(satnet, "198.51.100.0", false);
	route(zebra, "198.51.101.0", true);
	route(other, "198.51.102.0", true);
	route(other, "198.51.102.0", false);
	assert_int_equal(sdp_link_set_alias(satnet, "t2", "satnet"), 0);
	assert_int_equal(sdp_link_set_alias(zebra, "t1", "zebra"), 0);
	/* moves the local rule: RTM_NEWRULE and RTM_DELRULE, satnet's pid */
	assert_int_equal(sdp_vrf_isolation(satnet, true), 0);

	drain(unfiltered, &u);
	drain(filtered, &f);
	for (size_t i = 0; i < f.n; i++)
		print_message("filtered listener: type %u pid %u %s\n",
			      f.v[i].type, f.v[i].pid, f.v[i].what);

	/* Without the filter zebra hears satnet's writes, by satnet's port
	 * (what sdp_nl_port() says is what the kernel puts in them). The
	 * kernel sends link changes as its own (pid 0), whoever made them. */
	assert_true(heard(&u, RTM_NEWROUTE, sp, "198.51.100.0"));
	assert_true(heard(&u, RTM_DELROUTE, sp, "198.51.100.0"));
	assert_true(heard(&u, RTM_NEWROUTE, zp, "198.51.101.0"));
	assert_true(heard(&u, RTM_NEWLINK, 0, "t2"));
	assert_true(heard(&u, RTM_NEWLINK, 0, "t1"));
	assert_true(heard(&u, RTM_NEWRULE, sp, ""));
	assert_true(heard(&u, RTM_DELRULE, sp, ""));

	/* With it: none of satnet's route notifications ... */
	for (size_t i = 0; i < f.n; i++)
		assert_false(f.v[i].pid == sp && (f.v[i].type == RTM_NEWROUTE ||
						  f.v[i].type == RTM_DELROUTE));
	/* ... but the links it changed; zebra's rule as before; others' all */
	assert_true(heard(&f, RTM_NEWLINK, 0, "t2"));
	assert_true(heard(&f, RTM_NEWLINK, 0, "t1"));
	assert_true(heard(&f, RTM_NEWRULE, sp, ""));
	assert_true(heard(&f, RTM_DELRULE, sp, ""));
	assert_false(heard(&f, RTM_NEWROUTE, zp, "198.51.101.0"));
	assert_true(heard(&f, RTM_NEWROUTE, op, "198.51.102.0"));
	assert_true(heard(&f, RTM_DELROUTE, op, "198.51.102.0"));

	close(filtered);
	close(unfiltered);
	sdp_close(satnet);
	sdp_close(zebra);
	sdp_close(other);
}

/*
 * The overrun: a burst of satnet's route writes fills a listener that is
 * not read meanwhile (zebra's, while its main thread is busy) and the
 * next read fails with ENOBUFS, on which zebra exits; filtered, the
 * burst queues nothing.
 */
#define BURST 2000

static bool overran(int fd)
{
	char buf[65536];
	ssize_t len;

	while ((len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	if (errno == ENOBUFS)
		return true;
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	return false;
}

static void test_kernel_burst_overrun(void **state)
{
	struct sdp *satnet;
	struct sdp_batch *b;
	struct sdp_nexthop nh = {};
	struct sdp_link t1;
	struct sdp_route rt = {.family = AF_INET,
			       .dst_len = 32,
			       .table = 20,
			       .n_nexthops = 1,
			       .nexthops = &nh};
	/* the kernel doubles it: room for about a hundred notifications */
	int small = 64 * 1024, filtered, unfiltered;

	(void)state;
	assert_int_equal(sdp_open(&satnet, SDP_BACKEND_NETLINK), 0);
	assert_int_equal(sdp_link_get(satnet, "t1", &t1), 0);
	nh.ifindex = t1.ifindex;
	assert_int_equal(sdp_addr_parse(&nh.via, "192.0.2.2"), 0);

	filtered = listener();
	unfiltered = listener();
	assert_int_equal(setsockopt(filtered, SOL_SOCKET, SO_RCVBUF, &small,
				    sizeof(small)),
			 0);
	assert_int_equal(setsockopt(unfiltered, SOL_SOCKET, SO_RCVBUF, &small,
				    sizeof(small)),
			 0);
	assert_int_equal(
		attach(filtered, ZEBRA_CMD, ZEBRA_DP, sdp_nl_port(satnet)), 0);

	assert_int_equal(sdp_batch_new(satnet, &b), 0);
	for (uint32_t i = 0; i < BURST; i++) {
		uint32_t a = htonl(0x0a000000u + i); /* 10.0.0.0 + i */

		rt.dst.family = AF_INET;
		memcpy(&rt.dst.v4, &a, sizeof(a));
		assert_int_equal(
			sdp_batch_add_route(b, SDP_CMD_REPLACE, &rt, NULL), 0);
	}
	assert_int_equal(sdp_batch_send(b), 0);
	sdp_batch_free(b);

	assert_true(overran(unfiltered));
	assert_false(overran(filtered));

	close(filtered);
	close(unfiltered);
	sdp_close(satnet);
}

int main(void)
{
	const struct CMUnitTest unpriv[] = {
		cmocka_unit_test(test_filter_every_case),
		cmocka_unit_test(test_filter_without_satnet),
		cmocka_unit_test(test_filter_room),
		cmocka_unit_test(test_port_null_backend),
	};
	const struct CMUnitTest netns[] = {
		cmocka_unit_test(test_kernel_notifications),
		cmocka_unit_test(test_kernel_burst_overrun),
	};
	int failed = cmocka_run_group_tests(unpriv, NULL, NULL);

	if (t_netns_enter() < 0)
		return failed ? failed : 77;
	return failed + cmocka_run_group_tests(netns, NULL, NULL);
}
