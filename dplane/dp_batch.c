// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: batches of LSP and route requests.
 *
 * DOC: why batches
 *
 * The dplane provider dequeues up to its work limit of contexts at a
 * time; waiting for one ACK per LSP would make a full-table install
 * after a restart cost one round trip per label. A batch builds every
 * message up front (so a malformed request is refused at add time,
 * with nothing sent), then hands all of them to dp_reqs_run(), which
 * sends them back to back and matches the answers. Each entry keeps
 * its own result and text so the provider can set each context's
 * status individually.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_private.h"

struct sdp_batch {
	struct sdp *dp;
	struct dp_req *reqs;
	size_t n, cap;
	bool sent;
	char **errtext; /* per entry, built after sending */
};

int sdp_batch_new(struct sdp *dp, struct sdp_batch **bp)
{
	struct sdp_batch *b;

	*bp = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->dp = dp;
	*bp = b;
	return 0;
}

void sdp_batch_free(struct sdp_batch *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++) {
		dp_req_fini(&b->reqs[i]);
		if (b->errtext)
			free(b->errtext[i]);
	}
	free(b->errtext);
	free(b->reqs);
	free(b);
}

size_t sdp_batch_count(const struct sdp_batch *b)
{
	return b->n;
}

static struct dp_req *dp_batch_slot(struct sdp_batch *b)
{
	struct dp_req *reqs;
	size_t cap;

	if (b->n == b->cap) {
		cap = b->cap ? 2 * b->cap : 16;
		reqs = realloc(b->reqs, cap * sizeof(*reqs));
		if (!reqs)
			return NULL;
		b->reqs = reqs;
		b->cap = cap;
	}
	memset(&b->reqs[b->n], 0, sizeof(b->reqs[0]));
	return &b->reqs[b->n];
}

/* Keep the slot only if the request could be built. */
static int dp_batch_commit(struct sdp_batch *b, struct dp_req *r, int ret,
			   void *cookie)
{
	if (ret < 0) {
		if (r->text)
			dp_error_from_req(b->dp, r);
		dp_req_fini(r);
		return ret;
	}
	r->cookie = cookie;
	b->n++;
	return 0;
}

int sdp_batch_add_lsp(struct sdp_batch *b, enum sdp_cmd cmd,
		      const struct sdp_lsp *lsp, void *cookie)
{
	struct dp_req *r;

	if (b->sent)
		return -EALREADY;
	r = dp_batch_slot(b);
	if (!r)
		return -ENOMEM;
	return dp_batch_commit(b, r, dp_lsp_req_init(r, lsp, cmd), cookie);
}

int sdp_batch_add_route(struct sdp_batch *b, enum sdp_cmd cmd,
			const struct sdp_route *route, void *cookie)
{
	struct dp_req *r;

	if (b->sent)
		return -EALREADY;
	r = dp_batch_slot(b);
	if (!r)
		return -ENOMEM;
	return dp_batch_commit(b, r, dp_route_req_init(r, route, cmd), cookie);
}

int sdp_batch_add_nhobj(struct sdp_batch *b, enum sdp_cmd cmd,
			const struct sdp_nhobj *o, void *cookie)
{
	struct dp_req *r;

	if (b->sent)
		return -EALREADY;
	r = dp_batch_slot(b);
	if (!r)
		return -ENOMEM;
	return dp_batch_commit(b, r, dp_nhobj_req_init(r, o, cmd), cookie);
}

int sdp_batch_send(struct sdp_batch *b)
{
	struct dp_req **v;
	size_t i;
	int ret;

	if (b->sent)
		return -EALREADY;
	b->errtext = calloc(b->n ? b->n : 1, sizeof(*b->errtext));
	v = calloc(b->n ? b->n : 1, sizeof(*v));
	if (!b->errtext || !v) {
		free(v);
		free(b->errtext);
		b->errtext = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < b->n; i++)
		v[i] = &b->reqs[i];

	ret = dp_reqs_run(b->dp, v, b->n);
	b->sent = true;
	free(v);

	for (i = 0; i < b->n; i++)
		if (b->reqs[i].err)
			b->errtext[i] = dp_req_errtext(&b->reqs[i]);
	return ret;
}

int sdp_batch_result(const struct sdp_batch *b, size_t idx, void **cookie,
		     const char **errtext)
{
	if (idx >= b->n)
		return -EINVAL;
	if (cookie)
		*cookie = b->reqs[idx].cookie;
	if (errtext)
		*errtext = NULL;
	if (!b->sent)
		return -EINPROGRESS;
	if (errtext)
		*errtext = b->errtext[idx];
	return b->reqs[idx].err;
}
