#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
test_satnet_interop.py: a satnet PE against a BGP speaker that is not FRR.

      ce101 ---- pe1-eth1 [vrf v101]           WAN 10.0.0.0/30
  192.168.101.1           pe1 (satnet) eth0 .1 ---------------- .2 exa (ExaBGP)
      ce102 ---- pe1-eth2 [vrf v102]        eBGP VPNv4          AS 65002
  192.168.102.1   AS 65001, router-id 10.10.10.1, labels 1000-1999

pe1 is provisioned by its `satnet` block only (VRF devices v101/v102 with
tables 101/102, members, MPLS input on the WAN link, the label range); its
VRFs export RDs 65001:101 / 65001:102 with RTs 65001:101 / 65001:102.
ExaBGP (Debian's exabgp 4) is the opposite router over one directly
connected eBGP VPNv4 session; the test announces and withdraws its routes
through an API process and reads what it received from a JSON log
(lib_satnet.ExaBGP).

Asserted, in order:
 1. the session comes up; `show satnet peers json` shows ExaBGP (AS 65002);
 2. ExaBGP receives pe1's VRF routes with RD, RT and a VPN label from
    pe1's range, the labels `show satnet routes json` shows as local;
 3. ExaBGP's routes arrive in pe1's VPN RIB with their RD and label, but
    without `mpls bgp forwarding` on the WAN link FRR 8.4 leaves the
    imported VRF copy invalid and nothing reaches the kernel (what a user
    sees in `show satnet routes vrf`, documented in the README);
 4. with `mpls bgp forwarding` (and a session reset: FRR does not
    re-evaluate routes it already holds) each route lands in the right VRF table with
    ExaBGP's label, programmed by satnet (a nexthop object of satnet's
    range), shown by `show satnet routes vrf ... json` with its RD and the
    kernel's stack, and by zebra's `show satnet labels` with the RD;
 5. a withdraw from ExaBGP removes the route from the kernel and the RIB;
 6. a session reset shows up in the peer's history with its reason, and
    the routes come back.
