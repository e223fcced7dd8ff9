// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_routes_fmt.c: text rows and JSON objects of `show satnet routes`.
 *
 * Everything is appended to the caller's buffer through struct out; the
 * first piece that does not fit marks it failed, and a failed piece
 * leaves an empty string behind, so a caller never prints half a row or
 * half an object (which would make the streamed JSON invalid).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "satnet_routes_fmt.h"

struct out {
	char *buf;
	size_t len, used;
	bool full;
};

static void out_add(struct out *o, const char *s, size_t n)
{
	if (o->full)
		return;
	if (o->used + n + 1 > o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->used, s, n);
	o->used += n;
	o->buf[o->used] = '\0';
}

static void out_str(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void out_fmt(struct out *o,
							  const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used) {
		o->full = true;
		return;
	}
	o->used += (size_t)n;
}

static int out_end(struct out *o)
{
	if (o->full) {
		if (o->len)
			o->buf[0] = '\0';
		return -1;
	}
	return (int)o->used;
}

static void out_jstr(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *c;

	out_add(o, "\"", 1);
	for (c = (const unsigned char *)(s ? s : ""); *c; c++) {
		switch (*c) {
		case '"':
			out_add(o, "\\\"", 2);
			break;
		case '\\':
			out_add(o, "\\\\", 2);
			break;
		case '\n':
			out_add(o, "\\n", 2);
			break;
		case '\t':
			out_add(o, "\\t", 2);
			break;
		default:
			if (*c < 0x20) {
				char e[6] = {'\\', 'u',		 '0',
					     '0',  hex[*c >> 4], hex[*c & 15]};

				out_add(o, e, 6);
			} else
				out_add(o, (const char *)c, 1);
		}
	}
	out_add(o, "\"", 1);
}

/* "key": */
static void out_key(struct out *o, bool *first, const char *key)
{
	if (!*first)
		out_add(o, ",", 1);
	*first = false;
	out_jstr(o, key);
	out_add(o, ":", 1);
}

static void out_kstr(struct out *o, bool *first, const char *key,
		     const char *val)
{
	out_key(o, first, key);
	if (val)
		out_jstr(o, val);
	else
		out_str(o, "null");
}

static void out_kbool(struct out *o, bool *first, const char *key, bool val)
{
	out_key(o, first, key);
	out_str(o, val ? "true" : "false");
}

static void out_klabel(struct out *o, bool *first, const char *key,
		       int64_t label)
{
	out_key(o, first, key);
	if (label < 0)
		out_str(o, "null");
	else
		out_fmt(o, "%" PRId64, label);
}

static void out_kopt(struct out *o, bool *first, const char *key, bool has,
		     uint32_t val)
{
	out_key(o, first, key);
	if (has)
		out_fmt(o, "%" PRIu32, val);
	else
		out_str(o, "null");
}

static const char *kernel_state(enum snr_kernel k)
{
	switch (k) {
	case SNR_KERNEL_ABSENT:
		return "absent";
	case SNR_KERNEL_PRESENT:
		return "installed";
	case SNR_KERNEL_UNKNOWN:
		break;
	}
	return "unknown";
}

int snr_json_string(const char *s, char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = len};

	out_jstr(&o, s);
	return out_end(&o);
}

int snr_json_path(enum snr_view view, const struct snr_path *p, char *buf,
		  size_t len)
{
	struct out o = {.buf = buf, .len = len};
	bool first = true;

	if (len)
		buf[0] = '\0';
	out_add(&o, "{", 1);
	out_kstr(&o, &first, "prefix", p->prefix);
	out_kstr(&o, &first, "nexthop",
		 p->nexthop && p->nexthop[0] ? p->nexthop : NULL);
	out_kstr(&o, &first, "peer", p->peer);
	out_kbool(&o, &first, "best", p->best);
	out_kbool(&o, &first, "valid", p->valid);
	out_kopt(&o, &first, "med", p->has_med, p->med);
	out_kopt(&o, &first, "localPref", p->has_local_pref, p->local_pref);
	out_kstr(&o, &first, "asPath", p->as_path ? p->as_path : "");
	out_kstr(&o, &first, "extCommunities",
		 p->ext_communities ? p->ext_communities : "");
	if (view == SNR_VIEW_RD) {
		out_klabel(&o, &first, "receivedLabel", p->label_received);
		out_klabel(&o, &first, "localLabel", p->label_local);
	} else {
		out_kstr(&o, &first, "importedFromRd", p->imported_rd);
		out_klabel(&o, &first, "vpnLabel", p->vpn_label);
		out_kstr(&o, &first, "kernel", kernel_state(p->kernel));
		out_key(&o, &first, "kernelLabels");
		if (p->kernel != SNR_KERNEL_PRESENT)
			out_str(&o, "null");
		else {
			out_add(&o, "[", 1);
			for (unsigned int i = 0; i < p->kernel_n_nh; i++) {
				const struct snr_kernel_nh *nh =
					&p->kernel_nh[i];

				out_str(&o, i ? ",[" : "[");
				for (unsigned int j = 0; j < nh->n_labels; j++)
					out_fmt(&o, "%s%" PRIu32, j ? "," : "",
						nh->labels[j]);
				out_add(&o, "]", 1);
			}
			out_add(&o, "]", 1);
		}
	}
	out_add(&o, "}", 1);
	return out_end(&o);
}

