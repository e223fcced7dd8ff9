/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_routes_fmt.h: rows of `show satnet routes`, without FRR.
 *
 * bgpd's module fills one struct snr_path per BGP path from its RIB and
 * hands it here; this file turns it into a text row (RyuBGP-like table)
 * or one JSON object (camelCase, strings escaped), written into the
 * caller's buffer so the command can stream a table of any size without
 * building a JSON tree. Unit-tested by tests/frr-module/test_satnet_routes.
 */
#ifndef SATNET_ROUTES_FMT_H
#define SATNET_ROUTES_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNR_NO_LABEL (-1)
#define SNR_KERNEL_NH_MAX 4    /* nexthops shown per kernel route */
#define SNR_KERNEL_STACK_MAX 8 /* labels per nexthop */

/* What the kernel holds for a VRF route (VRF view only). */
enum snr_kernel {
	SNR_KERNEL_UNKNOWN = 0, /* not looked at, or could not be read */
	SNR_KERNEL_ABSENT,	/* no route for the prefix in the VRF table */
	SNR_KERNEL_PRESENT,	/* route found: see n_nh / stacks */
};

struct snr_kernel_nh {
	uint8_t n_labels;		       /* 0: plain IP forwarding */
	uint32_t labels[SNR_KERNEL_STACK_MAX]; /* outer first */
};

struct snr_path {
	/* both views */
	const char *prefix;  /* "10.1.0.0/24" */
	const char *nexthop; /* "" when none */
	const char *peer;    /* "local" for this PE's own routes */
	bool best, valid;
	bool has_med;
	uint32_t med;
	bool has_local_pref;
	uint32_t local_pref;
	const char *as_path;	     /* "" when empty */
	const char *ext_communities; /* "RT:65001:101 RT:..." or "" */
	/* RD view: the VPN route's labels */
	int64_t label_received; /* SNR_NO_LABEL for local routes */
	int64_t label_local;	/* SNR_NO_LABEL for received routes */
	/* VRF view */
	const char *imported_rd; /* NULL: not imported from the VPN table */
	int64_t vpn_label;	 /* label of the VPN route it came from */
	enum snr_kernel kernel;
	uint8_t kernel_n_nh;
	struct snr_kernel_nh kernel_nh[SNR_KERNEL_NH_MAX];
};

enum snr_view {
	SNR_VIEW_RD,  /* grouped by RD: the VPN RIB */
	SNR_VIEW_VRF, /* one VRF's table: imports and the kernel */
};

/*
 * Write a NUL-terminated piece into buf[0..len). Each returns the length
 * written (without the NUL), or -1 when it does not fit (buf then holds
 * an empty string, never a truncated row or object).
 */
extern int snr_text_header(enum snr_view view, char *buf, size_t len);
extern int snr_text_row(enum snr_view view, const struct snr_path *p, char *buf,
			size_t len);
extern int snr_json_path(enum snr_view view, const struct snr_path *p,
			 char *buf, size_t len);
/* A JSON string literal, quotes included. */
extern int snr_json_string(const char *s, char *buf, size_t len);
/* "100/200,300" for the kernel's stacks, "-" plain IP, "absent",
 * "unknown". */
extern int snr_kernel_text(const struct snr_path *p, char *buf, size_t len);

#endif /* SATNET_ROUTES_FMT_H */
