// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_dplane.c: satnet's zebra dplane provider.
 *
 * DOC: threads and hand-offs
 *
 * Registered as "satnet" at DPLANE_PRIO_PRE_KERNEL with
 * DPLANE_PROV_FLAG_THREADED, so it sits before zebra's "Kernel" provider.
 *
 *   zebra dplane thread     sdpl_process(): per context, satnet_owns()
 *                           on the dplane thread's copy of the policy.
 *                           Not ours: straight to the out queue,
 *                           untouched. Ours: onto ctxq (q_mtx), and an
 *                           event wakes satnet's pthread. It never waits
 *                           for the pthread (but at shutdown).
 *   satnet pthread          sdpl_work(): takes up to SDPL_BATCH contexts,
 *                           flattens each (sdpl_xlate_*), translates and
 *                           programs them in one dplane/ batch with its
 *                           own struct sdp (sn_table_apply(), privileges
 *                           raised as zebra raises them around its own
 *                           netlink sends), sets each status, marks each
 *                           skip_kernel, hands each back with
 *                           dplane_provider_enqueue_out_ctx() and pokes
 *                           the dplane thread. Every SDPL_RECONCILE_SEC
 *                           or more it reads the kernel back
 *                           (sn_table_reconcile), never while contexts
 *                           flow and less often when a readback is
 *                           costly (sn_readback_delay_ms());
 *                           Once zebra can have re-sent what an earlier
 *                           run left (sn_sweep_delay_ms(): after the
 *                           configuration is read, a grace period and a
 *                           quiet spell), it also removes the AF_MPLS
 *                           entries nobody re-sent.
 *   zebra main thread       publishes the policy (managed tables and the
 *                           platform-labels policy, from satnet_zebra.cfg)
 *                           once a second if it changed, and has zebra
 *                           re-send the routes of every table that changed
 *                           hands, so the new owner programs (and records)
 *                           all of them; the CLI copies the record under
 *                           its mutex.
 *
 * The pthread and the netlink socket are created in the provider's start
 * callback, which zebra calls after daemonizing. Until then, and if they
 * cannot be created, owned contexts pass untouched to the Kernel provider
 * (zebra programs them as it would without satnet), loudly logged.
 *
 * At shutdown zebra waits for work in provider queues but cannot see
 * ctxq, so once the early fini has been called, sdpl_process() waits
 * (bounded) until the pthread has handed everything back.
 */
#include <zebra.h>

#include "frr_pthread.h"
#include "if.h"
#include "memory.h"
#include "nexthop.h"
#include "nexthop_group.h"
#include "privs.h"
#include "srcdest_table.h"
#include "table.h"
#include "thread.h"
#include "vrf.h"
#include "zebra/debug.h"
#include "zebra/rib.h"
#include "zebra/rt.h"
#include "zebra/zebra_dplane.h"
#include "zebra/zebra_mpls.h"
#include "zebra/zebra_vrf.h"

#include "satnet_zebra.h"
#include "satnet_dplane.h"
#include "satnet_dp.h"
#include "satnet_hosts.h"
#include "satnet_nlfilter.h"

extern struct zebra_privs_t zserv_privs;

DEFINE_MTYPE_STATIC(SATNET, SATNET_DPLANE, "satnet dplane provider");

#define SDPL_NAME "satnet"
/* Contexts programmed per batch (one netlink batch each). */
#define SDPL_BATCH 512
/* Seconds between readbacks of the kernel, at least (see
 * sn_readback_delay_ms(): not while contexts flow, and less often when a
 * readback is costly). */
#define SDPL_RECONCILE_SEC (SN_RB_PERIOD_MS / 1000)
/* Seconds between checks of the configuration for a new policy. */
#define SDPL_POLICY_SEC 1
/* How long the dplane thread waits for the pthread during shutdown. */
#define SDPL_DRAIN_MSEC 5000
/* Failed contexts logged per batch; the rest are counted. */
#define SDPL_LOG_FAILS 8
/* Host-route changes waiting for the pthread, at most (then dropped and
 * counted: the moves are left to zebra's contexts). */
#define SDPL_NOTES_MAX 4096
/* Host routes whose forwarding is remembered, at most (satnet_hosts.h). */
#define SDPL_HOSTS_MAX 65536

/*
 * A host route's new forwarding (satnet_hosts.h), from a context the
 * dplane thread handed on to zebra's kernel provider or one the pthread
 * programmed; n == 0: gone, or nothing satnet can follow.
 */
struct sdpl_note {
	struct sdpl_note *next;
	uint32_t vrf_id;
	struct sdp_addr dst;
	size_t n;
	struct sdp_nexthop nh[SN_HOST_NH_MAX];
};
static struct satnet_dplane {
	struct zebra_dplane_provider *prov;
	struct frr_pthread *fthread;
	_Atomic bool running;  /* pthread and socket are up: take contexts */
	_Atomic bool shutdown; /* early fini seen */
	_Atomic bool sync;     /* shutdown: the dplane thread programs */
	_Atomic bool swept;    /* grace period over */
	/* monotonic ms when zebra's configuration was read; 0: not yet */
	_Atomic uint64_t cfg_read_ms;

	/* dplane thread -> pthread */
	pthread_mutex_t q_mtx;
	pthread_cond_t q_cond;
	struct dplane_ctx_q ctxq;
	uint32_t inflight; /* queued or being programmed; under q_mtx */
	struct sdpl_note *notes, **notes_tail; /* under q_mtx */
	uint32_t n_notes;

	/* policy hand-over; each thread keeps its own copy */
	struct sn_policy_box box;
	struct sn_policy pol_dp; /* dplane thread */
	uint32_t gen_dp;
	struct sn_policy pol_pt; /* satnet pthread */
	uint32_t gen_pt;
	struct sn_policy pol_main; /* main thread, scratch */
	struct sn_policy pol_prev; /* main thread: last published */
	/* until the first configuration is applied: the tables of satnet's
	 * VRF devices found at start (satnet_provision_owned_tables) */
	uint32_t boot_tables[SN_TABLES_MAX];
	size_t n_boot_tables;

	/* the record; written by the pthread only */
	struct sn_table *tbl;
	struct sn_counters *ctr;

	/* satnet pthread only */
	struct sdp *dp;
	struct sn_hosts *hosts;
	struct thread *t_work;
	struct thread *t_reconcile;
	struct thread *t_grace;
	struct thread *t_refresh;
	uint64_t last_prog_ms; /* monotonic; when a batch was last done */
	uint64_t last_rb_ms;   /* when the last readback ended */
	uint64_t last_cost_ms; /* how long it took */
	bool sweep_pending;    /* grace over: sweep at the next quiet time */

