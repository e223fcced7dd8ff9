// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_satnet_feed_codec.c: the frames the bgpd module sends zebra.
 *
 * What is encoded decodes to the same thing, in any split of the bytes;
 * an incomplete frame waits for more; a length above SNF_FRAME_MAX is
 * refused before the payload is looked at; bytes that are no satnet
 * event, an event without or with an unknown body, and events whose
 * fields are out of bounds (crafted with protobuf-c directly, as a buggy
 * or hostile sender would) are refused with a reason naming the problem.
 * A VRF too big for one frame goes in parts and is assembled whole; parts
 * out of order are refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "satnet.pb-c.h"
#include "satnet_feed_codec.h"

static const struct snf_import imports[] = {
	{"203.0.113.16/28", "65000:3", 3001},
	{"2001:db8:0:1::/64", "192.0.2.3:7", 0xfffff},
	{"198.51.100.0/24", "4200000000:1", 16},
};

static struct snf_vrf sample_vrf(void)
{
	struct snf_vrf v = {.name = "cust", .export_rd = "65000:1"};

	v.imports = (struct snf_import *)imports;
	v.n_imports = sizeof(imports) / sizeof(imports[0]);
	return v;
}

static int decode(const uint8_t *buf, size_t len, struct snf_msg *m, char *why)
{
	size_t used = 0;
	int ret = snf_decode_frame(buf, len, &used, NULL, m, why, SNF_WHY_LEN);

	if (ret == 1)
		assert_int_equal(used, len);
	return ret;
}

/* A frame of a hand-made (possibly invalid) event. */
static uint8_t *raw_frame(const Satnet__Event *ev, size_t *len)
{
	size_t n = satnet__event__get_packed_size(ev);
	uint8_t *buf = malloc(4 + n);

	assert_non_null(buf);
	buf[0] = (uint8_t)(n >> 24);
	buf[1] = (uint8_t)(n >> 16);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	satnet__event__pack(ev, buf + 4);
	*len = 4 + n;
	return buf;
}

static void test_round_trip(void **state)
{
	struct snf_vrf v = sample_vrf();
	struct snf_msg m;
	char why[SNF_WHY_LEN] = "";
	uint8_t *f;
	size_t len;

	assert_int_equal(snf_encode_vrf(&v, &f, &len), 0);
	assert_int_equal(decode(f, len, &m, why), 1);
	assert_int_equal(m.type, SNF_VRF_SNAPSHOT);
	assert_string_equal(m.vrf.name, "cust");
	assert_string_equal(m.vrf.export_rd, "65000:1");
	assert_int_equal(m.vrf.n_imports, v.n_imports);
	for (size_t i = 0; i < v.n_imports; i++) {
		assert_string_equal(m.vrf.imports[i].prefix, imports[i].prefix);
		assert_string_equal(m.vrf.imports[i].rd, imports[i].rd);
		assert_int_equal(m.vrf.imports[i].label, imports[i].label);
	}
	snf_msg_free(&m);
	free(f);

	/* no export RD, no imports */
	v = (struct snf_vrf){.name = "red"};
	assert_int_equal(snf_encode_vrf(&v, &f, &len), 0);
	assert_int_equal(decode(f, len, &m, why), 1);
	assert_string_equal(m.vrf.name, "red");
	assert_string_equal(m.vrf.export_rd, "");
	assert_int_equal(m.vrf.n_imports, 0);
	assert_null(m.vrf.imports);
	free(f);

	assert_int_equal(snf_encode_vrf_gone("cust", &f, &len), 0);
	assert_int_equal(decode(f, len, &m, why), 1);
	assert_int_equal(m.type, SNF_VRF_GONE);
	assert_string_equal(m.vrf.name, "cust");
	free(f);

	assert_int_equal(snf_encode_hello("bgpd", &f, &len), 0);
	assert_int_equal(decode(f, len, &m, why), 1);
	assert_int_equal(m.type, SNF_HELLO);
	assert_string_equal(m.daemon, "bgpd");
	assert_int_equal(m.version, SNF_VERSION);
	free(f);
}

