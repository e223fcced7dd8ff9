// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_provision.c: make the kernel hold what the satnet block says.
 *
 * Everything goes through dplane/ (libnl-3); this file decides what to
 * ask for. The rules:
 *  - satnet marks every VRF device it creates (interface alias "satnet"),
 *    so after a zebra restart it knows its own devices, sweeps the ones no
 *    longer configured and never touches a device it did not create
 *    unless the configuration says `adopt`;
 *  - applying is idempotent: the same configuration applied twice asks
 *    the kernel for nothing the second time;
 *  - removing configuration removes what satnet created and nothing else
 *    (members are released, a VRF device it adopted stays);
 *  - node settings it needs but did not create (rp_filter, MPLS input of
 *    an existing interface, the local rule) are written only when they
 *    differ, the value found is noted and put back when the configuration
 *    goes (satnet_undo.h); the operator's own are never undone;
 *  - a periodic reconcile and the kernel's link notifications compare the
 *    kernel with the configuration, record each object's state
 *    (installed, missing, differs, failed + reason) and repair drift of
 *    satnet's own objects only: the periodic pass reads, and writes
 *    nothing when nothing differs;
 *  - an interface named in the configuration that does not exist yet is
 *    provisioned when it appears (`show satnet` says it is waiting).
 * Kernel writes run with zebra's privileges raised, as zebra does itself.
 */
#include <zebra.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "if.h"
#include "libfrr.h"
#include "privs.h"
#include "thread.h"
#include "vrf.h"
#include "zebra/zebra_netns_notify.h"

#include "satnet_zebra.h"
#include "satnet_dp.h"
#include "satnet_undo.h"

#define SATNET_ALIAS "satnet"
#define RECONCILE_INTERVAL 10 /* seconds */
#define IF_EVENT_DELAY 200    /* ms: coalesces a burst of link events */
#define UNDO_FILE "satnet-undo"

static struct sdp *dp;
static struct satnet_undo undo;
static int watch_fd = -1;	 /* RTNLGRP_LINK notifications */
static struct thread *t_watch;

const char *satnet_kstate_str(enum satnet_kstate s)
{
	switch (s) {
	case SATNET_K_MISSING:
		return "missing";
	case SATNET_K_INSTALLED:
		return "installed";
	case SATNET_K_DIFFERS:
		return "differs";
	case SATNET_K_FAILED:
		return "failed";
	}
	return "unknown";
}