	/* main thread only */
	struct thread *t_policy;
	struct sdp *dp_main; /* interface counters */
	struct if_base {
		char name[SDP_IFNAMSIZ];
		struct sdp_mpls_stats st;
	} *base;
	size_t n_base;
} g;

static uint64_t sdpl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Logging from plain code (any thread: zlog is thread-safe)
 */
static void sdpl_log(int warn, const char *msg)
{
	if (warn)
		zlog_warn("satnet: %s", msg);
	else
		zlog_info("satnet: %s", msg);
}

/*
 * Flattening contexts (satnet pthread; contexts are ours while queued)
 */

/* zebra's own mapping (rt_netlink.c zebra2proto()): with these numbers
 * zebra recognises the routes as its own when it reads them back. */
static uint8_t sdpl_zebra2proto(int type)
{
	switch (type) {
	case ZEBRA_ROUTE_BABEL:
		return 42;
	case ZEBRA_ROUTE_BGP:
		return 186;
	case ZEBRA_ROUTE_OSPF:
	case ZEBRA_ROUTE_OSPF6:
		return 188;
	case ZEBRA_ROUTE_STATIC:
		return 196;
	case ZEBRA_ROUTE_ISIS:
		return 187;
	case ZEBRA_ROUTE_RIP:
		return 189;
	case ZEBRA_ROUTE_RIPNG:
		return 190;
	case ZEBRA_ROUTE_NHRP:
		return 191;
	case ZEBRA_ROUTE_EIGRP:
		return 192;
	case ZEBRA_ROUTE_LDP:
		return 193;
	case ZEBRA_ROUTE_SHARP:
		return 194;
	case ZEBRA_ROUTE_PBR:
		return 195;
	case ZEBRA_ROUTE_OPENFABRIC:
		return 197;
	case ZEBRA_ROUTE_SRTE:
		return 198;
	case ZEBRA_ROUTE_CONNECT:
	case ZEBRA_ROUTE_KERNEL:
		return RTPROT_KERNEL;
	default:
		return RTPROT_ZEBRA; /* ZEBRA_ROUTE_TABLE, _NHG, others */
	}
}

static void sdpl_nh_flatten(const struct nexthop *nh, struct sn_nh_in *o)
{
	memset(o, 0, sizeof(*o));
	switch (nh->type) {
	case NEXTHOP_TYPE_IFINDEX:
		o->type = SN_NH_IFINDEX;
		break;
	case NEXTHOP_TYPE_IPV4:
	case NEXTHOP_TYPE_IPV4_IFINDEX:
		o->type = nh->type == NEXTHOP_TYPE_IPV4 ? SN_NH_IPV4
							: SN_NH_IPV4_IFINDEX;
		o->gate.family = AF_INET;
		o->gate.v4 = nh->gate.ipv4;
		break;
	case NEXTHOP_TYPE_IPV6:
	case NEXTHOP_TYPE_IPV6_IFINDEX:
		o->type = nh->type == NEXTHOP_TYPE_IPV6 ? SN_NH_IPV6
							: SN_NH_IPV6_IFINDEX;
		o->gate.family = AF_INET6;
		o->gate.v6 = nh->gate.ipv6;
		break;
	case NEXTHOP_TYPE_BLACKHOLE:
		o->type = SN_NH_BLACKHOLE;
		break;
	}
	o->ifindex = nh->ifindex > 0 ? (uint32_t)nh->ifindex : 0;
	o->vrf_id = nh->vrf_id;
	o->active = CHECK_FLAG(nh->flags, NEXTHOP_FLAG_ACTIVE);
	o->duplicate = CHECK_FLAG(nh->flags, NEXTHOP_FLAG_DUPLICATE);
	o->recursive = CHECK_FLAG(nh->flags, NEXTHOP_FLAG_RECURSIVE);
	o->onlink = CHECK_FLAG(nh->flags, NEXTHOP_FLAG_ONLINK);
	o->weight = nh->weight;
	if (nh->nh_label) {
		uint8_t n = nh->nh_label->num_labels;

		if (n > SDP_LABEL_STACK_MAX) {
			o->labels_overflow = true;
			n = SDP_LABEL_STACK_MAX;
		}
		for (uint8_t i = 0; i < n; i++)
			o->labels[i] = nh->nh_label->label[i];
		o->n_labels = n;
	}
}

static enum sn_cmd_in sdpl_cmd(enum dplane_op_e op)
{
	switch (op) {
	case DPLANE_OP_LSP_DELETE:
	case DPLANE_OP_ROUTE_DELETE:
		return SN_IN_DELETE;
	case DPLANE_OP_LSP_UPDATE:
	case DPLANE_OP_ROUTE_UPDATE:
		return SN_IN_UPDATE;
	default:
		return SN_IN_INSTALL;
	}
}

static void sdpl_xlate_lsp(struct zebra_dplane_ctx *ctx, struct sn_req *r)
{
	const struct nhlfe_list_head *head = dplane_ctx_get_nhlfe_list(ctx);
	const struct zebra_nhlfe *best = dplane_ctx_get_best_nhlfe(ctx);
	const struct zebra_nhlfe *nhlfe;
	struct sn_lsp_in in = {
		.cmd = sdpl_cmd(dplane_ctx_get_op(ctx)),
		.in_label = dplane_ctx_get_in_label(ctx),
		.has_best = best != NULL,
		.owner = best ? (int)best->type : (int)ZEBRA_LSP_NONE,
	};
	struct sn_nh_in *nh = NULL;
	size_t n = 0, cap = nhlfe_list_count(head);

	if (cap)
		nh = XCALLOC(MTYPE_SATNET_DPLANE, cap * sizeof(*nh));
	frr_each (nhlfe_list_const, head, nhlfe) {
		if (!nhlfe->nexthop || n == cap)
			continue;
		sdpl_nh_flatten(nhlfe->nexthop, &nh[n]);
		nh[n].selected = CHECK_FLAG(nhlfe->flags, NHLFE_FLAG_SELECTED);
		n++;
	}
	sn_xlate_lsp(&in, nh, n, r);
	XFREE(MTYPE_SATNET_DPLANE, nh);
}

static enum sn_rt_kind sdpl_route_kind(const struct nexthop_group *ng)
{
	const struct nexthop *nh = ng ? ng->nexthop : NULL;

	/* As zebra: the first nexthop (resolved, if recursive) decides. */
	if (nh && CHECK_FLAG(nh->flags, NEXTHOP_FLAG_RECURSIVE))
		nh = nh->resolved;
	if (!nh || nh->type != NEXTHOP_TYPE_BLACKHOLE)
		return SN_RT_UNICAST;
	switch (nh->bh_type) {
	case BLACKHOLE_ADMINPROHIB:
		return SN_RT_PROHIBIT;
	case BLACKHOLE_REJECT:
		return SN_RT_UNREACHABLE;
	case BLACKHOLE_UNSPEC:
	case BLACKHOLE_NULL:
		return SN_RT_BLACKHOLE;
	}
	return SN_RT_BLACKHOLE;
}

