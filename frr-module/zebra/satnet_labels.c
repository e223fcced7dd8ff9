// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_labels.c: zebra's label manager, restricted to the node's range.
 *
 * FRR 8.4 hands out dynamic label chunks from 16 upward with no per-node
 * range. zebra calls lm_cbs_inited once its default label-manager hooks
 * are registered; satnet then unregisters them (otherwise both allocators
 * answer: hook_call runs every registered function) and registers its
 * own. While no range is configured they behave exactly like the
 * defaults. With a range, every chunk (bgpd's label pool, ldpd, any ZAPI
 * client) comes from inside it: a request is served from a released chunk
 * of the same size, else from the lowest hole big enough, else from the
 * biggest hole left, shrunk to fit. A full range is an error that names
 * the range and the client; nothing is ever allocated outside it.
 *
 * Daemons ask for labels as soon as they connect, which is before zebra
 * has read its configuration when FRR starts all daemons and then feeds
 * frr.conf through `vtysh -b`. Chunks handed out then would lie outside
 * the range that is about to be configured. Requests are therefore held
 * until zebra's configuration has been read (end of `vtysh -b`, or of the
 * config file), or SATNET_LM_HOLD seconds at most, and answered then.
 */
#include <zebra.h>

#include "hook.h"
#include "linklist.h"
#include "log.h"
#include "mpls.h"
#include "zebra/zserv.h"
#include "zebra/zapi_msg.h"
#include "zebra/label_manager.h"

#include "satnet_zebra.h"

#define SATNET_LM_HOLD 60 /* seconds */

DEFINE_MTYPE_STATIC(SATNET, SATNET_LM_REQ, "satnet held label request");

/* A label request held until the configuration is read. The client is
 * kept by identity, not pointer: it may disconnect meanwhile. */
struct held_req {
	struct held_req *next;
	uint8_t proto;
	unsigned short instance;
	uint32_t session_id;
	uint8_t keep;
	uint32_t size, base;
	vrf_id_t vrf_id;
};

static struct held_req *held, **held_tail = &held;
static bool lm_ready;
static struct thread *t_hold, *t_serve;

static int serve_chunk(struct label_manager_chunk **lmc, struct zserv *client,
		       uint8_t keep, uint32_t size, uint32_t base,
		       vrf_id_t vrf_id);

static int satnet_lm_connect(struct zserv *client, vrf_id_t vrf_id)
{
	/* Like the default: a reconnecting daemon loses its old chunks. */
	release_daemon_label_chunks(client);
	return zsend_label_manager_connect_response(client, vrf_id, 0);
}

static void drop_held(const struct zserv *client)
{
	struct held_req **pp = &held, *r;

	while ((r = *pp)) {
		if (!client || (r->proto == client->proto &&
				r->instance == client->instance &&
				r->session_id == client->session_id)) {
			*pp = r->next;
			XFREE(MTYPE_SATNET_LM_REQ, r);
			continue;
		}
		pp = &r->next;
	}
	for (held_tail = &held; *held_tail; held_tail = &(*held_tail)->next)
		;
}

static int satnet_lm_disconnect(struct zserv *client)
{
	drop_held(client);
	release_daemon_label_chunks(client);
	return 0;
}

static void serve_held(struct thread *t)
{
	struct held_req *r;

	while ((r = held)) {
		struct zserv *client;
		struct label_manager_chunk *lmc;

		held = r->next;
		client = zserv_find_client_session(r->proto, r->instance,
						   r->session_id);
		if (client)
			serve_chunk(&lmc, client, r->keep, r->size, r->base,
				    r->vrf_id);
		XFREE(MTYPE_SATNET_LM_REQ, r);
	}
	held_tail = &held;
}

/* zebra's configuration is in: answer what was held (after the commit's
 * own apply event, which is already queued). */
void satnet_labels_config_read(void)
{
	if (lm_ready)
		return;
	lm_ready = true;
	satnet_dplane_config_read();
	THREAD_OFF(t_hold);
	if (held)
		zlog_info("satnet: configuration read; answering held label requests");
	thread_add_event(satnet_zebra.master, serve_held, NULL, 0, &t_serve);
}

