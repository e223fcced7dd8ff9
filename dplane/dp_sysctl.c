// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: sysctls an MPLS provider edge needs.
 *
 * DOC: files under a root
 *
 * A sysctl is a file under /proc/sys; the root is configurable so unit
 * tests run against a temp dir laid out the same way. Keys use
 * sysctl(8)'s notation: '.' separates levels and '/' stands for a '.'
 * inside one, which is how an interface such as "eth0.100" appears
 * ("net.mpls.conf.eth0/100.input"). Every level is checked before it
 * becomes a path component, so no key can climb out of the root.
 *
 * Files are opened without O_CREAT: writing a sysctl that does not
 * exist (no mpls_router, an interface that is gone) must fail with
 * ENOENT, not create a file. The null backend without a root keeps
 * values in memory instead, and records every get and set.
 *
 * platform_labels is only ever raised: lowering it makes the kernel
 * drop every LSP at or above the new limit, which is never what a
 * config change to the label range means while labels are in use.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp_private.h"

#define DP_SYSCTL_ROOT "/proc/sys"
#define DP_PLATFORM_LABELS "net.mpls.platform_labels"
/* The kernel's limit, (1 << 20) - 1: the highest in-label is 1048574. */
#define DP_PLATFORM_LABELS_MAX SDP_PLATFORM_LABELS_MAX

/*
 * Turn @key into a path relative to the root, checking every level:
 * not empty, not "." or "..", printable ASCII without spaces.
 */
static int dp_sysctl_relpath(const char *key, char *out, size_t len)
{
	size_t i, start = 0, klen;

	if (!key)
		return -EINVAL;
	klen = strlen(key);
	if (klen == 0 || klen >= len)
		return -EINVAL;
	for (i = 0; i <= klen; i++) {
		char c = key[i];

		if (c == '.' || c == '\0') {
			size_t lvl = i - start;

			if (lvl == 0)
				return -EINVAL;
			/* "/" and "//" would become "." and "..". */
			if ((lvl == 1 && out[start] == '.')
			    || (lvl == 2 && out[start] == '.'
				&& out[start + 1] == '.'))
				return -EINVAL;
			out[i] = c ? '/' : '\0';
			start = i + 1;
			continue;
		}
		if ((unsigned char)c <= ' ' || (unsigned char)c >= 0x7f)
			return -EINVAL;
		out[i] = (c == '/') ? '.' : c;
	}
	return 0;
}

static int dp_sysctl_fullpath(struct sdp *dp, const char *key, char *path,
			      size_t len)
{
	const char *root = dp->sysctl_root ? dp->sysctl_root : DP_SYSCTL_ROOT;
	char rel[256];
	int n;

	if (dp_sysctl_relpath(key, rel, sizeof(rel)) < 0)
		return -EINVAL;
	n = snprintf(path, len, "%s/%s", root, rel);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Whether values live in the null backend's memory, not in files. */
static bool dp_sysctl_in_memory(const struct sdp *dp)
{
	return dp->backend == SDP_BACKEND_NULL && !dp->sysctl_root;
}

static int dp_sysctl_file_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf, len - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n == len - 1)
		ret = -ENOSPC;
	else
		buf[n] = '\0';
	close(fd);
	return ret;
}

static int dp_sysctl_file_write(const char *path, const char *value)
{
	char line[128];
	ssize_t n;
	int fd, ret = 0, len;

	len = snprintf(line, sizeof(line), "%s\n", value);
	if (len < 0 || (size_t)len >= sizeof(line))
		return -EINVAL;
	/* O_TRUNC matters for plain files (tests); /proc ignores it. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = write(fd, line, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		ret = -errno;
	else if (n != len)
		ret = -EIO;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

int sdp_sysctl_get(struct sdp *dp, const char *key, char *buf, size_t len)
{
	char path[512], text[320];
	const char *emsg = NULL;
	size_t n;
	int ret;

	dp_error_clear(dp);
	if (!buf || len < 2)
		return -EINVAL;
	buf[0] = '\0';
	snprintf(text, sizeof(text), "sysctl get %s", key ? key : "(null)");
	ret = dp_sysctl_fullpath(dp, key, path, sizeof(path));
	if (ret < 0)
		goto out;

	if (dp->backend == SDP_BACKEND_NULL) {
		ret = dp_null_record(dp, SDP_OP_SYSCTL_GET, text, &emsg);
		if (ret < 0) {
			dp_null_result(dp, ret);
			goto out;
		}
	}
	if (dp_sysctl_in_memory(dp))
		ret = dp_null_sysctl_get(dp, key, buf, len);
	else
		ret = dp_sysctl_file_read(path, buf, len);
	if (dp->backend == SDP_BACKEND_NULL)
		dp_null_result(dp, ret);
	if (ret == 0) {
		/* Drop the newline (and any trailing blanks) sysctls end in. */
		n = strlen(buf);
		while (n
		       && (buf[n - 1] == '\n' || buf[n - 1] == ' '
			   || buf[n - 1] == '\t'))
			buf[--n] = '\0';
	}
