// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sched.c: the schedule runner's plan, without any I/O (unit-tested
 * alone): the events of a contact plan become a list of actions, each
 * with its due time, in the order the runner performs them.
 *
 * - Time scaling: an action due at plan time t runs at wall time
 *   t0 + t / speed (--speed 10: ten plan seconds per second).
 * - Steps: the events due at the same plan time form one step; the
 *   runner measures each step's skew (when its last event was applied,
 *   against its due time).
 * - Drain (a lead time L > 0, in wall seconds): an ISL that the plan takes
 *   down at t gets a DRAIN (its IGP cost raised at both ends) at
 *   t - L * speed, but never before the link's previous up/down event nor
 *   before 0; a drain that would come before that previous event runs
 *   right after it instead, and that up then gets no RESTORE (the link
 *   goes down again soon). An ISL that comes up at t gets a RESTORE right
 *   after: wait for the adjacency (and LDP), then lower the cost again.
 * - At one due time: drains first, then the events in their plan order,
 *   then restores and late drains.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

#define SAME_T(a, b) (fabs((a) - (b)) < 1e-9)

int sched_check_speed(double speed, char *err, size_t len)
{
	if (!isfinite(speed) || speed < SCHED_SPEED_MIN ||
	    speed > SCHED_SPEED_MAX) {
		snprintf(err, len,
			 "--speed %g: must be %g to %g (1 = real time)", speed,
			 SCHED_SPEED_MIN, SCHED_SPEED_MAX);
		return -1;
	}
	return 0;
}

double sched_wall(double t0, double t_plan, double speed)
{
	return t0 + t_plan / speed;
}

static int cmp_action(const void *x, const void *y)
{
	const struct sched_action *a = x, *b = y;

	if (!SAME_T(a->due, b->due))
		return a->due < b->due ? -1 : 1;
	if (a->cls != b->cls)
		return a->cls - b->cls;
	return a->seq - b->seq;
}

int sched_build(const struct event *ev, int nev, int nlinks, double speed,
		double lead_s, struct sched_action **out, int *nsteps)
{
	struct sched_action *a = calloc(3 * (size_t)nev + 1, sizeof(*a));
	double *prev_t = calloc((size_t)nlinks + 1, sizeof(double));
	int *prev_up = calloc((size_t)nlinks + 1,
			      sizeof(int)); /* action idx of a RESTORE */
	int n = 0, steps = 0;

	if (!a || !prev_t || !prev_up) {
		free(a);
		free(prev_t);
		free(prev_up);
		return -1;
	}
	for (int i = 0; i < nlinks; i++) {
		prev_t[i] = 0;
		prev_up[i] = -1;
	}
	for (int i = 0; i < nev; i++) {
		const struct event *e = &ev[i];
		bool isl = e->link >= 0 && e->link < nlinks;

		if (lead_s > 0 && isl && e->action == EV_DOWN) {
			double due = e->t - lead_s * speed;
			int cls = 0;

			if (due < prev_t[e->link]) {
				due = prev_t[e->link];
				cls = 2;
			}
			if (cls == 2 && prev_up[e->link] >= 0)
				a[prev_up[e->link]].kind = SA_NONE;
			a[n++] = (struct sched_action){.due = due < 0 ? 0 : due,
						       .cls = cls,
						       .kind = SA_DRAIN,
						       .ev = i,
						       .link = e->link};
		}
		a[n++] = (struct sched_action){.due = e->t,
					       .cls = 1,
					       .kind = SA_APPLY,
					       .ev = i,
					       .link = e->link};
		if (isl && (e->action == EV_DOWN || e->action == EV_UP)) {
			prev_t[e->link] = e->t;
			prev_up[e->link] = -1;
		}
		if (lead_s > 0 && isl && e->action == EV_UP) {
			prev_up[e->link] = n;
			a[n++] = (struct sched_action){.due = e->t,
						       .cls = 2,
						       .kind = SA_RESTORE,
						       .ev = i,
						       .link = e->link};
		}
	}
	for (int i = 0; i < n; i++)
		a[i].seq = i;
	qsort(a, n, sizeof(*a), cmp_action);
	/* drop what was cancelled; number the steps */
	int m = 0;
	double last = -1;

	for (int i = 0; i < n; i++) {
		if (a[i].kind == SA_NONE)
			continue;
		a[m] = a[i];
		if (a[m].kind == SA_APPLY) {
			if (steps == 0 || !SAME_T(a[m].due, last))
				steps++;
			last = a[m].due;
			a[m].step = steps - 1;
		} else {
			a[m].step = -1;
		}
		m++;
	}
	free(prev_t);
	free(prev_up);
	*out = a;
	if (nsteps)
		*nsteps = steps;
	return m;
}

bool sched_step_ends(const struct sched_action *a, int n, int i)
{
	if (a[i].kind != SA_APPLY)
		return false;
	for (int j = i + 1; j < n; j++) {
		if (a[j].kind != SA_APPLY)
			continue;
		return a[j].step != a[i].step;
	}
	return true;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

void sched_stats(const double *v, int n, struct sched_stats *st)
{
	double *s;

	memset(st, 0, sizeof(*st));
	st->n = n;
	if (n <= 0)
		return;
	s = malloc(n * sizeof(*s));
	if (!s)
		return;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	st->min = s[0];
	st->max = s[n - 1];
	st->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	/* nearest rank */
	st->p95 = s[(int)ceil(0.95 * n) - 1];
	for (int i = 0; i < n; i++)
		st->mean += s[i] / n;
	free(s);
}
