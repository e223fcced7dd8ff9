// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_hosts.c: the memory of how host routes forward (see the DOC in
 * satnet_hosts.h). A chained hash by (VRF, family, address); the
 * provider's pthread only.
 */
#include <stdlib.h>
#include <string.h>

#include "satnet_hosts.h"

struct sn_host {
	struct sn_host *next;
	uint32_t vrf_id;
	struct sdp_addr dst;
	size_t n;
	struct sdp_nexthop nh[]; /* n of them: only what is used is kept */
};

struct sn_hosts {
	struct sn_host **buckets;
	size_t nbuckets; /* power of two */
	size_t count, max;
};

static size_t addr_len(uint8_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

static size_t host_hash(const struct sn_hosts *h, uint32_t vrf_id,
			const struct sdp_addr *a)
{
	uint32_t x = 2166136261u ^ vrf_id ^ ((uint32_t)a->family << 24);

	for (size_t i = 0; i < addr_len(a->family); i++)
		x = (x ^ a->bytes[i]) * 16777619u;
	return x & (h->nbuckets - 1);
}

static bool host_is(const struct sn_host *e, uint32_t vrf_id,
		    const struct sdp_addr *a)
{
	return e->vrf_id == vrf_id && e->dst.family == a->family
	       && !memcmp(e->dst.bytes, a->bytes, addr_len(a->family));
}

struct sn_hosts *sn_hosts_new(size_t max_entries)
{
	struct sn_hosts *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->nbuckets = 256;
	h->max = max_entries;
	h->buckets = calloc(h->nbuckets, sizeof(*h->buckets));
	if (!h->buckets) {
		free(h);
		return NULL;
	}
	return h;
}

void sn_hosts_free(struct sn_hosts *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct sn_host *e = h->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(h->buckets);
	free(h);
}

size_t sn_hosts_count(const struct sn_hosts *h)
{
	return h ? h->count : 0;
}

/* Double the buckets when the chains grow long; on failure keep them. */
static void grow(struct sn_hosts *h)
{
	size_t n = h->nbuckets * 2;
	struct sn_host **b = calloc(n, sizeof(*b));
	struct sn_host **old = h->buckets;
	size_t old_n = h->nbuckets;

	if (!b)
		return;
	h->buckets = b;
	h->nbuckets = n;
	for (size_t i = 0; i < old_n; i++) {
		struct sn_host *e = old[i], *next;

		for (; e; e = next) {
			size_t s = host_hash(h, e->vrf_id, &e->dst);

			next = e->next;
			e->next = b[s];
			b[s] = e;
		}
	}
	free(old);
}

static bool fwd_eq(const struct sn_host *e, const struct sdp_nexthop *nh,
		   size_t n)
{
	if (e->n != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct sdp_nexthop *a = &e->nh[i], *b = &nh[i];

		if (a->ifindex != b->ifindex || a->flags != b->flags
		    || a->weight != b->weight || a->n_labels != b->n_labels
		    || a->via.family != b->via.family
		    || memcmp(a->via.bytes, b->via.bytes,
			      a->via.family ? addr_len(a->via.family) : 0)
		    || memcmp(a->labels, b->labels,
			      a->n_labels * sizeof(a->labels[0])))
			return false;
	}
	return true;
}

static struct sn_host *host_new(uint32_t vrf_id, const struct sdp_addr *dst,
				const struct sdp_nexthop *nh, size_t n)
{
	struct sn_host *e = calloc(1, sizeof(*e) + n * sizeof(*nh));

	if (!e)
		return NULL;
	e->vrf_id = vrf_id;
	e->dst.family = dst->family;
	memcpy(e->dst.bytes, dst->bytes, addr_len(dst->family));
	e->n = n;
	memcpy(e->nh, nh, n * sizeof(*nh));
	return e;
}

enum sn_host_change sn_hosts_note(struct sn_hosts *h, uint32_t vrf_id,
				  const struct sdp_addr *dst,
				  const struct sdp_nexthop *nh, size_t n,
				  struct sn_host_fwd *old)
{
	struct sn_host **pp, *e;

	if (n > SN_HOST_NH_MAX)
		n = 0;
	pp = &h->buckets[host_hash(h, vrf_id, dst)];
	for (; (e = *pp) != NULL; pp = &e->next)
		if (host_is(e, vrf_id, dst))
			break;
	if (!n) {
		if (!e)
			return SN_HOST_SAME;
		*pp = e->next;
		free(e);
		h->count--;
		return SN_HOST_GONE;
	}
	if (e) {
		struct sn_host *ne;

		if (fwd_eq(e, nh, n))
			return SN_HOST_SAME;
		if (old) {
			memset(old, 0, sizeof(*old));
			old->n = e->n;
			memcpy(old->nh, e->nh, e->n * sizeof(e->nh[0]));
		}
		ne = host_new(vrf_id, dst, nh, n);
		if (!ne) {
			/* cannot follow it any more: forget it */
			*pp = e->next;
			free(e);
			h->count--;
			return SN_HOST_GONE;
		}
		ne->next = e->next;
		*pp = ne;
		free(e);
		return SN_HOST_MOVED;
	}
	if (h->count >= h->max)
		return SN_HOST_FULL;
	e = host_new(vrf_id, dst, nh, n);
	if (!e)
		return SN_HOST_FULL;
	e->next = h->buckets[host_hash(h, vrf_id, dst)];
	h->buckets[host_hash(h, vrf_id, dst)] = e;
	if (++h->count > 2 * h->nbuckets)
		grow(h);
	return SN_HOST_NEW;
}
