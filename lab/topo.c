// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * topo.c: the topology file (JSON, parsed with json-c) -> struct topo.
 *
 * Everything is checked here, once: unknown keys (typos), names usable as
 * network namespace, container and interface names, addresses inside
 * their subnets, references between sections. Later stages trust the
 * result. Errors name the file and the place: "FILE: links[2].b: ...".
 * lab/README.md documents the schema.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "satnet-lab.h"

struct ctx {
	const char *file;
	char where[128];
	bool failed;
};

static void perr(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void perr(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return; /* the first error is the useful one */
	c->failed = true;
	fprintf(stderr, "%s: %s%s", c->file, c->where, c->where[0] ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void at(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void at(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->where, sizeof(c->where), fmt, ap);
	va_end(ap);
}

/* Reject keys not in `allowed` (NULL-terminated). */
static void check_keys(struct ctx *c, struct json_object *o,
		       const char *const allowed[])
{
	json_object_object_foreach(o, key, val)
	{
		bool ok = false;

		(void)val;
		for (int i = 0; allowed[i]; i++)
			if (!strcmp(key, allowed[i]))
				ok = true;
		if (!ok) {
			char list[512] = "";

			for (int i = 0; allowed[i]; i++) {
				strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
				strncat(list, allowed[i], sizeof(list) - strlen(list) - 1);
			}
			perr(c, "unknown key \"%s\" (known: %s)", key, list);
			return;
		}
	}
}

static const char *get_str(struct ctx *c, struct json_object *o,
			   const char *key, bool required)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			perr(c, "\"%s\" is required", key);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_string)) {
		perr(c, "\"%s\" must be a string", key);
		return NULL;
	}
	return json_object_get_string(v);
}

static bool get_num(struct ctx *c, struct json_object *o, const char *key,
		    double *out, double lo, double hi)
{
	struct json_object *v;
	double d;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return false;
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double)) {
		perr(c, "\"%s\" must be a number", key);
		return false;
	}
	d = json_object_get_double(v);
	if (!isfinite(d) || d < lo || d > hi) {
		perr(c, "\"%s\" = %g is out of range [%g, %g]", key, d, lo, hi);
		return false;
	}
	*out = d;
	return true;
}

static bool get_u32(struct ctx *c, struct json_object *o, const char *key,
		    uint32_t *out, uint32_t lo, uint32_t hi)
{
	double d;

	if (!get_num(c, o, key, &d, lo, hi))
		return false;
	if (d != floor(d)) {
		perr(c, "\"%s\" must be an integer", key);
		return false;
	}
	*out = (uint32_t)d;
	return true;
}

static bool get_bool(struct ctx *c, struct json_object *o, const char *key,
		     bool *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return false;
	if (!json_object_is_type(v, json_type_boolean)) {
		perr(c, "\"%s\" must be true or false", key);
		return false;
	}
	*out = json_object_get_boolean(v);
	return true;
}

static struct json_object *get_arr(struct ctx *c, struct json_object *o,
				   const char *key, bool required)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			perr(c, "\"%s\" (a list) is required", key);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_array)) {
		perr(c, "\"%s\" must be a list", key);
		return NULL;
	}
	return v;
}

static struct json_object *get_obj(struct ctx *c, struct json_object *o,
				   const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	if (!json_object_is_type(v, json_type_object)) {
		perr(c, "\"%s\" must be an object", key);
		return NULL;
	}
	return v;
}

/* A name that is fine for a netns, a container and inside an ifname. */
static bool check_name(struct ctx *c, const char *what, const char *s,
		       size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max) {
		perr(c, "%s \"%s\" must have 1 to %zu characters", what, s, max);
		return false;
	}
	if (!isalnum((unsigned char)s[0])) {
		perr(c, "%s \"%s\" must start with a letter or digit", what, s);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_') {
			perr(c, "%s \"%s\": only letters, digits, '-' and '_' are allowed",
			     what, s);
			return false;
		}
	}
	return true;
}

static bool check_ifname(struct ctx *c, const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAME_LEN || strchr(s, '/') || strchr(s, ' ') ||
	    !strcmp(s, "lo")) {
		perr(c, "interface name \"%s\" is not usable (1-15 characters, no '/', ' ', not lo)", s);
		return false;
	}
	return true;
}