int snr_kernel_text(const struct snr_path *p, char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = len};

	if (p->kernel != SNR_KERNEL_PRESENT) {
		out_str(&o, kernel_state(p->kernel));
		return out_end(&o);
	}
	for (unsigned int i = 0; i < p->kernel_n_nh; i++) {
		const struct snr_kernel_nh *nh = &p->kernel_nh[i];

		if (i)
			out_add(&o, ",", 1);
		if (!nh->n_labels)
			out_add(&o, "-", 1);
		for (unsigned int j = 0; j < nh->n_labels; j++)
			out_fmt(&o, "%s%" PRIu32, j ? "/" : "", nh->labels[j]);
	}
	if (!p->kernel_n_nh)
		out_add(&o, "-", 1);
	return out_end(&o);
}

static void label_cell(char *cell, size_t len, int64_t label)
{
	if (label < 0)
		snprintf(cell, len, "-");
	else
		snprintf(cell, len, "%" PRId64, label);
}

int snr_text_header(enum snr_view view, char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = len};

	if (view == SNR_VIEW_RD)
		out_fmt(&o,
			"   %-20s %-16s %-8s %-8s %-16s %10s %10s  %-12s %s\n",
			"Prefix", "Next hop", "RxLabel", "LocLabel", "Peer",
			"MED", "LocPrf", "AS path", "Ext communities");
	else
		out_fmt(&o, "   %-20s %-16s %-16s %-21s %-8s %-16s %s\n",
			"Prefix", "Next hop", "Peer", "Imported from RD",
			"VpnLabel", "Kernel labels", "AS path");
	return out_end(&o);
}

int snr_text_row(enum snr_view view, const struct snr_path *p, char *buf,
		 size_t len)
{
	struct out o = {.buf = buf, .len = len};
	char a[24], b[24], kern[128];
	const char *nh = p->nexthop && p->nexthop[0] ? p->nexthop : "-";
	const char *asp = p->as_path && p->as_path[0] ? p->as_path : "-";

	/* status codes as bgpd's: '*' valid, '>' best */
	out_fmt(&o, "%c%c ", p->valid ? '*' : ' ', p->best ? '>' : ' ');
	if (view == SNR_VIEW_RD) {
		char med[12] = "-", lp[12] = "-";

		label_cell(a, sizeof(a), p->label_received);
		label_cell(b, sizeof(b), p->label_local);
		if (p->has_med)
			snprintf(med, sizeof(med), "%" PRIu32, p->med);
		if (p->has_local_pref)
			snprintf(lp, sizeof(lp), "%" PRIu32, p->local_pref);
		out_fmt(&o, "%-20s %-16s %-8s %-8s %-16s %10s %10s  %-12s %s\n",
			p->prefix, nh, a, b, p->peer, med, lp, asp,
			p->ext_communities && p->ext_communities[0]
				? p->ext_communities
				: "-");
	} else {
		label_cell(a, sizeof(a), p->vpn_label);
		if (snr_kernel_text(p, kern, sizeof(kern)) < 0)
			snprintf(kern, sizeof(kern), "(too long)");
		out_fmt(&o, "%-20s %-16s %-16s %-21s %-8s %-16s %s\n",
			p->prefix, nh, p->peer,
			p->imported_rd ? p->imported_rd : "-", a, kern, asp);
	}
	return out_end(&o);
}
