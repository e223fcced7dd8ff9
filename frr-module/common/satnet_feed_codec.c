// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_feed_codec.c: frames of proto/satnet.proto (see the header).
 *
 * Nothing decoded is used before it is checked: the length before the
 * payload is read, the message before its body, each field before it is
 * copied into fixed-size plain structs. The protobuf-c structs never
 * leave this file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "satnet.pb-c.h"
#include "satnet_feed_codec.h"

/* --- field checks */

bool snf_vrf_name_valid(const char *name)
{
	size_t n;

	if (!name)
		return false;
	n = strlen(name);
	if (n == 0 || n >= SNF_VRF_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		/* printable, no blank, no '/' (a Linux device name) */
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '/')
			return false;
	return strcmp(name, ".") && strcmp(name, "..");
}

/* A decimal number without sign or leading garbage, at most @max. */
static bool parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/*
 * An RD as FRR prints it (bgpd/bgp_rd.c prefix_rd2str): type 0
 * "ASN2:NN32", type 1 "A.B.C.D:NN16", type 2 "ASN4:NN16".
 */
bool snf_rd_valid(const char *rd)
{
	const char *colon;
	char ip[INET_ADDRSTRLEN];
	struct in_addr a;
	uint64_t asn, nn;
	size_t left;

	if (!rd || strnlen(rd, SNF_RD_LEN) >= SNF_RD_LEN)
		return false;
	colon = strrchr(rd, ':');
	if (!colon || colon == rd)
		return false;
	left = (size_t)(colon - rd);
	if (memchr(rd, '.', left)) {
		if (left >= sizeof(ip))
			return false;
		memcpy(ip, rd, left);
		ip[left] = '\0';
		return inet_pton(AF_INET, ip, &a) == 1 &&
		       parse_uint(colon + 1, strlen(colon + 1), UINT16_MAX,
				  &nn);
	}
	if (!parse_uint(rd, left, UINT32_MAX, &asn))
		return false;
	return parse_uint(colon + 1, strlen(colon + 1),
			  asn > UINT16_MAX ? UINT16_MAX : UINT32_MAX, &nn);
}

int snf_prefix_canon(const char *in, char *out, size_t outlen)
{
	char addr[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN];
	unsigned char bytes[16];
	const char *slash;
	uint64_t plen;
	size_t alen;
	int family, max, full;

	if (!in || strnlen(in, SNF_PREFIX_LEN) >= SNF_PREFIX_LEN)
		return -1;
	slash = strchr(in, '/');
	if (!slash)
		return -1;
	alen = (size_t)(slash - in);
	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, in, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, bytes) == 1) {
		family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, bytes) == 1) {
		family = AF_INET6;
		max = 128;
	} else
		return -1;
	if (!parse_uint(slash + 1, strlen(slash + 1), (uint64_t)max, &plen))
		return -1;
	/* host bits must be clear: bgpd's prefixes are */
	full = (int)plen / 8;
	if (full < max / 8 && (bytes[full] & (0xff >> (plen % 8))))
		return -1;
	for (int i = full + 1; i < max / 8; i++)
		if (bytes[i])
			return -1;
	if (!inet_ntop(family, bytes, buf, sizeof(buf)))
		return -1;
	if ((size_t)snprintf(out, outlen, "%s/%u", buf, (unsigned int)plen) >=
	    outlen)
		return -1;
	return 0;
}

/* --- encoding */

static int frame_pack(const Satnet__Event *ev, uint8_t **frame, size_t *len)
{
	size_t n = satnet__event__get_packed_size(ev);
	uint8_t *buf;

	if (n > SNF_FRAME_MAX)
		return -EMSGSIZE;
	buf = malloc(SNF_HDR_LEN + n);
	if (!buf)
		return -ENOMEM;
	buf[0] = (uint8_t)(n >> 24);
	buf[1] = (uint8_t)(n >> 16);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	satnet__event__pack(ev, buf + SNF_HDR_LEN);
	*frame = buf;
	*len = SNF_HDR_LEN + n;
	return 0;
}