/* "A.B.C.D[/len]" -> host-order address and prefix length (-1 if none). */
static bool parse_v4(const char *s, uint32_t *addr, int *plen)
{
	char buf[ADDR_LEN];
	char *slash;
	struct in_addr in;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	*plen = -1;
	slash = strchr(buf, '/');
	if (slash) {
		char *end;
		long l;

		*slash++ = '\0';
		errno = 0;
		l = strtol(slash, &end, 10);
		if (errno || *end || end == slash || l < 0 || l > 32)
			return false;
		*plen = (int)l;
	}
	if (inet_pton(AF_INET, buf, &in) != 1)
		return false;
	*addr = ntohl(in.s_addr);
	return true;
}

static void fmt_v4(uint32_t a, char *buf)
{
	struct in_addr in = {.s_addr = htonl(a)};

	inet_ntop(AF_INET, &in, buf, ADDR_LEN);
}

static uint32_t mask_of(int plen)
{
	return plen == 0 ? 0 : 0xffffffffu << (32 - plen);
}

/* Addresses of a point-to-point subnet: explicit ones must lie inside it;
 * missing ones default to the first (.1) and second (.2) host. */
static bool subnet_addrs(struct ctx *c, const char *subnet, const char *sa,
			 const char *sb, char *outa, char *outb, int *plen)
{
	uint32_t net, a, b;
	int pl, pa, pb;

	if (!subnet) {
		/* no subnet: both addresses must carry their length */
		if (!sa || !sb) {
			perr(c, "give \"subnet\" or both addresses with a prefix length");
			return false;
		}
		if (!parse_v4(sa, &a, &pa) || !parse_v4(sb, &b, &pb) || pa < 0 ||
		    pa != pb) {
			perr(c, "addresses \"%s\" and \"%s\" need the same /length", sa, sb);
			return false;
		}
		pl = pa;
		net = a & mask_of(pl);
	} else {
		if (!parse_v4(subnet, &net, &pl) || pl < 0) {
			perr(c, "subnet \"%s\" is not A.B.C.D/LEN", subnet);
			return false;
		}
		if (net & ~mask_of(pl)) {
			perr(c, "subnet \"%s\" has host bits set", subnet);
			return false;
		}
		if (pl > 30 && pl != 31) {
			perr(c, "subnet \"%s\" is too small for two hosts", subnet);
			return false;
		}
		a = net + (pl == 31 ? 0 : 1);
		b = net + (pl == 31 ? 1 : 2);
		if (sa && (!parse_v4(sa, &a, &pa) || (pa >= 0 && pa != pl))) {
			perr(c, "address \"%s\" is not an address of %s", sa, subnet);
			return false;
		}
		if (sb && (!parse_v4(sb, &b, &pb) || (pb >= 0 && pb != pl))) {
			perr(c, "address \"%s\" is not an address of %s", sb, subnet);
			return false;
		}
	}
	if ((a & mask_of(pl)) != net || (b & mask_of(pl)) != net) {
		char sbuf[ADDR_LEN], nbuf[ADDR_LEN];

		fmt_v4((a & mask_of(pl)) != net ? a : b, sbuf);
		fmt_v4(net, nbuf);
		perr(c, "address %s is not inside the subnet %s/%d", sbuf, nbuf, pl);
		return false;
	}
	if (a == b) {
		perr(c, "both ends have the same address");
		return false;
	}
	if (pl < 31 && (a == net || b == net || a == (net | ~mask_of(pl)) ||
			b == (net | ~mask_of(pl)))) {
		perr(c, "network or broadcast address used as a host address");
		return false;
	}
	fmt_v4(a, outa);
	fmt_v4(b, outb);
	*plen = pl;
	return true;
}

static void parse_impair(struct ctx *c, struct json_object *o, struct impair *imp,
			 unsigned int *mask)
{
	if (get_num(c, o, "delay_ms", &imp->delay_ms, 0, 60000) && mask)
		*mask |= IMP_DELAY;
	if (get_num(c, o, "jitter_ms", &imp->jitter_ms, 0, 60000) && mask)
		*mask |= IMP_JITTER;
	if (get_num(c, o, "loss_pct", &imp->loss_pct, 0, 100) && mask)
		*mask |= IMP_LOSS;
	if (get_num(c, o, "rate_mbit", &imp->rate_mbit, 0, 100000) && mask)
		*mask |= IMP_RATE;
	if (imp->jitter_ms > 0 && imp->delay_ms <= 0 && !mask)
		perr(c, "jitter_ms needs delay_ms");
}

static char *abs_path(const struct topo *t, const char *rel)
{
	return path_join(t->dir, rel);
}

