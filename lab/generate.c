// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * generate.c: `satnet-lab generate grid PLANESxSLOTS` writes the topology
 * of a +Grid constellation: PLANES orbital planes of SLOTS satellites, each
 * satellite linked to its neighbours in the same plane (fore/aft) and in
 * the adjacent planes (left/right), wrapping around (a torus) along every
 * dimension of 3 or more. Two ground stations in VRF `video`, src and dst,
 * sit on the first satellite and on the one farthest from it, so `run` measures a VPN
 * across the whole grid.
 *
 * Addresses (inside the lab only): loopbacks 10.255.P.S+1, ISL i the /30
 * 10.100.0.0 + 4i (a .1, b .2), ground links 10.200.{1,2}.0/24; label
 * ranges of 1000 per satellite from 1000. The output is built with json-c
 * and goes through the same parser as any other topology (topo_load) when
 * it is used.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "satnet-lab.h"
#include "walker.h"

#define GRID_MAX_DIM 40
#define GRID_LINK_BASE 0x0a640000u /* 10.100.0.0 */
#define GRID_LABELS 1000
#define GRID_MAX_SATS 1000

static void sat_name(char *buf, size_t len, int p, int s)
{
	snprintf(buf, len, "sat%02d%02d", p, s);
}

static void ip4(char *buf, size_t len, uint32_t a)
{
	struct in_addr in = {.s_addr = htonl(a)};

	inet_ntop(AF_INET, &in, buf, len);
}

static json_object *satellite(int p, int s, int idx)
{
	json_object *o = json_object_new_object(), *lr = json_object_new_array();
	char name[32], lo[32];

	sat_name(name, sizeof(name), p, s);
	snprintf(lo, sizeof(lo), "10.255.%d.%d", p, s + 1);
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "loopback", json_object_new_string(lo));
	json_object_array_add(lr, json_object_new_int((idx + 1) * GRID_LABELS));
	json_object_array_add(lr, json_object_new_int((idx + 2) * GRID_LABELS - 1));
	json_object_object_add(o, "label_range", lr);
	return o;
}

static json_object *link_obj(int pa, int sa, int pb, int sb, uint32_t idx)
{
	json_object *o = json_object_new_object();
	char a[32], b[32], net[INET_ADDRSTRLEN + 3], aa[INET_ADDRSTRLEN],
		ba[INET_ADDRSTRLEN];
	uint32_t base = GRID_LINK_BASE + 4 * idx;

	sat_name(a, sizeof(a), pa, sa);
	sat_name(b, sizeof(b), pb, sb);
	ip4(aa, sizeof(aa), base);
	snprintf(net, sizeof(net), "%s/30", aa);
	ip4(aa, sizeof(aa), base + 1);
	ip4(ba, sizeof(ba), base + 2);
	json_object_object_add(o, "a", json_object_new_string(a));
	json_object_object_add(o, "b", json_object_new_string(b));
	json_object_object_add(o, "subnet", json_object_new_string(net));
	json_object_object_add(o, "a_addr", json_object_new_string(aa));
	json_object_object_add(o, "b_addr", json_object_new_string(ba));
	return o;
}

static json_object *ground(const char *name, int p, int s, int n)
{
	json_object *o = json_object_new_object();
	char sat[32], net[32];

	sat_name(sat, sizeof(sat), p, s);
	snprintf(net, sizeof(net), "10.200.%d.0/24", n);
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "satellite", json_object_new_string(sat));
	json_object_object_add(o, "vrf", json_object_new_string("video"));
	json_object_object_add(o, "subnet", json_object_new_string(net));
	return o;
}

