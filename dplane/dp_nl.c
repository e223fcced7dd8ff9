// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: the rtnetlink socket.
 *
 * DOC: socket, extended ACKs and answer matching
 *
 * One NETLINK_ROUTE socket per context. libnl has no extended-ACK
 * support, so we turn NETLINK_EXT_ACK on ourselves and pull
 * NLMSGERR_ATTR_MSG out of every error in our own nl_cb_err callback
 * (as OpenVPN's dco_linux.c does); without it a refused MPLS route
 * reads only "Invalid argument". NETLINK_CAP_ACK keeps errors from
 * echoing the whole request, which matters when a batch of large
 * multipath routes fails at once.
 *
 * Requests are sent in windows of DP_NL_WINDOW, packed back to back
 * into as few sendmsg() calls as fit DP_NL_SENDCHUNK bytes (the kernel
 * handles every message of one datagram in turn), and their answers
 * matched by sequence number, not by order, so libnl's strict
 * one-at-a-time sequence check is replaced by a callback that accepts
 * everything. Only the last message of a datagram asks for an ACK
 * (NLM_F_ACK): the kernel answers every other one only when it fails,
 * and handles them in order, so once the last one is answered, every
 * earlier one of its datagram without an answer has succeeded - one
 * answer to read per datagram instead of one per request, as long as
 * nothing was lost. rtnetlink processes a request inside sendmsg(),
 * so when the last send of a window returns, every answer of that
 * window is
 * either queued on the socket or was dropped because the receive
 * buffer was full (recvmsg then fails with ENOBUFS once). In that case
 * we drain what is queued and mark the rest lost (a request without an
 * answer of its own is then not taken for a success: its error may be
 * among the lost); dp_reqs_run() sends them again, in windows no larger
 * than what did fit. The window keeps that rare: 64 small answers fit
 * easily in the receive buffer we ask for.
 *
 * poll() before every read bounds the wait, so a kernel that never
 * answers costs the caller dp->timeout_ms, not a hung zebra.
 *
 * Reads go into one DP_NL_MSGBUF buffer without libnl's MSG_PEEK (which
 * costs a second recvmsg() per datagram to learn its size): the kernel
 * never builds a datagram larger than 32 KiB for us (dump parts are
 * capped there, answers and single routes are far smaller).
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/socket.h>
#include <netlink/handlers.h>

#include "dp_private.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Requests in flight before we stop and collect answers. */
#ifndef DP_NL_WINDOW
#define DP_NL_WINDOW 64
#endif
/* Receive buffer: room for a window of answers and large dump parts. */
#ifndef DP_NL_RCVBUF
#define DP_NL_RCVBUF (1024 * 1024)
#endif
/* Send buffer: the largest request (128 labelled nexthops) is ~16 KiB. */
#define DP_NL_SNDBUF (256 * 1024)
/* Most bytes of requests packed into one sendmsg(). */
#define DP_NL_SENDCHUNK (64 * 1024)
/* Receive buffer of one recvmsg(): above the kernel's 32 KiB dump parts. */
#define DP_NL_MSGBUF (64 * 1024)

int dp_nl_open(struct sdp *dp)
{
	int one = 1, fd, ret;

	dp->sk = nl_socket_alloc();
	if (!dp->sk)
		return -ENOMEM;

	/* We set NLM_F_ACK ourselves: dumps must not carry it. */
	nl_socket_disable_auto_ack(dp->sk);
	dp->nl_window = DP_NL_WINDOW;

	ret = nl_connect(dp->sk, NETLINK_ROUTE);
	if (ret < 0) {
		ret = dp_nlerr(ret);
		goto fail;
	}
	fd = nl_socket_get_fd(dp->sk);

	/*
	 * Kernels before 4.12 lack extended ACKs; requests still work,
	 * errors just come without text, so failure here is not fatal.
	 */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	/* One read per datagram, into a buffer that fits any (see DOC). */
	nl_socket_disable_msg_peek(dp->sk);
	ret = nl_socket_set_msg_buf_size(dp->sk, DP_NL_MSGBUF);
	if (ret < 0) {
		ret = dp_nlerr(ret);
		goto fail;
	}
	ret = nl_socket_set_buffer_size(dp->sk, DP_NL_RCVBUF, DP_NL_SNDBUF);
	if (ret < 0) {
		ret = dp_nlerr(ret);
		goto fail;
	}
	/*
	 * SO_RCVBUF is capped by net.core.rmem_max; with CAP_NET_ADMIN
	 * (zebra has it) the FORCE variant is not. Best effort.
	 */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){DP_NL_RCVBUF},
			 sizeof(int));
	return 0;

