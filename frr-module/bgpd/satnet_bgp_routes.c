// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_bgp_routes.c: `show satnet routes [rd RD | vrf NAME] [json]`.
 *
 * The RD view walks bgpd's own VPN RIB (the default instance's
 * SAFI_MPLS_VPN tables, RD then prefix, as bgp_show_table_rd does) and
 * prints one row per path: prefix, next hop, received and local labels,
 * best/valid, MED, local-pref, AS path, extended communities, and the
 * peer it came from. The VRF view walks one VRF's unicast tables and
 * shows for every path the RD and VPN label it was imported from and,
 * read from the kernel at that moment (satnet_kview.c), the label stacks
 * the kernel forwards the prefix with: "unknown" with the reason when the
 * kernel cannot be read, never a guess.
 *
 * Nothing is copied: rows are formatted straight from bgpd's paths by
 * satnet_routes_fmt.c into a chunk that goes to the vty whenever it
 * fills, so JSON output is streamed text (valid at every size) and no
 * json-c tree of the table is ever built.
 */
#include <zebra.h>

#include "command.h"
#include "vty.h"
#include "prefix.h"
#include "printfrr.h"

#include "bgpd/bgpd.h"
#include "bgpd/bgp_attr.h"
#include "bgpd/bgp_aspath.h"
#include "bgpd/bgp_ecommunity.h"
#include "bgpd/bgp_label.h"
#include "bgpd/bgp_mplsvpn.h"
#include "bgpd/bgp_rd.h"
#include "bgpd/bgp_route.h"
#include "bgpd/bgp_table.h"

#include "satnet_dp.h"
#include "satnet_bgp.h"
#include "satnet_kview.h"
#include "satnet_routes_fmt.h"

#ifndef VTYSH_EXTRACT_PL
#include "satnet_bgp_routes_clippy.c"
#endif

#define CHUNK (64 * 1024)
#define ROW_MAX 2048

/* Output of one command: rows gather here and go out when it fills. */
struct rows_out {
	struct vty *vty;
	char buf[CHUNK];
	size_t used;
	bool json;
	unsigned long paths, prefixes;
	bool first_in_list;
};

static void st_flush(struct rows_out *st)
{
	if (!st->used)
		return;
	vty_out(st->vty, "%s", st->buf);
	st->used = 0;
	st->buf[0] = '\0';
}

static void st_put(struct rows_out *st, const char *s, size_t n)
{
	if (st->used + n + 1 > sizeof(st->buf))
		st_flush(st);
	if (n + 1 > sizeof(st->buf)) {
		vty_out(st->vty, "%s", s);
		return;
	}
	memcpy(st->buf + st->used, s, n);
	st->used += n;
	st->buf[st->used] = '\0';
}

static void st_str(struct rows_out *st, const char *s)
{
	st_put(st, s, strlen(s));
}

/* The totals that end the output: JSON closing @close (the routes' '}' or
 * ']') and the object, or the text summary when @close is 0. */
static void st_totals(struct rows_out *st, char close)
{
	char tail[128];

	if (close)
		snprintf(tail, sizeof(tail),
			 "%c,\"totalPrefixes\":%lu,\"totalPaths\":%lu}\n",
			 close, st->prefixes, st->paths);
	else
		snprintf(tail, sizeof(tail),
			 "Displayed %lu prefixes (%lu paths)\n", st->prefixes,
			 st->paths);
	st_str(st, tail);
}

static void st_jstr(struct rows_out *st, const char *s)
{
	char buf[ROW_MAX];
	int n = snr_json_string(s, buf, sizeof(buf));

	st_put(st, n < 0 ? "\"\"" : buf, n < 0 ? 2 : (size_t)n);
}

/* The path's next hop as bgpd prints it for VPN and leaked routes. */
static void path_nexthop(const struct attr *attr, char *buf, size_t len)
{
	buf[0] = '\0';
	switch (attr->mp_nexthop_len) {
	case BGP_ATTR_NHLEN_IPV4:
	case BGP_ATTR_NHLEN_VPNV4:
		snprintfrr(buf, len, "%pI4", &attr->mp_nexthop_global_in);
		return;
	case BGP_ATTR_NHLEN_IPV6_GLOBAL:
	case BGP_ATTR_NHLEN_IPV6_GLOBAL_AND_LL:
	case BGP_ATTR_NHLEN_VPNV6_GLOBAL:
	case BGP_ATTR_NHLEN_VPNV6_GLOBAL_AND_LL:
		snprintfrr(buf, len, "%pI6", &attr->mp_nexthop_global);
		return;
	}
	if (CHECK_FLAG(attr->flag, ATTR_FLAG_BIT(BGP_ATTR_NEXT_HOP)))
		snprintfrr(buf, len, "%pI4", &attr->nexthop);
}

