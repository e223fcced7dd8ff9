// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the Walker constellation model (lab/walker.c) against hand
 * calculations, and its refusal of bad parameters.
 *
 * Hand figures (R = 6371 km, h = 550 km, a = R + h = 6921 km,
 * c = 299792.458 km/s):
 *   intra-plane ISL, S = 22: 2 a sin(pi/22) = 1969.922 km = 6.5710 ms
 *   adjacent planes at their nodes, P = 6, F = 0: 2 a sin(pi/6) = a
 *   slant range at 90 deg: h; at 0 deg: sqrt((a-R)(a+R)) = sqrt(550 *
 *   13292) = 2703.812 km; at 25 deg: sqrt(a^2 - R^2 cos^2 25) - R sin 25
 *   = 1123.277 km
 *   straight down from 550 km: 550 / c = 1.8346 ms
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "walker.h"

#define NEAR(x, y, eps)                                                        \
	do {                                                                   \
		double x_ = (x), y_ = (y);                                     \
		if (!(fabs(x_ - y_) <= (eps)))                                 \
			fail_msg("%s = %.9g, expected %.9g (+-%g)", #x, x_,    \
				 y_, (double)(eps));                           \
	} while (0)

static void params(struct walker_params *p, int T, int P, int F, double alt,
		   double inc)
{
	walker_defaults(p);
	p->total = T;
	p->planes = P;
	p->phasing = F;
	p->alt_km = alt;
	p->inc_deg = inc;
}

static void test_intra_plane_length(void **state)
{
	struct walker_params p;
	struct walker_isl *isl;
	int n, intra = 0;

	(void)state;
	params(&p, 22 * 4, 4, 1, 550, 53);
	n = walker_isls(&p, NULL);
	isl = calloc(n, sizeof(*isl));
	assert_int_equal(walker_isls(&p, isl), n);
	/* a ring of 22 in each of 4 planes, 22 links between neighbouring
	 * planes, and the wrap-around from the 4th plane to the 1st */
	assert_int_equal(n, 4 * 22 + 4 * 22);
	for (int i = 0; i < n; i++) {
		if (isl[i].inter)
			continue;
		intra++;
		/* constant along the orbit */
		for (double t = 0; t < 6000; t += 1234.5) {
			NEAR(walker_isl_km(&p, &isl[i], t), 1969.922, 1e-3);
			NEAR(walker_delay_ms(walker_isl_km(&p, &isl[i], t)),
			     6.5710, 1e-4);
			assert_true(walker_isl_up(&p, &isl[i], t));
		}
	}
	assert_int_equal(intra, 88);
	free(isl);
}

static void test_inter_plane_at_node(void **state)
{
	struct walker_params p;
	struct walker_isl l = {
		0, 5, true}; /* (plane 0, slot 0) - (plane 1, slot 0) */
	double r0[3], r1[3];

	(void)state;
	params(&p, 30, 6, 0, 550, 53);
	walker_sat_pos(&p, 0, 0, 0, r0);
	walker_sat_pos(&p, 1, 0, 0, r1);
	/* both at their ascending node, 60 deg of RAAN apart */
	NEAR(walker_dist_km(r0, r1), 6921.0, 1e-6);
	NEAR(walker_isl_km(&p, &l, 0), 6921.0, 1e-6);
	NEAR(walker_latitude_deg(r0), 0, 1e-9);
	/* on the orbit radius at all times */
	walker_sat_pos(&p, 3, 2, 777.7, r0);
	NEAR(sqrt(r0[0] * r0[0] + r0[1] * r0[1] + r0[2] * r0[2]), 6921.0, 1e-6);
	/* the orbital period: 2 pi sqrt(a^3 / GM) = 2 pi sqrt(6921^3 /
	 * 398600.4418) = 5730.13 s */
	NEAR(2 * M_PI / walker_mean_motion(&p), 5730.13, 0.01);
}