fail:
	nl_socket_free(dp->sk);
	dp->sk = NULL;
	return ret;
}

void dp_nl_close(struct sdp *dp)
{
	if (dp->sk)
		nl_socket_free(dp->sk);
	dp->sk = NULL;
}

/*
 * Asked of the kernel (getsockname), not of libnl's copy: the kernel's
 * binding is what its notifications carry.
 */
uint32_t sdp_nl_port(const struct sdp *dp)
{
	struct sockaddr_nl snl = {};
	socklen_t len = sizeof(snl);

	if (!dp || !dp->sk)
		return 0;
	if (getsockname(nl_socket_get_fd(dp->sk), (struct sockaddr *)&snl,
			&len) < 0
	    || snl.nl_family != AF_NETLINK)
		return 0;
	return snl.nl_pid;
}

/*
 * Extract NLMSGERR_ATTR_MSG from an NLMSG_ERROR message into @buf.
 *
 * The TLVs follow struct nlmsgerr and, unless the kernel capped the
 * reply (NLM_F_CAPPED), a copy of the whole request. Returns 0 when a
 * message was found, -ENOENT otherwise (buf is then empty).
 */
int dp_nl_extack(const struct nlmsghdr *nlh, char *buf, size_t len)
{
	const struct nlmsgerr *e;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off, total;
	const char *msg;
	size_t mlen;

	if (len)
		buf[0] = '\0';
	if (!len || nlh->nlmsg_type != NLMSG_ERROR
	    || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return -ENOENT;

	total = nlh->nlmsg_len;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (total < off)
		return -ENOENT;
	e = (const struct nlmsgerr *)((const char *)nlh + NLMSG_HDRLEN);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return -ENOENT;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	if (total <= off)
		return -ENOENT;

	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off), total - off, NULL)
	    < 0)
		return -ENOENT;
	if (!tb[NLMSGERR_ATTR_MSG])
		return -ENOENT;

	/* The kernel sends a NUL-terminated string; do not rely on it. */
	msg = nla_data(tb[NLMSGERR_ATTR_MSG]);
	mlen = strnlen(msg, nla_len(tb[NLMSGERR_ATTR_MSG]));
	if (mlen >= len)
		mlen = len - 1;
	memcpy(buf, msg, mlen);
	buf[mlen] = '\0';
	return mlen ? 0 : -ENOENT;
}

/* Sequence numbers are matched per request, in the callbacks below. */
static int dp_nl_seq_any(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

static int dp_nl_wait(struct sdp *dp, int msec)
{
	struct pollfd pfd = {
		.fd = nl_socket_get_fd(dp->sk),
		.events = POLLIN,
	};
	int ret;

	do {
		ret = poll(&pfd, 1, msec);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	return ret; /* 0: timed out */
}

/*
 * Exchange: many requests, one answer each
 */

struct dp_nl_window {
	struct dp_req **v;
	size_t n;
	size_t sent;
	size_t outstanding;
	size_t answers; /* answers read (ACKs and errors) */
	bool overrun;	/* answers were lost in this exchange */
	bool lossy;	/* ... in this window: no success by silence */
};

static struct dp_req *dp_nl_window_find(struct dp_nl_window *w, uint32_t seq,
					size_t *idx)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i]->waiting && w->v[i]->seq == seq) {
			*idx = i;
			return w->v[i];
		}
	return NULL;
}

