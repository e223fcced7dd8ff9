/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet_feed_codec.h: frames of proto/satnet.proto, without FRR.
 *
 * A frame is a 4-byte big-endian length and one encoded satnet.Event.
 * The encoder builds whole frames from plain structs; the decoder takes
 * bytes as they arrive, refuses a frame whose length is above
 * SNF_FRAME_MAX before reading it, and validates every field (type known,
 * VRF name a Linux device name, RDs as bgpd prints them, prefixes
 * parseable with a sane length, labels 20 bits, counts bounded) before
 * anything is handed out. A refusal comes with a reason.
 *
 * Used by the bgpd module (it sends) and the zebra module (it receives);
 * unit-tested by tests/frr-module/test_satnet_feed_codec.
 */
#ifndef SATNET_FEED_CODEC_H
#define SATNET_FEED_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNF_VERSION 1
#define SNF_HDR_LEN 4
#define SNF_FRAME_MAX (1024 * 1024) /* payload bytes */
#define SNF_MAX_IMPORTS 100000	    /* routes in one frame */
/* Routes in one part of a VRF snapshot as the sender cuts it: at the
 * longest IPv6 prefix and RD a part stays well below SNF_FRAME_MAX. */
#define SNF_PART_IMPORTS 8192
/* Routes of one VRF snapshot, all parts: what a receiver will assemble
 * (bounds its memory: ~80 bytes a route). */
#define SNF_VRF_MAX_IMPORTS 1000000
#define SNF_VRF_LEN 16	  /* IFNAMSIZ: 15 characters + NUL */
#define SNF_RD_LEN 24	  /* "255.255.255.255:65535" */
#define SNF_PREFIX_LEN 52 /* INET6_ADDRSTRLEN + "/128" */
#define SNF_DAEMON_LEN 16
#define SNF_WHY_LEN 128
#define SNF_LABEL_MAX 0xfffffu

/* A route the VRF imported from the VPN table (selected). */
struct snf_import {
	char prefix[SNF_PREFIX_LEN]; /* canonical: "203.0.113.16/28" */
	char rd[SNF_RD_LEN];	     /* RD of the VPN route */
	uint32_t label;		     /* its VPN label */
};

/* Everything the sender knows of one VRF. */
struct snf_vrf {
	char name[SNF_VRF_LEN];
	char export_rd[SNF_RD_LEN]; /* "" when none is configured */
	size_t n_imports;
	struct snf_import *imports; /* malloc()ed by the decoder */
	bool more;		    /* a part: more of it follows */
};

enum snf_type {
	SNF_HELLO = 1,
	SNF_VRF_SNAPSHOT,
	SNF_VRF_GONE,
};

struct snf_msg {
	enum snf_type type;
	/* SNF_HELLO */
	uint32_t version;
	char daemon[SNF_DAEMON_LEN];
	/* SNF_VRF_SNAPSHOT (all of it), SNF_VRF_GONE (vrf.name only) */
	struct snf_vrf vrf;
};

/* Field checks, shared by both ends: the sender leaves out what the
 * receiver would refuse. */
extern bool snf_vrf_name_valid(const char *name);
extern bool snf_rd_valid(const char *rd);
/* Parse an IPv4/IPv6 prefix "ADDR/LEN" and write it in canonical form
 * (inet_ntop, host bits must be clear). 0, or -1 when not a prefix. */
extern int snf_prefix_canon(const char *in, char *out, size_t outlen);

/*
 * Encoders: a whole frame (header included) in *frame, malloc()ed, its
 * size in *len. 0, or -EINVAL (a field the decoder would refuse),
 * -ENOMEM, -EMSGSIZE (the message is larger than SNF_FRAME_MAX).
 */
extern int snf_encode_hello(const char *daemon, uint8_t **frame, size_t *len);
extern int snf_encode_vrf(const struct snf_vrf *vrf, uint8_t **frame,
			  size_t *len);
extern int snf_encode_vrf_gone(const char *vrf, uint8_t **frame, size_t *len);
/*
 * A whole VRF snapshot of any size up to SNF_VRF_MAX_IMPORTS as frames of
 * at most @part imports each (0: SNF_PART_IMPORTS), all but the last with
 * `more` set, concatenated in one buffer *frames of *len bytes (one frame
 * when it fits, also for no imports), their number in *nframes. Every field is
 * checked before the first frame is built: nothing is encoded when one is bad.
 * Errors as snf_encode_vrf's.
 */
extern int snf_encode_vrf_parts(const struct snf_vrf *vrf, size_t part,
				uint8_t **frames, size_t *len,
				unsigned int *nframes);

/*
 * Decode the first frame in buf[0..have). Returns 1 with *msg filled and
 * *used set to the frame's size; 0 when the frame is not complete yet
 * (*need, when not NULL, is the size it will have or SNF_HDR_LEN); -1
 * when the frame is refused, with the reason in why (the stream cannot
 * be resynchronised after that: close it). *msg needs snf_msg_free().
 */
extern int snf_decode_frame(const uint8_t *buf, size_t have, size_t *used,
			    size_t *need, struct snf_msg *msg, char *why,
			    size_t whylen);
extern void snf_msg_free(struct snf_msg *msg);

/*
 * The receiver's side of snapshots in parts, for one connection: parts
 * of one VRF are collected until the last one. snf_asm_add() takes a
 * decoded SNF_VRF_SNAPSHOT (its imports move into the assembler, msg's
 * are cleared) and returns 1 when @out holds a whole snapshot (the
 * caller owns out->imports, free()), 0 when more parts are awaited, -1
 * when the part cannot belong to the snapshot being collected (another
 * VRF's part arrived before its last part, or the total is above
 * SNF_VRF_MAX_IMPORTS), with the reason in why: the stream is out of
 * order, close it. A whole snapshot in one frame passes straight
 * through. snf_asm_drop() forgets a VRF's incomplete snapshot (it went
 * away); snf_asm_free() all of it.
 */
struct snf_asm {
	struct snf_vrf cur; /* the parts so far; cur.name "" when none */
	size_t cap;
};
extern int snf_asm_add(struct snf_asm *a, struct snf_vrf *part,
		       struct snf_vrf *out, char *why, size_t whylen);
extern void snf_asm_drop(struct snf_asm *a, const char *vrf);
extern void snf_asm_free(struct snf_asm *a);

#endif /* SATNET_FEED_CODEC_H */