static void test_overhead_and_slant(void **state)
{
	struct walker_params p;
	double sat[3], gs[3];

	(void)state;
	params(&p, 30, 6, 1, 550, 53);
	/* t = 0: satellite (0,0) is over latitude 0, longitude 0 */
	walker_sat_pos(&p, 0, 0, 0, sat);
	walker_ground_pos(0, 0, 0, gs);
	NEAR(walker_elevation_deg(gs, sat), 90, 1e-6);
	NEAR(walker_dist_km(gs, sat), 550, 1e-6);
	NEAR(walker_delay_ms(walker_dist_km(gs, sat)), 1.8346, 1e-4);

	/* later, with the Earth turned under it: the station at the
	 * sub-satellite point still sees it at 90 deg */
	double t = 1000, lat, lon;

	walker_sat_pos(&p, 2, 3, t, sat);
	lat = walker_latitude_deg(sat);
	lon = atan2(sat[1], sat[0]) * 180 / M_PI -
	      WALKER_OMEGA_EARTH * t * 180 / M_PI;
	walker_ground_pos(lat, lon, t, gs);
	NEAR(walker_elevation_deg(gs, sat), 90, 1e-6);
	/* the same spot a minute later has turned 0.25 deg east: not overhead
	 */
	walker_ground_pos(lat, lon, t + 60, gs);
	assert_true(walker_elevation_deg(gs, sat) < 89);

	NEAR(walker_slant_range_km(550, 90), 550, 1e-9);
	NEAR(walker_slant_range_km(550, 0), 2703.812, 1e-3);
	NEAR(walker_slant_range_km(550, 25), 1123.277, 1e-3);

	/* a satellite put 1123.277 km away at 25 deg above the horizon of
	 * (0, 0) is at the orbit radius and seen at 25 deg */
	double d = walker_slant_range_km(550, 25), e = 25 * M_PI / 180;

	walker_ground_pos(0, 0, 0, gs);
	sat[0] = gs[0] + d * sin(e);
	sat[1] = gs[1] + d * cos(e);
	sat[2] = gs[2];
	NEAR(sqrt(sat[0] * sat[0] + sat[1] * sat[1] + sat[2] * sat[2]), 6921.0,
	     1e-6);
	NEAR(walker_elevation_deg(gs, sat), 25, 1e-9);
}

static void test_line_of_sight(void **state)
{
	struct walker_params p;

	(void)state;
	/* 4 per plane at 550 km: neighbours 90 deg apart, the chord passes
	 * a cos 45 = 4894 km from the centre: through the Earth */
	params(&p, 12, 3, 1, 550, 53);
	assert_false(walker_intra_clear(&p));
	for (int i = 0; i < 24 && i < walker_isls(&p, NULL); i++) {
		struct walker_isl l[24];

		walker_isls(&p, l);
		assert_true(l[i].inter);
	}
	assert_int_equal(walker_isls(&p, NULL), 12);
	/* at 8000 km: a cos 45 = 10162 km, clear */
	params(&p, 12, 3, 1, 8000, 53);
	assert_true(walker_intra_clear(&p));
	assert_int_equal(walker_isls(&p, NULL), 24);

	double a[3] = {7000, 0, 0}, b[3] = {-7000, 0, 0}, c[3] = {0, 7000, 0};

	assert_false(walker_los_clear(a, b)); /* through the centre */
	/* 90 deg apart at 7000 km: closest 4950 km */
	assert_false(walker_los_clear(a, c));
	double d[3] = {7000, 1000, 0};

	assert_true(walker_los_clear(a, d));
}