static void path_attrs(const struct bgp_path_info *pi, struct snr_path *p,
		       char *nh, size_t nhlen)
{
	const struct attr *attr = pi->attr;
	struct ecommunity *ecom = bgp_attr_get_ecommunity(pi->attr);

	path_nexthop(attr, nh, nhlen);
	p->nexthop = nh;
	p->best = CHECK_FLAG(pi->flags, BGP_PATH_SELECTED);
	p->valid = CHECK_FLAG(pi->flags, BGP_PATH_VALID);
	p->has_med =
		CHECK_FLAG(attr->flag, ATTR_FLAG_BIT(BGP_ATTR_MULTI_EXIT_DISC));
	p->med = attr->med;
	p->has_local_pref =
		CHECK_FLAG(attr->flag, ATTR_FLAG_BIT(BGP_ATTR_LOCAL_PREF));
	p->local_pref = attr->local_pref;
	p->as_path = attr->aspath && attr->aspath->str ? attr->aspath->str : "";
	p->ext_communities = ecom && ecom->str ? ecom->str : "";
}

static int64_t path_label(const struct bgp_path_info *pi)
{
	mpls_label_t label;

	if (!pi || !pi->extra || !pi->extra->num_labels)
		return SNR_NO_LABEL;
	/* decoded as bgpd shows it (route_vty_out_tag): the "valid" bit is
	 * not set on every label bgpd holds (a static VPN route's) */
	label = pi->extra->label[0];
	if (label == MPLS_INVALID_LABEL)
		return SNR_NO_LABEL;
	return decode_label(&label);
}

static const char *peer_name(const struct peer *peer)
{
	if (!peer || peer == peer->bgp->peer_self)
		return "local";
	return peer->conf_if ? peer->conf_if : peer->host;
}

static void emit_row(struct rows_out *st, enum snr_view view,
		     const struct snr_path *p)
{
	char row[ROW_MAX];
	int n;

	n = st->json ? snr_json_path(view, p, row, sizeof(row))
		     : snr_text_row(view, p, row, sizeof(row));
	if (n < 0) {
		/* a row longer than ROW_MAX (an enormous AS path): keep the
		 * output valid and say which one */
		struct snr_path q = *p;

		q.as_path = "(too long to show)";
		q.ext_communities = "(too long to show)";
		n = st->json ? snr_json_path(view, &q, row, sizeof(row))
			     : snr_text_row(view, &q, row, sizeof(row));
		if (n < 0)
			return;
	}
	if (st->json && !st->first_in_list)
		st_put(st, ",", 1);
	st->first_in_list = false;
	st_put(st, row, (size_t)n);
	st->paths++;
}

/* --- RD view */

static void show_rd_table(struct rows_out *st, const struct prefix_rd *prd,
			  struct bgp_table *it)
{
	char pfx[PREFIX2STR_BUFFER], nh[INET6_ADDRSTRLEN];
	struct bgp_dest *dest;

	for (dest = bgp_table_top(it); dest; dest = bgp_route_next(dest)) {
		struct bgp_path_info *pi = bgp_dest_get_bgp_path_info(dest);

		if (!pi)
			continue;
		st->prefixes++;
		prefix2str(bgp_dest_get_prefix(dest), pfx, sizeof(pfx));
		for (; pi; pi = pi->next) {
			struct snr_path p = {.prefix = pfx,
					     .vpn_label = SNR_NO_LABEL};
			bool local = pi->peer == pi->peer->bgp->peer_self;

			path_attrs(pi, &p, nh, sizeof(nh));
			p.peer = peer_name(pi->peer);
			p.label_received =
				local ? SNR_NO_LABEL : path_label(pi);
			p.label_local = local ? path_label(pi) : SNR_NO_LABEL;
			emit_row(st, SNR_VIEW_RD, &p);
		}
	}
}

/* One RD: its IPv4 table @it4 and IPv6 table @it6 (either may be NULL),
 * under one heading / one JSON key. */
static void show_rd(struct rows_out *st, const struct prefix_rd *prd,
		    struct bgp_table *it4, struct bgp_table *it6,
		    const char *hdr, bool *first_rd)
{
	char rd[RD_ADDRSTRLEN];
	unsigned long before = st->paths;

	prefix_rd2str(prd, rd, sizeof(rd));
	if (st->json) {
		st_str(st, *first_rd ? "" : ",");
		st_jstr(st, rd);
		st_str(st, ":[");
		st->first_in_list = true;
	} else {
		st_str(st, "Route Distinguisher: ");
		st_str(st, rd);
		st_str(st, "\n");
		st_str(st, hdr);
	}
	*first_rd = false;
	if (it4)
		show_rd_table(st, prd, it4);
	if (it6)
		show_rd_table(st, prd, it6);
	if (st->json)
		st_str(st, "]");
	else if (st->paths == before)
		st_str(st, "   (no paths)\n");
	else
		st_str(st, "\n");
}