out:
	if (ret < 0) {
		buf[0] = '\0';
		dp_error_set(dp, "%s: %s%s%s", text, strerror(-ret),
			     emsg ? ": " : "", emsg ? emsg : "");
	}
	return ret;
}

int sdp_sysctl_set(struct sdp *dp, const char *key, const char *value)
{
	char path[512], text[320];
	const char *emsg = NULL;
	const char *p;
	int ret;

	dp_error_clear(dp);
	snprintf(text, sizeof(text), "sysctl set %s=%s", key ? key : "(null)",
		 value ? value : "(null)");
	ret = dp_sysctl_fullpath(dp, key, path, sizeof(path));
	if (ret < 0)
		goto out;
	if (!value || !value[0]) {
		ret = -EINVAL;
		goto out;
	}
	/* One line of printable text; a newline would split the write. */
	for (p = value; *p; p++) {
		if ((unsigned char)*p < ' ' || (unsigned char)*p >= 0x7f) {
			ret = -EINVAL;
			goto out;
		}
	}

	if (dp->backend == SDP_BACKEND_NULL) {
		ret = dp_null_record(dp, SDP_OP_SYSCTL_SET, text, &emsg);
		if (ret < 0) {
			dp_null_result(dp, ret);
			goto out;
		}
	}
	if (dp_sysctl_in_memory(dp))
		ret = dp_null_sysctl_set(dp, key, value);
	else
		ret = dp_sysctl_file_write(path, value);
	if (dp->backend == SDP_BACKEND_NULL)
		dp_null_result(dp, ret);
out:
	if (ret < 0)
		dp_error_set(dp, "%s: %s%s%s", text, strerror(-ret),
			     emsg ? ": " : "", emsg ? emsg : "");
	return ret;
}

int sdp_platform_labels_get(struct sdp *dp, uint32_t *count)
{
	char buf[32], *end;
	unsigned long v;
	int ret;

	ret = sdp_sysctl_get(dp, DP_PLATFORM_LABELS, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || *end || buf[0] == '-'
	    || v > DP_PLATFORM_LABELS_MAX) {
		dp_error_set(dp, "sysctl get %s: unexpected value \"%s\"",
			     DP_PLATFORM_LABELS, buf);
		return -EBADMSG;
	}
	*count = (uint32_t)v;
	return 0;
}

int sdp_mpls_check(struct sdp *dp)
{
	uint32_t count;

	return sdp_platform_labels_get(dp, &count);
}

int sdp_platform_labels_raise(struct sdp *dp, uint32_t min, uint32_t *now)
{
	uint32_t cur;
	char val[16];
	int ret;

	if (min > DP_PLATFORM_LABELS_MAX) {
		dp_error_set(dp,
			     "sysctl set %s=%u: %s: the kernel's limit is %u",
			     DP_PLATFORM_LABELS, min, strerror(ERANGE),
			     DP_PLATFORM_LABELS_MAX);
		return -ERANGE;
	}
	ret = sdp_platform_labels_get(dp, &cur);
	if (ret < 0)
		return ret;
	if (cur < min) {
		snprintf(val, sizeof(val), "%u", min);
		ret = sdp_sysctl_set(dp, DP_PLATFORM_LABELS, val);
		if (ret < 0)
			return ret;
		cur = min;
	}
	if (now)
		*now = cur;
	return 0;
}

/* Key for per-interface setting: a '.' in the name becomes '/'. */
static int dp_sysctl_if_key(char *key, size_t len, const char *prefix,
			    const char *ifname, const char *leaf)
{
	char name[SDP_IFNAMSIZ];
	size_t i;
	int n;

	for (i = 0; ifname[i] && i < sizeof(name) - 1; i++)
		name[i] = ifname[i] == '.' ? '/' : ifname[i];
	name[i] = '\0';
	n = snprintf(key, len, "%s.%s.%s", prefix, name, leaf);
	return (n < 0 || (size_t)n >= len) ? -EINVAL : 0;
}

static int dp_sysctl_if_set(struct sdp *dp, const char *prefix,
			    const char *ifname, const char *leaf,
			    const char *value)
{
	const char *why;
	char key[96];

	dp_error_clear(dp);
	if (sdp_ifname_check(ifname, &why) < 0) {
		dp_error_set(dp, "sysctl set %s.*.%s: %s", prefix, leaf, why);
		return -EINVAL;
	}
	if (dp_sysctl_if_key(key, sizeof(key), prefix, ifname, leaf) < 0)
		return -EINVAL;
	return sdp_sysctl_set(dp, key, value);
}

int sdp_mpls_input_set(struct sdp *dp, const char *ifname, bool on)
{
	return dp_sysctl_if_set(dp, "net.mpls.conf", ifname, "input",
				on ? "1" : "0");
}

int sdp_rp_filter_set(struct sdp *dp, const char *ifname, unsigned int mode)
{
	char val[4];

	if (mode > 2) {
		dp_error_set(dp, "sysctl set net.ipv4.conf.*.rp_filter=%u: %s",
			     mode, strerror(EINVAL));
		return -EINVAL;
	}
	snprintf(val, sizeof(val), "%u", mode);
	return dp_sysctl_if_set(dp, "net.ipv4.conf", ifname, "rp_filter", val);
}
