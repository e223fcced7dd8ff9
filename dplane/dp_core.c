// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: the context, errors and the request runner.
 *
 * DOC: one path for every write
 *
 * dp_reqs_run() is the only place that decides what a request's answer
 * means. It gives the pending requests to the backend's exchange
 * function, then looks at each answer: ENOBUFS (the kernel was short of
 * memory, or our receive buffer overflowed and the answer was lost) is
 * worth another try, up to SDP_BATCH_TRIES attempts, because replace is
 * idempotent; everything else is final. A delete whose first answer was
 * lost may really have succeeded, so its retry answering "no such
 * route" counts as success.
 *
 * Error text is built once per failed request, as "<request text>:
 * <strerror>[: <kernel message>]", so the zebra module can log it and
 * show it next to the entry without knowing where it came from. The
 * request text itself is made only then, from the request's message
 * (dp_req_text()): formatting every request costs more than building
 * it, and almost every request succeeds.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/errno.h>

#include "dp_private.h"

int sdp_open(struct sdp **dpp, enum sdp_backend backend)
{
	struct sdp *dp;
	int ret;

	*dpp = NULL;
	if (backend != SDP_BACKEND_NETLINK && backend != SDP_BACKEND_NULL)
		return -EINVAL;

	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->backend = backend;
	dp->timeout_ms = DP_TIMEOUT_MS;

	if (backend == SDP_BACKEND_NETLINK)
		ret = dp_nl_open(dp);
	else
		ret = dp_null_open(dp);
	if (ret < 0) {
		free(dp);
		return ret;
	}
	*dpp = dp;
	return 0;
}

void sdp_close(struct sdp *dp)
{
	if (!dp)
		return;
	dp_nl_close(dp);
	dp_null_close(dp);
	free(dp->sysctl_root);
	free(dp);
}

enum sdp_backend sdp_get_backend(const struct sdp *dp)
{
	return dp->backend;
}

const char *sdp_last_error(const struct sdp *dp)
{
	return dp->errbuf;
}

int sdp_set_sysctl_root(struct sdp *dp, const char *root)
{
	char *copy = NULL;

	if (root) {
		copy = strdup(root);
		if (!copy)
			return -ENOMEM;
	}
	free(dp->sysctl_root);
	dp->sysctl_root = copy;
	return 0;
}

void sdp_set_timeout(struct sdp *dp, unsigned int msec)
{
	dp->timeout_ms = msec ? msec : DP_TIMEOUT_MS;
}

const char *sdp_op_name(enum sdp_op op)
{
	switch (op) {
	case SDP_OP_ANY:
		return "any";
	case SDP_OP_VRF_ADD:
		return "vrf-add";
	case SDP_OP_VRF_DEL:
		return "vrf-del";
	case SDP_OP_LINK_SET:
		return "link-set";
	case SDP_OP_LINK_ENSLAVE:
		return "link-enslave";
	case SDP_OP_LINK_RELEASE:
		return "link-release";
	case SDP_OP_LINK_GET:
		return "link-get";
	case SDP_OP_SYSCTL_GET:
		return "sysctl-get";
	case SDP_OP_SYSCTL_SET:
		return "sysctl-set";
	case SDP_OP_LSP_REPLACE:
		return "lsp-replace";
	case SDP_OP_LSP_DELETE:
		return "lsp-delete";
	case SDP_OP_LSP_DUMP:
		return "lsp-dump";
	case SDP_OP_ROUTE_REPLACE:
		return "route-replace";
	case SDP_OP_ROUTE_DELETE:
		return "route-delete";
	case SDP_OP_ROUTE_DUMP:
		return "route-dump";
	case SDP_OP_RULE_ADD:
		return "rule-add";
	case SDP_OP_RULE_DEL:
		return "rule-del";
	case SDP_OP_RULE_DUMP:
		return "rule-dump";
	case SDP_OP_NHOBJ_REPLACE:
		return "nhobj-replace";
	case SDP_OP_NHOBJ_DELETE:
		return "nhobj-delete";
	case SDP_OP_NHOBJ_DUMP:
		return "nhobj-dump";
	}
	return "?";
}

/*
 * Errors
 */

void dp_error_clear(struct sdp *dp)
{
	dp->errbuf[0] = '\0';
}

void dp_error_set(struct sdp *dp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dp->errbuf, sizeof(dp->errbuf), fmt, ap);
	va_end(ap);
}

const char *dp_req_text(struct dp_req *r)
{
	if (!r->text && r->msg) {
		switch (r->op) {
		case SDP_OP_LSP_REPLACE:
		case SDP_OP_LSP_DELETE:
			r->text = dp_lsp_msg_text(r->msg, r->cmd);
			break;
		case SDP_OP_ROUTE_REPLACE:
		case SDP_OP_ROUTE_DELETE:
			r->text = dp_route_msg_text(r->msg, r->cmd);
			break;
		case SDP_OP_NHOBJ_REPLACE:
		case SDP_OP_NHOBJ_DELETE:
			r->text = dp_nhobj_msg_text(r->msg, r->cmd);
			break;
		default:
			break;
		}
	}
	return r->text ? r->text : "?";
}