/* Two frames back to back, fed one byte at a time. */
static void test_stream_split(void **state)
{
	struct snf_vrf v = sample_vrf();
	uint8_t *a, *b, stream[4096];
	size_t la, lb, have = 0, off = 0, used, need;
	struct snf_msg m;
	char why[SNF_WHY_LEN];
	int got = 0;

	assert_int_equal(snf_encode_hello("bgpd", &a, &la), 0);
	assert_int_equal(snf_encode_vrf(&v, &b, &lb), 0);
	assert_true(la + lb <= sizeof(stream));
	memcpy(stream, a, la);
	memcpy(stream + la, b, lb);
	while (have < la + lb) {
		int ret;

		have++;
		ret = snf_decode_frame(stream + off, have - off, &used, &need,
				       &m, why, sizeof(why));
		assert_true(ret >= 0);
		if (ret == 0) {
			assert_true(need > have - off);
			assert_true(need == 4 || need == (got ? lb : la));
			continue;
		}
		assert_int_equal(m.type, got ? SNF_VRF_SNAPSHOT : SNF_HELLO);
		snf_msg_free(&m);
		off += used;
		got++;
	}
	assert_int_equal(got, 2);
	assert_int_equal(off, la + lb);
	free(a);
	free(b);
}

static void test_truncated(void **state)
{
	struct snf_vrf v = sample_vrf();
	struct snf_msg m;
	char why[SNF_WHY_LEN];
	size_t len, used, need = 0;
	uint8_t *f;

	assert_int_equal(snf_encode_vrf(&v, &f, &len), 0);
	for (size_t cut = 0; cut < len; cut++) {
		assert_int_equal(snf_decode_frame(f, cut, &used, &need, &m, why,
						  sizeof(why)),
				 0);
		assert_int_equal(need, cut < 4 ? 4 : len);
	}
	/* a frame whose header says less than the message: the payload is
	 * cut inside a field, which protobuf-c refuses */
	f[3] = (uint8_t)(f[3] - 3);
	assert_int_equal(decode(f, len - 3, &m, why), -1);
	assert_non_null(strstr(why, "not a satnet event"));
	free(f);
}

static void test_oversize(void **state)
{
	uint8_t hdr[8] = {0x00, 0x10, 0x00, 0x01}; /* 1 MiB + 1 */
	struct snf_msg m;
	char why[SNF_WHY_LEN] = "";
	size_t used, need = 0;

	/* refused from the header alone: nothing waits for a MiB */
	assert_int_equal(
		snf_decode_frame(hdr, 4, &used, &need, &m, why, sizeof(why)),
		-1);
	assert_non_null(strstr(why, "1048577 bytes"));
	assert_int_equal(need, 0);
	hdr[0] = 0xff;
	assert_int_equal(
		snf_decode_frame(hdr, 8, &used, &need, &m, why, sizeof(why)),
		-1);

	/* exactly the limit waits for the payload */
	hdr[0] = 0;
	hdr[1] = 0x10;
	hdr[3] = 0;
	assert_int_equal(
		snf_decode_frame(hdr, 8, &used, &need, &m, why, sizeof(why)),
		0);
	assert_int_equal(need, 4 + SNF_FRAME_MAX);
}