static void parse_frr(struct ctx *c, struct topo *t, struct json_object *o,
		      char **config, char **tmpl)
{
	static const char *const keys[] = {"config", "template", NULL};
	const char *s;

	check_keys(c, o, keys);
	if ((s = get_str(c, o, "config", false)) && config)
		*config = abs_path(t, s);
	if ((s = get_str(c, o, "template", false)))
		*tmpl = abs_path(t, s);
	if (config && *config && *tmpl)
		perr(c, "give either \"config\" or \"template\", not both");
	if (!config && get_str(c, o, "config", false))
		perr(c, "\"config\" (a verbatim file) is per satellite");
}

int topo_sat(const struct topo *t, const char *name)
{
	for (int i = 0; i < t->nsats; i++)
		if (!strcmp(t->sats[i].name, name))
			return i;
	return -1;
}

int topo_ground(const struct topo *t, const char *name)
{
	for (int i = 0; i < t->ngrounds; i++)
		if (!strcmp(t->grounds[i].name, name))
			return i;
	return -1;
}

/* name == "X-Y" */
static bool is_pair(const char *name, const char *x, const char *y)
{
	size_t n = strlen(x);

	return !strncmp(name, x, n) && name[n] == '-' && !strcmp(name + n + 1, y);
}

/* "sat1-sat2" or "sat2-sat1" (a generated plan names thousands) */
int topo_link(const struct topo *t, const char *name)
{
	for (int i = 0; i < t->nlinks; i++) {
		const struct link *l = &t->links[i];

		if (!strcmp(l->name, name) ||
		    is_pair(name, t->sats[l->b].name, t->sats[l->a].name))
			return i;
	}
	return -1;
}

static int find_vrf(const struct topo *t, const char *name)
{
	for (int i = 0; i < t->nvrfs; i++)
		if (!strcmp(t->vrfs[i].name, name))
			return i;
	return -1;
}

static void parse_events(struct ctx *c, struct topo *t, struct json_object *arr,
			 const char *label)
{
	static const char *const keys[] = {"t", "link", "action", "delay_ms",
					   "jitter_ms", "loss_pct", "rate_mbit",
					   "satellite", "make_before_break",
					   "comment", NULL};
	size_t n = json_object_array_length(arr);

	free(t->events);
	t->events = xcalloc(n, sizeof(*t->events));
	t->nevents = 0;
	for (size_t i = 0; i < n && !c->failed; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct event *ev = &t->events[t->nevents];
		const char *ln, *act;

		at(c, "%s[%zu]", label, i);
		if (!json_object_is_type(o, json_type_object)) {
			perr(c, "must be an object");
			break;
		}
		check_keys(c, o, keys);
		if (!get_num(c, o, "t", &ev->t, 0, 86400 * 365)) {
			perr(c, "\"t\" (seconds after start) is required");
			break;
		}
		ln = get_str(c, o, "link", true);
		act = get_str(c, o, "action", true);
		if (!ln || !act)
			break;
		ev->ground = -1;
		ev->link = topo_link(t, ln);
		if (ev->link < 0) {
			ev->ground = topo_ground(t, ln);
			if (ev->ground < 0) {
				perr(c, "no link \"%s\" (an ISL \"satA-satB\" or a ground station name)", ln);
				break;
			}
		}
		if (!strcmp(act, "down"))
			ev->action = EV_DOWN;
		else if (!strcmp(act, "up"))
			ev->action = EV_UP;
		else if (!strcmp(act, "set"))
			ev->action = EV_SET;
		else if (!strcmp(act, "handover"))
			ev->action = EV_HANDOVER;
		else {
			perr(c, "action \"%s\": down, up, set or handover", act);
			break;
		}
		parse_impair(c, o, &ev->imp, &ev->mask);
		ev->sat = -1;
		if (ev->action == EV_HANDOVER) {
			const char *sat = get_str(c, o, "satellite", true);

			if (ev->ground < 0) {
				perr(c, "a handover is for a ground station, not the ISL \"%s\"", ln);
				break;
			}
			if (!sat)
				break;
			ev->sat = topo_sat(t, sat);
			if (ev->sat < 0) {
				perr(c, "handover of %s to an unknown satellite \"%s\"", ln, sat);
				break;
			}
			get_bool(c, o, "make_before_break", &ev->mbb);
			if (ev->mask & ~IMP_DELAY)
				perr(c, "a handover carries only delay_ms (the new ground link's)");
		} else {
			if (get_str(c, o, "satellite", false) ||
			    json_object_object_get_ex(o, "make_before_break", NULL))
				perr(c, "\"satellite\" and \"make_before_break\" go with action \"handover\"");
			if (ev->action == EV_SET && !ev->mask)
				perr(c, "action set needs delay_ms, jitter_ms, loss_pct or rate_mbit");
			if (ev->action != EV_SET && ev->mask)
				perr(c, "impairment values go with action \"set\"");
		}
		t->nevents++;
	}
	/* stable sort by t */
	for (int i = 1; i < t->nevents; i++)
		for (int j = i; j > 0 && t->events[j].t < t->events[j - 1].t; j--) {
			struct event tmp = t->events[j];

			t->events[j] = t->events[j - 1];
			t->events[j - 1] = tmp;
		}
}

