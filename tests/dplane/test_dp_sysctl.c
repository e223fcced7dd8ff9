// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: sysctl helpers against a temp dir laid out like /proc/sys
 * (dplane/dp_sysctl.c).
 *
 * The files are real files, so these tests see exactly what would be
 * written to /proc/sys: the value, the newline, nothing created where
 * the kernel has no entry, nothing outside the root.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dp_test.h"

struct fixture {
	struct sdp *dp;
	char root[64];
};

static void put_file(const struct fixture *f, const char *rel,
		     const char *content)
{
	char path[256], dir[256], *slash;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	/* mkdir -p of the parent */
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = dir + strlen(f->root) + 1; (slash = strchr(slash, '/'));
	     slash++) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

/* Whole content of a file under the root, or "<missing>". */
static const char *get_file(const struct fixture *f, const char *rel)
{
	static char buf[128];
	char path[256];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	fp = fopen(path, "r");
	if (!fp)
		return "<missing>";
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/satnet-sysctl-XXXXXX");
	if (!mkdtemp(f->root) || sdp_open(&f->dp, SDP_BACKEND_NULL) < 0
	    || sdp_set_sysctl_root(f->dp, f->root) < 0)
		return -1;
	put_file(f, "net/mpls/platform_labels", "0\n");
	put_file(f, "net/mpls/conf/eth0/input", "0\n");
	put_file(f, "net/mpls/conf/eth0.100/input", "0\n");
	put_file(f, "net/ipv4/conf/eth0/rp_filter", "2\n");
	put_file(f, "net/ipv4/conf/all/rp_filter", "1\n");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	sdp_close(f->dp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void test_platform_labels_raise_only(void **state)
{
	struct fixture *f = *state;
	uint32_t now = 0, n = 1;

	assert_int_equal(sdp_mpls_check(f->dp), 0);
	assert_int_equal(sdp_platform_labels_get(f->dp, &n), 0);
	assert_int_equal(n, 0);

	assert_int_equal(sdp_platform_labels_raise(f->dp, 2000, &now), 0);
	assert_int_equal(now, 2000);
	assert_string_equal(get_file(f, "net/mpls/platform_labels"), "2000\n");

	/* Never lowered: the kernel would drop LSPs above the new limit. */
	assert_int_equal(sdp_platform_labels_raise(f->dp, 1000, &now), 0);
	assert_int_equal(now, 2000);
	assert_string_equal(get_file(f, "net/mpls/platform_labels"), "2000\n");
	assert_int_equal(t_log_find(f->dp,
				    "sysctl set "
				    "net.mpls.platform_labels=1000"),
			 -1);

	/* Equal: nothing to do either. */
	assert_int_equal(sdp_platform_labels_raise(f->dp, 2000, NULL), 0);

	/*
	 * Up to the kernel's limit, no further: af_mpls.c caps the sysctl
	 * at (1 << 20) - 1, so 1048576 is refused here instead of by the
	 * kernel (EINVAL at every reconcile), and nothing is written.
	 */
	assert_int_equal(sdp_platform_labels_raise(f->dp, 1048575, &now), 0);
	assert_int_equal(now, 1048575);
	assert_string_equal(get_file(f, "net/mpls/platform_labels"),
			    "1048575\n");
	assert_int_equal(sdp_platform_labels_raise(f->dp, 1048576, &now),
			 -ERANGE);
	assert_non_null(strstr(sdp_last_error(f->dp), "limit is 1048575"));
	assert_int_equal(sdp_platform_labels_raise(f->dp, 1048577, &now),
			 -ERANGE);
	assert_string_equal(get_file(f, "net/mpls/platform_labels"),
			    "1048575\n");
	assert_int_equal(t_log_find(f->dp,
				    "sysctl set "
				    "net.mpls.platform_labels=1048576"),
			 -1);
}

static void test_platform_labels_garbage(void **state)
{
	struct fixture *f = *state;
	uint32_t n;

	put_file(f, "net/mpls/platform_labels", "abc\n");
	assert_int_equal(sdp_platform_labels_get(f->dp, &n), -EBADMSG);
	assert_non_null(strstr(sdp_last_error(f->dp), "\"abc\""));
	put_file(f, "net/mpls/platform_labels", "-1\n");
	assert_int_equal(sdp_platform_labels_get(f->dp, &n), -EBADMSG);
	put_file(f, "net/mpls/platform_labels", "99999999999\n");
	assert_int_equal(sdp_platform_labels_get(f->dp, &n), -EBADMSG);
	/* Garbage is never "raised" over. */
	assert_int_equal(sdp_platform_labels_raise(f->dp, 10, &n), -EBADMSG);
	assert_string_equal(get_file(f, "net/mpls/platform_labels"),
			    "99999999999\n");
}

static void test_no_mpls(void **state)
{
	struct fixture *f = *state;
	char path[128];
	uint32_t n;

	snprintf(path, sizeof(path), "%s/net/mpls/platform_labels", f->root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sdp_mpls_check(f->dp), -ENOENT);
	assert_int_equal(sdp_platform_labels_raise(f->dp, 2000, &n), -ENOENT);
	assert_non_null(strstr(sdp_last_error(f->dp),
			       "sysctl get net.mpls.platform_labels: No such "
			       "file or directory"));
	/* Not created by a write either. */
	assert_int_equal(
		sdp_sysctl_set(f->dp, "net.mpls.platform_labels", "2000"),
		-ENOENT);
	assert_string_equal(get_file(f, "net/mpls/platform_labels"),
			    "<missing>");
}

static void test_mpls_input(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sdp_mpls_input_set(f->dp, "eth0", true), 0);
	assert_string_equal(get_file(f, "net/mpls/conf/eth0/input"), "1\n");
	assert_int_equal(sdp_mpls_input_set(f->dp, "eth0", false), 0);
	assert_string_equal(get_file(f, "net/mpls/conf/eth0/input"), "0\n");

	/* A VLAN name: '.' inside a level, '/' in sysctl(8) notation. */
	assert_int_equal(sdp_mpls_input_set(f->dp, "eth0.100", true), 0);
	assert_string_equal(get_file(f, "net/mpls/conf/eth0.100/input"), "1\n");
	assert_int_equal(t_log_find(f->dp,
				    "sysctl set "
				    "net.mpls.conf.eth0/100.input=1"),
			 (int)sdp_null_log_count(f->dp) - 1);

	/* No such interface: ENOENT, and nothing created. */
	assert_int_equal(sdp_mpls_input_set(f->dp, "eth9", true), -ENOENT);
	assert_string_equal(get_file(f, "net/mpls/conf/eth9/input"),
			    "<missing>");
	assert_non_null(
		strstr(sdp_last_error(f->dp), "net.mpls.conf.eth9.input=1"));

	/* Names that could escape the root never become paths. */
	assert_int_equal(sdp_mpls_input_set(f->dp, "../../x", true), -EINVAL);
	assert_int_equal(sdp_mpls_input_set(f->dp, "..", true), -EINVAL);
	assert_int_equal(sdp_mpls_input_set(f->dp, "", true), -EINVAL);
}

static void test_rp_filter(void **state)
{
	struct fixture *f = *state;
	char buf[8];

	assert_int_equal(sdp_rp_filter_set(f->dp, "eth0", 0), 0);
	assert_string_equal(get_file(f, "net/ipv4/conf/eth0/rp_filter"), "0\n");
	assert_int_equal(sdp_rp_filter_set(f->dp, "eth0", 2), 0);
	assert_string_equal(get_file(f, "net/ipv4/conf/eth0/rp_filter"), "2\n");
	assert_int_equal(sdp_rp_filter_set(f->dp, "eth0", 3), -EINVAL);
	assert_string_equal(get_file(f, "net/ipv4/conf/eth0/rp_filter"), "2\n");
	/* "all" is a plain level too. */
	assert_int_equal(
		sdp_sysctl_set(f->dp, "net.ipv4.conf.all.rp_filter", "0"), 0);
	assert_int_equal(sdp_sysctl_get(f->dp, "net.ipv4.conf.all.rp_filter",
					buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "0");
}

static void test_shorter_value_truncates(void **state)
{
	struct fixture *f = *state;
	char buf[16];

	put_file(f, "net/mpls/platform_labels", "100000\n");
	assert_int_equal(sdp_sysctl_set(f->dp, "net.mpls.platform_labels", "8"),
			 0);
	assert_string_equal(get_file(f, "net/mpls/platform_labels"), "8\n");
	assert_int_equal(sdp_sysctl_get(f->dp, "net.mpls.platform_labels", buf,
					sizeof(buf)),
			 0);
	assert_string_equal(buf, "8");
	/* A value that does not fit the caller's buffer. */
	put_file(f, "net/mpls/platform_labels", "123456789\n");
	assert_int_equal(
		sdp_sysctl_get(f->dp, "net.mpls.platform_labels", buf, 4),
		-ENOSPC);
	assert_string_equal(buf, "");
}

static void test_bad_keys_and_values(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {
		"",	   "net..mpls", ".net.mpls",  "net.mpls.", "net.//.x",
		"net./.x", "net.mp ls", "net.mpls\n", "net.\x01x",
	};
	char buf[16];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sdp_sysctl_get(f->dp, bad[i], buf, sizeof(buf)) != -EINVAL)
			fail_msg("key \"%s\" was accepted", bad[i]);
		if (sdp_sysctl_set(f->dp, bad[i], "1") != -EINVAL)
			fail_msg("key \"%s\" was accepted for writing", bad[i]);
	}
	assert_int_equal(sdp_sysctl_get(f->dp, NULL, buf, sizeof(buf)),
			 -EINVAL);
	/* Refused keys are refused before any request is made. */
	assert_int_equal(sdp_null_log_count(f->dp), 0);

	assert_int_equal(
		sdp_sysctl_set(f->dp, "net.mpls.platform_labels", "1\n2"),
		-EINVAL);
	assert_int_equal(sdp_sysctl_set(f->dp, "net.mpls.platform_labels", ""),
			 -EINVAL);
	assert_string_equal(get_file(f, "net/mpls/platform_labels"), "0\n");
}

