// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_bgp_feed.c: bgpd's RDs, fed to the zebra module.
 *
 * zebra programs the labels but knows no RDs. For every VRF instance this
 * computes its export RD and the RD and VPN label of every selected route
 * it imported from the VPN table, encodes each VRF as one frame
 * (proto/satnet.proto) and sends the frames that differ from what this
 * connection already sent, and a VrfGone for a VRF instance that went
 * away. zebra drops a connection's data when it closes, so after
 * (re)connecting everything is sent again.
 *
 * Event-driven: bgpd's hooks say which VRF changed - a path added to or
 * reaped from a VRF's table or the VPN table (bgp_snmp_update_stats fires
 * for every table, imported paths included), an update or withdraw from a
 * peer (bgp_process, which also covers a VPN route whose label changed in
 * place), a VRF's interface or instance going (bgp_vrf_status_changed,
 * bgp_inst_delete), the configuration read (bgp_config_end) or changed
 * through a vty (cmd_execute_done in a config node). A change in
 * the VPN table marks every VRF. The hooks only mark; a snapshot of the
 * marked VRFs runs SATNET_FEED_DELAY_MS later, and again later while
 * bgpd's process queue still holds work (best-path selection is not done
 * yet). While nothing changes, nothing runs: no timer, no RIB walk. What
 * the hooks cannot see is a selection that changes with no path added,
 * withdrawn or updated (next-hop tracking alone making an other RD's path
 * best for the same prefix); it is sent with the next event or reconnect.
 *
 * bgpd never waits for zebra: the socket is non-blocking, what the kernel
 * does not take is kept and written when the socket is writable, and no
 * new snapshot is computed while some is pending. zebra missing (not
 * started yet, restarted) means a connect attempt every second.
 */
#include <zebra.h>

#include <sys/un.h>

#include "command.h"
#include "hook.h"
#include "libfrr.h"
#include "linklist.h"
#include "log.h"
#include "memory.h"
#include "monotime.h"
#include "network.h"
#include "prefix.h"
#include "thread.h"
#include "workqueue.h"

#include "bgpd/bgpd.h"
#include "bgpd/bgp_label.h"
#include "bgpd/bgp_mplsvpn.h"
#include "bgpd/bgp_rd.h"
#include "bgpd/bgp_route.h"
#include "bgpd/bgp_table.h"

#include "satnet_bgp.h"
#include "satnet_feed_codec.h"

DEFINE_MTYPE_STATIC(SATNET_BGP, SATNET_FEED, "satnet feed to zebra");

#define SATNET_FEED_SOCKET "satnet.sock" /* zebra/satnet_feed.h */
#define SATNET_FEED_RETRY_SEC 1	 /* connect attempts while zebra is away */
#define SATNET_FEED_DELAY_MS 200 /* from the first change to a snapshot */
#define SATNET_FEED_DIRTY_MAX 64 /* VRFs marked one by one; then all */

/* The last frame sent for a VRF on this connection. */
struct sent_vrf {
	char name[SNF_VRF_LEN];
	uint8_t *frame;
	size_t len;
	bool seen; /* in this tick's computation */
};

static struct {
	struct thread_master *master;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	struct thread *t_retry, *t_snap, *t_read, *t_write;
	uint8_t *out; /* pending bytes: out[off..len) */
	size_t off, len, cap;
	struct sent_vrf *sent;
	size_t n_sent;
	struct snf_import *imp; /* scratch for one VRF */
	size_t imp_cap;
	int last_errno;	  /* of the last failed connect: log on change */
	time_t last_warn; /* a VRF that cannot be encoded */
	bool stopping;
	/* VRF instances changed since the last snapshot (compared as
	 * pointers with bm->bgp's, never dereferenced) */
	const struct bgp *dirty[SATNET_FEED_DIRTY_MAX];
	unsigned int n_dirty;
	bool dirty_all;
	struct satnet_feed_stats st;
} sf = {.fd = -1};

static void feed_snap(struct thread *t);
static void feed_retry(struct thread *t);

