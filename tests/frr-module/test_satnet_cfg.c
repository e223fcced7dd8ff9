// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_satnet_cfg.c: which satnet configurations are refused, and why.
 *
 * Each case is a satnet block as an operator would type it, against a
 * small fake system (interfaces, VRF devices satnet does or does not own,
 * label chunks in use). Invalid cases must be refused with a sentence
 * that names the offending object; valid ones must pass. The parser here
 * only maps the CLI lines onto struct satnet_cfg, as the northbound does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "satnet_cfg.h"
#include "satnet_dp.h"

/* --- the fake system ------------------------------------------------ */

struct fake_link {
	const char *name, *kind, *master;
	uint32_t table;
	bool owned;
};

static const struct fake_link links[] = {
	{ "lo", "", NULL, 0, false },
	{ "eth0", "veth", NULL, 0, false },
	{ "eth1", "veth", NULL, 0, false },
	{ "eth2", "veth", "ext", 0, false },
	{ "eth3", "veth", "mine", 0, false },
	{ "br0", "bridge", NULL, 0, false },
	{ "eth4", "veth", "br0", 0, false },
	{ "bond0", "bond", NULL, 0, false },
	{ "eth5", "veth", "bond0", 0, false },
	{ "ext", "vrf", NULL, 77, false },
	{ "mine", "vrf", NULL, 30, true },
	{ "cust", "veth", NULL, 0, false },
};

static const struct fake_link *find(const char *name)
{
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (!strcmp(links[i].name, name))
			return &links[i];
	return NULL;
}

static bool f_exists(const char *name, void *arg)
{
	return find(name) != NULL;
}

static bool f_kind(const char *name, char *buf, size_t len, void *arg)
{
	const struct fake_link *l = find(name);

	if (!l)
		return false;
	snprintf(buf, len, "%s", l->kind);
	return true;
}

static bool f_master(const char *name, char *buf, size_t len, void *arg)
{
	const struct fake_link *l = find(name);

	if (!l || !l->master)
		return false;
	snprintf(buf, len, "%s", l->master);
	return true;
}

static bool f_owned(const char *name, void *arg)
{
	const struct fake_link *l = find(name);

	return l && l->owned;
}

static uint32_t f_table(const char *name, void *arg)
{
	const struct fake_link *l = find(name);

	return l && !strcmp(l->kind, "vrf") ? l->table : 0;
}

static const struct satnet_cfg_chunk chunks[] = {
	{ 1000, 1127, "bgp instance 0" },
	{ 1128, 1191, "ldp instance 0" },
};

static const struct satnet_cfg_env env = {
	.if_exists = f_exists,
	.link_kind = f_kind,
	.if_master = f_master,
	.vrf_owned = f_owned,
	.foreign_vrf_table = f_table,
	.n_chunks = 2,
	.chunks = chunks,
};

/* --- CLI lines to struct satnet_cfg ----------------------------------- */

static void parse(struct satnet_cfg *cfg, const char *text)
{
	char *copy = strdup(text), *save = NULL;

	memset(cfg, 0, sizeof(*cfg));
	cfg->isolation = true;
	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char a[64], b[64], c[64];
		unsigned long long x, y;

		while (*line == ' ')
			line++;
		if (sscanf(line, "label-range %llu %llu", &x, &y) == 2) {
			cfg->has_range = true;
			cfg->label_lo = (uint32_t)x;
			cfg->label_hi = (uint32_t)y;
		} else if (sscanf(line, "vrf %63s member %63s", a, b) == 2) {
			struct satnet_cfg_vrf *v = satnet_cfg_find_vrf(cfg, a);

			assert_non_null(v);
			assert_int_equal(satnet_cfg_vrf_add_member(v, b), 0);
		} else if (sscanf(line, "vrf %63s table %llu %63s", a, &x, c) >=
			   2) {
			struct satnet_cfg_vrf *v;

			v = satnet_cfg_add_vrf(cfg, a, (uint32_t)x);
			assert_non_null(v);
			v->adopt = strstr(line, " adopt") != NULL;
		} else if (sscanf(line, "mpls interface %63s", a) == 1) {
			assert_int_equal(satnet_cfg_add_mpls_if(cfg, a), 0);
		} else if (!strcmp(line, "platform-labels leave")) {
			cfg->platform = SATNET_PLATFORM_LEAVE;
		} else if (!strcmp(line, "platform-labels bogus")) {
			cfg->platform = (enum satnet_platform_policy)7;
		} else if (!strcmp(line, "no vrf-isolation")) {
			cfg->isolation = false;
		} else {
			fail_msg("test parser: bad line '%s'", line);
		}
	}
	free(copy);
}