static struct json_object *parse_json_file(const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	struct json_tokener *tok;
	struct json_object *root;

	if (!text) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		return NULL;
	}
	tok = json_tokener_new();
	root = json_tokener_parse_ex(tok, text, (int)len + 1);
	if (!root) {
		size_t off = json_tokener_get_parse_end(tok);
		int line = 1;

		for (size_t i = 0; i < off && i < len; i++)
			if (text[i] == '\n')
				line++;
		fprintf(stderr, "%s:%d: JSON syntax error: %s\n", path, line,
			json_tokener_error_desc(json_tokener_get_error(tok)));
	}
	json_tokener_free(tok);
	free(text);
	return root;
}

static void parse_sats(struct ctx *c, struct topo *t, struct json_object *arr)
{
	static const char *const keys[] = {"name", "loopback", "label_range", "as",
					   "frr", "comment", NULL};
	size_t n = json_object_array_length(arr);

	t->sats = xcalloc(n, sizeof(*t->sats));
	for (size_t i = 0; i < n && !c->failed; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *lr, *f;
		struct sat *s = &t->sats[i];
		const char *name, *lo;
		uint32_t a;
		int pl;

		at(c, "satellites[%zu]", i);
		if (!json_object_is_type(o, json_type_object)) {
			perr(c, "must be an object");
			return;
		}
		check_keys(c, o, keys);
		name = get_str(c, o, "name", true);
		if (!name || !check_name(c, "satellite name", name, IFNAME_LEN - 1 - 4))
			return;
		if (topo_sat(t, name) >= 0) {
			perr(c, "duplicate satellite \"%s\"", name);
			return;
		}
		strcpy(s->name, name);
		t->nsats++;
		at(c, "satellites[%zu] (%s)", i, name);
		lo = get_str(c, o, "loopback", true);
		if (!lo)
			return;
		if (!parse_v4(lo, &a, &pl) || (pl >= 0 && pl != 32)) {
			perr(c, "loopback \"%s\" is not an IPv4 address (/32)", lo);
			return;
		}
		fmt_v4(a, s->loopback);
		s->as = t->as;
		get_u32(c, o, "as", &s->as, 1, UINT32_MAX);
		if ((lr = get_arr(c, o, "label_range", false))) {
			struct json_object *x, *y;

			if (json_object_array_length(lr) != 2 ||
			    !json_object_is_type((x = json_object_array_get_idx(lr, 0)), json_type_int) ||
			    !json_object_is_type((y = json_object_array_get_idx(lr, 1)), json_type_int)) {
				perr(c, "label_range must be [FIRST, LAST]");
				return;
			}
			int64_t l0 = json_object_get_int64(x), l1 = json_object_get_int64(y);

			if (l0 < 16 || l1 > 1048575 || l0 > l1) {
				perr(c, "label_range [%" PRId64 ", %" PRId64 "]: 16 <= FIRST <= LAST <= 1048575",
				     l0, l1);
				return;
			}
			s->label_lo = (uint32_t)l0;
			s->label_hi = (uint32_t)l1;
		}
		if ((f = get_obj(c, o, "frr")))
			parse_frr(c, t, f, &s->frr_config, &s->frr_template);
		for (size_t j = 0; j + 1 < (size_t)t->nsats; j++)
			if (!strcmp(t->sats[j].loopback, s->loopback))
				perr(c, "loopback %s is also %s's", s->loopback, t->sats[j].name);
	}
}