static void feed_reset(const char *why)
{
	if (sf.fd < 0)
		return;
	zlog_info("satnet feed: connection to zebra closed: %s", why);
	THREAD_OFF(sf.t_read);
	THREAD_OFF(sf.t_write);
	close(sf.fd);
	sf.fd = -1;
	sf.off = sf.len = 0;
	for (size_t i = 0; i < sf.n_sent; i++)
		XFREE(MTYPE_SATNET_FEED, sf.sent[i].frame);
	sf.n_sent = 0;
	if (!sf.stopping)
		thread_add_timer(sf.master, feed_retry, NULL,
				 SATNET_FEED_RETRY_SEC, &sf.t_retry);
}

/* --- output */

/* queue @len bytes holding @frames frames */
static void out_append(uint8_t *frame, size_t len, unsigned int frames)
{
	if (sf.len + len > sf.cap) {
		sf.cap = MAX(sf.cap * 2, sf.len + len);
		sf.out = XREALLOC(MTYPE_SATNET_FEED, sf.out, sf.cap);
	}
	memcpy(sf.out + sf.len, frame, len);
	sf.len += len;
	sf.st.frames += frames;
	sf.st.bytes += len;
}

static void feed_write(struct thread *t);

static void feed_flush(void)
{
	ssize_t n;

	while (sf.off < sf.len) {
		n = send(sf.fd, sf.out + sf.off, sf.len - sf.off, MSG_NOSIGNAL);
		if (n < 0) {
			if (ERRNO_IO_RETRY(errno)) {
				thread_add_write(sf.master, feed_write, NULL,
						 sf.fd, &sf.t_write);
				return;
			}
			feed_reset(safe_strerror(errno));
			return;
		}
		sf.off += (size_t)n;
	}
	sf.off = sf.len = 0;
	/* changes that came while this was on its way */
	if (sf.n_dirty || sf.dirty_all)
		thread_add_timer_msec(sf.master, feed_snap, NULL,
				      SATNET_FEED_DELAY_MS, &sf.t_snap);
}

static void feed_write(struct thread *t)
{
	feed_flush();
}

/* zebra sends nothing: anything readable is its end closing. */
static void feed_read(struct thread *t)
{
	uint8_t buf[256];
	ssize_t n = read(sf.fd, buf, sizeof(buf));

	if (n == 0) {
		feed_reset("zebra closed it");
		return;
	}
	if (n < 0 && !ERRNO_IO_RETRY(errno)) {
		feed_reset(safe_strerror(errno));
		return;
	}
	thread_add_read(sf.master, feed_read, NULL, sf.fd, &sf.t_read);
}

static bool feed_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint8_t *frame;
	size_t len;
	int fd, err;

	strlcpy(sa.sun_path, sf.path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		close(fd);
		goto fail;
	}
	sf.fd = fd;
	sf.last_errno = 0;
	zlog_info("satnet feed: connected to zebra at %s", sf.path);
	thread_add_read(sf.master, feed_read, NULL, fd, &sf.t_read);
	sf.st.connects++;
	if (snf_encode_hello("bgpd", &frame, &len) == 0) {
		out_append(frame, len, 1);
		free(frame);
	}
	sf.dirty_all = true;
	return true;
fail:
	/* zebra not (yet) listening is normal at start: say it once */
	if (err != sf.last_errno)
		zlog_info(
			"satnet feed: cannot connect to zebra at %s: %s (retrying every %ds)",
			sf.path, safe_strerror(err), SATNET_FEED_RETRY_SEC);
	sf.last_errno = err;
	return false;
}

/* --- snapshots */

static void imp_add(const struct prefix *p, const struct prefix_rd *prd,
		    uint32_t label, size_t *n)
{
	struct snf_import *o;
	char pfx[PREFIX2STR_BUFFER], rd[RD_ADDRSTRLEN];

	if (*n == SNF_VRF_MAX_IMPORTS) {
		/* zebra shows the rest without an RD (not a guessed one) */
		if (monotime(NULL) - sf.last_warn >= 60) {
			zlog_warn(
				"satnet feed: a VRF has more than %d imported routes; the RDs of the others are not sent",
				SNF_VRF_MAX_IMPORTS);
			sf.last_warn = monotime(NULL);
		}
		return;
	}
	if (*n == sf.imp_cap) {
		sf.imp_cap = MAX(64, sf.imp_cap * 2);
		sf.imp = XREALLOC(MTYPE_SATNET_FEED, sf.imp,
				  sf.imp_cap * sizeof(*sf.imp));
	}
	o = &sf.imp[*n];
	prefix2str(p, pfx, sizeof(pfx));
	if (snf_prefix_canon(pfx, o->prefix, sizeof(o->prefix)))
		return;
	/* bgpd asserts a buffer of RD_ADDRSTRLEN; the codec's is smaller */
	prefix_rd2str(prd, rd, sizeof(rd));
	if (!snf_rd_valid(rd) || label > SNF_LABEL_MAX)
		return;
	strlcpy(o->rd, rd, sizeof(o->rd));
	o->label = label;
	(*n)++;
}

