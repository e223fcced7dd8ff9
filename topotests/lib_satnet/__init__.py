#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
lib_satnet: thin glue between satnet's topotests and FRR 8.4's topotest
framework (tests/topotests/lib: topogen, topotest, micronet).

topotests/run-topotests copies this package next to FRR's lib/ and sets:
  SATNET_MODULEDIR  the build tree's .libs (zebra_satnet.so, bgpd_satnet.so)
  SATNET_VTYSH      the build tree's vtysh; PATH finds it first as "vtysh",
                    which is what the framework runs inside every router
  SATNET_BUILDDIR   the build tree
  SATNET_SANITIZER_RUNTIME
                    the ASan runtime preloaded into zebra and bgpd when the
                    modules are sanitized (empty otherwise)

A scenario imports it after FRR's lib (sys.path holds the run directory):

    from lib_satnet import satnet
    satnet.check_environment()
    satnet.start_routers(tgen, CWD)
    satnet.wait_json(r1, "show satnet peers json", {...})
    satnet.wait_ip_json(r1, "-f mpls route show", [{"dst": "100"}])
    # per-router daemon lists; `ip -j` routes with their MPLS label stacks
    satnet.start_routers_each(tgen, CWD, {"pe1": ("zebra", "bgpd"), "p": ("zebra",)})
    satnet.ip_json_routes(r1, "route show table 10")  # [{"encapLabels": [...]}]
    # a foreign BGP speaker (Debian's ExaBGP) in a host: see ExaBGP below
    from lib_satnet import ExaBGP

