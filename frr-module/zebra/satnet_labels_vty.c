// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_labels_vty.c: `show satnet labels` and `clear satnet counters`.
 *
 * `show satnet labels` joins what satnet's dplane provider programmed
 * with what the kernel was last seen to hold: one row per owned LSP
 * (in-label, owner, FEC when known, nexthops, out-label stack, the VRF a
 * label pops into, kernel state) and one per imposition (a route in a
 * satnet VRF table that pushes labels). The record belongs to the
 * provider's pthread; this file works on a copy (sn_table_export()) and
 * resolves interface and VRF names here, on zebra's main thread, where
 * zebra's interface tables may be read. RDs are bgpd's: the bgpd module
 * feeds them in (satnet_feed.c); a VPN label row shows its VRF's export
 * RD, an imposition the RD of the VPN route its prefix was imported from,
 * null when bgpd has not told (no bgpd, or not a BGP VPN route).
 *
 * Scanned by the rebuilt vtysh (vtysh/extract.pl); it lives in zebra/ so
 * that the commands go to zebra.
 */
#include <zebra.h>

#include "command.h"
#include "if.h"
#include "json.h"
#include "log.h"
#include "mpls.h"
#include "vrf.h"
#include "vty.h"

#include "satnet_zebra.h"
#include "satnet_dplane.h"
#include "satnet_dp.h"
#include "satnet_feed.h"

#ifndef VTYSH_EXTRACT_PL
#include "satnet_labels_vty_clippy.c"
#endif

#define SATNET_STR "satnet MPLS-VPN provider edge\n"

/* zebra's LSP owner (enum lsp_types_t) as a lower-case word. */
static const char *lsp_owner_str(int type)
{
	switch ((enum lsp_types_t)type) {
	case ZEBRA_LSP_NONE:
		return "unknown";
	case ZEBRA_LSP_STATIC:
		return "static";
	case ZEBRA_LSP_LDP:
		return "ldp";
	case ZEBRA_LSP_BGP:
		return "bgp";
	case ZEBRA_LSP_OSPF_SR:
		return "ospf-sr";
	case ZEBRA_LSP_ISIS_SR:
		return "isis-sr";
	case ZEBRA_LSP_SHARP:
		return "sharp";
	case ZEBRA_LSP_SRTE:
		return "sr-te";
	}
	return "unknown";
}

/* Name of device @ifindex from zebra's tables; NULL when unknown. */
static struct interface *if_any_vrf(uint32_t ifindex, uint32_t vrf_hint)
{
	struct interface *ifp;
	struct vrf *vrf;

	if (!ifindex)
		return NULL;
	ifp = if_lookup_by_index(ifindex, vrf_hint);
	if (ifp)
		return ifp;
	/* A VRF device lives in its own VRF, members in theirs. */
	RB_FOREACH (vrf, vrf_id_head, &vrfs_by_id) {
		ifp = if_lookup_by_index(ifindex, vrf->vrf_id);
		if (ifp)
			return ifp;
	}
	return NULL;
}

/* The satnet VRF whose table is @table, or NULL. */
static const char *vrf_of_table(uint32_t table)
{
	const struct satnet_cfg *c = &satnet_zebra.cfg;

	for (size_t i = 0; i < c->n_vrfs; i++)
		if (c->vrfs[i].table == table)
			return c->vrfs[i].name;
	return NULL;
}

/*
 * A label that pops into a VRF: every nexthop is a VRF device with no
 * gateway and no labels. Returns the VRF's name or NULL.
 */
static const char *pop_vrf(const struct sn_entry *e)
{
	const char *name = NULL;

	for (size_t i = 0; i < e->n_nh; i++) {
		const struct sdp_nexthop *nh = &e->nh[i];
		struct interface *ifp;

		if (nh->via.family != AF_UNSPEC || nh->n_labels)
			return NULL;
		ifp = if_any_vrf(nh->ifindex, e->nh_vrf[i]);
		if (!ifp || !if_is_vrf(ifp))
			return NULL;
		if (name && strcmp(name, ifp->name))
			return NULL;
		name = ifp->name;
	}
	return name;
}

