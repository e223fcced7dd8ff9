// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_feed.c: the unix socket the bgpd module feeds its RDs into.
 *
 * zebra listens on frr_vtydir/satnet.sock (each FRR instance, and each
 * topotest router, has its own run directory), created by zebra after it
 * dropped to FRR's user, so bgpd (the same user) may connect and nobody
 * else but the group. Everything runs on zebra's main thread: accept and
 * read are thread_add_read callbacks on non-blocking sockets; a client
 * never makes zebra wait.
 *
 * Per VRF, the latest snapshot wins and belongs to the connection that
 * sent it: a VrfGone or the connection's end drops it. A frame the codec
 * refuses (too long, not a satnet event, a bad field) is counted, logged
 * (at most once every SATNET_FEED_LOG_SEC) and ends that connection; the
 * sender reconnects and starts over with whole snapshots.
 */
#include <zebra.h>

#include <sys/stat.h>
#include <sys/un.h>

#include "libfrr.h"
#include "json.h"
#include "log.h"
#include "memory.h"
#include "monotime.h"
#include "network.h"
#include "thread.h"
#include "vty.h"

#include "satnet_zebra.h"
#include "satnet_feed.h"
#include "satnet_feed_codec.h"

DEFINE_MTYPE_STATIC(SATNET, SATNET_FEED, "satnet feed from bgpd");

#define SATNET_FEED_LOG_SEC 10
#define SATNET_FEED_BUF_MIN 16384
/* frames decoded per read callback before others get their turn */
#define SATNET_FEED_BATCH 64

struct feed_client {
	int fd;
	unsigned int id;
	struct thread *t_read;
	uint8_t *buf;
	size_t len, cap;
	char daemon[SNF_DAEMON_LEN]; /* from its hello; "" before */
	uint32_t version;
	uint64_t frames;
	struct snf_asm parts; /* a VRF snapshot arriving in parts */
};

struct feed_vrf {
	char name[SNF_VRF_LEN];
	char export_rd[SNF_RD_LEN];
	unsigned int client; /* id of the connection that sent it */
	size_t n;
	struct snf_import *imports; /* sorted by prefix */
};

static struct {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int lfd;
	struct thread *t_accept;
	char listen_error[128];
	struct feed_client *clients[SATNET_FEED_MAX_CLIENTS];
	unsigned int next_id;
	struct feed_vrf *vrfs;
	size_t n_vrfs;
	/* counters */
	uint64_t connects, refused, frames, dropped, disconnects;
	char last_error[SNF_WHY_LEN + 32];
	time_t last_log;
	uint64_t suppressed;
} feed = {.lfd = -1};

static void feed_accept(struct thread *t);
static void feed_read(struct thread *t);

/* A warning, at most once every SATNET_FEED_LOG_SEC; also kept for
 * `show satnet`. */
static void feed_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void feed_error(const char *fmt, ...)
{
	time_t now = monotime(NULL);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(feed.last_error, sizeof(feed.last_error), fmt, ap);
	va_end(ap);
	if (feed.last_log && now - feed.last_log < SATNET_FEED_LOG_SEC) {
		feed.suppressed++;
		return;
	}
	zlog_warn("satnet feed: %s%s", feed.last_error,
		  feed.suppressed ? " (and earlier errors not logged)" : "");
	feed.last_log = now;
	feed.suppressed = 0;
}

/* --- what bgpd told */

static int import_cmp(const void *a, const void *b)
{
	return strcmp(((const struct snf_import *)a)->prefix,
		      ((const struct snf_import *)b)->prefix);
}

static struct feed_vrf *vrf_find(const char *name)
{
	for (size_t i = 0; i < feed.n_vrfs; i++)
		if (!strcmp(feed.vrfs[i].name, name))
			return &feed.vrfs[i];
	return NULL;
}

static void vrf_del(struct feed_vrf *v)
{
	size_t i = (size_t)(v - feed.vrfs);

	XFREE(MTYPE_SATNET_FEED, v->imports);
	memmove(&feed.vrfs[i], &feed.vrfs[i + 1],
		(feed.n_vrfs - i - 1) * sizeof(*v));
	feed.n_vrfs--;
}