/*
 * The selected routes of @bgp's unicast table @afi imported from the VPN
 * table: their parent is a VPN path, whose dest hangs under its RD's dest
 * (as bgp_route.c's "Imported from RD:prefix").
 */
static void vrf_imports(struct bgp *bgp, afi_t afi, size_t *n)
{
	struct bgp_table *table = bgp->rib[afi][SAFI_UNICAST];
	struct bgp_dest *dest;

	if (!table)
		return;
	for (dest = bgp_table_top(table); dest; dest = bgp_route_next(dest)) {
		struct bgp_path_info *pi;

		for (pi = bgp_dest_get_bgp_path_info(dest); pi; pi = pi->next) {
			struct bgp_path_info *parent;
			struct bgp_dest *pdest;
			mpls_label_t label;

			if (!CHECK_FLAG(pi->flags, BGP_PATH_SELECTED) ||
			    pi->sub_type != BGP_ROUTE_IMPORTED || !pi->extra ||
			    !pi->extra->parent)
				continue;
			parent = pi->extra->parent;
			if (!parent->net || !parent->net->pdest ||
			    bgp_dest_table(parent->net)->safi != SAFI_MPLS_VPN)
				continue;
			pdest = parent->net->pdest;
			/* the VPN route's label (the import copies it) */
			if (parent->extra && parent->extra->num_labels)
				label = parent->extra->label[0];
			else if (pi->extra->num_labels)
				label = pi->extra->label[0];
			else
				continue;
			if (!bgp_is_valid_label(&label))
				continue;
			imp_add(bgp_dest_get_prefix(dest),
				(const struct prefix_rd *)bgp_dest_get_prefix(
					pdest),
				decode_label(&label), n);
		}
	}
}

static struct sent_vrf *sent_find(const char *name)
{
	for (size_t i = 0; i < sf.n_sent; i++)
		if (!strcmp(sf.sent[i].name, name))
			return &sf.sent[i];
	return NULL;
}

/* Queue @bgp's snapshot when it differs from what was sent. */
static void vrf_send(struct bgp *bgp)
{
	struct snf_vrf v = {};
	struct sent_vrf *s;
	char rd[RD_ADDRSTRLEN];
	uint8_t *frame;
	size_t len;
	unsigned int nframes;
	afi_t afi;
	int ret;

	strlcpy(v.name, bgp->name, sizeof(v.name));
	for (afi = AFI_IP; afi <= AFI_IP6 && !v.export_rd[0]; afi++) {
		if (!CHECK_FLAG(bgp->vpn_policy[afi].flags,
				BGP_VPN_POLICY_TOVPN_RD_SET))
			continue;
		prefix_rd2str(&bgp->vpn_policy[afi].tovpn_rd, rd, sizeof(rd));
		if (snf_rd_valid(rd))
			strlcpy(v.export_rd, rd, sizeof(v.export_rd));
	}
	vrf_imports(bgp, AFI_IP, &v.n_imports);
	vrf_imports(bgp, AFI_IP6, &v.n_imports);
	v.imports = sf.imp;

	/* in parts when it does not fit one frame (zebra assembles them) */
	ret = snf_encode_vrf_parts(&v, SNF_PART_IMPORTS, &frame, &len,
				   &nframes);
	if (ret) {
		/* every second until it changes: say it once a minute */
		if (monotime(NULL) - sf.last_warn >= 60) {
			zlog_warn(
				"satnet feed: VRF %s not sent: %s (%zu imports)",
				v.name, safe_strerror(-ret), v.n_imports);
			sf.last_warn = monotime(NULL);
		}
		return;
	}
	s = sent_find(v.name);
	if (s && s->len == len && !memcmp(s->frame, frame, len)) {
		s->seen = true;
		free(frame);
		return;
	}
	if (!s) {
		sf.sent = XREALLOC(MTYPE_SATNET_FEED, sf.sent,
				   (sf.n_sent + 1) * sizeof(*sf.sent));
		s = &sf.sent[sf.n_sent++];
		memset(s, 0, sizeof(*s));
		strlcpy(s->name, v.name, sizeof(s->name));
	}
	out_append(frame, len, nframes);
	XFREE(MTYPE_SATNET_FEED, s->frame);
	s->frame = XMALLOC(MTYPE_SATNET_FEED, len);
	memcpy(s->frame, frame, len);
	s->len = len;
	s->seen = true;
	free(frame);
}