static void parse_links(struct ctx *c, struct topo *t, struct json_object *arr)
{
	static const char *const keys[] = {"a", "b", "subnet", "a_addr", "b_addr",
					   "a_if", "b_if", "delay_ms", "jitter_ms",
					   "loss_pct", "rate_mbit", "cost", "comment",
					   NULL};
	size_t n = json_object_array_length(arr);

	t->links = xcalloc(n, sizeof(*t->links));
	for (size_t i = 0; i < n && !c->failed; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct link *l = &t->links[i];
		const char *a, *b, *s;

		at(c, "links[%zu]", i);
		if (!json_object_is_type(o, json_type_object)) {
			perr(c, "must be an object");
			return;
		}
		check_keys(c, o, keys);
		a = get_str(c, o, "a", true);
		b = get_str(c, o, "b", true);
		if (!a || !b)
			return;
		l->a = topo_sat(t, a);
		l->b = topo_sat(t, b);
		if (l->a < 0 || l->b < 0) {
			perr(c, "unknown satellite \"%s\"", l->a < 0 ? a : b);
			return;
		}
		if (l->a == l->b) {
			perr(c, "a link needs two different satellites");
			return;
		}
		snprintf(l->name, sizeof(l->name), "%s-%s", a, b);
		at(c, "links[%zu] (%s)", i, l->name);
		if (topo_link(t, l->name) >= 0 && topo_link(t, l->name) < (int)i) {
			perr(c, "a second link between %s and %s (give a_if/b_if and a distinct name is not supported)", a, b);
			return;
		}
		snprintf(l->a_if, sizeof(l->a_if), "eth-%s", b);
		snprintf(l->b_if, sizeof(l->b_if), "eth-%s", a);
		if ((s = get_str(c, o, "a_if", false)) && check_ifname(c, s))
			snprintf(l->a_if, sizeof(l->a_if), "%s", s);
		if ((s = get_str(c, o, "b_if", false)) && check_ifname(c, s))
			snprintf(l->b_if, sizeof(l->b_if), "%s", s);
		if (!subnet_addrs(c, get_str(c, o, "subnet", false),
				  get_str(c, o, "a_addr", false),
				  get_str(c, o, "b_addr", false), l->a_addr,
				  l->b_addr, &l->plen))
			return;
		l->imp = t->link_def;
		parse_impair(c, o, &l->imp, NULL);
		get_u32(c, o, "cost", &l->cost, 1, 65535);
		t->nlinks++;
	}
}

static void parse_vrfs(struct ctx *c, struct topo *t, struct json_object *arr)
{
	static const char *const keys[] = {"name", "table", "rd", "rt", "comment",
					   NULL};
	size_t n = json_object_array_length(arr);

	t->vrfs = xcalloc(n + t->ngrounds + 1, sizeof(*t->vrfs));
	for (size_t i = 0; i < n && !c->failed; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct vrf *v = &t->vrfs[i];
		const char *name, *s;

		at(c, "vrfs[%zu]", i);
		if (!json_object_is_type(o, json_type_object)) {
			perr(c, "must be an object");
			return;
		}
		check_keys(c, o, keys);
		name = get_str(c, o, "name", true);
		if (!name || !check_name(c, "VRF name", name, IFNAME_LEN - 1))
			return;
		if (find_vrf(t, name) >= 0) {
			perr(c, "duplicate VRF \"%s\"", name);
			return;
		}
		strcpy(v->name, name);
		if (!get_u32(c, o, "table", &v->table, 1, 0xfffffffe)) {
			perr(c, "\"table\" (a kernel routing table number) is required");
			return;
		}
		if (v->table == 253 || v->table == 254 || v->table == 255)
			perr(c, "table %u is one of the kernel's own (default/main/local)", v->table);
		for (int j = 0; j < t->nvrfs; j++)
			if (t->vrfs[j].table == v->table)
				perr(c, "table %u is also VRF %s's", v->table, t->vrfs[j].name);
		if ((s = get_str(c, o, "rd", false)))
			snprintf(v->rd, sizeof(v->rd), "%s", s);
		if ((s = get_str(c, o, "rt", false)))
			snprintf(v->rt, sizeof(v->rt), "%s", s);
		t->nvrfs++;
	}
}