static void test_polar_cutoff_and_star(void **state)
{
	struct walker_params p;
	struct walker_isl l = {0, 10,
			       true}; /* plane 0 slot 0 - plane 1 slot 0 */
	double quarter;

	(void)state;
	params(&p, 60, 6, 0, 780, 90);
	/* a delta has 6 rings of 10 and 6 x 10 links between planes
	 * (wrapping around), a star no links across the seam: 5 x 10 */
	assert_int_equal(walker_isls(&p, NULL), 60 + 60);
	p.star = true;
	assert_int_equal(walker_isls(&p, NULL), 60 + 50);
	/* (in the star the planes are 30 deg apart: the link clears the
	 * Earth, a cos 15 = 6907 km > R + 80; in the delta, 60 deg apart, it
	 * would not: a cos 30 = 6193 km) */

	/* at t = 0 both at the equator: up; a quarter orbit later both are
	 * over the pole (latitude 90 > 75): down */
	assert_true(walker_isl_up(&p, &l, 0));
	quarter = M_PI / 2 / walker_mean_motion(&p);
	assert_false(walker_isl_up(&p, &l, quarter));
	/* at 70 deg of latitude (u = 70 deg) still up, at 80 down */
	assert_true(walker_isl_up(&p, &l, quarter * 70 / 90));
	assert_false(walker_isl_up(&p, &l, quarter * 80 / 90));
	/* intra-plane links never go down */
	struct walker_isl in = {0, 1, false};

	assert_true(walker_isl_up(&p, &in, quarter));
	/* the delta's planes 60 deg apart: the Earth is in the way */
	p.star = false;
	assert_false(walker_isl_up(&p, &l, 0));
}

static void test_choose_hysteresis(void **state)
{
	double el[4] = {40, 45, 10, -5};
	bool mbb;

	(void)state;
	/* no current: the highest above the mask */
	assert_int_equal(walker_gs_choose(el, 4, -1, 25, 10, &mbb), 1);
	assert_false(mbb);
	/* keeps 0 while 1 is only 5 deg higher */
	assert_int_equal(walker_gs_choose(el, 4, 0, 25, 10, &mbb), 0);
	assert_false(mbb);
	/* 1 is now 11 deg higher: make-before-break handover */
	el[1] = 51;
	assert_int_equal(walker_gs_choose(el, 4, 0, 25, 10, &mbb), 1);
	assert_true(mbb);
	/* the current sets: break-before-make to the best visible */
	el[0] = 20;
	el[1] = 30;
	el[2] = 35;
	assert_int_equal(walker_gs_choose(el, 4, 0, 25, 10, &mbb), 2);
	assert_false(mbb);
	/* none visible */
	el[1] = el[2] = 24.9;
	assert_int_equal(walker_gs_choose(el, 4, 0, 25, 10, &mbb), -1);
	/* exactly at the mask counts as visible */
	el[3] = 25;
	assert_int_equal(walker_gs_choose(el, 4, 0, 25, 10, &mbb), 3);
}

static void test_plan(void **state)
{
	struct walker_gs gs[2] = {{"north", 89.5, 0}, {"mid", 40, 10}};
	struct walker_params p;
	struct walker_plan pl;
	char err[256];

	(void)state;
	/* 720 satellites at 550 km, 53 deg; mask 25: a satellite covers a
	 * cap of central angle acos(R cos 25 / a) - 25 = 8.45 deg, i.e.
	 * (1 - cos 8.45)/2 = 0.54 % of the sphere: ~3.9 in view on
	 * average if spread evenly, more near 40 deg latitude, none at the
	 * pole (53 + 8.45 < 89.5) */
	params(&p, 720, 36, 1, 550, 53);
	p.gs = gs;
	p.ngs = 2;
	p.duration_s = 300;
	assert_int_equal(walker_plan(&p, &pl, err, sizeof(err)), 0);
	assert_int_equal(pl.steps, 301);
	assert_int_equal(pl.gs_vis_max[0], 0);
	assert_false(pl.gs0[0].up);
	assert_true(pl.gs_vis_mean[1] >= 2 && pl.gs_vis_mean[1] <= 20);
	assert_true(pl.gs_vis_min[1] >= 1);
	assert_true(pl.gs_vis_max[1] <= 40);
	assert_true(pl.gs0[1].up);
	assert_true(pl.gs0[1].el_deg >= 25);
	/* a satellite at 550 km crosses a 25-deg cap in ~2 minutes: some
	 * handovers in 5 minutes, but not one per step */
	assert_true(pl.gs_handovers[1] >= 1 && pl.gs_handovers[1] <= 30);

	/* events in time order; delays as computed; handovers to a
	 * satellite above the mask */
	for (int i = 0; i < pl.nev; i++) {
		const struct walker_ev *e = &pl.ev[i];

		if (i)
			assert_true(e->t >= pl.ev[i - 1].t);
		if (e->kind == WEV_ISL_DELAY)
			NEAR(e->delay_ms,
			     walker_delay_ms(
				     walker_isl_km(&p, &pl.isl[e->idx], e->t)),
			     0.0006);
		if (e->kind == WEV_HANDOVER) {
			double sp[3], gp[3];

			assert_int_equal(e->idx, 1);
			walker_sat_pos(&p, e->sat / pl.per_plane,
				       e->sat % pl.per_plane, e->t, sp);
			walker_ground_pos(gs[1].lat_deg, gs[1].lon_deg, e->t,
					  gp);
			assert_true(walker_elevation_deg(gp, sp) >= 25);
			NEAR(e->delay_ms,
			     walker_delay_ms(walker_dist_km(gp, sp)), 0.0006);
		}
	}
	/* the station at the pole: down from t = 0 */
	assert_int_equal(pl.ev[0].t, 0);
	bool north_down = false;

	for (int i = 0; i < pl.nev && pl.ev[i].t == 0; i++)
		north_down |= pl.ev[i].kind == WEV_GS_DOWN && pl.ev[i].idx == 0;
	assert_true(north_down);
	walker_plan_free(&pl);
}

