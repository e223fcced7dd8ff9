// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: the only public header.
 *
 * DOC: what this library is
 *
 * libsatnet_dp turns plain requests ("create VRF cust with table 10",
 * "swap in-label 1000 to 2000 via 10.0.0.2") into rtnetlink messages
 * and /proc/sys writes, sends them, and reads the kernel's state back.
 * It knows nothing about FRR: the zebra module translates dplane
 * contexts and northbound changes into the structs below, so this code
 * can be unit-tested and reused without a daemon.
 *
 * Everything goes through a context, struct sdp, opened with one of two
 * backends:
 *
 * - SDP_BACKEND_NETLINK talks to the kernel of the current network
 *   namespace over one NETLINK_ROUTE socket with extended ACKs turned
 *   on, so a refused request comes back with the kernel's own words
 *   ("Invalid label - must be MPLS_LABEL_FIRST_UNRESERVED or higher"),
 *   not only an errno.
 * - SDP_BACKEND_NULL is an in-memory stand-in for the kernel: it records
 *   every request as a line of canonical text ("vrf add name=cust
 *   table=10"), keeps a small model of links, LSPs and routes so lookups
 *   and dumps answer consistently, and can be told to fail the next N
 *   requests with a given errno to rehearse faults.
 *
 * Conventions used by every function here:
 *
 * - Names are sdp_<object>_<verb>.
 * - Functions that can fail return 0 or a negative errno value; nothing
 *   here aborts or prints. After a failure, sdp_last_error() holds one
 *   line of text naming the request, the errno text and the kernel's
 *   extended-ACK message when there was one.
 * - A struct sdp is not thread-safe: open one per thread (the dplane
 *   provider's pthread and zebra's main thread each want their own).
 *
 * Ownership rules:
 *
 * - Arguments are borrowed for the duration of the call only; the
 *   library copies whatever it keeps (names, nexthop arrays, text).
 * - struct sdp_lsp and struct sdp_route point to caller-owned nexthop
 *   arrays; the library never frees them.
 * - A struct nl_msg returned by a *_build() function belongs to the
 *   caller, who releases it with nlmsg_free().
 * - Objects handed to dump callbacks, and every const char * returned
 *   by an accessor, belong to the library: they are valid until the
 *   callback returns, or until the next call on the same struct sdp /
 *   struct sdp_batch (whichever is stated), and must be copied to be
 *   kept.
 */

#ifndef SATNET_DP_H
#define SATNET_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libnl and kernel types used only through pointers. */
struct nl_msg;
struct nlmsghdr;

/** Opaque library context; see sdp_open(). */
struct sdp;

/*
 * Constants
 */

/**
 * rtm_protocol that marks satnet's LSPs in the kernel's AF_MPLS table.
 *
 * Chosen outside both the kernel's list (rtnetlink.h, up to 192) and
 * FRR's (186..198, zebra/rt_netlink.h): 0xC5 would be FRR's
 * RTPROT_OPENFABRIC. zebra ignores AF_MPLS notifications, so any value
 * is safe there; `ip -M route` shows it as "proto 224" unless a
 * /etc/iproute2/rt_protos.d/ entry names it.
 */
#define SDP_RTPROT 224

/**
 * Default rtm_protocol for IPv4/IPv6 routes (RTPROT_ZEBRA).
 *
 * Unlike AF_MPLS, zebra 8.4 learns every route notification whose
 * protocol is not one of its own (is_selfroute() in rt_netlink.c) as a
 * "kernel" route with distance 0, which would beat the BGP route that
 * satnet just installed. VRF routes must therefore carry a protocol
 * zebra treats as self-originated; callers may pass the exact one
 * (e.g. RTPROT_BGP, 186) in sdp_route.proto.
 */
#define SDP_RTPROT_ROUTE 11

/** Largest MPLS label value (20 bits). */
#define SDP_LABEL_MAX 1048575u
/**
 * Largest net.mpls.platform_labels the kernel accepts: af_mpls.c caps
 * the sysctl at (1 << 20) - 1, and an incoming label must be below it,
 * so label 1048575 can be pushed but never be an LSP's in-label.
 */
#define SDP_PLATFORM_LABELS_MAX 1048575u
/** First label that may be allocated (RFC 3032 reserves 0..15). */
#define SDP_LABEL_UNRESERVED_MIN 16u
/** IPv4 explicit-null label (RFC 3032). */
#define SDP_LABEL_IPV4_EXPLICIT_NULL 0u
/** IPv6 explicit-null label (RFC 3032). */
#define SDP_LABEL_IPV6_EXPLICIT_NULL 2u
/** Implicit-null label: "pop", never appears on the wire. */
#define SDP_LABEL_IMPLICIT_NULL 3u
/** Most labels one nexthop may push or swap to. */
#define SDP_LABEL_STACK_MAX 16
/** Most nexthops one LSP or route may have. */
#define SDP_NEXTHOP_MAX 128
/** Interface name buffer size, including the NUL (the kernel's IFNAMSIZ). */
#define SDP_IFNAMSIZ 16
/** Interface alias buffer size in struct sdp_link (the kernel allows 255). */
#define SDP_ALIASSZ 64
/**
 * Metric of the "unreachable default" route in VRF tables: the value
 * the kernel's VRF documentation uses. Its top byte (255) is what zebra
 * reads as the administrative distance of a kernel route, so zebra
 * never prefers it over a real default.
 */
#define SDP_UNREACHABLE_METRIC 4278198272u
/** Priority the "local" rule moves to under VRF isolation. */
#define SDP_RULE_LOCAL_PREF 32765

/*
 * Context
 */

/** Where requests go. */
enum sdp_backend {
	SDP_BACKEND_NETLINK, /**< the kernel, over rtnetlink */
	SDP_BACKEND_NULL,    /**< in-memory recorder and fake kernel */
};

/**
 * Open a context.
 *
 * The netlink backend opens and connects a NETLINK_ROUTE socket in the
 * calling thread's current network namespace, asks for extended ACKs
 * (NETLINK_EXT_ACK) and capped error replies (NETLINK_CAP_ACK), and uses
 * /proc/sys for sysctls. The null backend needs no privilege; its
 * sysctls live in memory until sdp_set_sysctl_root() points them at a
 * directory.
 *
 * @param[out] dpp     the new context, NULL on failure
 * @param backend      SDP_BACKEND_NETLINK or SDP_BACKEND_NULL
 * @return 0, -EINVAL for an unknown backend, -ENOMEM, or the errno of
 *         the failed socket()/connect()
 */
int sdp_open(struct sdp **dpp, enum sdp_backend backend);

/** Close the socket and free everything. NULL is ignored. */
void sdp_close(struct sdp *dp);

/** The backend @p dp was opened with. */
enum sdp_backend sdp_get_backend(const struct sdp *dp);

/**
 * The netlink port (nl_pid) the kernel bound @p dp's socket to: the
 * nlmsg_pid of the route, rule and nexthop notifications a request on
 * @p dp causes (the kernel sends link changes as its own, pid 0), by
 * which a listener can tell them apart (satnet's filter on zebra's
 * netlink-listen socket). The port is fixed for the socket's lifetime;
 * a new sdp_open() gets a new one.
 *
 * @return the port, 0 for the null backend (or if the kernel does not
 *         say)
 */
uint32_t sdp_nl_port(const struct sdp *dp);

/**
 * Text of the most recent failure on @p dp: "<request>: <strerror>"
 * followed by ": <kernel extack message>" when the kernel gave one, e.g.
 * "vrf add name=cust table=10: Operation not supported: Unknown device
 * type". Empty string after a success. Owned by @p dp, valid until the
 * next call on it.
 */
const char *sdp_last_error(const struct sdp *dp);

/**
 * Make sysctl helpers read and write under @p root instead of
 * /proc/sys, e.g. a temp dir laid out like /proc/sys in unit tests.
 * The string is copied. NULL restores the default: /proc/sys for the
 * netlink backend, the in-memory store for the null backend.
 *
 * @return 0 or -ENOMEM
 */
int sdp_set_sysctl_root(struct sdp *dp, const char *root);

/**
 * How long to wait for the kernel's answer to a batch or a dump before
 * giving up with -ETIMEDOUT (default 5000 ms; 0 restores the default).
 */
void sdp_set_timeout(struct sdp *dp, unsigned int msec);

/*
 * Validation helpers (pure functions, no context needed)
 *
 * Each returns 0 when the value is acceptable or -EINVAL, and then
 * points *why at a static sentence suitable for a northbound VALIDATE
 * error message. @p why may be NULL.
 */

/**
 * Interface name acceptable to the kernel and safe in a /proc/sys path
 * and a config line: 1..15 bytes of printable ASCII, none of '/', ':'
 * or whitespace, and not "." or "..".
 */
int sdp_ifname_check(const char *name, const char **why);

/**
 * VRF device name: sdp_ifname_check(), and not "default", which FRR
 * reserves for the default VRF.
 */
int sdp_vrf_name_check(const char *name, const char **why);

/**
 * Routing table id usable by a VRF: not 0 (unspec), 253 (default),
 * 254 (main), 255 (local), nor 0xFFFFFFFF.
 */
int sdp_vrf_table_check(uint32_t table, const char **why);

/** Incoming label for an LSP: SDP_LABEL_UNRESERVED_MIN..SDP_LABEL_MAX. */
int sdp_label_check(uint32_t label, const char **why);

/**
 * Label range [@p start, @p end] for the label manager: both within
 * 16..SDP_PLATFORM_LABELS_MAX - 1 (1048574: the labels handed out
 * become in-labels) and @p start <= @p end.
 */
int sdp_label_range_check(uint32_t start, uint32_t end, const char **why);

/*
 * Addresses and nexthops
 */

/** An IPv4 or IPv6 address; family AF_UNSPEC means "none". */
struct sdp_addr {
	uint8_t family; /**< AF_UNSPEC, AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	};
};

/**
 * Parse "10.0.0.1" or "fe80::1" into @p addr.
 * @return 0 or -EINVAL
 */
int sdp_addr_parse(struct sdp_addr *addr, const char *str);

/**
 * Print @p addr into @p buf ("-" for AF_UNSPEC).
 * @return 0, -ENOSPC when @p len is too small, -EAFNOSUPPORT
 */
int sdp_addr_format(const struct sdp_addr *addr, char *buf, size_t len);

/** sdp_nexthop.flags */
enum sdp_nh_flags {
	SDP_NH_ONLINK = 1 << 0,	  /**< RTNH_F_ONLINK: gateway is on-link */
	SDP_NH_DEAD = 1 << 1,	  /**< RTNH_F_DEAD (read back only) */
	SDP_NH_LINKDOWN = 1 << 2, /**< RTNH_F_LINKDOWN (read back only) */
};

/**
 * One nexthop of an LSP or a route.
 *
 * For an LSP, @c labels is the outgoing label stack (RTA_NEWDST), outer
 * label first; an empty stack means "pop". For a route, it is the stack
 * pushed by the MPLS lightweight tunnel (RTA_ENCAP), outer first; empty
 * means plain IP forwarding.
 *
 * Implicit-null (3) entries are dropped when encoding, as zebra's
 * build_label_stack() does, because RFC 3032 says that label never
 * appears on the wire (the kernel refuses it with EINVAL). A stack of
 * only implicit-nulls therefore means pop, and reads back as empty.
 * Explicit-null (0 and 2) are ordinary labels here.
 *
 * "Pop into a VRF" (the per-VRF VPN label) is an LSP nexthop with no
 * labels, no @c via and @c ifindex set to the VRF device.
 */
struct sdp_nexthop {
	uint32_t ifindex;    /**< output device, 0 = none */
	struct sdp_addr via; /**< next hop address, AF_UNSPEC = none */
	uint32_t flags;	     /**< enum sdp_nh_flags */
	uint16_t weight;     /**< ECMP weight 1..256; 0 is taken as 1 */
	uint8_t n_labels;    /**< entries used in @c labels */
	uint32_t labels[SDP_LABEL_STACK_MAX]; /**< outer label first */
};

/** What a built request does. */
enum sdp_cmd {
	SDP_CMD_REPLACE, /**< RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE */
	SDP_CMD_DELETE,	 /**< RTM_DELROUTE */
	/** nexthop objects only: RTM_NEWNEXTHOP, NLM_F_REPLACE without
	 * NLM_F_CREATE - change an object that must exist; -ENOENT when the
	 * kernel has none by that id (it removes an object whose device went
	 * down, with every route using it, and tells nobody) */
	SDP_CMD_CHANGE,
};

/*
 * MPLS label switched paths (the kernel's AF_MPLS table)
 */

/**
 * One entry of the kernel's MPLS forwarding table: packets arriving
 * with @c in_label on top are sent to one of @c nexthops (ECMP when
 * more than one, encoded as RTA_MULTIPATH).
 */
struct sdp_lsp {
	uint32_t in_label; /**< 16..SDP_LABEL_MAX */
	uint8_t proto;	   /**< rtm_protocol; 0 means SDP_RTPROT */
	size_t n_nexthops; /**< 1..SDP_NEXTHOP_MAX for replace */
	const struct sdp_nexthop *nexthops; /**< borrowed array */
};

/**
 * Build the AF_MPLS RTM_NEWROUTE (replace) or RTM_DELROUTE (delete)
 * message for @p lsp, without sending it.
 *
 * Replace carries RTA_DST (in-label with the bottom-of-stack bit),
 * then for one nexthop RTA_NEWDST / RTA_VIA / RTA_OIF, for several an
 * RTA_MULTIPATH of rtnexthop entries each holding RTA_NEWDST / RTA_VIA.
 * Delete carries RTA_DST only: the kernel keys its MPLS table on the
 * label alone. Flags are NLM_F_REQUEST (+ NLM_F_CREATE|NLM_F_REPLACE);
 * NLM_F_ACK, sequence number and port are added when it is sent.
 *
 * @param[out] msgp  the message, owned by the caller (nlmsg_free())
 * @return 0, -EINVAL for an invalid request (in-label outside
 *         16..1048575, no nexthop, a nexthop with neither ifindex nor
 *         via, label > 1048575, too many labels or nexthops, weight >
 *         256, via family not AF_INET/AF_INET6), -ENOMEM
 */
int sdp_lsp_build(const struct sdp_lsp *lsp, enum sdp_cmd cmd,
		  struct nl_msg **msgp);

/**
 * Parse an AF_MPLS RTM_NEWROUTE/RTM_DELROUTE message (as received in a
 * dump, or as built by sdp_lsp_build()) into @p lsp, whose nexthops
 * are written to the caller's array @p nh of @p nh_max entries.
 *
 * @return 0, -EAFNOSUPPORT when it is not an AF_MPLS route, -EBADMSG
 *         when malformed, -E2BIG when it has more than @p nh_max
 *         nexthops or a nexthop with more than SDP_LABEL_STACK_MAX labels
 */
int sdp_lsp_parse(const struct nlmsghdr *nlh, struct sdp_lsp *lsp,
		  struct sdp_nexthop *nh, size_t nh_max);

/**
 * Canonical one-line text of @p lsp, the form used in logs, in
 * sdp_last_error() and by the null backend, e.g.
 * "in=1000 proto=224 nh=[oif=3 via=10.0.0.2 labels=2000/3000]".
 * @return 0, or -ENOSPC when truncated (still NUL-terminated)
 */
int sdp_lsp_format(const struct sdp_lsp *lsp, char *buf, size_t len);

/** Build and send one LSP replace; waits for the kernel's answer. */
int sdp_lsp_replace(struct sdp *dp, const struct sdp_lsp *lsp);

/** Build and send one LSP delete (only @c in_label is used). */
int sdp_lsp_delete(struct sdp *dp, const struct sdp_lsp *lsp);

/**
 * Dump callback: return 0 to continue or a negative errno to stop
 * calling back (the dump is still drained). @p lsp and its nexthops are
 * valid only during the call. The callback must not use the same
 * struct sdp (the dump is still in progress on its socket): collect
 * what to change and act after the dump returns.
 */
typedef int (*sdp_lsp_cb)(const struct sdp_lsp *lsp, void *arg);

/**
 * Read the kernel's whole AF_MPLS table (every protocol; filter on
 * @c proto to find satnet's own entries).
 *
 * Without mpls_router the kernel answers an AF_MPLS dump with its
 * other families' routes; those are skipped, so the result is an empty
 * table, not an error (use sdp_mpls_check() to tell the two apart).
 *
 * An entry that cannot be read (more than SDP_NEXTHOP_MAX nexthops or
 * SDP_LABEL_STACK_MAX labels: never one of satnet's) is skipped, so one
 * foreign entry cannot blind the readback of the rest.
 *
 * @return 0, the callback's negative value, -EINTR when the kernel
 *         flagged the dump inconsistent (tables changed meanwhile: call
 *         again), -ETIMEDOUT, or the kernel's error
 */
int sdp_lsp_dump(struct sdp *dp, sdp_lsp_cb cb, void *arg);

/*
 * IPv4/IPv6 routes in VRF tables, optionally with MPLS encapsulation
 */

/**
 * A route in table @c table. Each nexthop of a unicast route may push
 * a label stack (LWTUNNEL_ENCAP_MPLS). A gateway of the route's family
 * is sent as RTA_GATEWAY, of the other family as RTA_VIA (RFC 5549).
 * Routes are keyed, as in the kernel, by family, table, prefix and
 * metric.
 */
struct sdp_route {
	uint8_t family;	     /**< AF_INET or AF_INET6 */
	uint8_t dst_len;     /**< prefix length */
	struct sdp_addr dst; /**< prefix, host bits zero; family = @c family */
	uint32_t table;	     /**< any table but 0 (usually a VRF's) */
	uint8_t proto;	     /**< rtm_protocol; 0 means SDP_RTPROT_ROUTE */
	uint8_t type;	     /**< rtm_type: 0 or RTN_UNICAST (needs
				  nexthops), RTN_BLACKHOLE, RTN_UNREACHABLE
				  or RTN_PROHIBIT (no nexthops) */
	uint32_t metric;     /**< RTA_PRIORITY, 0 = none */
	uint32_t nhid;	     /**< RTA_NH_ID as read back (nexthop object) */
	size_t n_nexthops;   /**< 1..SDP_NEXTHOP_MAX for a unicast replace */
	const struct sdp_nexthop *nexthops; /**< borrowed array */
};

/**
 * Build the RTM_NEWROUTE (replace) or RTM_DELROUTE (delete) message for
 * @p route. rtm_table holds the table when < 256 and RT_TABLE_UNSPEC
 * otherwise; RTA_TABLE is always present. Delete carries the prefix,
 * table, protocol and metric but no nexthop, so the kernel removes the
 * whole (multipath) route and only when the protocol matches.
 *
 * @param[out] msgp  the message, owned by the caller (nlmsg_free())
 * @return 0, -EINVAL (bad family, prefix length, host bits set, table 0,
 *         nexthop errors as for sdp_lsp_build()), -ENOMEM
 */
int sdp_route_build(const struct sdp_route *route, enum sdp_cmd cmd,
		    struct nl_msg **msgp);

/**
 * Parse an AF_INET/AF_INET6 route message into @p route; nexthops go
 * to the caller's array @p nh of @p nh_max entries.
 * @return 0, -EAFNOSUPPORT for other families, -EBADMSG, -E2BIG
 */
int sdp_route_parse(const struct nlmsghdr *nlh, struct sdp_route *route,
		    struct sdp_nexthop *nh, size_t nh_max);

/**
 * Canonical text, e.g. "inet table=10 dst=10.1.0.0/24 proto=186
 * nh=[oif=3 via=152.0.12.2 labels=100/200]".
 * @return 0 or -ENOSPC (truncated, NUL-terminated)
 */
int sdp_route_format(const struct sdp_route *route, char *buf, size_t len);

/** Build and send one route replace. */
int sdp_route_replace(struct sdp *dp, const struct sdp_route *route);

/** Build and send one route delete. */
int sdp_route_delete(struct sdp *dp, const struct sdp_route *route);

/** Route dump callback; same contract as sdp_lsp_cb. */
typedef int (*sdp_route_cb)(const struct sdp_route *route, void *arg);

/**
 * Read every route of @p family in table @p table (all types and
 * protocols: a VRF table also holds the kernel's local and broadcast
 * routes, so filter on @c type and @c proto).
 * @return as sdp_lsp_dump(); -EINVAL for a bad family or table 0
 */
int sdp_route_dump_table(struct sdp *dp, int family, uint32_t table,
			 sdp_route_cb cb, void *arg);

/*
 * Nexthop objects (RTM_NEWNEXTHOP): shared forwarding for VRF routes
 */

/**
 * satnet's range of nexthop object ids. zebra allocates its own ids
 * below ZEBRA_NHG_PROTO_UPPER (250,000,000, lib/zclient.h) and EVPN-MH's
 * L2 ids are (1 << 28) or (2 << 28) plus at most 16k; zebra ignores
 * every kernel notification and dump entry of an id with either of
 * those two type bits set (zebra_evpn_mh_is_fdb_nh() at the top of
 * netlink_nexthop_change()). Ids of 0x3xxxxxxx have both bits set and
 * are never allocated by zebra: they never collide with zebra's, and
 * zebra neither learns them as kernel nexthop groups nor sweeps them.
 */
#define SDP_NHID_MIN 0x30000000u
#define SDP_NHID_MAX 0x3fffffffu

/** One member of a nexthop group object. */
struct sdp_nhgrp_ent {
	uint32_t id;	 /**< a single-nexthop object */
	uint16_t weight; /**< 1..256; 0 is taken as 1 */
};

/**
 * One kernel nexthop object: either a single nexthop (@c n_group 0:
 * device, gateway of @c family, MPLS labels to push, onlink) or a
 * group of single-nexthop objects (ECMP with weights). A route refers
 * to it by id (sdp_route.nhid) instead of carrying nexthops; replacing
 * the object changes the forwarding of every route that refers to it.
 * The kernel does not let a group become a single nexthop or back, so
 * satnet's routes always refer to groups (of one member or more).
 */
struct sdp_nhobj {
	uint32_t id;	/**< 1..UINT32_MAX; satnet's are SDP_NHID_MIN.. */
	uint8_t proto;	/**< nh_protocol; 0 means SDP_RTPROT */
	uint8_t family; /**< single: AF_INET or AF_INET6; group: AF_UNSPEC */
	struct sdp_nexthop nh; /**< single: needs ifindex; labels, onlink */
	size_t n_group;	       /**< 0 for a single nexthop */
	const struct sdp_nhgrp_ent *group; /**< borrowed, n_group entries */
};

/**
 * Build RTM_NEWNEXTHOP (replace: NLM_F_CREATE | NLM_F_REPLACE) or
 * RTM_DELNEXTHOP (delete: the id only) for @p o.
 * @return 0, -EINVAL (id 0, no device, gateway of another family,
 *         weights, a group of more than SDP_NEXTHOP_MAX), -ENOMEM
 */
int sdp_nhobj_build(const struct sdp_nhobj *o, enum sdp_cmd cmd,
		    struct nl_msg **msgp);

/**
 * Parse RTM_NEWNEXTHOP/RTM_DELNEXTHOP into @p o; group members go to the
 * caller's @p grp of @p grp_max entries (o->group points there).
 * @return 0, -EBADMSG, -E2BIG (more members or labels than fit)
 */
int sdp_nhobj_parse(const struct nlmsghdr *nlh, struct sdp_nhobj *o,
		    struct sdp_nhgrp_ent *grp, size_t grp_max);

/** Canonical text: "nhobj id=805306369 proto=224 inet nh=[oif=3 via=...]",
 *  "nhobj id=... group=805306369/1,805306370/2". @return 0 or -ENOSPC */
int sdp_nhobj_format(const struct sdp_nhobj *o, char *buf, size_t len);

/** Build and send one nexthop object replace / delete. */
int sdp_nhobj_replace(struct sdp *dp, const struct sdp_nhobj *o);
int sdp_nhobj_delete(struct sdp *dp, uint32_t id);

/** Nexthop object dump callback; same contract as sdp_lsp_cb. */
typedef int (*sdp_nhobj_cb)(const struct sdp_nhobj *o, void *arg);

/**
 * Read the kernel's nexthop objects of protocol @p proto (0: every
 * protocol) whose id lies in [@p id_min, @p id_max].
 * @return as sdp_lsp_dump()
 */
int sdp_nhobj_dump(struct sdp *dp, uint8_t proto, uint32_t id_min,
		   uint32_t id_max, sdp_nhobj_cb cb, void *arg);

/*
 * Batches: many LSP/route requests sent back to back
 */

/**
 * A batch of LSP and route requests. Adding builds each message at
 * once (so a malformed request is refused by the add call, not later);
 * sdp_batch_send() writes them all to the socket in windows and then
 * matches every ACK or error to its request by sequence number,
 * keeping the kernel's extended-ACK text per request. A request the
 * kernel answers with ENOBUFS, or whose answer was lost because the
 * receive buffer overflowed, is sent again, at most SDP_BATCH_TRIES
 * times in all. Requests are independent: one failing does not stop
 * the others.
 */
struct sdp_batch;

/** Attempts per request when the kernel reports ENOBUFS. */
#define SDP_BATCH_TRIES 3

/** Start an empty batch on @p dp. @return 0 or -ENOMEM */
int sdp_batch_new(struct sdp *dp, struct sdp_batch **bp);

/**
 * Append an LSP request. @p cookie is the caller's tag for this entry,
 * returned by sdp_batch_result().
 * @return 0, sdp_lsp_build()'s errors, -EALREADY once sent
 */
int sdp_batch_add_lsp(struct sdp_batch *b, enum sdp_cmd cmd,
		      const struct sdp_lsp *lsp, void *cookie);

/** Append a route request; as sdp_batch_add_lsp(). */
int sdp_batch_add_route(struct sdp_batch *b, enum sdp_cmd cmd,
			const struct sdp_route *route, void *cookie);

/** Append a nexthop object request; as sdp_batch_add_lsp(). */
int sdp_batch_add_nhobj(struct sdp_batch *b, enum sdp_cmd cmd,
			const struct sdp_nhobj *o, void *cookie);

/** Number of requests in @p b. */
size_t sdp_batch_count(const struct sdp_batch *b);

/**
 * Send every request and collect every answer.
 * @return 0 when all succeeded, otherwise the error of the first failed
 *         request (also in sdp_last_error()); -EALREADY if already sent
 */
int sdp_batch_send(struct sdp_batch *b);

/**
 * Outcome of request @p idx after sdp_batch_send().
 *
 * @param[out] cookie   the cookie given when adding (may be NULL)
 * @param[out] errtext  NULL on success, else "<request>: <strerror>" and
 *                      the kernel's message; valid until sdp_batch_free()
 *                      (may be NULL)
 * @return 0 or the request's negative errno; -EINVAL for a bad index,
 *         -EINPROGRESS before sdp_batch_send()
 */
int sdp_batch_result(const struct sdp_batch *b, size_t idx, void **cookie,
		     const char **errtext);

/** Free the batch and its messages. NULL is ignored. */
void sdp_batch_free(struct sdp_batch *b);

/*
 * Links: VRF devices and their members
 */

/** What sdp_link_get() reports about a network device. */
struct sdp_link {
	char name[SDP_IFNAMSIZ];
	uint32_t ifindex;
	char kind[16];	 /**< IFLA_INFO_KIND: "vrf", "veth"; "" if none */
	uint32_t master; /**< ifindex of the master device, 0 = none */
	uint32_t table;	 /**< VRF table id when kind is "vrf", else 0 */
	uint32_t mtu;
	bool up;		 /**< administratively up (IFF_UP) */
	bool lower_up;		 /**< carrier (IFF_LOWER_UP) */
	char alias[SDP_ALIASSZ]; /**< IFLA_IFALIAS, truncated; "" if none */
};

/**
 * Make sure a VRF device @p name with table @p table exists.
 *
 * Created down (see sdp_link_set_up()). Succeeds without change when a
 * VRF of that name and table is already there; fails with -EEXIST when
 * the name is taken by another kind of device or a VRF with another
 * table (the kernel cannot change a VRF's table: delete it first).
 *
 * @return 0, -EINVAL (bad name or table, see the checks above), -EEXIST,
 *         or the kernel's error (-EOPNOTSUPP without the vrf module)
 */
int sdp_vrf_add(struct sdp *dp, const char *name, uint32_t table);

/**
 * Make sure no VRF device @p name exists. The kernel releases its
 * members. Succeeds when there is no such device; refuses (-EINVAL) to
 * delete a device that is not a VRF.
 */
int sdp_vrf_del(struct sdp *dp, const char *name);

/** Set device @p name administratively up or down. -ENODEV if absent. */
int sdp_link_set_up(struct sdp *dp, const char *name, bool up);

/**
 * Enslave device @p name to VRF device @p vrf.
 * @return 0, -ENODEV when either is missing, -EINVAL when @p vrf is not
 *         a VRF device, or the kernel's error
 */
int sdp_link_enslave(struct sdp *dp, const char *name, const char *vrf);

/**
 * Take device @p name out of its VRF. Succeeds without change when it
 * has no master; refuses (-EINVAL) when its master is not a VRF (a
 * bridge port, a bond member), which is not satnet's to undo.
 */
int sdp_link_release(struct sdp *dp, const char *name);

/**
 * Set the alias (IFLA_IFALIAS) of device @p name; "" clears it. Useful
 * to mark the devices satnet created. Aliases longer than
 * SDP_ALIASSZ - 1 bytes are refused (-EINVAL) so they read back
 * unchanged in struct sdp_link.
 * @return 0, -EINVAL, -ENODEV, or the kernel's error
 */
int sdp_link_set_alias(struct sdp *dp, const char *name, const char *alias);

/** Look a device up by name. @return 0, -EINVAL, -ENODEV */
int sdp_link_get(struct sdp *dp, const char *name, struct sdp_link *link);

/** Look a device up by ifindex. @return 0, -EINVAL (0), -ENODEV */
int sdp_link_get_by_index(struct sdp *dp, uint32_t ifindex,
			  struct sdp_link *link);

/**
 * Link dump callback: return 0 to continue or a negative errno to stop
 * calling back (the dump is still drained). As for sdp_lsp_cb, @p link
 * is valid only during the call and the callback must not use the same
 * struct sdp.
 */
typedef int (*sdp_link_cb)(const struct sdp_link *link, void *arg);

/**
 * Every network device of the namespace, e.g. to find the VRF devices
 * that use a table id (zebra exits when two do).
 * @return 0, the callback's negative value, -EINTR when the kernel
 *         flagged the dump inconsistent (call again), -ETIMEDOUT, or
 *         the kernel's error
 */
int sdp_link_dump(struct sdp *dp, sdp_link_cb cb, void *arg);

/*
 * VRF isolation
 */

/**
 * Turn VRF isolation on or off for IPv4 and IPv6.
 *
 * The kernel looks up the "local" table (addresses of this node, all
 * VRFs mixed) at rule priority 0, before the l3mdev rule (priority
 * 1000) that the vrf driver adds to steer VRF traffic to the VRF's
 * table; so a host in a customer VRF can reach the node's default-VRF
 * addresses. Isolation moves the local rule to SDP_RULE_LOCAL_PREF,
 * after the l3mdev rule, as the kernel's VRF documentation advises;
 * off moves it back to 0. The new rule is added before the old one is
 * removed, so local delivery never lapses, and both steps tolerate
 * being already done.
 *
 * @return 0, or the first error (from the kernel; later steps are
 *         still attempted)
 */
int sdp_vrf_isolation(struct sdp *dp, bool on);

/**
 * Whether isolation is in force for both IPv4 and IPv6: a local rule
 * at SDP_RULE_LOCAL_PREF and none at priority 0.
 * @return 0 (result in @p on) or the dump's error
 */
int sdp_vrf_isolation_get(struct sdp *dp, bool *on);

/**
 * Add (on) or remove (off) an "unreachable default" route, IPv4 and
 * IPv6, with metric SDP_UNREACHABLE_METRIC, in VRF table @p table.
 * Without it a lookup that finds nothing in the VRF's table goes on to
 * the next rules (local, main) and leaks into the default VRF.
 *
 * The routes carry SDP_RTPROT, a protocol zebra does not consider its
 * own: it learns them as kernel routes with distance 255 (never
 * selected) and, unlike its own protocols, does not sweep them away at
 * startup. Removing a route that is not there succeeds.
 *
 * @return 0, -EINVAL (table, see sdp_vrf_table_check()), or the first
 *         kernel error
 */
int sdp_vrf_unreachable_default(struct sdp *dp, uint32_t table, bool on);

/*
 * Sysctls (files under /proc/sys, or the configured root)
 */

/**
 * Read sysctl @p key ("net.mpls.platform_labels") into @p buf, trailing
 * newline removed. As with sysctl(8), '.' separates levels and '/'
 * stands for a '.' inside a level ("net.ipv4.conf.eth0/100.rp_filter").
 * @return 0, -EINVAL (bad key), -ENOENT, -ENOSPC, or the read error
 */
int sdp_sysctl_get(struct sdp *dp, const char *key, char *buf, size_t len);

/** Write @p value to sysctl @p key. @return 0, -EINVAL, -ENOENT, ... */
int sdp_sysctl_set(struct sdp *dp, const char *key, const char *value);

/**
 * Whether the kernel can route MPLS: net.mpls.platform_labels exists.
 * zebra disables MPLS for good when it is missing at startup, so the
 * module should say so loudly.
 * @return 0 or -ENOENT (mpls_router not loaded)
 */
int sdp_mpls_check(struct sdp *dp);

/** Read net.mpls.platform_labels. @return 0, -ENOENT, -EBADMSG */
int sdp_platform_labels_get(struct sdp *dp, uint32_t *count);

/**
 * Make net.mpls.platform_labels at least @p min, never lowering it
 * (lowering silently drops every LSP at or above the new limit). For a
 * label range [s, e] pass e + 1.
 *
 * @param[out] now  the value in force afterwards (may be NULL)
 * @return 0, -ERANGE when @p min > SDP_PLATFORM_LABELS_MAX, -ENOENT
 *         without MPLS
 */
int sdp_platform_labels_raise(struct sdp *dp, uint32_t min, uint32_t *now);

/**
 * Set net.mpls.conf.IF.input, i.e. whether @p ifname accepts labelled
 * packets. @return 0, -EINVAL (bad name), -ENOENT (no such interface or
 * no MPLS)
 */
int sdp_mpls_input_set(struct sdp *dp, const char *ifname, bool on);

/**
 * Set net.ipv4.conf.IF.rp_filter to @p mode (0 off, 1 strict, 2 loose).
 * The kernel applies max(conf.all.rp_filter, conf.IF.rp_filter), so
 * turning it off on one interface only works while "all" is 0 too.
 * @return 0, -EINVAL (bad name or mode > 2), -ENOENT
 */
int sdp_rp_filter_set(struct sdp *dp, const char *ifname, unsigned int mode);

/*
 * Null backend: request log and fault injection
 *
 * The fake kernel behind it applies the very netlink messages the
 * netlink backend would send. It enforces what the kernel enforces
 * about devices and entries (a taken name, a missing master or device,
 * deleting a route that is not there, a duplicate rule) but not nexthop
 * reachability, platform_labels limits or ifindexes named in nexthops.
 * It starts with the rules of a fresh namespace and
 * net.mpls.platform_labels = 0 in its sysctl store.
 */

/** Kinds of request, as recorded by the null backend. */
enum sdp_op {
	SDP_OP_ANY = 0, /**< wildcard for sdp_null_fail() only */
	SDP_OP_VRF_ADD,
	SDP_OP_VRF_DEL,
	SDP_OP_LINK_SET,
	SDP_OP_LINK_ENSLAVE,
	SDP_OP_LINK_RELEASE,
	SDP_OP_LINK_GET,
	SDP_OP_SYSCTL_GET,
	SDP_OP_SYSCTL_SET,
	SDP_OP_LSP_REPLACE,
	SDP_OP_LSP_DELETE,
	SDP_OP_LSP_DUMP,
	SDP_OP_ROUTE_REPLACE,
	SDP_OP_ROUTE_DELETE,
	SDP_OP_ROUTE_DUMP,
	SDP_OP_RULE_ADD,
	SDP_OP_RULE_DEL,
	SDP_OP_RULE_DUMP,
	SDP_OP_NHOBJ_REPLACE,
	SDP_OP_NHOBJ_DELETE,
	SDP_OP_NHOBJ_DUMP,
};

/** "vrf-add", "lsp-replace", ... ("?" for unknown values). */
const char *sdp_op_name(enum sdp_op op);

/** One recorded request. */
struct sdp_null_rec {
	enum sdp_op op;
	int result;	  /**< what the request returned: 0 or -errno */
	const char *text; /**< canonical text: "vrf add name=cust table=10" */
};

/** Number of recorded requests (0 for the netlink backend). */
size_t sdp_null_log_count(const struct sdp *dp);

/**
 * Recorded request @p idx (0 = oldest), or NULL when out of range or
 * not the null backend. Valid until sdp_null_log_clear()/sdp_close().
 */
const struct sdp_null_rec *sdp_null_log_get(const struct sdp *dp, size_t idx);

/** Forget recorded requests (the fake kernel state stays). */
void sdp_null_log_clear(struct sdp *dp);

/**
 * Make the next @p count requests of kind @p op (SDP_OP_ANY: of any
 * kind) fail with -@p err, as if the kernel had said so with extended
 * ACK text @p msg (NULL: "injected fault"). Each failed request is
 * still recorded. A later call replaces the pending faults; count 0
 * clears them.
 *
 * @param err  a positive errno value, e.g. ENOBUFS
 * @return 0, -EINVAL (bad err), -EOPNOTSUPP (not the null backend)
 */
int sdp_null_fail(struct sdp *dp, enum sdp_op op, unsigned int count, int err,
		  const char *msg);

/**
 * Give the fake kernel a device, so that enslave, lookups and
 * ifindexes in tests behave as on a real node.
 *
 * @param kind     "veth", "vrf", ... or NULL/"" for a plain device
 *                 (a "vrf" made here has table 0; sdp_vrf_add() on the
 *                 null backend makes one with a table and no alias, as
 *                 a VRF device satnet did not create)
 * @param ifindex  wanted ifindex, 0 to pick the next free one
 * @return 0, -EEXIST (name or ifindex taken), -EINVAL, -EOPNOTSUPP
 */
int sdp_null_link_add(struct sdp *dp, const char *name, const char *kind,
		      uint32_t ifindex);

/**
 * What the kernel does when a device goes down (admin down, carrier
 * lost) or away, for nexthop objects: every single nexthop over
 * @p ifindex is removed, and with it its entry in every group; a group
 * left with no member is removed; every route using a removed object is
 * removed. Nobody is told (no RTM_DELNEXTHOP, no RTM_DELROUTE).
 *
 * @return 0, -EOPNOTSUPP (not the null backend)
 */
int sdp_null_link_down(struct sdp *dp, uint32_t ifindex);

/*
 * Per-interface MPLS counters (dp_stats.c)
 */

/** The kernel's struct mpls_link_stats for one device. */
struct sdp_mpls_stats {
	uint64_t rx_packets; /**< labelled packets received */
	uint64_t tx_packets; /**< labelled packets sent */
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint64_t rx_errors;
	uint64_t tx_errors;
	uint64_t rx_dropped;
	uint64_t tx_dropped;
	uint64_t rx_noroute; /**< received with a label that has no entry */
};

/**
 * Build the RTM_GETSTATS request (filter IFLA_STATS_AF_SPEC) for
 * device @p ifindex, without sending it.
 * @param[out] msgp  the message, owned by the caller (nlmsg_free())
 * @return 0, -EINVAL (ifindex 0), -ENOMEM
 */
int sdp_mpls_stats_build(uint32_t ifindex, struct nl_msg **msgp);

/**
 * Parse an RTM_NEWSTATS answer into @p st (zeroed first).
 * @return 0, -EBADMSG when malformed, -ENODATA when it carries no
 *         AF_MPLS counters (MPLS not active on that device)
 */
int sdp_mpls_stats_parse(const struct nlmsghdr *nlh,
			 struct sdp_mpls_stats *st);

/**
 * Read the MPLS counters of device @p ifname. Needs no privilege.
 * The null backend keeps no counters and answers -ENODATA for a device
 * it knows.
 * @return 0, -EINVAL (bad name), -ENODEV, -ENODATA (no MPLS state on
 *         the device: mpls_router not loaded, or never enabled), or the
 *         kernel's error; sdp_last_error() has the text
 */
int sdp_mpls_stats_get(struct sdp *dp, const char *ifname,
		       struct sdp_mpls_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* SATNET_DP_H */
