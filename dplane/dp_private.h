// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: internals shared by the dp_*.c files.
 *
 * DOC: how a request travels
 *
 * Every public write (a VRF, a link change, an LSP, a route) becomes a
 * struct dp_req: the rtnetlink message built by the object's file, the
 * canonical text that names it in logs and errors, and room for the
 * answer. dp_reqs_run() hands a set of them to the backend's exchange
 * function (dp_nl_exchange() or dp_null_exchange()), which fills in
 * each answer, and resends the ones answered with ENOBUFS. Single
 * requests are batches of one, so there is exactly one code path that
 * matches answers to requests.
 *
 * Reads (link lookups, dumps) are backend-specific: the netlink side
 * parses kernel replies through dp_nl_query(), the null side reads its
 * model. Sysctls are file I/O under a root directory (dp_sysctl.c), or
 * the null backend's memory store.
 *
 * Not installed; nothing outside dplane/ and its tests includes this.
 */

#ifndef SATNET_DP_PRIVATE_H
#define SATNET_DP_PRIVATE_H

#include <stdarg.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "satnet_dp.h"

#define DP_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Default wait for the kernel's answers (sdp_set_timeout()). */
#define DP_TIMEOUT_MS 5000

struct dp_null;

struct sdp {
	enum sdp_backend backend;

	/* netlink backend */
	struct nl_sock *sk;
	unsigned int timeout_ms;
	size_t nl_window; /* requests in flight; shrinks after an overrun */

	/* sysctl root; NULL: /proc/sys (netlink) or memory store (null) */
	char *sysctl_root;

	/* null backend: log, faults and fake kernel state */
	struct dp_null *null;

	/* sdp_last_error() */
	char errbuf[512];
};

/*
 * One request on its way to the kernel. Everything but the answer
 * fields is set by whoever creates it; dp_req_fini() frees msg, text
 * and errmsg.
 */
struct dp_req {
	enum sdp_op op;
	enum sdp_cmd cmd;
	struct nl_msg *msg; /* owned */
	/*
	 * owned, canonical "lsp replace in=...". LSP and route requests
	 * leave it NULL when their message could be built: it is made
	 * from the message only when somebody asks (dp_req_text()), i.e.
	 * when the request failed or the null backend logs it.
	 */
	char *text;
	void *cookie;

	/* answer */
	int err;      /* 0 or -errno */
	char *errmsg; /* owned; kernel extack or injected text, or NULL */
	bool done;

	/* exchange bookkeeping */
	unsigned int tries;
	bool lost;    /* answer lost to a receive-buffer overrun */
	bool waiting; /* sent, answer not yet seen */
	uint32_t seq;
	/* netlink: its datagram's first request (index in the window), and
	 * whether it is the datagram's last, the one that asks for an ACK */
	size_t chunk_first;
	bool chunk_tail;
};

/* dp_core.c */
void dp_error_clear(struct sdp *dp);
void dp_error_set(struct sdp *dp, const char *fmt, ...) DP_PRINTF(2, 3);
void dp_error_from_req(struct sdp *dp, struct dp_req *r);
char *dp_req_errtext(struct dp_req *r);
/* The request's canonical text, made from its message if not yet there;
 * never NULL ("?" when it cannot be made). */
const char *dp_req_text(struct dp_req *r);
void dp_req_answer(struct dp_req *r, int err, const char *errmsg);
void dp_req_fini(struct dp_req *r);
int dp_reqs_run(struct sdp *dp, struct dp_req **v, size_t n);
/* Run one request that its init function (returning init_ret) filled,
 * record the error of a request that could not even be built, free it. */
int dp_req_run_one(struct sdp *dp, struct dp_req *r, int init_ret);
int dp_run_one(struct sdp *dp, enum sdp_op op, enum sdp_cmd cmd,
	       struct nl_msg *msg, char *text);
int dp_nlerr(int nlerr);
char *dp_asprintf(const char *fmt, ...) DP_PRINTF(1, 2);

/* Bounded string builder for canonical texts; never overflows. */
struct dp_sb {
	char *buf;
	size_t len;
	size_t off;
	bool trunc;
};
void dp_sb_init(struct dp_sb *sb, char *buf, size_t len);
void dp_sb_printf(struct dp_sb *sb, const char *fmt, ...) DP_PRINTF(2, 3);
int dp_sb_result(const struct dp_sb *sb);

