// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: name, table and label validation (dplane/dp_validate.c).
 *
 * Table-driven: each row is a value and whether it must pass, so a
 * rule that is dropped or loosened fails a named row.
 */

#include <errno.h>
#include <stdio.h>

#include "dp_test.h"

struct name_case {
	const char *name;
	bool ok;
};

static const struct name_case ifname_cases[] = {
	{"eth0", true},
	{"to-srs", true},
	{"eth0.100", true},
	{"veth_a+b@x", true},
	{"a", true},
	{"abcdefghijklmno", true},   /* 15 bytes: the longest */
	{"abcdefghijklmnop", false}, /* 16 bytes */
	{"", false},
	{".", false},
	{"..", false},
	{"...", true},
	{".hidden", true},
	{"a/b", false},
	{"../etc", false},
	{"eth0:1", false},
	{"eth 0", false},
	{"eth\t0", false},
	{"eth\n0", false},
	{"\x7f", false},
	{"caf\xc3\xa9", false}, /* UTF-8 */
};

static void test_ifname(void **state)
{
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(ifname_cases) / sizeof(ifname_cases[0]); i++) {
		int ret = sdp_ifname_check(ifname_cases[i].name, &why);

		if (ifname_cases[i].ok != (ret == 0))
			fail_msg("ifname \"%s\": expected %s, got %d",
				 ifname_cases[i].name,
				 ifname_cases[i].ok ? "ok" : "invalid", ret);
		if (ret) {
			assert_int_equal(ret, -EINVAL);
			assert_non_null(why);
			assert_true(strlen(why) > 10);
		} else {
			assert_null(why);
		}
	}
	assert_int_equal(sdp_ifname_check(NULL, NULL), -EINVAL);
	/* why may be NULL */
	assert_int_equal(sdp_ifname_check("eth0", NULL), 0);
}

static void test_vrf_name(void **state)
{
	const char *why = NULL;

	assert_int_equal(sdp_vrf_name_check("cust", &why), 0);
	assert_int_equal(sdp_vrf_name_check("default", &why), -EINVAL);
	assert_non_null(strstr(why, "default"));
	/* Only the exact name is reserved. */
	assert_int_equal(sdp_vrf_name_check("default1", NULL), 0);
	assert_int_equal(sdp_vrf_name_check("Default", NULL), 0);
	/* Interface rules apply too. */
	assert_int_equal(sdp_vrf_name_check("a/b", NULL), -EINVAL);
	assert_int_equal(sdp_vrf_name_check("0123456789abcdef", NULL), -EINVAL);
	assert_int_equal(sdp_vrf_name_check("", NULL), -EINVAL);
}

struct u32_case {
	uint32_t v;
	bool ok;
};

static const struct u32_case table_cases[] = {
	{0, false},	    {1, true},		{10, true},
	{252, true},	    {253, false},	{254, false},
	{255, false},	    {256, true},	{1000, true},
	{0x7fffffff, true}, {0xfffffffe, true}, {0xffffffff, false},
};

static void test_vrf_table(void **state)
{
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(table_cases) / sizeof(table_cases[0]); i++) {
		int ret = sdp_vrf_table_check(table_cases[i].v, &why);

		if (table_cases[i].ok != (ret == 0))
			fail_msg("table %u: expected %s, got %d",
				 table_cases[i].v,
				 table_cases[i].ok ? "ok" : "invalid", ret);
		if (ret)
			assert_non_null(why);
	}
	sdp_vrf_table_check(254, &why);
	assert_non_null(strstr(why, "main"));
	sdp_vrf_table_check(255, &why);
	assert_non_null(strstr(why, "local"));
}

static const struct u32_case label_cases[] = {
	{0, false},	 {2, false},	   {3, false},
	{15, false},	 {16, true},	   {1000, true},
	{1048575, true}, {1048576, false}, {0xffffffff, false},
};

static void test_label(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(label_cases) / sizeof(label_cases[0]); i++) {
		int ret = sdp_label_check(label_cases[i].v, NULL);

		if (label_cases[i].ok != (ret == 0))
			fail_msg("label %u: expected %s, got %d",
				 label_cases[i].v,
				 label_cases[i].ok ? "ok" : "invalid", ret);
	}
}

struct range_case {
	uint32_t start, end;
	bool ok;
	const char *why_has;
};

static const struct range_case range_cases[] = {
	{1000, 1999, true, NULL},
	{16, 16, true, NULL},
	{16, 1048574, true, NULL},
	{1048574, 1048574, true, NULL},
	/* Label 1048575 cannot be installed: platform_labels <= 1048575. */
	{16, 1048575, false, "1048574"},
	{1048575, 1048575, false, "platform_labels"},
	{15, 100, false, "16"},
	{0, 0, false, "16"},
	{100, 15, false, "16"},
	{100, 1048576, false, "1048574"},
	{1048576, 1048577, false, "1048574"},
	{2000, 1000, false, "greater"},
	{1001, 1000, false, "greater"},
	{0xffffffff, 0xffffffff, false, "1048574"},
};

static void test_label_range(void **state)
{
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++) {
		const struct range_case *c = &range_cases[i];
		int ret = sdp_label_range_check(c->start, c->end, &why);

		if (c->ok != (ret == 0))
			fail_msg("range %u-%u: expected %s, got %d", c->start,
				 c->end, c->ok ? "ok" : "invalid", ret);
		if (!c->ok) {
			assert_int_equal(ret, -EINVAL);
			if (!strstr(why, c->why_has))
				fail_msg(
					"range %u-%u: reason \"%s\" lacks \"%s\"",
					c->start, c->end, why, c->why_has);
		}
	}
}

static void test_addr(void **state)
{
	struct sdp_addr a;
	char buf[64];

	assert_int_equal(sdp_addr_parse(&a, "152.0.12.2"), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.v4.s_addr, htonl(0x98000c02));
	assert_int_equal(sdp_addr_format(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "152.0.12.2");

	assert_int_equal(sdp_addr_parse(&a, "fe80::1"), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.bytes[0], 0xfe);
	assert_int_equal(a.bytes[15], 1);
	assert_int_equal(sdp_addr_format(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "fe80::1");
	assert_int_equal(sdp_addr_format(&a, buf, 4), -ENOSPC);

	assert_int_equal(sdp_addr_parse(&a, "10.0.0.256"), -EINVAL);
	assert_int_equal(a.family, AF_UNSPEC);
	assert_int_equal(sdp_addr_parse(&a, "cust"), -EINVAL);
	assert_int_equal(sdp_addr_parse(&a, NULL), -EINVAL);
	assert_int_equal(sdp_addr_format(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ifname),
		cmocka_unit_test(test_vrf_name),
		cmocka_unit_test(test_vrf_table),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_label_range),
		cmocka_unit_test(test_addr),
	};

	return cmocka_run_group_tests_name("dp_validate", tests, NULL, NULL);
}
