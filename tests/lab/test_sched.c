// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the schedule runner's plan (lab/sched.c): time scaling,
 * steps, the order of drains, events and restores, and the skew
 * statistics. Plain arithmetic: no lab, no clock.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sched.h"

static struct event ev_isl(double t, int link, enum ev_action a)
{
	return (struct event){
		.t = t, .link = link, .ground = -1, .action = a, .sat = -1};
}

static struct event ev_gs(double t, int g, enum ev_action a)
{
	return (struct event){
		.t = t, .link = -1, .ground = g, .action = a, .sat = -1};
}

static void test_wall(void **state)
{
	char err[128];

	(void)state;
	assert_true(sched_wall(100, 30, 1) == 130);
	assert_true(sched_wall(100, 30, 10) == 103);
	assert_true(sched_wall(100, 30, 0.5) == 160);
	assert_true(sched_wall(5, 0, 7) == 5);
	assert_int_equal(sched_check_speed(1, err, sizeof(err)), 0);
	assert_int_equal(sched_check_speed(0.01, err, sizeof(err)), 0);
	assert_int_equal(sched_check_speed(1000, err, sizeof(err)), 0);
	double bad[] = {0, -1, 0.001, 1001, NAN, INFINITY};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(sched_check_speed(bad[i], err, sizeof(err)),
				 -1);
		assert_non_null(strstr(err, "--speed"));
	}
}

static void test_steps_no_drain(void **state)
{
	struct event ev[] = {
		ev_isl(0, 0, EV_SET), ev_isl(0, 1, EV_SET),
		ev_isl(0, 2, EV_SET), ev_isl(1, 0, EV_SET),
		ev_gs(1, 0, EV_SET),  ev_isl(2.5, 1, EV_DOWN),
	};
	struct sched_action *a;
	int nsteps, n;

	(void)state;
	n = sched_build(ev, 6, 3, 1, 0, &a, &nsteps);
	assert_int_equal(n, 6);
	assert_int_equal(nsteps, 3);
	for (int i = 0; i < n; i++) {
		assert_int_equal(a[i].kind, SA_APPLY);
		assert_int_equal(a[i].ev, i); /* plan order kept */
	}
	assert_int_equal(a[0].step, 0);
	assert_int_equal(a[2].step, 0);
	assert_int_equal(a[3].step, 1);
	assert_int_equal(a[5].step, 2);
	assert_false(sched_step_ends(a, n, 0));
	assert_false(sched_step_ends(a, n, 1));
	assert_true(sched_step_ends(a, n, 2));
	assert_false(sched_step_ends(a, n, 3));
	assert_true(sched_step_ends(a, n, 4));
	assert_true(sched_step_ends(a, n, 5));
	free(a);
}

static void test_drain_scaled(void **state)
{
	/* link 0 cut at 20, back at 30; lead 3 s at speed 2 = 6 plan s */
	struct event ev[] = {
		ev_isl(10, 1, EV_SET), ev_isl(20, 0, EV_DOWN),
		ev_isl(30, 0, EV_UP),
		ev_gs(40, 0, EV_DOWN), /* ground links are not drained */
	};
	struct sched_action *a;
	int nsteps, n;

	(void)state;
	n = sched_build(ev, 4, 2, 2, 3, &a, &nsteps);
	assert_int_equal(nsteps, 4);
	assert_int_equal(n, 6);
	assert_int_equal(a[0].kind, SA_APPLY); /* t=10 set */
	assert_int_equal(a[1].kind, SA_DRAIN);
	assert_true(fabs(a[1].due - 14) < 1e-9);
	assert_int_equal(a[1].link, 0);
	assert_int_equal(a[1].ev, 1);
	assert_int_equal(a[2].kind, SA_APPLY); /* the cut */
	assert_true(a[2].due == 20);
	assert_int_equal(a[3].kind, SA_APPLY);	 /* up */
	assert_int_equal(a[4].kind, SA_RESTORE); /* right after the up */
	assert_true(a[4].due == 30);
	assert_int_equal(a[5].kind, SA_APPLY);
	assert_int_equal(a[5].link, -1);
	/* at wall speed 2 the drain runs 3 s before the cut */
	assert_true(fabs(sched_wall(0, a[2].due, 2) -
			 sched_wall(0, a[1].due, 2) - 3) < 1e-9);
	free(a);
}