static void kset(struct satnet_kobj *k, enum satnet_kstate s, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
static void kset(struct satnet_kobj *k, enum satnet_kstate s, const char *fmt,
		 ...)
{
	va_list ap;

	k->state = s;
	va_start(ap, fmt);
	vsnprintf(k->reason, sizeof(k->reason), fmt, ap);
	va_end(ap);
}

uint32_t satnet_platform_labels_read(void)
{
	uint32_t n = 0;

	if (dp)
		sdp_platform_labels_get(dp, &n);
	return n;
}

static bool owned(const struct sdp_link *l)
{
	return !strcmp(l->alias, SATNET_ALIAS);
}

/* --- validation environment: the running system as the kernel has it */

static bool env_if_exists(const char *name, void *arg)
{
	struct sdp_link l;

	return dp && sdp_link_get(dp, name, &l) == 0;
}

static bool env_link_kind(const char *name, char *buf, size_t len, void *arg)
{
	struct sdp_link l;

	if (!dp || sdp_link_get(dp, name, &l))
		return false;
	strlcpy(buf, l.kind, len);
	return true;
}

static bool env_if_master(const char *name, char *buf, size_t len, void *arg)
{
	struct sdp_link l, m;

	if (!dp || sdp_link_get(dp, name, &l) || !l.master ||
	    sdp_link_get_by_index(dp, l.master, &m))
		return false;
	strlcpy(buf, m.name, len);
	return true;
}

static bool env_vrf_owned(const char *name, void *arg)
{
	struct sdp_link l;

	return dp && sdp_link_get(dp, name, &l) == 0 && owned(&l);
}

static uint32_t env_foreign_table(const char *name, void *arg)
{
	struct sdp_link l;

	if (!dp || sdp_link_get(dp, name, &l) || strcmp(l.kind, "vrf"))
		return 0;
	return l.table;
}

/* satnet's VRF devices: the ones it created and the applied
 * configuration's (adopted ones too): the apply deletes or moves them
 * before it creates anything, so their tables are free for the new one. */
static bool env_vrf_managed(const struct sdp_link *l, void *arg)
{
	return owned(l) || satnet_cfg_find_vrf(&satnet_zebra.cfg, l->name);
}

static bool env_table_user(uint32_t table, const char *except, char *buf,
			   size_t len, bool *managed, void *arg)
{
	return dp && satnet_cfg_table_user(dp, table, except, env_vrf_managed,
					   NULL, buf, len, managed);
}

#define ENV_CHUNKS_MAX 256
static struct satnet_cfg_chunk env_chunks[ENV_CHUNKS_MAX];
static char env_owners[ENV_CHUNKS_MAX][32];

void satnet_provision_env(struct satnet_cfg_env *env)
{
	*env = (struct satnet_cfg_env){
		.if_exists = env_if_exists,
		.link_kind = env_link_kind,
		.if_master = env_if_master,
		.vrf_owned = env_vrf_owned,
		.foreign_vrf_table = env_foreign_table,
		.table_user = env_table_user,
		.chunks = env_chunks,
	};
	env->n_chunks = satnet_labels_chunks(env_chunks, ENV_CHUNKS_MAX,
					     env_owners);
}

/* --- node settings: written when they differ, put back when unwanted */

static void if_setting(const char *prefix, const char *ifname,
		       const char *leaf, const char *want)
{
	char key[96];
	int ret;

	if (satnet_undo_if_key(key, sizeof(key), prefix, ifname, leaf))
		return;
	ret = satnet_undo_sysctl_set(&undo, dp, key, want);
	if (ret < 0 && ret != -ENOENT) {
		satnet_zebra.counters.kernel_errors++;
		zlog_warn("satnet: %s", sdp_last_error(dp));
	}
}

static void if_setting_restore(const char *prefix, const char *ifname,
			       const char *leaf)
{
	char key[96];
	int ret;

	if (satnet_undo_if_key(key, sizeof(key), prefix, ifname, leaf))
		return;
	ret = satnet_undo_sysctl_restore(&undo, dp, key);
	if (ret < 0)
		zlog_warn("satnet: putting back %s: %s", key,
			  sdp_last_error(dp));
	else if (ret > 0)
		zlog_info("satnet: %s put back to its value from before satnet",
			  key);
}

static void rp_filter_off(const char *ifname)
{
	if_setting("net.ipv4.conf", ifname, "rp_filter", "0");
}

/* Does the configuration still need rp_filter off on @name? */
static bool rp_filter_wanted(const struct satnet_cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_mpls_ifs; i++)
		if (!strcmp(cfg->mpls_ifs[i], name))
			return true;
	for (size_t i = 0; i < cfg->n_vrfs; i++) {
		if (!strcmp(cfg->vrfs[i].name, name))
			return true;
		for (size_t m = 0; m < cfg->vrfs[i].n_members; m++)
			if (!strcmp(cfg->vrfs[i].members[m], name))
				return true;
	}
	return false;
}

static void restore_if(const struct satnet_cfg *new, const char *name,
		       bool mpls)
{
	if (!rp_filter_wanted(new, name))
		if_setting_restore("net.ipv4.conf", name, "rp_filter");
	if (mpls)
		if_setting_restore("net.mpls.conf", name, "input");
}

/* --- removal: what the old configuration had and the new one lacks */

