// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * walker.c: a Walker constellation, its inter-satellite links and ground
 * stations over time, and the contact plan that follows from them.
 *
 * The model (deliberately simple; each assumption is a line here):
 *
 * - Circular orbits, all at one altitude h, radius a = R + h, on a
 *   spherical Earth of radius R = 6371 km (the mean radius). Mean motion
 *   n = sqrt(GM / a^3), GM = 398600.4418 km^3/s^2. No J2, no drag, no
 *   eccentricity: an orbit's plane and the spacing in it never change.
 * - Walker delta i:T/P/F: P planes of S = T/P satellites, the planes'
 *   ascending nodes (RAAN) spread over 360 deg (2 pi p / P); satellite
 *   (p, s) starts at argument of latitude u0 = 2 pi s / S + 2 pi F p / T.
 *   Walker star (--star): the RAANs spread over 180 deg (pi p / P), so
 *   the first and the last plane meet at a seam where they move in
 *   opposite directions.
 * - Position in the inertial frame (x toward RAAN 0, z the Earth's axis):
 *   r = a (cos u cos O - sin u cos i sin O, cos u sin O + sin u cos i cos O,
 *   sin u sin i), u = u0 + n t.
 * - The Earth turns at the sidereal rate w = 7.2921150e-5 rad/s; the
 *   Earth-fixed frame coincides with the inertial one at t = 0 (longitude
 *   0 on the x axis), so a ground station at latitude phi, longitude lambda
 *   is at R (cos phi cos(lambda + w t), cos phi sin(lambda + w t), sin phi).
 * - ISLs: each satellite to its fore and aft neighbour in its plane, and
 *   to the same slot in the next plane (in a delta with P >= 3, the last
 *   plane's slot s to the first plane's slot s + F, which is the same
 *   geometric neighbour). Intra-plane links never break: their length is
 *   2 a sin(pi / S) at all times. Inter-plane links are switched off while
 *   either end is above the latitude limit (default 75 deg: near the
 *   poles the planes cross and the pointing rates are too high); a star's
 *   seam has none.
 * - Line of sight: a link is only possible while its straight line stays
 *   80 km above the surface (R + 80 km; below, the atmosphere). In a plane
 *   that means a cos(pi / S) >= R + 80 km: with fewer satellites per plane
 *   (or lower orbits) the plane has no ISLs at all, and the generator says
 *   so. An inter-plane link is down while the Earth is in its way.
 * - Delay = straight-line length / c, c = 299792.458 km/s (vacuum; no
 *   atmosphere, no processing or queueing time). A delay update is
 *   emitted when a link's delay moved by the resolution (default 0.05 ms)
 *   since the last one it got.
 * - Visibility: elevation el = asin(d . u / |d|), d the vector from the
 *   station to the satellite, u the station's local vertical; visible
 *   when el >= the mask (default 25 deg). The slant range at elevation el
 *   is sqrt((R+h)^2 - R^2 cos^2 el) - R sin el (no refraction, no
 *   terrain).
 * - Handover: a station uses one satellite; at t = 0 the highest visible.
 *   It keeps it while it stays above the mask, unless another rises
 *   higher by more than the hysteresis (default 10 deg): then it hands
 *   over while both are visible (make-before-break). When its satellite
 *   sets, it hands over to the highest visible one (break-before-make),
 *   or its link goes down until one rises.
 * - Time is sampled every step (default 1 s) from 0 to the duration
 *   inclusive; an event belongs to the first step at which it is seen.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walker.h"

#define DEG (M_PI / 180.0)

void walker_defaults(struct walker_params *p)
{
	memset(p, 0, sizeof(*p));
	p->alt_km = 550;
	p->inc_deg = 53;
	p->lat_limit_deg = 75;
	p->step_s = 1;
	p->duration_s = 600;
	p->mask_deg = 25;
	p->hysteresis_deg = 10;
	p->delay_res_ms = 0.05;
}

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static bool gs_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > WALKER_GS_NAME - 1 || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

int walker_check(const struct walker_params *p, char *err, size_t len)
{
	int s;

	if (p->planes < 1)
		return fail(err, len,
			    "planes P = %d: there must be at least one plane",
			    p->planes);
	if (p->total < 2 || p->total > WALKER_MAX_SATS)
		return fail(err, len,
			    "total satellites T = %d: must be 2 to %d",
			    p->total, WALKER_MAX_SATS);
	if (p->total % p->planes)
		return fail(
			err, len,
			"total satellites T = %d is not a multiple of planes P = %d",
			p->total, p->planes);
	s = p->total / p->planes;
	if (p->planes > WALKER_MAX_DIM || s > WALKER_MAX_DIM)
		return fail(
			err, len,
			"planes P = %d with %d satellites each: at most %d of either",
			p->planes, s, WALKER_MAX_DIM);
	if (p->phasing < 0 || p->phasing >= p->planes)
		return fail(err, len, "phasing F = %d: must be 0 to P-1 = %d",
			    p->phasing, p->planes - 1);
	if (!isfinite(p->alt_km) || p->alt_km < 160 || p->alt_km > 50000)
		return fail(err, len, "altitude %g km: must be 160 to 50000 km",
			    p->alt_km);
	if (!isfinite(p->inc_deg) || p->inc_deg < 0 || p->inc_deg > 180)
		return fail(err, len, "inclination %g deg: must be 0 to 180",
			    p->inc_deg);
	if (!isfinite(p->lat_limit_deg) || p->lat_limit_deg < 0 ||
	    p->lat_limit_deg > 90)
		return fail(err, len, "latitude limit %g deg: must be 0 to 90",
			    p->lat_limit_deg);
	if (!isfinite(p->step_s) || p->step_s < 0.01 || p->step_s > 3600)
		return fail(err, len, "step %g s: must be 0.01 to 3600 s",
			    p->step_s);
	if (!isfinite(p->duration_s) || p->duration_s < 0 ||
	    p->duration_s > 86400)
		return fail(err, len, "duration %g s: must be 0 to 86400 s",
			    p->duration_s);
	if (p->duration_s / p->step_s > 1e6)
		return fail(
			err, len,
			"duration %g s at step %g s: more than a million steps",
			p->duration_s, p->step_s);
	if (!isfinite(p->mask_deg) || p->mask_deg < 0 || p->mask_deg >= 90)
		return fail(err, len,
			    "elevation mask %g deg: must be 0 to less than 90",
			    p->mask_deg);
	if (!isfinite(p->hysteresis_deg) || p->hysteresis_deg < 0 ||
	    p->hysteresis_deg > 90)
		return fail(err, len, "hysteresis %g deg: must be 0 to 90",
			    p->hysteresis_deg);
	if (!isfinite(p->delay_res_ms) || p->delay_res_ms < 0.001 ||
	    p->delay_res_ms > 1000)
		return fail(err, len,
			    "delay resolution %g ms: must be 0.001 to 1000 ms",
			    p->delay_res_ms);
	for (int i = 0; i < p->ngs; i++) {
		const struct walker_gs *g = &p->gs[i];

		if (!gs_name_ok(g->name))
			return fail(
				err, len,
				"ground station \"%s\": a name of 1 to %d letters, digits, '-' or '_', starting with a letter or digit",
				g->name, WALKER_GS_NAME - 1);
		for (int j = 0; j < i; j++)
			if (!strcmp(p->gs[j].name, g->name))
				return fail(
					err, len,
					"ground station \"%s\" is named twice",
					g->name);
		if (!strncmp(g->name, "sat", 3))
			return fail(
				err, len,
				"ground station \"%s\": names starting with \"sat\" are the satellites'",
				g->name);
		if (!isfinite(g->lat_deg) || g->lat_deg < -90 ||
		    g->lat_deg > 90)
			return fail(
				err, len,
				"ground station %s: latitude %g: must be -90 to 90",
				g->name, g->lat_deg);
		if (!isfinite(g->lon_deg) || g->lon_deg < -180 ||
		    g->lon_deg > 180)
			return fail(
				err, len,
				"ground station %s: longitude %g: must be -180 to 180",
				g->name, g->lon_deg);
	}
	return 0;
}

int walker_parse_tpf(const char *s, struct walker_params *p)
{
	char *end;
	long v[3] = {0, 0, 0};
	int n = 0;

	for (;;) {
		errno = 0;
		if (!isdigit((unsigned char)*s))
			return -1;
		v[n++] = strtol(s, &end, 10);
		if (errno || v[n - 1] > 100000)
			return -1;
		if (!*end)
			break;
		if (*end != '/' || n == 3)
			return -1;
		s = end + 1;
	}
	if (n < 2)
		return -1;
	p->total = (int)v[0];
	p->planes = (int)v[1];
	p->phasing = (int)v[2];
	return 0;
}

/* ------------------------------------------------------------ geometry */

double walker_radius_km(const struct walker_params *p)
{
	return WALKER_R_EARTH_KM + p->alt_km;
}

double walker_mean_motion(const struct walker_params *p)
{
	double a = walker_radius_km(p);

	return sqrt(WALKER_MU_KM3_S2 / (a * a * a));
}

void walker_sat_pos(const struct walker_params *p, int plane, int slot,
		    double t, double r[3])
{
	int S = walker_per_plane(p);
	double a = walker_radius_km(p);
	double raan = (p->star ? M_PI : 2 * M_PI) * plane / p->planes;
	double u = 2 * M_PI * slot / S +
		   2 * M_PI * p->phasing * plane / p->total +
		   walker_mean_motion(p) * t;
	double i = p->inc_deg * DEG;

	r[0] = a * (cos(u) * cos(raan) - sin(u) * cos(i) * sin(raan));
	r[1] = a * (cos(u) * sin(raan) + sin(u) * cos(i) * cos(raan));
	r[2] = a * sin(u) * sin(i);
}

void walker_ground_pos(double lat_deg, double lon_deg, double t, double r[3])
{
	double phi = lat_deg * DEG,
	       lam = lon_deg * DEG + WALKER_OMEGA_EARTH * t;

	r[0] = WALKER_R_EARTH_KM * cos(phi) * cos(lam);
	r[1] = WALKER_R_EARTH_KM * cos(phi) * sin(lam);
	r[2] = WALKER_R_EARTH_KM * sin(phi);
}

double walker_latitude_deg(const double r[3])
{
	double n = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);

	return asin(r[2] / n) / DEG;
}

