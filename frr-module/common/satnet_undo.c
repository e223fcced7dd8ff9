// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_undo.c: write a node setting only when it differs, note what it
 * was, put it back when the configuration goes (see satnet_undo.h).
 *
 * The file is one "key value" line per note, rewritten whole (to a
 * temporary name, then renamed) after every change, so a zebra killed
 * at any point leaves either the old or the new notes, never half.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "satnet_undo.h"
#include "satnet_dp.h"

static struct satnet_undo_ent *find(const struct satnet_undo *u,
				    const char *key)
{
	for (size_t i = 0; i < u->n; i++)
		if (!strcmp(u->e[i].key, key))
			return &u->e[i];
	return NULL;
}

static int save(const struct satnet_undo *u)
{
	char tmp[sizeof(u->path) + 8];
	FILE *f;
	int ret = 0;

	if (!u->path[0])
		return 0;
	if (!u->n)
		return unlink(u->path) < 0 && errno != ENOENT ? -errno : 0;
	snprintf(tmp, sizeof(tmp), "%s.new", u->path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < u->n; i++)
		fprintf(f, "%s %s\n", u->e[i].key, u->e[i].prior);
	if (fflush(f) != 0 || ferror(f))
		ret = -EIO;
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, u->path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int note(struct satnet_undo *u, const char *key, const char *prior)
{
	struct satnet_undo_ent *e;

	if (find(u, key))
		return 0; /* the first value found is the one to put back */
	if (strlen(key) >= sizeof(e->key) || strlen(prior) >= sizeof(e->prior)
	    || strchr(prior, ' ') || !prior[0])
		return -EINVAL;
	if (u->n == u->cap) {
		size_t cap = u->cap ? 2 * u->cap : 16;

		e = realloc(u->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		u->e = e;
		u->cap = cap;
	}
	e = &u->e[u->n++];
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->prior, sizeof(e->prior), "%s", prior);
	return save(u);
}

static int forget(struct satnet_undo *u, const char *key)
{
	struct satnet_undo_ent *e = find(u, key);

	if (!e)
		return 0;
	*e = u->e[--u->n];
	return save(u);
}

int satnet_undo_load(struct satnet_undo *u, const char *path)
{
	char key[sizeof(u->e->key)], prior[sizeof(u->e->prior)], line[256];
	FILE *f;
	int ret = 0;

	memset(u, 0, sizeof(*u));
	if (!path || !path[0])
		return 0;
	if (strlen(path) >= sizeof(u->path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		ret = errno == ENOENT ? 0 : -errno;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%95s %31s", key, prior) != 2
		    || note(u, key, prior) < 0) {
			ret = -EBADMSG;
			break;
		}
	}
	if (f)
		fclose(f);
	if (ret) {
		free(u->e);
		memset(u, 0, sizeof(*u));
	}
	/* Set only now: note() above must not rewrite the file it reads. */
	snprintf(u->path, sizeof(u->path), "%s", path);
	return ret;
}

void satnet_undo_free(struct satnet_undo *u)
{
	free(u->e);
	memset(u, 0, sizeof(*u));
}

const char *satnet_undo_prior(const struct satnet_undo *u, const char *key)
{
	const struct satnet_undo_ent *e = find(u, key);

	return e ? e->prior : NULL;
}

int satnet_undo_sysctl_set(struct satnet_undo *u, struct sdp *dp,
			   const char *key, const char *want)
{
	char cur[32];
	int ret;

	ret = sdp_sysctl_get(dp, key, cur, sizeof(cur));
	if (ret < 0)
		return ret;
	if (!strcmp(cur, want))
		return 0;
	/* Noted before the write: a note without a write puts back what is
	 * there anyway; a write without a note could never be undone. */
	note(u, key, cur);
	ret = sdp_sysctl_set(dp, key, want);
	return ret < 0 ? ret : 1;
}

int satnet_undo_sysctl_restore(struct satnet_undo *u, struct sdp *dp,
			       const char *key)
{
	const char *prior = satnet_undo_prior(u, key);
	int ret;

	if (!prior)
		return 0;
	ret = sdp_sysctl_set(dp, key, prior);
	if (ret == -ENOENT)
		return forget(u, key), 0;
	if (ret < 0)
		return ret;
	forget(u, key);
	return 1;
}

int satnet_undo_isolation(struct satnet_undo *u, struct sdp *dp, bool want)
{
	bool on, ours = satnet_undo_prior(u, SATNET_UNDO_ISOLATION) != NULL;
	int ret;

	ret = sdp_vrf_isolation_get(dp, &on);
	if (ret < 0)
		return ret;
	if (want && !on) {
		note(u, SATNET_UNDO_ISOLATION, "off");
		ret = sdp_vrf_isolation(dp, true);
		return ret < 0 ? ret : 1;
	}
	if (want || !ours)
		return 0; /* as wanted, or the operator's own rules */
	if (on) {
		ret = sdp_vrf_isolation(dp, false);
		if (ret < 0)
			return ret;
	}
	forget(u, SATNET_UNDO_ISOLATION);
	return on ? 1 : 0;
}

int satnet_undo_if_key(char *buf, size_t len, const char *prefix,
		       const char *ifname, const char *leaf)
{
	char name[SDP_IFNAMSIZ];
	size_t i;
	int n;

	if (strlen(ifname) >= sizeof(name))
		return -EINVAL;
	for (i = 0; ifname[i]; i++)
		name[i] = ifname[i] == '.' ? '/' : ifname[i];
	name[i] = '\0';
	n = snprintf(buf, len, "%s.%s.%s", prefix, name, leaf);
	return (n < 0 || (size_t)n >= len) ? -EINVAL : 0;
}