static void release_member(const char *ifname, const char *vrf,
			   const struct satnet_cfg *new)
{
	struct sdp_link l, m;
	int ret;

	if (sdp_link_get(dp, ifname, &l) || !l.master ||
	    sdp_link_get_by_index(dp, l.master, &m) || strcmp(m.name, vrf)) {
		/* gone, or no longer in that VRF: nothing to release */
		restore_if(new, ifname, false);
		return;
	}
	ret = sdp_link_release(dp, ifname);
	if (ret)
		zlog_warn("satnet: releasing %s from vrf %s: %s%s%s", ifname,
			  vrf, strerror(-ret), sdp_last_error(dp)[0] ? ": " : "",
			  sdp_last_error(dp));
	restore_if(new, ifname, false);
}

/* satnet's unreachable defaults in @table (the table outlives the VRF
 * device: left there, they would black-hole whatever reuses its id). */
static void unreachable_remove(uint32_t table)
{
	int ret = sdp_vrf_unreachable_default(dp, table, false);

	if (ret)
		zlog_warn("satnet: removing the unreachable default of table %u: %s",
			  table, sdp_last_error(dp));
}

static void remove_vrf(const struct satnet_cfg_vrf *v,
		       const struct satnet_cfg *new)
{
	struct sdp_link l;
	int ret;

	for (size_t m = 0; m < v->n_members; m++)
		release_member(v->members[m], v->name, new);
	if (sdp_link_get(dp, v->name, &l) || strcmp(l.kind, "vrf")) {
		restore_if(new, v->name, true); /* notes of a gone device */
		return;
	}
	if (!owned(&l)) {
		/* Not satnet's (adopted, or never taken over): it stays, with
		 * its settings as they were before satnet. */
		zlog_info("satnet: vrf %s was not created by satnet; left in place",
			  v->name);
		if (v->adopt)
			unreachable_remove(v->table);
		restore_if(new, v->name, true);
		return;
	}
	ret = sdp_vrf_del(dp, v->name);
	if (ret) {
		zlog_warn("satnet: deleting vrf %s: %s %s", v->name,
			  strerror(-ret), sdp_last_error(dp));
		return;
	}
	zlog_info("satnet: vrf %s deleted", v->name);
	/* After the device: zebra then no longer has a VRF for the table
	 * and ignores the route's deletion. */
	unreachable_remove(l.table);
	restore_if(new, v->name, true);
}

