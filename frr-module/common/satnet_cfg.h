/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_cfg.h: satnet's configuration as plain C, and its validation.
 *
 * The northbound hands satnet a libyang tree; everything that decides
 * whether a configuration is acceptable works on this plain copy instead,
 * so it can be unit-tested without FRR (no FRR header is included here).
 * YANG already enforces types and ranges; this code checks what YANG
 * cannot: relations between VRFs, members and MPLS interfaces, what the
 * kernel already holds, and labels already handed out.
 *
 * Every refusal comes with one human-readable sentence naming the
 * offending object, written into the caller's buffer.
 */
#ifndef SATNET_CFG_H
#define SATNET_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SATNET_IFNAMSIZ 16

enum satnet_platform_policy {
	SATNET_PLATFORM_RAISE = 0,
	SATNET_PLATFORM_LEAVE,
};

struct satnet_cfg_vrf {
	char name[SATNET_IFNAMSIZ];
	uint32_t table;
	bool adopt;
	size_t n_members;
	char (*members)[SATNET_IFNAMSIZ];
};

struct satnet_cfg {
	bool has_range;
	uint32_t label_lo, label_hi;
	enum satnet_platform_policy platform;
	bool isolation;

	size_t n_vrfs;
	struct satnet_cfg_vrf *vrfs;

	size_t n_mpls_ifs;
	char (*mpls_ifs)[SATNET_IFNAMSIZ];
};

/* What the running system looks like, as far as validation cares. Every
 * callback may be NULL (nothing known). `arg` is passed back unchanged.
 */
struct satnet_cfg_env {
	void *arg;
	/* Does a network interface of this name exist? */
	bool (*if_exists)(const char *name, void *arg);
	/* Kind of an existing link ("vrf", "veth", ...) into buf; false if
	 * there is no such link. */
	bool (*link_kind)(const char *name, char *buf, size_t len, void *arg);
	/* Name of the master of an interface (a VRF, a bridge, a bond...)
	 * into buf; false if none. */
	bool (*if_master)(const char *name, char *buf, size_t len, void *arg);
	/* Was this VRF device created by satnet (and so may be changed)? */
	bool (*vrf_owned)(const char *name, void *arg);
	/* Table id of an existing VRF device not owned by satnet, else 0. */
	uint32_t (*foreign_vrf_table)(const char *name, void *arg);
	/* Name of a VRF device other than `except` that uses table id
	 * `table` into buf, one satnet does not manage if there is one;
	 * *managed says whether satnet manages it. false if none. */
	bool (*table_user)(uint32_t table, const char *except, char *buf,
			   size_t len, bool *managed, void *arg);
	/* Label chunks in use now: [lo, hi] pairs with their owner. */
	size_t n_chunks;
	const struct satnet_cfg_chunk {
		uint32_t lo, hi;
		const char *owner;
	} *chunks;
};

/* Append helpers used while copying a libyang tree (or in tests). They
 * return 0 or -ENOMEM / -ENAMETOOLONG; names are copied. */
extern struct satnet_cfg_vrf *satnet_cfg_add_vrf(struct satnet_cfg *cfg,
						 const char *name,
						 uint32_t table);
extern int satnet_cfg_vrf_add_member(struct satnet_cfg_vrf *vrf,
				     const char *ifname);
extern int satnet_cfg_add_mpls_if(struct satnet_cfg *cfg, const char *ifname);
extern struct satnet_cfg_vrf *satnet_cfg_find_vrf(const struct satnet_cfg *cfg,
						  const char *name);
extern void satnet_cfg_free(struct satnet_cfg *cfg);

/* env->table_user over the kernel's links (a dplane/ handle, netlink or
 * null backend): `managed` says whether satnet manages a VRF device,
 * e.g. created it or has it in the applied configuration. */
struct sdp;
struct sdp_link;
extern bool satnet_cfg_table_user(struct sdp *dp, uint32_t table,
				  const char *except,
				  bool (*managed)(const struct sdp_link *l,
						  void *arg),
				  void *arg, char *buf, size_t len,
				  bool *is_managed);

/* Checks a whole configuration. Returns 0, or -EINVAL with one sentence
 * in err. Labels in use (env->chunks) must stay inside the range: a range
 * may not shrink below them.
 */
extern int satnet_cfg_validate(const struct satnet_cfg *cfg,
			       const struct satnet_cfg_env *env, char *err,
			       size_t errlen);

#endif /* SATNET_CFG_H */