static void sdpl_xlate_route(struct zebra_dplane_ctx *ctx, struct sn_req *r)
{
	const struct prefix *p = dplane_ctx_get_dest(ctx);
	const struct prefix *src = dplane_ctx_get_src(ctx);
	const struct nexthop_group *ng = dplane_ctx_get_ng(ctx);
	int type = dplane_ctx_get_type(ctx);
	int old_type = dplane_ctx_get_old_type(ctx);
	struct sn_route_in in = {
		.cmd = sdpl_cmd(dplane_ctx_get_op(ctx)),
		.family = p->family,
		.dst_len = p->prefixlen,
		.has_src = src && src->prefixlen,
		.table = dplane_ctx_get_table(ctx),
		.proto = sdpl_zebra2proto(type),
		.old_proto = sdpl_zebra2proto(old_type),
		.system = RSYSTEM_ROUTE(type),
		.old_system = RSYSTEM_ROUTE(old_type),
		.type = type,
		.kind = sdpl_route_kind(ng),
	};
	struct nexthop *nexthop;
	struct sn_nh_in *nh = NULL;
	size_t n = 0, cap = 0;

	in.dst.family = p->family;
	if (p->family == AF_INET)
		in.dst.v4 = p->u.prefix4;
	else if (p->family == AF_INET6)
		in.dst.v6 = p->u.prefix6;

	if (ng) {
		for (ALL_NEXTHOPS_PTR(ng, nexthop))
			cap++;
	}
	if (cap) {
		nh = XCALLOC(MTYPE_SATNET_DPLANE, cap * sizeof(*nh));
		for (ALL_NEXTHOPS_PTR(ng, nexthop)) {
			if (n == cap)
				break;
			sdpl_nh_flatten(nexthop, &nh[n++]);
		}
	}
	sn_xlate_route(&in, nh, n, r);
	XFREE(MTYPE_SATNET_DPLANE, nh);
}

static void sdpl_xlate(struct zebra_dplane_ctx *ctx, struct sn_req *r)
{
	memset(r, 0, sizeof(*r));
	switch (satnet_op_class(dplane_ctx_get_op(ctx))) {
	case SN_OP_LSP:
		sdpl_xlate_lsp(ctx, r);
		break;
	case SN_OP_ROUTE:
		sdpl_xlate_route(ctx, r);
		break;
	case SN_OP_PASS:
		/* cannot happen: only owned contexts are queued */
		r->kind = SN_KIND_LSP;
		r->noop = true;
		break;
	}
	r->cookie = ctx;
}

/*
 * satnet pthread
 */

static void sdpl_work(struct thread *t);

static void sdpl_policy_refresh_pt(void)
{
	if (sn_policy_fetch(&g.box, &g.pol_pt, &g.gen_pt))
		sn_table_prune(g.tbl, &g.pol_pt);
}

/* The main thread published a new policy: prune the record now. */
static void sdpl_refresh(struct thread *t)
{
	sdpl_policy_refresh_pt();
}

/* Which operations zebra sends: e.g. a route sent twice shows as an
 * update or as more installs than routes. */
static void sdpl_count_op(enum dplane_op_e op)
{
	_Atomic uint64_t *c = NULL;

	if (op == DPLANE_OP_ROUTE_INSTALL)
		c = &g.ctr->route_install;
	else if (op == DPLANE_OP_ROUTE_UPDATE)
		c = &g.ctr->route_update;
	else if (op == DPLANE_OP_ROUTE_DELETE)
		c = &g.ctr->route_delete;
	else if (op == DPLANE_OP_LSP_INSTALL)
		c = &g.ctr->lsp_install;
	else if (op == DPLANE_OP_LSP_UPDATE)
		c = &g.ctr->lsp_update;
	else if (op == DPLANE_OP_LSP_DELETE)
		c = &g.ctr->lsp_delete;
	if (c)
		atomic_fetch_add(c, 1);
}

/*
 * BGP PIC core (the DOC of satnet_hosts.h)
 */

/* The note for host route context @ctx translated as @r (NULL: a
 * delete), or NULL when @ctx is no host route. */
static struct sdpl_note *sdpl_host_note(struct zebra_dplane_ctx *ctx,
					const struct sn_req *r)
{
	const struct prefix *p = dplane_ctx_get_dest(ctx);
	const struct prefix *src = dplane_ctx_get_src(ctx);
	const struct nexthop_group *ng = dplane_ctx_get_ng(ctx);
	const struct nexthop *nh;
	struct sdpl_note *nt;
	bool follow = r != NULL;

	if (!p || !sn_is_host(p->family, p->prefixlen)
	    || (src && src->prefixlen))
		return NULL;
	nt = XCALLOC(MTYPE_SATNET_DPLANE, sizeof(*nt));
	nt->vrf_id = dplane_ctx_get_vrf(ctx);
	nt->dst.family = p->family;
	if (p->family == AF_INET)
		nt->dst.v4 = p->u.prefix4;
	else
		nt->dst.v6 = p->u.prefix6;
	/* a transport forwards by itself: a route resolved through another
	 * one is not followed (zebra's contexts move it) */
	if (follow && ng)
		for (nh = ng->nexthop; nh; nh = nh->next)
			if (CHECK_FLAG(nh->flags, NEXTHOP_FLAG_RECURSIVE))
				follow = false;
	if (follow && !r->result && !r->noop && r->cmd == SDP_CMD_REPLACE
	    && r->route.type == RTN_UNICAST && r->n_nh <= SN_HOST_NH_MAX) {
		nt->n = r->n_nh;
		memcpy(nt->nh, r->nh, r->n_nh * sizeof(r->nh[0]));
	}
	return nt;
}

/*
 * Queue @nt for the pthread, which applies it before its next batch of
 * contexts (any thread; takes @nt). Dropped and counted when the queue
 * is full or zebra is syncing its tables: zebra's contexts then move the
 * routes.
 */
static void sdpl_queue_note(struct sdpl_note *nt)
{
	bool queued = false;

	frr_with_mutex (&g.q_mtx) {
		if (g.n_notes < SDPL_NOTES_MAX && !atomic_load(&g.sync)) {
			*g.notes_tail = nt;
			g.notes_tail = &nt->next;
			g.n_notes++;
			queued = true;
			thread_add_event(g.fthread->master, sdpl_work, NULL, 0,
					 &g.t_work);
		}
	}
	if (!queued) {
		atomic_fetch_add(&g.ctr->host_notes_dropped, 1);
		XFREE(MTYPE_SATNET_DPLANE, nt);
	}
}

