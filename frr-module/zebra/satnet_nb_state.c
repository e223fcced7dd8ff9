// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_nb_state.c: operational state of frr-satnet
 * (`show yang operational-data /frr-satnet:satnet zebra`).
 *
 * Lists are walked over what satnet already keeps: label chunks over the
 * label manager's own chunk list, VRFs and interfaces over the applied
 * configuration with their kernel state beside it. Nothing here changes
 * any state.
 */
#include <zebra.h>

#include "northbound.h"
#include "linklist.h"
#include "yang.h"
#include "zebra/label_manager.h"

#include "satnet_zebra.h"
#include "satnet_nb.h"

/* XPath: /frr-satnet:satnet/state/label-range */
struct yang_data *satnet_state_used_get_elem(struct nb_cb_get_elem_args *args)
{
	return yang_data_new_uint32(args->xpath, satnet_labels_used());
}

const void *satnet_state_chunk_get_next(struct nb_cb_get_next_args *args)
{
	const struct listnode *node = args->list_entry;

	if (!lbl_mgr.lc_list)
		return NULL;
	return node ? listnextnode(node) : listhead(lbl_mgr.lc_list);
}

int satnet_state_chunk_get_keys(struct nb_cb_get_keys_args *args)
{
	const struct label_manager_chunk *lmc =
		listgetdata((const struct listnode *)args->list_entry);

	args->keys->num = 1;
	snprintf(args->keys->key[0], sizeof(args->keys->key[0]), "%u",
		 lmc->start);
	return NB_OK;
}

const void *satnet_state_chunk_lookup_entry(struct nb_cb_lookup_entry_args *args)
{
	uint32_t start = strtoul(args->keys->key[0], NULL, 10);
	struct listnode *node;
	struct label_manager_chunk *lmc;

	for (ALL_LIST_ELEMENTS_RO(lbl_mgr.lc_list, node, lmc))
		if (lmc->start == start)
			return node;
	return NULL;
}

static const struct label_manager_chunk *chunk_of(const void *entry)
{
	return listgetdata((const struct listnode *)entry);
}

struct yang_data *
satnet_state_chunk_start_get_elem(struct nb_cb_get_elem_args *args)
{
	return yang_data_new_uint32(args->xpath, chunk_of(args->list_entry)->start);
}

struct yang_data *satnet_state_chunk_end_get_elem(struct nb_cb_get_elem_args *args)
{
	return yang_data_new_uint32(args->xpath, chunk_of(args->list_entry)->end);
}

struct yang_data *
satnet_state_chunk_client_get_elem(struct nb_cb_get_elem_args *args)
{
	const struct label_manager_chunk *lmc = chunk_of(args->list_entry);
	char buf[64];

	snprintf(buf, sizeof(buf), "%s/%u", zebra_route_string(lmc->proto),
		 lmc->instance);
	return yang_data_new_string(args->xpath, buf);
}

/* XPath: /frr-satnet:satnet/state/platform-labels */
struct yang_data *
satnet_state_platform_labels_get_elem(struct nb_cb_get_elem_args *args)
{
	return yang_data_new_uint32(args->xpath, satnet_platform_labels_read());
}

/* XPath: /frr-satnet:satnet/state/vrf */
static size_t vrf_index(const void *entry)
{
	return (const struct satnet_cfg_vrf *)entry - satnet_zebra.cfg.vrfs;
}

const void *satnet_state_vrf_get_next(struct nb_cb_get_next_args *args)
{
	const struct satnet_cfg *cfg = &satnet_zebra.cfg;
	size_t i = args->list_entry ? vrf_index(args->list_entry) + 1 : 0;

	return i < cfg->n_vrfs ? &cfg->vrfs[i] : NULL;
}

int satnet_state_vrf_get_keys(struct nb_cb_get_keys_args *args)
{
	const struct satnet_cfg_vrf *v = args->list_entry;

	args->keys->num = 1;
	strlcpy(args->keys->key[0], v->name, sizeof(args->keys->key[0]));
	return NB_OK;
}

const void *satnet_state_vrf_lookup_entry(struct nb_cb_lookup_entry_args *args)
{
	return satnet_cfg_find_vrf(&satnet_zebra.cfg, args->keys->key[0]);
}

struct yang_data *satnet_state_vrf_name_get_elem(struct nb_cb_get_elem_args *args)
{
	const struct satnet_cfg_vrf *v = args->list_entry;

	return yang_data_new_string(args->xpath, v->name);
}

struct yang_data *
satnet_state_vrf_kernel_get_elem(struct nb_cb_get_elem_args *args)
{
	size_t i = vrf_index(args->list_entry);

	return yang_data_new_string(
		args->xpath, satnet_kstate_str(satnet_zebra.vrf_k[i].state));
}

struct yang_data *
satnet_state_vrf_reason_get_elem(struct nb_cb_get_elem_args *args)
{
	size_t i = vrf_index(args->list_entry);

	if (!satnet_zebra.vrf_k[i].reason[0])
		return NULL;
	return yang_data_new_string(args->xpath, satnet_zebra.vrf_k[i].reason);
}

/* XPath: /frr-satnet:satnet/state/interface */
static size_t if_index(const void *entry)
{
	return (const char(*)[SATNET_IFNAMSIZ])entry - satnet_zebra.cfg.mpls_ifs;
}

const void *satnet_state_if_get_next(struct nb_cb_get_next_args *args)
{
	const struct satnet_cfg *cfg = &satnet_zebra.cfg;
	size_t i = args->list_entry ? if_index(args->list_entry) + 1 : 0;

	return i < cfg->n_mpls_ifs ? &cfg->mpls_ifs[i] : NULL;
}

int satnet_state_if_get_keys(struct nb_cb_get_keys_args *args)
{
	args->keys->num = 1;
	strlcpy(args->keys->key[0], args->list_entry,
		sizeof(args->keys->key[0]));
	return NB_OK;
}

const void *satnet_state_if_lookup_entry(struct nb_cb_lookup_entry_args *args)
{
	const struct satnet_cfg *cfg = &satnet_zebra.cfg;

	for (size_t i = 0; i < cfg->n_mpls_ifs; i++)
		if (!strcmp(cfg->mpls_ifs[i], args->keys->key[0]))
			return &cfg->mpls_ifs[i];
	return NULL;
}

struct yang_data *satnet_state_if_name_get_elem(struct nb_cb_get_elem_args *args)
{
	return yang_data_new_string(args->xpath, args->list_entry);
}

struct yang_data *
satnet_state_if_mpls_input_get_elem(struct nb_cb_get_elem_args *args)
{
	return yang_data_new_bool(
		args->xpath,
		satnet_zebra.if_mpls_input[if_index(args->list_entry)]);
}