/* "<text>: <strerror>[: <kernel message>]"; caller frees. */
char *dp_req_errtext(struct dp_req *r)
{
	const char *text = dp_req_text(r);

	if (r->errmsg && r->errmsg[0])
		return dp_asprintf("%s: %s: %s", text, strerror(-r->err),
				   r->errmsg);
	return dp_asprintf("%s: %s", text, strerror(-r->err));
}

void dp_error_from_req(struct sdp *dp, struct dp_req *r)
{
	const char *text = dp_req_text(r);

	if (r->errmsg && r->errmsg[0])
		dp_error_set(dp, "%s: %s: %s", text, strerror(-r->err),
			     r->errmsg);
	else
		dp_error_set(dp, "%s: %s", text, strerror(-r->err));
}

/* Record the answer to @r; @errmsg is copied. */
void dp_req_answer(struct dp_req *r, int err, const char *errmsg)
{
	free(r->errmsg);
	r->errmsg = (errmsg && errmsg[0]) ? strdup(errmsg) : NULL;
	r->err = err;
	r->done = true;
	r->waiting = false;
}

void dp_req_fini(struct dp_req *r)
{
	nlmsg_free(r->msg);
	free(r->text);
	free(r->errmsg);
	memset(r, 0, sizeof(*r));
}

/*
 * Libnl reports its own error space (-NLE_*); callers of this library
 * get errno values only, so map the ones libnl can produce locally.
 * Kernel answers never pass through here: they carry a real errno.
 */
int dp_nlerr(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
	case NLE_DUMP_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
	case NLE_MSG_OVERFLOW:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_PARSE_ERR:
		return -EBADMSG;
	}
	return -EIO;
}

char *dp_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/*
 * The request runner
 */

static bool dp_req_retry(struct dp_req *r)
{
	if (r->err != -ENOBUFS)
		return false;
	return r->tries < SDP_BATCH_TRIES;
}

int dp_req_run_one(struct sdp *dp, struct dp_req *r, int init_ret)
{
	struct dp_req *v[1] = {r};
	int ret = init_ret;

	if (ret == 0)
		ret = dp_reqs_run(dp, v, 1);
	else if (r->text)
		dp_error_from_req(dp, r);
	dp_req_fini(r);
	return ret;
}

int dp_reqs_run(struct sdp *dp, struct dp_req **v, size_t n)
{
	struct dp_req **pend;
	size_t i, npend;
	int first_err = 0;

	dp_error_clear(dp);
	pend = calloc(n ? n : 1, sizeof(*pend));
	if (!pend)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		v[i]->done = false;
		v[i]->tries = 0;
		v[i]->lost = false;
	}

	for (;;) {
		npend = 0;
		for (i = 0; i < n; i++)
			if (!v[i]->done)
				pend[npend++] = v[i];
		if (!npend)
			break;

		for (i = 0; i < npend; i++) {
			pend[i]->tries++;
			pend[i]->waiting = false;
		}
		if (dp->backend == SDP_BACKEND_NETLINK)
			dp_nl_exchange(dp, pend, npend);
		else
			dp_null_exchange(dp, pend, npend);

		for (i = 0; i < npend; i++) {
			struct dp_req *r = pend[i];

			/* An exchange must answer everything it was given. */
			if (!r->done)
				dp_req_answer(r, -EIO, "no answer");

			/*
			 * A delete resent after its answer was lost may
			 * have worked the first time.
			 */
			if (r->cmd == SDP_CMD_DELETE && r->tries > 1
			    && (r->err == -ESRCH || r->err == -ENOENT
				|| r->err == -ENODEV))
				dp_req_answer(r, 0, NULL);

			if (dp_req_retry(r)) {
				r->done = false;
				/* A fresh sequence number for the resend. */
				nlmsg_hdr(r->msg)->nlmsg_seq = NL_AUTO_SEQ;
			}
		}
	}
	free(pend);

	for (i = 0; i < n; i++) {
		if (v[i]->err && !first_err) {
			first_err = v[i]->err;
			dp_error_from_req(dp, v[i]);
		}
	}
	return first_err;
}

/* Run one request; takes ownership of @msg and @text. */
int dp_run_one(struct sdp *dp, enum sdp_op op, enum sdp_cmd cmd,
	       struct nl_msg *msg, char *text)
{
	struct dp_req r = {
		.op = op,
		.cmd = cmd,
		.msg = msg,
		.text = text,
	};
	struct dp_req *v[1] = {&r};
	int ret;

	if (!msg || !text) {
		dp_req_fini(&r);
		return -ENOMEM;
	}
	ret = dp_reqs_run(dp, v, 1);
	dp_req_fini(&r);
	return ret;
}

/*
 * Bounded string builder
 */

void dp_sb_init(struct dp_sb *sb, char *buf, size_t len)
{
	sb->buf = buf;
	sb->len = len;
	sb->off = 0;
	sb->trunc = (len == 0);
	if (len)
		buf[0] = '\0';
}

void dp_sb_printf(struct dp_sb *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->trunc)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->off, sb->len - sb->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->len - sb->off) {
		sb->trunc = true;
		sb->off = sb->len - 1;
		return;
	}
	sb->off += n;
}

int dp_sb_result(const struct dp_sb *sb)
{
	return sb->trunc ? -ENOSPC : 0;
}