static bool has_labels(const struct sn_entry *e)
{
	for (size_t i = 0; i < e->n_nh; i++)
		if (e->nh[i].n_labels)
			return true;
	return false;
}

static void prefix_str(const struct sn_entry *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (sdp_addr_format(&e->dst, a, sizeof(a)) < 0)
		strlcpy(a, "?", sizeof(a));
	snprintf(buf, len, "%s/%u", a, e->dst_len);
}

/* --- JSON */

static json_object *labels_json(const struct sdp_nexthop *nh)
{
	json_object *a = json_object_new_array();

	for (uint8_t i = 0; nh && i < nh->n_labels; i++)
		json_object_array_add(a, json_object_new_int64(nh->labels[i]));
	return a;
}

static void str_or_null(json_object *o, const char *key, const char *s)
{
	if (s && s[0])
		json_object_string_add(o, key, s);
	else
		json_object_object_add(o, key, NULL);
}

static json_object *nexthops_json(const struct sn_entry *e)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < e->n_nh; i++) {
		const struct sdp_nexthop *nh = &e->nh[i];
		json_object *j = json_object_new_object();
		struct interface *ifp = if_any_vrf(nh->ifindex, e->nh_vrf[i]);
		char via[INET6_ADDRSTRLEN];

		if (nh->via.family != AF_UNSPEC
		    && sdp_addr_format(&nh->via, via, sizeof(via)) == 0)
			json_object_string_add(j, "via", via);
		else
			json_object_object_add(j, "via", NULL);
		str_or_null(j, "interface", ifp ? ifp->name : NULL);
		json_object_int_add(j, "ifindex", nh->ifindex);
		json_object_object_add(j, "outLabels", labels_json(nh));
		json_object_array_add(a, j);
	}
	return a;
}

static json_object *kernel_json(const struct sn_entry *e)
{
	json_object *k = json_object_new_object();

	json_object_string_add(k, "state", sn_kstate_str(e->state));
	str_or_null(k, "reason", e->reason);
	json_object_int_add(k, "repairs", e->repairs);
	return k;
}

/* The export RD of the VRF a BGP per-VRF label pops into. */
static const char *lsp_rd(const struct sn_entry *e, const char *vrf)
{
	return vrf && e->owner == ZEBRA_LSP_BGP ? satnet_feed_export_rd(vrf)
						: NULL;
}

/* The RD of the VPN route an imposition's prefix was imported from. */
static const char *imposition_rd(const struct sn_entry *e, const char *vrf)
{
	char pfx[INET6_ADDRSTRLEN + 4];

	if (!vrf)
		return NULL;
	prefix_str(e, pfx, sizeof(pfx));
	return satnet_feed_import_rd(vrf, pfx);
}

static json_object *lsp_json(const struct sn_entry *e, const char *vrf)
{
	json_object *j = json_object_new_object();

	json_object_int_add(j, "inLabel", e->in_label);
	json_object_string_add(j, "owner", lsp_owner_str(e->owner));
	/* A per-VRF BGP label stands for the whole VRF. zebra's LSP
	 * context carries no FEC otherwise; the RD is bgpd's to tell. */
	str_or_null(j, "prefix",
		    vrf && e->owner == ZEBRA_LSP_BGP ? "*" : NULL);
	str_or_null(j, "rd", lsp_rd(e, vrf));
	json_object_object_add(j, "nexthops", nexthops_json(e));
	json_object_object_add(j, "outLabels",
			       labels_json(e->n_nh ? &e->nh[0] : NULL));
	str_or_null(j, "vrf", vrf);
	json_object_object_add(j, "kernel", kernel_json(e));
	return j;
}