/*
 * @r (at @idx) was answered. When it is the last of its datagram, the
 * kernel has answered every earlier request of that datagram that
 * failed: the rest succeeded.
 */
static void dp_nl_answered(struct dp_nl_window *w, struct dp_req *r,
			   size_t idx)
{
	size_t i;

	w->outstanding--;
	w->answers++;
	if (!r->chunk_tail || w->lossy)
		return;
	for (i = r->chunk_first; i < idx; i++) {
		if (!w->v[i]->waiting)
			continue;
		dp_req_answer(w->v[i], 0, NULL);
		w->outstanding--;
	}
}

static int dp_nl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct dp_nl_window *w = arg;
	size_t idx;
	struct dp_req *r =
		dp_nl_window_find(w, nlmsg_hdr(msg)->nlmsg_seq, &idx);

	if (r) {
		dp_req_answer(r, 0, NULL);
		dp_nl_answered(w, r, idx);
	}
	return NL_OK;
}

static int dp_nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl passes nlmsg_data() of the error message. */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct dp_nl_window *w = arg;
	size_t idx;
	struct dp_req *r = dp_nl_window_find(w, nlh->nlmsg_seq, &idx);
	char text[256];

	if (r) {
		dp_nl_extack(nlh, text, sizeof(text));
		dp_req_answer(r, e->error < 0 ? e->error : -EIO, text);
		dp_nl_answered(w, r, idx);
	}
	return NL_SKIP;
}

/* Unexpected non-error messages (notifications, echoes): ignore. */
static int dp_nl_skip_cb(struct nl_msg *msg, void *arg)
{
	return NL_SKIP;
}

static void dp_nl_fail_waiting(struct dp_nl_window *w, int err, const char *why,
			       bool lost)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (!w->v[i]->waiting)
			continue;
		dp_req_answer(w->v[i], err, why);
		w->v[i]->lost = lost;
	}
	w->outstanding = 0;
}

static void dp_nl_collect(struct sdp *dp, struct nl_cb *cb,
			  struct dp_nl_window *w)
{
	int ret;

	while (w->outstanding) {
		ret = dp_nl_wait(dp, (int)dp->timeout_ms);
		if (ret == 0) {
			dp_nl_fail_waiting(w, -ETIMEDOUT,
					   "no answer from kernel", false);
			return;
		}
		if (ret < 0) {
			dp_nl_fail_waiting(w, ret, NULL, false);
			return;
		}
		ret = nl_recvmsgs(dp->sk, cb);
		if (ret == -NLE_NOMEM) {
			/*
			 * recvmsg() said ENOBUFS: answers were dropped.
			 * Everything the kernel will say is already queued
			 * (see DOC), so take what is there and give up on
			 * the rest - including those that had no answer of
			 * their own: theirs may be among the lost.
			 */
			w->lossy = true;
			while (w->outstanding && dp_nl_wait(dp, 0) > 0)
				if (nl_recvmsgs(dp->sk, cb) < 0)
					break;
			/*
			 * What did arrive is what the buffer holds: send
			 * no more than that at once from now on, so the
			 * resends get through.
			 */
			if (w->answers < dp->nl_window)
				dp->nl_window = w->answers;
			if (dp->nl_window < 1)
				dp->nl_window = 1;
			w->overrun = true;
			dp_nl_fail_waiting(
				w, -ENOBUFS,
				"answer lost: receive buffer overrun", true);
			return;
		}
		if (ret < 0) {
			dp_nl_fail_waiting(w, dp_nlerr(ret), nl_geterror(ret),
					   false);
			return;
		}
	}
}