static bool is_dirty(const struct bgp *bgp)
{
	if (sf.dirty_all)
		return true;
	for (unsigned int i = 0; i < sf.n_dirty; i++)
		if (sf.dirty[i] == bgp)
			return true;
	return false;
}

static void feed_snapshot(void)
{
	struct listnode *node;
	struct bgp *bgp;
	struct timeval t0;
	unsigned long us;

	monotime(&t0);
	for (size_t i = 0; i < sf.n_sent; i++)
		sf.sent[i].seen = false;
	for (ALL_LIST_ELEMENTS_RO(bm->bgp, node, bgp)) {
		struct sent_vrf *s;

		if (bgp->inst_type != BGP_INSTANCE_TYPE_VRF || !bgp->name ||
		    CHECK_FLAG(bgp->flags, BGP_FLAG_DELETE_IN_PROGRESS) ||
		    !snf_vrf_name_valid(bgp->name))
			continue;
		if (is_dirty(bgp)) {
			vrf_send(bgp);
			sf.st.vrfs_computed++;
		} else if ((s = sent_find(bgp->name)))
			s->seen = true;
	}
	/* VRF instances gone since the last snapshot */
	for (size_t i = sf.n_sent; i-- > 0;) {
		uint8_t *frame;
		size_t len;

		if (sf.sent[i].seen)
			continue;
		if (snf_encode_vrf_gone(sf.sent[i].name, &frame, &len) == 0) {
			out_append(frame, len, 1);
			free(frame);
		}
		XFREE(MTYPE_SATNET_FEED, sf.sent[i].frame);
		memmove(&sf.sent[i], &sf.sent[i + 1],
			(sf.n_sent - i - 1) * sizeof(*sf.sent));
		sf.n_sent--;
	}
	sf.n_dirty = 0;
	sf.dirty_all = false;
	us = (unsigned long)monotime_since(&t0, NULL);
	sf.st.snapshots++;
	sf.st.last_us = us;
	sf.st.total_us += us;
	if (us > sf.st.max_us)
		sf.st.max_us = us;
	sf.st.last_at = time(NULL);
}

/* Best-path selection still has work queued in some instance. */
static bool selection_pending(void)
{
	struct listnode *node;
	struct bgp *bgp;

	for (ALL_LIST_ELEMENTS_RO(bm->bgp, node, bgp))
		if (bgp->process_queue &&
		    work_queue_item_count(bgp->process_queue))
			return true;
	return false;
}

static void feed_snap(struct thread *t)
{
	if (sf.fd < 0)
		return; /* feed_retry sends everything on connect */
	/* nothing new while earlier frames are on their way (zebra busy):
	 * feed_flush() comes back here when they are gone */
	if (sf.off != sf.len)
		return;
	if (selection_pending()) {
		sf.st.deferred++;
		thread_add_timer_msec(sf.master, feed_snap, NULL,
				      SATNET_FEED_DELAY_MS, &sf.t_snap);
		return;
	}
	feed_snapshot();
	feed_flush();
}

static void feed_retry(struct thread *t)
{
	if (sf.fd >= 0)
		return;
	if (!feed_connect()) {
		thread_add_timer(sf.master, feed_retry, NULL,
				 SATNET_FEED_RETRY_SEC, &sf.t_retry);
		return;
	}
	/* the hello; once it is out, the snapshot of everything follows */
	feed_flush();
}