static void parse_grounds(struct ctx *c, struct topo *t, struct json_object *arr)
{
	static const char *const keys[] = {"name", "satellite", "vrf", "table",
					   "subnet", "address", "sat_address",
					   "sat_if", "if", "delay_ms", "jitter_ms",
					   "loss_pct", "rate_mbit", "comment", NULL};
	size_t n = json_object_array_length(arr);

	t->grounds = xcalloc(n, sizeof(*t->grounds));
	for (size_t i = 0; i < n && !c->failed; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct ground *g = &t->grounds[i];
		const char *name, *sat, *vrf, *s;
		uint32_t table = 0;

		at(c, "ground_stations[%zu]", i);
		if (!json_object_is_type(o, json_type_object)) {
			perr(c, "must be an object");
			return;
		}
		check_keys(c, o, keys);
		name = get_str(c, o, "name", true);
		if (!name || !check_name(c, "ground station name", name, IFNAME_LEN - 1 - 3))
			return;
		if (topo_ground(t, name) >= 0 || topo_sat(t, name) >= 0) {
			perr(c, "duplicate node name \"%s\"", name);
			return;
		}
		strcpy(g->name, name);
		at(c, "ground_stations[%zu] (%s)", i, name);
		sat = get_str(c, o, "satellite", true);
		if (!sat)
			return;
		g->sat = topo_sat(t, sat);
		if (g->sat < 0) {
			perr(c, "unknown satellite \"%s\"", sat);
			return;
		}
		g->vrf = -1;
		get_u32(c, o, "table", &table, 1, 0xfffffffe);
		if ((vrf = get_str(c, o, "vrf", false))) {
			g->vrf = find_vrf(t, vrf);
			if (g->vrf < 0) {
				/* a VRF known only here: needs its table */
				if (!table) {
					perr(c, "VRF \"%s\" is not in \"vrfs\": add it there or give \"table\"", vrf);
					return;
				}
				if (!check_name(c, "VRF name", vrf, IFNAME_LEN - 1))
					return;
				g->vrf = t->nvrfs++;
				snprintf(t->vrfs[g->vrf].name, IFNAME_LEN, "%s", vrf);
				t->vrfs[g->vrf].table = table;
			} else if (table && table != t->vrfs[g->vrf].table) {
				perr(c, "table %u differs from VRF %s's table %u", table, vrf,
				     t->vrfs[g->vrf].table);
				return;
			}
		} else if (table) {
			perr(c, "\"table\" goes with \"vrf\"");
			return;
		}
		snprintf(g->sat_if, sizeof(g->sat_if), "gs-%s", name);
		snprintf(g->gs_if, sizeof(g->gs_if), "eth-%s", sat);
		if ((s = get_str(c, o, "sat_if", false)) && check_ifname(c, s))
			snprintf(g->sat_if, sizeof(g->sat_if), "%s", s);
		if ((s = get_str(c, o, "if", false)) && check_ifname(c, s))
			snprintf(g->gs_if, sizeof(g->gs_if), "%s", s);
		/* the ground station is the first host (.1), the satellite .2 */
		if (!subnet_addrs(c, get_str(c, o, "subnet", false),
				  get_str(c, o, "address", false),
				  get_str(c, o, "sat_address", false), g->addr,
				  g->sat_addr, &g->plen))
			return;
		g->imp = t->ground_def;
		parse_impair(c, o, &g->imp, NULL);
		t->ngrounds++;
	}
}

/* interface names must be unique per satellite */
static void check_ifnames(struct ctx *c, struct topo *t)
{
	for (int s = 0; s < t->nsats && !c->failed; s++) {
		const char *names[256];
		int n = 0;

		for (int i = 0; i < t->nlinks && n < 250; i++) {
			if (t->links[i].a == s)
				names[n++] = t->links[i].a_if;
			if (t->links[i].b == s)
				names[n++] = t->links[i].b_if;
		}
		for (int i = 0; i < t->ngrounds && n < 250; i++)
			if (t->grounds[i].sat == s)
				names[n++] = t->grounds[i].sat_if;
		for (int i = 0; i < t->nvrfs && n < 250; i++)
			names[n++] = t->vrfs[i].name;
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++)
				if (!strcmp(names[i], names[j])) {
					at(c, "satellite %s", t->sats[s].name);
					perr(c, "two interfaces (or an interface and a VRF) named \"%s\"",
					     names[i]);
					return;
				}
	}
}

/* defaults.bfd: true | false | {"interval_ms": N, "multiplier": M};
 * defaults.drain: true | false | {"lead_s": S, "deadline_s": D} */