Rules for scenarios: never sleep-and-hope; poll with a deadline
(wait_json / wait_ip_json / wait_until, built on topotest.run_and_expect);
assert both FRR's view (show ... json) and the kernel's (ip -j ...).
"""

import filecmp
import functools
import json
import os
import re
import shlex
import shutil
import subprocess
import time

from lib import micronet, topotest
from lib.topogen import TopoRouter
from lib.topolog import logger

# Daemons scenarios may start; the ones satnet extends get "-M satnet".
DAEMONS = {
    "zebra": TopoRouter.RD_ZEBRA,
    "staticd": TopoRouter.RD_STATIC,
    "bgpd": TopoRouter.RD_BGP,
    "ospfd": TopoRouter.RD_OSPF,
    "ldpd": TopoRouter.RD_LDP,
    "bfdd": TopoRouter.RD_BFD,
}
SATNET_DAEMONS = ("zebra", "bgpd")

# Poll interval (s).  TCG is slow and noisy: deadlines, not sleeps.
POLL_WAIT = 0.5


class _Satnet:
    """Namespace of helpers (import as `from lib_satnet import satnet`)."""

    # ------------------------------------------------------------ environment
    @property
    def moduledir(self):
        return os.environ.get("SATNET_MODULEDIR", "")

    @property
    def vtysh(self):
        return os.environ.get("SATNET_VTYSH", "")

    def check_environment(self):
        """Fail early and clearly when the substrate is not what the test needs:
        the build tree's modules and vtysh, a kernel with MPLS and VRF."""
        problems = []
        mdir = self.moduledir
        if not mdir:
            problems.append("SATNET_MODULEDIR is not set (run via topotests/run-topotests)")
        else:
            for d in SATNET_DAEMONS:
                so = os.path.join(mdir, "{}_satnet.so".format(d))
                if not os.path.isfile(so):
                    problems.append("missing {}".format(so))
        vt = self.vtysh
        found = shutil.which("vtysh")
        # run-topotests puts a byte-identical copy of the build tree's vtysh
        # first on PATH (on tmpfs: exec from a 9p share is slow in the VM)
        if not vt:
            problems.append("SATNET_VTYSH is not set (run via topotests/run-topotests)")
        elif not found or not filecmp.cmp(found, vt, shallow=False):
            problems.append(
                "vtysh on PATH is {}, not the build tree's {}".format(found, vt)
            )
        if not os.path.isdir("/proc/sys/net/mpls"):
            problems.append("kernel without MPLS routing (/proc/sys/net/mpls missing)")
        # the framework's own test (topogen: hasmpls; MPLS/LDP tests skip
        # without it): the modules must be listed in /proc/modules
        for mod in ("mpls-router", "mpls-iptunnel", "vrf"):
            if not topotest.module_present(mod, load=False):
                problems.append("kernel module {} not loaded".format(mod))
        assert not problems, "satnet topotest environment: " + "; ".join(problems)

    def module_args(self, daemon):
        """Extra daemon arguments that load satnet from the build tree."""
        if daemon not in SATNET_DAEMONS:
            return None
        return "--moduledir {} -M satnet".format(self.moduledir)

    # ------------------------------------------------------------ routers
    def start_routers(self, tgen, confdir, daemons=("zebra", "bgpd")):
        """Load CONFDIR/<router>/<daemon>.conf (empty config if absent) for every
        router, with -M satnet for zebra and bgpd, start them and check that
        every daemon runs (a module that fails to load makes its daemon exit)."""
        for name, router in tgen.routers().items():
            for d in daemons:
                conf = os.path.join(confdir, name, "{}.conf".format(d))
                router.load_config(
                    DAEMONS[d],
                    conf if os.path.isfile(conf) else None,
                    self.module_args(d),
                )
        tgen.start_router()
        self.check_running(tgen.routers())

    def start_configured_routers(self, tgen, confdir):
        """Like start_routers, but each router runs only the daemons it has a
        CONFDIR/<router>/<daemon>.conf for (zebra always): a transit node
        need not run an empty bgpd (every process costs under TCG).  The
        framework's cp/chown/chmod per config file run as one shell per
        router (SATNET_TOPOTESTS_NO_BATCH=1: one process each, as FRR does)."""
        batch = os.environ.get("SATNET_TOPOTESTS_NO_BATCH") != "1"
        for name, router in tgen.routers().items():
            cmds = []
            if batch:
                # loadConf only runs file commands and ignores their output
                router.net.cmd_raises = lambda cmd, **_kw: cmds.append(cmd) or ""
            try:
                for d in DAEMONS:
                    conf = os.path.join(confdir, name, "{}.conf".format(d))
                    if d == "zebra" or os.path.isfile(conf):
                        router.load_config(
                            DAEMONS[d],
                            conf if os.path.isfile(conf) else None,
                            self.module_args(d),
                        )
            finally:
                if batch:
                    del router.net.cmd_raises
            if cmds:
                router.net.cmd_raises(" && ".join(cmds))
        tgen.start_router()
        self.check_running(tgen.routers())

    def start_routers_each(self, tgen, confdir, daemons):
        """start_routers with a daemon list per router: DAEMONS maps each
        router's name to the daemons it runs (e.g. bgpd on the PEs only).
        Every router of the topology must be named."""
        routers = tgen.routers()
        missing = sorted(set(routers) - set(daemons))
        assert not missing, "no daemon list for {}".format(missing)
        for name, router in routers.items():
            for d in daemons[name]:
                conf = os.path.join(confdir, name, "{}.conf".format(d))
                router.load_config(
                    DAEMONS[d],
                    conf if os.path.isfile(conf) else None,
                    self.module_args(d),
                )
        tgen.start_router()
        self.check_running(routers)

    def check_running(self, routers):
        """Every daemon of ROUTERS (name -> router) runs.  In a sanitized run
        the ASan runtime must be mapped into each zebra and bgpd: otherwise
        the sanitized module could not have loaded, or what runs is not it."""
        runtime = os.environ.get("SATNET_SANITIZER_RUNTIME", "")
        runtime = os.path.realpath(runtime) if runtime else ""
        for name, router in routers.items():
            err = router.check_router_running()
            assert not err, "{}: daemons not running: {}".format(name, err)
            if not runtime:
                continue
            for d in SATNET_DAEMONS:
                if router.net.daemons.get(d) != 1:
                    continue
                pid = router.cmd("cat /var/run/frr/{}.pid".format(d)).strip()
                assert pid.isdigit(), "{}: no pid file for {}".format(name, d)
                maps = router.cmd("cat /proc/{}/maps".format(pid))
                assert runtime in maps, "{}: {} (pid {}) has no {} mapped".format(
                    name, d, pid, runtime
                )
                logger.info("%s: %s (pid %s) runs with %s", name, d, pid, runtime)

    def run(self, router, cmds):
        """Run shell commands in ROUTER's namespaces; raise on the first failure."""
        if isinstance(cmds, str):
            cmds = [cmds]
        for c in cmds:
            logger.info("%s: %s", router.name, c)
            router.cmd_raises(c)

    # ------------------------------------------------------------ views
    def vtysh_json(self, router, cmd, daemon=None):
        """`vtysh [-d DAEMON] -c CMD` in ROUTER, parsed ({} if not JSON)."""
        return router.vtysh_cmd(cmd, isjson=True, daemon=daemon)

    def ip_json(self, router, args):
        """`ip -j ARGS` in ROUTER, parsed (iproute2 prints nothing for an
        empty list)."""
        out = router.cmd_raises("ip -j " + args)
        return json.loads(out) if out.strip() else []

    def ip_json_routes(self, router, args):
        """`ip -j ARGS` for IP routes or nexthops, parsed so that MPLS
        encapsulations survive: iproute2 6.1 prints an `encap mpls` label
        stack under a second "dst" key in the same object (json.loads would
        keep only that one).  Here the route's own "dst" stays, and the
        stack is "encapLabels" (a list of ints, outer first)."""
        out = router.cmd_raises("ip -j " + args)
        return json.loads(out, object_pairs_hook=_encap_pairs) if out.strip() else []

    # ------------------------------------------------------------ faults
    def kill9(self, router, daemons):
        """SIGKILL ROUTER's DAEMONS in this order (with ldpd's children), as
        a crash would, and wait until they are gone. Not the framework's
        killRouterDaemons: it checks for core files after each one (~20 s a
        daemon under TCG), and it matches pid files by their position in
        `ls` output: asked for zebra after bgpd it removed zebra's pid file
        while killing bgpd, then killed bgpd again, and a second zebra was
        started beside the first."""
        out = router.cmd_raises(
            "for d in {}; do p=$(cat /var/run/frr/$d.pid); k=$(ps -o pid= --ppid $p); "
            "kill -9 $p $k; echo $p $k; done".format(" ".join(daemons)))
        pids = ",".join(out.split())

        def gone():
            # a killed daemon may stay a zombie until its namespace's init reaps it
            left = router.cmd("ps -o pid=,stat= -p {}".format(pids)).split("\n")
            alive = [l for l in left if l.strip() and not l.split()[1].startswith("Z")]
            return "still running: {}".format(alive) if alive else None

        self.wait_until(gone, timeout=30, what="{}: {} killed".format(router.name, daemons))

    # ------------------------------------------------------------ polling
    def wait_until(self, func, timeout=60, what="condition"):
        """Poll FUNC (returns None when satisfied, else a description of what
        is still wrong) with topotest.run_and_expect, POLL_WAIT s apart, until
        TIMEOUT s of wall-clock time have passed; assert on expiry.  (A try
        itself costs 1-2 s under TCG, so the deadline is real time, not a
        count of tries.)"""
        deadline = time.monotonic() + timeout

        class Expired(Exception):
            pass

        def attempt():
            result = func()
            if result is not None and time.monotonic() >= deadline:
                raise Expired(result)
            return result

        attempt.__name__ = getattr(func, "__name__", None) or getattr(
            getattr(func, "func", None), "__name__", "condition"
        )
        try:
            ok, result = topotest.run_and_expect(
                attempt, None, count=1 << 30, wait=POLL_WAIT
            )
        except Expired as e:
            ok, result = False, e.args[0]
            logger.error("'%s' failed after %s s", attempt.__name__, timeout)
        assert ok, "{} not reached within {} s:\n{}".format(what, timeout, result)

    def json_cmp(self, router, cmd, expected, exact=False):
        """None when `vtysh -c CMD` in ROUTER contains EXPECTED, else the diff
        and the actual output."""
        data = self.vtysh_json(router, cmd)
        diff = topotest.json_cmp(data, expected, exact)
        if diff is None:
            return None
        return "{}actual: {}".format(diff, json.dumps(data, indent=1))

    def wait_json(self, router, cmd, expected, timeout=60, exact=False):
        """Poll `vtysh -c CMD` in ROUTER until its JSON contains EXPECTED
        (topotest.json_cmp: dict keys and list members are matched as subsets
        unless EXACT)."""
        func = functools.partial(self.json_cmp, router, cmd, expected, exact)
        self.wait_until(
            func, timeout, '{}: "{}" matching {}'.format(router.name, cmd, expected)
        )

    def ip_json_cmp(self, router, args, expected, exact=False):
        """None when `ip -j ARGS` in ROUTER contains EXPECTED, else the diff."""
        try:
            data = self.ip_json(router, args)
        except Exception as e:  # pylint: disable=broad-except
            return "ip -j {} failed: {}".format(args, e)
        diff = topotest.json_cmp(data, expected, exact)
        if diff is None:
            return None
        return "{}actual: {}".format(diff, json.dumps(data, indent=1))

    def wait_ip_json(self, router, args, expected, timeout=30, exact=False):
        """Poll `ip -j ARGS` in ROUTER until it contains EXPECTED (json_cmp)."""
        func = functools.partial(self.ip_json_cmp, router, args, expected, exact)
        self.wait_until(
            func, timeout, '{}: "ip -j {}" matching {}'.format(router.name, args, expected)
        )

    def wait_established(self, router, peers, timeout=90):
        """Poll `show satnet peers json` in ROUTER until every peer in PEERS
        ({remote address: remote AS}) is Established."""
        expected = {
            "peers": [
                {"remote": remote, "remoteAs": asn, "state": "Established"}
                for remote, asn in peers.items()
            ]
        }
        self.wait_json(router, "show satnet peers json", expected, timeout)

    # ------------------------------------------------------------ reachability
    def reachable(self, node, addrs, count=2, wait=2):
        """The subset of ADDRS that answer `ping -c COUNT -W WAIT` from NODE
        (a router or a host); all pings run in parallel in one shell, so an
        unreachable address costs WAIT s, not WAIT s per address."""
        script = " ".join(
            "(ping -n -q -c {} -i 0.2 -W {} {} >/dev/null 2>&1 && echo reached {}) &".format(
                count, wait, shlex.quote(a), shlex.quote(a)
            )
            for a in addrs
        )
        out = node.cmd_raises("{} wait".format(script))
        return {l.split()[1] for l in out.splitlines() if l.startswith("reached ")}