struct bad_case {
	const char *config;
	const char *reason; /* must appear in the error */
};

/* Each case differs from a valid configuration in one respect. */
static const struct bad_case bad[] = {
	/* label range */
	{ "label-range 2000 1000", "start is greater than its end" },
	{ "label-range 0 100", "label-range 0 100" },
	{ "label-range 15 100", "label-range 15 100" },
	{ "label-range 3 3", "label-range 3 3" },
	{ "label-range 100 1048576", "1048576" },
	{ "label-range 1048576 1048577", "1048576" },
	{ "label-range 4294967295 4294967295", "4294967295" },
	{ "label-range 1048574 16", "greater than" },
	{ "label-range 1048000 1048575",
	  "label-range 1048000 1048575: label range must end at 1048574 or below" },
	{ "label-range 1048575 1048575", "platform_labels is at most 1048575" },
	{ "label-range 1100 1999", "in use by bgp" },
	{ "label-range 1000 1100", "in use by bgp" },
	{ "label-range 1000 1150", "in use by ldp" },
	{ "label-range 2000 2999", "in use by bgp" },
	{ "label-range 16 999", "in use" },
	/* VRF names */
	{ "vrf default table 10", "vrf default" },
	{ "vrf abcdefghijklmnop table 10", "longer than 15" },
	{ "vrf a/b table 10", "vrf a/b" },
	{ "vrf a:b table 10", "vrf a:b" },
	{ "vrf . table 10", "vrf ." },
	{ "vrf .. table 10", "vrf .." },
	/* tables */
	{ "vrf cust1 table 0", "table 0" },
	{ "vrf cust1 table 253", "table 253" },
	{ "vrf cust1 table 254", "table 254" },
	{ "vrf cust1 table 255", "table 255" },
	{ "vrf cust1 table 4294967295", "table 4294967295" },
	{ "vrf a1 table 10\nvrf b1 table 10", "already belongs to vrf a1" },
	{ "vrf a1 table 10\nvrf b1 table 20\nvrf c1 table 20",
	  "already belongs to vrf b1" },
	{ "vrf a1 table 10\nvrf a1 table 11", "configured twice" },
	/* existing devices */
	{ "vrf ext table 77", "did not create" },
	{ "vrf ext table 78 adopt", "uses table 77" },
	{ "vrf eth0 table 10", "veth device" },
	{ "vrf br0 table 10", "bridge device" },
	{ "vrf cust table 10", "not a VRF" },
	{ "vrf lo table 10", "vrf lo" },
	/* members */
	{ "vrf a1 table 10\nvrf a1 member eth0\nvrf a1 member eth0",
	  "listed twice" },
	{ "vrf a1 table 10\nvrf b1 table 20\nvrf a1 member eth0\nvrf b1 member eth0",
	  "already a member of vrf a1" },
	{ "vrf a1 table 10\nvrf a1 member a1", "cannot be a member" },
	{ "vrf a1 table 10\nvrf b1 table 20\nvrf a1 member b1",
	  "cannot be a member" },
	{ "vrf a1 table 10\nvrf a1 member lo", "loopback" },
	{ "vrf a1 table 10\nvrf a1 member eth2", "already enslaved to ext" },
	/* enslaving a bridge port or bond slave would pull it out of it */
	{ "vrf a1 table 10\nvrf a1 member eth4",
	  "eth4 is a port of bridge br0" },
	{ "vrf a1 table 10\nvrf a1 member eth5",
	  "eth5 is a port of bond bond0" },
	{ "vrf a1 table 10\nvrf a1 member eth0\nvrf a1 member eth4",
	  "member eth4" },
	{ "vrf ext table 77 adopt\nvrf ext member eth4", "bridge br0" },
	{ "vrf a1 table 10\nvrf a1 member ext", "is a VRF device" },
	{ "vrf a1 table 10\nvrf a1 member mine", "is a VRF device" },
	{ "vrf a1 table 10\nvrf a1 member bad/name", "member bad/name" },
	{ "vrf a1 table 10\nvrf a1 member has:colon", "member has:colon" },
	{ "vrf a1 table 10\nvrf a1 member ..", "member .." },
	/* MPLS interfaces */
	{ "mpls interface eth0\nmpls interface eth0", "listed twice" },
	{ "mpls interface a/b", "mpls interface a/b" },
	{ "mpls interface .", "mpls interface ." },
	{ "mpls interface x:y", "mpls interface x:y" },
	/* policy */
	{ "platform-labels bogus", "unknown policy" },
	/* errors surface in the order of the configuration */
	{ "label-range 1000 1999\nvrf a1 table 254\nmpls interface nosuch2",
	  "table 254" },
	{ "label-range 1000 1999\nvrf a1 table 10\nmpls interface nosuch3\nmpls interface x:y",
	  "x:y" },
	{ "label-range 1000 1999\nvrf a1 table 10\nvrf a1 member eth0\nvrf b1 table 10",
	  "already belongs" },
};