double walker_dist_km(const double a[3], const double b[3])
{
	double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];

	return sqrt(dx * dx + dy * dy + dz * dz);
}

double walker_elevation_deg(const double gs[3], const double sat[3])
{
	double d[3] = {sat[0] - gs[0], sat[1] - gs[1], sat[2] - gs[2]};
	double dn = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
	double gn = sqrt(gs[0] * gs[0] + gs[1] * gs[1] + gs[2] * gs[2]);
	double s = (d[0] * gs[0] + d[1] * gs[1] + d[2] * gs[2]) / (dn * gn);

	if (s > 1)
		s = 1;
	if (s < -1)
		s = -1;
	return asin(s) / DEG;
}

double walker_slant_range_km(double alt_km, double el_deg)
{
	double R = WALKER_R_EARTH_KM, a = R + alt_km, el = el_deg * DEG;

	return sqrt(a * a - R * R * cos(el) * cos(el)) - R * sin(el);
}

double walker_delay_ms(double d_km)
{
	return d_km / WALKER_C_KM_S * 1000.0;
}

/* ------------------------------------------------------------ links */

bool walker_los_clear(const double a[3], const double b[3])
{
	double d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
	double dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
	double u = dd > 0 ? -(a[0] * d[0] + a[1] * d[1] + a[2] * d[2]) / dd : 0;
	double c[3];

	/* the point of the segment closest to the Earth's centre */
	if (u < 0)
		u = 0;
	if (u > 1)
		u = 1;
	for (int i = 0; i < 3; i++)
		c[i] = a[i] + u * d[i];
	return sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]) >=
	       WALKER_R_EARTH_KM + WALKER_ISL_GRAZE_KM;
}

