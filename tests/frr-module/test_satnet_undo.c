// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_satnet_undo.c: node settings are written only when they differ,
 * what they were is noted (in a file that outlives a zebra restart) and
 * put back when the configuration goes; settings the operator made
 * himself are never undone. On the null backend: its sysctls live in
 * memory, its rules model a fresh namespace, and it logs every write.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "satnet_undo.h"
#include "satnet_dp.h"

#define ALL_RPF "net.ipv4.conf.all.rp_filter"
#define ETH_RPF "net.ipv4.conf.eth0/100.rp_filter"
#define ETH_IN "net.mpls.conf.eth0/100.input"

static size_t writes(const struct sdp *dp, enum sdp_op op)
{
	size_t n = 0;

	for (size_t i = 0; i < sdp_null_log_count(dp); i++)
		if (sdp_null_log_get(dp, i)->op == op)
			n++;
	return n;
}

static void get(struct sdp *dp, const char *key, const char *want)
{
	char buf[32];

	assert_int_equal(sdp_sysctl_get(dp, key, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_if_key(void **state)
{
	char key[96];

	assert_int_equal(satnet_undo_if_key(key, sizeof(key), "net.ipv4.conf",
					    "eth0.100", "rp_filter"),
			 0);
	assert_string_equal(key, ETH_RPF);
	assert_int_equal(satnet_undo_if_key(key, sizeof(key), "net.mpls.conf",
					    "abcdefghijklmnop", "input"),
			 -EINVAL);
}

/* Written once, only when it differs; the value found first is noted and
 * put back; a second restore has nothing to do. */
static void test_sysctl_write_once_and_restore(void **state)
{
	struct satnet_undo u;
	struct sdp *dp;

	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NULL), 0);
	assert_int_equal(satnet_undo_load(&u, NULL), 0);
	assert_int_equal(sdp_sysctl_set(dp, ALL_RPF, "2"), 0);
	sdp_null_log_clear(dp);

	assert_int_equal(satnet_undo_sysctl_set(&u, dp, ALL_RPF, "0"), 1);
	get(dp, ALL_RPF, "0");
	assert_string_equal(satnet_undo_prior(&u, ALL_RPF), "2");
	/* the reconcile's second and later passes write nothing */
	sdp_null_log_clear(dp);
	for (int i = 0; i < 3; i++)
		assert_int_equal(satnet_undo_sysctl_set(&u, dp, ALL_RPF, "0"),
				 0);
	assert_int_equal(writes(dp, SDP_OP_SYSCTL_SET), 0);
	/* changed behind satnet's back and set again: the note stays the
	 * value from before satnet, not satnet's own */
	assert_int_equal(sdp_sysctl_set(dp, ALL_RPF, "1"), 0);
	assert_int_equal(satnet_undo_sysctl_set(&u, dp, ALL_RPF, "0"), 1);
	assert_string_equal(satnet_undo_prior(&u, ALL_RPF), "2");

	assert_int_equal(satnet_undo_sysctl_restore(&u, dp, ALL_RPF), 1);
	get(dp, ALL_RPF, "2");
	assert_null(satnet_undo_prior(&u, ALL_RPF));
	sdp_null_log_clear(dp);
	assert_int_equal(satnet_undo_sysctl_restore(&u, dp, ALL_RPF), 0);
	assert_int_equal(writes(dp, SDP_OP_SYSCTL_SET), 0);
	get(dp, ALL_RPF, "2");
	satnet_undo_free(&u);
	sdp_close(dp);
}

/* MPLS input already on before satnet: nothing noted, nothing written,
 * and removal leaves it on. */
static void test_prior_value_kept(void **state)
{
	struct satnet_undo u;
	struct sdp *dp;

	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NULL), 0);
	assert_int_equal(satnet_undo_load(&u, NULL), 0);
	assert_int_equal(sdp_sysctl_set(dp, ETH_IN, "1"), 0);
	sdp_null_log_clear(dp);
	assert_int_equal(satnet_undo_sysctl_set(&u, dp, ETH_IN, "1"), 0);
	assert_null(satnet_undo_prior(&u, ETH_IN));
	assert_int_equal(satnet_undo_sysctl_restore(&u, dp, ETH_IN), 0);
	assert_int_equal(writes(dp, SDP_OP_SYSCTL_SET), 0);
	get(dp, ETH_IN, "1");
	/* an interface that does not exist: the read fails, no note */
	assert_int_equal(satnet_undo_sysctl_set(&u, dp, "net.mpls.conf.gone.input",
						"1"),
			 -ENOENT);
	assert_int_equal(u.n, 0);
	satnet_undo_free(&u);
	sdp_close(dp);
}

/* An interface gone by the time its setting is put back: the note goes
 * with it (there is nothing left to restore). */
