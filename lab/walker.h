/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * walker.h: the orbital model behind `satnet-lab generate walker`.
 *
 * Plain C and libm, no FRR, no json-c: lab/walker.c computes positions,
 * ISL lengths and delays, ground-station visibility and the contact plan
 * (a list of events); lab/generate.c turns the plan into the lab's
 * topology JSON. The model and its assumptions are described at the top
 * of walker.c and in lab/README.md.
 *
 * Satellites are numbered plane-major: index = plane * S + slot, with S =
 * T / P satellites per plane.
 */
#ifndef SATNET_WALKER_H
#define SATNET_WALKER_H

#include <stdbool.h>
#include <stddef.h>

#define WALKER_R_EARTH_KM 6371.0	/* mean radius, spherical Earth */
#define WALKER_MU_KM3_S2 398600.4418	/* GM of the Earth */
#define WALKER_OMEGA_EARTH 7.2921150e-5 /* rad/s, sidereal rotation */
#define WALKER_C_KM_S 299792.458	/* speed of light in vacuum */

#define WALKER_ISL_GRAZE_KM 80.0 /* an ISL's line must clear the atmosphere */

#define WALKER_MAX_SATS 1000 /* label ranges of 1000 must fit under 2^20 */
#define WALKER_MAX_DIM 99    /* satellite names satPPSS */
#define WALKER_GS_NAME 13    /* 12 characters: the satellite side is gs-NAME */

struct walker_gs {
	char name[WALKER_GS_NAME + 1];
	double lat_deg, lon_deg;
};

struct walker_params {
	int total;	/* T: satellites */
	int planes;	/* P: orbital planes */
	int phasing;	/* F: 0 .. P-1 */
	double alt_km;	/* altitude of the circular orbits */
	double inc_deg; /* inclination */
	bool star;	/* Walker star: planes over 180 deg of RAAN, a seam */
	double lat_limit_deg; /* inter-plane ISLs off above this |latitude| */
	double step_s, duration_s;
	double mask_deg;       /* ground stations: minimum elevation */
	double hysteresis_deg; /* a handover needs this much more elevation */
	double delay_res_ms;   /* a delay update when it moved this much */
	struct walker_gs *gs;
	int ngs;
};

/* Defaults for everything but total/planes/phasing and the stations. */
void walker_defaults(struct walker_params *p);

/* 0 if usable; else -1 and a sentence naming the parameter in err. */
int walker_check(const struct walker_params *p, char *err, size_t errlen);

/* "T/P/F" (Walker notation; "/F" may be left out: 0) into p. */
int walker_parse_tpf(const char *s, struct walker_params *p);

/* ------------------------------------------------------------ geometry */

static inline int walker_per_plane(const struct walker_params *p)
{
	return p->total / p->planes;
}

/* Orbit radius (km) and mean motion (rad/s) of a circular orbit. */
double walker_radius_km(const struct walker_params *p);
double walker_mean_motion(const struct walker_params *p);

/* Satellite (plane, slot) at time t (s) in the inertial frame (km). */
void walker_sat_pos(const struct walker_params *p, int plane, int slot,
		    double t, double r[3]);
/* A point on the Earth's surface at time t in the inertial frame (km);
 * the inertial and Earth-fixed frames coincide at t = 0. */
void walker_ground_pos(double lat_deg, double lon_deg, double t, double r[3]);
/* Geocentric latitude (deg) of a position. */
double walker_latitude_deg(const double r[3]);
/* Elevation (deg) of `sat` seen from the ground point `gs`. */
double walker_elevation_deg(const double gs[3], const double sat[3]);
/* Slant range (km) to a satellite at altitude h seen at elevation el:
 * sqrt((R+h)^2 - R^2 cos^2 el) - R sin el. */
double walker_slant_range_km(double alt_km, double el_deg);
double walker_dist_km(const double a[3], const double b[3]);
/* One-way propagation delay (ms) over d km in vacuum. */
double walker_delay_ms(double d_km);

/* ------------------------------------------------------------ links */

struct walker_isl {
	int a, b;   /* satellite indices */
	bool inter; /* between planes (switched off near the poles) */
};

/* Does the straight line between two positions stay above the Earth
 * and its atmosphere (R + WALKER_ISL_GRAZE_KM)? */
bool walker_los_clear(const double a[3], const double b[3]);
/* Can satellites of one plane see their neighbours: a cos(pi/S) above
 * R + WALKER_ISL_GRAZE_KM? (Otherwise the Earth is in the way, always.) */
bool walker_intra_clear(const struct walker_params *p);

/* The ISLs: fore/aft in each plane (a ring when S >= 3; none when the
 * Earth blocks them), and the same slot in the next plane; in a delta
 * with P >= 3 the last plane links to the first (slot s to slot s+F: the
 * phasing carries over), a star has a seam there. Returns the count
 * (<= 2 T); out may be NULL to count. */
int walker_isls(const struct walker_params *p, struct walker_isl *out);

/* Is the ISL up at time t? Intra-plane: always; inter-plane: while both
 * ends are at |latitude| <= lat_limit and the Earth is not in the way. */
bool walker_isl_up(const struct walker_params *p, const struct walker_isl *l,
		   double t);
double walker_isl_km(const struct walker_params *p, const struct walker_isl *l,
		     double t);

/* Which satellite a ground station uses, given every satellite's
 * elevation (el[n]) and the one it uses now (cur, -1: none): cur while it
 * stays above the mask, unless another is higher by more than the
 * hysteresis (make-before-break: *mbb = true, both visible); the highest
 * visible one when cur sets (*mbb = false); -1 when none is visible. */
int walker_gs_choose(const double *el, int n, int cur, double mask_deg,
		     double hyst_deg, bool *mbb);

/* ------------------------------------------------------------ the plan */

enum walker_ev_kind {
	WEV_ISL_DELAY, /* idx = ISL, delay_ms */
	WEV_ISL_DOWN,
	WEV_ISL_UP,
	WEV_GS_DELAY, /* idx = ground station, delay_ms */
	WEV_GS_DOWN,
	WEV_GS_UP,
	WEV_HANDOVER, /* idx = ground station, sat, delay_ms, mbb */
};

struct walker_ev {
	double t;
	enum walker_ev_kind kind;
	int idx;
	int sat;
	double delay_ms;
	bool mbb;
};

struct walker_gs_state {
	int sat;	 /* the satellite it is wired to (the best at t=0) */
	bool up;	 /* a satellite visible at t = 0 */
	double el_deg;	 /* its elevation at t = 0 */
	double delay_ms; /* its ground link's delay at t = 0 */
};

struct walker_plan {
	int nsats, per_plane;
	struct walker_isl *isl;
	int nisl;
	double *isl_delay0; /* delay at t = 0 (ms), per ISL */
	bool *isl_up0;
	struct walker_gs_state *gs0;
	int ngs;
	struct walker_ev *ev;
	int nev, cap;
	int steps;
	/* per ground station over the plan */
	int *gs_handovers, *gs_mbb, *gs_outages, *gs_vis_min, *gs_vis_max;
	double *gs_vis_mean;
};

/* Compute the plan: every step from 0 to duration. Returns 0, or -1
 * with a sentence in err (walker_check's). */
int walker_plan(const struct walker_params *p, struct walker_plan *out,
		char *err, size_t errlen);
void walker_plan_free(struct walker_plan *pl);

#endif