/*
 * A route context the dplane thread hands on to zebra's kernel provider
 * (the default VRF's IGP/LDP routes to the remote PEs): a host route's
 * change goes to the pthread, which moves what was resolved through it.
 * Only while satnet manages VRF tables (nothing else shares groups).
 */
static void sdpl_watch_host(struct zebra_dplane_ctx *ctx)
{
	enum dplane_op_e op = dplane_ctx_get_op(ctx);
	const struct prefix *p;
	struct sdpl_note *nt;
	struct sn_req r;

	if (satnet_op_class(op) != SN_OP_ROUTE || !g.pol_dp.n_tables)
		return;
	p = dplane_ctx_get_dest(ctx);
	if (!p || !sn_is_host(p->family, p->prefixlen))
		return;
	if (op == DPLANE_OP_ROUTE_DELETE) {
		nt = sdpl_host_note(ctx, NULL);
	} else {
		memset(&r, 0, sizeof(r));
		sdpl_xlate_route(ctx, &r);
		nt = sdpl_host_note(ctx, &r);
		sn_req_fini(&r);
	}
	if (nt)
		sdpl_queue_note(nt);
}

/* Remember @nt's forwarding; when it moved, move what was resolved
 * through it (satnet pthread). Frees @nt. */
static void sdpl_apply_note(struct sdpl_note *nt)
{
	struct sn_host_fwd old;
	enum sn_host_change c;
	size_t moved = 0;
	char a[INET6_ADDRSTRLEN];

	c = sn_hosts_note(g.hosts, nt->vrf_id, &nt->dst, nt->nh, nt->n, &old);
	atomic_store(&g.ctr->hosts_count, sn_hosts_count(g.hosts));
	if (c == SN_HOST_FULL)
		atomic_fetch_add(&g.ctr->hosts_full, 1);
	if (c == SN_HOST_MOVED) {
		struct sn_move mv = {
			.vrf_id = nt->vrf_id,
			.dst = nt->dst,
			.old = old.nh,
			.n_old = old.n,
			.new = nt->nh,
			.n_new = nt->n,
		};

		frr_with_privs (&zserv_privs) {
			moved = sn_table_move(g.tbl, g.dp, &mv, &g.pol_pt);
		}
	}
	if (moved)
		g.last_prog_ms = sdpl_now_ms();
	if (IS_ZEBRA_DEBUG_DPLANE) {
		static const char *const what[] = {
			[SN_HOST_SAME] = "unchanged",
			[SN_HOST_NEW] = "new",
			[SN_HOST_MOVED] = "moved",
			[SN_HOST_GONE] = "gone",
			[SN_HOST_FULL] = "not followed (memory full)",
		};

		if (sdp_addr_format(&nt->dst, a, sizeof(a)) < 0)
			snprintf(a, sizeof(a), "?");
		zlog_debug("satnet: host route %s vrf %u %s (%zu nexthop(s)): %zu nexthop group(s) moved with it",
			   a, nt->vrf_id, what[c], nt->n, moved);
	}
	XFREE(MTYPE_SATNET_DPLANE, nt);
}

/* The host-route changes the dplane thread queued (satnet pthread). */
static void sdpl_apply_notes(void)
{
	struct sdpl_note *nt, *next;

	frr_with_mutex (&g.q_mtx) {
		nt = g.notes;
		g.notes = NULL;
		g.notes_tail = &g.notes;
		g.n_notes = 0;
	}
	for (; nt; nt = next) {
		next = nt->next;
		sdpl_apply_note(nt);
	}
}

/*
 * Program @n owned contexts in one batch, set each one's status and hand
 * it back to zebra. The satnet pthread's work; in shutdown, the dplane
 * thread's own (sdpl_process()).
 */
static void sdpl_program(struct zebra_dplane_ctx **ctxs, size_t n,
			 const struct sn_policy *pol)
{
	struct sdpl_note *nt;
	bool sync = atomic_load(&g.sync);
	struct sn_req *reqs;
	size_t i, failed, logged = 0;

	reqs = XCALLOC(MTYPE_SATNET_DPLANE, n * sizeof(*reqs));
	for (i = 0; i < n; i++)
		sdpl_xlate(ctxs[i], &reqs[i]);

	frr_with_privs (&zserv_privs) {
		failed = sn_table_apply(g.tbl, g.dp, reqs, n, pol);
	}

	for (i = 0; i < n; i++) {
		struct zebra_dplane_ctx *ctx = ctxs[i];
		bool ok = reqs[i].result == 0;

		sdpl_count_op(dplane_ctx_get_op(ctx));
		dplane_ctx_set_skip_kernel(ctx);
		dplane_ctx_set_status(ctx, ok ? ZEBRA_DPLANE_REQUEST_SUCCESS
					      : ZEBRA_DPLANE_REQUEST_FAILURE);
		if (!ok) {
			atomic_fetch_add(&g.ctr->failures, 1);
			if (logged++ < SDPL_LOG_FAILS)
				zlog_warn("satnet: %s failed: %s",
					  dplane_op2str(dplane_ctx_get_op(ctx)),
					  reqs[i].reason);
		} else if (IS_ZEBRA_DEBUG_DPLANE) {
			zlog_debug("satnet: %s programmed%s",
				   dplane_op2str(dplane_ctx_get_op(ctx)),
				   reqs[i].noop ? " (nothing to do)" : "");
		}
		/* a transport satnet programs itself (a host route in a
		 * managed VRF table): moved after this batch's results are
		 * back with zebra, which resolves nothing through the route
		 * before it has the result */
		if (!sync && reqs[i].kind == SN_KIND_ROUTE) {
			nt = sdpl_host_note(ctx, dplane_ctx_get_op(ctx)
							 == DPLANE_OP_ROUTE_DELETE
						 ? NULL
						 : &reqs[i]);
			if (nt)
				sdpl_queue_note(nt);
		}
		sn_req_fini(&reqs[i]);
		dplane_provider_enqueue_out_ctx(g.prov, ctx);
	}
	if (failed > SDPL_LOG_FAILS)
		zlog_warn("satnet: %zu more failures in this batch not logged",
			  failed - SDPL_LOG_FAILS);
	atomic_fetch_add(&g.ctr->ctx_owned, n);
	XFREE(MTYPE_SATNET_DPLANE, reqs);
	g.last_prog_ms = sdpl_now_ms();
}