/* --- change events: mark, never walk */

static void feed_mark(const struct bgp *bgp)
{
	sf.st.events++;
	if (sf.stopping)
		return;
	if (!bgp)
		sf.dirty_all = true;
	else if (!sf.dirty_all && !is_dirty(bgp)) {
		if (sf.n_dirty == SATNET_FEED_DIRTY_MAX)
			sf.dirty_all = true;
		else
			sf.dirty[sf.n_dirty++] = bgp;
	}
	if (sf.fd >= 0)
		thread_add_timer_msec(sf.master, feed_snap, NULL,
				      SATNET_FEED_DELAY_MS, &sf.t_snap);
}

/* A change in @bgp's @safi table: a VRF's own, or every VRF for VPN. */
static void feed_mark_table(const struct bgp *bgp, safi_t safi)
{
	if (safi == SAFI_MPLS_VPN)
		feed_mark(NULL);
	else if (safi == SAFI_UNICAST && bgp &&
		 bgp->inst_type == BGP_INSTANCE_TYPE_VRF)
		feed_mark(bgp);
}

static int feed_path_changed(struct bgp_dest *dest, struct bgp_path_info *pi,
			     bool added)
{
	const struct bgp_table *t = bgp_dest_table(dest);

	if (t)
		feed_mark_table(t->bgp, t->safi);
	return 0;
}

static int feed_process(struct bgp *bgp, afi_t afi, safi_t safi,
			struct bgp_dest *dest, struct peer *peer, bool withdraw)
{
	feed_mark_table(bgp, safi);
	return 0;
}

static int feed_vrf_status(struct bgp *bgp, struct interface *ifp)
{
	feed_mark(bgp);
	return 0;
}

static int feed_inst_changed(struct bgp *bgp)
{
	feed_mark(NULL);
	return 0;
}

/* A configuration command through a vty (vtysh): an export RD set on a VRF
 * with nothing to export yet moves no path. Config files are covered by
 * bgp_config_end. Declared in lib/command.c, not in a header. */
DECLARE_KOOH(cmd_execute_done, (struct vty * vty, const char *cmd_exec),
	     (vty, cmd_exec));

static int feed_cmd_done(struct vty *vty, const char *cmd_exec)
{
	if (vty && vty->node >= CONFIG_NODE)
		feed_mark(NULL);
	return 0;
}

void satnet_bgp_feed_stats(struct satnet_feed_stats *out, bool *connected)
{
	*out = sf.st;
	*connected = sf.fd >= 0;
}

void satnet_bgp_feed_hooks(void)
{
	hook_register(bgp_snmp_update_stats, feed_path_changed);
	hook_register(bgp_process, feed_process);
	hook_register(bgp_vrf_status_changed, feed_vrf_status);
	hook_register(bgp_inst_delete, feed_inst_changed);
	hook_register(bgp_config_end, feed_inst_changed);
	hook_register(cmd_execute_done, feed_cmd_done);
}

void satnet_bgp_feed_init(struct thread_master *tm)
{
	sf.master = tm;
	if ((size_t)snprintf(sf.path, sizeof(sf.path), "%s/%s", frr_vtydir,
			     SATNET_FEED_SOCKET) >= sizeof(sf.path)) {
		zlog_err(
			"satnet feed: socket path %s/%s is too long: no RDs for zebra",
			frr_vtydir, SATNET_FEED_SOCKET);
		return;
	}
	thread_add_timer(tm, feed_retry, NULL, SATNET_FEED_RETRY_SEC,
			 &sf.t_retry);
}

void satnet_bgp_feed_fini(void)
{
	sf.stopping = true;
	THREAD_OFF(sf.t_retry);
	THREAD_OFF(sf.t_snap);
	feed_reset("bgpd stops");
	XFREE(MTYPE_SATNET_FEED, sf.sent);
	XFREE(MTYPE_SATNET_FEED, sf.out);
	XFREE(MTYPE_SATNET_FEED, sf.imp);
	sf.cap = sf.imp_cap = 0;
}
