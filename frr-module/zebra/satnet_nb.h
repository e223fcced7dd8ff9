/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_nb.h: northbound glue of the frr-satnet model: the callback table
 * (satnet_nb.c builds nodes for it), config callbacks
 * (satnet_nb_config.c), state callbacks (satnet_nb_state.c) and CLI
 * renderers (satnet_vty.c).
 */
#ifndef SATNET_NB_H
#define SATNET_NB_H

#include "northbound.h"

#define SATNET_XPATH "/frr-satnet:satnet"

extern const struct frr_yang_module_info frr_satnet_info;

extern void satnet_nb_init(void);
extern void satnet_nb_fini(void);

/* Config: every change only marks satnet dirty in APPLY; the kernel work
 * for a whole commit runs once, after it (satnet_provision_apply). */
int satnet_nb_create(struct nb_cb_create_args *args);
int satnet_nb_modify(struct nb_cb_modify_args *args);
int satnet_nb_destroy(struct nb_cb_destroy_args *args);
int satnet_nb_pre_validate(struct nb_cb_pre_validate_args *args);

/* State. */
struct yang_data *satnet_state_used_get_elem(struct nb_cb_get_elem_args *args);
const void *satnet_state_chunk_get_next(struct nb_cb_get_next_args *args);
int satnet_state_chunk_get_keys(struct nb_cb_get_keys_args *args);
const void *
satnet_state_chunk_lookup_entry(struct nb_cb_lookup_entry_args *args);
struct yang_data *
satnet_state_chunk_start_get_elem(struct nb_cb_get_elem_args *args);
struct yang_data *
satnet_state_chunk_end_get_elem(struct nb_cb_get_elem_args *args);
struct yang_data *
satnet_state_chunk_client_get_elem(struct nb_cb_get_elem_args *args);
struct yang_data *
satnet_state_platform_labels_get_elem(struct nb_cb_get_elem_args *args);
const void *satnet_state_vrf_get_next(struct nb_cb_get_next_args *args);
int satnet_state_vrf_get_keys(struct nb_cb_get_keys_args *args);
const void *satnet_state_vrf_lookup_entry(struct nb_cb_lookup_entry_args *args);
struct yang_data *
satnet_state_vrf_name_get_elem(struct nb_cb_get_elem_args *args);
struct yang_data *
satnet_state_vrf_kernel_get_elem(struct nb_cb_get_elem_args *args);
struct yang_data *
satnet_state_vrf_reason_get_elem(struct nb_cb_get_elem_args *args);
const void *satnet_state_if_get_next(struct nb_cb_get_next_args *args);
int satnet_state_if_get_keys(struct nb_cb_get_keys_args *args);
const void *satnet_state_if_lookup_entry(struct nb_cb_lookup_entry_args *args);
struct yang_data *
satnet_state_if_name_get_elem(struct nb_cb_get_elem_args *args);
struct yang_data *
satnet_state_if_mpls_input_get_elem(struct nb_cb_get_elem_args *args);

/* CLI renderers (running-config). */
void satnet_cli_show(struct vty *vty, const struct lyd_node *dnode,
		     bool show_defaults);
void satnet_cli_show_end(struct vty *vty, const struct lyd_node *dnode);
void satnet_cli_show_label_range(struct vty *vty, const struct lyd_node *dnode,
				 bool show_defaults);
void satnet_cli_show_platform_labels(struct vty *vty,
				     const struct lyd_node *dnode,
				     bool show_defaults);
void satnet_cli_show_vrf_isolation(struct vty *vty,
				   const struct lyd_node *dnode,
				   bool show_defaults);
void satnet_cli_show_vrf(struct vty *vty, const struct lyd_node *dnode,
			 bool show_defaults);
void satnet_cli_show_vrf_member(struct vty *vty, const struct lyd_node *dnode,
				bool show_defaults);
void satnet_cli_show_mpls_if(struct vty *vty, const struct lyd_node *dnode,
			     bool show_defaults);

#endif /* SATNET_NB_H */