static json_object *imposition_json(const struct sn_entry *e)
{
	json_object *j = json_object_new_object();
	const char *vrf = vrf_of_table(e->table);
	char pfx[INET6_ADDRSTRLEN + 4];

	prefix_str(e, pfx, sizeof(pfx));
	json_object_string_add(j, "prefix", pfx);
	str_or_null(j, "rd", imposition_rd(e, vrf));
	str_or_null(j, "vrf", vrf);
	json_object_int_add(j, "table", e->table);
	json_object_string_add(j, "owner", zebra_route_string(e->owner));
	json_object_object_add(j, "nexthops", nexthops_json(e));
	json_object_object_add(j, "outLabels",
			       labels_json(e->n_nh ? &e->nh[0] : NULL));
	if (e->nhid) {
		json_object *o = json_object_new_object();

		json_object_int_add(o, "id", e->nhid);
		json_object_int_add(o, "sharedBy", e->nh_shared);
		json_object_object_add(j, "nexthopObject", o);
	} else {
		json_object_object_add(j, "nexthopObject", NULL);
	}
	json_object_object_add(j, "kernel", kernel_json(e));
	return j;
}

static json_object *counters_json(void)
{
	struct sn_counters *c = satnet_dplane_counters();
	json_object *j = json_object_new_object(), *ops;

	json_object_boolean_add(j, "running", satnet_dplane_running());
	json_object_boolean_add(j, "staleSweepDone", satnet_dplane_swept());
	if (!c)
		return j;
	json_object_int_add(j, "contextsProgrammed", atomic_load(&c->ctx_owned));
	json_object_int_add(j, "contextsPassed", atomic_load(&c->ctx_passed));
	json_object_int_add(j, "lspRequests", atomic_load(&c->lsp_ops));
	json_object_int_add(j, "routeRequests", atomic_load(&c->route_ops));
	json_object_int_add(j, "failures", atomic_load(&c->failures));
	json_object_int_add(j, "readbacks", atomic_load(&c->reconciles));
	json_object_int_add(j, "readbackErrors",
			    atomic_load(&c->reconcile_errors));
	json_object_int_add(j, "drift", atomic_load(&c->drift));
	json_object_int_add(j, "repairs", atomic_load(&c->repairs));
	json_object_int_add(j, "staleRemoved", atomic_load(&c->swept));
	json_object_int_add(j, "platformLabelsRaised",
			    atomic_load(&c->platform_raises));
	json_object_int_add(j, "queueLength", atomic_load(&c->queue_len));
	json_object_int_add(j, "queuePeak", atomic_load(&c->queue_peak));
	ops = json_object_new_object();
	json_object_int_add(ops, "routeInstall", atomic_load(&c->route_install));
	json_object_int_add(ops, "routeUpdate", atomic_load(&c->route_update));
	json_object_int_add(ops, "routeDelete", atomic_load(&c->route_delete));
	json_object_int_add(ops, "lspInstall", atomic_load(&c->lsp_install));
	json_object_int_add(ops, "lspUpdate", atomic_load(&c->lsp_update));
	json_object_int_add(ops, "lspDelete", atomic_load(&c->lsp_delete));
	json_object_object_add(j, "contextOps", ops);
	json_object_int_add(j, "nexthopObjects", atomic_load(&c->nhobj_count));
	json_object_int_add(j, "nexthopGroups", atomic_load(&c->nhobj_groups));
	json_object_int_add(j, "nexthopObjectWrites",
			    atomic_load(&c->nhobj_ops));
	json_object_int_add(j, "groupsReplacedInPlace",
			    atomic_load(&c->nhobj_inplace));
	json_object_int_add(j, "groupsRemovedByKernel",
			    atomic_load(&c->nhobj_flushed));
	json_object_int_add(j, "routesWithoutWrite",
			    atomic_load(&c->route_nowrite));
	json_object_int_add(j, "groupsMovedWithTransport",
			    atomic_load(&c->nhobj_transport));
	json_object_int_add(j, "hostRoutesFollowed",
			    atomic_load(&c->hosts_count));
	json_object_int_add(j, "hostRoutesNotFollowed",
			    atomic_load(&c->hosts_full));
	json_object_int_add(j, "hostChangesDropped",
			    atomic_load(&c->host_notes_dropped));
	return j;
}

/* --- text */