static void test_restore_of_vanished_interface(void **state)
{
	struct satnet_undo u;
	struct sdp *dp;

	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NULL), 0);
	assert_int_equal(satnet_undo_load(&u, NULL), 0);
	assert_int_equal(sdp_sysctl_set(dp, ETH_RPF, "1"), 0);
	assert_int_equal(satnet_undo_sysctl_set(&u, dp, ETH_RPF, "0"), 1);
	assert_int_equal(sdp_null_fail(dp, SDP_OP_SYSCTL_SET, 1, ENOENT, NULL),
			 0);
	assert_int_equal(satnet_undo_sysctl_restore(&u, dp, ETH_RPF), 0);
	assert_null(satnet_undo_prior(&u, ETH_RPF));
	/* any other error keeps the note for the next try */
	assert_int_equal(satnet_undo_sysctl_set(&u, dp, ETH_RPF, "1"), 1);
	assert_int_equal(sdp_null_fail(dp, SDP_OP_SYSCTL_SET, 1, EPERM, NULL),
			 0);
	assert_int_equal(satnet_undo_sysctl_restore(&u, dp, ETH_RPF), -EPERM);
	assert_string_equal(satnet_undo_prior(&u, ETH_RPF), "0");
	satnet_undo_free(&u);
	sdp_close(dp);
}

/* The notes survive a restart (a new load of the same file), and the
 * file goes when nothing is left to put back. */
static void test_notes_survive_restart(void **state)
{
	char path[] = "/tmp/test_satnet_undo.XXXXXX";
	struct satnet_undo u;
	struct sdp *dp;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NULL), 0);
	assert_int_equal(sdp_sysctl_set(dp, ALL_RPF, "2"), 0);
	assert_int_equal(sdp_sysctl_set(dp, ETH_RPF, "1"), 0);

	assert_int_equal(satnet_undo_load(&u, path), 0);
	assert_int_equal(satnet_undo_sysctl_set(&u, dp, ALL_RPF, "0"), 1);
	assert_int_equal(satnet_undo_sysctl_set(&u, dp, ETH_RPF, "0"), 1);
	assert_int_equal(access(path, R_OK), 0);
	satnet_undo_free(&u); /* zebra killed */

	assert_int_equal(satnet_undo_load(&u, path), 0);
	assert_int_equal(u.n, 2);
	assert_string_equal(satnet_undo_prior(&u, ALL_RPF), "2");
	assert_string_equal(satnet_undo_prior(&u, ETH_RPF), "1");
	assert_int_equal(satnet_undo_sysctl_restore(&u, dp, ETH_RPF), 1);
	satnet_undo_free(&u);

	assert_int_equal(satnet_undo_load(&u, path), 0);
	assert_int_equal(u.n, 1);
	assert_int_equal(satnet_undo_sysctl_restore(&u, dp, ALL_RPF), 1);
	get(dp, ALL_RPF, "2");
	get(dp, ETH_RPF, "1");
	assert_int_equal(access(path, F_OK), -1);
	satnet_undo_free(&u);

	/* a damaged file: refused, nothing believed */
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs("net.ipv4.conf.all.rp_filter\n", f);
		fclose(f);
	}
	assert_int_equal(satnet_undo_load(&u, path), -EBADMSG);
	assert_int_equal(u.n, 0);
	satnet_undo_free(&u);
	unlink(path);
	sdp_close(dp);
}

/* The operator's own isolation (or its absence) is never touched: with
 * isolation not wanted nothing is written whatever the rules are; satnet
 * undoes only a move it made itself, and writes only when the rules
 * differ from what it wants. */
static void test_isolation_only_satnets_own(void **state)
{
	struct satnet_undo u;
	struct sdp *dp;
	bool on;

	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NULL), 0);
	assert_int_equal(satnet_undo_load(&u, NULL), 0);

	/* no satnet VRF: the rules of a fresh namespace stay */
	sdp_null_log_clear(dp);
	for (int i = 0; i < 3; i++)
		assert_int_equal(satnet_undo_isolation(&u, dp, false), 0);
	assert_int_equal(writes(dp, SDP_OP_RULE_ADD), 0);
	assert_int_equal(writes(dp, SDP_OP_RULE_DEL), 0);

	/* wanted: moved once, then left alone */
	assert_int_equal(satnet_undo_isolation(&u, dp, true), 1);
	assert_int_equal(sdp_vrf_isolation_get(dp, &on), 0);
	assert_true(on);
	sdp_null_log_clear(dp);
	assert_int_equal(satnet_undo_isolation(&u, dp, true), 0);
	assert_int_equal(writes(dp, SDP_OP_RULE_ADD), 0);
	assert_int_equal(writes(dp, SDP_OP_RULE_DEL), 0);
	/* not wanted any more: satnet's move is undone */
	assert_int_equal(satnet_undo_isolation(&u, dp, false), 1);
	assert_int_equal(sdp_vrf_isolation_get(dp, &on), 0);
	assert_false(on);

	/* the operator isolates VRFs himself: satnet, wanting it or not,
	 * never moves the rule back */
	assert_int_equal(sdp_vrf_isolation(dp, true), 0);
	assert_int_equal(satnet_undo_isolation(&u, dp, true), 0);
	assert_int_equal(satnet_undo_isolation(&u, dp, false), 0);
	assert_int_equal(sdp_vrf_isolation_get(dp, &on), 0);
	assert_true(on);
	assert_null(satnet_undo_prior(&u, SATNET_UNDO_ISOLATION));
	satnet_undo_free(&u);
	sdp_close(dp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_if_key),
		cmocka_unit_test(test_sysctl_write_once_and_restore),
		cmocka_unit_test(test_prior_value_kept),
		cmocka_unit_test(test_restore_of_vanished_interface),
		cmocka_unit_test(test_notes_survive_restart),
		cmocka_unit_test(test_isolation_only_satnets_own),
	};

	return cmocka_run_group_tests_name("satnet undo record", tests, NULL,
					   NULL);
}
