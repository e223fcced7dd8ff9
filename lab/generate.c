// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * generate.c: `satnet-lab generate grid PLANESxSLOTS` writes the topology
 * of a +Grid constellation: PLANES orbital planes of SLOTS satellites, each
 * satellite linked to its neighbours in the same plane (fore/aft) and in
 * the adjacent planes (left/right), wrapping around (a torus) along every
 * dimension of 3 or more. Two ground stations in VRF `video`, src and dst,
 * sit on the first satellite and on the one farthest from it, so `run` measures a VPN
 * across the whole grid.
 *
 * Addresses (inside the lab only): loopbacks 10.255.P.S+1, ISL i the /30
 * 10.100.0.0 + 4i (a .1, b .2), ground links 10.200.{1,2}.0/24; label
 * ranges of 1000 per satellite from 1000. The output is built with json-c
 * and goes through the same parser as any other topology (topo_load) when
 * it is used.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "satnet-lab.h"

#define GRID_MAX_DIM 40
#define GRID_LINK_BASE 0x0a640000u /* 10.100.0.0 */
#define GRID_LABELS 1000
#define GRID_MAX_SATS 1000

static void sat_name(char *buf, size_t len, int p, int s)
{
	snprintf(buf, len, "sat%02d%02d", p, s);
}

static void ip4(char *buf, size_t len, uint32_t a)
{
	struct in_addr in = {.s_addr = htonl(a)};

	inet_ntop(AF_INET, &in, buf, len);
}

static json_object *satellite(int p, int s, int idx)
{
	json_object *o = json_object_new_object(), *lr = json_object_new_array();
	char name[32], lo[32];

	sat_name(name, sizeof(name), p, s);
	snprintf(lo, sizeof(lo), "10.255.%d.%d", p, s + 1);
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "loopback", json_object_new_string(lo));
	json_object_array_add(lr, json_object_new_int((idx + 1) * GRID_LABELS));
	json_object_array_add(lr, json_object_new_int((idx + 2) * GRID_LABELS - 1));
	json_object_object_add(o, "label_range", lr);
	return o;
}

static json_object *link_obj(int pa, int sa, int pb, int sb, uint32_t idx)
{
	json_object *o = json_object_new_object();
	char a[32], b[32], net[INET_ADDRSTRLEN + 3], aa[INET_ADDRSTRLEN],
		ba[INET_ADDRSTRLEN];
	uint32_t base = GRID_LINK_BASE + 4 * idx;

	sat_name(a, sizeof(a), pa, sa);
	sat_name(b, sizeof(b), pb, sb);
	ip4(aa, sizeof(aa), base);
	snprintf(net, sizeof(net), "%s/30", aa);
	ip4(aa, sizeof(aa), base + 1);
	ip4(ba, sizeof(ba), base + 2);
	json_object_object_add(o, "a", json_object_new_string(a));
	json_object_object_add(o, "b", json_object_new_string(b));
	json_object_object_add(o, "subnet", json_object_new_string(net));
	json_object_object_add(o, "a_addr", json_object_new_string(aa));
	json_object_object_add(o, "b_addr", json_object_new_string(ba));
	return o;
}

static json_object *ground(const char *name, int p, int s, int n)
{
	json_object *o = json_object_new_object();
	char sat[32], net[32];

	sat_name(sat, sizeof(sat), p, s);
	snprintf(net, sizeof(net), "10.200.%d.0/24", n);
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "satellite", json_object_new_string(sat));
	json_object_object_add(o, "vrf", json_object_new_string("video"));
	json_object_object_add(o, "subnet", json_object_new_string(net));
	return o;
}

/* "PxS" (or "N" for a square N = k*k) into planes and slots */
int generate_parse_size(const char *arg, int *planes, int *slots)
{
	char *end;
	long a, b;

	errno = 0;
	a = strtol(arg, &end, 10);
	if (errno || end == arg)
		return -1;
	if (*end == 'x' || *end == 'X') {
		const char *s2 = end + 1;

		b = strtol(s2, &end, 10);
		if (errno || end == s2 || *end)
			return -1;
	} else if (!*end) {
		long k = 1;

		while (k * k < a)
			k++;
		if (k * k != a)
			return -1;
		a = b = k;
	} else {
		return -1;
	}
	/* label ranges of GRID_LABELS each must fit under 2^20 */
	if (a < 1 || b < 1 || a > GRID_MAX_DIM || b > GRID_MAX_DIM || a * b < 2
	    || a * b > GRID_MAX_SATS)
		return -1;
	*planes = (int)a;
	*slots = (int)b;
	return 0;
}

int generate_grid(int planes, int slots, const char *name, const char *out)
{
	json_object *top = json_object_new_object(), *def = json_object_new_object();
	json_object *sats = json_object_new_array(), *links = json_object_new_array();
	json_object *vrfs = json_object_new_array(), *gs = json_object_new_array();
	json_object *vrf = json_object_new_object();
	uint32_t nlinks = 0;
	char comment[256];
	const char *txt;
	int rc;

	snprintf(comment, sizeof(comment),
		 "+Grid constellation: %d planes x %d satellites, written by satnet-lab generate grid",
		 planes, slots);
	json_object_object_add(top, "name", json_object_new_string(name));
	json_object_object_add(top, "comment", json_object_new_string(comment));
	json_object_object_add(def, "underlay", json_object_new_string("ospf"));
	json_object_object_add(def, "ldp", json_object_new_boolean(true));
	json_object_object_add(def, "as", json_object_new_int(65000));
	json_object_object_add(top, "defaults", def);

	for (int p = 0; p < planes; p++)
		for (int s = 0; s < slots; s++)
			json_object_array_add(sats,
					      satellite(p, s, p * slots + s));
	for (int p = 0; p < planes; p++) {
		for (int s = 0; s < slots; s++) {
			/* fore: next slot in the plane; wraps only when the
			 * ring has 3 or more (2 would double the link) */
			if (s + 1 < slots || (slots >= 3 && s + 1 == slots))
				json_object_array_add(
					links, link_obj(p, s, p, (s + 1) % slots,
							nlinks++));
			/* right: same slot in the next plane */
			if (p + 1 < planes || (planes >= 3 && p + 1 == planes))
				json_object_array_add(
					links, link_obj(p, s, (p + 1) % planes, s,
							nlinks++));
		}
	}
	json_object_object_add(top, "satellites", sats);
	json_object_object_add(top, "links", links);

	json_object_object_add(vrf, "name", json_object_new_string("video"));
	json_object_object_add(vrf, "table", json_object_new_int(10));
	json_object_array_add(vrfs, vrf);
	json_object_object_add(top, "vrfs", vrfs);
	json_object_array_add(gs, ground("src", 0, 0, 1));
	json_object_array_add(gs, ground("dst", planes / 2, slots / 2, 2));
	json_object_object_add(top, "ground_stations", gs);

	txt = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_SPACED);
	if (out) {
		size_t len = strlen(txt);
		char *buf = malloc(len + 2);

		if (!buf) {
			json_object_put(top);
			errx_("out of memory");
			return 1;
		}
		memcpy(buf, txt, len);
		buf[len] = '\n';
		buf[len + 1] = '\0';
		rc = write_file(out, buf, 0644);
		free(buf);
		if (rc == 0)
			say("%s: %d satellites, %u links", out, planes * slots,
			    nlinks);
		else
			errx_("%s: %s", out, strerror(errno));
	} else {
		rc = puts(txt) < 0 ? -1 : 0;
		if (rc)
			errx_("stdout: %s", strerror(errno));
	}
	json_object_put(top);
	return rc ? 1 : 0;
}
