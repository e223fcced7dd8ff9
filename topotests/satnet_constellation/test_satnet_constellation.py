#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
test_satnet_constellation.py: the 4-satellite BGP/MPLS VPN of
examples/constellation.json, from FRR configuration and satnet alone.

                        152.0.12.0/24             152.0.42.0/24
                       .1   cost 10   .2      .2   cost 10   .1
  video-server ---- sat1 -------------- sat2 -------------- sat4 ---- video-source
  152.0.91.1   eth2 |  eth0          eth0  |  eth2       eth0  |  eth2 152.0.81.1
  [vrf video]       |                  eth1| .1                |       [vrf video]
  ops1 ------- eth3 | eth1 .2      cost 100| 152.0.23.0/24 eth1| .1   eth3 ---- ops4
  152.0.92.1        |                   .2 | eth0              |       152.0.82.1
  [vrf ops]         |   152.0.31.0/24      |     152.0.43.0/24 |       [vrf ops]
                    +------- .1 eth1 --- sat3 --- eth2 .2 -----+
                             cost 100              cost 100

  loopbacks 152.0.0.N (satN); label ranges sat1 1000-1999 ... sat4 4000-4999
  OSPF area 0 + LDP on every ISL; iBGP VPNv4 sat1 <-> sat4 (loopbacks);
  VRF video (table 10, RT 65000:10) and ops (table 20, RT 65000:20) on sat1/sat4

Every ISL is a direct veth pair between the two satellites (no bridge), so
setting one end administratively down takes the carrier away from the
other: both satellites see the ISL fail at once, as with a real cut.  The
OSPF costs make sat1-sat2-sat4 (20) the primary path and sat1-sat3-sat4
(200) the only alternative once sat1-sat2 fails (sat1-sat3-sat2-sat4 costs
210).  OSPF runs point-to-point with hello 1 s / dead 4 s and LDP-IGP sync
(a restored ISL carries traffic only once LDP is up on it); LDP has GTSM
off (`ttl-security disable`): while sync holds a restored ISL at maximum
metric, the LDP session over it reaches the neighbour's loopback in two
hops.

Each satellite's zebra.conf has a `satnet` block that creates its VRF
devices, enslaves the ground interfaces, enables MPLS input on its ISLs,
isolates the VRFs and confines its dynamic labels to its range; the test
creates none of that (no ip link add ... vrf, no sysctl).  Ground stations
are plain hosts: an address and a default route.

