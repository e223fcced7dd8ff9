#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
test_satnet_provision.py: a node comes up from frr.conf alone.

    ce1 ---- s2 ---- r1 ---- s1 ---- r2
    203.0.113.2   .1 [vrf cust]  198.51.100.1   .2

r1's zebra.conf has the satnet block: label range 1000-1999, VRF `cust`
(table 10) with member r1-eth1, MPLS on r1-eth0. The test creates none of
what satnet owns (no ip link add vrf, no sysctl): it checks that the kernel
holds it and that `show satnet json` says so, that labels from bgpd (label
vpn export auto) and ldpd all lie in the range, that VRF isolation keeps
ce1 away from r1's core address, that an externally deleted VRF device is
repaired, that a zebra restart leaves no duplicate or stale device, that
invalid configuration is refused with a reason and changes nothing, and
that removing the block removes what satnet created.
"""

import json
import os
import sys

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.append(os.path.join(CWD, "../"))

# pylint: disable=C0413
from lib.topogen import Topogen, get_topogen
from lib_satnet import satnet

pytestmark = [pytest.mark.bgpd, pytest.mark.ldpd]

RANGE = (1000, 1999)


def build_topo(tgen):
    "r1 (PE) - r2, and ce1 in r1's VRF cust"
    for name in ("r1", "r2", "ce1"):
        tgen.add_router(name)
    s1 = tgen.add_switch("s1")
    s1.add_link(tgen.gears["r1"])
    s1.add_link(tgen.gears["r2"])
    s2 = tgen.add_switch("s2")
    s2.add_link(tgen.gears["ce1"])
    s2.add_link(tgen.gears["r1"])


def setup_module(mod):
    "Start everything; only non-satnet state is set up by hand"
    satnet.check_environment()
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()
    satnet.start_routers(tgen, CWD, daemons=("zebra", "staticd", "bgpd", "ldpd"))
    # the customer host and the VRF-side address (not satnet's to create)
    satnet.run(
        tgen.gears["ce1"],
        ["ip addr add 203.0.113.2/24 dev ce1-eth0", "ip route add default via 203.0.113.1"],
    )


def teardown_module(_mod):
    get_topogen().stop_topology()


def _tgen():
    tgen = get_topogen()
    if tgen.has_errors():
        pytest.skip(tgen.errors)
    return tgen


def _r1():
    return _tgen().gears["r1"]


def _vrf_ok(router):
    "None when VRF cust is in the kernel as configured, else what is wrong"
    links = satnet.ip_json(router, "-d link show type vrf")
    cust = [l for l in links if l.get("ifname") == "cust"]
    if len(cust) != 1:
        return "want exactly one vrf device cust, have {}".format(
            [l.get("ifname") for l in links]
        )
    info = cust[0].get("linkinfo", {}).get("info_data", {})
    if info.get("table") != 10:
        return "cust has table {}".format(info.get("table"))
    if "UP" not in cust[0].get("flags", []):
        return "cust is down"
    member = satnet.ip_json(router, "link show dev r1-eth1")
    if not member or member[0].get("master") != "cust":
        return "r1-eth1 not enslaved to cust: {}".format(member)
    return None


def test_kernel_provisioned_from_config():
    "VRF device, member, MPLS input, platform_labels: all from the satnet block"
    r1 = _r1()
    satnet.wait_until(lambda: _vrf_ok(r1), timeout=60, what="vrf cust provisioned")
    assert r1.cmd_raises("cat /proc/sys/net/mpls/conf/r1-eth0/input").strip() == "1"
    assert r1.cmd_raises("cat /proc/sys/net/mpls/conf/cust/input").strip() == "1"
    # The framework sets platform_labels (100000) before any daemon starts;
    # take it away and satnet must raise it again to cover the range.
    r1.cmd_raises("sysctl -w net.mpls.platform_labels=0")

    def raised():
        n = int(r1.cmd_raises("cat /proc/sys/net/mpls/platform_labels").strip())
        return None if n >= RANGE[1] + 1 else "platform_labels is {}".format(n)

    satnet.wait_until(raised, timeout=45, what="platform_labels raised to the range")


def test_show_satnet_reports_kernel_state():
    "show satnet json agrees with the kernel"
    satnet.wait_json(
        _r1(),
        "show satnet json",
        {
            "configured": True,
            "mplsKernel": True,
            "labelRange": {"start": RANGE[0], "end": RANGE[1]},
            "vrfs": [
                {"name": "cust", "table": 10, "members": ["r1-eth1"],
                 "kernel": {"state": "installed"}}
            ],
            "mplsInterfaces": [
                {"name": "r1-eth0", "mplsInput": True, "kernel": {"state": "installed"}}
            ],
        },
        timeout=30,
    )
    out = _r1().vtysh_cmd("show yang operational-data /frr-satnet:satnet zebra")
    state = json.loads(out)["frr-satnet:satnet"]["state"]
    assert state["vrf"] == [{"name": "cust", "kernel": "installed"}], state


def _labels_in_range(router):
    table = satnet.vtysh_json(router, "show mpls table json")
    owners = {}
    for label, lsp in table.items():
        owners.setdefault(lsp.get("nexthops", [{}])[0].get("type", "?"), []).append(int(label))
    bad = [l for ls in owners.values() for l in ls if not RANGE[0] <= l <= RANGE[1]]
    if bad:
        return "labels outside {}: {} (all: {})".format(RANGE, bad, owners)
    if "BGP" not in owners or "LDP" not in owners:
        return "want BGP and LDP labels, have {}".format(owners)
    return None


def test_bgp_and_ldp_labels_in_range():
    "label vpn export auto and LDP bindings come from 1000-1999 only"
    r1 = _r1()
    satnet.wait_until(lambda: _labels_in_range(r1), timeout=90, what="BGP+LDP labels")
    # LDP's own view (r2's loopback is a static route, so LDP binds a real
    # label for it): every local binding that is a label is in range
    bindings = satnet.vtysh_json(r1, "show mpls ldp binding json")
    local = [
        b.get("localLabel")
        for b in bindings.get("bindings", [])
        if str(b.get("localLabel", "")).isdigit()
    ]
    assert local, "no LDP local bindings: {}".format(bindings)
    assert all(RANGE[0] <= int(l) <= RANGE[1] for l in local), local
    # the VPN label bgpd exports for vrf cust
    vrf = satnet.vtysh_json(r1, "show bgp vrf cust ipv4 unicast json")
    assert vrf, "no bgp vrf cust"
    used = satnet.vtysh_json(r1, "show satnet json")["labelRange"]["used"]
    assert used > 0


def test_vrf_isolation():
    "ce1 (in vrf cust) reaches its gateway but not r1's core address"
    tgen = _tgen()
    ce1 = tgen.gears["ce1"]
    # the gateway address on the (now enslaved) VRF member: not satnet's
    tgen.gears["r1"].cmd_raises("ip addr replace 203.0.113.1/24 dev r1-eth1")
    satnet.wait_until(
        lambda: None if "1 received" in ce1.cmd("ping -c1 -W1 203.0.113.1") else "no reply",
        timeout=20,
        what="ce1 pings its gateway",
    )
    out = ce1.cmd("ping -c2 -W1 198.51.100.1")
    assert " 0 received" in out, "ce1 reached r1's core address:\n" + out
    out = ce1.cmd("ping -c2 -W1 192.0.2.1")
    assert " 0 received" in out, "ce1 reached r1's loopback:\n" + out


def test_invalid_config_refused():
    "bad input gets a reason, changes nothing, zebra stays up"
    r1 = _r1()
    before = r1.vtysh_cmd("show running-config", daemon="zebra")
    cases = [
        ("label-range 2000 1000", "greater than"),
        ("label-range 1 100", "label-range 1 100"),
        ("label-range 1200 1999", "in use"),
        ("vrf bad table 254", "table 254"),
        ("vrf other table 10", "already belongs to vrf cust"),
        ("vrf r1-eth0 table 30", "not a VRF"),
        ("vrf cust member nosuch0", "no such interface"),
        ("vrf cust member lo", "loopback"),
        ("mpls interface nosuch1", "no such interface"),
        ("vrf a/b table 40", "a/b"),
    ]
    for cmd, reason in cases:
        out = r1.vtysh_multicmd(["configure terminal", "satnet", cmd], pretty_output=True)
        assert reason in out, "'{}': want a refusal mentioning '{}', got:\n{}".format(cmd, reason, out)
    assert r1.vtysh_cmd("show running-config", daemon="zebra") == before
    assert not _r1().check_router_running()
    assert _vrf_ok(r1) is None


def test_external_delete_repaired():
    "a VRF device deleted behind satnet's back comes back"
    r1 = _r1()
    r1.cmd_raises("ip link del cust")
    satnet.wait_until(lambda: _vrf_ok(r1), timeout=45, what="vrf cust repaired")
    satnet.wait_json(
        r1, "show satnet json", {"vrfs": [{"name": "cust", "kernel": {"state": "installed"}}]},
        timeout=30,
    )
    assert satnet.vtysh_json(r1, "show satnet json")["counters"]["repairs"] >= 1


def test_zebra_restart_no_duplicates():
    "zebra killed and restarted: the same device, still satnet's, no stale ones"
    tgen = _tgen()
    r1 = tgen.gears["r1"]
    ifindex = satnet.ip_json(r1, "link show dev cust")[0]["ifindex"]
    r1.net.killRouterDaemons(["zebra"])
    # the kernel keeps forwarding state while zebra is away
    assert _vrf_ok(r1) is None
    r1.net.startRouterDaemons(["zebra"])
    satnet.wait_json(
        r1, "show satnet json", {"vrfs": [{"name": "cust", "kernel": {"state": "installed"}}]},
        timeout=60,
    )
    assert _vrf_ok(r1) is None
    assert satnet.ip_json(r1, "link show dev cust")[0]["ifindex"] == ifindex, \
        "satnet re-created a device it already had"


def test_config_removal_cleans_up():
    "no satnet removes the VRF device and MPLS input it set, nothing else"
    r1 = _r1()
    r1.vtysh_multicmd(["configure terminal", "no satnet"])
    satnet.wait_until(
        lambda: None
        if not [l for l in satnet.ip_json(r1, "-d link show type vrf") if l["ifname"] == "cust"]
        else "vrf cust still there",
        timeout=30,
        what="vrf cust removed",
    )
    assert r1.cmd_raises("cat /proc/sys/net/mpls/conf/r1-eth0/input").strip() == "0"
    # the interfaces themselves are untouched
    assert satnet.ip_json(r1, "link show dev r1-eth1"), "r1-eth1 vanished"
    out = r1.vtysh_cmd("show running-config", daemon="zebra")
    assert "satnet" not in out
    assert not r1.check_router_running()