static void sdpl_work(struct thread *t)
{
	struct zebra_dplane_ctx *ctxs[SDPL_BATCH];
	size_t n = 0;
	bool more;

	sdpl_policy_refresh_pt();
	/* transports first: what moves with them needs no context */
	sdpl_apply_notes();
	frr_with_mutex (&g.q_mtx) {
		while (n < SDPL_BATCH
		       && (ctxs[n] = dplane_ctx_dequeue(&g.ctxq)) != NULL)
			n++;
	}
	if (!n)
		return;
	atomic_fetch_sub(&g.ctr->queue_len, n);
	sdpl_program(ctxs, n, &g.pol_pt);

	/* Results are waiting in our out queue. */
	dplane_provider_work_ready();

	frr_with_mutex (&g.q_mtx) {
		g.inflight -= n;
		more = dplane_ctx_get_head(&g.ctxq) != NULL;
		/* the drain at shutdown waits for this */
		pthread_cond_broadcast(&g.q_cond);
	}
	if (more)
		thread_add_event(g.fthread->master, sdpl_work, NULL, 0,
				 &g.t_work);
}

static void sdpl_reconcile(struct thread *t)
{
	struct sn_reconcile_result res;
	bool sweep = atomic_load(&g.swept);
	uint64_t now, delay, period;
	bool busy;

	if (atomic_load(&g.shutdown))
		return;
	/* Not while contexts flow; once per period (and a pending sweep
	 * as soon as it is quiet). */
	frr_with_mutex (&g.q_mtx) {
		busy = g.inflight > 0;
	}
	now = sdpl_now_ms();
	delay = sn_readback_delay_ms(now, busy, g.last_prog_ms,
				     g.sweep_pending ? 0 : g.last_rb_ms,
				     g.last_cost_ms);
	if (delay) {
		thread_add_timer_msec(g.fthread->master, sdpl_reconcile, NULL,
				      delay, &g.t_reconcile);
		return;
	}
	sdpl_policy_refresh_pt();
	frr_with_privs (&zserv_privs) {
		sn_table_reconcile(g.tbl, g.dp, &g.pol_pt, sweep, &res);
	}
	if (res.yielded) {
		/* contexts came: programming first, the rest of it later */
		if (IS_ZEBRA_DEBUG_DPLANE)
			zlog_debug("satnet: readback stopped after %" PRIu64
				   " ms: contexts to program",
				   sdpl_now_ms() - now);
		thread_add_timer_msec(g.fthread->master, sdpl_reconcile, NULL,
				      SN_RB_QUIET_MS, &g.t_reconcile);
		return;
	}
	g.sweep_pending = false;
	g.last_rb_ms = sdpl_now_ms();
	g.last_cost_ms = g.last_rb_ms - now;
	period = sn_readback_period_ms(g.last_cost_ms);
	if (period > SN_RB_PERIOD_MS)
		zlog_info("satnet: readback of %u entries took %" PRIu64
			  " ms; next in %" PRIu64 " s at the earliest",
			  res.checked, g.last_cost_ms, period / 1000);
	if (res.missing || res.differs || res.swept || res.repair_failed)
		zlog_info("satnet: readback: %u entries checked, %u missing, %u differing, %u repaired, %u repairs refused, %u stale removed",
			  res.checked, res.missing, res.differs, res.repaired,
			  res.repair_failed, res.swept);
	else if (IS_ZEBRA_DEBUG_DPLANE)
		zlog_debug("satnet: readback: %u entries checked, all as programmed (%u stale kept)",
			   res.checked, sweep ? 0 : res.stale);
	thread_add_timer_msec(g.fthread->master, sdpl_reconcile, NULL, period,
			      &g.t_reconcile);
}

/* The readback's question between its steps (sn_table_set_busy()). */
static bool sdpl_busy(void *arg)
{
	bool busy;

	frr_with_mutex (&g.q_mtx) {
		busy = g.inflight > 0;
	}
	return busy;
}

static void sdpl_grace_over(struct thread *t)
{
	uint64_t delay = sn_sweep_delay_ms(sdpl_now_ms(),
					   atomic_load(&g.cfg_read_ms),
					   g.last_prog_ms);

	if (delay) {
		thread_add_timer_msec(g.fthread->master, sdpl_grace_over, NULL,
				      delay, &g.t_grace);
		return;
	}
	atomic_store(&g.swept, true);
	/* Sweep as soon as contexts stop flowing rather than at the next
	 * periodic readback. */
	g.sweep_pending = true;
	THREAD_OFF(g.t_reconcile);
	thread_add_event(g.fthread->master, sdpl_reconcile, NULL, 0,
			 &g.t_reconcile);
}

/* zebra's configuration is read (satnet_labels.c): label requests are
 * answered from now on, so the grace period of the sweep starts. */
void satnet_dplane_config_read(void)
{
	uint64_t zero = 0;

	atomic_compare_exchange_strong(&g.cfg_read_ms, &zero, sdpl_now_ms());
}

/*
 * zebra dplane thread
 */

static bool sdpl_owned(struct zebra_dplane_ctx *ctx)
{
	enum dplane_op_e op = dplane_ctx_get_op(ctx);
	uint32_t table = 0;

	if (satnet_op_class(op) == SN_OP_ROUTE)
		table = dplane_ctx_get_table(ctx);
	return satnet_owns(op, table, &g.pol_dp);
}

/*
 * Shutdown (zebra's early fini, main thread, before zebra withdraws its
 * routes): from here on the dplane thread programs owned contexts itself
 * (sdpl_process(), like zebra's own kernel provider), so every context
 * stays in a provider queue zebra can see until it is done - zebra's
 * shutdown waits only for those (dplane_work_pending()). What the
 * pthread holds is finished first, then the pthread is stopped: nothing
 * of satnet's runs any more when zebra tears its dplane pthread down,
 * and no context is ever freed unprogrammed.
 */
static void sdpl_go_sync(void)
{
	uint32_t last = UINT32_MAX;
	struct timespec until;

	frr_with_mutex (&g.q_mtx) {
		atomic_store(&g.sync, true);
		while (g.inflight) {
			if (g.inflight != last) {
				if (last != UINT32_MAX)
					zlog_info("satnet: shutdown: %u contexts still being programmed",
						  g.inflight);
				last = g.inflight;
			}
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&g.q_cond, &g.q_mtx, &until);
		}
	}
	if (g.fthread) {
		frr_pthread_stop(g.fthread, NULL);
		frr_pthread_destroy(g.fthread);
		g.fthread = NULL;
		g.t_work = g.t_reconcile = g.t_grace = g.t_refresh = NULL;
	}
}

/*
 * The dplane thread never waits for satnet here: owned contexts go onto
 * ctxq for the pthread, everything else straight on to the Kernel
 * provider, whatever satnet's backlog (zebra's own provider must keep
 * its latency while satnet works through a burst). What bounds the
 * backlog is that zebra makes contexts no faster than its main thread
 * turns routes into them, and the pthread programs a batch of routes
 * through shared nexthop objects - one small write each - faster than
 * that; queuePeak in `show satnet labels json` shows what it reached.
 */