/*
 * Send the requests w->v[first..first+n) packed into one datagram
 * (@buf holds DP_NL_SENDCHUNK bytes; a request larger than that goes
 * alone from its own message). Only the last one asks for an ACK.
 */
static void dp_nl_send_chunk(struct sdp *dp, struct dp_nl_window *w,
			     size_t first, size_t n, char *buf)
{
	struct dp_req **v = w->v + first;
	struct nlmsghdr *nlh;
	size_t i, len = 0;
	int ret;

	if (!n)
		return;
	for (i = 0; i < n; i++) {
		nlh = nlmsg_hdr(v[i]->msg);
		v[i]->chunk_first = first;
		v[i]->chunk_tail = i == n - 1;
		if (v[i]->chunk_tail)
			nlh->nlmsg_flags |= NLM_F_ACK;
		else
			nlh->nlmsg_flags &= ~NLM_F_ACK;
	}
	if (n == 1) {
		nlh = nlmsg_hdr(v[0]->msg);
		ret = nl_sendto(dp->sk, nlh, nlh->nlmsg_len);
	} else {
		for (i = 0; i < n; i++) {
			nlh = nlmsg_hdr(v[i]->msg);
			memcpy(buf + len, nlh, nlh->nlmsg_len);
			len += NLMSG_ALIGN(nlh->nlmsg_len);
		}
		ret = nl_sendto(dp->sk, buf, len);
	}
	for (i = 0; i < n; i++) {
		if (ret < 0) {
			dp_req_answer(v[i], dp_nlerr(ret), nl_geterror(ret));
			continue;
		}
		v[i]->waiting = true;
		w->outstanding++;
		w->sent++;
	}
}

void dp_nl_exchange(struct sdp *dp, struct dp_req **v, size_t n)
{
	struct dp_nl_window w = {0};
	struct nl_cb *cb;
	char *buf;
	size_t i, j, first, len;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	buf = malloc(DP_NL_SENDCHUNK);
	if (!cb || !buf) {
		for (i = 0; i < n; i++)
			dp_req_answer(v[i], -ENOMEM, NULL);
		if (cb)
			nl_cb_put(cb);
		free(buf);
		return;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, dp_nl_seq_any, NULL);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, dp_nl_ack_cb, &w);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, dp_nl_skip_cb, NULL);
	nl_cb_err(cb, NL_CB_CUSTOM, dp_nl_err_cb, &w);

	for (i = 0; i < n; i += w.n) {
		w.v = v + i;
		w.n = n - i < dp->nl_window ? n - i : dp->nl_window;
		w.outstanding = 0;
		w.sent = 0;

		w.answers = 0;
		w.lossy = false;
		first = 0;
		len = 0;
		for (j = 0; j < w.n; j++) {
			struct dp_req *r = w.v[j];
			struct nlmsghdr *nlh = nlmsg_hdr(r->msg);

			/* Assigns seq and port, as nl_send_auto() would. */
			nl_complete_msg(dp->sk, r->msg);
			r->seq = nlh->nlmsg_seq;
			if (len && len + NLMSG_ALIGN(nlh->nlmsg_len)
					   > DP_NL_SENDCHUNK) {
				dp_nl_send_chunk(dp, &w, first, j - first, buf);
				first = j;
				len = 0;
			}
			len += NLMSG_ALIGN(nlh->nlmsg_len);
		}
		dp_nl_send_chunk(dp, &w, first, w.n - first, buf);
		dp_nl_collect(dp, cb, &w);
	}
	nl_cb_put(cb);
	free(buf);

	/* Win back the window slowly once answers fit again. */
	if (!w.overrun && dp->nl_window < DP_NL_WINDOW) {
		dp->nl_window *= 2;
		if (dp->nl_window > DP_NL_WINDOW)
			dp->nl_window = DP_NL_WINDOW;
	}
}

/*
 * Query: one request (a get or a dump), many replies
 */