static void hold_expired(struct thread *t)
{
	zlog_warn("satnet: no configuration read %d s after start; answering label requests with what is configured",
		  SATNET_LM_HOLD);
	satnet_labels_config_read();
}

void satnet_labels_start(void)
{
	thread_add_timer(satnet_zebra.master, hold_expired, NULL,
			 SATNET_LM_HOLD, &t_hold);
}

void satnet_labels_fini(void)
{
	THREAD_OFF(t_hold);
	THREAD_OFF(t_serve);
	drop_held(NULL);
}

/* Find where a chunk of `size` labels fits inside [lo, hi] given the
 * chunk list (kept sorted by start). Returns the base, or 0; *biggest
 * gets the size of the largest hole seen. */
static uint32_t find_hole(uint32_t lo, uint32_t hi, uint32_t size,
			  uint32_t *biggest, uint32_t *biggest_base)
{
	struct listnode *node;
	struct label_manager_chunk *lmc;
	uint32_t next = lo; /* first label not known to be taken */

	*biggest = 0;
	*biggest_base = 0;
	for (ALL_LIST_ELEMENTS_RO(lbl_mgr.lc_list, node, lmc)) {
		if (lmc->end < next)
			continue;
		if (lmc->start > hi)
			break;
		if (lmc->start > next) {
			uint32_t hole = lmc->start - next;

			if (hole >= size)
				return next;
			if (hole > *biggest) {
				*biggest = hole;
				*biggest_base = next;
			}
		}
		next = lmc->end + 1;
		if (next > hi || next == 0)
			return 0;
	}
	if (hi - next + 1 >= size)
		return next;
	if (hi - next + 1 > *biggest) {
		*biggest = hi - next + 1;
		*biggest_base = next;
	}
	return 0;
}

static struct label_manager_chunk *reuse_released(uint32_t lo, uint32_t hi,
						  uint32_t size,
						  struct zserv *client,
						  uint8_t keep)
{
	struct listnode *node;
	struct label_manager_chunk *lmc;

	for (ALL_LIST_ELEMENTS_RO(lbl_mgr.lc_list, node, lmc)) {
		if (lmc->proto != NO_PROTO || lmc->start < lo || lmc->end > hi ||
		    lmc->end - lmc->start + 1 != size)
			continue;
		lmc->proto = client->proto;
		lmc->instance = client->instance;
		lmc->session_id = client->session_id;
		lmc->keep = keep;
		return lmc;
	}
	return NULL;
}

/* Released chunks (proto NO_PROTO) never shrink the free space: drop them
 * so holes can be merged again. */
static void drop_released(void)
{
	struct listnode *node, *nnode;
	struct label_manager_chunk *lmc;

	for (ALL_LIST_ELEMENTS(lbl_mgr.lc_list, node, nnode, lmc)) {
		if (lmc->proto != NO_PROTO)
			continue;
		list_delete_node(lbl_mgr.lc_list, node);
		delete_label_chunk(lmc);
	}
}

static int satnet_lm_get_chunk(struct label_manager_chunk **lmc,
			       struct zserv *client, uint8_t keep,
			       uint32_t size, uint32_t base, vrf_id_t vrf_id)
{
	struct held_req *r;

	*lmc = NULL;
	if (lm_ready)
		return serve_chunk(lmc, client, keep, size, base, vrf_id);

	r = XCALLOC(MTYPE_SATNET_LM_REQ, sizeof(*r));
	*r = (struct held_req){ .proto = client->proto,
				.instance = client->instance,
				.session_id = client->session_id,
				.keep = keep,
				.size = size,
				.base = base,
				.vrf_id = vrf_id };
	*held_tail = r;
	held_tail = &r->next;
	zlog_info("satnet: holding %s's request for %u labels until the configuration is read",
		  zebra_route_string(client->proto), size);
	return 0;
}