static bool name_in(const char (*names)[SATNET_IFNAMSIZ], size_t n,
		    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static void remove_stale(const struct satnet_cfg *old,
			 const struct satnet_cfg *new)
{
	for (size_t i = 0; i < old->n_vrfs; i++) {
		const struct satnet_cfg_vrf *o = &old->vrfs[i];
		const struct satnet_cfg_vrf *n = satnet_cfg_find_vrf(new, o->name);

		if (!n || n->table != o->table) {
			remove_vrf(o, new);
			continue;
		}
		for (size_t m = 0; m < o->n_members; m++)
			if (!name_in(n->members, n->n_members, o->members[m]))
				release_member(o->members[m], o->name, new);
	}
	for (size_t i = 0; i < old->n_mpls_ifs; i++)
		if (!name_in(new->mpls_ifs, new->n_mpls_ifs, old->mpls_ifs[i]) &&
		    !satnet_cfg_find_vrf(new, old->mpls_ifs[i]))
			restore_if(new, old->mpls_ifs[i], true);
}

/* VRF devices satnet created in an earlier run and no longer configured. */
static void sweep_unconfigured(const struct satnet_cfg *cfg)
{
	struct vrf *vrf;

	RB_FOREACH (vrf, vrf_name_head, &vrfs_by_name) {
		struct sdp_link l;

		if (vrf->vrf_id == VRF_DEFAULT ||
		    satnet_cfg_find_vrf(cfg, vrf->name))
			continue;
		if (sdp_link_get(dp, vrf->name, &l) || !owned(&l))
			continue;
		zlog_info("satnet: vrf %s was created by satnet but is no longer configured; deleting it",
			  vrf->name);
		if (sdp_vrf_del(dp, vrf->name) == 0)
			unreachable_remove(l.table);
	}
}

/*
 * The tables of the VRF devices satnet created in an earlier run, as
 * zebra found them at its start. Until the first configuration is
 * applied these are satnet's: zebra's startup sweep deletes the routes a
 * killed zebra left there (it reads them back as its own), and it runs
 * before the configuration (a timer of 0 s, ready before the config file's
 * event has run; with `vtysh -b`, long before).
 */
size_t satnet_provision_owned_tables(uint32_t *tables, size_t max)
{
	struct vrf *vrf;
	size_t n = 0;

	if (!dp)
		return 0;
	RB_FOREACH (vrf, vrf_name_head, &vrfs_by_name) {
		struct sdp_link l;

		if (vrf->vrf_id == VRF_DEFAULT || n == max)
			continue;
		if (sdp_link_get(dp, vrf->name, &l) || strcmp(l.kind, "vrf")
		    || !owned(&l) || !l.table)
			continue;
		tables[n++] = l.table;
	}
	return n;
}

/* --- installing and checking */

static void kernel_error(struct satnet_kobj *k, const char *what, int ret)
{
	const char *ext = sdp_last_error(dp);

	/* The library's text already has the request, errno and extack. */
	if (ext[0])
		kset(k, SATNET_K_FAILED, "%s: %s", what, ext);
	else
		kset(k, SATNET_K_FAILED, "%s: %s", what, strerror(-ret));
	satnet_zebra.counters.kernel_errors++;
	zlog_warn("satnet: %s", k->reason);
}

/* Whether @m's master is a bridge, bond or other non-VRF device: then
 * enslaving it to a VRF would pull it out of there without a word.
 * Validation refuses such a member; this catches one that became a port
 * after the commit. */
static bool port_of_other(const struct sdp_link *m, char *master, size_t len)
{
	struct sdp_link mm;

	if (!m->master || sdp_link_get_by_index(dp, m->master, &mm) ||
	    !strcmp(mm.kind, "vrf"))
		return false;
	snprintf(master, len, "%s %s", mm.kind[0] ? mm.kind : "device",
		 mm.name);
	return true;
}

/*
 * Compare one VRF with the kernel; true when nothing needs doing (or
 * nothing satnet may do). Every member is looked at: one that is not
 * there yet does not keep the others from being checked.
 */
static bool vrf_check(const struct satnet_cfg_vrf *v, struct satnet_kobj *k)
{
	struct sdp_link l, m;
	char port[64];
	int waiting = -1, stuck = -1;

	if (sdp_link_get(dp, v->name, &l)) {
		kset(k, SATNET_K_MISSING, "no device %s", v->name);
		return false;
	}
	if (strcmp(l.kind, "vrf")) {
		kset(k, SATNET_K_FAILED, "%s is a %s device, not a VRF",
		     v->name, l.kind[0] ? l.kind : "non-VRF");
		return true; /* nothing satnet may do about it */
	}
	if (!owned(&l) && !v->adopt) {
		kset(k, SATNET_K_FAILED,
		     "vrf %s exists and was not created by satnet (configure 'adopt' to take it over)",
		     v->name);
		return true;
	}
	if (l.table != v->table) {
		kset(k, SATNET_K_DIFFERS, "table %u in the kernel, %u configured",
		     l.table, v->table);
		return false;
	}
	if (!l.up) {
		kset(k, SATNET_K_DIFFERS, "device is down");
		return false;
	}
	for (size_t i = 0; i < v->n_members; i++) {
		if (sdp_link_get(dp, v->members[i], &m)) {
			if (waiting < 0)
				waiting = i;
			continue;
		}
		if (m.master == l.ifindex)
			continue;
		if (port_of_other(&m, port, sizeof(port))) {
			if (stuck < 0)
				stuck = i;
			continue;
		}
		kset(k, SATNET_K_DIFFERS, "member %s is not enslaved",
		     v->members[i]);
		return false;
	}
	if (stuck >= 0) {
		sdp_link_get(dp, v->members[stuck], &m);
		port_of_other(&m, port, sizeof(port));
		kset(k, SATNET_K_FAILED,
		     "member %s is a port of %s; satnet will not take it out",
		     v->members[stuck], port);
	} else if (waiting >= 0) {
		kset(k, SATNET_K_DIFFERS,
		     "waiting for member %s to appear; it is enslaved when it does",
		     v->members[waiting]);
	} else {
		kset(k, SATNET_K_INSTALLED, "%s", "");
	}
	return true;
}

/* Create, bring up and fill one VRF that vrf_check() found wanting.
 * *created says whether the device is new (so its table needs satnet's
 * unreachable default). */
static void vrf_install(const struct satnet_cfg_vrf *v, struct satnet_kobj *k,
			bool *created)
{
	struct sdp_link l;
	char port[64];
	bool existed;
	int ret;

	*created = false;
	existed = sdp_link_get(dp, v->name, &l) == 0;
	if (existed && l.table != v->table) {
		/* A VRF's table cannot change in place. */
		ret = sdp_vrf_del(dp, v->name);
		if (ret)
			return kernel_error(k, "deleting to change its table",
					    ret);
		unreachable_remove(l.table);
		existed = false;
	}
	ret = sdp_vrf_add(dp, v->name, v->table);
	if (ret)
		return kernel_error(k, "creating the VRF device", ret);
	*created = !existed;
	/* Marked when satnet made it, adopt or not: only what satnet
	 * created is deleted when the configuration goes. */
	if (!existed && sdp_link_get(dp, v->name, &l) == 0 && !owned(&l)) {
		ret = sdp_link_set_alias(dp, v->name, SATNET_ALIAS);
		if (ret)
			return kernel_error(k, "marking the VRF device", ret);
	}
	ret = sdp_link_set_up(dp, v->name, true);
	if (ret)
		return kernel_error(k, "setting the VRF device up", ret);
	if (sdp_link_get(dp, v->name, &l))
		return kset(k, SATNET_K_MISSING, "no device %s", v->name);
	for (size_t i = 0; i < v->n_members; i++) {
		struct sdp_link m;

		if (sdp_link_get(dp, v->members[i], &m))
			continue; /* enslaved when it appears */
		if (m.master == l.ifindex || port_of_other(&m, port, sizeof(port)))
			continue;
		ret = sdp_link_enslave(dp, v->members[i], v->name);
		if (ret)
			return kernel_error(k, "enslaving a member", ret);
	}
}

/* The node settings a VRF needs: rp_filter off on the device and its
 * members, MPLS input on the device (VPN labels pop into it). */
static void vrf_settings(const struct satnet_cfg_vrf *v)
{
	struct sdp_link l, m;

	if (sdp_link_get(dp, v->name, &l) || strcmp(l.kind, "vrf") ||
	    (!owned(&l) && !v->adopt))
		return;
	rp_filter_off(v->name);
	if (satnet_zebra.rt.mpls_kernel)
		if_setting("net.mpls.conf", v->name, "input", "1");
	for (size_t i = 0; i < v->n_members; i++)
		if (!sdp_link_get(dp, v->members[i], &m) &&
		    m.master == l.ifindex)
			rp_filter_off(v->members[i]);
}

static bool vrf_managed(const struct satnet_cfg_vrf *v)
{
	struct sdp_link l;

	return !sdp_link_get(dp, v->name, &l) && !strcmp(l.kind, "vrf") &&
	       (owned(&l) || v->adopt);
}

static void unreachable_set(const struct satnet_cfg_vrf *v, bool on)
{
	int ret = sdp_vrf_unreachable_default(dp, v->table, on);

	if (ret) {
		satnet_zebra.counters.kernel_errors++;
		zlog_warn("satnet: vrf %s: %s", v->name, sdp_last_error(dp));
	}
}

/*
 * MPLS input on one interface: read, and written only when off. @apply
 * (a configuration change) also sees to its rp_filter; the periodic pass
 * does so only when it had to turn input on again (a re-created
 * interface), so an operator's later rp_filter stays his. True when it
 * had to write.
 */
static bool mpls_if_install(const char *ifname, struct satnet_kobj *k,
			    bool *input, bool apply)
{
	char buf[16];
	char key[96];
	int ret;

	*input = false;
	if (!satnet_zebra.rt.mpls_kernel) {
		kset(k, SATNET_K_FAILED,
		     "the kernel has no MPLS (load mpls_router before zebra)");
		return false;
	}
	if (satnet_undo_if_key(key, sizeof(key), "net.mpls.conf", ifname,
			       "input")) {
		kset(k, SATNET_K_FAILED, "bad interface name %s", ifname);
		return false;
	}
	ret = satnet_undo_sysctl_set(&undo, dp, key, "1");
	if (ret == -ENOENT) {
		kset(k, SATNET_K_MISSING,
		     "waiting for interface %s to appear; provisioned when it does",
		     ifname);
		return false;
	}
	if (ret < 0) {
		kernel_error(k, "enabling MPLS input", ret);
		return false;
	}
	if (apply || ret > 0)
		rp_filter_off(ifname);
	*input = sdp_sysctl_get(dp, key, buf, sizeof(buf)) == 0 &&
		 !strcmp(buf, "1");
	kset(k, *input ? SATNET_K_INSTALLED : SATNET_K_DIFFERS, "%s",
	     *input ? "" : "input did not stick");
	return ret > 0;
}

static void platform_labels(const struct satnet_cfg *cfg)
{
	int ret;

	if (!cfg->has_range || cfg->platform == SATNET_PLATFORM_LEAVE ||
	    !satnet_zebra.rt.mpls_kernel)
		return;
	ret = sdp_platform_labels_raise(dp, cfg->label_hi + 1, NULL);
	if (ret) {
		satnet_zebra.counters.kernel_errors++;
		zlog_warn("satnet: raising net.mpls.platform_labels to %u: %s",
			  cfg->label_hi + 1, strerror(-ret));
	}
}

/* A configuration change: install everything it asks for, see to the
 * node settings it needs (and put back those it no longer needs), and
 * record the states. */
static void install_all(void)
{
	struct satnet_zebra *sz = &satnet_zebra;
	struct satnet_cfg *cfg = &sz->cfg;
	bool created;
	int ret;

	frr_with_privs (&zserv_privs) {
		platform_labels(cfg);
		for (size_t i = 0; i < cfg->n_vrfs; i++) {
			if (!vrf_check(&cfg->vrfs[i], &sz->vrf_k[i])) {
				vrf_install(&cfg->vrfs[i], &sz->vrf_k[i],
					    &created);
				vrf_check(&cfg->vrfs[i], &sz->vrf_k[i]);
			}
			vrf_settings(&cfg->vrfs[i]);
		}
		for (size_t i = 0; i < cfg->n_mpls_ifs; i++)
			mpls_if_install(cfg->mpls_ifs[i], &sz->if_k[i],
					&sz->if_mpls_input[i], true);
		if ((cfg->n_vrfs || cfg->n_mpls_ifs) && sz->rt.mpls_kernel)
			ret = satnet_undo_sysctl_set(&undo, dp,
						     "net.ipv4.conf.all.rp_filter",
						     "0");
		else
			ret = satnet_undo_sysctl_restore(&undo, dp,
							 "net.ipv4.conf.all.rp_filter");
		if (ret < 0)
			zlog_warn("satnet: %s", sdp_last_error(dp));
		ret = satnet_undo_isolation(&undo, dp,
					    cfg->isolation && cfg->n_vrfs);
		if (ret < 0)
			zlog_warn("satnet: VRF isolation: %s",
				  sdp_last_error(dp));
		for (size_t i = 0; i < cfg->n_vrfs; i++)
			if (vrf_managed(&cfg->vrfs[i]))
				unreachable_set(&cfg->vrfs[i], cfg->isolation);
	}
}

/*
 * Take @cfg as the applied configuration, with the kernel-side state
 * arrays sized to it: `show satnet` and the operational data index them
 * by cfg.n_vrfs and cfg.n_mpls_ifs, so the two never change apart.
 */
static void cfg_take(struct satnet_zebra *sz, struct satnet_cfg *cfg,
		     bool configured)
{
	satnet_cfg_free(&sz->cfg);
	sz->cfg = *cfg;
	sz->configured = configured;
	XFREE(MTYPE_SATNET_STATE, sz->vrf_k);
	XFREE(MTYPE_SATNET_STATE, sz->if_k);
	XFREE(MTYPE_SATNET_STATE, sz->if_mpls_input);
	sz->vrf_k = XCALLOC(MTYPE_SATNET_STATE, (cfg->n_vrfs + 1) * sizeof(*sz->vrf_k));
	sz->if_k = XCALLOC(MTYPE_SATNET_STATE, (cfg->n_mpls_ifs + 1) * sizeof(*sz->if_k));
	sz->if_mpls_input = XCALLOC(MTYPE_SATNET_STATE, (cfg->n_mpls_ifs + 1) *
						       sizeof(*sz->if_mpls_input));
}

void satnet_provision_apply(struct satnet_cfg *cfg, bool configured)
{
	struct satnet_zebra *sz = &satnet_zebra;

	if (!dp) {
		zlog_err("satnet: no netlink access; configuration kept but not applied");
		cfg_take(sz, cfg, configured);
		for (size_t i = 0; i < sz->cfg.n_vrfs; i++)
			kset(&sz->vrf_k[i], SATNET_K_FAILED, "no netlink access");
		for (size_t i = 0; i < sz->cfg.n_mpls_ifs; i++)
			kset(&sz->if_k[i], SATNET_K_FAILED, "no netlink access");
		return;
	}
	frr_with_privs (&zserv_privs) {
		remove_stale(&sz->cfg, cfg);
		sweep_unconfigured(cfg);
	}
	cfg_take(sz, cfg, configured);
	install_all();
	satnet_note_applied(sz);
	zlog_info("satnet: configuration applied: %zu VRFs, %zu MPLS interfaces",
		  cfg->n_vrfs, cfg->n_mpls_ifs);
	/* Hand the new managed tables and policy to the dplane provider now
	 * rather than at its next periodic look. */
	satnet_dplane_policy_update();
}

/*
 * The periodic pass (and the one after link events): read what satnet's
 * objects look like in the kernel and repair only what differs. Node
 * settings are not forced back here: they were written when the
 * configuration changed, and an operator who changed one since meant it.
 */
void satnet_provision_reconcile(void)
{
	struct satnet_zebra *sz = &satnet_zebra;
	struct satnet_cfg *cfg = &sz->cfg;
	bool drift = false, created;

	if (!dp)
		return;
	frr_with_privs (&zserv_privs) {
		platform_labels(cfg);
		for (size_t i = 0; i < cfg->n_vrfs; i++) {
			if (vrf_check(&cfg->vrfs[i], &sz->vrf_k[i]))
				continue;
			drift = true;
			vrf_install(&cfg->vrfs[i], &sz->vrf_k[i], &created);
			vrf_check(&cfg->vrfs[i], &sz->vrf_k[i]);
			vrf_settings(&cfg->vrfs[i]);
			if (created)
				unreachable_set(&cfg->vrfs[i], cfg->isolation);
		}
		for (size_t i = 0; i < cfg->n_mpls_ifs; i++)
			if (mpls_if_install(cfg->mpls_ifs[i], &sz->if_k[i],
					    &sz->if_mpls_input[i], false))
				drift = true;
	}
	if (drift) {
		zlog_info("satnet: kernel state differs from the configuration; repaired");
		sz->counters.repairs++;
	}
}

static void reconcile_timer(struct thread *t)
{
	satnet_provision_reconcile();
	thread_add_timer(satnet_zebra.master, reconcile_timer, NULL,
			 RECONCILE_INTERVAL, &satnet_zebra.t_reconcile);
}

static void if_event_timer(struct thread *t)
{
	satnet_provision_reconcile();
}

/*
 * An interface appeared, changed or vanished: check soon, coalesced. Its
 * own timer: the periodic one is always armed, and thread_add_timer*()
 * leaves an armed timer as it is, so sharing it made this a no-op.
 */
static void if_event_soon(void)
{
	if (satnet_zebra.configured)
		thread_add_timer_msec(satnet_zebra.master, if_event_timer,
				      NULL, IF_EVENT_DELAY,
				      &satnet_zebra.t_if_event);
}

static int satnet_if_event(struct interface *ifp)
{
	if_event_soon();
	return 0;
}

/*
 * The kernel's link notifications, on a socket of satnet's own. zebra's
 * if_add hook misses an interface re-created under a name zebra.conf
 * configures (zebra keeps the struct interface of a configured interface
 * when its device goes and re-uses it, with no hook), and exactly such a
 * re-created interface comes back with MPLS input off or outside its
 * VRF. Any RTM_NEWLINK (or a lost one: ENOBUFS) means "look again".
 */
static void watch_read(struct thread *t)
{
	char buf[16384] __attribute__((aligned(4)));
	bool any = false;

	for (;;) {
		ssize_t n = recv(watch_fd, buf, sizeof(buf), MSG_DONTWAIT);
		unsigned int len = n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			any = true;
			continue;
		}
		if (n <= 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf;
		     NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
			if (h->nlmsg_type == RTM_NEWLINK)
				any = true;
	}
	thread_add_read(satnet_zebra.master, watch_read, NULL, watch_fd,
			&t_watch);
	if (any)
		if_event_soon();
}

static void watch_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK,
	};

	watch_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  NETLINK_ROUTE);
	if (watch_fd >= 0 && bind(watch_fd, (struct sockaddr *)&sa,
				  sizeof(sa)) < 0) {
		int err = errno;

		close(watch_fd);
		watch_fd = -1;
		errno = err;
	}
	if (watch_fd < 0) {
		zlog_warn("satnet: no link notifications (%s): re-created interfaces are repaired by the %d s reconcile only",
			  safe_strerror(errno), RECONCILE_INTERVAL);
		return;
	}
	thread_add_read(satnet_zebra.master, watch_read, NULL, watch_fd,
			&t_watch);
}