static void test_delay_resolution(void **state)
{
	struct walker_params p;
	struct walker_plan pl;
	char err[256];
	int n_fine, n_coarse;

	(void)state;
	params(&p, 40, 4, 1, 1000, 53);
	p.duration_s = 120;
	p.delay_res_ms = 0.01;
	assert_int_equal(walker_plan(&p, &pl, err, sizeof(err)), 0);
	n_fine = pl.nev;
	walker_plan_free(&pl);
	p.delay_res_ms = 1;
	assert_int_equal(walker_plan(&p, &pl, err, sizeof(err)), 0);
	n_coarse = pl.nev;
	/* intra-plane links never change: only inter-plane updates */
	for (int i = 0; i < pl.nev; i++)
		if (pl.ev[i].kind == WEV_ISL_DELAY)
			assert_true(pl.isl[pl.ev[i].idx].inter);
	walker_plan_free(&pl);
	assert_true(n_fine > n_coarse);
}

struct bad_case {
	const char *what;
	void (*set)(struct walker_params *p);
	const char *msg; /* must appear in the error */
};

static void b_planes0(struct walker_params *p)
{
	p->planes = 0;
}
static void b_total1(struct walker_params *p)
{
	p->total = 1;
}
static void b_total_big(struct walker_params *p)
{
	p->total = 1200, p->planes = 12;
}
static void b_multiple(struct walker_params *p)
{
	p->total = 13;
}
static void b_phasing(struct walker_params *p)
{
	p->phasing = 3;
}
static void b_phasing_neg(struct walker_params *p)
{
	p->phasing = -1;
}
static void b_alt(struct walker_params *p)
{
	p->alt_km = 100;
}
static void b_alt_nan(struct walker_params *p)
{
	p->alt_km = NAN;
}
static void b_inc(struct walker_params *p)
{
	p->inc_deg = 181;
}
static void b_step(struct walker_params *p)
{
	p->step_s = 0;
}
static void b_dur(struct walker_params *p)
{
	p->duration_s = -1;
}
static void b_mask(struct walker_params *p)
{
	p->mask_deg = 90;
}
static void b_hyst(struct walker_params *p)
{
	p->hysteresis_deg = -2;
}
static void b_lat(struct walker_params *p)
{
	p->lat_limit_deg = 91;
}
static void b_res(struct walker_params *p)
{
	p->delay_res_ms = 0;
}
static void b_dim(struct walker_params *p)
{
	p->total = 200, p->planes = 2;
}