int snf_encode_hello(const char *daemon, uint8_t **frame, size_t *len)
{
	Satnet__Event ev = SATNET__EVENT__INIT;
	Satnet__Hello h = SATNET__HELLO__INIT;

	if (!daemon || !daemon[0] || strlen(daemon) >= SNF_DAEMON_LEN)
		return -EINVAL;
	h.version = SNF_VERSION;
	h.daemon = (char *)daemon;
	ev.body_case = SATNET__EVENT__BODY_HELLO;
	ev.hello = &h;
	return frame_pack(&ev, frame, len);
}

/* Every field of @vrf the decoder checks, for @max imports at most. */
static bool vrf_fields_valid(const struct snf_vrf *vrf, size_t max)
{
	char canon[SNF_PREFIX_LEN];

	if (!snf_vrf_name_valid(vrf->name) ||
	    (vrf->export_rd[0] && !snf_rd_valid(vrf->export_rd)) ||
	    vrf->n_imports > max)
		return false;
	for (size_t i = 0; i < vrf->n_imports; i++) {
		const struct snf_import *in = &vrf->imports[i];

		if (snf_prefix_canon(in->prefix, canon, sizeof(canon)) ||
		    !snf_rd_valid(in->rd) || in->label > SNF_LABEL_MAX)
			return false;
	}
	return true;
}