def _encap_pairs(pairs):
    "object_pairs_hook for ip_json_routes: a \"dst\" after \"encap\" is a label stack"
    obj = {}
    for key, val in pairs:
        if key == "dst" and obj.get("encap") == "mpls":
            obj["encapLabels"] = [int(l) for l in str(val).split("/") if l]
        elif key not in obj:
            obj[key] = val
        else:
            raise ValueError("ip -j: duplicate key {} in {}".format(key, pairs))
    return obj


satnet = _Satnet()


# ---------------------------------------------------------------- framework speed
# topogen tunes ~20 sysctls on the host and ~20 in every router with two
# processes per variable (sysctl -n, sysctl -w).  Under TCG a process costs
# 0.5-1 s, so that alone took ~90 s of a two-router test.  The same functions
# run here against a stand-in commander that answers the reads from one
# `sysctl -a` and sends all writes in one `sysctl -w`: same values, same log
# lines, 2 processes per node.  SATNET_TOPOTESTS_NO_BATCH=1 turns this off.
class _SysctlBatch:
    def __init__(self, commander):
        self.commander = commander
        self.writes = []
        _, out, _ = commander.cmd_status("sysctl -a", warn=False)
        self.values = {}
        for line in out.splitlines():
            key, sep, val = line.partition(" = ")
            if sep:
                self.values[key.strip()] = val.strip()

    def __str__(self):
        return str(self.commander)

    def cmd_raises(self, cmd, **kwargs):
        c = cmd.strip()
        m = re.match(r"sysctl -n (\S+)$", c)
        if m:
            if m.group(1) not in self.values:
                raise subprocess.CalledProcessError(255, c)
            return self.values[m.group(1)] + "\n"
        m = re.match(r'sysctl -w (\S+)="(.*)"$', c)
        if m:
            self.writes.append("{}={}".format(m.group(1), m.group(2)))
            self.values[m.group(1)] = m.group(2)
            return ""
        return self.commander.cmd_raises(cmd, **kwargs)

    def flush(self):
        if not self.writes:
            return
        cmd = "sysctl -q -w " + " ".join(shlex.quote(w) for w in self.writes)
        rc, _, err = self.commander.cmd_status(cmd, warn=False)
        if rc:
            logger.warning("%s: %s: %s", self.commander, cmd, err.strip())