static struct walker_gs bad_gs[2];
static void b_gs_lat(struct walker_params *p)
{
	bad_gs[0] = (struct walker_gs){"paris", 95, 2};
	p->gs = bad_gs, p->ngs = 1;
}
static void b_gs_lon(struct walker_params *p)
{
	bad_gs[0] = (struct walker_gs){"paris", 48, 200};
	p->gs = bad_gs, p->ngs = 1;
}
static void b_gs_name(struct walker_params *p)
{
	bad_gs[0] = (struct walker_gs){"pa ris", 48, 2};
	p->gs = bad_gs, p->ngs = 1;
}
static void b_gs_dup(struct walker_params *p)
{
	bad_gs[0] = (struct walker_gs){"paris", 48, 2};
	bad_gs[1] = (struct walker_gs){"paris", 40, 2};
	p->gs = bad_gs, p->ngs = 2;
}
static void b_gs_sat(struct walker_params *p)
{
	bad_gs[0] = (struct walker_gs){"sat0001", 48, 2};
	p->gs = bad_gs, p->ngs = 1;
}

static const struct bad_case bad[] = {
	{"no planes", b_planes0, "planes P = 0"},
	{"one satellite", b_total1, "total satellites T = 1"},
	{"too many", b_total_big, "total satellites T = 1200"},
	{"T not a multiple of P", b_multiple,
	 "T = 13 is not a multiple of planes P = 3"},
	{"phasing >= P", b_phasing, "phasing F = 3"},
	{"phasing < 0", b_phasing_neg, "phasing F = -1"},
	{"altitude too low", b_alt, "altitude 100 km"},
	{"altitude NaN", b_alt_nan, "altitude"},
	{"inclination", b_inc, "inclination 181"},
	{"step", b_step, "step 0 s"},
	{"duration", b_dur, "duration -1 s"},
	{"mask", b_mask, "elevation mask 90"},
	{"hysteresis", b_hyst, "hysteresis -2"},
	{"latitude limit", b_lat, "latitude limit 91"},
	{"delay resolution", b_res, "delay resolution 0 ms"},
	{"100 per plane", b_dim, "at most 99"},
	{"station latitude", b_gs_lat, "ground station paris: latitude 95"},
	{"station longitude", b_gs_lon, "ground station paris: longitude 200"},
	{"station name", b_gs_name, "ground station \"pa ris\""},
	{"station twice", b_gs_dup, "ground station \"paris\" is named twice"},
	{"station named like a satellite", b_gs_sat,
	 "ground station \"sat0001\""},
};

static void test_refuses(void **state)
{
	struct walker_params p;
	struct walker_plan pl;
	char err[256];

	(void)state;
	params(&p, 12, 3, 1, 550, 53);
	assert_int_equal(walker_check(&p, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		params(&p, 12, 3, 1, 550, 53);
		bad[i].set(&p);
		err[0] = '\0';
		if (walker_check(&p, err, sizeof(err)) != -1)
			fail_msg("%s: accepted", bad[i].what);
		if (!strstr(err, bad[i].msg))
			fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].what,
				 err, bad[i].msg);
		/* the plan refuses the same way, and leaves nothing to free */
		assert_int_equal(walker_plan(&p, &pl, err, sizeof(err)), -1);
		assert_null(pl.ev);
	}
}

static void test_parse_tpf(void **state)
{
	struct walker_params p;

	(void)state;
	walker_defaults(&p);
	assert_int_equal(walker_parse_tpf("12/3/1", &p), 0);
	assert_int_equal(p.total, 12);
	assert_int_equal(p.planes, 3);
	assert_int_equal(p.phasing, 1);
	assert_int_equal(walker_parse_tpf("66/6", &p), 0);
	assert_int_equal(p.phasing, 0);
	assert_int_equal(walker_parse_tpf("12", &p), -1);
	assert_int_equal(walker_parse_tpf("12/3/1/2", &p), -1);
	assert_int_equal(walker_parse_tpf("12x3", &p), -1);
	assert_int_equal(walker_parse_tpf("-12/3", &p), -1);
	assert_int_equal(walker_parse_tpf("", &p), -1);
	assert_int_equal(walker_parse_tpf("12/", &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intra_plane_length),
		cmocka_unit_test(test_inter_plane_at_node),
		cmocka_unit_test(test_overhead_and_slant),
		cmocka_unit_test(test_line_of_sight),
		cmocka_unit_test(test_polar_cutoff_and_star),
		cmocka_unit_test(test_choose_hysteresis),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_delay_resolution),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_parse_tpf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