static void vrf_store(const struct snf_vrf *in, unsigned int client)
{
	struct feed_vrf *v = vrf_find(in->name);

	if (!v) {
		feed.vrfs = XREALLOC(MTYPE_SATNET_FEED, feed.vrfs,
				     (feed.n_vrfs + 1) * sizeof(*feed.vrfs));
		v = &feed.vrfs[feed.n_vrfs++];
		memset(v, 0, sizeof(*v));
		strlcpy(v->name, in->name, sizeof(v->name));
	}
	XFREE(MTYPE_SATNET_FEED, v->imports);
	strlcpy(v->export_rd, in->export_rd, sizeof(v->export_rd));
	v->client = client;
	v->n = in->n_imports;
	if (v->n) {
		v->imports =
			XMALLOC(MTYPE_SATNET_FEED, v->n * sizeof(*v->imports));
		memcpy(v->imports, in->imports, v->n * sizeof(*v->imports));
		qsort(v->imports, v->n, sizeof(*v->imports), import_cmp);
	}
}

static void vrfs_drop_client(unsigned int client)
{
	for (size_t i = feed.n_vrfs; i-- > 0;)
		if (feed.vrfs[i].client == client)
			vrf_del(&feed.vrfs[i]);
}

const char *satnet_feed_export_rd(const char *vrf)
{
	const struct feed_vrf *v = vrf ? vrf_find(vrf) : NULL;

	return v && v->export_rd[0] ? v->export_rd : NULL;
}

const char *satnet_feed_import_rd(const char *vrf, const char *prefix)
{
	const struct feed_vrf *v = vrf ? vrf_find(vrf) : NULL;
	struct snf_import key = {};
	const struct snf_import *hit;

	if (!v || !v->n || !prefix)
		return NULL;
	if (snf_prefix_canon(prefix, key.prefix, sizeof(key.prefix)))
		strlcpy(key.prefix, prefix, sizeof(key.prefix));
	hit = bsearch(&key, v->imports, v->n, sizeof(*v->imports), import_cmp);
	return hit ? hit->rd : NULL;
}

/* --- connections */

static void client_close(struct feed_client *c)
{
	for (size_t i = 0; i < SATNET_FEED_MAX_CLIENTS; i++)
		if (feed.clients[i] == c)
			feed.clients[i] = NULL;
	THREAD_OFF(c->t_read);
	close(c->fd);
	vrfs_drop_client(c->id);
	snf_asm_free(&c->parts);
	feed.disconnects++;
	XFREE(MTYPE_SATNET_FEED, c->buf);
	XFREE(MTYPE_SATNET_FEED, c);
}

/* 0, or -1 with the reason in why when the stream is out of order */
static int client_apply(struct feed_client *c, struct snf_msg *m, char *why,
			size_t whylen)
{
	struct snf_vrf whole;
	struct feed_vrf *v;
	int ret;

	switch (m->type) {
	case SNF_HELLO:
		strlcpy(c->daemon, m->daemon, sizeof(c->daemon));
		c->version = m->version;
		zlog_info("satnet feed: %s connected (version %u)", c->daemon,
			  c->version);
		break;
	case SNF_VRF_SNAPSHOT:
		/* a big VRF comes in parts: stored when the last one is in */
		ret = snf_asm_add(&c->parts, &m->vrf, &whole, why, whylen);
		if (ret < 0)
			return -1;
		if (ret == 1) {
			vrf_store(&whole, c->id);
			free(whole.imports);
		}
		break;
	case SNF_VRF_GONE:
		snf_asm_drop(&c->parts, m->vrf.name);
		v = vrf_find(m->vrf.name);
		if (v)
			vrf_del(v);
		break;
	}
	return 0;
}