static void test_drain_order_and_clamps(void **state)
{
	/* t=1: link 0 cut (drain clamped to 0); t=5: link 1 up, and link 2
	 * cut at 5 + lead... ; link 1 down again at 6: its drain would be
	 * at 3, before its up at 5: it runs right after the up, and that up
	 * gets no restore */
	struct event ev[] = {
		ev_isl(1, 0, EV_DOWN), ev_isl(5, 1, EV_UP),
		ev_isl(5, 2, EV_SET),  ev_isl(6, 1, EV_DOWN),
		ev_isl(8, 2, EV_DOWN),
	};
	struct sched_action *a;
	int nsteps, n, k = 0;

	(void)state;
	n = sched_build(ev, 5, 3, 1, 3, &a, &nsteps);
	/* 5 events + drains of links 0, 1, 2; link 1's restore cancelled */
	assert_int_equal(n, 8);
	assert_int_equal(nsteps, 4);
	/* t=0: drain link 0 */
	assert_int_equal(a[k].kind, SA_DRAIN);
	assert_int_equal(a[k].link, 0);
	assert_true(a[k++].due == 0);
	assert_int_equal(a[k].kind, SA_APPLY); /* t=1 cut */
	assert_int_equal(a[k++].ev, 0);
	/* t=5: drain of link 2 (due 8-3) comes first, then the two
	 * events in plan order, then link 1's late drain */
	assert_int_equal(a[k].kind, SA_DRAIN);
	assert_int_equal(a[k].link, 2);
	assert_true(a[k++].due == 5);
	assert_int_equal(a[k].kind, SA_APPLY);
	assert_int_equal(a[k++].ev, 1);
	assert_int_equal(a[k].kind, SA_APPLY);
	assert_int_equal(a[k++].ev, 2);
	assert_int_equal(a[k].kind, SA_DRAIN);
	assert_int_equal(a[k].link, 1);
	assert_true(a[k++].due == 5);
	assert_int_equal(a[k].kind, SA_APPLY);
	assert_int_equal(a[k++].ev, 3);
	assert_int_equal(a[k].kind, SA_APPLY);
	assert_int_equal(a[k++].ev, 4);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(a[i].kind, SA_RESTORE);
	/* due times never go backwards */
	for (int i = 1; i < n; i++)
		assert_true(a[i].due >= a[i - 1].due);
	free(a);
}

static void test_stats(void **state)
{
	struct sched_stats st;
	double odd[] = {0.003, 0.001, 0.002};
	double even[] = {4, 1, 3, 2};
	double twenty[20];

	(void)state;
	sched_stats(odd, 3, &st);
	assert_true(st.median == 0.002);
	assert_true(st.max == 0.003);
	assert_true(st.min == 0.001);
	assert_true(fabs(st.mean - 0.002) < 1e-12);
	sched_stats(even, 4, &st);
	assert_true(st.median == 2.5);
	assert_true(st.p95 == 4);
	for (int i = 0; i < 20; i++)
		twenty[i] = 20 - i; /* 20 .. 1 */
	sched_stats(twenty, 20, &st);
	assert_true(st.p95 == 19); /* nearest rank: the 19th of 20 */
	assert_true(st.max == 20);
	/* the input is left alone */
	assert_true(twenty[0] == 20);
	sched_stats(NULL, 0, &st);
	assert_int_equal(st.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wall),
		cmocka_unit_test(test_steps_no_drain),
		cmocka_unit_test(test_drain_scaled),
		cmocka_unit_test(test_drain_order_and_clamps),
		cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