bool walker_intra_clear(const struct walker_params *p)
{
	return walker_radius_km(p) * cos(M_PI / walker_per_plane(p)) >=
	       WALKER_R_EARTH_KM + WALKER_ISL_GRAZE_KM;
}

int walker_isls(const struct walker_params *p, struct walker_isl *out)
{
	int S = walker_per_plane(p), P = p->planes, n = 0;
	bool intra = S >= 2 && walker_intra_clear(p);

	for (int pl = 0; pl < P; pl++) {
		for (int s = 0; s < S; s++) {
			int me = pl * S + s;

			/* fore: a ring of 3 or more; 2 in a plane: one link */
			if (intra && (s + 1 < S || (S >= 3 && s + 1 == S))) {
				if (out)
					out[n] = (struct walker_isl){
						me, pl * S + (s + 1) % S,
						false};
				n++;
			}
			/* right: the same slot in the next plane */
			if (pl + 1 < P) {
				if (out)
					out[n] = (struct walker_isl){
						me, (pl + 1) * S + s, true};
				n++;
			} else if (!p->star && P >= 3) {
				/* across RAAN 360 = 0: slot s + F of the first
				 * plane */
				if (out)
					out[n] = (struct walker_isl){
						me, (s + p->phasing) % S, true};
				n++;
			}
		}
	}
	return n;
}

static void sat_pos_idx(const struct walker_params *p, int idx, double t,
			double r[3])
{
	int S = walker_per_plane(p);

	walker_sat_pos(p, idx / S, idx % S, t, r);
}