static int sdpl_process(struct zebra_dplane_provider *prov)
{
	struct zebra_dplane_ctx *ctx, *mine[SDPL_BATCH];
	int counter, limit = dplane_provider_get_work_limit(prov);
	uint64_t queued = 0, len, peak;
	bool running = atomic_load(&g.running);
	size_t n_mine = 0;

	sn_policy_fetch(&g.box, &g.pol_dp, &g.gen_dp);
	if (limit > SDPL_BATCH)
		limit = SDPL_BATCH;
	for (counter = 0; counter < limit; counter++) {
		ctx = dplane_provider_dequeue_in_ctx(prov);
		if (!ctx)
			break;
		if (!running || !sdpl_owned(ctx)) {
			atomic_fetch_add(&g.ctr->ctx_passed, 1);
			if (running)
				sdpl_watch_host(ctx);
			dplane_provider_enqueue_out_ctx(prov, ctx);
			continue;
		}
		frr_with_mutex (&g.q_mtx) {
			if (atomic_load(&g.sync)) {
				/* shutdown: programmed below, on this thread */
				mine[n_mine++] = ctx;
				break;
			}
			/* Count before queueing so it never goes below 0. */
			atomic_fetch_add(&g.ctr->queue_len, 1);
			dplane_ctx_enqueue_tail(&g.ctxq, ctx);
			g.inflight++;
			queued++;
			/* under q_mtx: sdpl_go_sync() stops the pthread only
			 * once nobody can still be adding to its master */
			thread_add_event(g.fthread->master, sdpl_work, NULL, 0,
					 &g.t_work);
		}
	}
	if (n_mine)
		sdpl_program(mine, n_mine, &g.pol_dp);
	if (queued) {
		len = atomic_load(&g.ctr->queue_len);
		peak = atomic_load(&g.ctr->queue_peak);
		if (len > peak)
			atomic_store(&g.ctr->queue_peak, len);
	}
	/* Hit the limit: there is more; come back. */
	if (counter >= limit)
		dplane_provider_work_ready();
	return 0;
}

/*
 * Provider lifecycle (zebra main thread)
 */

static int sdpl_start(struct zebra_dplane_provider *prov)
{
	int ret;

	frr_with_privs (&zserv_privs) {
		ret = sdp_open(&g.dp, SDP_BACKEND_NETLINK);
	}
	if (ret) {
		zlog_err("satnet: dplane provider cannot open netlink (%s): LSPs and VRF routes are left to zebra's kernel provider",
			 strerror(-ret));
		g.dp = NULL;
		return 0;
	}
	/* zebra must not hear this socket's route writes (satnet_nlfilter.h) */
	satnet_nlfilter_install(sdp_nl_port(g.dp));
	g.fthread = frr_pthread_new(NULL, "satnet dplane", "satnet_dplane");
	if (!g.fthread || frr_pthread_run(g.fthread, NULL) != 0) {
		zlog_err("satnet: dplane provider cannot start its pthread: LSPs and VRF routes are left to zebra's kernel provider");
		if (g.fthread)
			frr_pthread_destroy(g.fthread);
		g.fthread = NULL;
		sdp_close(g.dp);
		g.dp = NULL;
		return 0;
	}
	thread_add_timer(g.fthread->master, sdpl_reconcile, NULL,
			 SDPL_RECONCILE_SEC, &g.t_reconcile);
	thread_add_timer(g.fthread->master, sdpl_grace_over, NULL, 1,
			 &g.t_grace);
	atomic_store(&g.running, true);
	zlog_info("satnet: dplane provider started: programs every LSP and the routes of satnet's VRF tables");
	return 0;
}

static void sdpl_stop(void)
{
	struct zebra_dplane_ctx *ctx;
	struct sdpl_note *nt;

	atomic_store(&g.running, false);
	if (g.fthread) {
		frr_pthread_stop(g.fthread, NULL);
		frr_pthread_destroy(g.fthread);
		g.fthread = NULL;
		g.t_work = g.t_reconcile = g.t_grace = g.t_refresh = NULL;
	}
	/* Nobody consumes results any more: free what is left. */
	frr_with_mutex (&g.q_mtx) {
		while ((ctx = dplane_ctx_dequeue(&g.ctxq)) != NULL)
			dplane_ctx_fini(&ctx);
		g.inflight = 0;
		while ((nt = g.notes) != NULL) {
			g.notes = nt->next;
			XFREE(MTYPE_SATNET_DPLANE, nt);
		}
		g.notes_tail = &g.notes;
		g.n_notes = 0;
	}
	sdp_close(g.dp);
	g.dp = NULL;
}

static int sdpl_fini(struct zebra_dplane_provider *prov, bool early)
{
	if (early) {
		/* Keep programming: shutdown withdraws routes through us. */
		atomic_store(&g.shutdown, true);
		if (atomic_load(&g.running))
			sdpl_go_sync();
		return 0;
	}
	sdpl_stop();
	return 0;
}

/*
 * Policy publication (main thread)
 */

static void sdpl_resend_changed(const struct sn_policy *old,
				const struct sn_policy *new);

void satnet_dplane_policy_update(void)
{
	const struct satnet_cfg *c = &satnet_zebra.cfg;
	struct sn_policy *p = &g.pol_main;
	uint32_t *tables = NULL;

	memset(p, 0, sizeof(*p));
	p->raise_platform_labels = c->platform != SATNET_PLATFORM_LEAVE;
	if (!satnet_config_applied(&satnet_zebra)) {
		sn_policy_set_tables(p, g.boot_tables, g.n_boot_tables);
	} else if (c->n_vrfs) {
		tables = XCALLOC(MTYPE_SATNET_DPLANE,
				 c->n_vrfs * sizeof(*tables));
		for (size_t i = 0; i < c->n_vrfs; i++)
			tables[i] = c->vrfs[i].table;
		if (sn_policy_set_tables(p, tables, c->n_vrfs))
			zlog_warn("satnet: more than %d VRF tables: routes of the others are left to zebra's kernel provider",
				  SN_TABLES_MAX);
		XFREE(MTYPE_SATNET_DPLANE, tables);
	}
	if (!sn_policy_publish(&g.box, p))
		return;
	if (IS_ZEBRA_DEBUG_DPLANE)
		zlog_debug("satnet: dplane provider now owns the routes of %zu VRF tables; platform_labels policy %s",
			   p->n_tables,
			   p->raise_platform_labels ? "raise" : "leave");
	if (atomic_load(&g.running))
		thread_add_event(g.fthread->master, sdpl_refresh, NULL, 0,
				 &g.t_refresh);
	/* Published first: the dplane thread decides with the new set. At
	 * start (nothing applied yet) zebra has installed nothing to hand over. */
	if (!atomic_load(&g.shutdown) && satnet_config_applied(&satnet_zebra))
		sdpl_resend_changed(&g.pol_prev, p);
	memcpy(&g.pol_prev, p, sizeof(g.pol_prev));
}

