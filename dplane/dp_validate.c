// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet dataplane library: validation of names, tables and labels.
 *
 * DOC: refuse early, in words
 *
 * These checks run in the northbound VALIDATE phase, before anything
 * is half-applied, so each failure comes with a sentence the operator
 * can act on. They are deliberately a little stricter than the kernel
 * where the kernel's rule would let through something that breaks
 * another layer: an interface name also becomes a /proc/sys path
 * component and a word in frr.conf, so non-printable and non-ASCII
 * bytes are refused even though dev_valid_name() would take them.
 */

#include <errno.h>
#include <string.h>

#include "dp_private.h"

/* Table ids the kernel gives fixed meanings (linux/rtnetlink.h). */
#define DP_RT_TABLE_DEFAULT 253
#define DP_RT_TABLE_MAIN 254
#define DP_RT_TABLE_LOCAL 255

static int dp_invalid(const char **why, const char *text)
{
	if (why)
		*why = text;
	return -EINVAL;
}

static int dp_valid(const char **why)
{
	if (why)
		*why = NULL;
	return 0;
}

int sdp_ifname_check(const char *name, const char **why)
{
	size_t i, len;

	if (!name || !name[0])
		return dp_invalid(why, "interface name is empty");
	len = strnlen(name, SDP_IFNAMSIZ);
	if (len >= SDP_IFNAMSIZ)
		return dp_invalid(
			why, "interface name is longer than 15 characters");
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return dp_invalid(why,
				  "interface name cannot be \".\" or \"..\"");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		/* The kernel's dev_valid_name() rules... */
		if (c == '/' || c == ':')
			return dp_invalid(
				why,
				"interface name cannot contain '/' or ':'");
		/* ...plus printable ASCII only (sysctl paths, frr.conf). */
		if (c <= ' ' || c >= 0x7f)
			return dp_invalid(
				why,
				"interface name must be printable ASCII without spaces");
	}
	return dp_valid(why);
}

int sdp_vrf_name_check(const char *name, const char **why)
{
	int ret = sdp_ifname_check(name, why);

	if (ret < 0)
		return ret;
	/* FRR's VRF_DEFAULT_NAME; a device of that name confuses zebra. */
	if (!strcmp(name, "default"))
		return dp_invalid(
			why, "\"default\" is reserved for the default VRF");
	return dp_valid(why);
}

int sdp_vrf_table_check(uint32_t table, const char **why)
{
	switch (table) {
	case 0:
		return dp_invalid(why, "table 0 is not a routing table");
	case DP_RT_TABLE_DEFAULT:
		return dp_invalid(why,
				  "table 253 is the kernel's default table");
	case DP_RT_TABLE_MAIN:
		return dp_invalid(why, "table 254 is the kernel's main table");
	case DP_RT_TABLE_LOCAL:
		return dp_invalid(why, "table 255 is the kernel's local table");
	case UINT32_MAX:
		return dp_invalid(why, "table 4294967295 is reserved");
	}
	return dp_valid(why);
}

int sdp_label_check(uint32_t label, const char **why)
{
	if (label < SDP_LABEL_UNRESERVED_MIN)
		return dp_invalid(why, "labels 0-15 are reserved (RFC 3032)");
	if (label > SDP_LABEL_MAX)
		return dp_invalid(why, "labels are at most 1048575 (20 bits)");
	return dp_valid(why);
}

int sdp_label_range_check(uint32_t start, uint32_t end, const char **why)
{
	if (start < SDP_LABEL_UNRESERVED_MIN || end < SDP_LABEL_UNRESERVED_MIN)
		return dp_invalid(
			why,
			"label range must start at 16 or above (0-15 are reserved)");
	if (start >= SDP_PLATFORM_LABELS_MAX || end >= SDP_PLATFORM_LABELS_MAX)
		return dp_invalid(
			why,
			"label range must end at 1048574 or below (the kernel's net.mpls.platform_labels is at most 1048575)");
	if (start > end)
		return dp_invalid(why,
				  "label range start is greater than its end");
	return dp_valid(why);
}