/* Decode what is buffered. 0 to keep reading, -1 when @c was closed. */
static int client_drain(struct feed_client *c)
{
	char why[SNF_WHY_LEN];
	struct snf_msg m;
	size_t used = 0, off = 0, need = 0;
	int ret;

	while ((ret = snf_decode_frame(c->buf + off, c->len - off, &used, &need,
				       &m, why, sizeof(why))) == 1) {
		ret = client_apply(c, &m, why, sizeof(why));
		snf_msg_free(&m);
		if (ret < 0)
			break;
		off += used;
		c->frames++;
		feed.frames++;
	}
	if (ret < 0) {
		feed.dropped++;
		feed_error("%s: %s; connection closed",
			   c->daemon[0] ? c->daemon : "client", why);
		client_close(c);
		return -1;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	if (need > c->cap) {
		/* the codec checked need against SNF_FRAME_MAX */
		c->buf = XREALLOC(MTYPE_SATNET_FEED, c->buf, need);
		c->cap = need;
	}
	return 0;
}

static void feed_read(struct thread *t)
{
	struct feed_client *c = THREAD_ARG(t);
	ssize_t n;

	for (int i = 0; i < SATNET_FEED_BATCH; i++) {
		if (c->len == c->cap) {
			/* a frame's size is known before it fills the buffer;
			 * the buffer is full only with whole frames pending */
			if (client_drain(c))
				return;
			if (c->len == c->cap)
				break;
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n < 0) {
			if (ERRNO_IO_RETRY(errno))
				break;
			feed_error("%s: read: %s; connection closed",
				   c->daemon[0] ? c->daemon : "client",
				   safe_strerror(errno));
			client_close(c);
			return;
		}
		if (n == 0) {
			if (c->len) {
				feed.dropped++;
				feed_error(
					"%s: connection closed inside a frame (%zu bytes of it)",
					c->daemon[0] ? c->daemon : "client",
					c->len);
			} else
				zlog_info("satnet feed: %s disconnected",
					  c->daemon[0] ? c->daemon : "client");
			client_close(c);
			return;
		}
		c->len += (size_t)n;
		if (client_drain(c))
			return;
	}
	thread_add_read(satnet_zebra.master, feed_read, c, c->fd, &c->t_read);
}

static void feed_accept(struct thread *t)
{
	struct feed_client *c;
	size_t slot;
	int fd;

	thread_add_read(satnet_zebra.master, feed_accept, NULL, feed.lfd,
			&feed.t_accept);
	fd = accept(feed.lfd, NULL, NULL);
	if (fd < 0) {
		if (!ERRNO_IO_RETRY(errno))
			feed_error("accept: %s", safe_strerror(errno));
		return;
	}
	for (slot = 0; slot < SATNET_FEED_MAX_CLIENTS; slot++)
		if (!feed.clients[slot])
			break;
	if (slot == SATNET_FEED_MAX_CLIENTS) {
		feed.refused++;
		feed_error("connection refused: already %d clients",
			   SATNET_FEED_MAX_CLIENTS);
		close(fd);
		return;
	}
	set_nonblocking(fd);
	set_cloexec(fd);
	c = XCALLOC(MTYPE_SATNET_FEED, sizeof(*c));
	c->fd = fd;
	c->id = ++feed.next_id;
	c->cap = SATNET_FEED_BUF_MIN;
	c->buf = XMALLOC(MTYPE_SATNET_FEED, c->cap);
	feed.clients[slot] = c;
	feed.connects++;
	thread_add_read(satnet_zebra.master, feed_read, c, fd, &c->t_read);
}

static int feed_listen(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd;

	if ((size_t)snprintf(feed.path, sizeof(feed.path), "%s/%s", frr_vtydir,
			     SATNET_FEED_SOCKET) >= sizeof(feed.path)) {
		snprintf(feed.listen_error, sizeof(feed.listen_error),
			 "socket path too long");
		return -1;
	}
	strlcpy(sa.sun_path, feed.path, sizeof(sa.sun_path));
	/* a socket left by a zebra that did not end cleanly */
	if (lstat(feed.path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(feed.path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(feed.path, 0660) < 0 || listen(fd, 4) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		goto fail;
	}
	set_nonblocking(fd);
	set_cloexec(fd);
	feed.lfd = fd;
	thread_add_read(satnet_zebra.master, feed_accept, NULL, fd,
			&feed.t_accept);
	return 0;
fail:
	snprintf(feed.listen_error, sizeof(feed.listen_error), "%s: %s",
		 feed.path, safe_strerror(errno));
	zlog_err(
		"satnet feed: cannot listen on %s: no RDs from bgpd in show satnet labels",
		feed.listen_error);
	return -1;
}

void satnet_feed_init(void)
{
	feed_listen();
}

void satnet_feed_fini(void)
{
	for (size_t i = 0; i < SATNET_FEED_MAX_CLIENTS; i++)
		if (feed.clients[i])
			client_close(feed.clients[i]);
	while (feed.n_vrfs)
		vrf_del(&feed.vrfs[feed.n_vrfs - 1]);
	XFREE(MTYPE_SATNET_FEED, feed.vrfs);
	if (feed.lfd >= 0) {
		THREAD_OFF(feed.t_accept);
		close(feed.lfd);
		unlink(feed.path);
		feed.lfd = -1;
	}
}

/* --- show satnet */

static size_t feed_clients(void)
{
	size_t n = 0;

	for (size_t i = 0; i < SATNET_FEED_MAX_CLIENTS; i++)
		n += feed.clients[i] != NULL;
	return n;
}

struct json_object *satnet_feed_json(void)
{
	json_object *j = json_object_new_object();
	json_object *src = json_object_new_array();
	json_object *vrfs = json_object_new_array();

	json_object_string_add(j, "socket", feed.path);
	json_object_boolean_add(j, "listening", feed.lfd >= 0);
	if (feed.lfd < 0)
		json_object_string_add(j, "listenError", feed.listen_error);
	json_object_int_add(j, "clients", feed_clients());
	for (size_t i = 0; i < SATNET_FEED_MAX_CLIENTS; i++) {
		const struct feed_client *c = feed.clients[i];
		json_object *jc;

		if (!c)
			continue;
		jc = json_object_new_object();
		if (c->daemon[0])
			json_object_string_add(jc, "daemon", c->daemon);
		else
			json_object_object_add(jc, "daemon", NULL);
		json_object_int_add(jc, "version", c->version);
		json_object_int_add(jc, "frames", c->frames);
		json_object_array_add(src, jc);
	}
	json_object_object_add(j, "sources", src);
	for (size_t i = 0; i < feed.n_vrfs; i++) {
		const struct feed_vrf *v = &feed.vrfs[i];
		json_object *jv = json_object_new_object();

		json_object_string_add(jv, "name", v->name);
		if (v->export_rd[0])
			json_object_string_add(jv, "exportRd", v->export_rd);
		else
			json_object_object_add(jv, "exportRd", NULL);
		json_object_int_add(jv, "imports", v->n);
		json_object_array_add(vrfs, jv);
	}
	json_object_object_add(j, "vrfs", vrfs);
	json_object_int_add(j, "connects", feed.connects);
	json_object_int_add(j, "disconnects", feed.disconnects);
	json_object_int_add(j, "refused", feed.refused);
	json_object_int_add(j, "frames", feed.frames);
	json_object_int_add(j, "dropped", feed.dropped);
	if (feed.last_error[0])
		json_object_string_add(j, "lastError", feed.last_error);
	else
		json_object_object_add(j, "lastError", NULL);
	return j;
}

void satnet_feed_show(struct vty *vty)
{
	if (feed.lfd < 0)
		vty_out(vty, "  bgpd feed        NOT LISTENING: %s\n",
			feed.listen_error);
	else
		vty_out(vty,
			"  bgpd feed        %s, %zu client(s), %zu VRF(s)\n",
			feed.path, feed_clients(), feed.n_vrfs);
	vty_out(vty,
		"                   frames %" PRIu64 ", dropped %" PRIu64
		", connects %" PRIu64 ", refused %" PRIu64 "%s%s\n",
		feed.frames, feed.dropped, feed.connects, feed.refused,
		feed.last_error[0] ? ", last error: " : "", feed.last_error);
}