bool walker_isl_up(const struct walker_params *p, const struct walker_isl *l,
		   double t)
{
	double ra[3], rb[3];

	if (!l->inter)
		return true;
	sat_pos_idx(p, l->a, t, ra);
	sat_pos_idx(p, l->b, t, rb);
	return fabs(walker_latitude_deg(ra)) <= p->lat_limit_deg &&
	       fabs(walker_latitude_deg(rb)) <= p->lat_limit_deg &&
	       walker_los_clear(ra, rb);
}

double walker_isl_km(const struct walker_params *p, const struct walker_isl *l,
		     double t)
{
	double ra[3], rb[3];

	sat_pos_idx(p, l->a, t, ra);
	sat_pos_idx(p, l->b, t, rb);
	return walker_dist_km(ra, rb);
}

int walker_gs_choose(const double *el, int n, int cur, double mask, double hyst,
		     bool *mbb)
{
	int best = -1;

	*mbb = false;
	for (int i = 0; i < n; i++)
		if (el[i] >= mask && (best < 0 || el[i] > el[best]))
			best = i;
	if (cur >= 0 && cur < n && el[cur] >= mask) {
		if (best >= 0 && best != cur && el[best] > el[cur] + hyst) {
			*mbb = true;
			return best;
		}
		return cur;
	}
	return best;
}

/* ------------------------------------------------------------ the plan */

static void add_ev(struct walker_plan *pl, double t, enum walker_ev_kind k,
		   int idx, int sat, double delay, bool mbb)
{
	if (pl->nev == pl->cap) {
		int cap = pl->cap ? pl->cap * 2 : 1024;
		struct walker_ev *e = realloc(pl->ev, cap * sizeof(*e));

		if (!e) {
			fputs("walker: out of memory\n", stderr);
			abort();
		}
		pl->ev = e;
		pl->cap = cap;
	}
	pl->ev[pl->nev++] = (struct walker_ev){t, k, idx, sat, delay, mbb};
}

