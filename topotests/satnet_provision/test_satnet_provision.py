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

Node settings satnet needs but does not own (rp_filter, MPLS input of an
interface that was there before, the local rule) are written when the
configuration asks and differ, put back when it goes, and not forced back
by the periodic reconcile; interfaces named before they exist are
provisioned within a moment of appearing, re-created ones too.
"""

import json
import os
import sys
import time

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
    # Node settings from before satnet, which it must put back when its
    # configuration goes (loose rp_filter: harmless for the tests).
    satnet.run(
        tgen.gears["r1"],
        ["sysctl -w net.ipv4.conf.all.rp_filter=2",
         "sysctl -w net.ipv4.conf.r1-eth0.rp_filter=2"],
    )
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
        ("vrf cust member lo", "loopback"),
        ("vrf cust member cust", "a VRF device cannot be a member of a VRF"),
        ("vrf a/b table 40", "a/b"),
        # a bridge port would be pulled out of its bridge without a word
        ("vrf cust member bp0", "bp0 is a port of bridge br9"),
        # zebra exits when two VRF devices share a table (#12 item 1)
        ("vrf b table 60", "table 60 is already used by VRF device ext9 (not satnet's)"),
    ]
    satnet.run(
        r1,
        ["ip link add br9 type bridge", "ip link add bp0 type veth peer name bp0p",
         "ip link set bp0 master br9", "ip link add ext9 type vrf table 60"],
    )
    for cmd, reason in cases:
        out = r1.vtysh_multicmd(["configure terminal", "satnet", cmd], pretty_output=True)
        assert reason in out, "'{}': want a refusal mentioning '{}', got:\n{}".format(cmd, reason, out)
    assert r1.vtysh_cmd("show running-config", daemon="zebra") == before
    assert not _r1().check_router_running()
    assert _vrf_ok(r1) is None
    assert satnet.ip_json(r1, "link show dev bp0")[0].get("master") == "br9"
    assert not [l for l in satnet.ip_json(r1, "-d link show type vrf") if l["ifname"] == "b"]
    r1.cmd_raises("ip link del ext9")


def _sysctl(router, key):
    return router.cmd_raises("sysctl -n " + key).strip()


def _configure(router, lines):
    out = router.vtysh_multicmd(["configure terminal", "satnet"] + lines, pretty_output=True)
    assert "%" not in out, "{} refused:\n{}".format(lines, out)


def _satnet_if(router, name):
    for i in satnet.vtysh_json(router, "show satnet json").get("mplsInterfaces", []):
        if i.get("name") == name:
            return i
    return {}


def _satnet_vrf(router, name):
    for v in satnet.vtysh_json(router, "show satnet json").get("vrfs", []):
        if v.get("name") == name:
            return v
    return {}


def test_reconcile_leaves_settings_alone():
    """The periodic reconcile writes nothing that does not differ: an
    operator's rp_filter stays his, and the unreachable defaults are not
    re-sent (each re-send is two notifications zebra re-reads)"""
    r1 = _r1()
    pid = r1.cmd_raises(
        "ip -o monitor route < /dev/null > /tmp/r1-satnet-monitor.txt 2>&1 & echo $!"
    ).strip()
    try:
        time.sleep(1)
        satnet.run(
            r1,
            ["sysctl -w net.ipv4.conf.all.rp_filter=2",
             "sysctl -w net.ipv4.conf.r1-eth0.rp_filter=2",
             # drift satnet must repair: a pass ran since
             "sysctl -w net.mpls.platform_labels={}".format(RANGE[1])],
        )
        time.sleep(11)  # the periodic pass runs every 10 s

        def raised():
            n = int(_sysctl(r1, "net.mpls.platform_labels"))
            return None if n > RANGE[1] else "platform_labels is {}".format(n)

        satnet.wait_until(raised, timeout=25, what="a reconcile pass")
        time.sleep(1)
    finally:
        r1.cmd("kill {}".format(pid))
    mon = r1.cmd("cat /tmp/r1-satnet-monitor.txt")
    assert _sysctl(r1, "net.ipv4.conf.all.rp_filter") == "2"
    assert _sysctl(r1, "net.ipv4.conf.r1-eth0.rp_filter") == "2"
    resent = [l for l in mon.splitlines() if "unreachable" in l and "table 10" in l]
    assert not resent, "unreachable defaults re-sent without drift:\n" + mon
    satnet.run(
        r1,
        ["sysctl -w net.ipv4.conf.all.rp_filter=0",
         "sysctl -w net.ipv4.conf.r1-eth0.rp_filter=0"],
    )


def _ms_until(router, cond, cap_ms=9000):
    "ms until shell condition COND holds in ROUTER (polled in the router)"
    out = router.cmd_raises(
        "s=$(date +%s%N); while ! {} ; do sleep 0.05; "
        "[ $(( ($(date +%s%N) - s) / 1000000 )) -gt {} ] && break; done; "
        "echo $(( ($(date +%s%N) - s) / 1000000 ))".format(cond, cap_ms)
    )
    return int(out.strip().splitlines()[-1])


def test_interfaces_provisioned_when_they_appear():
    """Named before they exist: accepted, shown as waiting, provisioned a
    moment after they appear (not at the next 10 s pass), and again when
    re-created -- also under a name zebra.conf configures, which zebra's
    own interface hooks never report"""
    r1 = _r1()
    r1.vtysh_multicmd(["configure terminal", "interface late0", "description satnet test"])
    _configure(r1, ["mpls interface late0", "vrf cust member late1"])
    satnet.wait_until(
        lambda: None
        if _satnet_if(r1, "late0").get("kernel", {}).get("state") == "missing"
        and "waiting for interface late0" in _satnet_if(r1, "late0")["kernel"].get("reason", "")
        and "waiting for member late1" in _satnet_vrf(r1, "cust").get("kernel", {}).get("reason", "")
        else "show satnet: {} {}".format(_satnet_if(r1, "late0"), _satnet_vrf(r1, "cust")),
        timeout=20,
        what="show satnet says it waits for late0 and late1",
    )
    input_on = "[ \"$(cat /proc/sys/net/mpls/conf/late0/input 2>/dev/null)\" = 1 ]"
    r1.cmd_raises("ip link add late1 type veth peer name late1p")
    ms = _ms_until(r1, "ip -o link show dev late1 | grep -q 'master cust'")
    assert ms < 3500, "late1 enslaved only after {} ms".format(ms)
    times = []
    for _ in range(3):
        r1.cmd("ip link del late0 2>/dev/null")
        r1.cmd_raises("ip link add late0 type veth peer name late0p")
        times.append(_ms_until(r1, input_on))
    assert max(times) < 3500, "MPLS input on re-created late0 after {} ms".format(times)
    satnet.wait_json(
        r1,
        "show satnet json",
        {"mplsInterfaces": [{"name": "r1-eth0"},
                            {"name": "late0", "mplsInput": True,
                             "kernel": {"state": "installed"}}],
         "vrfs": [{"name": "cust", "members": ["r1-eth1", "late1"],
                   "kernel": {"state": "installed"}}]},
        timeout=20,
    )
    _configure(r1, ["no mpls interface late0", "no vrf cust member late1"])
    satnet.wait_until(
        lambda: None if _sysctl(r1, "net.mpls.conf.late0.input") == "0"
        and not satnet.ip_json(r1, "link show dev late1")[0].get("master")
        else "late0 input still on or late1 still enslaved",
        timeout=20,
        what="late0/late1 released",
    )


def test_settings_put_back_on_removal():
    """MPLS input that was on before satnet stays on, and rp_filter values
    from before satnet come back, when the configuration goes"""
    r1 = _r1()
    satnet.run(
        r1,
        ["ip link add pre1 type veth peer name pre1p",
         "ip link add pre2 type veth peer name pre2p",
         "sysctl -w net.mpls.conf.pre1.input=1",
         "sysctl -w net.ipv4.conf.pre1.rp_filter=2",
         "sysctl -w net.ipv4.conf.pre2.rp_filter=2"],
    )
    _configure(r1, ["mpls interface pre1", "vrf cust member pre2"])
    satnet.wait_until(
        lambda: None if _sysctl(r1, "net.ipv4.conf.pre1.rp_filter") == "0"
        and _sysctl(r1, "net.ipv4.conf.pre2.rp_filter") == "0"
        and satnet.ip_json(r1, "link show dev pre2")[0].get("master") == "cust"
        else "pre1/pre2 not provisioned",
        timeout=20,
        what="pre1 and pre2 provisioned",
    )
    assert _sysctl(r1, "net.mpls.conf.pre1.input") == "1"
    _configure(r1, ["no mpls interface pre1", "no vrf cust member pre2"])
    satnet.wait_until(
        lambda: None if not satnet.ip_json(r1, "link show dev pre2")[0].get("master")
        and _sysctl(r1, "net.ipv4.conf.pre1.rp_filter") == "2"
        and _sysctl(r1, "net.ipv4.conf.pre2.rp_filter") == "2"
        else "rp_filter pre1 {} pre2 {}".format(
            _sysctl(r1, "net.ipv4.conf.pre1.rp_filter"),
            _sysctl(r1, "net.ipv4.conf.pre2.rp_filter")),
        timeout=20,
        what="pre1/pre2 settings put back",
    )
    assert _sysctl(r1, "net.mpls.conf.pre1.input") == "1", "MPLS input forced off"


def test_adopted_vrf_kept():
    "a VRF device satnet adopted (did not create) stays when it leaves the config"
    r1 = _r1()
    satnet.run(r1, ["ip link add ext5 type vrf table 50", "ip link set ext5 up"])
    ifindex = satnet.ip_json(r1, "link show dev ext5")[0]["ifindex"]
    _configure(r1, ["vrf ext5 table 50 adopt"])
    satnet.wait_json(
        r1, "show satnet json", {"vrfs": [{"name": "cust"},
                                          {"name": "ext5", "kernel": {"state": "installed"}}]},
        timeout=20,
    )
    _configure(r1, ["no vrf ext5"])
    satnet.wait_until(
        lambda: None if not _satnet_vrf(r1, "ext5") else "ext5 still in show satnet",
        timeout=20,
        what="ext5 out of satnet's config",
    )
    time.sleep(2)
    links = satnet.ip_json(r1, "link show dev ext5")
    assert links and links[0]["ifindex"] == ifindex, "adopted vrf ext5 was deleted"
    assert not [r for r in satnet.ip_json(r1, "route show table 50")
                if r.get("type") == "unreachable"], "unreachable default left in table 50"
    assert not _r1().check_router_running()


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
    satnet.kill9(r1, ["zebra"])
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
    # settings from before satnet are back (noted before the zebra restart)
    assert _sysctl(r1, "net.ipv4.conf.all.rp_filter") == "2"
    assert _sysctl(r1, "net.ipv4.conf.r1-eth0.rp_filter") == "2"
    # satnet's unreachable defaults went with the VRF (the table outlives it)
    for fam in ("-4", "-6"):
        left = [r for r in satnet.ip_json(r1, fam + " route show table 10")
                if r.get("type") == "unreachable"]
        assert not left, "unreachable default left in table 10: {}".format(left)
    # satnet's own local-rule move is undone ...
    prefs = [r.get("priority") for r in satnet.ip_json(r1, "rule show")
             if r.get("table") == "local"]
    assert prefs == [0], "local rule at {}".format(prefs)
    # ... and an operator's own isolation, with no satnet block, stays
    satnet.run(r1, ["ip rule add pref 32765 table local", "ip rule del pref 0"])
    time.sleep(12)
    prefs = [r.get("priority") for r in satnet.ip_json(r1, "rule show")
             if r.get("table") == "local"]
    assert prefs == [32765], "operator's local rule moved back: {}".format(prefs)
    assert not r1.check_router_running()