# ---------------------------------------------------------------- ExaBGP
EXABGP_FILES = os.path.join(os.path.dirname(os.path.realpath(__file__)), "exabgp")


class ExaBGP:
    """Debian's ExaBGP as the opposite router (AS 65002, 10.0.0.2) of a
    satnet PE at 10.0.0.1 (AS 65001), one eBGP VPNv4 session, run in a
    topotest host.  The test hands it API commands (announce / withdraw)
    through a file its "feed" process forwards; everything it receives is
    logged as JSON lines ("log" process).  Files: lib_satnet/exabgp/.

        exa = ExaBGP(tgen.gears["exa"], os.path.join(tgen.logdir, "exa"))
        exa.start(["announce route 172.16.101.0/24 rd 65002:101 label [2001] ..."])
        exa.command("withdraw route ...")
        exa.received()   # the JSON messages, in order
        exa.stop()
    """

    def __init__(self, host, workdir):
        self.host = host
        self.dir = workdir

    @staticmethod
    def build_topo(tgen):
        """The topology of a PE facing ExaBGP: pe1, the host "exa" on the
        WAN link (pe1-eth0 10.0.0.1/30 -- exa-eth0 10.0.0.2/30), and one
        CE host per VRF (ce101 192.168.101.1/24 on pe1-eth1, ce102
        192.168.102.1/24 on pe1-eth2)"""
        tgen.add_router("pe1")
        tgen.add_host("exa", "10.0.0.2/30", "via 10.0.0.1")
        tgen.add_link(tgen.gears["pe1"], tgen.gears["exa"], "pe1-eth0", "exa-eth0")
        for vrf, ifname in (("101", "pe1-eth1"), ("102", "pe1-eth2")):
            tgen.add_host("ce" + vrf, "192.168.{}.1/24".format(vrf),
                          "via 192.168.{}.2".format(vrf))
            tgen.add_link(tgen.gears["pe1"], tgen.gears["ce" + vrf], ifname, "ce-eth0")

    def start(self, commands=()):
        "Write its files (COMMANDS queued first) and start it in the background"
        os.makedirs(self.dir, exist_ok=True)
        for f in ("exa_send.py", "exa_recv.py"):
            shutil.copy(os.path.join(EXABGP_FILES, f), os.path.join(self.dir, f))
        with open(os.path.join(EXABGP_FILES, "exabgp.conf.in")) as src:
            conf = src.read().replace("@DIR@", self.dir)
        with open(os.path.join(self.dir, "exabgp.conf"), "w") as dst:
            dst.write(conf)
        with open(os.path.join(self.dir, "commands"), "w") as f:
            f.writelines(c + "\n" for c in commands)
        open(os.path.join(self.dir, "received.jsonl"), "w").close()
        # root, in the foreground of a background shell, no CLI pipes, a
        # log (the redirections on the subshell: nothing may keep the pipe
        # of cmd_raises open, or it waits for ExaBGP to exit)
        self.host.cmd_raises(
            "(cd {d} && exec env exabgp_daemon_user=root exabgp_daemon_daemonize=false "
            "exabgp_api_cli=false exabgp_log_destination={d}/exabgp.log "
            "exabgp {d}/exabgp.conf) > {d}/exabgp.out 2>&1 < /dev/null & "
            "echo $! > {d}/exabgp.pid".format(d=self.dir)
        )

    def stop(self):
        self.host.cmd("kill $(cat {}/exabgp.pid) 2>/dev/null".format(self.dir))

    def command(self, line):
        "Hand one API command to ExaBGP (its feed process forwards it)"
        logger.info("exabgp <- %s", line)
        with open(os.path.join(self.dir, "commands"), "a") as f:
            f.write(line + "\n")

    def received(self):
        "Every JSON message ExaBGP logged so far (updates, state changes)"
        out = []
        with open(os.path.join(self.dir, "received.jsonl")) as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
        return out


def _batched_fix_netns_limits(ns, _orig=topotest.fix_netns_limits):
    batch = _SysctlBatch(ns)
    _orig(batch)
    batch.flush()


def _batched_fix_host_limits(_orig=topotest.fix_host_limits):
    batch = _SysctlBatch(micronet.Commander("topotest"))
    atleast, assure = topotest.sysctl_atleast, topotest.sysctl_assure
    topotest.sysctl_atleast = lambda c, *a, **k: atleast(c or batch, *a, **k)
    topotest.sysctl_assure = lambda c, *a, **k: assure(c or batch, *a, **k)
    try:
        _orig()
    finally:
        topotest.sysctl_atleast, topotest.sysctl_assure = atleast, assure
        batch.flush()


if os.environ.get("SATNET_TOPOTESTS_NO_BATCH") != "1":
    topotest.fix_netns_limits = _batched_fix_netns_limits
    topotest.fix_host_limits = _batched_fix_host_limits