static const char *const good[] = {
	"",
	"label-range 1000 1999",
	"label-range 16 1048574",
	"label-range 1000 1191",
	"vrf a1 table 10",
	"vrf a1 table 1\nvrf b1 table 252\nvrf c1 table 256\nvrf d1 table 4294967294",
	"vrf a1 table 10\nvrf a1 member eth0\nvrf a1 member eth1",
	"vrf a1 table 10\nvrf b1 table 20\nvrf a1 member eth0\nvrf b1 member eth1",
	"vrf mine table 30\nvrf mine member eth3",
	"vrf ext table 77 adopt\nvrf ext member eth2",
	"vrf a1 table 10\nvrf a1 member eth3\nvrf mine table 30",
	"mpls interface eth0\nmpls interface eth1",
	"vrf a1 table 10\nmpls interface a1",
	"platform-labels leave\nno vrf-isolation",
	"label-range 1000 1999\nvrf cust1 table 10\nvrf cust1 member eth0\nmpls interface eth1",
	/* interfaces that are not there yet: provisioned when they appear
	 * (a boot with `vtysh -b` must not lose the whole block) */
	"vrf a1 table 10\nvrf a1 member nosuch0",
	"mpls interface nosuch1",
	"label-range 1000 1999\nvrf a1 table 10\nvrf a1 member eth0\nvrf a1 member late0\nmpls interface late1\nmpls interface eth1",
	/* a port of a bridge is fine as an MPLS interface: nothing moves */
	"mpls interface eth4",
};

static void test_bad_configs_refused(void **state)
{
	size_t n = sizeof(bad) / sizeof(bad[0]), failed = 0;

	assert_true(n >= 50);
	for (size_t i = 0; i < n; i++) {
		struct satnet_cfg cfg;
		char err[256] = "";
		int ret;

		parse(&cfg, bad[i].config);
		ret = satnet_cfg_validate(&cfg, &env, err, sizeof(err));
		/* A reason is a sentence naming the object, not a code. */
		if (ret != -EINVAL || !strstr(err, bad[i].reason) ||
		    strlen(err) <= strlen(bad[i].reason)) {
			print_error("case %zu '%s': got %d '%s', want a refusal mentioning '%s'\n",
				    i, bad[i].config, ret, err, bad[i].reason);
			failed++;
		}
		satnet_cfg_free(&cfg);
	}
	if (failed)
		fail_msg("%zu of %zu invalid configurations not refused as expected",
			 failed, n);
}

static void test_good_configs_accepted(void **state)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct satnet_cfg cfg;
		char err[256] = "";

		parse(&cfg, good[i]);
		if (satnet_cfg_validate(&cfg, &env, err, sizeof(err)))
			fail_msg("case %zu '%s' refused: %s", i, good[i], err);
		assert_string_equal(err, "");
		satnet_cfg_free(&cfg);
	}
}

static void test_no_env_skips_system_checks(void **state)
{
	struct satnet_cfg cfg;
	char err[256];

	/* Without knowledge of the system (a config read before the kernel
	 * is known) only the configuration's own rules apply. */
	parse(&cfg, "vrf ext table 77\nvrf ext member nosuch\nlabel-range 2000 2999");
	assert_int_equal(satnet_cfg_validate(&cfg, NULL, err, sizeof(err)), 0);
	satnet_cfg_free(&cfg);

	parse(&cfg, "vrf a1 table 10\nvrf b1 table 10");
	assert_int_equal(satnet_cfg_validate(&cfg, NULL, err, sizeof(err)),
			 -EINVAL);
	satnet_cfg_free(&cfg);
}

/* --- VRF devices on the null backend's fake kernel ------------------- */

static bool null_managed(const struct sdp_link *l, void *arg)
{
	return !strcmp(l->alias, "satnet");
}