/* One frame: imports [first, first + count) of @vrf (checked). */
static int encode_slice(const struct snf_vrf *vrf, size_t first, size_t count,
			bool more, uint8_t **frame, size_t *len)
{
	Satnet__Event ev = SATNET__EVENT__INIT;
	Satnet__VrfSnapshot s = SATNET__VRF_SNAPSHOT__INIT;
	Satnet__VpnImport *imp = NULL, **ptrs = NULL;
	int ret;

	if (count) {
		imp = calloc(count, sizeof(*imp));
		ptrs = calloc(count, sizeof(*ptrs));
		if (!imp || !ptrs) {
			free(imp);
			free(ptrs);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < count; i++) {
		const struct snf_import *in = &vrf->imports[first + i];

		satnet__vpn_import__init(&imp[i]);
		imp[i].prefix = (char *)in->prefix;
		imp[i].rd = (char *)in->rd;
		imp[i].label = in->label;
		ptrs[i] = &imp[i];
	}
	s.vrf = (char *)vrf->name;
	s.export_rd = vrf->export_rd[0] ? (char *)vrf->export_rd : NULL;
	s.n_imports = count;
	s.imports = ptrs;
	s.has_more = more;
	s.more = more;
	ev.body_case = SATNET__EVENT__BODY_VRF_SNAPSHOT;
	ev.vrf_snapshot = &s;
	ret = frame_pack(&ev, frame, len);
	free(imp);
	free(ptrs);
	return ret;
}

int snf_encode_vrf(const struct snf_vrf *vrf, uint8_t **frame, size_t *len)
{
	if (!vrf_fields_valid(vrf, SNF_MAX_IMPORTS))
		return -EINVAL;
	return encode_slice(vrf, 0, vrf->n_imports, vrf->more, frame, len);
}

int snf_encode_vrf_parts(const struct snf_vrf *vrf, size_t part,
			 uint8_t **frames, size_t *len, unsigned int *nframes)
{
	unsigned int count_frames = 0;
	uint8_t *all = NULL, *f, *grown;
	size_t used = 0, flen, first = 0;
	int ret;

	if (!part)
		part = SNF_PART_IMPORTS;
	if (part > SNF_MAX_IMPORTS ||
	    !vrf_fields_valid(vrf, SNF_VRF_MAX_IMPORTS))
		return -EINVAL;
	do {
		size_t left = vrf->n_imports - first;
		size_t count = left < part ? left : part;
		bool more = first + count < vrf->n_imports;

		ret = encode_slice(vrf, first, count, more, &f, &flen);
		if (ret) {
			free(all);
			return ret;
		}
		grown = realloc(all, used + flen);
		if (!grown) {
			free(f);
			free(all);
			return -ENOMEM;
		}
		all = grown;
		memcpy(all + used, f, flen);
		used += flen;
		free(f);
		first += count;
		count_frames++;
	} while (first < vrf->n_imports);
	*frames = all;
	*len = used;
	*nframes = count_frames;
	return 0;
}

int snf_encode_vrf_gone(const char *vrf, uint8_t **frame, size_t *len)
{
	Satnet__Event ev = SATNET__EVENT__INIT;
	Satnet__VrfGone g = SATNET__VRF_GONE__INIT;

	if (!snf_vrf_name_valid(vrf))
		return -EINVAL;
	g.vrf = (char *)vrf;
	ev.body_case = SATNET__EVENT__BODY_VRF_GONE;
	ev.vrf_gone = &g;
	return frame_pack(&ev, frame, len);
}

/* --- decoding */

static int refuse(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* printable excerpt of a refused string, for the reason */
static const char *excerpt(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < len; i++)
		buf[i] = (s[i] > ' ' && s[i] <= '~') ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static int decode_vrf(const Satnet__VrfSnapshot *s, struct snf_vrf *out,
		      char *why, size_t whylen)
{
	char ex[24];

	if (!snf_vrf_name_valid(s->vrf))
		return refuse(why, whylen, "VRF snapshot: bad VRF name \"%s\"",
			      excerpt(s->vrf, ex, sizeof(ex)));
	strcpy(out->name, s->vrf);
	if (s->export_rd) {
		if (!snf_rd_valid(s->export_rd))
			return refuse(why, whylen,
				      "VRF %s: bad export RD \"%s\"", out->name,
				      excerpt(s->export_rd, ex, sizeof(ex)));
		strcpy(out->export_rd, s->export_rd);
	}
	if (s->n_imports > SNF_MAX_IMPORTS)
		return refuse(why, whylen, "VRF %s: %zu imports (at most %d)",
			      out->name, s->n_imports, SNF_MAX_IMPORTS);
	out->more = s->has_more && s->more;
	if (!s->n_imports)
		return 0;
	out->imports = calloc(s->n_imports, sizeof(*out->imports));
	if (!out->imports)
		return refuse(why, whylen, "VRF %s: out of memory", out->name);
	for (size_t i = 0; i < s->n_imports; i++) {
		const Satnet__VpnImport *in = s->imports[i];
		struct snf_import *o = &out->imports[i];

		if (snf_prefix_canon(in->prefix, o->prefix, sizeof(o->prefix)))
			return refuse(why, whylen,
				      "VRF %s import %zu: bad prefix \"%s\"",
				      out->name, i,
				      excerpt(in->prefix, ex, sizeof(ex)));
		if (!snf_rd_valid(in->rd))
			return refuse(why, whylen,
				      "VRF %s import %s: bad RD \"%s\"",
				      out->name, o->prefix,
				      excerpt(in->rd, ex, sizeof(ex)));
		strcpy(o->rd, in->rd);
		if (in->label > SNF_LABEL_MAX)
			return refuse(why, whylen,
				      "VRF %s import %s: label %" PRIu32
				      " is not 20 bits",
				      out->name, o->prefix, in->label);
		o->label = in->label;
		out->n_imports = i + 1;
	}
	return 0;
}

static int decode_event(const Satnet__Event *ev, struct snf_msg *msg, char *why,
			size_t whylen)
{
	char ex[24];

	switch (ev->body_case) {
	case SATNET__EVENT__BODY_HELLO:
		if (!ev->hello->daemon[0] ||
		    strlen(ev->hello->daemon) >= SNF_DAEMON_LEN)
			return refuse(why, whylen, "hello: bad daemon name");
		msg->type = SNF_HELLO;
		msg->version = ev->hello->version;
		strcpy(msg->daemon,
		       excerpt(ev->hello->daemon, ex, sizeof(msg->daemon)));
		return 0;
	case SATNET__EVENT__BODY_VRF_SNAPSHOT:
		msg->type = SNF_VRF_SNAPSHOT;
		return decode_vrf(ev->vrf_snapshot, &msg->vrf, why, whylen);
	case SATNET__EVENT__BODY_VRF_GONE:
		if (!snf_vrf_name_valid(ev->vrf_gone->vrf))
			return refuse(
				why, whylen, "VRF gone: bad VRF name \"%s\"",
				excerpt(ev->vrf_gone->vrf, ex, sizeof(ex)));
		msg->type = SNF_VRF_GONE;
		strcpy(msg->vrf.name, ev->vrf_gone->vrf);
		return 0;
	case SATNET__EVENT__BODY__NOT_SET:
		return refuse(why, whylen, "event without a body");
	default:
		break;
	}
	return refuse(why, whylen, "unknown event type %d", (int)ev->body_case);
}

int snf_decode_frame(const uint8_t *buf, size_t have, size_t *used,
		     size_t *need, struct snf_msg *msg, char *why,
		     size_t whylen)
{
	Satnet__Event *ev;
	uint32_t n;
	int ret;

	memset(msg, 0, sizeof(*msg));
	if (have < SNF_HDR_LEN) {
		if (need)
			*need = SNF_HDR_LEN;
		return 0;
	}
	n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	    (uint32_t)buf[2] << 8 | buf[3];
	if (n > SNF_FRAME_MAX)
		return refuse(why, whylen,
			      "frame of %" PRIu32 " bytes (at most %d)", n,
			      SNF_FRAME_MAX);
	if (have - SNF_HDR_LEN < n) {
		if (need)
			*need = SNF_HDR_LEN + n;
		return 0;
	}
	ev = satnet__event__unpack(NULL, n, buf + SNF_HDR_LEN);
	if (!ev)
		return refuse(
			why, whylen,
			"frame of %" PRIu32 " bytes is not a satnet event", n);
	ret = decode_event(ev, msg, why, whylen);
	satnet__event__free_unpacked(ev, NULL);
	if (ret) {
		snf_msg_free(msg);
		return -1;
	}
	*used = SNF_HDR_LEN + n;
	return 1;
}

void snf_msg_free(struct snf_msg *msg)
{
	free(msg->vrf.imports);
	msg->vrf.imports = NULL;
	msg->vrf.n_imports = 0;
}

/* --- snapshots in parts (receiver) */

int snf_asm_add(struct snf_asm *a, struct snf_vrf *part, struct snf_vrf *out,
		char *why, size_t whylen)
{
	struct snf_import *grown;
	size_t total;

	if (a->cur.name[0] && strcmp(a->cur.name, part->name)) {
		refuse(why, whylen,
		       "VRF %s: snapshot part while VRF %s's has %zu routes and is not complete",
		       part->name, a->cur.name, a->cur.n_imports);
		snf_asm_free(a);
		return -1;
	}
	if (!a->cur.name[0] && !part->more) {
		/* whole in one frame */
		*out = *part;
		part->imports = NULL;
		part->n_imports = 0;
		return 1;
	}
	total = a->cur.n_imports + part->n_imports;
	if (total > SNF_VRF_MAX_IMPORTS) {
		refuse(why, whylen, "VRF %s: snapshot of more than %d routes",
		       part->name, SNF_VRF_MAX_IMPORTS);
		snf_asm_free(a);
		return -1;
	}
	if (!a->cur.name[0]) {
		strcpy(a->cur.name, part->name);
		strcpy(a->cur.export_rd, part->export_rd);
	}
	if (total > a->cap) {
		size_t cap = a->cap * 2 > total ? a->cap * 2 : total;

		grown = realloc(a->cur.imports, cap * sizeof(*grown));
		if (!grown) {
			refuse(why, whylen,
			       "VRF %s: out of memory for %zu routes",
			       part->name, total);
			snf_asm_free(a);
			return -1;
		}
		a->cur.imports = grown;
		a->cap = cap;
	}
	if (part->n_imports)
		memcpy(a->cur.imports + a->cur.n_imports, part->imports,
		       part->n_imports * sizeof(*part->imports));
	a->cur.n_imports = total;
	free(part->imports);
	part->imports = NULL;
	part->n_imports = 0;
	if (part->more)
		return 0;
	*out = a->cur;
	out->more = false;
	memset(a, 0, sizeof(*a));
	return 1;
}

void snf_asm_drop(struct snf_asm *a, const char *vrf)
{
	if (a->cur.name[0] && !strcmp(a->cur.name, vrf))
		snf_asm_free(a);
}

void snf_asm_free(struct snf_asm *a)
{
	free(a->cur.imports);
	memset(a, 0, sizeof(*a));
}
