/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_zebra.h: state of the satnet zebra module.
 *
 * One struct owns everything the module keeps. `cfg` is the configuration
 * satnet last applied (a plain copy of the northbound's running config);
 * `vrf_k`/`if_k` are the kernel's side of each configured object, kept in
 * arrays parallel to cfg.vrfs and cfg.mpls_ifs. Facts and wishes never
 * share a field.
 */
#ifndef SATNET_ZEBRA_H
#define SATNET_ZEBRA_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "memory.h"
#include "satnet_cfg.h"

DECLARE_MGROUP(SATNET);
DECLARE_MTYPE(SATNET_STATE);

struct thread_master;
struct thread;
struct lyd_node;

enum satnet_kstate {
	SATNET_K_MISSING = 0,
	SATNET_K_INSTALLED,
	SATNET_K_DIFFERS,
	SATNET_K_FAILED,
};

struct satnet_kobj {
	enum satnet_kstate state;
	char reason[160]; /* why not installed; "" when installed */
};

struct satnet_zebra {
	struct thread_master *master;

	/* Applied configuration and the kernel's view of it. */
	struct satnet_cfg cfg;
	bool configured;	  /* a satnet block exists */
	bool applied;		  /* a configuration was applied since start */
	struct satnet_kobj *vrf_k; /* [cfg.n_vrfs] */
	struct satnet_kobj *if_k;  /* [cfg.n_mpls_ifs] */
	bool *if_mpls_input;	   /* [cfg.n_mpls_ifs], as read back */

	struct thread *t_apply;	    /* one apply per commit */
	struct thread *t_reconcile; /* periodic check and repair */
	struct thread *t_if_event;  /* the same, soon after a link event */

	/* Runtime facts. */
	struct {
		bool mpls_kernel; /* /proc/sys/net/mpls at start */
	} rt;

	/* Counters, shown by `show satnet` and zeroed by `clear satnet
	 * counters`: nothing may decide on them. */
	struct {
		uint32_t applies;	/* config batches applied */
		uint32_t repairs;	/* drift found and repaired */
		uint32_t kernel_errors; /* kernel refused a request */
		uint32_t lm_refused;	/* label chunks refused (range full) */
	} counters;
};

extern struct satnet_zebra satnet_zebra;

/* Has a configuration been applied since zebra started? */
static inline bool satnet_config_applied(const struct satnet_zebra *sz)
{
	return sz->applied;
}

/* satnet_provision_apply() has applied a configuration batch. */
static inline void satnet_note_applied(struct satnet_zebra *sz)
{
	sz->applied = true;
	sz->counters.applies++;
}

/* `clear satnet counters`: the counters only, never sz->applied. */
static inline void satnet_counters_clear(struct satnet_zebra *sz)
{
	memset(&sz->counters, 0, sizeof(sz->counters));
}

/* zebra/label_manager.c keeps its chunk list in this global (exported by
 * zebra, not declared in its header). */
struct label_manager;
extern struct label_manager lbl_mgr;

extern const char *satnet_kstate_str(enum satnet_kstate s);

/* satnet_vty.c */
extern void satnet_vty_init(void);

/* satnet_nb_config.c */
extern int satnet_cfg_from_dnode(const struct lyd_node *dnode,
				 struct satnet_cfg *cfg);
extern void satnet_config_changed(void);

/* satnet_provision.c: the kernel work for a configuration. */
extern void satnet_provision_init(void);
extern void satnet_provision_fini(void);
extern void satnet_provision_apply(struct satnet_cfg *cfg, bool configured);
extern void satnet_provision_env(struct satnet_cfg_env *env);
extern void satnet_provision_reconcile(void);
extern uint32_t satnet_platform_labels_read(void);
extern size_t satnet_provision_owned_tables(uint32_t *tables, size_t max);

/* satnet_labels.c: the label manager restricted to the range. */
extern void satnet_labels_init(void);
extern void satnet_labels_start(void);
extern void satnet_labels_fini(void);
extern void satnet_labels_config_read(void);
extern uint32_t satnet_labels_used(void);
extern size_t satnet_labels_chunks(struct satnet_cfg_chunk *out, size_t max,
				   char (*owners)[32]);

/* satnet_dplane.c: the dplane provider that programs every LSP and the
 * routes of satnet's VRF tables (see satnet_dplane.h). */
struct sn_table;
struct sn_counters;
struct sdp_mpls_stats;
extern void satnet_dplane_early_sweep(void);
extern void satnet_dplane_config_read(void);
extern void satnet_dplane_init(void);
extern void satnet_dplane_fini(void);
/* Publish the managed tables and platform-labels policy now (otherwise
 * picked up within a second of a configuration change). */
extern void satnet_dplane_policy_update(void);
extern struct sn_table *satnet_dplane_table(void);
extern struct sn_counters *satnet_dplane_counters(void);
extern bool satnet_dplane_running(void);
extern bool satnet_dplane_swept(void);
extern void satnet_dplane_counters_clear(void);
/* Kernel MPLS counters of an interface, as deltas since the last
 * `clear satnet counters`. 0, or a negative errno with *why set. */
extern int satnet_if_mpls_counters(const char *ifname,
				   struct sdp_mpls_stats *st,
				   const char **why);
extern void satnet_if_counters_baseline(void);

/* satnet_labels_vty.c: show satnet labels, clear satnet counters. */
extern void satnet_labels_vty_init(void);

#endif /* SATNET_ZEBRA_H */