"""

import os
import subprocess
import sys

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.append(os.path.join(CWD, "../"))

# pylint: disable=C0413
from lib.topogen import Topogen, get_topogen
from lib_satnet import ExaBGP, satnet

pytestmark = [pytest.mark.bgpd]

RANGE = (1000, 1999)
NHID_MIN, NHID_MAX = 0x30000000, 0x3FFFFFFF  # satnet's nexthop object ids
EXA_ROUTES = {
    # prefix: (RD, label, RT, VRF, table)
    "172.16.101.0/24": ("65002:101", 2001, "65001:101", "v101", 101),
    "172.16.102.0/24": ("65002:102", 2002, "65001:102", "v102", 102),
}
PE_ROUTES = {"192.168.101.0/24": "65001:101", "192.168.102.0/24": "65001:102"}
SESSION_TIMEOUT = 120


def build_topo(tgen):
    "pe1, the ExaBGP host on the WAN link, one CE per VRF"
    ExaBGP.build_topo(tgen)


def _exa():
    tgen = get_topogen()
    return ExaBGP(tgen.gears["exa"], os.path.join(tgen.logdir, "exa"))


def setup_module(mod):
    "pe1's zebra and bgpd with satnet, then ExaBGP in its host"
    satnet.check_environment()
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()
    satnet.start_configured_routers(tgen, CWD)
    _exa().start()


def teardown_module(_mod):
    _exa().stop()
    get_topogen().stop_topology()


def _tgen():
    tgen = get_topogen()
    if tgen.has_errors():
        pytest.skip(tgen.errors)
    return tgen


def _announce(prefix):
    rd, label, rt, _, _ = EXA_ROUTES[prefix]
    _exa().command(
        "announce route {} rd {} label [{}] next-hop 10.0.0.2 "
        "extended-community [target:{}]".format(prefix, rd, label, rt)
    )


def _withdraw(prefix):
    rd, label, _, _, _ = EXA_ROUTES[prefix]
    _exa().command("withdraw route {} rd {} label [{}] next-hop 10.0.0.2".format(prefix, rd, label))


def _exa_received():
    """What ExaBGP holds from pe1 now, from its JSON log replayed in order:
    {(rd, prefix): (labels, RTs)}; a session going down clears it."""
    rib = {}
    for msg in _exa().received():
        if msg.get("type") == "state" and msg["neighbor"].get("state") == "down":
            rib.clear()
        if msg.get("type") != "update":
            continue
        upd = msg["neighbor"]["message"]["update"]
        rts = sorted(
            e.get("string", "") for e in upd.get("attribute", {}).get("extended-community", [])
        )
        for fam, by_nh in upd.get("announce", {}).items():
            if "mpls-vpn" not in fam:
                continue
            for nlris in by_nh.values():
                for n in nlris:
                    labels = [l for stack in n.get("label", []) for l in stack]
                    rib[(n["rd"], n["nlri"])] = (labels, rts)
        for fam, nlris in upd.get("withdraw", {}).items():
            if "mpls-vpn" in fam:
                for n in nlris:
                    rib.pop((n["rd"], n["nlri"]), None)
    return rib


def _kernel_route(router, table, prefix):
    """pe1's kernel route for PREFIX in TABLE: {"nhid", "via", "dev",
    "labels"} with the stack read through its nexthop object, or None."""
    routes = satnet.ip_json_routes(router, "route show table {} {}".format(table, prefix))
    routes = [r for r in routes if r.get("dst") == prefix]
    if len(routes) != 1:
        return None
    r = routes[0]
    out = {"nhid": r.get("nhid"), "via": r.get("gateway"), "dev": r.get("dev"),
           "labels": r.get("encapLabels", [])}
    if r.get("nhid"):
        try:
            grp = satnet.ip_json_routes(router, "nexthop show id {}".format(r["nhid"]))
            members = grp[0].get("group", []) if grp else []
            if len(members) != 1:
                return dict(out, group=members)
            nh = satnet.ip_json_routes(router, "nexthop show id {}".format(members[0]["id"]))
        except subprocess.CalledProcessError as e:
            # the object went away between the two reads (the route is
            # being replaced or withdrawn): not a settled state
            return dict(out, error=str(e))
        if nh:
            out.update(via=nh[0].get("gateway"), dev=nh[0].get("dev"),
                       labels=nh[0].get("encapLabels", []))
    return out


def _vrf_rows(router, vrf, prefix):
    data = satnet.vtysh_json(router, "show satnet routes vrf {} json".format(vrf))
    return [r for r in data.get("routes", []) if r["prefix"] == prefix], data


def _rd_paths(router):
    data = satnet.vtysh_json(router, "show satnet routes json")
    return {(rd, p["prefix"]): p for rd, ps in data.get("routeDistinguishers", {}).items()
            for p in ps}


# ---------------------------------------------------------------- 1. session
def test_session_up():
    "the eBGP VPNv4 session to ExaBGP is Established in satnet's peer view"
    router = _tgen().gears["pe1"]
    satnet.wait_established(router, {"10.0.0.2": 65002}, SESSION_TIMEOUT)
    peers = satnet.vtysh_json(router, "show satnet peers json")["peers"]
    assert [(p["remote"], p["localAs"], p["vrf"]) for p in peers] == \
        [("10.0.0.2", 65001, "default")], peers


# ---------------------------------------------------------------- 2. pe1 -> ExaBGP
def test_exabgp_receives_pe_routes():
    "ExaBGP gets each VRF route with its RD, RT and a label from pe1's range"
    router = _tgen().gears["pe1"]

    def check():
        got = _exa_received()
        mine = _rd_paths(router)
        for prefix, rd in PE_ROUTES.items():
            if (rd, prefix) not in got:
                return "ExaBGP lacks {} {}: {}".format(rd, prefix, sorted(got))
            labels, rts = got[(rd, prefix)]
            local = mine.get((rd, prefix), {}).get("localLabel")
            if len(labels) != 1 or not RANGE[0] <= labels[0] <= RANGE[1] or labels[0] != local:
                return "{} {}: ExaBGP label {}, satnet's local label {}".format(
                    rd, prefix, labels, local)
            if rts != ["target:" + rd]:
                return "{} {}: RTs {}".format(rd, prefix, rts)
        return None

    satnet.wait_until(check, timeout=60, what="ExaBGP receiving pe1's VPN routes")


# ---------------------------------------------------------------- 3. without mpls bgp forwarding
def test_routes_need_mpls_bgp_forwarding():
    """ExaBGP's routes reach the VPN RIB, but FRR 8.4 keeps their VRF copies
    invalid until `mpls bgp forwarding` is set on the WAN link"""
    router = _tgen().gears["pe1"]
    for prefix in EXA_ROUTES:
        _announce(prefix)

    def in_vpn_rib():
        paths = _rd_paths(router)
        for prefix, (rd, label, rt, _, _) in EXA_ROUTES.items():
            p = paths.get((rd, prefix))
            if not p:
                return "no {} {} in show satnet routes".format(rd, prefix)
            if (p["receivedLabel"], p["peer"], p["nexthop"], p["asPath"]) != \
                    (label, "10.0.0.2", "10.0.0.2", "65002"):
                return "{} {}: {}".format(rd, prefix, p)
            if "RT:" + rt not in p["extCommunities"] or not p["valid"]:
                return "{} {}: {}".format(rd, prefix, p)
        return None

    satnet.wait_until(in_vpn_rib, timeout=60, what="ExaBGP's routes in pe1's VPN RIB")
    for prefix, (rd, _, _, vrf, table) in EXA_ROUTES.items():
        rows, data = _vrf_rows(router, vrf, prefix)
        assert len(rows) == 1 and rows[0]["importedFromRd"] == rd, data
        assert not rows[0]["valid"] and not rows[0]["best"], rows
        assert _kernel_route(router, table, prefix) is None


# ---------------------------------------------------------------- 4. into the kernel
def test_exabgp_routes_in_kernel():
    """with `mpls bgp forwarding` on the link, each route is in its VRF's
    table with ExaBGP's label, through a satnet nexthop object"""
    router = _tgen().gears["pe1"]
    router.vtysh_cmd("configure terminal\ninterface pe1-eth0\nmpls bgp forwarding\n")
    # FRR 8.4 does not look at the routes it already holds again (the
    # interface's next-hop update only covers interface next hops): a
    # reset makes ExaBGP send them anew, and their VRF copies are valid
    router.vtysh_cmd("clear bgp 10.0.0.2")
    satnet.wait_established(router, {"10.0.0.2": 65002}, SESSION_TIMEOUT)

    def check(prefix):
        rd, label, _, vrf, table = EXA_ROUTES[prefix]
        k = _kernel_route(router, table, prefix)
        if not k or (k["via"], k["dev"], k["labels"]) != ("10.0.0.2", "pe1-eth0", [label]):
            return "kernel table {}: {}".format(table, k)
        if not NHID_MIN <= (k["nhid"] or 0) <= NHID_MAX:
            return "kernel route not on a satnet nexthop object: {}".format(k)
        rows, data = _vrf_rows(router, vrf, prefix)
        if len(rows) != 1:
            return "show satnet routes vrf {}: {}".format(vrf, data)
        r = rows[0]
        want = {"best": True, "valid": True, "importedFromRd": rd, "vpnLabel": label,
                "peer": "10.0.0.2", "kernel": "installed", "kernelLabels": [[label]]}
        diff = {k2: r.get(k2) for k2 in want if r.get(k2) != want[k2]}
        if diff:
            return "show satnet routes vrf {}: {} differs: {}".format(vrf, r, diff)
        labels = satnet.vtysh_json(router, "show satnet labels vrf {} json".format(vrf))
        imps = [i for i in labels.get("impositions", []) if i.get("prefix") == prefix]
        if [(i.get("rd"), i.get("outLabels")) for i in imps] != [(rd, [label])]:
            return "zebra's impositions for {}: {}".format(prefix, imps)
        return None

    for prefix in EXA_ROUTES:
        satnet.wait_until(lambda p=prefix: check(p), timeout=60, what=prefix + " in the kernel")
    # and only in its own VRF
    assert _kernel_route(router, 102, "172.16.101.0/24") is None
    assert _kernel_route(router, 101, "172.16.102.0/24") is None