/* dp_nl.c */
int dp_nl_open(struct sdp *dp);
void dp_nl_close(struct sdp *dp);
void dp_nl_exchange(struct sdp *dp, struct dp_req **v, size_t n);
typedef int (*dp_parse_fn)(const struct nlmsghdr *nlh, void *arg);
int dp_nl_query(struct sdp *dp, struct nl_msg *msg, dp_parse_fn parse,
		void *arg, char *errmsg, size_t errlen);
int dp_nl_extack(const struct nlmsghdr *nlh, char *buf, size_t len);

/* dp_null.c */
int dp_null_open(struct sdp *dp);
void dp_null_close(struct sdp *dp);
void dp_null_exchange(struct sdp *dp, struct dp_req **v, size_t n);
int dp_null_record(struct sdp *dp, enum sdp_op op, const char *text,
		   const char **errmsg);
void dp_null_result(struct sdp *dp, int result);
int dp_null_link_get(struct sdp *dp, const char *name, uint32_t ifindex,
		     struct sdp_link *link);
int dp_null_lsp_dump(struct sdp *dp, sdp_lsp_cb cb, void *arg);
int dp_null_link_dump(struct sdp *dp, sdp_link_cb cb, void *arg);
int dp_null_route_dump(struct sdp *dp, int family, uint32_t table,
		       sdp_route_cb cb, void *arg);
int dp_null_nhobj_dump(struct sdp *dp, uint8_t proto, uint32_t id_min,
		       uint32_t id_max, sdp_nhobj_cb cb, void *arg);
int dp_null_rule_dump(struct sdp *dp, int family, dp_parse_fn parse, void *arg);
int dp_null_sysctl_get(struct sdp *dp, const char *path, char *buf, size_t len);
int dp_null_sysctl_set(struct sdp *dp, const char *path, const char *value);

/* dp_link.c */
int dp_link_parse(const struct nlmsghdr *nlh, struct sdp_link *link);

/*
 * dp_lsp.c, dp_route.c: fill a zeroed request; its text only when the
 * message cannot be built (dp_req_text() makes it from the message
 * otherwise).
 */
int dp_lsp_req_init(struct dp_req *r, const struct sdp_lsp *lsp,
		    enum sdp_cmd cmd);
int dp_route_req_init(struct dp_req *r, const struct sdp_route *route,
		      enum sdp_cmd cmd);
int dp_nhobj_req_init(struct dp_req *r, const struct sdp_nhobj *o,
		      enum sdp_cmd cmd);
/* The canonical text of a built LSP / route / object message; caller
 * frees. */
char *dp_lsp_msg_text(struct nl_msg *msg, enum sdp_cmd cmd);
char *dp_route_msg_text(struct nl_msg *msg, enum sdp_cmd cmd);
char *dp_nhobj_msg_text(struct nl_msg *msg, enum sdp_cmd cmd);

/* dp_isolation.c */
int dp_rule_build(int family, uint32_t pref, uint32_t table, bool add,
		  struct nl_msg **msgp);

/* dp_nexthop.c: shared by LSPs (AF_MPLS) and routes (AF_INET/6) */
uint32_t dp_lse_encode(uint32_t label, bool bos);
int dp_nexthops_check(const struct sdp_nexthop *nh, size_t n, bool mpls);
int dp_nexthops_put(struct nl_msg *msg, struct rtmsg *rtm,
		    const struct sdp_nexthop *nh, size_t n);
int dp_nexthops_parse(const struct rtmsg *rtm, struct nlattr **tb,
		      struct sdp_nexthop *nh, size_t nh_max, size_t *n);
void dp_nexthops_format(struct dp_sb *sb, const struct sdp_nexthop *nh,
			size_t n);
/* The MPLS encapsulation of @nh's labels as @encap_type / @encap
 * attributes (RTA_ENCAP_TYPE/RTA_ENCAP or NHA_ENCAP_TYPE/NHA_ENCAP). */
int dp_nh_put_encap(struct nl_msg *msg, int encap_type, int encap,
		    const struct sdp_nexthop *nh);
int dp_nh_get_encap_labels(const struct nlattr *type,
			   const struct nlattr *encap, struct sdp_nexthop *nh);
size_t dp_nexthops_msg_size(size_t n);
int dp_addr_len(int family);

#endif /* SATNET_DP_PRIVATE_H */