struct dp_nl_query {
	uint32_t seq;
	dp_parse_fn parse;
	void *arg;
	bool done;
	bool intr;
	int err;    /* kernel's answer */
	int cb_err; /* first negative return of parse() */
	char *errmsg;
	size_t errlen;
};

static int dp_nl_query_valid(struct nl_msg *msg, void *arg)
{
	struct dp_nl_query *q = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int ret;

	if (nlh->nlmsg_seq != q->seq)
		return NL_SKIP;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		q->intr = true;
	if (q->cb_err)
		return NL_OK; /* keep draining */
	ret = q->parse(nlh, q->arg);
	if (ret < 0)
		q->cb_err = ret;
	return NL_OK;
}

static int dp_nl_query_finish(struct nl_msg *msg, void *arg)
{
	struct dp_nl_query *q = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (nlh->nlmsg_seq != q->seq)
		return NL_SKIP;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		q->intr = true;
	/* A dump that failed midway says so in NLMSG_DONE's payload. */
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
		int e;

		memcpy(&e, nlmsg_data(nlh), sizeof(e));
		if (e < 0)
			q->err = e;
	}
	q->done = true;
	return NL_STOP;
}

static int dp_nl_query_ack(struct nl_msg *msg, void *arg)
{
	struct dp_nl_query *q = arg;

	if (nlmsg_hdr(msg)->nlmsg_seq != q->seq)
		return NL_OK;
	q->done = true;
	return NL_STOP;
}

static int dp_nl_query_err(struct sockaddr_nl *nla, struct nlmsgerr *e,
			   void *arg)
{
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct dp_nl_query *q = arg;

	if (nlh->nlmsg_seq != q->seq)
		return NL_SKIP;
	q->err = e->error < 0 ? e->error : -EIO;
	if (q->errmsg)
		dp_nl_extack(nlh, q->errmsg, q->errlen);
	q->done = true;
	return NL_SKIP;
}

static int dp_nl_query_intr(struct nl_msg *msg, void *arg)
{
	struct dp_nl_query *q = arg;

	q->intr = true;
	return NL_OK;
}

/*
 * Send @msg (NLM_F_DUMP set by the caller for dumps; a get gets
 * NLM_F_ACK here so its end is unambiguous) and hand every reply with
 * our sequence number to @parse. Takes ownership of @msg. The kernel's
 * extended-ACK text, if any, lands in @errmsg.
 */
int dp_nl_query(struct sdp *dp, struct nl_msg *msg, dp_parse_fn parse,
		void *arg, char *errmsg, size_t errlen)
{
	struct dp_nl_query q = {
		.parse = parse,
		.arg = arg,
		.errmsg = errmsg,
		.errlen = errlen,
	};
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nl_cb *cb;
	int ret;

	if (errmsg && errlen)
		errmsg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, dp_nl_seq_any, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, dp_nl_query_valid, &q);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, dp_nl_query_finish, &q);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, dp_nl_query_ack, &q);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, dp_nl_query_intr, &q);
	nl_cb_err(cb, NL_CB_CUSTOM, dp_nl_query_err, &q);

	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(dp->sk, msg);
	if (ret < 0) {
		ret = dp_nlerr(ret);
		goto out;
	}
	q.seq = nlh->nlmsg_seq;

	while (!q.done) {
		ret = dp_nl_wait(dp, (int)dp->timeout_ms);
		if (ret == 0) {
			ret = -ETIMEDOUT;
			goto out;
		}
		if (ret < 0)
			goto out;
		ret = nl_recvmsgs(dp->sk, cb);
		if (ret == -NLE_DUMP_INTR) {
			q.intr = true;
			continue;
		}
		if (ret < 0 && !q.done) {
			ret = dp_nlerr(ret);
			goto out;
		}
	}

	if (q.err)
		ret = q.err;
	else if (q.cb_err)
		ret = q.cb_err;
	else if (q.intr)
		ret = -EINTR;
	else
		ret = 0;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return ret;
}