/* The JSON to FILE (or stdout when out is NULL); 0 or -1 (said). */
static int write_json(json_object *top, const char *out)
{
	const char *txt = json_object_to_json_string_ext(
		top, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			     JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc;

	if (out) {
		size_t len = strlen(txt);
		char *buf = malloc(len + 2);

		if (!buf) {
			errx_("out of memory");
			return -1;
		}
		memcpy(buf, txt, len);
		buf[len] = '\n';
		buf[len + 1] = '\0';
		rc = write_file(out, buf, 0644);
		free(buf);
		if (rc)
			errx_("%s: %s", out, strerror(errno));
	} else {
		rc = puts(txt) < 0 ? -1 : 0;
		if (rc)
			errx_("stdout: %s", strerror(errno));
	}
	return rc ? -1 : 0;
}

/* "PxS" (or "N" for a square N = k*k) into planes and slots */
int generate_parse_size(const char *arg, int *planes, int *slots)
{
	char *end;
	long a, b;

	errno = 0;
	a = strtol(arg, &end, 10);
	if (errno || end == arg)
		return -1;
	if (*end == 'x' || *end == 'X') {
		const char *s2 = end + 1;

		b = strtol(s2, &end, 10);
		if (errno || end == s2 || *end)
			return -1;
	} else if (!*end) {
		long k = 1;

		while (k * k < a)
			k++;
		if (k * k != a)
			return -1;
		a = b = k;
	} else {
		return -1;
	}
	/* label ranges of GRID_LABELS each must fit under 2^20 */
	if (a < 1 || b < 1 || a > GRID_MAX_DIM || b > GRID_MAX_DIM || a * b < 2
	    || a * b > GRID_MAX_SATS)
		return -1;
	*planes = (int)a;
	*slots = (int)b;
	return 0;
}

int generate_grid(int planes, int slots, const char *name, const char *out)
{
	json_object *top = json_object_new_object(), *def = json_object_new_object();
	json_object *sats = json_object_new_array(), *links = json_object_new_array();
	json_object *vrfs = json_object_new_array(), *gs = json_object_new_array();
	json_object *vrf = json_object_new_object();
	uint32_t nlinks = 0;
	char comment[256];
	int rc;

	snprintf(comment, sizeof(comment),
		 "+Grid constellation: %d planes x %d satellites, written by satnet-lab generate grid",
		 planes, slots);
	json_object_object_add(top, "name", json_object_new_string(name));
	json_object_object_add(top, "comment", json_object_new_string(comment));
	json_object_object_add(def, "underlay", json_object_new_string("ospf"));
	json_object_object_add(def, "ldp", json_object_new_boolean(true));
	json_object_object_add(def, "as", json_object_new_int(65000));
	json_object_object_add(top, "defaults", def);

	for (int p = 0; p < planes; p++)
		for (int s = 0; s < slots; s++)
			json_object_array_add(sats,
					      satellite(p, s, p * slots + s));
	for (int p = 0; p < planes; p++) {
		for (int s = 0; s < slots; s++) {
			/* fore: next slot in the plane; wraps only when the
			 * ring has 3 or more (2 would double the link) */
			if (s + 1 < slots || (slots >= 3 && s + 1 == slots))
				json_object_array_add(
					links, link_obj(p, s, p, (s + 1) % slots,
							nlinks++));
			/* right: same slot in the next plane */
			if (p + 1 < planes || (planes >= 3 && p + 1 == planes))
				json_object_array_add(
					links, link_obj(p, s, (p + 1) % planes, s,
							nlinks++));
		}
	}
	json_object_object_add(top, "satellites", sats);
	json_object_object_add(top, "links", links);

	json_object_object_add(vrf, "name", json_object_new_string("video"));
	json_object_object_add(vrf, "table", json_object_new_int(10));
	json_object_array_add(vrfs, vrf);
	json_object_object_add(top, "vrfs", vrfs);
	json_object_array_add(gs, ground("src", 0, 0, 1));
	json_object_array_add(gs, ground("dst", planes / 2, slots / 2, 2));
	json_object_object_add(top, "ground_stations", gs);

	rc = write_json(top, out);
	if (rc == 0 && out)
		say("%s: %d satellites, %u links", out, planes * slots, nlinks);
	json_object_put(top);
	return rc ? 1 : 0;
}

/* ------------------------------------------------------------ walker */

static double json_num(double v)
{
	return round(v * 1000.0) / 1000.0;
}

static void num_add(json_object *o, const char *key, double v)
{
	json_object_object_add(o, key, json_object_new_double(json_num(v)));
}

static void sat_idx_name(char *buf, size_t len, const struct walker_plan *pl, int idx)
{
	sat_name(buf, len, idx / pl->per_plane, idx % pl->per_plane);
}

static json_object *plan_event(const struct walker_params *wp,
			       const struct walker_plan *pl, const struct walker_ev *e)
{
	json_object *o = json_object_new_object();
	char a[32], b[64];

	num_add(o, "t", e->t);
	switch (e->kind) {
	case WEV_ISL_DELAY:
	case WEV_ISL_DOWN:
	case WEV_ISL_UP:
		sat_idx_name(a, sizeof(a), pl, pl->isl[e->idx].a);
		snprintf(b, sizeof(b), "%s-", a);
		sat_idx_name(a, sizeof(a), pl, pl->isl[e->idx].b);
		strncat(b, a, sizeof(b) - strlen(b) - 1);
		json_object_object_add(o, "link", json_object_new_string(b));
		break;
	case WEV_GS_DELAY:
	case WEV_GS_DOWN:
	case WEV_GS_UP:
	case WEV_HANDOVER:
		json_object_object_add(o, "link", json_object_new_string(wp->gs[e->idx].name));
		break;
	}
	switch (e->kind) {
	case WEV_ISL_DELAY:
	case WEV_GS_DELAY:
		json_object_object_add(o, "action", json_object_new_string("set"));
		num_add(o, "delay_ms", e->delay_ms);
		break;
	case WEV_ISL_DOWN:
	case WEV_GS_DOWN:
		json_object_object_add(o, "action", json_object_new_string("down"));
		break;
	case WEV_ISL_UP:
	case WEV_GS_UP:
		json_object_object_add(o, "action", json_object_new_string("up"));
		break;
	case WEV_HANDOVER:
		json_object_object_add(o, "action", json_object_new_string("handover"));
		sat_idx_name(a, sizeof(a), pl, e->sat);
		json_object_object_add(o, "satellite", json_object_new_string(a));
		num_add(o, "delay_ms", e->delay_ms);
		json_object_object_add(o, "make_before_break", json_object_new_boolean(e->mbb));
		break;
	}
	return o;
}

int generate_walker(const struct walker_gen *g)
{
	const struct walker_params *wp = &g->params;
	json_object *top, *def, *sats, *links, *vrfs, *gs, *sched, *vrf;
	struct walker_plan pl;
	char err[256], comment[512];
	int rc;

	if (walker_plan(wp, &pl, err, sizeof(err)) < 0) {
		errx_("generate walker: %s", err);
		return 2;
	}
	if (pl.per_plane >= 2 && !walker_intra_clear(wp))
		warnx_("generate walker: at %g km the Earth blocks the line between neighbours in a plane of %d: no intra-plane ISLs (more satellites per plane, or a higher orbit)",
		       wp->alt_km, pl.per_plane);
	top = json_object_new_object();
	def = json_object_new_object();
	sats = json_object_new_array();
	links = json_object_new_array();
	sched = json_object_new_array();
	snprintf(comment, sizeof(comment),
		 "Walker %s %g:%d/%d/%d at %g km, %d planes of %d; inter-plane ISLs off above %g deg latitude; "
		 "ground stations: mask %g deg, hysteresis %g deg; contact plan every %g s over %g s "
		 "(delay resolution %g ms). Written by satnet-lab generate walker (model: lab/walker.c).",
		 wp->star ? "star" : "delta", wp->inc_deg, wp->total, wp->planes, wp->phasing,
		 wp->alt_km, wp->planes, pl.per_plane, wp->lat_limit_deg, wp->mask_deg,
		 wp->hysteresis_deg, wp->step_s, wp->duration_s, wp->delay_res_ms);
	json_object_object_add(top, "name", json_object_new_string(g->name));
	json_object_object_add(top, "comment", json_object_new_string(comment));
	json_object_object_add(def, "underlay", json_object_new_string("ospf"));
	json_object_object_add(def, "ldp", json_object_new_boolean(true));
	json_object_object_add(def, "as", json_object_new_int(65000));
	json_object_object_add(def, "bfd", json_object_new_boolean(g->bfd));
	if (g->drain_lead_s > 0) {
		json_object *d = json_object_new_object();

		num_add(d, "lead_s", g->drain_lead_s);
		json_object_object_add(def, "drain", d);
	} else {
		json_object_object_add(def, "drain", json_object_new_boolean(false));
	}
	json_object_object_add(top, "defaults", def);

	for (int i = 0; i < pl.nsats; i++)
		json_object_array_add(sats, satellite(i / pl.per_plane, i % pl.per_plane, i));
	json_object_object_add(top, "satellites", sats);
	for (int i = 0; i < pl.nisl; i++) {
		const struct walker_isl *l = &pl.isl[i];
		json_object *o = link_obj(l->a / pl.per_plane, l->a % pl.per_plane,
					  l->b / pl.per_plane, l->b % pl.per_plane, i);

		num_add(o, "delay_ms", pl.isl_delay0[i]);
		if (l->inter)
			json_object_object_add(o, "comment", json_object_new_string("inter-plane"));
		json_object_array_add(links, o);
	}
	json_object_object_add(top, "links", links);
	if (wp->ngs) {
		vrfs = json_object_new_array();
		vrf = json_object_new_object();
		gs = json_object_new_array();
		json_object_object_add(vrf, "name", json_object_new_string("video"));
		json_object_object_add(vrf, "table", json_object_new_int(10));
		json_object_array_add(vrfs, vrf);
		json_object_object_add(top, "vrfs", vrfs);
		for (int i = 0; i < wp->ngs; i++) {
			int s = pl.gs0[i].sat;
			json_object *o = ground(wp->gs[i].name, s / pl.per_plane,
						s % pl.per_plane, i + 1);
			char c[160];

			snprintf(c, sizeof(c), "latitude %g, longitude %g; at t=0 %s at %.1f deg",
				 wp->gs[i].lat_deg, wp->gs[i].lon_deg,
				 pl.gs0[i].up ? "uses its satellite" : "sees no satellite; nearest",
				 pl.gs0[i].el_deg);
			json_object_object_add(o, "comment", json_object_new_string(c));
			num_add(o, "delay_ms", pl.gs0[i].delay_ms);
			json_object_array_add(gs, o);
		}
		json_object_object_add(top, "ground_stations", gs);
	}
	for (int i = 0; i < pl.nev; i++)
		json_object_array_add(sched, plan_event(wp, &pl, &pl.ev[i]));
	if (g->plan_out) {
		json_object *po = json_object_new_object();

		json_object_object_add(po, "comment", json_object_new_string(comment));
		json_object_object_add(po, "schedule", sched);
		rc = write_json(po, g->plan_out);
		json_object_put(po);
	} else {
		json_object_object_add(top, "schedule", sched);
		rc = 0;
	}
	if (rc == 0)
		rc = write_json(top, g->out);
	json_object_put(top);
	if (rc == 0) {
		int isl_changes = 0;

		for (int i = 0; i < pl.nev; i++)
			isl_changes += pl.ev[i].kind == WEV_ISL_DOWN || pl.ev[i].kind == WEV_ISL_UP;
		/* the summary goes to stderr when the topology is on stdout */
		FILE *f = g->out ? stdout : stderr;

		fprintf(f, "%s: walker %d/%d/%d, %d ISLs, %d steps of %g s, %d events (%d ISL up/down)%s%s\n",
			g->out ? g->out : "stdout", wp->total, wp->planes, wp->phasing, pl.nisl,
			pl.steps, wp->step_s, pl.nev, isl_changes,
			g->plan_out ? "; plan in " : "", g->plan_out ? g->plan_out : "");
		for (int i = 0; i < wp->ngs; i++) {
			char s[32];

			sat_idx_name(s, sizeof(s), &pl, pl.gs0[i].sat);
			fprintf(f, "  %s: on %s at t=0 (%.1f deg%s), visible %d-%d (mean %.1f), %d handovers (%d make-before-break), %d outages\n",
				wp->gs[i].name, s, pl.gs0[i].el_deg,
				pl.gs0[i].up ? "" : ", below the mask: down", pl.gs_vis_min[i],
				pl.gs_vis_max[i], pl.gs_vis_mean[i], pl.gs_handovers[i], pl.gs_mbb[i],
				pl.gs_outages[i]);
		}
	}
	walker_plan_free(&pl);
	return rc ? 1 : 0;
}
