// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_nb_config.c: configuration callbacks of frr-satnet.
 *
 * The transaction phases are used as the northbound intends:
 *  - pre_validate on the satnet container checks the whole candidate
 *    (copied to a plain struct satnet_cfg) against satnet_cfg_validate()
 *    and the running system; a refusal leaves running config and kernel
 *    untouched, with one sentence saying why;
 *  - VALIDATE/PREPARE/ABORT have nothing more to do: no resource is
 *    taken before APPLY;
 *  - APPLY only marks satnet dirty. After the commit, one event copies the
 *    new running config and hands it to satnet_provision_apply(): one
 *    commit, one batch of kernel work.
 */
#include <zebra.h>

#include "northbound.h"
#include "thread.h"
#include "yang.h"

#include "satnet_zebra.h"
#include "satnet_nb.h"

struct dnode_copy {
	struct satnet_cfg *cfg;
	struct satnet_cfg_vrf *vrf;
	int err;
};

static int copy_member(const struct lyd_node *dnode, void *arg)
{
	struct dnode_copy *c = arg;

	if (satnet_cfg_vrf_add_member(c->vrf, yang_dnode_get_string(dnode, NULL)))
		c->err = -ENOMEM;
	return YANG_ITER_CONTINUE;
}

static int copy_vrf(const struct lyd_node *dnode, void *arg)
{
	struct dnode_copy *c = arg;

	c->vrf = satnet_cfg_add_vrf(c->cfg, yang_dnode_get_string(dnode, "./name"),
				    yang_dnode_get_uint32(dnode, "./table"));
	if (!c->vrf) {
		c->err = -ENOMEM;
		return YANG_ITER_STOP;
	}
	c->vrf->adopt = yang_dnode_get_bool(dnode, "./adopt");
	yang_dnode_iterate(copy_member, c, dnode, "./member");
	return YANG_ITER_CONTINUE;
}

static int copy_mpls_if(const struct lyd_node *dnode, void *arg)
{
	struct dnode_copy *c = arg;

	if (satnet_cfg_add_mpls_if(c->cfg, yang_dnode_get_string(dnode, "./name")))
		c->err = -ENOMEM;
	return YANG_ITER_CONTINUE;
}

/* Plain copy of a /frr-satnet:satnet data node. */
int satnet_cfg_from_dnode(const struct lyd_node *dnode, struct satnet_cfg *cfg)
{
	struct dnode_copy c = { .cfg = cfg };

	memset(cfg, 0, sizeof(*cfg));
	cfg->isolation = true;
	if (!dnode)
		return 0;
	if (yang_dnode_exists(dnode, "./label-range")) {
		cfg->has_range = true;
		cfg->label_lo = yang_dnode_get_uint32(dnode, "./label-range/start");
		cfg->label_hi = yang_dnode_get_uint32(dnode, "./label-range/end");
	}
	cfg->platform = yang_dnode_get_enum(dnode, "./platform-labels");
	cfg->isolation = yang_dnode_get_bool(dnode, "./vrf-isolation");
	yang_dnode_iterate(copy_vrf, &c, dnode, "./vrf");
	yang_dnode_iterate(copy_mpls_if, &c, dnode, "./mpls-interface");
	if (c.err)
		satnet_cfg_free(cfg);
	return c.err;
}

int satnet_nb_pre_validate(struct nb_cb_pre_validate_args *args)
{
	struct satnet_cfg cfg;
	struct satnet_cfg_env env;
	int ret;

	if (satnet_cfg_from_dnode(args->dnode, &cfg)) {
		snprintf(args->errmsg, args->errmsg_len,
			 "satnet: out of memory while validating");
		return NB_ERR_RESOURCE;
	}
	satnet_provision_env(&env);
	ret = satnet_cfg_validate(&cfg, &env, args->errmsg, args->errmsg_len);
	satnet_cfg_free(&cfg);
	return ret ? NB_ERR_VALIDATION : NB_OK;
}

static void satnet_apply_event(struct thread *t)
{
	const struct lyd_node *dnode;
	struct satnet_cfg cfg;

	dnode = yang_dnode_get(running_config->dnode, SATNET_XPATH);
	if (satnet_cfg_from_dnode(dnode, &cfg)) {
		zlog_err("satnet: out of memory copying the configuration; nothing applied");
		return;
	}
	satnet_provision_apply(&cfg, dnode != NULL);
}

void satnet_config_changed(void)
{
	thread_add_event(satnet_zebra.master, satnet_apply_event, NULL, 0,
			 &satnet_zebra.t_apply);
}

int satnet_nb_create(struct nb_cb_create_args *args)
{
	if (args->event == NB_EV_APPLY)
		satnet_config_changed();
	return NB_OK;
}

int satnet_nb_modify(struct nb_cb_modify_args *args)
{
	if (args->event == NB_EV_APPLY)
		satnet_config_changed();
	return NB_OK;
}

int satnet_nb_destroy(struct nb_cb_destroy_args *args)
{
	if (args->event == NB_EV_APPLY)
		satnet_config_changed();
	return NB_OK;
}