/*
 * Table @table changed hands (satnet <-> zebra's kernel provider): send
 * every installed route of it down again, in whichever VRF it is, so the
 * new owner programs (and records) them all - e.g. routes zebra
 * installed between its start and the satnet configuration being
 * applied. The same call zebra makes itself for a changed route
 * (rib_process_update_fib). Main thread only.
 */
static void sdpl_resend_rtable(struct route_table *table)
{
	struct route_node *rn;

	for (rn = route_top(table); rn; rn = srcdest_route_next(rn)) {
		rib_dest_t *dest = rib_dest_from_rnode(rn);
		struct route_entry *re = dest ? dest->selected_fib : NULL;

		if (!re || RIB_SYSTEM_ROUTE(re)
		    || !CHECK_FLAG(re->status, ROUTE_ENTRY_INSTALLED)
		    || CHECK_FLAG(re->status, ROUTE_ENTRY_QUEUED))
			continue;
		rib_install_kernel(rn, re, re);
	}
}

static void sdpl_resend_table(uint32_t table)
{
	struct vrf *vrf;

	RB_FOREACH (vrf, vrf_id_head, &vrfs_by_id) {
		for (afi_t afi = AFI_IP; afi <= AFI_IP6; afi++) {
			struct route_table *rt;

			rt = zebra_vrf_lookup_table_with_table_id(
				afi, SAFI_UNICAST, vrf->vrf_id, table);
			if (rt)
				sdpl_resend_rtable(rt);
		}
	}
}

static void sdpl_resend_changed(const struct sn_policy *old,
				const struct sn_policy *new)
{
	size_t i;

	for (i = 0; i < old->n_tables; i++)
		if (!sn_policy_manages(new, old->tables[i]))
			sdpl_resend_table(old->tables[i]);
	for (i = 0; i < new->n_tables; i++)
		if (!sn_policy_manages(old, new->tables[i]))
			sdpl_resend_table(new->tables[i]);
}

static void sdpl_policy_timer(struct thread *t)
{
	satnet_dplane_policy_update();
	thread_add_timer(satnet_zebra.master, sdpl_policy_timer, NULL,
			 SDPL_POLICY_SEC, &g.t_policy);
}

/*
 * What the CLI reads (main thread)
 */

struct sn_table *satnet_dplane_table(void)
{
	return g.tbl;
}

struct sn_counters *satnet_dplane_counters(void)
{
	return g.ctr;
}

bool satnet_dplane_running(void)
{
	return atomic_load(&g.running);
}

bool satnet_dplane_swept(void)
{
	return atomic_load(&g.swept);
}

void satnet_dplane_counters_clear(void)
{
	struct sn_counters *c = g.ctr;

	if (!c)
		return;
	atomic_store(&c->ctx_owned, 0);
	atomic_store(&c->ctx_passed, 0);
	atomic_store(&c->lsp_ops, 0);
	atomic_store(&c->route_ops, 0);
	atomic_store(&c->failures, 0);
	atomic_store(&c->reconciles, 0);
	atomic_store(&c->reconcile_errors, 0);
	atomic_store(&c->drift, 0);
	atomic_store(&c->repairs, 0);
	atomic_store(&c->swept, 0);
	atomic_store(&c->platform_raises, 0);
	atomic_store(&c->route_install, 0);
	atomic_store(&c->route_update, 0);
	atomic_store(&c->route_delete, 0);
	atomic_store(&c->lsp_install, 0);
	atomic_store(&c->lsp_update, 0);
	atomic_store(&c->lsp_delete, 0);
	atomic_store(&c->nhobj_ops, 0);
	atomic_store(&c->nhobj_inplace, 0);
	atomic_store(&c->nhobj_flushed, 0);
	atomic_store(&c->nhobj_transport, 0);
	atomic_store(&c->host_notes_dropped, 0);
	atomic_store(&c->hosts_full, 0);
	atomic_store(&c->route_nowrite, 0);
	/* nhobj_count/_groups, hosts_count and queue_len are levels, not counts; the
	 * peak restarts from the queue's level */
	atomic_store(&c->queue_peak, atomic_load(&c->queue_len));
}

/* Interface MPLS counters: the main thread's own netlink context. */
static struct sdp *sdpl_main_dp(void)
{
	int ret;

	if (g.dp_main)
		return g.dp_main;
	frr_with_privs (&zserv_privs) {
		ret = sdp_open(&g.dp_main, SDP_BACKEND_NETLINK);
	}
	if (ret) {
		zlog_warn("satnet: cannot open netlink for interface counters: %s",
			  strerror(-ret));
		g.dp_main = NULL;
	}
	return g.dp_main;
}

static struct if_base *sdpl_base_find(const char *ifname)
{
	for (size_t i = 0; i < g.n_base; i++)
		if (!strcmp(g.base[i].name, ifname))
			return &g.base[i];
	return NULL;
}

int satnet_if_mpls_counters(const char *ifname, struct sdp_mpls_stats *st,
			    const char **why)
{
	struct sdp *dp = sdpl_main_dp();
	const struct if_base *b;
	int ret;

	memset(st, 0, sizeof(*st));
	if (why)
		*why = NULL;
	if (!dp) {
		if (why)
			*why = "no netlink access";
		return -ENOTCONN;
	}
	ret = sdp_mpls_stats_get(dp, ifname, st);
	if (ret) {
		if (why)
			*why = sdp_last_error(dp);
		return ret;
	}
	b = sdpl_base_find(ifname);
	if (!b)
		return 0;
	/* A counter below its baseline: the device was re-created. */
	if (st->rx_packets < b->st.rx_packets || st->tx_packets < b->st.tx_packets
	    || st->rx_bytes < b->st.rx_bytes || st->tx_bytes < b->st.tx_bytes
	    || st->rx_errors < b->st.rx_errors || st->tx_errors < b->st.tx_errors
	    || st->rx_dropped < b->st.rx_dropped
	    || st->tx_dropped < b->st.tx_dropped
	    || st->rx_noroute < b->st.rx_noroute)
		return 0;
	st->rx_packets -= b->st.rx_packets;
	st->tx_packets -= b->st.tx_packets;
	st->rx_bytes -= b->st.rx_bytes;
	st->tx_bytes -= b->st.tx_bytes;
	st->rx_errors -= b->st.rx_errors;
	st->tx_errors -= b->st.tx_errors;
	st->rx_dropped -= b->st.rx_dropped;
	st->tx_dropped -= b->st.tx_dropped;
	st->rx_noroute -= b->st.rx_noroute;
	return 0;
}