# ---------------------------------------------------------------- 5. withdraw
def test_withdraw_removes_route():
    "a withdraw from ExaBGP takes the route out of the kernel and the RIB"
    router = _tgen().gears["pe1"]
    gone, kept = "172.16.101.0/24", "172.16.102.0/24"
    _withdraw(gone)

    def check():
        if _kernel_route(router, 101, gone) is not None:
            return "kernel still has {}".format(gone)
        if (EXA_ROUTES[gone][0], gone) in _rd_paths(router):
            return "show satnet routes still has {}".format(gone)
        if _vrf_rows(router, "v101", gone)[0]:
            return "show satnet routes vrf v101 still has {}".format(gone)
        return None

    satnet.wait_until(check, timeout=60, what="withdraw of " + gone)
    assert _kernel_route(router, 102, kept)["labels"] == [2002]


# ---------------------------------------------------------------- 6. reset
def test_session_reset_in_history():
    "a reset shows in the peer's transitions with its reason; routes return"
    router = _tgen().gears["pe1"]
    router.vtysh_cmd("clear bgp 10.0.0.2")

    def history():
        peers = satnet.vtysh_json(router, "show satnet peers json")["peers"]
        p = peers[0]
        downs = [t for t in p["transitions"] if t["from"] == "Established"]
        if p["state"] != "Established" or not downs:
            return "peer: {}".format(p)
        if not downs[0]["reason"] or p["established"] < 3:
            return "no reason for the reset: {}".format(p)
        return None

    satnet.wait_until(history, timeout=SESSION_TIMEOUT, what="reset in the peer history")
    peer = satnet.vtysh_json(router, "show satnet peers json")["peers"][0]
    down = [t for t in peer["transitions"] if t["from"] == "Established"][0]
    # the reason is taken as the session leaves Established; FRR's own
    # last_reset may be overwritten afterwards (peer_xfer_conn copies the
    # accepted connection's "No AFI/SAFI activated for peer" when the new
    # session comes up on ExaBGP's connection), which is why each
    # transition keeps its own
    assert down["reason"] == "User reset", peer
    # ExaBGP announces its routes again on the new session
    satnet.wait_until(
        lambda: None if (_kernel_route(router, 102, "172.16.102.0/24") or {}).get("labels")
        == [2002] else "172.16.102.0/24 not back",
        timeout=60, what="routes back after the reset",
    )