/* The RD's table in VPN RIB @t, or NULL. */
static struct bgp_table *rd_table(struct bgp_table *t,
				  const struct prefix_rd *prd)
{
	struct bgp_dest *d;
	struct bgp_table *it;

	if (!t)
		return NULL;
	d = bgp_node_lookup(t, (const struct prefix *)prd);
	if (!d)
		return NULL;
	it = bgp_dest_get_bgp_table_info(d);
	bgp_dest_unlock_node(d);
	return it && bgp_table_count(it) ? it : NULL;
}

static int show_rd_view(struct vty *vty, struct rows_out *st,
			const struct prefix_rd *only)
{
	struct bgp *bgp = bgp_get_default();
	struct bgp_table *t4 = bgp ? bgp->rib[AFI_IP][SAFI_MPLS_VPN] : NULL;
	struct bgp_table *t6 = bgp ? bgp->rib[AFI_IP6][SAFI_MPLS_VPN] : NULL;
	bool first_rd = true;
	char hdr[512] = "";

	if (st->json)
		st_str(st, "{\"routeDistinguishers\":{");
	else {
		snr_text_header(SNR_VIEW_RD, hdr, sizeof(hdr));
		st_str(st, "Status codes: * valid, > best\n\n");
	}

	/* every RD of the IPv4 VPN RIB with its IPv6 routes, then the RDs
	 * that only IPv6 routes use: one key per RD */
	for (afi_t afi = AFI_IP; bgp && afi <= AFI_IP6; afi++) {
		struct bgp_table *t = afi == AFI_IP ? t4 : t6;
		struct bgp_dest *rdd;

		if (!t)
			continue;
		for (rdd = bgp_table_top(t); rdd; rdd = bgp_route_next(rdd)) {
			struct bgp_table *it = bgp_dest_get_bgp_table_info(rdd);
			struct prefix_rd prd;

			if (!it || !bgp_table_count(it))
				continue;
			memcpy(&prd, bgp_dest_get_prefix(rdd), sizeof(prd));
			if (only && memcmp(prd.val, only->val, sizeof(prd.val)))
				continue;
			if (afi == AFI_IP)
				show_rd(st, &prd, it, rd_table(t6, &prd), hdr,
					&first_rd);
			else if (!rd_table(t4, &prd))
				show_rd(st, &prd, NULL, it, hdr, &first_rd);
		}
	}

	if (st->json)
		st_totals(st, '}');
	else if (!bgp)
		st_str(st,
		       "% BGP default instance not found: it holds the VPN RIB\n");
	else if (!st->paths)
		st_str(st,
		       only ? "No VPN routes with this route distinguisher\n"
			    : "No VPN routes\n");
	else
		st_totals(st, 0);
	st_flush(st);
	return CMD_SUCCESS;
}

/* --- VRF view */

/* The VPN path a VRF path was imported from, and that path's RD. */
static const struct bgp_path_info *vpn_parent(const struct bgp_path_info *pi,
					      struct prefix_rd *prd)
{
	const struct bgp_path_info *parent;

	if (pi->sub_type != BGP_ROUTE_IMPORTED || !pi->extra ||
	    !pi->extra->parent)
		return NULL;
	parent = pi->extra->parent;
	if (!parent->net || !parent->net->pdest ||
	    bgp_dest_table(parent->net)->safi != SAFI_MPLS_VPN)
		return NULL;
	memcpy(prd, bgp_dest_get_prefix(parent->net->pdest), sizeof(*prd));
	return parent;
}