void satnet_provision_init(void)
{
	char path[sizeof(frr_vtydir) + sizeof("/" UNDO_FILE)];
	int ret;

	frr_with_privs (&zserv_privs) {
		ret = sdp_open(&dp, SDP_BACKEND_NETLINK);
	}
	if (ret) {
		zlog_err("satnet: cannot open netlink (%s): VRFs and MPLS interfaces will not be provisioned",
			 strerror(-ret));
		dp = NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", frr_vtydir, UNDO_FILE);
	ret = satnet_undo_load(&undo, path);
	if (ret)
		zlog_warn("satnet: %s: %s; node settings changed by an earlier run cannot be put back",
			  path, strerror(-ret));
	hook_register(if_add, satnet_if_event);
	hook_register(if_del, satnet_if_event);
	watch_open();
	thread_add_timer(satnet_zebra.master, reconcile_timer, NULL,
			 RECONCILE_INTERVAL, &satnet_zebra.t_reconcile);
}

void satnet_provision_fini(void)
{
	THREAD_OFF(satnet_zebra.t_reconcile);
	THREAD_OFF(satnet_zebra.t_if_event);
	THREAD_OFF(satnet_zebra.t_apply);
	THREAD_OFF(t_watch);
	if (watch_fd >= 0)
		close(watch_fd);
	watch_fd = -1;
	XFREE(MTYPE_SATNET_STATE, satnet_zebra.vrf_k);
	XFREE(MTYPE_SATNET_STATE, satnet_zebra.if_k);
	XFREE(MTYPE_SATNET_STATE, satnet_zebra.if_mpls_input);
	satnet_cfg_free(&satnet_zebra.cfg);
	satnet_undo_free(&undo);
	if (dp)
		sdp_close(dp);
	dp = NULL;
}
