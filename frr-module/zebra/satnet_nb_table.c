// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_nb_table.c: which callback serves which node of frr-satnet.
 */
#include <zebra.h>

#include "northbound.h"

#include "satnet_nb.h"

#define CFG_CBS                                                                \
	.create = satnet_nb_create, .destroy = satnet_nb_destroy

/* clang-format off */
const struct frr_yang_module_info frr_satnet_info = {
	.name = "frr-satnet",
	.nodes = {
		{
			.xpath = "/frr-satnet:satnet",
			.cbs = {
				CFG_CBS,
				.pre_validate = satnet_nb_pre_validate,
				.cli_show = satnet_cli_show,
				.cli_show_end = satnet_cli_show_end,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/label-range",
			.cbs = {
				CFG_CBS,
				.cli_show = satnet_cli_show_label_range,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/label-range/start",
			.cbs = { .modify = satnet_nb_modify },
		},
		{
			.xpath = "/frr-satnet:satnet/label-range/end",
			.cbs = { .modify = satnet_nb_modify },
		},
		{
			.xpath = "/frr-satnet:satnet/platform-labels",
			.cbs = {
				.modify = satnet_nb_modify,
				.cli_show = satnet_cli_show_platform_labels,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/vrf-isolation",
			.cbs = {
				.modify = satnet_nb_modify,
				.cli_show = satnet_cli_show_vrf_isolation,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/vrf",
			.cbs = {
				CFG_CBS,
				.cli_show = satnet_cli_show_vrf,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/vrf/table",
			.cbs = { .modify = satnet_nb_modify },
		},
		{
			.xpath = "/frr-satnet:satnet/vrf/adopt",
			.cbs = { .modify = satnet_nb_modify },
		},
		{
			.xpath = "/frr-satnet:satnet/vrf/member",
			.cbs = {
				CFG_CBS,
				.cli_show = satnet_cli_show_vrf_member,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/mpls-interface",
			.cbs = {
				CFG_CBS,
				.cli_show = satnet_cli_show_mpls_if,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/state/label-range/used",
			.cbs = { .get_elem = satnet_state_used_get_elem },
		},
		{
			.xpath = "/frr-satnet:satnet/state/label-range/chunk",
			.cbs = {
				.get_next = satnet_state_chunk_get_next,
				.get_keys = satnet_state_chunk_get_keys,
				.lookup_entry = satnet_state_chunk_lookup_entry,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/state/label-range/chunk/start",
			.cbs = { .get_elem = satnet_state_chunk_start_get_elem },
		},
		{
			.xpath = "/frr-satnet:satnet/state/label-range/chunk/end",
			.cbs = { .get_elem = satnet_state_chunk_end_get_elem },
		},
		{
			.xpath = "/frr-satnet:satnet/state/label-range/chunk/client",
			.cbs = { .get_elem = satnet_state_chunk_client_get_elem },
		},
		{
			.xpath = "/frr-satnet:satnet/state/platform-labels",
			.cbs = { .get_elem = satnet_state_platform_labels_get_elem },
		},
		{
			.xpath = "/frr-satnet:satnet/state/vrf",
			.cbs = {
				.get_next = satnet_state_vrf_get_next,
				.get_keys = satnet_state_vrf_get_keys,
				.lookup_entry = satnet_state_vrf_lookup_entry,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/state/vrf/name",
			.cbs = { .get_elem = satnet_state_vrf_name_get_elem },
		},
		{
			.xpath = "/frr-satnet:satnet/state/vrf/kernel",
			.cbs = { .get_elem = satnet_state_vrf_kernel_get_elem },
		},
		{
			.xpath = "/frr-satnet:satnet/state/vrf/reason",
			.cbs = { .get_elem = satnet_state_vrf_reason_get_elem },
		},
		{
			.xpath = "/frr-satnet:satnet/state/interface",
			.cbs = {
				.get_next = satnet_state_if_get_next,
				.get_keys = satnet_state_if_get_keys,
				.lookup_entry = satnet_state_if_lookup_entry,
			},
		},
		{
			.xpath = "/frr-satnet:satnet/state/interface/name",
			.cbs = { .get_elem = satnet_state_if_name_get_elem },
		},
		{
			.xpath = "/frr-satnet:satnet/state/interface/mpls-input",
			.cbs = { .get_elem = satnet_state_if_mpls_input_get_elem },
		},
		{
			.xpath = NULL,
		},
	}
};
/* clang-format on */