static void *xcalloc_(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p) {
		fputs("walker: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* µs resolution, as netem takes it */
static double round_us(double ms)
{
	return round(ms * 1000.0) / 1000.0;
}

int walker_plan(const struct walker_params *p, struct walker_plan *pl,
		char *err, size_t errlen)
{
	int T, nsteps;
	double *el, (*sp)[3], *last_delay, *gs_last;
	bool *up;
	int *gs_cur, *gs_att;

	memset(pl, 0, sizeof(*pl));
	if (walker_check(p, err, errlen) < 0)
		return -1;
	T = p->total;
	pl->nsats = T;
	pl->per_plane = walker_per_plane(p);
	pl->nisl = walker_isls(p, NULL);
	pl->isl = xcalloc_(pl->nisl, sizeof(*pl->isl));
	walker_isls(p, pl->isl);
	pl->isl_delay0 = xcalloc_(pl->nisl, sizeof(double));
	pl->isl_up0 = xcalloc_(pl->nisl, sizeof(bool));
	pl->ngs = p->ngs;
	pl->gs0 = xcalloc_(p->ngs, sizeof(*pl->gs0));
	pl->gs_handovers = xcalloc_(p->ngs, sizeof(int));
	pl->gs_mbb = xcalloc_(p->ngs, sizeof(int));
	pl->gs_outages = xcalloc_(p->ngs, sizeof(int));
	pl->gs_vis_min = xcalloc_(p->ngs, sizeof(int));
	pl->gs_vis_max = xcalloc_(p->ngs, sizeof(int));
	pl->gs_vis_mean = xcalloc_(p->ngs, sizeof(double));

	el = xcalloc_(T, sizeof(double));
	sp = xcalloc_(T, sizeof(*sp));
	last_delay = xcalloc_(pl->nisl, sizeof(double));
	up = xcalloc_(pl->nisl, sizeof(bool));
	gs_cur = xcalloc_(p->ngs, sizeof(int));
	gs_att = xcalloc_(p->ngs, sizeof(int));
	gs_last = xcalloc_(p->ngs, sizeof(double));

	/* the steps: 0, step, 2 step, ... <= duration (a hair of slack for
	 * durations that are multiples of a decimal step) */
	nsteps = (int)floor(p->duration_s / p->step_s + 1e-9) + 1;
	pl->steps = nsteps;
	for (int k = 0; k < nsteps; k++) {
		double t = k * p->step_s;

		for (int i = 0; i < T; i++)
			sat_pos_idx(p, i, t, sp[i]);
		for (int i = 0; i < pl->nisl; i++) {
			const struct walker_isl *l = &pl->isl[i];
			bool u = true;
			double d = round_us(walker_delay_ms(
				walker_dist_km(sp[l->a], sp[l->b])));

			if (l->inter)
				u = fabs(walker_latitude_deg(sp[l->a])) <=
					    p->lat_limit_deg &&
				    fabs(walker_latitude_deg(sp[l->b])) <=
					    p->lat_limit_deg &&
				    walker_los_clear(sp[l->a], sp[l->b]);
			if (k == 0) {
				pl->isl_delay0[i] = last_delay[i] = d;
				pl->isl_up0[i] = up[i] = u;
				if (!u)
					add_ev(pl, t, WEV_ISL_DOWN, i, -1, 0,
					       false);
				continue;
			}
			/* the delay of a link that comes back first, then up */
			if (u &&
			    fabs(d - last_delay[i]) >= p->delay_res_ms - 1e-9) {
				add_ev(pl, t, WEV_ISL_DELAY, i, -1, d, false);
				last_delay[i] = d;
			}
			if (u != up[i])
				add_ev(pl, t, u ? WEV_ISL_UP : WEV_ISL_DOWN, i,
				       -1, 0, false);
			up[i] = u;
		}
		for (int g = 0; g < p->ngs; g++) {
			double gp[3];
			int nvis = 0, ch;
			bool mbb;

			walker_ground_pos(p->gs[g].lat_deg, p->gs[g].lon_deg, t,
					  gp);
			for (int i = 0; i < T; i++) {
				el[i] = walker_elevation_deg(gp, sp[i]);
				nvis += el[i] >= p->mask_deg;
			}
			if (k == 0 || nvis < pl->gs_vis_min[g])
				pl->gs_vis_min[g] = nvis;
			if (nvis > pl->gs_vis_max[g])
				pl->gs_vis_max[g] = nvis;
			pl->gs_vis_mean[g] += nvis;
			if (k == 0) {
				int best = 0;

				ch = walker_gs_choose(el, T, -1, p->mask_deg,
						      p->hysteresis_deg, &mbb);
				for (int i = 1; i < T; i++)
					if (el[i] > el[best])
						best = i;
				/* wired to the best even when it is below the
				 * mask */
				gs_att[g] = ch >= 0 ? ch : best;
				gs_cur[g] = ch;
				pl->gs0[g].sat = gs_att[g];
				pl->gs0[g].up = ch >= 0;
				pl->gs0[g].el_deg = el[gs_att[g]];
				pl->gs0[g].delay_ms = gs_last[g] =
					round_us(walker_delay_ms(walker_dist_km(
						gp, sp[gs_att[g]])));
				if (ch < 0) {
					add_ev(pl, t, WEV_GS_DOWN, g, -1, 0,
					       false);
					pl->gs_outages[g]++;
				}
				continue;
			}
			ch = walker_gs_choose(el, T, gs_cur[g], p->mask_deg,
					      p->hysteresis_deg, &mbb);
			if (ch < 0) {
				if (gs_cur[g] >= 0) {
					add_ev(pl, t, WEV_GS_DOWN, g, -1, 0,
					       false);
					pl->gs_outages[g]++;
				}
				gs_cur[g] = -1;
				continue;
			}
			double d = round_us(
				walker_delay_ms(walker_dist_km(gp, sp[ch])));

			if (ch != gs_att[g]) {
				add_ev(pl, t, WEV_HANDOVER, g, ch, d, mbb);
				pl->gs_handovers[g]++;
				pl->gs_mbb[g] += mbb;
				gs_att[g] = ch;
				gs_last[g] = d;
			} else if (fabs(d - gs_last[g]) >=
				   p->delay_res_ms - 1e-9) {
				add_ev(pl, t, WEV_GS_DELAY, g, -1, d, false);
				gs_last[g] = d;
			}
			if (gs_cur[g] < 0)
				add_ev(pl, t, WEV_GS_UP, g, -1, 0, false);
			gs_cur[g] = ch;
		}
	}
	for (int g = 0; g < p->ngs; g++)
		pl->gs_vis_mean[g] /= nsteps;
	free(el);
	free(sp);
	free(last_delay);
	free(up);
	free(gs_cur);
	free(gs_att);
	free(gs_last);
	return 0;
}

void walker_plan_free(struct walker_plan *pl)
{
	free(pl->isl);
	free(pl->isl_delay0);
	free(pl->isl_up0);
	free(pl->gs0);
	free(pl->ev);
	free(pl->gs_handovers);
	free(pl->gs_mbb);
	free(pl->gs_outages);
	free(pl->gs_vis_min);
	free(pl->gs_vis_max);
	free(pl->gs_vis_mean);
	memset(pl, 0, sizeof(*pl));
}
