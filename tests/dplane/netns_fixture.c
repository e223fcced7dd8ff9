// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test fixture: a private network namespace with a veth pair.
 *
 * Built with plain libnl, not with the code under test, so a bug in
 * dplane/ cannot hide itself by breaking its own fixture.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare() */
#endif
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "dp_test.h"

/* veth t1/t2, both up, 192.0.2.1/24 on t1. Plain libnl: not under test. */
static int make_links(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *link = NULL, *change = NULL;
	struct rtnl_addr *addr = NULL;
	struct nl_cache *cache = NULL;
	struct nl_addr *local = NULL;
	const char *names[] = {"lo", "t1", "t2"};
	int ret;

	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0)
		return -1;
	ret = rtnl_link_veth_add(sk, "t1", "t2", getpid());
	if (ret < 0)
		goto out;
	ret = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
	if (ret < 0)
		goto out;
	change = rtnl_link_alloc();
	rtnl_link_set_flags(change, IFF_UP);
	for (int i = 0; i < 3; i++) {
		link = rtnl_link_get_by_name(cache, names[i]);
		if (!link) {
			ret = -1;
			goto out;
		}
		ret = rtnl_link_change(sk, link, change, 0);
		rtnl_link_put(link);
		if (ret < 0)
			goto out;
	}
	addr = rtnl_addr_alloc();
	ret = nl_addr_parse("192.0.2.1/24", AF_INET, &local);
	if (ret < 0)
		goto out;
	rtnl_addr_set_ifindex(addr, rtnl_link_name2i(cache, "t1"));
	rtnl_addr_set_local(addr, local);
	ret = rtnl_addr_add(sk, addr, 0);
out:
	if (ret < 0)
		fprintf(stderr, "test setup: %s\n", nl_geterror(ret));
	nl_addr_put(local);
	rtnl_addr_put(addr);
	rtnl_link_put(change);
	nl_cache_free(cache);
	nl_socket_free(sk);
	return ret < 0 ? -1 : 0;
}

int t_netns_enter(void)
{
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: cannot create a network namespace: %s\n",
		       strerror(errno));
		return -1;
	}
	if (make_links() < 0) {
		printf("SKIP: cannot create a veth pair in the namespace\n");
		return -1;
	}
	return 0;
}
