/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_node.h: the CLI node number shared by the zebra module and the
 * rebuilt vtysh.
 *
 * FRR 8.4 lists CLI nodes in a fixed enum (lib/command.h) but install_node()
 * only indexes a vector, so a module may use a value past NODE_TYPE_MAX. The
 * value must be an enum constant, not a macro: vtysh's extract.pl matches
 * install_element(NODE, ...) after cpp and only accepts [0-9A-Z_]+ there.
 * The offset leaves room below for other private nodes.
 */
#ifndef SATNET_NODE_H
#define SATNET_NODE_H

#include "command.h"

enum satnet_node_type {
	SATNET_NODE = NODE_TYPE_MAX + 32,
};

#endif /* SATNET_NODE_H */
