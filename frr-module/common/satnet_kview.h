/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_kview.h: what the kernel holds in one VRF's table, without FRR.
 *
 * `show satnet routes vrf NAME` shows, next to each route bgpd selected,
 * the label stack the kernel really forwards with. bgpd's module reads it
 * here, at the moment of the command: the VRF device's table (one
 * kernel-filtered dump per family) and the nexthop objects the routes
 * refer to, joined into a prefix -> stacks map. Nothing is guessed: a
 * prefix the kernel has no unicast route for is "absent", and when the
 * kernel cannot be read the caller shows "unknown" with the reason.
 *
 * Unit-tested by tests/frr-module/test_satnet_routes against dplane/'s
 * null backend.
 */
#ifndef SATNET_KVIEW_H
#define SATNET_KVIEW_H

#include <stddef.h>

#include "satnet_routes_fmt.h"

struct sdp;
struct snk_table;

/*
 * Read VRF device @vrf's table. 0 with *out set (snk_free() it), or a
 * negative errno with a sentence naming the device in why: no such
 * device, not a VRF, or the dump failed.
 */
extern int snk_load(struct sdp *dp, const char *vrf, struct snk_table **out,
		    char *why, size_t whylen);

/* Fill p->kernel, kernel_n_nh and kernel_nh for canonical @prefix
 * ("10.1.0.0/24", as inet_ntop prints it). */
extern void snk_lookup(const struct snk_table *t, const char *prefix,
		       struct snr_path *p);

extern size_t snk_count(const struct snk_table *t);
extern unsigned int snk_table_id(const struct snk_table *t);
extern void snk_free(struct snk_table *t);

#endif /* SATNET_KVIEW_H */