static int show_vrf_view(struct vty *vty, struct rows_out *st,
			 const char *vrfname)
{
	struct bgp *bgp = bgp_lookup_by_name(vrfname);
	struct snk_table *kt = NULL;
	struct sdp *dp = NULL;
	char why[256] = "", hdr[512];
	int ret;

	if (!bgp || bgp->inst_type != BGP_INSTANCE_TYPE_VRF) {
		if (st->json)
			vty_out(vty,
				"{\"vrf\":\"%s\",\"error\":\"no BGP instance for VRF %s\"}\n",
				vrfname, vrfname);
		else
			vty_out(vty, "%% No BGP instance for VRF %s\n",
				vrfname);
		return CMD_WARNING;
	}

	ret = sdp_open(&dp, SDP_BACKEND_NETLINK);
	if (ret)
		snprintf(why, sizeof(why), "cannot open a netlink socket: %s",
			 safe_strerror(-ret));
	else if (snk_load(dp, vrfname, &kt, why, sizeof(why)))
		kt = NULL;
	sdp_close(dp);

	if (st->json) {
		char head[128];

		st_str(st, "{\"vrf\":");
		st_jstr(st, vrfname);
		if (kt)
			snprintf(head, sizeof(head),
				 ",\"tableId\":%u,\"kernelError\":null",
				 snk_table_id(kt));
		else
			snprintf(head, sizeof(head),
				 ",\"tableId\":null,\"kernelError\":");
		st_str(st, head);
		if (!kt)
			st_jstr(st, why);
		st_str(st, ",\"routes\":[");
		st->first_in_list = true;
	} else {
		st_str(st, "VRF ");
		st_str(st, vrfname);
		if (kt) {
			snprintf(hdr, sizeof(hdr),
				 ", kernel table %u (%zu routes read now)\n",
				 snk_table_id(kt), snk_count(kt));
			st_str(st, hdr);
		} else {
			st_str(st, ": kernel labels unknown: ");
			st_str(st, why);
			st_str(st, "\n");
		}
		st_str(st, "Status codes: * valid, > best\n\n");
		if (snr_text_header(SNR_VIEW_VRF, hdr, sizeof(hdr)) > 0)
			st_str(st, hdr);
	}

	for (afi_t afi = AFI_IP; afi <= AFI_IP6; afi++) {
		struct bgp_table *t = bgp->rib[afi][SAFI_UNICAST];
		struct bgp_dest *dest;
		char pfx[PREFIX2STR_BUFFER], nh[INET6_ADDRSTRLEN];
		char rd[RD_ADDRSTRLEN];

		if (!t)
			continue;
		for (dest = bgp_table_top(t); dest;
		     dest = bgp_route_next(dest)) {
			struct bgp_path_info *pi =
				bgp_dest_get_bgp_path_info(dest);
			struct snr_path kp = {};
			bool looked = false;

			if (!pi)
				continue;
			st->prefixes++;
			prefix2str(bgp_dest_get_prefix(dest), pfx, sizeof(pfx));
			for (; pi; pi = pi->next) {
				struct snr_path p = {
					.prefix = pfx,
					.label_received = SNR_NO_LABEL,
					.label_local = SNR_NO_LABEL,
				};
				const struct bgp_path_info *parent;
				struct prefix_rd prd;

				path_attrs(pi, &p, nh, sizeof(nh));
				parent = vpn_parent(pi, &prd);
				if (parent) {
					prefix_rd2str(&prd, rd, sizeof(rd));
					p.imported_rd = rd;
					p.vpn_label = path_label(parent);
					p.peer = peer_name(parent->peer);
				} else {
					p.vpn_label = SNR_NO_LABEL;
					p.peer = peer_name(pi->peer);
				}
				/* the kernel holds one route per prefix: show
				 * it against the path bgpd selected */
				if (p.best && kt) {
					if (!looked)
						snk_lookup(kt, pfx, &kp);
					looked = true;
					p.kernel = kp.kernel;
					p.kernel_n_nh = kp.kernel_n_nh;
					memcpy(p.kernel_nh, kp.kernel_nh,
					       sizeof(p.kernel_nh));
				}
				emit_row(st, SNR_VIEW_VRF, &p);
			}
		}
	}
	snk_free(kt);

	st_totals(st, st->json ? ']' : 0);
	st_flush(st);
	return CMD_SUCCESS;
}

DEFPY(show_satnet_routes, show_satnet_routes_cmd,
      "show satnet routes [<rd ASN:NN_OR_IP-ADDRESS:NN$rdstr|vrf NAME$vrfname>] [json]$json",
      SHOW_STR
      "satnet MPLS-VPN provider edge\n"
      "VPN routes per route distinguisher, or one VRF's with the kernel's labels\n"
      "Only one route distinguisher\n"
      "Route distinguisher (ASN:NN or IP-ADDRESS:NN)\n"
      "One VRF: where each route was imported from and what the kernel holds\n"
      "VRF name\n" JSON_STR)
{
	struct rows_out *st;
	struct prefix_rd prd;
	int ret;

	if (rdstr && !str2prefix_rd(rdstr, &prd)) {
		vty_out(vty, "%% Malformed route distinguisher %s\n", rdstr);
		return CMD_WARNING;
	}
	st = XCALLOC(MTYPE_TMP, sizeof(*st));
	st->vty = vty;
	st->json = !!json;
	if (vrfname)
		ret = show_vrf_view(vty, st, vrfname);
	else
		ret = show_rd_view(vty, st, rdstr ? &prd : NULL);
	XFREE(MTYPE_TMP, st);
	return ret;
}

void satnet_bgp_routes_init(void)
{
	install_element(VIEW_NODE, &show_satnet_routes_cmd);
}