Asserted, in order:
 1. VRF devices, tables, members, MPLS input on every ISL (taken away
    behind satnet's back, it comes back) and `show satnet json` on every
    satellite, as configured;
 2. VPN pings both ways (video-source <-> video-server, ops1 <-> ops4), the
    BGP session and the label stacks satnet imposes (FRR's and the
    kernel's view);
 2b. `show satnet routes json` equals `show bgp ipv4 vpn json` route for
    route per RD on both PEs, with labels from the right ranges; the VRF
    view names the RD each route came from and the kernel's label stack
    (checked against `ip -j route`);
 3. labelled packets on sat1's ISL toward sat2 and on transit sat2's ISL
    toward sat4 (tcpdump), with labels from the right satellites' ranges;
 4. VRF isolation: no ground station reaches the other VRF's hosts or any
    satellite core address (loopbacks, ISL addresses); the kernel holds
    the isolation rule and unreachable defaults;
 5. every label in `show mpls table json`, in `show satnet labels json`
    and in the kernel's AF_MPLS table lies in the satellite's own range;
 6. sat1-sat2 fails under a continuous ping (0.2 s): the VPN moves to sat3
    (routes, label stacks, MPLS counters on sat3) and traffic is restored;
    the outage (unanswered sequence numbers x interval) is logged and
    written to isl_failure.json in the results (the raw ping with
    timestamps: video-source/isl_failure.ping);
 7. the ISL comes back: the path returns to sat2 (loss logged to
    isl_recovery.json) and the VPN works both ways.
"""

import json
import os
import re
import sys
import time

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.append(os.path.join(CWD, "../"))

# pylint: disable=C0413
from lib.topogen import Topogen, get_topogen
from lib.topolog import logger
from lib_satnet import satnet

pytestmark = [pytest.mark.bgpd, pytest.mark.ldpd, pytest.mark.ospfd]

# name: loopback, label range, ISL interfaces, VRFs {name: (table, members)}
SATS = {
    "sat1": ("152.0.0.1", (1000, 1999), ("sat1-eth0", "sat1-eth1"),
             {"video": (10, ["sat1-eth2"]), "ops": (20, ["sat1-eth3"])}),
    "sat2": ("152.0.0.2", (2000, 2999), ("sat2-eth0", "sat2-eth1", "sat2-eth2"), {}),
    "sat3": ("152.0.0.3", (3000, 3999), ("sat3-eth0", "sat3-eth1", "sat3-eth2"), {}),
    "sat4": ("152.0.0.4", (4000, 4999), ("sat4-eth0", "sat4-eth1"),
             {"video": (10, ["sat4-eth2"]), "ops": (20, ["sat4-eth3"])}),
}
# ISLs: (a, a's interface, a's address, b, b's interface, b's address)
ISLS = (
    ("sat1", "sat1-eth0", "152.0.12.1", "sat2", "sat2-eth0", "152.0.12.2"),
    ("sat2", "sat2-eth1", "152.0.23.1", "sat3", "sat3-eth0", "152.0.23.2"),
    ("sat3", "sat3-eth1", "152.0.31.1", "sat1", "sat1-eth1", "152.0.31.2"),
    ("sat4", "sat4-eth0", "152.0.42.1", "sat2", "sat2-eth2", "152.0.42.2"),
    ("sat4", "sat4-eth1", "152.0.43.1", "sat3", "sat3-eth2", "152.0.43.2"),
)
# ground stations: satellite, satellite's interface, address, gateway, VRF
GROUND = {
    "video-server": ("sat1", "sat1-eth2", "152.0.91.1", "152.0.91.2", "video"),
    "video-source": ("sat4", "sat4-eth2", "152.0.81.1", "152.0.81.2", "video"),
    "ops1": ("sat1", "sat1-eth3", "152.0.92.1", "152.0.92.2", "ops"),
    "ops4": ("sat4", "sat4-eth3", "152.0.82.1", "152.0.82.2", "ops"),
}
GS_IF = "gs-eth0"  # "video-server-eth0" would exceed IFNAMSIZ
CORE = [s[0] for s in SATS.values()] + [a for l in ISLS for a in (l[2], l[5])]

# The VPN path: the VRF video route of each PE toward the far ground
# station, and its next hop via sat2 (primary) or sat3 (after the failure).
PATHS = {
    "sat1": ("152.0.81.0/24", "sat4",
             {"sat2": ("152.0.12.2", "sat1-eth0"), "sat3": ("152.0.31.1", "sat1-eth1")}),
    "sat4": ("152.0.91.0/24", "sat1",
             {"sat2": ("152.0.42.2", "sat4-eth0"), "sat3": ("152.0.43.2", "sat4-eth1")}),
}
FAILED_ISL = ("sat1", "sat1-eth0", "sat2", "sat2-eth0")
PING_INTERVAL = 0.2

# TCG: OSPF + LDP + BGP from nothing takes a while; these are deadlines
VPN_TIMEOUT = 180
PATH_TIMEOUT = 90


def build_topo(tgen):
    "4 satellites, 5 direct ISLs, 4 ground hosts"
    for name in SATS:
        tgen.add_router(name)
    for a, aif, _, b, bif, _ in ISLS:
        tgen.add_link(tgen.gears[a], tgen.gears[b], aif, bif)
    for name, (sat, satif, addr, gw, _) in GROUND.items():
        tgen.add_host(name, addr + "/24", "via " + gw)
        tgen.add_link(tgen.gears[sat], tgen.gears[name], satif, GS_IF)


def setup_module(mod):
    "Start the topology and each satellite's daemons; hosts are set up by topogen"
    satnet.check_environment()
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()
    satnet.start_configured_routers(tgen, CWD)


def teardown_module(_mod):
    get_topogen().stop_topology()


def _tgen():
    tgen = get_topogen()
    if tgen.has_errors():
        pytest.skip(tgen.errors)
    return tgen


def _in(rng, label):
    return rng[0] <= int(label) <= rng[1]


def _range(sat):
    return SATS[sat][1]


# ---------------------------------------------------------------- 1. provisioning
def _provisioned(router):
    "None when the kernel holds the VRFs and MPLS input of ROUTER's satnet block"
    _, _, isls, vrfs = SATS[router.name]
    links = {l["ifname"]: l for l in satnet.ip_json(router, "-d link show")}
    have = {n for n, l in links.items() if l.get("linkinfo", {}).get("info_kind") == "vrf"}
    if have != set(vrfs):
        return "VRF devices {}, want {}".format(sorted(have), sorted(vrfs))
    for vrf, (table, members) in vrfs.items():
        info = links[vrf]["linkinfo"].get("info_data", {})
        if info.get("table") != table:
            return "{} has table {}, want {}".format(vrf, info.get("table"), table)
        if "UP" not in links[vrf].get("flags", []):
            return "{} is down".format(vrf)
        for m in members:
            if links.get(m, {}).get("master") != vrf:
                return "{} not enslaved to {}: {}".format(m, vrf, links.get(m))
    for i in isls:
        if links.get(i, {}).get("master"):
            return "ISL {} enslaved to {}".format(i, links[i]["master"])
    paths = ["/proc/sys/net/mpls/conf/{}/input".format(i) for i in isls]
    out = router.cmd_raises("grep -H . " + " ".join(paths))
    values = dict(l.rsplit(":", 1) for l in out.split())
    off = [p for p in paths if values.get(p) != "1"]
    if off:
        return "MPLS input off: {}".format(off)
    return None


def _input(router, ifname):
    return router.cmd_raises("cat /proc/sys/net/mpls/conf/{}/input".format(ifname)).strip()


def test_provisioned_from_config():
    "VRF devices, members and MPLS input on every ISL come from the satnet block"
    tgen = _tgen()
    for name in SATS:
        router = tgen.gears[name]
        satnet.wait_until(
            lambda r=router: _provisioned(r), timeout=60, what=name + " provisioned"
        )
    # FRR's framework also turns on MPLS input on every interface of a router
    # running ldpd (once, after the daemons start): take it away on one ISL
    # per satellite, and satnet alone must turn it on again.
    for name, (_, _, isls, _) in SATS.items():
        tgen.gears[name].cmd_raises("sysctl -q -w net.mpls.conf.{}.input=0".format(isls[1]))
    for name, (_, _, isls, _) in SATS.items():
        router = tgen.gears[name]
        satnet.wait_until(
            lambda r=router, i=isls[1]: None if _input(r, i) == "1" else "input 0",
            timeout=45,
            what="{}: satnet turns MPLS input on {} on again".format(name, isls[1]),
        )
    for name, (_, rng, isls, vrfs) in SATS.items():
        router = tgen.gears[name]
        expected = {
            "configured": True,
            "mplsKernel": True,
            "vrfIsolation": True,
            "labelRange": {"start": rng[0], "end": rng[1]},
            "vrfs": [
                {"name": v, "table": t, "members": m, "kernel": {"state": "installed"}}
                for v, (t, m) in vrfs.items()
            ],
            "mplsInterfaces": [
                {"name": i, "mplsInput": True, "kernel": {"state": "installed"}}
                for i in isls
            ],
        }
        satnet.wait_json(router, "show satnet json", expected, timeout=30)
        data = satnet.vtysh_json(router, "show satnet json")
        assert len(data["vrfs"]) == len(vrfs), data["vrfs"]
        assert len(data["mplsInterfaces"]) == len(isls), data["mplsInterfaces"]
        assert data["platformLabels"] > rng[1], data
        assert data["counters"]["kernelErrors"] == 0, data["counters"]


# ---------------------------------------------------------------- 2. VPN
def _ip_pairs(router, args):
    """`ip -j ARGS` as a list of [(key, value), ...] per object: iproute2
    prints an MPLS encap or label swap as a second "dst" key in the same
    JSON object, which a dict would collapse."""
    out = router.cmd_raises("ip -j " + args)
    return json.loads(out, object_pairs_hook=list) if out.strip() else []


def _vrf_route(router, vrf, prefix):
    "The kernel's route for PREFIX in VRF: (gateway, dev, [labels]) or None"
    routes = _ip_pairs(router, "route show vrf {} {}".format(vrf, prefix))
    if len(routes) != 1:
        return None
    pairs = routes[0]
    get = dict(pairs).get
    dsts = [v for k, v in pairs if k == "dst"]
    labels = dsts[1].split("/") if get("encap") == "mpls" and len(dsts) == 2 else []
    return get("gateway"), get("dev"), [int(l) for l in labels]


def _path(name, via):
    """None when PE NAME sends VRF video traffic for the far ground station
    through satellite VIA, in satnet's view and the kernel's, with a label
    stack [VIA's transport label, far PE's VPN label]; else what differs."""
    router = get_topogen().gears[name]
    prefix, far, hops = PATHS[name]
    gw, dev = hops[via]
    want_ranges = [_range(via), _range(far)]

    kernel = _vrf_route(router, "video", prefix)
    if not kernel or kernel[:2] != (gw, dev):
        return "kernel route {} in vrf video: {}, want via {} dev {}".format(
            prefix, kernel, gw, dev
        )
    if len(kernel[2]) != 2 or not all(map(_in, want_ranges, kernel[2])):
        return "kernel label stack {} not from ranges {}".format(kernel[2], want_ranges)

    data = satnet.vtysh_json(router, "show satnet labels vrf video json")
    imps = [i for i in data.get("impositions", []) if i.get("prefix") == prefix]
    if len(imps) != 1:
        return "satnet impositions for {}: {}".format(prefix, imps)
    imp = imps[0]
    vias = [(n.get("via"), n.get("interface")) for n in imp.get("nexthops", [])]
    if vias != [(gw, dev)]:
        return "satnet: {} via {}, want {} {}".format(prefix, vias, gw, dev)
    if imp.get("outLabels") != kernel[2]:
        return "satnet out-labels {} differ from the kernel's {}".format(
            imp.get("outLabels"), kernel[2]
        )
    if imp.get("kernel", {}).get("state") != "installed":
        return "satnet: {} kernel state {}".format(prefix, imp.get("kernel"))
    return None


def _pings(src, dst):
    def check():
        if dst in satnet.reachable(_tgen().gears[src], [dst], count=1, wait=2):
            return None
        return "{} does not reach {}".format(src, dst)

    return check


def test_vpn_ping_both_ways():
    "video-source <-> video-server and ops1 <-> ops4 across the constellation"
    tgen = _tgen()
    satnet.wait_established(tgen.gears["sat1"], {"152.0.0.4": 65000}, VPN_TIMEOUT)
    satnet.wait_established(tgen.gears["sat4"], {"152.0.0.1": 65000}, 60)
    for src, dst in (
        ("video-source", "video-server"),
        ("video-server", "video-source"),
        ("ops1", "ops4"),
        ("ops4", "ops1"),
    ):
        satnet.wait_until(
            _pings(src, GROUND[dst][2]), timeout=VPN_TIMEOUT, what=src + " -> " + dst
        )
    # the primary path: via sat2, label stacks from sat2's and the far PE's range
    for name in PATHS:
        satnet.wait_until(
            lambda n=name: _path(n, "sat2"), timeout=30, what=name + " VPN path via sat2"
        )


def _bgp_vpn_paths(router):
    """{(rd, prefix): sorted [(next hop, valid, best, AS path, MED,
    local-pref, peer)]} from bgpd's own `show bgp ipv4 vpn json`"""
    data = satnet.vtysh_json(router, "show bgp ipv4 vpn json")
    rds = data.get("routes", {}).get("routeDistinguishers", {})
    return {
        (rd, prefix): sorted(
            (
                p["nexthops"][0]["ip"] if p.get("nexthops") else None,
                bool(p.get("valid")),
                bool(p.get("bestpath")),
                p.get("path", ""),
                p.get("metric"),
                p.get("locPrf"),
                "local" if p.get("peerId") == "(unspec)" else p.get("peerId"),
            )
            for p in paths
        )
        for rd, prefixes in rds.items()
        for prefix, paths in prefixes.items()
    }


def _satnet_vpn_paths(router):
    "the same from `show satnet routes json`, and its JSON"
    data = satnet.vtysh_json(router, "show satnet routes json")
    out = {}
    for rd, paths in data.get("routeDistinguishers", {}).items():
        for p in paths:
            out.setdefault((rd, p["prefix"]), []).append(
                (p["nexthop"], p["valid"], p["best"], p["asPath"], p["med"],
                 p["localPref"], p["peer"]))
    for v in out.values():
        v.sort()
    assert data.get("totalPaths") == sum(len(v) for v in out.values()), data
    return out, data


def test_satnet_routes_per_rd():
    """`show satnet routes` holds every VPN route per RD, equal to `show bgp
    ipv4 vpn json` route for route; labels come from the right ranges; the
    VRF view names the RD each route came from and the kernel's stack."""
    tgen = _tgen()
    for name, far in (("sat1", "sat4"), ("sat4", "sat1")):
        router = tgen.gears[name]
        own, far_lo = SATS[name][0], SATS[far][0]

        def same(router=router):
            bgp = _bgp_vpn_paths(router)
            mine, _ = _satnet_vpn_paths(router)
            if not bgp or bgp != mine:
                return "bgp {} != satnet {}".format(bgp, mine)
            return None

        satnet.wait_until(same, timeout=30, what=name + " satnet routes = bgp vpn")
        _, data = _satnet_vpn_paths(router)
        rds = data["routeDistinguishers"]
        # both PEs' RDs of both VRFs, each with its connected ground subnets
        for lo in (own, far_lo):
            for tag in ("10", "20"):
                assert lo + ":" + tag in rds, (name, sorted(rds))
        for p in rds[own + ":10"]:
            assert p["peer"] == "local" and p["receivedLabel"] is None, p
            assert _in(_range(name), p["localLabel"]), p
        for p in rds[far_lo + ":10"]:
            assert p["peer"] == far_lo and p["localLabel"] is None, p
            assert _in(_range(far), p["receivedLabel"]), p
            assert p["best"] and p["valid"] and p["nexthop"] == far_lo, p
            assert "RT:65000:10" in p["extCommunities"], p
        # one RD only
        one = satnet.vtysh_json(router, "show satnet routes rd {}:20 json".format(far_lo))
        assert list(one["routeDistinguishers"]) == [far_lo + ":20"], one

        # the VRF view: imported from the far PE's RD, the kernel's stack
        prefix = PATHS[name][0]
        vrf = satnet.vtysh_json(router, "show satnet routes vrf video json")
        assert vrf.get("tableId") == 10 and vrf.get("kernelError") is None, vrf
        rows = [r for r in vrf["routes"] if r["prefix"] == prefix]
        assert len(rows) == 1, vrf
        row = rows[0]
        assert row["importedFromRd"] == far_lo + ":10", row
        assert _in(_range(far), row["vpnLabel"]), row
        kernel = _vrf_route(router, "video", prefix)
        assert row["kernel"] == "installed", row
        assert row["kernelLabels"] == [kernel[2]], (row, kernel)
        assert kernel[2][-1] == row["vpnLabel"], (row, kernel)
        # zebra's module got the RD over the event-driven feed
        def feed_rd(router=router, prefix=prefix, rd=far_lo + ":10"):
            data = satnet.vtysh_json(router, "show satnet labels vrf video json")
            imps = [i for i in data.get("impositions", []) if i.get("prefix") == prefix]
            if [i.get("rd") for i in imps] != [rd]:
                return "zebra's impositions for {}: {}".format(prefix, imps)
            return None

        satnet.wait_until(feed_rd, timeout=30, what=name + " RD in zebra's labels")
        # while nothing changes the feed does no work: no snapshot runs
        feed = satnet.vtysh_json(router, "show satnet feed json")
        assert feed["connected"] and feed["snapshots"] >= 1, feed
        time.sleep(3)
        again = satnet.vtysh_json(router, "show satnet feed json")
        assert again["snapshots"] == feed["snapshots"], (feed, again)
        assert again["events"] == feed["events"], (feed, again)
        # an unknown VRF is an error that names it
        out = router.vtysh_cmd("show satnet routes vrf nosuch")
        assert "No BGP instance for VRF nosuch" in out, out


# ---------------------------------------------------------------- 3. MPLS on the wire
TCPDUMP_RE = re.compile(r"IP (\S+) > (\S+): ICMP echo (request|reply)")


def _tcpdump_while_pinging(captures, src, dst, npkts=16, timeout=60):
    """Run tcpdump (filter mpls, at most NPKTS packets, TIMEOUT s) on each
    (router, interface) of CAPTURES while SRC pings DST; return
    {(router, interface): [(labels, ip src, ip dst, request|reply)]}."""
    tgen = _tgen()
    procs = {}
    for rname, ifname in captures:
        cmd = ["timeout", str(timeout), "tcpdump", "-l", "-nn", "-i", ifname,
               "-c", str(npkts), "mpls"]
        procs[(rname, ifname)] = tgen.gears[rname].popen(cmd)
    deadline = time.monotonic() + timeout
    try:
        while any(p.poll() is None for p in procs.values()):
            assert time.monotonic() < deadline, "tcpdump did not finish"
            tgen.gears[src].cmd("ping -n -q -c 5 -i {} -W 1 {}".format(PING_INTERVAL, dst))
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
    result = {}
    for key, p in procs.items():
        out, err = p.communicate()
        logger.info("tcpdump on %s %s:\n%s%s", key[0], key[1], out, err)
        pkts = []
        for line in out.splitlines():
            m = TCPDUMP_RE.search(line)
            if m and "MPLS" in line:
                labels = [int(l) for l in re.findall(r"label (\d+)", line)]
                pkts.append((labels, m.group(1), m.group(2), m.group(3)))
        result[key] = pkts
    return result


def _stack_ok(pkts, src, dst, kind, ranges):
    "Some packet SRC > DST of KIND carries exactly one label per range, in order"
    for labels, s, d, k in pkts:
        if (s, d, k) == (src, dst, kind) and len(labels) == len(ranges) and all(
            map(_in, ranges, labels)
        ):
            return True
    return False


def test_mpls_on_isls():
    "the VPN crosses the ISLs labelled: sat1 -> sat2 and transit sat2 -> sat4"
    src, dst = GROUND["video-source"][2], GROUND["video-server"][2]
    caps = _tcpdump_while_pinging(
        [("sat1", "sat1-eth0"), ("sat2", "sat2-eth2")], "video-source", dst
    )
    s1, s2, s4 = _range("sat1"), _range("sat2"), _range("sat4")
    wire = caps[("sat1", "sat1-eth0")]
    # replies leave sat1 toward sat2: [sat2's LDP label, sat4's VPN label]
    assert _stack_ok(wire, dst, src, "reply", [s2, s4]), wire
    # requests arrive from sat2 after PHP: [sat1's VPN label]
    assert _stack_ok(wire, src, dst, "request", [s1]), wire
    wire = caps[("sat2", "sat2-eth2")]
    # transit sat2 <-> sat4: requests [sat2's LDP label, sat1's VPN label],
    # replies after PHP [sat4's VPN label]
    assert _stack_ok(wire, src, dst, "request", [s2, s1]), wire
    assert _stack_ok(wire, dst, src, "reply", [s4]), wire


# ---------------------------------------------------------------- 4. isolation
def test_vrf_isolation():
    "no ground station reaches the other VRF or any satellite core address"
    tgen = _tgen()
    for name, (sat, _, _, gw, vrf) in GROUND.items():
        same = {GROUND[g][2] for g, v in GROUND.items() if v[4] == vrf and g != name}
        other = [a for v in GROUND.values() if v[4] != vrf for a in (v[2], v[3])]
        want = same | {gw}
        reached = satnet.reachable(tgen.gears[name], sorted(want) + other + CORE)
        # the positive control shows the pings work at all
        assert want <= reached, "{} lost its own VRF: reached {}".format(name, reached)
        leaked = reached - want
        assert not leaked, "{} (vrf {}) reached {}".format(name, vrf, sorted(leaked))
    # the kernel state that does it: the local rule after the l3mdev rule,
    # an unreachable default in each satnet VRF table
    for name, (_, _, _, vrfs) in SATS.items():
        if not vrfs:
            continue
        router = tgen.gears[name]
        rules = satnet.ip_json(router, "rule show")
        local = [r.get("priority") for r in rules if r.get("table") == "local"]
        l3mdev = [r.get("priority") for r in rules if "l3mdev" in r]
        assert local and l3mdev and min(local) > max(l3mdev), rules
        for vrf in vrfs:
            routes = satnet.ip_json(router, "route show vrf {} type unreachable".format(vrf))
            assert [r for r in routes if r.get("dst") == "default"], (vrf, routes)


# ---------------------------------------------------------------- 5. label ranges
def _labels_in_range(router):
    name = router.name
    rng = _range(name)
    table = satnet.vtysh_json(router, "show mpls table json")
    owners = {}
    for label, lsp in table.items():
        for nh in lsp.get("nexthops", []):
            owners.setdefault(nh.get("type", "?"), set()).add(int(label))
    frr = {int(l) for l in table}
    want = {"LDP", "BGP"} if SATS[name][3] else {"LDP"}
    if not want <= set(owners):
        return "want {} labels, have {}".format(sorted(want), owners)
    kernel = {
        int([v for k, v in r if k == "dst"][0])
        for r in _ip_pairs(router, "-f mpls route show")
    }
    sat = satnet.vtysh_json(router, "show satnet labels json")
    owned = {e["inLabel"] for e in sat.get("labels", [])}
    bad = {l for l in frr | kernel | owned if not _in(rng, l)}
    if bad:
        return "labels outside {}: {} (FRR {}, kernel {})".format(rng, sorted(bad), owners, kernel)
    if not kernel or owned != kernel or not kernel <= frr:
        return "kernel {} / satnet {} / FRR {} disagree".format(
            sorted(kernel), sorted(owned), sorted(frr)
        )
    states = {e["inLabel"]: e["kernel"]["state"] for e in sat["labels"]}
    if set(states.values()) != {"installed"}:
        return "satnet kernel states: {}".format(states)
    return None


def test_label_ranges():
    "every in-label, in FRR and in the kernel, comes from the satellite's range"
    tgen = _tgen()
    for name in SATS:
        router = tgen.gears[name]
        satnet.wait_until(
            lambda r=router: _labels_in_range(r), timeout=60, what=name + " labels in range"
        )
        used = satnet.vtysh_json(router, "show satnet json")["labelRange"]["used"]
        assert used > 0, name


# ---------------------------------------------------------------- 6. ISL failure
class _Ping:
    """A continuous ping (-D: every reply time-stamped) in the background of a
    ground station; its output goes to the station's log directory.  Bounded
    by a count, not -w: with -w, iputils ping exits at the first ICMP error
    (e.g. a host unreachable while the path changes)."""

    def __init__(self, src, dst, tag, limit=300):
        tgen = _tgen()
        self.node = tgen.gears[src]
        self.dst = dst
        self.file = os.path.join(tgen.logdir, src, tag + ".ping")
        inner = "/tmp/gearlogdir/{}.ping".format(tag)  # the same file, in src's namespace
        out = self.node.cmd_raises(
            "ping -D -n -i {} -W 1 -c {} {} </dev/null >{} 2>&1 & echo $!".format(
                PING_INTERVAL, int(limit / PING_INTERVAL), dst, inner
            )
        )
        self.pid = int(out.split()[-1])
        self.t0 = time.time()

    def replies(self):
        "{icmp_seq: arrival time (s since the epoch)}"
        got = {}
        with open(self.file) as f:
            for line in f:
                m = re.match(r"\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)", line)
                if m and "DUP!" not in line:
                    got.setdefault(int(m.group(2)), float(m.group(1)))
        return got

    def wait_flowing(self, after, n=10, timeout=60, what="ping replies"):
        "Poll until N consecutive sequence numbers answered, all after time AFTER"

        def check():
            r = self.replies()
            seqs = sorted(s for s, t in r.items() if t > after)
            run = 1 if seqs else 0
            for a, b in zip(seqs, seqs[1:]):
                run = run + 1 if b == a + 1 else 1
                if run >= n:
                    return None
            return "{} consecutive replies after t={:.1f} (have {} replies in all)".format(
                run, after, len(r)
            )

        satnet.wait_until(check, timeout=timeout, what=what)

    def stop(self):
        "SIGINT: ping prints its statistics and exits"
        self.node.cmd("kill -INT {} 2>/dev/null".format(self.pid))

        def done():
            with open(self.file) as f:
                return None if "ping statistics" in f.read() else "ping still running"

        satnet.wait_until(done, timeout=15, what="ping stopped")
        return self.replies()


def _outage(replies, t_event):
    """Gaps in the answered sequence numbers around T_EVENT: each run of
    unanswered pings with the replies before and after it."""
    seqs = sorted(replies)
    runs = []
    for a, b in zip(seqs, seqs[1:]):
        if b - a > 1 and replies[b] >= t_event:
            runs.append({
                "lostSeq": [a + 1, b - 1],
                "lost": b - a - 1,
                "lostSeconds": round((b - a - 1) * PING_INTERVAL, 3),
                "lastReplyBefore": round(replies[a] - t_event, 3),
                "firstReplyAfter": round(replies[b] - t_event, 3),
            })
    return {
        "interval": PING_INTERVAL,
        "sent": seqs[-1] - seqs[0] + 1 if seqs else 0,
        "answered": len(seqs),
        "lost": sum(r["lost"] for r in runs),
        "outageSeconds": round(sum(r["lostSeconds"] for r in runs), 3),
        "gaps": runs,
    }


def _record(name, result):
    "Log RESULT and write it to the results directory"
    path = os.path.join(_tgen().logdir, name + ".json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    msg = "{}: {}".format(name, json.dumps(result))
    logger.info(msg)
    print(msg)


def _mpls_counters(router, ifname):
    "(kernel rx, kernel tx, satnet rx, satnet tx) MPLS packets of IFNAME"
    k = satnet.ip_json(router, "stats show dev {} group afstats subgroup mpls".format(ifname))
    stats = k[0]["mpls_stats"]
    s = satnet.vtysh_json(router, "show satnet interfaces json")
    c = [i for i in s["interfaces"] if i["name"] == ifname][0]["counters"]
    return stats["rx"]["packets"], stats["tx"]["packets"], c["rxPackets"], c["txPackets"]


def _dump_state():
    "The forwarding state of the PEs, into the log, when a wait failed"
    tgen = get_topogen()
    for name in PATHS:
        router = tgen.gears[name]
        for cmd in ("ip route show vrf video", "ip route show root 152.0.0.0/16",
                    "ip -f mpls route show", "ip neigh show"):
            logger.info("%s: %s:\n%s", name, cmd, router.cmd(cmd))
        logger.info("%s: show satnet labels:\n%s", name, router.vtysh_cmd("show satnet labels"))


def _carrier_lost(router, ifname):
    link = satnet.ip_json(router, "link show dev " + ifname)[0]
    if "NO-CARRIER" in link.get("flags", []) or link.get("operstate") == "LOWERLAYERDOWN":
        return None
    return "{} still has carrier: {}".format(ifname, link)


def test_isl_failure():
    "sat1-sat2 fails: the VPN moves to sat3, traffic is restored, outage measured"
    tgen = _tgen()
    sat1, sat3 = tgen.gears["sat1"], tgen.gears["sat3"]
    for name in PATHS:
        assert _path(name, "sat2") is None, _path(name, "sat2")
    ping = _Ping("video-source", GROUND["video-server"][2], "isl_failure")
    try:
        ping.wait_flowing(ping.t0, n=5, timeout=30, what="ping before the failure")
        a, aif, b, bif = FAILED_ISL
        t_down = time.time()
        satnet.run(tgen.gears[a], "ip link set {} down".format(aif))
        satnet.wait_until(lambda: _carrier_lost(tgen.gears[b], bif), timeout=15,
                          what="{} loses carrier".format(bif))
        for name in PATHS:
            satnet.wait_until(
                lambda n=name: _path(n, "sat3"), timeout=PATH_TIMEOUT,
                what=name + " VPN path via sat3",
            )
        t_path = time.time()
        ping.wait_flowing(t_path, n=10, timeout=60, what="ping restored via sat3")
        before = _mpls_counters(sat3, "sat3-eth1")
        t_count = time.time()
        ping.wait_flowing(t_count + 1.0, n=10, timeout=60, what="ping still via sat3")
        t_after = time.time()
        after = _mpls_counters(sat3, "sat3-eth1")
    except AssertionError:
        _dump_state()
        raise
    finally:
        replies = ping.stop()
    # every ping answered between the two readings of the counters crossed
    # sat3-eth1 twice, labelled: the request out to sat1, the reply in
    crossed = len([t for t in replies.values() if t_count + 1.0 < t < t_after])
    deltas = [y - x for x, y in zip(before, after)]
    assert crossed > 0 and all(d >= crossed for d in deltas), (
        "sat3-eth1 MPLS packets (kernel rx/tx, satnet rx/tx) grew by {}, "
        "{} replies crossed".format(deltas, crossed)
    )
    result = _outage(replies, t_down)
    # when the test saw the new path (polling granularity: seconds under TCG)
    result["pathSeenAfter"] = round(t_path - t_down, 3)
    result["sat3Eth1MplsPackets"] = dict(
        zip(("kernelRx", "kernelTx", "satnetRx", "satnetTx"), deltas), replies=crossed
    )
    _record("isl_failure", result)
    # restored: the pings answered last come after every gap
    assert result["gaps"] == [] or max(replies) > result["gaps"][-1]["lostSeq"][1], result


# ---------------------------------------------------------------- 7. recovery
def test_isl_recovery():
    "sat1-sat2 comes back: the VPN returns to sat2 and still works both ways"
    tgen = _tgen()
    a, aif, b, bif = FAILED_ISL
    ping = _Ping("video-source", GROUND["video-server"][2], "isl_recovery")
    try:
        ping.wait_flowing(ping.t0, n=5, timeout=30, what="ping before the recovery")
        t_up = time.time()
        satnet.run(tgen.gears[a], "ip link set {} up".format(aif))
        for name in PATHS:
            satnet.wait_until(
                lambda n=name: _path(n, "sat2"), timeout=PATH_TIMEOUT,
                what=name + " VPN path back via sat2",
            )
        t_path = time.time()
        ping.wait_flowing(t_path, n=10, timeout=60, what="ping via sat2 again")
    except AssertionError:
        _dump_state()
        raise
    finally:
        replies = ping.stop()
    result = _outage(replies, t_up)
    result["pathSeenAfter"] = round(t_path - t_up, 3)
    _record("isl_recovery", result)
    for src, dst in (
        ("video-source", "video-server"),
        ("video-server", "video-source"),
        ("ops1", "ops4"),
        ("ops4", "ops1"),
    ):
        satnet.wait_until(_pings(src, GROUND[dst][2]), timeout=30, what=src + " -> " + dst)
    for name in SATS:
        err = tgen.gears[name].check_router_running()
        assert not err, "{}: {}".format(name, err)