static void test_fault_leaves_file(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(
		sdp_null_fail(f->dp, SDP_OP_SYSCTL_SET, 1, EPERM, NULL), 0);
	assert_int_equal(sdp_mpls_input_set(f->dp, "eth0", true), -EPERM);
	assert_string_equal(get_file(f, "net/mpls/conf/eth0/input"), "0\n");
	assert_string_equal(sdp_last_error(f->dp),
			    "sysctl set net.mpls.conf.eth0.input=1: Operation "
			    "not permitted: injected fault");
	assert_int_equal(sdp_mpls_input_set(f->dp, "eth0", true), 0);
	assert_string_equal(get_file(f, "net/mpls/conf/eth0/input"), "1\n");
}

static void test_root_reset(void **state)
{
	struct fixture *f = *state;
	uint32_t n;

	/* Back to the null backend's memory store: the files are left. */
	assert_int_equal(sdp_set_sysctl_root(f->dp, NULL), 0);
	assert_int_equal(sdp_platform_labels_raise(f->dp, 3000, &n), 0);
	assert_string_equal(get_file(f, "net/mpls/platform_labels"), "0\n");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_platform_labels_raise_only),
		T(test_platform_labels_garbage),
		T(test_no_mpls),
		T(test_mpls_input),
		T(test_rp_filter),
		T(test_shorter_value_truncates),
		T(test_bad_keys_and_values),
		T(test_fault_leaves_file),
		T(test_root_reset),
	};
#undef T

	return cmocka_run_group_tests_name("dp_sysctl", tests, NULL, NULL);
}