static void nexthop_text(const struct sn_entry *e, size_t i, char *buf,
			 size_t len)
{
	const struct sdp_nexthop *nh = &e->nh[i];
	struct interface *ifp = if_any_vrf(nh->ifindex, e->nh_vrf[i]);
	char via[INET6_ADDRSTRLEN], ifn[32];

	if (ifp)
		snprintf(ifn, sizeof(ifn), "%s%s", if_is_vrf(ifp) ? "vrf " : "",
			 ifp->name);
	else if (nh->ifindex)
		snprintf(ifn, sizeof(ifn), "ifindex %u", nh->ifindex);
	else
		ifn[0] = '\0';
	if (nh->via.family != AF_UNSPEC
	    && sdp_addr_format(&nh->via, via, sizeof(via)) == 0)
		snprintf(buf, len, "%s%s%s", via, ifn[0] ? " " : "", ifn);
	else
		snprintf(buf, len, "%s", ifn[0] ? ifn : "-");
}

static void kernel_text(const struct sn_entry *e, char *buf, size_t len)
{
	if (e->reason[0])
		snprintf(buf, len, "%s: %s", sn_kstate_str(e->state),
			 e->reason);
	else
		snprintf(buf, len, "%s", sn_kstate_str(e->state));
}

static void show_lsp_text(struct vty *vty, const struct sn_entry *e,
			  const char *vrf)
{
	const char *rd = lsp_rd(e, vrf);
	char nhs[80], lbl[96], k[SN_REASON_LEN + 16];

	kernel_text(e, k, sizeof(k));
	for (size_t i = 0; i < (e->n_nh ? e->n_nh : 1); i++) {
		if (e->n_nh) {
			nexthop_text(e, i, nhs, sizeof(nhs));
			sn_labels_str(&e->nh[i], lbl, sizeof(lbl));
		} else {
			strlcpy(nhs, "-", sizeof(nhs));
			strlcpy(lbl, "-", sizeof(lbl));
		}
		if (i == 0)
			vty_out(vty, "%-9u %-8s %-7s %-13s %-14s %-28s %s\n",
				e->in_label, lsp_owner_str(e->owner),
				vrf && e->owner == ZEBRA_LSP_BGP ? "*" : "-",
				rd ? rd : "-", lbl, nhs, k);
		else
			vty_out(vty, "%-9s %-8s %-7s %-13s %-14s %s\n", "", "",
				"", "", lbl, nhs);
	}
}

static void show_imposition_text(struct vty *vty, const struct sn_entry *e)
{
	const char *vrf = vrf_of_table(e->table);
	const char *rd = imposition_rd(e, vrf);
	char pfx[INET6_ADDRSTRLEN + 4], nhs[80], lbl[96], vname[24];
	char k[SN_REASON_LEN + 48];

	prefix_str(e, pfx, sizeof(pfx));
	kernel_text(e, k, sizeof(k));
	if (e->nhid) {
		size_t l = strlen(k);

		snprintf(k + l, sizeof(k) - l, " (object %u, %u route%s)",
			 e->nhid, e->nh_shared, e->nh_shared == 1 ? "" : "s");
	}
	if (vrf)
		strlcpy(vname, vrf, sizeof(vname));
	else
		snprintf(vname, sizeof(vname), "table %u", e->table);
	for (size_t i = 0; i < e->n_nh; i++) {
		nexthop_text(e, i, nhs, sizeof(nhs));
		if (e->nh[i].n_labels)
			sn_labels_str(&e->nh[i], lbl, sizeof(lbl));
		else
			strlcpy(lbl, "-", sizeof(lbl));
		if (i == 0)
			vty_out(vty, "%-15s %-13s %-20s %-6s %-14s %-28s %s\n",
				vname, rd ? rd : "-", pfx,
				zebra_route_string(e->owner), lbl, nhs, k);
		else
			vty_out(vty, "%-15s %-13s %-20s %-6s %-14s %s\n", "",
				"", "", "", lbl, nhs);
	}
}

