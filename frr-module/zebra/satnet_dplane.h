/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_dplane.h: satnet's dplane provider, the parts without FRR types.
 *
 * DOC: who programs what
 *
 * satnet registers a zebra dplane provider at DPLANE_PRIO_PRE_KERNEL. It
 * owns every LSP operation (the kernel's AF_MPLS table) and every route
 * operation whose table is a satnet-managed VRF table; zebra's "Kernel"
 * provider keeps everything else. Owned contexts are programmed through
 * dplane/ on satnet's own pthread, marked skip_kernel and handed on with
 * an honest status.
 *
 * Three threads touch this code:
 *  - zebra's main thread applies configuration. It publishes what the
 *    provider needs from it - the managed tables and the platform-labels
 *    policy - as a struct sn_policy through a struct sn_policy_box, and
 *    reads the record (sn_table_export()) for `show satnet labels`.
 *  - zebra's dplane thread runs the provider's process callback. It
 *    decides ownership (satnet_owns()) on its own copy of the policy.
 *  - satnet's pthread translates contexts into requests (sn_xlate_*()),
 *    programs them in batches (sn_table_apply()) and reads the kernel
 *    back every few seconds (sn_table_reconcile()). It is the only
 *    writer of the record.
 *
 * The record (struct sn_table) is what satnet believes the kernel holds
 * for each owned entry - LSPs by in-label, VRF routes by table and
 * prefix - with the kernel's state of it: installed, missing, differs,
 * or failed with the reason the kernel gave. Its mutex is held only
 * while the record changes or is copied, never across kernel I/O.
 *
 * Everything here except satnet_owns() is plain C and is unit-tested
 * against dplane/'s null backend (tests/frr-module/).
 */
#ifndef SATNET_DPLANE_H
#define SATNET_DPLANE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "satnet_dp.h"

/* Metric zebra gives every route it installs (NL_DEFAULT_ROUTE_METRIC). */
#define SN_ROUTE_METRIC 20
/* Room for one kernel or translation error, shown per entry. */
#define SN_REASON_LEN 192
/* Room for a route's resolution key (struct sn_req.rkey). */
#define SN_RKEY_MAX 256
/* Most managed VRF tables the policy carries. */
#define SN_TABLES_MAX 1024

/*
 * Policy: what the provider needs from the configuration
 */

struct sn_policy {
	/* net.mpls.platform_labels may be raised for a label above it */
	bool raise_platform_labels;
	size_t n_tables;
	uint32_t tables[SN_TABLES_MAX]; /* sorted, unique */
};

/*
 * Hand-over of the policy from the main thread to the others. The main
 * thread publishes; each reader keeps its own copy and a generation
 * number, and copies again (under the mutex) only when the generation
 * moved. Nothing is ever freed while a reader might look at it.
 */
struct sn_policy_box {
	pthread_mutex_t mtx;
	_Atomic uint32_t gen;
	struct sn_policy pol;
};

void sn_policy_box_init(struct sn_policy_box *b);
void sn_policy_box_fini(struct sn_policy_box *b);

/* Publish @p (main thread). Returns true when it differs from before. */
bool sn_policy_publish(struct sn_policy_box *b, const struct sn_policy *p);

/*
 * Refresh a reader's copy. *gen starts at 0 with *local zeroed (no
 * tables). Returns true when *local was replaced.
 */
bool sn_policy_fetch(struct sn_policy_box *b, struct sn_policy *local,
		     uint32_t *gen);

/*
 * Fill p->tables from @tables (any order, duplicates allowed): sorted
 * and deduplicated. Returns 0, or -E2BIG when more than SN_TABLES_MAX
 * distinct tables were given (the rest are dropped).
 */
int sn_policy_set_tables(struct sn_policy *p, const uint32_t *tables,
			 size_t n);

/* Is @table a satnet-managed VRF table? */
bool sn_policy_manages(const struct sn_policy *p, uint32_t table);

/*
 * Ownership (satnet_dplane_own.c, the only function here that knows
 * zebra's enum dplane_op_e; @op is one of its values)
 */

enum sn_op_class {
	SN_OP_PASS = 0, /* not satnet's: hand on untouched */
	SN_OP_LSP,	/* LSP install/update/delete */
	SN_OP_ROUTE,	/* route install/update/delete */
};

enum sn_op_class satnet_op_class(int op);

/* Does satnet program this operation? LSP ops always; route ops when
 * @table is managed; nothing else (notifications included). */
bool satnet_owns(int op, uint32_t table, const struct sn_policy *pol);

/*
 * Translation input: a dplane context, flattened by the FRR side
 */

enum sn_cmd_in { SN_IN_INSTALL, SN_IN_UPDATE, SN_IN_DELETE };

enum sn_nh_type {
	SN_NH_IFINDEX,
	SN_NH_IPV4,
	SN_NH_IPV4_IFINDEX,
	SN_NH_IPV6,
	SN_NH_IPV6_IFINDEX,
	SN_NH_BLACKHOLE,
};

/* One zebra nexthop (of an NHLFE or of a route's nexthop group). */
struct sn_nh_in {
	enum sn_nh_type type;
	struct sdp_addr gate; /* IPv4/IPv6 types */
	uint32_t ifindex;
	uint32_t vrf_id;      /* zebra's VRF of the nexthop, for display */
	bool active;	      /* NEXTHOP_FLAG_ACTIVE */
	bool duplicate;	      /* NEXTHOP_FLAG_DUPLICATE */
	bool recursive;	      /* NEXTHOP_FLAG_RECURSIVE: resolved below */
	bool onlink;	      /* NEXTHOP_FLAG_ONLINK */
	bool selected;	      /* LSP: NHLFE_FLAG_SELECTED */
	uint8_t weight;	      /* 0 = default */
	uint8_t n_labels;     /* used entries of labels */
	bool labels_overflow; /* zebra had more than fit */
	uint32_t labels[SDP_LABEL_STACK_MAX]; /* outer first */
};

struct sn_lsp_in {
	enum sn_cmd_in cmd;
	uint32_t in_label;
	bool has_best; /* dplane_ctx_get_best_nhlfe() != NULL */
	int owner;     /* enum lsp_types_t of the best NHLFE */
};

enum sn_rt_kind {
	SN_RT_UNICAST,
	SN_RT_BLACKHOLE,
	SN_RT_UNREACHABLE,
	SN_RT_PROHIBIT,
};

struct sn_route_in {
	enum sn_cmd_in cmd;
	uint8_t family; /* AF_INET, AF_INET6 */
	uint8_t dst_len;
	struct sdp_addr dst;
	bool has_src;	       /* source-specific (not supported) */
	uint32_t table;
	uint8_t proto;	       /* rtm_protocol of the route type */
	uint8_t old_proto;     /* of the replaced route (update/delete) */
	bool system;	       /* connected/kernel route: never programmed */
	bool old_system;
	int type;	       /* zebra route type, for display */
	enum sn_rt_kind kind;
};

/*
 * Requests: what the pthread asks the kernel for
 */

enum sn_kind { SN_KIND_LSP = 1, SN_KIND_ROUTE };

struct sn_req {
	enum sn_kind kind;
	enum sdp_cmd cmd;
	bool noop; /* nothing to send (a system route): succeeds */

	/* the request; nexthop pointers point to nh below */
	struct sdp_lsp lsp;
	struct sdp_route route;
	size_t n_nh;
	struct sdp_nexthop *nh; /* owned */
	uint32_t *nh_vrf;	/* owned, parallel to nh: display only */
	int owner;		/* LSP type or route type */

	void *cookie; /* the caller's (the dplane context) */

	/*
	 * Routes: the recursive nexthops zebra resolved the route through
	 * (gateway, VRF, labels of each), as bytes: routes with the same
	 * key forward the same way by construction, so they may share a
	 * nexthop object that is replaced in place (satnet_nhg.h). Empty
	 * for a route without recursion, or when the key did not fit.
	 */
	uint16_t rkey_len;
	uint8_t rkey[SN_RKEY_MAX];

	/* private to satnet_lsp_table.c (one batch) */
	bool decided;	 /* forwarding chosen through an object */
	bool skip;	 /* nothing to write: the object already does it */
	bool superseded; /* a later request in the batch is for the same key */
	void *dep;	 /* struct sn_obj the route's outcome depends on */

	/* outcome: 0 or -errno, and the reason when not 0 */
	int result;
	char reason[SN_REASON_LEN];
};

/*
 * Translate an LSP operation into @out (zeroed by the caller). Only
 * NHLFEs zebra would install are used - selected and active, as
 * zebra's own netlink encoder does; implicit-null labels are dropped
 * (an empty stack is a pop); a nexthop with neither gateway nor labels
 * on an interface is "pop and deliver to that device" (pop into a VRF).
 * Returns 0, or a negative errno with out->result and out->reason set
 * (no best NHLFE, no usable nexthop, too many labels or nexthops).
 */
int sn_xlate_lsp(const struct sn_lsp_in *in, const struct sn_nh_in *nh,
		 size_t n, struct sn_req *out);

/*
 * Translate a route operation into @out (zeroed by the caller), as
 * zebra's netlink encoder would: active, non-recursive nexthops (the
 * resolved ones carry the full label stack), metric SN_ROUTE_METRIC,
 * the protocol of the route type, blackhole kinds without nexthops,
 * IPv4 over an IPv6 nexthop as 169.254.0.1 onlink. System routes
 * (connected, kernel) are never programmed: a no-op, or for an update
 * that turns a route into one, a delete of the old route. Returns 0 or
 * a negative errno with out->result/reason set.
 */
int sn_xlate_route(const struct sn_route_in *in, const struct sn_nh_in *nh,
		   size_t n, struct sn_req *out);

/*
 * The recursive nexthop a resolution key (struct sn_req.rkey) names -
 * for a VPN route its BGP next hop, zebra's VRF of it and the labels it
 * adds under the transport's (implicit-null dropped) - when it names
 * exactly one. False for none, several, or a key that does not parse.
 */
struct sn_rkey_nh {
	struct sdp_addr gate;
	uint32_t vrf_id;
	uint8_t n_labels;
	uint32_t labels[SDP_LABEL_STACK_MAX];
};

bool sn_rkey_gate(const uint8_t *rkey, size_t len, struct sn_rkey_nh *out);

/* Free what a request owns (not the request itself). */
void sn_req_fini(struct sn_req *r);

/*
 * The record of owned entries
 */

enum sn_kstate {
	SN_K_INSTALLED = 0,
	SN_K_MISSING,
	SN_K_DIFFERS,
	SN_K_FAILED,
};

const char *sn_kstate_str(enum sn_kstate s);

/*
 * One owned entry: its key, what satnet asked the kernel to hold, and
 * what the kernel was last seen to hold. Copies handed out by
 * sn_table_export() own their nh/nh_vrf arrays.
 */
struct sn_entry {
	enum sn_kind kind;
	/* key: LSP */
	uint32_t in_label;
	/* key: route */
	uint8_t family, dst_len;
	struct sdp_addr dst;
	uint32_t table;

	/* what satnet asked for */
	uint8_t proto;
	uint8_t rtype; /* rtm_type; 0 = unicast */
	uint32_t metric;
	size_t n_nh;
	struct sdp_nexthop *nh;
	uint32_t *nh_vrf;
	int owner;

	/* what the kernel holds */
	enum sn_kstate state;
	char reason[SN_REASON_LEN];
	bool zebra_ok;	  /* zebra was told SUCCESS: repair if it drifts */
	uint32_t repairs; /* times readback found drift and fixed it */

	/* routes: the nexthop object it refers to (0: nexthops inline),
	 * and how many routes share that object (in exported copies) */
	uint32_t nhid;
	uint32_t nh_shared;

	/* private to satnet_lsp_table.c */
	struct sn_entry *hnext;
	bool seen;
	void *obj;	     /* struct sn_obj, a counted reference */
	uint32_t obj_gen;    /* the object's gen when last asked for */
	uint64_t batch;	     /* the batch of last_req */
	struct sn_req *last_req;
};

/* Counters (atomic: bumped by the pthreads, read and reset by the CLI). */
struct sn_counters {
	_Atomic uint64_t ctx_owned;	  /* contexts satnet programmed */
	_Atomic uint64_t ctx_passed;	  /* contexts handed on untouched */
	_Atomic uint64_t lsp_ops;	  /* LSP requests sent */
	_Atomic uint64_t route_ops;	  /* route requests sent */
	_Atomic uint64_t failures;	  /* contexts answered FAILURE */
	_Atomic uint64_t reconciles;	  /* readback passes */
	_Atomic uint64_t reconcile_errors; /* readbacks that could not dump */
	_Atomic uint64_t drift;		  /* entries found missing/differing */
	_Atomic uint64_t repairs;	  /* of which repaired */
	_Atomic uint64_t swept;		  /* stale satnet LSPs removed */
	_Atomic uint64_t platform_raises; /* net.mpls.platform_labels raised */
	_Atomic uint64_t queue_len;	  /* contexts waiting for the pthread */
	_Atomic uint64_t queue_peak;
	/* contexts satnet programmed, by zebra's operation */
	_Atomic uint64_t route_install, route_update, route_delete;
	_Atomic uint64_t lsp_install, lsp_update, lsp_delete;
	/* nexthop objects */
	_Atomic uint64_t nhobj_ops;	  /* object writes sent (create,
					     replace, delete) */
	_Atomic uint64_t nhobj_inplace;	  /* groups replaced in place */
	_Atomic uint64_t nhobj_flushed;	  /* groups a change in place found
					   * removed by the kernel (device
					   * down), created again */
	_Atomic uint64_t nhobj_transport; /* groups moved with the host
					   * route they were resolved
					   * through (sn_table_move()) */
	_Atomic uint64_t host_notes_dropped; /* host-route changes not
					      * followed (queue full) */
	_Atomic uint64_t hosts_full;	  /* host routes not remembered
					     (memory full) */
	_Atomic uint64_t hosts_count;	  /* level: host routes remembered */
	_Atomic uint64_t route_nowrite;	  /* route contexts done with no
					     kernel write (object already
					     forwards as asked) */
	_Atomic uint64_t nhobj_count;	  /* level: objects held */
	_Atomic uint64_t nhobj_groups;	  /* level: of which groups */
};

struct sn_table;

/* Optional logger for notable events (zlog on the FRR side). */
typedef void (*sn_log_fn)(int warn, const char *msg);

struct sn_table *sn_table_new(void);
void sn_table_free(struct sn_table *t);
void sn_table_set_log(struct sn_table *t, sn_log_fn fn);
struct sn_counters *sn_table_counters(struct sn_table *t);
size_t sn_table_count(struct sn_table *t);

/* Lookups for the writer thread (and tests); no lock taken. */
const struct sn_entry *sn_table_find_lsp(const struct sn_table *t,
					 uint32_t in_label);
const struct sn_entry *sn_table_find_route(const struct sn_table *t,
					   uint8_t family, uint32_t table,
					   const struct sdp_addr *dst,
					   uint8_t dst_len);

/*
 * Program @n requests in one batch on @dp and record the outcome.
 * Requests whose result is already an error (translation failed) are
 * not sent but recorded as failed. LSP labels at or above
 * net.mpls.platform_labels raise it first when @pol allows, else fail
 * with that reason. A route delete of a route that is gone succeeds.
 * Sets every request's result/reason; returns how many failed.
 */
size_t sn_table_apply(struct sn_table *t, struct sdp *dp, struct sn_req *reqs,
		      size_t n, const struct sn_policy *pol);

struct sn_reconcile_result {
	unsigned int checked;	    /* entries compared with the kernel */
	unsigned int missing;	    /* not in the kernel */
	unsigned int differs;	    /* in the kernel, but not as asked */
	unsigned int repaired;	    /* of those, reprogrammed successfully */
	unsigned int repair_failed; /* reprogramming refused */
	unsigned int stale;	    /* satnet LSPs nobody owns any more */
	unsigned int swept;	    /* of those, deleted (sweep on) */
	/* nexthop objects: compared, found missing or differing and
	 * rewritten, an earlier run's found and (sweep on) deleted */
	unsigned int obj_checked, obj_drift, obj_repaired, obj_stale;
	unsigned int obj_swept;
	bool yielded; /* stopped early: contexts came (sn_table_set_busy()) */
	int dump_err;		    /* first dump error, 0 if none */
};

/*
 * A readback must not hold programming up for long (both run on the
 * provider's pthread): @busy is asked between its steps (the objects,
 * the MPLS table, each managed table) and when it answers true the
 * readback stops there, repairs what it has compared so far and reports
 * res->yielded; the caller tries again once it is quiet.
 */
void sn_table_set_busy(struct sn_table *t, bool (*busy)(void *arg), void *arg);

/*
 * Read the kernel back and compare it with the record: the AF_MPLS
 * table, and every managed table for IPv4 and IPv6. Entries zebra was
 * told are installed and that are missing or differ are marked so and
 * reprogrammed; entries that failed towards zebra are left alone.
 * Kernel LSPs with protocol SDP_RTPROT that are not in the record are
 * stale (an earlier run's); with @sweep they are deleted. Route records
 * of tables @pol no longer manages are dropped first.
 * Returns 0 or the first dump error (also in res->dump_err).
 */
int sn_table_reconcile(struct sn_table *t, struct sdp *dp,
		       const struct sn_policy *pol, bool sweep,
		       struct sn_reconcile_result *res);

/*
 * BGP PIC core (the DOC of satnet_hosts.h): host route @dst in zebra's
 * VRF @vrf_id moved from @old to @new (resolved nexthops as
 * sn_xlate_route() gives them). Every shared group whose resolution key
 * names exactly that gateway in that VRF, and whose members are exactly
 * the old forwarding under the key's labels, gets the new forwarding in
 * place now, as zebra will resolve its routes when their contexts come:
 * one object change per group (and the members it needs), no route
 * write; the routes' contexts then complete without one. A group the
 * kernel removed meanwhile (its device went down, taking the routes) is
 * created again and its routes are written onto it. Returns the number
 * of groups moved.
 */
struct sn_move {
	uint32_t vrf_id;
	struct sdp_addr dst;
	const struct sdp_nexthop *old, *new;
	size_t n_old, n_new;
};

size_t sn_table_move(struct sn_table *t, struct sdp *dp,
		     const struct sn_move *mv, const struct sn_policy *pol);

/* Drop route records of tables @pol does not manage. */
void sn_table_prune(struct sn_table *t, const struct sn_policy *pol);

/* A consistent copy of the record: LSPs by label, then routes by table,
 * family and prefix. Any thread. */
struct sn_view {
	size_t n;
	struct sn_entry *e;
};

int sn_table_export(struct sn_table *t, struct sn_view *v);
void sn_view_free(struct sn_view *v);

/*
 * When to read the kernel back (satnet_dplane.c's readback timer; pure,
 * so unit-tested). A readback dumps every owned table and stops
 * programming for as long as it runs (the same pthread programs), so:
 *  - not while contexts are flowing: with contexts queued or in flight,
 *    or a batch programmed less than SN_RB_QUIET_MS ago, wait until the
 *    flow has been quiet that long;
 *  - at most once per period, the period being SN_RB_PERIOD_MS or
 *    SN_RB_COST_FACTOR times what the last readback cost, whichever is
 *    longer (a readback of 100k entries may cost seconds).
 * An idle node with few entries thus reads back every SN_RB_PERIOD_MS.
 * Returns 0 to read back now, else the milliseconds to wait before
 * asking again. Times are milliseconds of one monotonic clock;
 * @last_prog_ms / @last_rb_ms 0 = never.
 */
#define SN_RB_PERIOD_MS 10000
#define SN_RB_QUIET_MS 3000
#define SN_RB_COST_FACTOR 20

static inline uint64_t sn_readback_period_ms(uint64_t last_cost_ms)
{
	uint64_t p = last_cost_ms * SN_RB_COST_FACTOR;

	return p > SN_RB_PERIOD_MS ? p : SN_RB_PERIOD_MS;
}

static inline uint64_t sn_readback_delay_ms(uint64_t now_ms, bool busy,
					    uint64_t last_prog_ms,
					    uint64_t last_rb_ms,
					    uint64_t last_cost_ms)
{
	uint64_t period = sn_readback_period_ms(last_cost_ms);

	if (busy)
		return SN_RB_QUIET_MS;
	if (last_prog_ms && now_ms < last_prog_ms + SN_RB_QUIET_MS)
		return last_prog_ms + SN_RB_QUIET_MS - now_ms;
	if (last_rb_ms && now_ms < last_rb_ms + period)
		return last_rb_ms + period - now_ms;
	return 0;
}

/*
 * When stale LSPs may be swept (satnet_dplane.c's sweep timer; pure, so
 * unit-tested). Stale are the AF_MPLS entries of satnet's protocol that
 * an earlier run left and zebra has not re-sent. It cannot re-send them
 * before bgpd and ldpd have their labels again, and satnet's label
 * manager answers no label request until zebra's configuration is read
 * (up to 60 s after start, satnet_labels.c); at scale zebra then
 * re-sends LSPs slowly. So: never before the configuration is read, then
 * SN_SWEEP_GRACE_MS after that, and only once no context has been
 * programmed for SN_SWEEP_QUIET_MS. Returns 0 to sweep now, else the
 * milliseconds to wait before asking again. @cfg_read_ms 0 = not yet.
 */
#define SN_SWEEP_GRACE_MS 30000
#define SN_SWEEP_QUIET_MS 10000

static inline uint64_t sn_sweep_delay_ms(uint64_t now_ms, uint64_t cfg_read_ms,
					 uint64_t last_prog_ms)
{
	if (!cfg_read_ms)
		return 1000;
	if (now_ms < cfg_read_ms + SN_SWEEP_GRACE_MS)
		return cfg_read_ms + SN_SWEEP_GRACE_MS - now_ms;
	if (last_prog_ms && now_ms < last_prog_ms + SN_SWEEP_QUIET_MS)
		return last_prog_ms + SN_SWEEP_QUIET_MS - now_ms;
	return 0;
}

/* Label stack text "16/80", "pop" for none. */
void sn_labels_str(const struct sdp_nexthop *nh, char *buf, size_t len);

#endif /* SATNET_DPLANE_H */