static bool null_table_user(uint32_t table, const char *except, char *buf,
			    size_t len, bool *managed, void *arg)
{
	return satnet_cfg_table_user(arg, table, except, null_managed, NULL,
				     buf, len, managed);
}

static int validate_text(const char *text, const struct satnet_cfg_env *e,
			 char *err, size_t len)
{
	struct satnet_cfg cfg;
	int ret;

	parse(&cfg, text);
	ret = satnet_cfg_validate(&cfg, e, err, len);
	satnet_cfg_free(&cfg);
	return ret;
}

/*
 * A table id another VRF device already uses: zebra exits ("table id
 * overlaps existing vrf ... misconfiguration exiting") when satnet
 * creates a second VRF device on it, so validation refuses it unless
 * that device is satnet's own (which the apply deletes or moves first).
 */
static void test_table_of_other_vrf_device(void **state)
{
	struct satnet_cfg_env e = { .table_user = null_table_user };
	struct sdp *dp;
	char err[256];

	assert_int_equal(sdp_open(&dp, SDP_BACKEND_NULL), 0);
	e.arg = dp;
	/* red: made by someone else; old: satnet's (its alias). */
	assert_int_equal(sdp_vrf_add(dp, "red", 50), 0);
	assert_int_equal(sdp_vrf_add(dp, "old", 60), 0);
	assert_int_equal(sdp_link_set_alias(dp, "old", "satnet"), 0);
	/* Table 80: satnet's device first in the dump, a foreign one next. */
	assert_int_equal(sdp_vrf_add(dp, "mine80", 80), 0);
	assert_int_equal(sdp_link_set_alias(dp, "mine80", "satnet"), 0);
	assert_int_equal(sdp_vrf_add(dp, "blue", 80), 0);
	assert_int_equal(sdp_null_link_add(dp, "eth0", "veth", 0), 0);
	sdp_null_log_clear(dp);

	assert_int_equal(validate_text("vrf b table 50", &e, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(
		err, "vrf b: table 50 is already used by VRF device red (not satnet's)");
	assert_int_equal(validate_text("vrf a table 10\nvrf b table 50", &e,
				       err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "vrf b: table 50"));
	assert_int_equal(validate_text("vrf b table 80", &e, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "VRF device blue (not satnet's)"));

	/* The device itself, under its own name, is not a second one. */
	assert_int_equal(validate_text("vrf red table 50 adopt", &e, err,
				       sizeof(err)),
			 0);
	/* satnet's own device on the table (a rename): the apply deletes
	 * old before it creates b. */
	assert_int_equal(validate_text("vrf b table 60", &e, err, sizeof(err)),
			 0);
	assert_int_equal(validate_text("vrf b table 70", &e, err, sizeof(err)),
			 0);
	/* Two satnet VRFs of the configuration on one table. */
	assert_int_equal(validate_text("vrf a table 60\nvrf b table 60", &e,
				       err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "table 60 already belongs to vrf a"));

	/* Validation only reads the kernel. */
	assert_true(sdp_null_log_count(dp) > 0);
	for (size_t i = 0; i < sdp_null_log_count(dp); i++)
		assert_string_equal(sdp_null_log_get(dp, i)->text, "link dump");
	sdp_close(dp);
}

static void test_copy_helpers(void **state)
{
	struct satnet_cfg cfg = {};
	struct satnet_cfg_vrf *v;

	v = satnet_cfg_add_vrf(&cfg, "cust", 10);
	assert_non_null(v);
	assert_int_equal(satnet_cfg_vrf_add_member(v, "eth0"), 0);
	assert_int_equal(satnet_cfg_vrf_add_member(v, "abcdefghijklmnop"),
			 -ENAMETOOLONG);
	assert_int_equal(satnet_cfg_add_mpls_if(&cfg, "abcdefghijklmnop"),
			 -ENAMETOOLONG);
	assert_int_equal(v->n_members, 1);
	assert_ptr_equal(satnet_cfg_find_vrf(&cfg, "cust"), &cfg.vrfs[0]);
	assert_null(satnet_cfg_find_vrf(&cfg, "other"));
	satnet_cfg_free(&cfg);
	assert_int_equal(cfg.n_vrfs, 0);
	assert_null(cfg.vrfs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_configs_refused),
		cmocka_unit_test(test_good_configs_accepted),
		cmocka_unit_test(test_no_env_skips_system_checks),
		cmocka_unit_test(test_copy_helpers),
		cmocka_unit_test(test_table_of_other_vrf_device),
	};

	return cmocka_run_group_tests_name("satnet configuration validation",
					   tests, NULL, NULL);
}
