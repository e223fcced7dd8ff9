#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
test_satnet_smoke.py: the substrate works end to end.

    r1 (192.0.2.1) r1-eth0 ---- s1 ---- r2-eth0 r2 (192.0.2.2)
           198.51.100.1/24              198.51.100.2/24

Both routers run Debian's zebra and bgpd with satnet loaded from the BUILD
tree (--moduledir $SATNET_MODULEDIR -M satnet) and are queried through the
build tree's vtysh; iBGP AS 65000 with address-family ipv4 vpn.  r1's
zebra.conf has a `satnet` block (label-range 1000 1999).  The test itself
creates a VRF (vrf-cust, table 10) and an MPLS label route (100, swap to
200) in r1's namespace: FRR 8.4 creates neither; later scenarios replace this
with satnet configuration.  That proves the kernel (MPLS + VRF, i.e. the VM
when the host kernel lacks them), the modules, the rebuilt vtysh and FRR's
topotest framework together.
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

pytestmark = [pytest.mark.bgpd]

ROUTERS = ("r1", "r2")
PEERS = {"r1": "198.51.100.2", "r2": "198.51.100.1"}


def build_topo(tgen):
    "r1 and r2 on one switch"
    for name in ROUTERS:
        tgen.add_router(name)
    s1 = tgen.add_switch("s1")
    for name in ROUTERS:
        s1.add_link(tgen.gears[name])


def setup_module(mod):
    "Start the topology, the daemons with satnet, and r1's kernel state"
    satnet.check_environment()
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()
    satnet.start_routers(tgen, CWD, daemons=("zebra", "bgpd"))

    # kernel state nothing in FRR 8.4 creates (the framework's startRouter set
    # platform_labels to 100000 before the daemons started; raise it to the max)
    satnet.run(
        tgen.gears["r1"],
        [
            "sysctl -w net.mpls.platform_labels=1048575",
            "ip link add vrf-cust type vrf table 10",
            "ip link set vrf-cust up",
            "ip -f mpls route add 100 as 200 via inet 198.51.100.2 dev r1-eth0",
        ],
    )


def teardown_module(_mod):
    "Stop everything"
    get_topogen().stop_topology()


def _tgen():
    # cheap: an earlier failure skips the rest (run-topotests fails on skips);
    # whether the daemons still run is checked once, in the last test (each
    # routers_have_failure() costs a vtysh per router, 1-2 s under TCG)
    tgen = get_topogen()
    if tgen.has_errors():
        pytest.skip(tgen.errors)
    return tgen


def _reference(rname, fname):
    with open(os.path.join(CWD, rname, fname)) as f:
        return json.load(f)


def test_modules_loaded_from_build_tree():
    "zebra and bgpd on both routers list satnet, loaded from SATNET_MODULEDIR"
    tgen = _tgen()
    moddir = os.path.realpath(satnet.moduledir)
    for rname in ROUTERS:
        router = tgen.gears[rname]
        for daemon in ("zebra", "bgpd"):
            out = router.vtysh_cmd("show modules", daemon=daemon)
            names = [l.split()[0] for l in out.splitlines() if l and not l[0].isspace()]
            assert "satnet" in names, "{} {}: satnet not in show modules:\n{}".format(
                rname, daemon, out
            )
            sofile = "{}/{}_satnet.so".format(moddir, daemon)
            assert "from: " + sofile in out, "{} {}: satnet not loaded from {}:\n{}".format(
                rname, daemon, sofile, out
            )


def test_bgp_vpn_session_established():
    "show satnet peers json: the iBGP VPNv4 session is Established on both"
    tgen = _tgen()
    for rname in ROUTERS:
        satnet.wait_json(
            tgen.gears[rname],
            "show satnet peers json",
            _reference(rname, "show_satnet_peers.json"),
            timeout=90,
        )
    # the session really carries VPNv4 (bgpd's own view agrees)
    for rname in ROUTERS:
        summary = satnet.vtysh_json(tgen.gears[rname], "show bgp ipv4 vpn summary json")
        peer = summary.get("peers", {}).get(PEERS[rname], {})
        assert peer.get("state") == "Established", "{}: {}".format(rname, summary)


def test_show_satnet_summary():
    "show satnet json: r1 has the configured label range; both saw kernel MPLS"
    tgen = _tgen()
    for rname in ROUTERS:
        satnet.wait_json(
            tgen.gears[rname],
            "show satnet json",
            _reference(rname, "show_satnet.json"),
            timeout=30,
        )


def test_running_config_roundtrip():
    "the rebuilt vtysh shows r1's satnet block in the running config"
    tgen = _tgen()
    out = tgen.gears["r1"].vtysh_cmd("show running-config")
    block = "satnet\n label-range 1000 1999\nexit\n"
    assert block in out, "satnet block missing from r1's running config:\n" + out


def test_kernel_mpls_route():
    "ip -j -f mpls route: r1's kernel holds label 100 (swap to 200)"
    tgen = _tgen()
    r1 = tgen.gears["r1"]
    satnet.wait_ip_json(
        r1,
        "-f mpls route show",
        [
            {
                "dst": "100",
                "to": "200",
                "via": {"family": "inet", "host": "198.51.100.2"},
                "dev": "r1-eth0",
            }
        ],
    )
    labels = r1.cmd_raises("sysctl -n net.mpls.platform_labels").strip()
    assert labels == "1048575", "platform_labels is {}".format(labels)


def test_kernel_vrf():
    "ip -j -d link show type vrf: vrf-cust with table 10 in r1, none in r2"
    tgen = _tgen()
    satnet.wait_ip_json(
        tgen.gears["r1"],
        "-d link show type vrf",
        [{"ifname": "vrf-cust", "linkinfo": {"info_kind": "vrf", "info_data": {"table": 10}}}],
    )
    assert satnet.ip_json(tgen.gears["r2"], "link show type vrf") == []


def test_daemons_still_running():
    "no daemon crashed or exited during the test"
    tgen = get_topogen()
    for rname in ROUTERS:
        err = tgen.gears[rname].check_router_running()
        assert not err, "{}: {}".format(rname, err)


if __name__ == "__main__":
    args = ["-s"] + sys.argv[1:]
    sys.exit(pytest.main(args))
