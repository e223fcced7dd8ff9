#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
test_satnet_faults.py: a live satnet PE survives faults and ends as it was.

      ce101 ---- pe1-eth1 [vrf v101]           WAN 10.0.0.0/30
  192.168.101.1           pe1 (satnet) eth0 .1 ---------------- .2 exa (ExaBGP)
      ce102 ---- pe1-eth2 [vrf v102]        eBGP VPNv4          AS 65002

satnet_interop's PE (provisioned by its satnet block alone) with `mpls bgp
forwarding` on the WAN link from the start, and Debian's ExaBGP as the
opposite router announcing one labelled VPN route into each VRF
(lib_satnet.ExaBGP, as in satnet_interop).

After each fault the kernel and FRR's view must come back to what they
were: both VPN routes in their VRF tables with ExaBGP's labels through
satnet's nexthop objects (nothing missing), each route once (nothing
doubled), every satnet nexthop object in use and every kernel LSP in
satnet's range one that `show satnet labels` holds as installed (nothing
stale), the members in their VRFs, MPLS input on, and the daemons up.

Faults, in order:
 1. 100 flaps of a VRF member (pe1-eth1) and 100 of the MPLS interface
    (pe1-eth0, which also takes the BGP session down);
 2. bgpd killed (SIGKILL) with the VPN live, and started again: while it
    is away zebra takes its routes out and satnet its objects;
 3. zebra killed (SIGKILL) with the VPN live, and started again over the
    VRF devices satnet made before, then bgpd, as watchfrr restarts all
    daemons when zebra dies (FRR 8.4's bgpd, left running, does not send
    its VRF routes to the new zebra: "TODO - What if we have peers and
    networks configured" in bgp_zebra_connected);
 4. then (issue #12 item 1's sequence) a third VRF added and removed,
    and `no satnet`: zebra stays up and nothing of satnet's is left.
"""

import os
import sys

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.append(os.path.join(CWD, "../"))

# pylint: disable=C0413
from lib.topogen import Topogen, get_topogen
from lib.topolog import logger
from lib_satnet import ExaBGP, satnet

pytestmark = [pytest.mark.bgpd]

RANGE = (1000, 1999)
NHID_MIN, NHID_MAX = 0x30000000, 0x3FFFFFFF  # satnet's nexthop object ids
EXA_ROUTES = {
    # prefix: (RD, label, RT, VRF, table)
    "172.16.101.0/24": ("65002:101", 2001, "65001:101", "v101", 101),
    "172.16.102.0/24": ("65002:102", 2002, "65001:102", "v102", 102),
}
VRFS = {"v101": ("pe1-eth1", 101), "v102": ("pe1-eth2", 102)}
SESSION_TIMEOUT = 120
SETTLE_TIMEOUT = int(os.environ.get("SATNET_FAULTS_SETTLE", "180"))


def build_topo(tgen):
    "pe1, the ExaBGP host on the WAN link, one CE per VRF"
    ExaBGP.build_topo(tgen)


def _exa():
    tgen = get_topogen()
    return ExaBGP(tgen.gears["exa"], os.path.join(tgen.logdir, "exa"))


def setup_module(mod):
    "pe1's zebra and bgpd with satnet, then ExaBGP announcing its two routes"
    satnet.check_environment()
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()
    satnet.start_configured_routers(tgen, CWD)
    _exa().start(
        "announce route {} rd {} label [{}] next-hop 10.0.0.2 "
        "extended-community [target:{}]".format(prefix, rd, label, rt)
        for prefix, (rd, label, rt, _, _) in EXA_ROUTES.items()
    )


def teardown_module(_mod):
    _exa().stop()
    get_topogen().stop_topology()


def _tgen():
    tgen = get_topogen()
    if tgen.has_errors():
        pytest.skip(tgen.errors)
    return tgen


def _pe1():
    return _tgen().gears["pe1"]


def _objects(router):
    "{id: object} of satnet's nexthop objects in the kernel"
    return {o["id"]: o for o in satnet.ip_json_routes(router, "nexthop show")
            if NHID_MIN <= o.get("id", 0) <= NHID_MAX}


def _vrf_devices(router):
    return sorted(l["ifname"] for l in satnet.ip_json(router, "-d link show type vrf"))


def _problems(router):
    """None when pe1 is as it should be with the VPN live, else what is
    wrong: missing, doubled or stale state in the kernel or FRR's view"""
    objs = _objects(router)
    used = set()
    for prefix, (rd, label, _, vrf, table) in EXA_ROUTES.items():
        routes = [r for r in satnet.ip_json_routes(router, "route show table {}".format(table))
                  if r.get("dst") == prefix]
        if len(routes) != 1:
            return "table {}: {} routes for {}: {}".format(table, len(routes), prefix, routes)
        nhid = routes[0].get("nhid")
        grp = objs.get(nhid)
        if not grp:
            return "{}: not on a satnet nexthop object: {}".format(prefix, routes[0])
        members = grp.get("group", [])
        if len(members) != 1 or members[0]["id"] not in objs:
            return "{}: object {} members {}".format(prefix, nhid, members)
        nh = objs[members[0]["id"]]
        got = (nh.get("gateway"), nh.get("dev"), nh.get("encapLabels", []))
        if got != ("10.0.0.2", "pe1-eth0", [label]):
            return "{}: forwards as {}".format(prefix, got)
        used.update((nhid, members[0]["id"]))
    if set(objs) != used:
        return "satnet nexthop objects not in use: {}".format(sorted(set(objs) - used))
    # every LSP of satnet's range is one satnet holds as installed, once
    lsps = [l for l in satnet.ip_json_routes(router, "-f mpls route show")
            if RANGE[0] <= int(l.get("dst", 0)) <= RANGE[1]]
    labels = satnet.vtysh_json(router, "show satnet labels json")
    held = {e["inLabel"] for e in labels.get("labels", [])
            if e.get("kernel", {}).get("state") == "installed"}
    kernel = [int(l["dst"]) for l in lsps]
    if sorted(kernel) != sorted(set(kernel)) or set(kernel) != held:
        return "kernel LSPs {} but satnet holds {}".format(sorted(kernel), sorted(held))
    if len(held) != len(VRFS):
        return "want one VPN label per VRF, satnet holds {}".format(sorted(held))
    imps = {(i.get("prefix"), i.get("vrf")): i for i in labels.get("impositions", [])}
    for prefix, (rd, label, _, vrf, _) in EXA_ROUTES.items():
        i = imps.get((prefix, vrf))
        if not i or i.get("outLabels") != [label] or i.get("rd") != rd \
                or i.get("kernel", {}).get("state") != "installed":
            return "show satnet labels: {} {}: {}".format(vrf, prefix, i)
    for vrf, (member, _) in VRFS.items():
        link = satnet.ip_json(router, "link show dev " + member)
        if not link or link[0].get("master") != vrf:
            return "{} not in {}: {}".format(member, vrf, link)
    if router.cmd_raises("cat /proc/sys/net/mpls/conf/pe1-eth0/input").strip() != "1":
        return "MPLS input off on pe1-eth0"
    return None


def _diagnose(router):
    "what pe1's kernel and daemons hold, into the log"
    for cmd in ("ip -d link show type vrf", "ip -d nexthop show", "ip -f mpls route show",
                "ip route show table 101",
                "ip route show table 102", "ps ax -o pid,cmd"):
        logger.info("%s:\n%s", cmd, router.cmd(cmd))
    for cmd in ("show ip route vrf all", "show mpls table", "show satnet labels",
                "show bgp vrf all ipv4 unicast", "show bgp ipv4 vpn"):
        logger.info("%s:\n%s", cmd, router.vtysh_cmd(cmd))


def _settled(router, what):
    try:
        satnet.wait_until(lambda: _problems(router), timeout=SETTLE_TIMEOUT, what=what)
    except AssertionError:
        _diagnose(router)
        raise
    assert not router.check_router_running(), "a daemon died"


def test_vpn_up():
    "the session is up and both ExaBGP routes are in the kernel via satnet"
    router = _pe1()
    satnet.wait_established(router, {"10.0.0.2": 65002}, SESSION_TIMEOUT)
    _settled(router, "the VPN up")


def test_flaps():
    """100 flaps of a VRF member and 100 of the MPLS interface (the WAN
    link: the session goes down too): everything comes back as it was"""
    router = _pe1()
    for ifname in ("pe1-eth1", "pe1-eth0"):
        logger.info("100 flaps of %s", ifname)
        router.cmd_raises(
            "for i in $(seq 1 100); do ip link set {0} down; ip link set {0} up; done".format(ifname)
        )
    satnet.wait_established(router, {"10.0.0.2": 65002}, SESSION_TIMEOUT)
    _settled(router, "pe1 after the flaps")
    # the provider saw no failure of its own
    prov = satnet.vtysh_json(router, "show satnet labels json")["provider"]
    assert prov["failures"] == 0, prov


def test_bgpd_killed():
    """bgpd killed with the VPN live: zebra takes its routes out and satnet
    its objects; bgpd started again: all back, nothing doubled"""
    router = _pe1()
    satnet.kill9(router, ["bgpd"])

    def gone():
        for prefix, (_, _, _, _, table) in EXA_ROUTES.items():
            if [r for r in satnet.ip_json_routes(router, "route show table {}".format(table))
                    if r.get("dst") == prefix]:
                return "{} still in table {}".format(prefix, table)
        left = _objects(router)
        return "satnet objects left: {}".format(sorted(left)) if left else None

    satnet.wait_until(gone, timeout=60, what="bgpd's routes out of the kernel")
    router.net.startRouterDaemons(["bgpd"])
    satnet.wait_established(router, {"10.0.0.2": 65002}, SESSION_TIMEOUT)
    _settled(router, "pe1 after bgpd's restart")


def test_zebra_killed():
    """zebra killed with the VPN live and started again over the VRF
    devices satnet made, then bgpd (as watchfrr's global restart does: FRR
    8.4's bgpd does not send its VRF routes again to a new zebra): the
    same devices, the kernel as the new RIB"""
    router = _pe1()
    ifindex = {v: satnet.ip_json(router, "link show dev " + v)[0]["ifindex"] for v in VRFS}
    satnet.kill9(router, ["zebra", "bgpd"])
    router.net.startRouterDaemons(["zebra"])
    router.net.startRouterDaemons(["bgpd"])
    satnet.wait_established(router, {"10.0.0.2": 65002}, SESSION_TIMEOUT)
    _settled(router, "pe1 after zebra's restart")
    assert {v: satnet.ip_json(router, "link show dev " + v)[0]["ifindex"] for v in VRFS} \
        == ifindex, "satnet re-created a VRF device it already had"


def test_vrf_churn_then_no_satnet():
    """after that restart a third VRF added and removed, then `no satnet`
    with the VPN live: zebra stays up and nothing of satnet's is left"""
    router = _pe1()
    out = router.vtysh_multicmd(["configure terminal", "satnet", "vrf v103 table 103"],
                                pretty_output=True)
    assert "%" not in out, out
    satnet.wait_until(
        lambda: None if "v103" in _vrf_devices(router) else "no v103",
        timeout=30, what="vrf v103 made")
    out = router.vtysh_multicmd(["configure terminal", "satnet", "no vrf v103"],
                                pretty_output=True)
    assert "%" not in out, out
    satnet.wait_until(
        lambda: None if "v103" not in _vrf_devices(router) else "v103 still there",
        timeout=30, what="vrf v103 removed")
    assert not router.check_router_running(), "a daemon died removing v103"

    mon = router.cmd_raises(
        "ip -ts monitor link > /tmp/pe1-link-monitor.txt 2>&1 < /dev/null & echo $!").strip()
    router.vtysh_multicmd(["configure terminal", "no satnet"])

    def clean():
        vrfs = _vrf_devices(router)
        if vrfs:
            return "VRF devices left: {}".format(vrfs)
        left = _objects(router)
        if left:
            return "satnet nexthop objects left: {}".format(sorted(left))
        lsps = [l["dst"] for l in satnet.ip_json_routes(router, "-f mpls route show")
                if RANGE[0] <= int(l.get("dst", 0)) <= RANGE[1]]
        if lsps:
            return "LSPs of satnet's range left: {}".format(lsps)
        for _, table in VRFS.values():
            for fam in ("-4", "-6"):
                rest = satnet.ip_json(router, "{} route show table {}".format(fam, table))
                if rest:
                    return "table {} {} not empty: {}".format(table, fam, rest)
        return None

    try:
        satnet.wait_until(clean, timeout=60, what="nothing of satnet's left")
    except AssertionError:
        logger.info("links after no satnet:\n%s", router.cmd("cat /tmp/pe1-link-monitor.txt"))
        _diagnose(router)
        raise
    finally:
        router.cmd("kill {}".format(mon))
    assert not router.check_router_running(), "a daemon died at no satnet"
    assert "satnet" not in router.vtysh_cmd("show running-config", daemon="zebra")
