// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_dplane_own.c: which dplane operations satnet programs.
 *
 * Kept apart from satnet_dplane.c so that the decision can be unit-tested
 * against zebra's real enum dplane_op_e without linking zebra: this file
 * uses FRR's headers for the enum only and calls nothing of FRR's.
 *
 * The switch names every operation and has no default, so a new zebra
 * operation is a compile-time warning here, not a silent pass-through.
 */
#include <zebra.h>

#include "zebra/zebra_dplane.h"

#include "satnet_dplane.h"

enum sn_op_class satnet_op_class(int op)
{
	switch ((enum dplane_op_e)op) {
	case DPLANE_OP_LSP_INSTALL:
	case DPLANE_OP_LSP_UPDATE:
	case DPLANE_OP_LSP_DELETE:
		return SN_OP_LSP;

	case DPLANE_OP_ROUTE_INSTALL:
	case DPLANE_OP_ROUTE_UPDATE:
	case DPLANE_OP_ROUTE_DELETE:
		return SN_OP_ROUTE;

	/* Notifications come from a dataplane, not towards one. */
	case DPLANE_OP_ROUTE_NOTIFY:
	case DPLANE_OP_LSP_NOTIFY:
	/*
	 * Everything else stays with zebra's kernel provider. Kernel
	 * nexthop objects included: satnet's routes carry their nexthops
	 * inline and never reference one.
	 */
	case DPLANE_OP_NONE:
	case DPLANE_OP_NH_INSTALL:
	case DPLANE_OP_NH_UPDATE:
	case DPLANE_OP_NH_DELETE:
	case DPLANE_OP_PW_INSTALL:
	case DPLANE_OP_PW_UNINSTALL:
	case DPLANE_OP_SYS_ROUTE_ADD:
	case DPLANE_OP_SYS_ROUTE_DELETE:
	case DPLANE_OP_ADDR_INSTALL:
	case DPLANE_OP_ADDR_UNINSTALL:
	case DPLANE_OP_MAC_INSTALL:
	case DPLANE_OP_MAC_DELETE:
	case DPLANE_OP_NEIGH_INSTALL:
	case DPLANE_OP_NEIGH_UPDATE:
	case DPLANE_OP_NEIGH_DELETE:
	case DPLANE_OP_VTEP_ADD:
	case DPLANE_OP_VTEP_DELETE:
	case DPLANE_OP_RULE_ADD:
	case DPLANE_OP_RULE_DELETE:
	case DPLANE_OP_RULE_UPDATE:
	case DPLANE_OP_NEIGH_DISCOVER:
	case DPLANE_OP_BR_PORT_UPDATE:
	case DPLANE_OP_IPTABLE_ADD:
	case DPLANE_OP_IPTABLE_DELETE:
	case DPLANE_OP_IPSET_ADD:
	case DPLANE_OP_IPSET_DELETE:
	case DPLANE_OP_IPSET_ENTRY_ADD:
	case DPLANE_OP_IPSET_ENTRY_DELETE:
	case DPLANE_OP_NEIGH_IP_INSTALL:
	case DPLANE_OP_NEIGH_IP_DELETE:
	case DPLANE_OP_NEIGH_TABLE_UPDATE:
	case DPLANE_OP_GRE_SET:
	case DPLANE_OP_INTF_ADDR_ADD:
	case DPLANE_OP_INTF_ADDR_DEL:
	case DPLANE_OP_INTF_NETCONFIG:
	case DPLANE_OP_INTF_INSTALL:
	case DPLANE_OP_INTF_UPDATE:
	case DPLANE_OP_INTF_DELETE:
	case DPLANE_OP_TC_INSTALL:
	case DPLANE_OP_TC_UPDATE:
	case DPLANE_OP_TC_DELETE:
		return SN_OP_PASS;
	}
	/* A value outside the enum: not ours. */
	return SN_OP_PASS;
}

bool satnet_owns(int op, uint32_t table, const struct sn_policy *pol)
{
	switch (satnet_op_class(op)) {
	case SN_OP_LSP:
		return true;
	case SN_OP_ROUTE:
		return sn_policy_manages(pol, table);
	case SN_OP_PASS:
		return false;
	}
	return false;
}
