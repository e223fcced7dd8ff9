/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_zebra.h: state of the satnet zebra module.
 *
 * One struct owns everything the module keeps. Configuration (what the
 * operator asked for) and runtime state (what the kernel holds, counters)
 * are kept in separate sub-structs so that a config change never has to
 * guess which fields are facts and which are wishes.
 */
#ifndef SATNET_ZEBRA_H
#define SATNET_ZEBRA_H

#include <stdbool.h>
#include <stdint.h>

struct thread_master;

struct satnet_zebra {
	struct thread_master *master;

	/* Configuration (from the satnet node). */
	struct {
		bool present;	    /* a "satnet" block exists */
		uint32_t label_lo;  /* label range, 0/0 when unset */
		uint32_t label_hi;
	} cfg;

	/* Runtime facts. */
	struct {
		bool mpls_kernel; /* /proc/sys/net/mpls existed at start */
	} rt;
};

extern struct satnet_zebra satnet_zebra;

/* satnet_vty.c */
extern void satnet_vty_init(void);

#endif /* SATNET_ZEBRA_H */
