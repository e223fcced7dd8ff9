// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_cfg.c: plain-C copy of satnet's configuration and the rules a
 * configuration must follow before anything is applied.
 *
 * Order of checks: structure first (names, tables, range), then relations
 * inside the configuration (duplicates, one VRF per member), then the
 * running system (devices satnet does not own, labels in use). The first
 * violation wins; its message names the object and the reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "satnet_cfg.h"
#include "satnet_dp.h"

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int copy_name(char dst[SATNET_IFNAMSIZ], const char *src)
{
	if (strlen(src) >= SATNET_IFNAMSIZ)
		return -ENAMETOOLONG;
	strcpy(dst, src);
	return 0;
}

struct satnet_cfg_vrf *satnet_cfg_add_vrf(struct satnet_cfg *cfg,
					  const char *name, uint32_t table)
{
	struct satnet_cfg_vrf *v;

	v = realloc(cfg->vrfs, (cfg->n_vrfs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	cfg->vrfs = v;
	v = &cfg->vrfs[cfg->n_vrfs];
	memset(v, 0, sizeof(*v));
	/* An over-long name is stored truncated with a '~' marker, so that
	 * validation reports it instead of failing here without a reason. */
	if (copy_name(v->name, name) < 0)
		snprintf(v->name, sizeof(v->name), "%.14s~", name);
	v->table = table;
	cfg->n_vrfs++;
	return v;
}

int satnet_cfg_vrf_add_member(struct satnet_cfg_vrf *vrf, const char *ifname)
{
	char(*m)[SATNET_IFNAMSIZ];

	if (strlen(ifname) >= SATNET_IFNAMSIZ)
		return -ENAMETOOLONG;
	m = realloc(vrf->members, (vrf->n_members + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	vrf->members = m;
	copy_name(vrf->members[vrf->n_members++], ifname);
	return 0;
}

int satnet_cfg_add_mpls_if(struct satnet_cfg *cfg, const char *ifname)
{
	char(*m)[SATNET_IFNAMSIZ];

	if (strlen(ifname) >= SATNET_IFNAMSIZ)
		return -ENAMETOOLONG;
	m = realloc(cfg->mpls_ifs, (cfg->n_mpls_ifs + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	cfg->mpls_ifs = m;
	copy_name(cfg->mpls_ifs[cfg->n_mpls_ifs++], ifname);
	return 0;
}

struct satnet_cfg_vrf *satnet_cfg_find_vrf(const struct satnet_cfg *cfg,
					   const char *name)
{
	for (size_t i = 0; i < cfg->n_vrfs; i++)
		if (!strcmp(cfg->vrfs[i].name, name))
			return &cfg->vrfs[i];
	return NULL;
}

void satnet_cfg_free(struct satnet_cfg *cfg)
{
	for (size_t i = 0; i < cfg->n_vrfs; i++)
		free(cfg->vrfs[i].members);
	free(cfg->vrfs);
	free(cfg->mpls_ifs);
	memset(cfg, 0, sizeof(*cfg));
}

struct table_user {
	uint32_t table;
	const char *except;
	bool (*managed)(const struct sdp_link *l, void *arg);
	void *arg;
	char name[SATNET_IFNAMSIZ];
	bool found, is_managed;
};

static int table_user_one(const struct sdp_link *l, void *arg)
{
	struct table_user *u = arg;
	bool managed;

	if (strcmp(l->kind, "vrf") || l->table != u->table ||
	    !strcmp(l->name, u->except))
		return 0;
	managed = u->managed && u->managed(l, u->arg);
	if (!u->found || !managed) {
		snprintf(u->name, sizeof(u->name), "%s", l->name);
		u->found = true;
		u->is_managed = managed;
	}
	/* A device satnet does not manage decides: stop there. */
	return managed ? 0 : -ECANCELED;
}

bool satnet_cfg_table_user(struct sdp *dp, uint32_t table, const char *except,
			   bool (*managed)(const struct sdp_link *l, void *arg),
			   void *arg, char *buf, size_t len, bool *is_managed)
{
	struct table_user u = {
		.table = table,
		.except = except,
		.managed = managed,
		.arg = arg,
	};
	int ret;

	ret = sdp_link_dump(dp, table_user_one, &u);
	if ((ret < 0 && ret != -ECANCELED) || !u.found)
		return false;
	snprintf(buf, len, "%s", u.name);
	*is_managed = u.is_managed;
	return true;
}

/* Which VRF of cfg has ifname as a member (NULL if none). */
static const struct satnet_cfg_vrf *member_of(const struct satnet_cfg *cfg,
					      const char *ifname)
{
	for (size_t i = 0; i < cfg->n_vrfs; i++)
		for (size_t j = 0; j < cfg->vrfs[i].n_members; j++)
			if (!strcmp(cfg->vrfs[i].members[j], ifname))
				return &cfg->vrfs[i];
	return NULL;
}

static int check_range(const struct satnet_cfg *cfg,
		       const struct satnet_cfg_env *env, char *err, size_t len)
{
	const char *why;

	if (!cfg->has_range)
		return 0;
	if (sdp_label_range_check(cfg->label_lo, cfg->label_hi, &why))
		return fail(err, len, "label-range %u %u: %s", cfg->label_lo,
			    cfg->label_hi, why);
	if (!env)
		return 0;
	for (size_t i = 0; i < env->n_chunks; i++) {
		const struct satnet_cfg_chunk *c = &env->chunks[i];

		if (c->lo < cfg->label_lo || c->hi > cfg->label_hi)
			return fail(err, len,
				    "label-range %u %u: labels %u-%u are in use by %s and would fall outside the range; release them first",
				    cfg->label_lo, cfg->label_hi, c->lo, c->hi,
				    c->owner ? c->owner : "a client");
	}
	return 0;
}

static int check_vrf(const struct satnet_cfg *cfg,
		     const struct satnet_cfg_vrf *v,
		     const struct satnet_cfg_env *env, char *err, size_t len)
{
	char kind[32], master[SATNET_IFNAMSIZ], user[SATNET_IFNAMSIZ];
	const char *why;
	bool managed;

	if (strchr(v->name, '~'))
		return fail(err, len, "vrf %s: name longer than 15 characters",
			    v->name);
	if (sdp_vrf_name_check(v->name, &why))
		return fail(err, len, "vrf %s: %s", v->name, why);
	if (sdp_vrf_table_check(v->table, &why))
		return fail(err, len, "vrf %s table %u: %s", v->name, v->table,
			    why);
	for (const struct satnet_cfg_vrf *o = cfg->vrfs; o < v; o++) {
		if (!strcmp(o->name, v->name))
			return fail(err, len, "vrf %s: configured twice",
				    v->name);
		if (o->table == v->table)
			return fail(err, len,
				    "vrf %s table %u: table %u already belongs to vrf %s",
				    v->name, v->table, v->table, o->name);
	}
	/* An existing device of that name that satnet does not own. */
	if (env && env->link_kind &&
	    env->link_kind(v->name, kind, sizeof(kind), env->arg) &&
	    !(env->vrf_owned && env->vrf_owned(v->name, env->arg))) {
		if (strcmp(kind, "vrf"))
			return fail(err, len,
				    "vrf %s: a %s device of that name exists and is not a VRF",
				    v->name, kind[0] ? kind : "non-VRF");
		if (!v->adopt)
			return fail(err, len,
				    "vrf %s: a VRF device of that name exists that satnet did not create; add 'adopt' to take it over",
				    v->name);
		if (env->foreign_vrf_table) {
			uint32_t t = env->foreign_vrf_table(v->name, env->arg);

			if (t && t != v->table)
				return fail(err, len,
					    "vrf %s table %u: the existing device uses table %u; a VRF's table cannot change in place",
					    v->name, v->table, t);
		}
	}
	/* zebra exits when a second VRF device comes up on a table ("table
	 * id overlaps existing vrf"). A device satnet manages is deleted or
	 * moved by the apply before this one is created; any other stays. */
	if (env && env->table_user &&
	    env->table_user(v->table, v->name, user, sizeof(user), &managed,
			    env->arg) &&
	    !managed)
		return fail(err, len,
			    "vrf %s: table %u is already used by VRF device %s (not satnet's)",
			    v->name, v->table, user);

	for (size_t i = 0; i < v->n_members; i++) {
		const char *m = v->members[i];
		const struct satnet_cfg_vrf *other;

		if (sdp_ifname_check(m, &why))
			return fail(err, len, "vrf %s member %s: %s", v->name,
				    m, why);
		if (!strcmp(m, v->name) || satnet_cfg_find_vrf(cfg, m))
			return fail(err, len,
				    "vrf %s member %s: a VRF device cannot be a member of a VRF",
				    v->name, m);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v->members[j], m))
				return fail(err, len,
					    "vrf %s member %s: listed twice",
					    v->name, m);
		other = member_of(cfg, m);
		if (other && other != v)
			return fail(err, len,
				    "vrf %s member %s: already a member of vrf %s; an interface belongs to one VRF",
				    v->name, m, other->name);
		if (!strcmp(m, "lo"))
			return fail(err, len,
				    "vrf %s member lo: the loopback cannot be enslaved to a VRF",
				    v->name);
		/* A member that does not exist (yet) is accepted: it is
		 * enslaved when it appears (at boot the interfaces of a
		 * container or a lab may come after the configuration). */
		if (env && env->if_master &&
		    env->if_master(m, master, sizeof(master), env->arg)) {
			/* Enslaving it to the VRF would take it out of its
			 * bridge or bond without a word. */
			if (env->link_kind &&
			    env->link_kind(master, kind, sizeof(kind),
					   env->arg) &&
			    strcmp(kind, "vrf"))
				return fail(err, len,
					    "vrf %s member %s: %s is a port of %s %s; satnet will not take it out (remove it from %s first)",
					    v->name, m, m,
					    kind[0] ? kind : "device", master,
					    master);
			if (strcmp(master, v->name) &&
			    !satnet_cfg_find_vrf(cfg, master))
				return fail(err, len,
					    "vrf %s member %s: already enslaved to %s, which satnet does not manage",
					    v->name, m, master);
		}
		if (env && env->link_kind &&
		    env->link_kind(m, kind, sizeof(kind), env->arg) &&
		    !strcmp(kind, "vrf"))
			return fail(err, len,
				    "vrf %s member %s: %s is a VRF device",
				    v->name, m, m);
	}
	return 0;
}

static int check_mpls_ifs(const struct satnet_cfg *cfg,
			  const struct satnet_cfg_env *env, char *err,
			  size_t len)
{
	for (size_t i = 0; i < cfg->n_mpls_ifs; i++) {
		const char *n = cfg->mpls_ifs[i];
		const char *why;

		if (sdp_ifname_check(n, &why))
			return fail(err, len, "mpls interface %s: %s", n, why);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(cfg->mpls_ifs[j], n))
				return fail(err, len,
					    "mpls interface %s: listed twice", n);
		/* One that does not exist (yet) is provisioned when it
		 * appears, and `show satnet` says it is waiting for it. */
	}
	return 0;
}

int satnet_cfg_validate(const struct satnet_cfg *cfg,
			const struct satnet_cfg_env *env, char *err,
			size_t errlen)
{
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (cfg->platform != SATNET_PLATFORM_RAISE &&
	    cfg->platform != SATNET_PLATFORM_LEAVE)
		return fail(err, errlen, "platform-labels: unknown policy %d",
			    (int)cfg->platform);
	ret = check_range(cfg, env, err, errlen);
	if (ret)
		return ret;
	for (size_t i = 0; i < cfg->n_vrfs; i++) {
		ret = check_vrf(cfg, &cfg->vrfs[i], env, err, errlen);
		if (ret)
			return ret;
	}
	return check_mpls_ifs(cfg, env, err, errlen);
}