static void parse_bfd_drain(struct ctx *c, struct topo *t, struct json_object *d)
{
	static const char *const bkeys[] = {"interval_ms", "multiplier", "comment", NULL};
	static const char *const dkeys[] = {"lead_s", "deadline_s", "comment", NULL};
	struct json_object *v;
	bool on;

	if (json_object_object_get_ex(d, "bfd", &v)) {
		at(c, "defaults.bfd");
		if (json_object_is_type(v, json_type_object)) {
			check_keys(c, v, bkeys);
			t->bfd = true;
			get_u32(c, v, "interval_ms", &t->bfd_interval_ms, 10, 60000);
			get_u32(c, v, "multiplier", &t->bfd_mult, 2, 255);
		} else if (get_bool(c, d, "bfd", &on)) {
			t->bfd = on;
		}
	}
	if (json_object_object_get_ex(d, "drain", &v)) {
		at(c, "defaults.drain");
		if (json_object_is_type(v, json_type_object)) {
			check_keys(c, v, dkeys);
			t->drain_lead_s = 3;
			get_num(c, v, "lead_s", &t->drain_lead_s, 0, 3600);
			get_num(c, v, "deadline_s", &t->drain_deadline_s, 1, 3600);
		} else if (get_bool(c, d, "drain", &on)) {
			t->drain_lead_s = on ? 3 : 0;
		}
	}
	at(c, "defaults");
}

struct topo *topo_load(const char *path)
{
	static const char *const keys[] = {"name", "comment", "defaults", "frr",
					   "satellites", "links", "vrfs",
					   "ground_stations", "schedule", NULL};
	static const char *const dkeys[] = {"underlay", "ldp", "as", "link",
					    "ground_link", "bfd", "drain",
					    "comment", NULL};
	static const char *const ikeys[] = {"delay_ms", "jitter_ms", "loss_pct",
					    "rate_mbit", NULL};
	struct ctx c = {.file = path};
	struct json_object *root = parse_json_file(path), *o, *a;
	struct topo *t;
	char *rp, *slash;
	const char *s;

	if (!root)
		return NULL;
	t = xcalloc(1, sizeof(*t));
	rp = realpath(path, NULL);
	t->path = rp ? rp : xstrdup(path);
	t->dir = xstrdup(t->path);
	slash = strrchr(t->dir, '/');
	if (slash)
		*(slash == t->dir ? slash + 1 : slash) = '\0';
	else
		strcpy(t->dir, ".");
	t->underlay = UNDERLAY_OSPF;
	t->ldp = true;
	t->as = 65000;
	t->bfd_interval_ms = 100;
	t->bfd_mult = 3;
	t->drain_deadline_s = 60;

	if (!json_object_is_type(root, json_type_object)) {
		perr(&c, "the topology must be a JSON object");
		goto out;
	}
	check_keys(&c, root, keys);
	s = get_str(&c, root, "name", true);
	if (s && check_name(&c, "lab name", s, 20))
		strcpy(t->name, s);
	if ((o = get_obj(&c, root, "defaults"))) {
		struct json_object *i;

		at(&c, "defaults");
		check_keys(&c, o, dkeys);
		if ((s = get_str(&c, o, "underlay", false))) {
			if (!strcmp(s, "ospf"))
				t->underlay = UNDERLAY_OSPF;
			else if (!strcmp(s, "isis"))
				t->underlay = UNDERLAY_ISIS;
			else if (!strcmp(s, "none"))
				t->underlay = UNDERLAY_NONE;
			else
				perr(&c, "underlay \"%s\": ospf, isis or none", s);
		}
		get_bool(&c, o, "ldp", &t->ldp);
		get_u32(&c, o, "as", &t->as, 1, UINT32_MAX);
		parse_bfd_drain(&c, t, o);
		if ((i = get_obj(&c, o, "link"))) {
			at(&c, "defaults.link");
			check_keys(&c, i, ikeys);
			parse_impair(&c, i, &t->link_def, NULL);
		}
		if ((i = get_obj(&c, o, "ground_link"))) {
			at(&c, "defaults.ground_link");
			check_keys(&c, i, ikeys);
			parse_impair(&c, i, &t->ground_def, NULL);
		}
	}
	at(&c, "frr");
	if ((o = get_obj(&c, root, "frr")))
		parse_frr(&c, t, o, NULL, &t->frr_template);
	at(&c, "%s", "");
	if ((a = get_arr(&c, root, "satellites", true)))
		parse_sats(&c, t, a);
	if (!c.failed && t->nsats == 0)
		perr(&c, "no satellites");
	at(&c, "%s", "");
	if (!c.failed && (a = get_arr(&c, root, "links", false)))
		parse_links(&c, t, a);
	at(&c, "%s", "");
	if (!c.failed) {
		struct json_object *g = get_arr(&c, root, "ground_stations", false);

		t->ngrounds = g ? (int)json_object_array_length(g) : 0;
		a = get_arr(&c, root, "vrfs", false);
		if (a)
			parse_vrfs(&c, t, a);
		else
			t->vrfs = xcalloc(t->ngrounds + 1, sizeof(*t->vrfs));
		t->ngrounds = 0;
		at(&c, "%s", "");
		if (!c.failed && g)
			parse_grounds(&c, t, g);
	}
	at(&c, "%s", "");
	if (!c.failed && (a = get_arr(&c, root, "schedule", false)))
		parse_events(&c, t, a, "schedule");
	if (!c.failed)
		check_ifnames(&c, t);
	if (!c.failed && topo_needs_mpls(t) && t->underlay == UNDERLAY_NONE) {
		at(&c, "defaults.underlay");
		perr(&c, "LDP and the VPN need an IGP underlay (ospf or isis)");
	}
	if (!c.failed && t->underlay == UNDERLAY_NONE && (t->bfd || t->drain_lead_s > 0)) {
		at(&c, "defaults.underlay");
		perr(&c, "BFD and the drain of scheduled ISL changes need an IGP underlay (ospf or isis)");
	}
out:
	json_object_put(root);
	if (c.failed) {
		topo_free(t);
		return NULL;
	}
	return t;
}