static void test_garbage(void **state)
{
	/* a length, then bytes that are no protobuf message */
	uint8_t junk[] = {0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	/* valid protobuf (field 15, varint), but no known body */
	uint8_t nobody[] = {0, 0, 0, 2, 0x78, 0x01};
	uint8_t empty[] = {0, 0, 0, 0};
	struct snf_msg m;
	char why[SNF_WHY_LEN];

	assert_int_equal(decode(junk, sizeof(junk), &m, why), -1);
	assert_non_null(strstr(why, "not a satnet event"));
	assert_int_equal(decode(nobody, sizeof(nobody), &m, why), -1);
	assert_non_null(strstr(why, "without a body"));
	assert_int_equal(decode(empty, sizeof(empty), &m, why), -1);
	assert_non_null(strstr(why, "without a body"));

	/* random bytes never crash the decoder nor pass unchecked */
	srand(4364);
	for (int round = 0; round < 2000; round++) {
		uint8_t buf[64];
		size_t n = 4 + (size_t)(rand() % 60), used;
		int ret;

		for (size_t i = 4; i < n; i++)
			buf[i] = (uint8_t)rand();
		buf[0] = buf[1] = buf[2] = 0;
		buf[3] = (uint8_t)(n - 4);
		ret = snf_decode_frame(buf, n, &used, NULL, &m, why,
				       sizeof(why));
		if (ret == 1) {
			if (m.type != SNF_HELLO)
				assert_true(snf_vrf_name_valid(m.vrf.name));
			snf_msg_free(&m);
		}
	}
}

/* A snapshot event with one field replaced, as a bad sender would. */
static int bad_snapshot(const char *vrf, const char *export_rd,
			const char *prefix, const char *rd, uint32_t label,
			char *why)
{
	Satnet__Event ev = SATNET__EVENT__INIT;
	Satnet__VrfSnapshot s = SATNET__VRF_SNAPSHOT__INIT;
	Satnet__VpnImport imp = SATNET__VPN_IMPORT__INIT, *pimp = &imp;
	struct snf_msg m;
	uint8_t *f;
	size_t len;
	int ret;

	imp.prefix = (char *)prefix;
	imp.rd = (char *)rd;
	imp.label = label;
	s.vrf = (char *)vrf;
	s.export_rd = (char *)export_rd;
	s.n_imports = 1;
	s.imports = &pimp;
	ev.body_case = SATNET__EVENT__BODY_VRF_SNAPSHOT;
	ev.vrf_snapshot = &s;
	f = raw_frame(&ev, &len);
	ret = decode(f, len, &m, why);
	free(f);
	if (ret == 1)
		snf_msg_free(&m);
	return ret;
}

static void test_bad_fields(void **state)
{
	static const struct {
		const char *vrf, *export_rd, *prefix, *rd;
		uint32_t label;
		const char *reason;
	} bad[] = {
		{"", "65000:1", "10.0.0.0/8", "65000:3", 16, "VRF name"},
		{"abcdefghijklmnop", NULL, "10.0.0.0/8", "1:1", 16, "VRF name"},
		{"cu st", NULL, "10.0.0.0/8", "1:1", 16, "VRF name"},
		{"cu\x01st", NULL, "10.0.0.0/8", "1:1", 16, "VRF name"},
		{"a/b", NULL, "10.0.0.0/8", "1:1", 16, "VRF name"},
		{"cust", "65000", "10.0.0.0/8", "1:1", 16, "export RD"},
		{"cust", "65000:x", "10.0.0.0/8", "1:1", 16, "export RD"},
		{"cust", "4294967296:1", "10.0.0.0/8", "1:1", 16, "export RD"},
		{"cust", "4200000000:65536", "10.0.0.0/8", "1:1", 16,
		 "export RD"},
		{"cust", "1.2.3:4", "10.0.0.0/8", "1:1", 16, "export RD"},
		{"cust", "1.2.3.4:65536", "10.0.0.0/8", "1:1", 16, "export RD"},
		{"cust", "-1:5", "10.0.0.0/8", "1:1", 16, "export RD"},
		{"cust", NULL, "10.0.0.0", "1:1", 16, "prefix"},
		{"cust", NULL, "10.0.0.0/33", "1:1", 16, "prefix"},
		{"cust", NULL, "10.0.0.1/8", "1:1", 16, "prefix"},
		{"cust", NULL, "2001:db8::/129", "1:1", 16, "prefix"},
		{"cust", NULL, "host/24", "1:1", 16, "prefix"},
		{"cust", NULL, "10.0.0.0/-8", "1:1", 16, "prefix"},
		{"cust", NULL, "10.0.0.0/8", ":1", 16, "RD"},
		{"cust", NULL, "10.0.0.0/8", "1:", 16, "RD"},
		{"cust", NULL, "10.0.0.0/8", "1:1", 0x100000, "label"},
	};
	char why[SNF_WHY_LEN];

	/* the baseline passes: each case breaks one thing */
	assert_int_equal(bad_snapshot("cust", "65000:1", "10.0.0.0/8",
				      "65000:3", 16, why),
			 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(bad_snapshot(bad[i].vrf, bad[i].export_rd,
					      bad[i].prefix, bad[i].rd,
					      bad[i].label, why),
				 -1);
		if (!strstr(why, bad[i].reason))
			fail_msg("case %zu: reason \"%s\" does not name the %s",
				 i, why, bad[i].reason);
	}
}

/* The encoder refuses what the decoder would; the checks themselves. */
static void test_encoder_and_checks(void **state)
{
	struct snf_import imp = {"10.0.0.1/8", "1:1", 16};
	struct snf_vrf v = {.name = "cust", .imports = &imp, .n_imports = 1};
	char out[SNF_PREFIX_LEN];
	uint8_t *f;
	size_t len;

	assert_int_equal(snf_encode_vrf(&v, &f, &len), -EINVAL);
	strcpy(imp.prefix, "10.0.0.0/8");
	imp.label = 0x100000;
	assert_int_equal(snf_encode_vrf(&v, &f, &len), -EINVAL);
	imp.label = 16;
	v.n_imports = SNF_MAX_IMPORTS + 1;
	assert_int_equal(snf_encode_vrf(&v, &f, &len), -EINVAL);
	assert_int_equal(snf_encode_vrf_gone("", &f, &len), -EINVAL);
	assert_int_equal(snf_encode_hello("", &f, &len), -EINVAL);

	assert_true(snf_rd_valid("65000:4294967295"));
	assert_true(snf_rd_valid("192.0.2.1:65535"));
	assert_true(snf_rd_valid("4294967295:65535"));
	assert_false(snf_rd_valid("192.0.2.1:4294967295"));
	assert_false(snf_rd_valid("0x10:1"));
	assert_false(snf_rd_valid(""));

	assert_int_equal(
		snf_prefix_canon("2001:0db8:0000::/32", out, sizeof(out)), 0);
	assert_string_equal(out, "2001:db8::/32");
	assert_int_equal(snf_prefix_canon("0.0.0.0/0", out, sizeof(out)), 0);
	assert_string_equal(out, "0.0.0.0/0");
	assert_int_equal(snf_prefix_canon("10.1.2.3/32", out, sizeof(out)), 0);
	assert_int_equal(snf_prefix_canon("10.128.0.0/9", out, sizeof(out)), 0);
	assert_int_equal(snf_prefix_canon("10.192.0.0/9", out, sizeof(out)),
			 -1);
}

/* An event with a body case this reader does not know. */
static void test_unknown_body(void **state)
{
	/* field 9, length-delimited, empty: a future body */
	uint8_t f[] = {0, 0, 0, 2, 0x4a, 0x00};
	struct snf_msg m;
	char why[SNF_WHY_LEN];

	/* protobuf-c keeps unknown fields aside: the body stays unset */
	assert_int_equal(decode(f, sizeof(f), &m, why), -1);
	assert_non_null(strstr(why, "without a body"));
}

/* N imports like a big VRF's: 10.a.b.0/24 over 10 RDs, malloc()ed */
static struct snf_vrf big_vrf(size_t n)
{
	struct snf_vrf v = {.name = "video", .export_rd = "65001:100"};

	v.imports = calloc(n, sizeof(*v.imports));
	assert_non_null(v.imports);
	for (size_t i = 0; i < n; i++) {
		snprintf(v.imports[i].prefix, sizeof(v.imports[i].prefix),
			 "10.%zu.%zu.0/24", (i / 256) % 256, i % 256);
		snprintf(v.imports[i].rd, sizeof(v.imports[i].rd), "65002:%zu",
			 1 + i % 10);
		v.imports[i].label = 16 + i % 1000;
	}
	v.n_imports = n;
	return v;
}

/*
 * 100k imports do not fit one frame: the single-frame encoder, which the
 * bgpd module used for every VRF, refuses them (the feed then sent
 * nothing for such a VRF, above about 37k routes). In parts they go:
 * each frame within SNF_FRAME_MAX, `more` on all but the last, and the
 * assembler gives back exactly the 100k routes in order.
 */
static void test_big_vrf_in_parts(void **state)
{
	unsigned int nf = 0;
	struct snf_vrf v = big_vrf(100000), whole = {};
	struct snf_asm a = {};
	char why[SNF_WHY_LEN];
	uint8_t *buf;
	size_t len, off = 0, frames = 0, expect;
	int ret = 0;

	(void)state;
	assert_int_equal(snf_encode_vrf(&v, &buf, &len), -EMSGSIZE);

	assert_int_equal(snf_encode_vrf_parts(&v, 0, &buf, &len, &nf), 0);
	expect = (100000 + SNF_PART_IMPORTS - 1) / SNF_PART_IMPORTS;
	while (off < len) {
		struct snf_msg m;
		size_t used = 0;

		assert_int_equal(snf_decode_frame(buf + off, len - off, &used,
						  NULL, &m, why, sizeof(why)),
				 1);
		assert_true(used - SNF_HDR_LEN <= SNF_FRAME_MAX);
		assert_int_equal(m.type, SNF_VRF_SNAPSHOT);
		assert_string_equal(m.vrf.name, "video");
		assert_string_equal(m.vrf.export_rd, "65001:100");
		frames++;
		off += used;
		assert_int_equal(m.vrf.more, off < len);
		assert_int_equal(ret, 0); /* nothing whole before the last */
		ret = snf_asm_add(&a, &m.vrf, &whole, why, sizeof(why));
		assert_int_equal(m.vrf.n_imports, 0); /* moved */
		snf_msg_free(&m);
	}
	assert_int_equal(frames, expect);
	assert_int_equal(nf, expect);
	assert_int_equal(ret, 1);
	assert_string_equal(whole.name, "video");
	assert_string_equal(whole.export_rd, "65001:100");
	assert_false(whole.more);
	assert_int_equal(whole.n_imports, 100000);
	for (size_t i = 0; i < 100000; i++) {
		assert_string_equal(whole.imports[i].prefix,
				    v.imports[i].prefix);
		assert_string_equal(whole.imports[i].rd, v.imports[i].rd);
		assert_int_equal(whole.imports[i].label, v.imports[i].label);
	}
	assert_string_equal(a.cur.name, ""); /* ready for the next */
	free(whole.imports);
	free(buf);
	free(v.imports);
}

/* A small VRF is one frame, without `more`, and passes straight through;
 * so does an empty one. A bad field anywhere encodes nothing. */
static void test_parts_small_and_bad(void **state)
{
	unsigned int nf = 0;
	struct snf_vrf v = sample_vrf(), whole = {}, empty = {.name = "e"};
	struct snf_import bad[2];
	struct snf_asm a = {};
	struct snf_msg m;
	char why[SNF_WHY_LEN];
	uint8_t *buf = NULL;
	size_t len;

	(void)state;
	assert_int_equal(snf_encode_vrf_parts(&v, 0, &buf, &len, &nf), 0);
	assert_int_equal(nf, 1);
	assert_int_equal(decode(buf, len, &m, why), 1);
	assert_false(m.vrf.more);
	assert_int_equal(snf_asm_add(&a, &m.vrf, &whole, why, sizeof(why)), 1);
	assert_int_equal(whole.n_imports, 3);
	assert_string_equal(whole.imports[1].prefix, "2001:db8:0:1::/64");
	free(whole.imports);
	snf_msg_free(&m);
	free(buf);

	assert_int_equal(snf_encode_vrf_parts(&empty, 0, &buf, &len, &nf), 0);
	assert_int_equal(nf, 1);
	assert_int_equal(decode(buf, len, &m, why), 1);
	assert_int_equal(m.vrf.n_imports, 0);
	assert_false(m.vrf.more);
	snf_msg_free(&m);
	free(buf);

	memcpy(&bad[0], &imports[0], sizeof(bad[0]));
	memcpy(&bad[1], &imports[1], sizeof(bad[1]));
	strcpy(bad[1].rd, "65000");
	v.imports = bad;
	v.n_imports = 2;
	buf = NULL;
	assert_int_equal(snf_encode_vrf_parts(&v, 1, &buf, &len, &nf), -EINVAL);
	assert_null(buf);
	assert_int_equal(
		snf_encode_vrf_parts(&v, SNF_MAX_IMPORTS + 1, &buf, &len, &nf),
		-EINVAL);
}

/* Parts of an other VRF before the last part: refused with both names,
 * and what was collected is dropped; a VRF that goes away drops its
 * incomplete snapshot. */
static void test_parts_out_of_order(void **state)
{
	unsigned int nf = 0;
	struct snf_vrf v = big_vrf(20), whole = {};
	struct snf_asm a = {};
	struct snf_msg m;
	char why[SNF_WHY_LEN];
	uint8_t *buf;
	size_t len, used;

	(void)state;
	assert_int_equal(snf_encode_vrf_parts(&v, 8, &buf, &len, &nf), 0);
	assert_int_equal(nf, 3); /* 8 + 8 + 4 */
	/* the first part of "video" (8 routes, more) */
	assert_int_equal(
		snf_decode_frame(buf, len, &used, NULL, &m, why, sizeof(why)),
		1);
	assert_true(m.vrf.more);
	assert_int_equal(snf_asm_add(&a, &m.vrf, &whole, why, sizeof(why)), 0);
	snf_msg_free(&m);
	assert_int_equal(a.cur.n_imports, 8);

	/* then a whole snapshot of "cust" */
	struct snf_vrf other = sample_vrf();

	assert_int_equal(snf_asm_add(&a, &other, &whole, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "VRF cust"));
	assert_non_null(strstr(why, "VRF video's"));
	assert_string_equal(a.cur.name, "");
	assert_null(a.cur.imports);

	/* collected again, then the VRF goes away */
	assert_int_equal(
		snf_decode_frame(buf, len, &used, NULL, &m, why, sizeof(why)),
		1);
	assert_int_equal(snf_asm_add(&a, &m.vrf, &whole, why, sizeof(why)), 0);
	snf_msg_free(&m);
	snf_asm_drop(&a, "cust"); /* not the one collected */
	assert_int_equal(a.cur.n_imports, 8);
	snf_asm_drop(&a, "video");
	assert_string_equal(a.cur.name, "");
	assert_null(a.cur.imports);
	free(buf);
	free(v.imports);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_stream_split),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_encoder_and_checks),
		cmocka_unit_test(test_unknown_body),
		cmocka_unit_test(test_big_vrf_in_parts),
		cmocka_unit_test(test_parts_small_and_bad),
		cmocka_unit_test(test_parts_out_of_order),
	};

	return cmocka_run_group_tests_name("satnet feed frames", tests, NULL,
					   NULL);
}