void satnet_if_counters_baseline(void)
{
	const struct satnet_cfg *c = &satnet_zebra.cfg;
	struct sdp *dp = sdpl_main_dp();

	XFREE(MTYPE_SATNET_DPLANE, g.base);
	g.n_base = 0;
	if (!dp || !c->n_mpls_ifs)
		return;
	g.base = XCALLOC(MTYPE_SATNET_DPLANE, c->n_mpls_ifs * sizeof(*g.base));
	for (size_t i = 0; i < c->n_mpls_ifs; i++) {
		struct if_base *b = &g.base[g.n_base];

		if (sdp_mpls_stats_get(dp, c->mpls_ifs[i], &b->st))
			continue; /* no counters now: absolute values later */
		strlcpy(b->name, c->mpls_ifs[i], sizeof(b->name));
		g.n_base++;
	}
}

/*
 * An earlier run's nexthop objects, at zebra's start
 */

struct sdpl_old {
	uint32_t *ids;
	size_t n, cap;
	bool groups; /* this pass: groups (first) or members */
};

static int sdpl_old_cb(const struct sdp_nhobj *o, void *arg)
{
	struct sdpl_old *old = arg;

	if ((o->n_group != 0) != old->groups)
		return 0;
	if (old->n == old->cap) {
		size_t cap = old->cap ? 2 * old->cap : 256;
		uint32_t *v = XREALLOC(MTYPE_SATNET_DPLANE, old->ids,
				       cap * sizeof(*v));

		old->ids = v;
		old->cap = cap;
	}
	old->ids[old->n++] = o->id;
	return 0;
}

/*
 * Called from frr_early_init, i.e. before zebra_ns_init() reads the
 * kernel's routes: delete every nexthop object in satnet's id range with
 * satnet's protocol (groups first). The kernel removes the routes that
 * use them with them - as zebra itself removes its own routes of an
 * earlier run when it starts (rib_sweep_route); zebra would otherwise
 * read each such route, fail to find its object ("Zebra failed to find
 * the nexthop hash entry") and never sweep it. Routes come back as zebra
 * re-learns them; LSPs are kept until their grace period (they carry
 * transit traffic for other nodes).
 */
void satnet_dplane_early_sweep(void)
{
	struct sdpl_old old = {0};
	struct sdp_batch *b = NULL;
	struct sdp *dp = NULL;
	size_t gone = 0;
	int ret;

	frr_with_privs (&zserv_privs) {
		ret = sdp_open(&dp, SDP_BACKEND_NETLINK);
		if (ret)
			break;
		for (int pass = 0; pass < 2; pass++) {
			old.groups = pass == 0;
			ret = sdp_nhobj_dump(dp, SDP_RTPROT, SDP_NHID_MIN,
					     SDP_NHID_MAX, sdpl_old_cb, &old);
			if (ret)
				break;
		}
		if (ret || !old.n || sdp_batch_new(dp, &b))
			break;
		for (size_t i = 0; i < old.n; i++)
			sdp_batch_add_nhobj(b, SDP_CMD_DELETE,
					    &(struct sdp_nhobj){.id = old.ids[i]},
					    NULL);
		sdp_batch_send(b);
		for (size_t i = 0; i < sdp_batch_count(b); i++)
			if (sdp_batch_result(b, i, NULL, NULL) == 0)
				gone++;
	}
	if (ret && ret != -EOPNOTSUPP)
		zlog_warn("satnet: cannot read nexthop objects of an earlier run: %s",
			  dp && sdp_last_error(dp)[0] ? sdp_last_error(dp)
						       : strerror(-ret));
	else if (old.n)
		zlog_info("satnet: removed %zu of %zu nexthop objects of an earlier run (and the VRF routes that used them) before zebra reads the kernel",
			  gone, old.n);
	sdp_batch_free(b);
	sdp_close(dp);
	XFREE(MTYPE_SATNET_DPLANE, old.ids);
}

/*
 * Module hooks (satnet_main.c)
 */

void satnet_dplane_init(void)
{
	int ret;

	pthread_mutex_init(&g.q_mtx, NULL);
	pthread_cond_init(&g.q_cond, NULL);
	TAILQ_INIT(&g.ctxq);
	g.notes_tail = &g.notes;
	sn_policy_box_init(&g.box);
	satnet_labels_vty_init();
	g.tbl = sn_table_new();
	if (!g.tbl) {
		zlog_err("satnet: out of memory for the dplane record; the provider is not registered");
		return;
	}
	g.hosts = sn_hosts_new(SDPL_HOSTS_MAX);
	if (!g.hosts) {
		zlog_err("satnet: out of memory for the dplane record; the provider is not registered");
		sn_table_free(g.tbl);
		g.tbl = NULL;
		return;
	}
	sn_table_set_log(g.tbl, sdpl_log);
	sn_table_set_busy(g.tbl, sdpl_busy, NULL);
	g.ctr = sn_table_counters(g.tbl);
	g.n_boot_tables = satnet_provision_owned_tables(g.boot_tables,
							SN_TABLES_MAX);
	if (g.n_boot_tables)
		zlog_info("satnet: %zu VRF table(s) of an earlier run are satnet's until the configuration is applied",
			  g.n_boot_tables);
	satnet_dplane_policy_update();

	ret = dplane_provider_register(SDPL_NAME, DPLANE_PRIO_PRE_KERNEL,
				       DPLANE_PROV_FLAG_THREADED, sdpl_start,
				       sdpl_process, sdpl_fini, NULL, &g.prov);
	if (ret) {
		zlog_err("satnet: registering the dplane provider failed (%d); LSPs and VRF routes are left to zebra's kernel provider",
			 ret);
		g.prov = NULL;
	}
	thread_add_timer(satnet_zebra.master, sdpl_policy_timer, NULL,
			 SDPL_POLICY_SEC, &g.t_policy);
}

void satnet_dplane_fini(void)
{
	THREAD_OFF(g.t_policy);
	/* zebra normally stopped us already (provider fini); be sure. */
	if (g.fthread || g.dp)
		sdpl_stop();
	sdp_close(g.dp_main);
	g.dp_main = NULL;
	XFREE(MTYPE_SATNET_DPLANE, g.base);
	g.n_base = 0;
	sn_table_free(g.tbl);
	g.tbl = NULL;
	g.ctr = NULL;
	sn_hosts_free(g.hosts);
	g.hosts = NULL;
	sn_policy_box_fini(&g.box);
	pthread_cond_destroy(&g.q_cond);
	pthread_mutex_destroy(&g.q_mtx);
}
