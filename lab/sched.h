/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sched.h: the schedule runner's plan (lab/sched.c): time scaling, steps,
 * drain/restore actions around scheduled ISL changes, skew statistics.
 * No I/O: ops.c performs the actions.
 */
#ifndef SATNET_LAB_SCHED_H
#define SATNET_LAB_SCHED_H

#include <stdbool.h>
#include <stddef.h>

#include "satnet-lab.h"

#define SCHED_SPEED_MIN 0.01
#define SCHED_SPEED_MAX 1000.0

enum sched_kind {
	SA_NONE,    /* cancelled (internal) */
	SA_DRAIN,   /* raise the ISL's IGP cost at both ends */
	SA_APPLY,   /* apply event ev */
	SA_RESTORE, /* wait for adjacency + LDP, then lower the cost */
};

struct sched_action {
	double due; /* plan seconds */
	int cls;    /* order at one due time: 0 drain, 1 event, 2 restore/late
		       drain */
	int seq;    /* order of creation (ties) */
	enum sched_kind kind;
	int ev;	  /* the event (for DRAIN/RESTORE: the down/up it belongs to) */
	int link; /* ISL index, -1 for a ground link */
	int step; /* SA_APPLY: 0-based step (events sharing a due time) */
};

/* "--speed X" is usable (message in err otherwise). */
int sched_check_speed(double speed, char *err, size_t len);
/* Wall time (same clock as t0) at which plan time t is due. */
double sched_wall(double t0, double t_plan, double speed);
/* The actions for events ev[0..nev) (sorted by t, as topo.c leaves
 * them); lead_s 0: no drain. Returns the count and *out (free it), or
 * -1 (out of memory). *nsteps: how many steps. */
int sched_build(const struct event *ev, int nev, int nlinks, double speed,
		double lead_s, struct sched_action **out, int *nsteps);
/* Is a[i] the last event of its step? */
bool sched_step_ends(const struct sched_action *a, int n, int i);

struct sched_stats {
	int n;
	double min, median, p95, max, mean;
};
void sched_stats(const double *v, int n, struct sched_stats *st);

#endif