static int serve_chunk(struct label_manager_chunk **lmc, struct zserv *client,
		       uint8_t keep, uint32_t size, uint32_t base,
		       vrf_id_t vrf_id)
{
	const struct satnet_cfg *cfg = &satnet_zebra.cfg;
	uint32_t lo = cfg->label_lo, hi = cfg->label_hi, biggest, bbase;

	if (!cfg->has_range) {
		*lmc = assign_label_chunk(client->proto, client->instance,
					  client->session_id, keep, size, base);
		return lm_get_chunk_response(*lmc, client, vrf_id);
	}

	*lmc = NULL;
	if (size == 0) {
		zlog_warn("satnet: %s asked for an empty label chunk",
			  zebra_route_string(client->proto));
	} else if (base != MPLS_LABEL_BASE_ANY) {
		if (base < lo || base > hi || size > hi - base + 1)
			zlog_err("satnet: %s asked for labels %u-%u outside this node's label range %u-%u; refused",
				 zebra_route_string(client->proto), base,
				 base + size - 1, lo, hi);
		else
			*lmc = assign_label_chunk(client->proto,
						  client->instance,
						  client->session_id, keep,
						  size, base);
	} else {
		*lmc = reuse_released(lo, hi, size, client, keep);
		if (!*lmc) {
			uint32_t at;

			drop_released();
			at = find_hole(lo, hi, size, &biggest, &bbase);
			if (!at && biggest) {
				zlog_info("satnet: label range %u-%u: giving %s %u labels instead of the %u asked for",
					  lo, hi,
					  zebra_route_string(client->proto),
					  biggest, size);
				at = bbase;
				size = biggest;
			}
			if (at)
				*lmc = assign_label_chunk(client->proto,
							  client->instance,
							  client->session_id,
							  keep, size, at);
		}
		if (!*lmc)
			zlog_err("satnet: label range %u-%u exhausted: no labels left for %s instance %u (%u labels in use)",
				 lo, hi, zebra_route_string(client->proto),
				 client->instance, satnet_labels_used());
	}
	if (!*lmc)
		satnet_zebra.counters.lm_refused++;
	return lm_get_chunk_response(*lmc, client, vrf_id);
}

static int satnet_lm_release(struct zserv *client, uint32_t start,
			     uint32_t end)
{
	return release_label_chunk(client->proto, client->instance,
				   client->session_id, start, end);
}

static int satnet_lm_inited(void)
{
	lm_hooks_unregister();
	hook_register(lm_client_connect, satnet_lm_connect);
	hook_register(lm_client_disconnect, satnet_lm_disconnect);
	hook_register(lm_get_chunk, satnet_lm_get_chunk);
	hook_register(lm_release_chunk, satnet_lm_release);
	zlog_info("satnet: label manager hooks installed");
	return 0;
}

void satnet_labels_init(void)
{
	hook_register(lm_cbs_inited, satnet_lm_inited);
}

uint32_t satnet_labels_used(void)
{
	struct listnode *node;
	struct label_manager_chunk *lmc;
	uint32_t used = 0;

	if (!lbl_mgr.lc_list)
		return 0;
	for (ALL_LIST_ELEMENTS_RO(lbl_mgr.lc_list, node, lmc))
		if (lmc->proto != NO_PROTO)
			used += lmc->end - lmc->start + 1;
	return used;
}

size_t satnet_labels_chunks(struct satnet_cfg_chunk *out, size_t max,
			    char (*owners)[32])
{
	struct listnode *node;
	struct label_manager_chunk *lmc;
	size_t n = 0;

	if (!lbl_mgr.lc_list)
		return 0;
	for (ALL_LIST_ELEMENTS_RO(lbl_mgr.lc_list, node, lmc)) {
		if (lmc->proto == NO_PROTO || n == max)
			continue;
		snprintf(owners[n], sizeof(owners[n]), "%s instance %u",
			 zebra_route_string(lmc->proto), lmc->instance);
		out[n] = (struct satnet_cfg_chunk){ .lo = lmc->start,
						    .hi = lmc->end,
						    .owner = owners[n] };
		n++;
	}
	return n;
}