int topo_load_schedule(struct topo *t, const char *path)
{
	struct ctx c = {.file = path};
	struct json_object *root = parse_json_file(path), *arr = NULL;

	if (!root)
		return -1;
	if (json_object_is_type(root, json_type_array))
		arr = root;
	else if (json_object_is_type(root, json_type_object))
		arr = get_arr(&c, root, "schedule", true);
	else
		perr(&c, "a schedule is a list or an object with \"schedule\"");
	if (arr && !c.failed)
		parse_events(&c, t, arr, "schedule");
	json_object_put(root);
	return c.failed ? -1 : 0;
}

void topo_free(struct topo *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->nsats; i++) {
		free(t->sats[i].frr_config);
		free(t->sats[i].frr_template);
	}
	free(t->sats);
	free(t->links);
	free(t->grounds);
	free(t->vrfs);
	free(t->events);
	free(t->frr_template);
	free(t->path);
	free(t->dir);
	free(t);
}

bool topo_is_pe(const struct topo *t, int sat)
{
	for (int i = 0; i < t->ngrounds; i++)
		if (t->grounds[i].sat == sat && t->grounds[i].vrf >= 0)
			return true;
	return false;
}

bool topo_needs_vrf(const struct topo *t)
{
	for (int i = 0; i < t->ngrounds; i++)
		if (t->grounds[i].vrf >= 0)
			return true;
	return false;
}

bool topo_needs_mpls(const struct topo *t)
{
	if (t->ldp && t->nlinks > 0)
		return true;
	if (topo_needs_vrf(t))
		return true;
	for (int i = 0; i < t->nsats; i++)
		if (t->sats[i].label_lo)
			return true;
	return false;
}

bool impair_any(const struct impair *imp)
{
	return imp->delay_ms > 0 || imp->jitter_ms > 0 || imp->loss_pct > 0 ||
	       imp->rate_mbit > 0;
}

bool topo_needs_netem(const struct topo *t)
{
	for (int i = 0; i < t->nlinks; i++)
		if (impair_any(&t->links[i].imp))
			return true;
	for (int i = 0; i < t->ngrounds; i++)
		if (impair_any(&t->grounds[i].imp))
			return true;
	for (int i = 0; i < t->nevents; i++)
		if (t->events[i].action == EV_SET)
			return true;
	return false;
}

double topo_schedule_end(const struct topo *t)
{
	return t->nevents ? t->events[t->nevents - 1].t : 0;
}

const char *ev_action_str(enum ev_action a)
{
	switch (a) {
	case EV_DOWN:
		return "down";
	case EV_UP:
		return "up";
	case EV_SET:
		return "set";
	case EV_HANDOVER:
		return "handover";
	}
	return "?";
}

void impair_str(const struct impair *imp, char *buf, size_t len)
{
	char rate[32] = "unlimited";

	if (imp->rate_mbit > 0)
		snprintf(rate, sizeof(rate), "%gMbit", imp->rate_mbit);
	snprintf(buf, len, "delay %gms jitter %gms loss %g%% rate %s",
		 imp->delay_ms, imp->jitter_ms, imp->loss_pct, rate);
}
