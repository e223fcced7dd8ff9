// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_nb.c: the frr-satnet YANG model inside zebra.
 *
 * FRR 8.4 has no API for a module to bring its own model: nb_init() only
 * loads the daemon's fixed list and creates nb_nodes for it with static
 * functions. satnet therefore does the same steps itself, late
 * (frr_late_init, after nb_init):
 *
 *  1. yang_module_load("frr-satnet") - the text was registered at dlopen
 *     by the embedded copy (yang/frr-satnet-embed.c, yang_module_embed);
 *  2. create one nb_node per schema node, exactly as northbound.c's
 *     nb_node_new_cb() does, but from satnet's own memory type;
 *  3. attach the callbacks of satnet_nb_info and run
 *     nb_validate_callbacks() like nb_init() does.
 *
 * nb_terminate() frees the nb_node of every loaded model with lib's
 * MTYPE_NB_NODE, and not only at shutdown: the parent of the daemonizing
 * fork calls it too, without any hook satnet could use first. The nodes
 * are therefore allocated from that same memtype, found by name with
 * qmem_walk() because it is static in northbound.c; only if it cannot be
 * found does satnet use its own and free the nodes itself in frr_fini.
 *
 * The model is self-contained (no augment or deviation of FRR's models),
 * so loading it cannot make libyang recompile FRR's own schema.
 */
#include <zebra.h>

#include "northbound.h"
#include "yang.h"

#include "satnet_zebra.h"
#include "satnet_nb.h"

DEFINE_MTYPE_STATIC(SATNET, SATNET_NB_NODE, "satnet northbound node");

static struct memtype *nb_node_mtype;

static int find_nb_node_mtype(void *arg, struct memgroup *mg,
			      struct memtype *mt)
{
	if (mt && mg && !strcmp(mg->name, "libfrr") &&
	    !strcmp(mt->name, "Northbound Node")) {
		nb_node_mtype = mt;
		return 1;
	}
	return 0;
}

/* The embedded model: registers itself with yang_module_embed() from a
 * constructor when the module is loaded. */
#include "yang/frr-satnet-embed.c"

static struct yang_module *satnet_ymod;

static int check_config_only(const struct lysc_node *snode, void *arg)
{
	bool *config_only = arg;

	if (CHECK_FLAG(snode->flags, LYS_CONFIG_R)) {
		*config_only = false;
		return YANG_ITER_STOP;
	}
	return YANG_ITER_CONTINUE;
}

/* A copy of northbound.c's static nb_node_new_cb(). */
static int satnet_nb_node_new(const struct lysc_node *snode, void *arg)
{
	struct nb_node *nb_node;
	struct lysc_node *sparent, *sparent_list;

	nb_node = XCALLOC(nb_node_mtype, sizeof(*nb_node));
	yang_snode_get_path(snode, YANG_PATH_DATA, nb_node->xpath,
			    sizeof(nb_node->xpath));
	nb_node->priority = NB_DFLT_PRIORITY;
	sparent = yang_snode_real_parent(snode);
	if (sparent)
		nb_node->parent = sparent->priv;
	sparent_list = yang_snode_parent_list(snode);
	if (sparent_list)
		nb_node->parent_list = sparent_list->priv;

	if (CHECK_FLAG(snode->nodetype, LYS_CONTAINER | LYS_LIST)) {
		bool config_only = true;

		(void)yang_snodes_iterate_subtree(snode, NULL,
						  check_config_only, 0,
						  &config_only);
		if (config_only)
			SET_FLAG(nb_node->flags, F_NB_NODE_CONFIG_ONLY);
	}
	if (CHECK_FLAG(snode->nodetype, LYS_LIST) &&
	    yang_snode_num_keys(snode) == 0)
		SET_FLAG(nb_node->flags, F_NB_NODE_KEYLESS_LIST);

	nb_node->snode = snode;
	assert(snode->priv == NULL);
	((struct lysc_node *)snode)->priv = nb_node;
	return YANG_ITER_CONTINUE;
}

static int satnet_nb_node_del(const struct lysc_node *snode, void *arg)
{
	struct nb_node *nb_node = snode->priv;

	if (nb_node) {
		((struct lysc_node *)snode)->priv = NULL;
		XFREE(nb_node_mtype, nb_node);
	}
	return YANG_ITER_CONTINUE;
}

/* A copy of northbound.c's static nb_load_callbacks(). */
static void satnet_nb_load_callbacks(const struct frr_yang_module_info *info)
{
	for (size_t i = 0; info->nodes[i].xpath; i++) {
		struct nb_node *nb_node = nb_node_find(info->nodes[i].xpath);

		if (!nb_node) {
			zlog_err("satnet: %s: unknown data path %s (model and callbacks disagree)",
				 info->name, info->nodes[i].xpath);
			continue;
		}
		nb_node->cbs = info->nodes[i].cbs;
		if (info->nodes[i].priority)
			nb_node->priority = info->nodes[i].priority;
	}
}

void satnet_nb_init(void)
{
	qmem_walk(find_nb_node_mtype, NULL);
	if (!nb_node_mtype) {
		zlog_warn("satnet: libfrr's Northbound Node memtype not found; using satnet's own (a daemonizing zebra may assert at exit)");
		nb_node_mtype = MTYPE_SATNET_NB_NODE;
	}
	satnet_ymod = yang_module_load("frr-satnet"); /* exit(1) on error */
	yang_snodes_iterate(satnet_ymod->info, satnet_nb_node_new, 0, NULL);
	satnet_nb_load_callbacks(&frr_satnet_info);
	nb_validate_callbacks();
}

void satnet_nb_fini(void)
{
	/* With lib's memtype, nb_terminate() frees the nodes like its own. */
	if (!satnet_ymod || nb_node_mtype != MTYPE_SATNET_NB_NODE)
		return;
	yang_snodes_iterate(satnet_ymod->info, satnet_nb_node_del, 0, NULL);
	satnet_ymod = NULL;
}
