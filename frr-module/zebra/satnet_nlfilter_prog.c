// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_nlfilter_prog.c: the classic BPF program for zebra's
 * netlink-listen socket (see satnet_nlfilter.h). Plain C: unit-tested
 * without FRR (tests/frr-module/test_satnet_nlfilter.c).
 *
 *   if (pid == zebra_pid || pid == zebra_dplane_pid)    zebra's own rule
 *       keep only RTM_NEWADDR, RTM_DELADDR, RTM_NEWNETCONF, RTM_DELNETCONF
 *   else if (pid == satnet_pid)                         satnet's
 *       drop RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWNEXTHOP, RTM_DELNEXTHOP
 *   keep everything else
 *
 * A netlink socket filter sees each notification from its struct
 * nlmsghdr on (the kernel sends one message per multicast skb); BPF_ABS
 * loads are in network byte order, hence htonl()/htons() on the
 * constants, as zebra writes them. A kept message is kept whole
 * (0xffffffff: zebra's own program returns 0xffff, which would cut a
 * notification longer than 64 KiB).
 */
#include <errno.h>
#include <stddef.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "satnet_nlfilter.h"

#define NLF_DROP 0
#define NLF_KEEP 0xffffffffu

int sn_nlfilter_build(struct sock_filter *insn, size_t max, uint32_t zebra_pid,
		      uint32_t zebra_dplane_pid, uint32_t satnet_pid)
{
	/* zebra's part is 8 instructions, satnet's 6, the two returns 2 */
	const size_t n = satnet_pid ? 16 : 10;
	const size_t drop = n - 2, keep = n - 1;
	const size_t satnet = satnet_pid ? 8 : keep;
	size_t i = 0;

	if (max < n)
		return -ENOSPC;

/* a jump from instruction i (to be written) to absolute targets t, f */
#define JEQ(k, t, f)                                                           \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t) - (i + 1), (f) - (i + 1))

	/* zebra's rule: 0..7 */
	insn[i] = (struct sock_filter)BPF_STMT(
		BPF_LD | BPF_ABS | BPF_W, offsetof(struct nlmsghdr, nlmsg_pid));
	i++;
	insn[i] = (struct sock_filter)JEQ(htonl(zebra_pid), 3, 2);
	i++;
	insn[i] = (struct sock_filter)JEQ(htonl(zebra_dplane_pid), 3, satnet);
	i++;
	insn[i] = (struct sock_filter)BPF_STMT(
		BPF_LD | BPF_ABS | BPF_H,
		offsetof(struct nlmsghdr, nlmsg_type));
	i++;
	insn[i] = (struct sock_filter)JEQ(htons(RTM_NEWADDR), keep, i + 1);
	i++;
	insn[i] = (struct sock_filter)JEQ(htons(RTM_DELADDR), keep, i + 1);
	i++;
	insn[i] = (struct sock_filter)JEQ(htons(RTM_NEWNETCONF), keep, i + 1);
	i++;
	insn[i] = (struct sock_filter)JEQ(htons(RTM_DELNETCONF), keep, drop);
	i++;

	/* satnet's rule: 8..13; the accumulator still holds nlmsg_pid */
	if (satnet_pid) {
		insn[i] =
			(struct sock_filter)JEQ(htonl(satnet_pid), i + 1, keep);
		i++;
		insn[i] = (struct sock_filter)BPF_STMT(
			BPF_LD | BPF_ABS | BPF_H,
			offsetof(struct nlmsghdr, nlmsg_type));
		i++;
		insn[i] = (struct sock_filter)JEQ(htons(RTM_NEWROUTE), drop,
						  i + 1);
		i++;
		insn[i] = (struct sock_filter)JEQ(htons(RTM_DELROUTE), drop,
						  i + 1);
		i++;
		insn[i] = (struct sock_filter)JEQ(htons(RTM_NEWNEXTHOP), drop,
						  i + 1);
		i++;
		insn[i] = (struct sock_filter)JEQ(htons(RTM_DELNEXTHOP), drop,
						  keep);
		i++;
	}
#undef JEQ

	insn[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, NLF_DROP);
	insn[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, NLF_KEEP);
	return (int)i;
}