/* One element of a JSON array being written: @o is printed and freed. */
static void json_stream(struct vty *vty, bool *first, json_object *o)
{
	vty_out(vty, "%s%s", *first ? "\n" : ",\n",
		json_object_to_json_string_ext(o,
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_free(o);
	*first = false;
}

DEFPY(show_satnet_labels, show_satnet_labels_cmd,
      "show satnet labels [vrf NAME$vrfname] [json$json]",
      SHOW_STR SATNET_STR
      "MPLS labels and label impositions satnet programs, with the kernel's state\n"
      "Only what belongs to one VRF\n"
      "VRF name\n"
      JSON_STR)
{
	struct sn_table *tbl = satnet_dplane_table();
	struct sn_view v = {0};
	size_t n_lsp = 0, n_imp = 0, n_other = 0;
	bool header = false, first = true;

	if (tbl && sn_table_export(tbl, &v)) {
		vty_out(vty, "%% out of memory\n");
		return CMD_WARNING;
	}
	/* JSON is written entry by entry (one small json-c object at a
	 * time), not built as one tree of every entry first */
	if (json)
		vty_out(vty, "{\"labels\":[");

	for (size_t i = 0; i < v.n; i++) {
		const struct sn_entry *e = &v.e[i];
		const char *vrf;

		if (e->kind != SN_KIND_LSP)
			continue;
		vrf = pop_vrf(e);
		if (vrfname && (!vrf || strcmp(vrf, vrfname)))
			continue;
		n_lsp++;
		if (json) {
			json_stream(vty, &first, lsp_json(e, vrf));
			continue;
		}
		if (!header) {
			vty_out(vty, "%-9s %-8s %-7s %-13s %-14s %-28s %s\n",
				"In-label", "Owner", "Prefix", "RD",
				"Out-labels", "Nexthop", "Kernel");
			header = true;
		}
		show_lsp_text(vty, e, vrf);
	}

	header = false;
	if (json) {
		vty_out(vty, "],\n\"impositions\":[");
		first = true;
	}
	for (size_t i = 0; i < v.n; i++) {
		const struct sn_entry *e = &v.e[i];
		const char *vrf;

		if (e->kind != SN_KIND_ROUTE)
			continue;
		vrf = vrf_of_table(e->table);
		if (vrfname && (!vrf || strcmp(vrf, vrfname)))
			continue;
		if (!has_labels(e)) {
			n_other++;
			continue;
		}
		n_imp++;
		if (json) {
			json_stream(vty, &first, imposition_json(e));
			continue;
		}
		if (!header) {
			vty_out(vty, "\nImpositions (VRF routes pushing labels):\n");
			vty_out(vty, "%-15s %-13s %-20s %-6s %-14s %-28s %s\n",
				"VRF", "RD", "Prefix", "Owner", "Out-labels",
				"Nexthop", "Kernel");
			header = true;
		}
		show_imposition_text(vty, e);
	}
	sn_view_free(&v);

	if (json) {
		json_object *c = counters_json();

		vty_out(vty, "],\n\"provider\":%s}\n",
			json_object_to_json_string_ext(
				c, JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_free(c);
		return CMD_SUCCESS;
	}

	if (!satnet_dplane_running())
		vty_out(vty, "%% satnet's dplane provider is not running: zebra's kernel provider programs LSPs and VRF routes\n");
	if (!n_lsp && !n_imp)
		vty_out(vty, "No labels or impositions programmed by satnet%s%s\n",
			vrfname ? " for vrf " : "", vrfname ? vrfname : "");
	vty_out(vty, "\n%zu labels, %zu impositions, %zu other VRF routes programmed by satnet\n",
		n_lsp, n_imp, n_other);
	return CMD_SUCCESS;
}

DEFPY(clear_satnet_counters, clear_satnet_counters_cmd,
      "clear satnet counters",
      CLEAR_STR SATNET_STR
      "Restart satnet's counters from zero (interface MPLS counters count from now on)\n")
{
	satnet_counters_clear(&satnet_zebra);
	satnet_dplane_counters_clear();
	satnet_if_counters_baseline();
	return CMD_SUCCESS;
}

void satnet_labels_vty_init(void)
{
	install_element(VIEW_NODE, &show_satnet_labels_cmd);
	install_element(ENABLE_NODE, &clear_satnet_counters_cmd);
}
