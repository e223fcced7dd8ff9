// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet-lab: the command line. Each subcommand has its own options and
 * --help; see lab/README.md for the topology schema and examples.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "satnet-lab.h"
#include "sched.h"

#ifndef SATNET_VERSION
#define SATNET_VERSION "unknown"
#endif
#ifndef SATNET_SRCDIR
#define SATNET_SRCDIR ""
#endif

static const char usage_main[] =
	"Usage: satnet-lab [-v] COMMAND [ARGS...]\n"
	"\n"
	"A constellation of satellites running FRR with satnet, from one topology\n"
	"file (JSON; schema in lab/README.md).\n"
	"\n"
	"Commands:\n"
	"  up TOPOLOGY        create the lab (namespaces or containers, links, FRR)\n"
	"  down [NAME]        remove a lab and everything it created\n"
	"  status [NAME]      nodes, daemons, links as the kernel has them (--json)\n"
	"  exec NODE CMD...   run CMD in a node (netns or container)\n"
	"  vtysh NODE [CMD]   FRR's vtysh of a satellite (CMD: one vtysh command)\n"
	"  link LINK ACTION   take a link down/up or change its delay/loss/rate now\n"
	"  schedule [FILE]    apply the contact plan to a running lab (foreground)\n"
	"  run TOPOLOGY       up, wait for the VPN, actions, schedule, down: one go\n"
	"  demo [TOPOLOGY]    run --report on examples/constellation.json\n"
	"  export containerlab TOPOLOGY [-o FILE]   a containerlab topology\n"
	"  config TOPOLOGY [NODE]   print the frr.conf generated for satellites\n"
	"  generate grid PxS [-o FILE]   a +Grid constellation topology (JSON)\n"
	"\n"
	"Options: -v, --verbose (show every command run), -h, --help, --version.\n"
	"`satnet-lab COMMAND --help` describes each command.\n"
	"\n"
	"Where the kernel lacks MPLS, VRF or netem (as on this project's hosts),\n"
	"`up` and `run` re-run themselves inside topotests/vm/run (a throw-away VM).\n";

static const char usage_up[] =
	"Usage: satnet-lab up TOPOLOGY [OPTIONS]\n"
	"\n"
	"Create the lab described by TOPOLOGY: a network namespace (or container)\n"
	"per satellite and ground station, a veth per link with addresses and netem\n"
	"impairments, a generated frr.conf per satellite, FRR started; then wait\n"
	"until ground stations of each VRF reach each other (or, without ground\n"
	"stations, the satellites' loopbacks). State: /run/satnet-lab/NAME/.\n"
	"\n"
	"Options:\n"
	"  --backend netns|podman  netns (default): namespaces, FRR from the host;\n"
	"                          podman: containers from the satellite image\n"
	"  --image IMAGE           podman image (default " PODMAN_IMAGE_DEFAULT ")\n"
	"  --stock                 stock FRR without satnet (baseline): the lab creates\n"
	"                          the VRF devices and MPLS sysctls itself\n"
	"  --moduledir DIR         where zebra/bgpd find satnet's modules\n"
	"  --wait SECONDS          how long to wait for the VPN (default 240)\n"
	"  --no-wait               do not wait\n"
	"  --no-netem              skip link impairments (kernels without sch_netem)\n"
	"  --follow                stay in the foreground: apply the schedule (with\n"
	"                          --schedule), then wait for Ctrl-C or --duration, then\n"
	"                          take the lab down\n"
	"  --schedule[=FILE]       with --follow: the topology's \"schedule\" or FILE's\n"
	"  --duration SECONDS      with --follow: take the lab down after SECONDS\n"
	"  --keep-on-error         leave a failed lab in place (default: roll back)\n"
	"  --native | --vm         never / always use the VM (default: when needed)\n"
	"  --vm-timeout SECONDS    limit for the VM run\n"
	"\n"
	"On a kernel without MPLS/VRF/netem, `up` runs in the VM as `up --follow`:\n"
	"the lab lives as long as the command does and is not reachable from other\n"
	"shells; prefer `run` there.\n";

static const char usage_run[] =
	"Usage: satnet-lab run TOPOLOGY [OPTIONS]\n"
	"       satnet-lab demo [TOPOLOGY] [OPTIONS]\n"
	"\n"
	"Everything in one go (and, where the kernel needs it, in one VM session):\n"
	"up, wait until the VPN pings work both ways (time to the first VPN ping is\n"
	"printed), the actions below in this order, then down. Exit status 0 only if\n"
	"the lab came up, the pings worked and every action succeeded.\n"
	"`demo` is `run --report` on examples/constellation.json by default.\n"
	"\n"
	"Options (and those of `up`: --backend, --stock, --moduledir, --wait, --no-netem,\n"
	"--native, --vm, --vm-timeout, --keep-on-error):\n"
	"  --ping                  wait for the VPN pings (the default; for clarity)\n"
	"  --report                show satnet, show satnet peers, show satnet labels\n"
	"                          from the first and last PE, the hop-by-hop label path\n"
	"                          between the ground stations of each VRF, and each\n"
	"                          satellite's kernel MPLS table\n"
	"  --exec 'NODE CMD'       run CMD (through sh -c) in NODE; repeatable\n"
	"  --vtysh 'NODE CMD'      run a vtysh command on satellite NODE; repeatable\n"
	"  --schedule[=FILE]       apply the topology's schedule (or FILE's), with a\n"
	"                          ping probe every 0.2 s between the first VRF pair\n"
	"                          that reports each outage\n"
	"  --no-probe              no ping probe during the schedule\n"
	"  --hold SECONDS          keep the lab up SECONDS longer before taking it down\n"
	"  --keep                  do not take the lab down at the end (native only)\n";

static const char usage_down[] =
	"Usage: satnet-lab down [NAME] [--all]\n"
	"\n"
	"Remove lab NAME (default: the only lab up): FRR daemons and every process in\n"
	"its namespaces, the namespaces with their veths (or the containers), the FRR\n"
	"directories (/etc/frr/NS, /var/run/frr/NS) and the state dir. Works after a\n"
	"partial or interrupted `up`. --all: every lab.\n";

static const char usage_status[] =
	"Usage: satnet-lab status [NAME] [--json]\n"
	"\n"
	"Nodes with their FRR daemons, and each link's state, delay, jitter, loss and\n"
	"rate as read back from the kernel (link flags and operational state, netem\n"
	"and tbf qdiscs) at both ends. Without NAME: every lab that is up.\n";

static const char usage_exec[] =
	"Usage: satnet-lab exec [-l LAB] NODE CMD [ARG...]\n"
	"\n"
	"Run CMD in NODE (ip netns exec, or podman exec) with the terminal attached;\n"
	"the exit status is CMD's. Example: satnet-lab exec video-server ping 152.0.81.1\n";

static const char usage_vtysh[] =
	"Usage: satnet-lab vtysh [-l LAB] NODE [CMD...]\n"
	"\n"
	"FRR's vtysh of satellite NODE; the words of CMD form one command\n"
	"(satnet-lab vtysh sat1 show satnet peers). Without CMD: interactive.\n";

static const char usage_link[] =
	"Usage: satnet-lab link [-l LAB] LINK down|up|set [--delay MS] [--jitter MS]\n"
	"                       [--loss PCT] [--rate MBIT]\n"
	"\n"
	"Change a link now, at both ends. LINK is an inter-satellite link \"satA-satB\"\n"
	"(either order) or a ground station's name (its link to its satellite).\n"
	"down/up: administrative state (like ip link set); set: netem delay, jitter,\n"
	"loss and the rate limit (unnamed ones keep the kernel's current values;\n"
	"--rate 0 removes the limit).\n";

static const char usage_schedule[] =
	"Usage: satnet-lab schedule [-l LAB] [FILE] [--probe]\n"
	"\n"
	"Apply a contact plan to a running lab, in the foreground: the \"schedule\" of\n"
	"the lab's topology, or of FILE (a list, or an object with \"schedule\"). Each\n"
	"event runs at its t (seconds after this command starts) and is logged as\n"
	"\"t=30.0s link sat1-sat2 down\". --probe: ping between the first pair of\n"
	"ground stations every 0.2 s and report the outages.\n";

static const char usage_export[] =
	"Usage: satnet-lab export containerlab TOPOLOGY [-o FILE] [--image IMAGE]\n"
	"\n"
	"Write a containerlab topology (YAML) with every node (kind linux, the\n"
	"satellite image, frr.conf bound in, sysctls and netem in exec) and link. With\n"
	"-o FILE the satellites' frr.conf are written into NAME-frr/ beside FILE;\n"
	"without, the YAML goes to stdout and no config is written.\n";

static const char usage_generate[] =
	"Usage: satnet-lab generate grid PLANESxSLOTS|N [-o FILE] [--name NAME]\n"
	"       satnet-lab generate walker T/P/F [OPTIONS] [-o FILE] [--name NAME]\n"
	"\n"
	"Write the topology (JSON) of a +Grid constellation: PLANES orbital planes\n"
	"of SLOTS satellites (N alone: a square grid, N = 16, 36, 64, 100...), each\n"
	"linked to its neighbours in its plane and in the adjacent planes, wrapping\n"
	"around every dimension of 3 or more (a torus). Satellites satPPSS,\n"
	"loopbacks 10.255.P.S+1, ISLs /30s from 10.100.0.0, label ranges of 1000\n"
	"per satellite; ground stations src (on sat0000) and dst (on the\n"
	"satellite farthest from it) in VRF video. Default name: gridPxS; output to\n"
	"stdout, or FILE.\n"
	"\n"
	"walker: a Walker delta T/P/F (T satellites in P planes, phasing F) on\n"
	"circular orbits, and its contact plan as the topology's \"schedule\": every\n"
	"step, each ISL's delay (length / c), inter-plane ISLs down above the\n"
	"latitude limit, each ground station's satellite (highest elevation above\n"
	"the mask, with hysteresis) and its handovers. Model: lab/walker.c.\n"
	"  --altitude KM         orbit altitude (default 550)\n"
	"  --inclination DEG     (default 53)\n"
	"  --star                Walker star: planes over 180 deg, no ISLs across the seam\n"
	"  --ground NAME:LAT:LON a ground station (repeatable; VRF video)\n"
	"  --mask DEG            elevation mask of the ground stations (default 25)\n"
	"  --hysteresis DEG      a handover needs this much more elevation (default 10)\n"
	"  --lat-limit DEG       inter-plane ISLs off above this latitude (default 75)\n"
	"  --step S              plan step (default 1)\n"
	"  --duration S          plan length (default 600)\n"
	"  --delay-resolution MS a delay update when a delay moved this much (default 0.05)\n"
	"  --no-bfd              no BFD on the ISLs (default: on)\n"
	"  --drain-lead S        drain scheduled ISL cuts S s ahead (default 3; 0: off)\n"
	"  --plan FILE           the plan into FILE ({\"schedule\": [...]}) instead\n"
	"Satellites satPPSS, addresses as for grid; default name walkerPxS.\n";

static const char usage_config[] =
	"Usage: satnet-lab config TOPOLOGY [NODE] [--stock] [--addresses]\n"
	"\n"
	"Print the frr.conf generated for NODE (default: every satellite).\n"
	"--stock: without the satnet block; --addresses: with `ip address` lines (as\n"
	"exported for containerlab).\n";

static int usage_err(const char *usage)
{
	fputs(usage, stderr);
	return 2;
}

/* ------------------------------------------------------------ lab name */

static int pick_lab(const char *name, char *out)
{
	char names[64][LAB_NAME_MAX];
	int n;

	if (name) {
		snprintf(out, LAB_NAME_MAX, "%s", name);
		return 0;
	}
	n = lab_list(names, 64);
	if (n == 1) {
		snprintf(out, LAB_NAME_MAX, "%s", names[0]);
		return 0;
	}
	if (n == 0)
		errx_("no lab is up (nothing in %s)", STATE_ROOT);
	else {
		char list[1024] = "";

		for (int i = 0; i < n; i++) {
			strncat(list, " ", sizeof(list) - strlen(list) - 1);
			strncat(list, names[i], sizeof(list) - strlen(list) - 1);
		}
		errx_("several labs are up, name one (-l NAME):%s", list);
	}
	return -1;
}

/* ------------------------------------------------------------ the VM */

static char *self_exe(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

static char *find_rel(const char *rel)
{
	const char *env = NULL;
	char *exe = self_exe(), *dir, *p;

	if (!strcmp(rel, "topotests/vm/run"))
		env = getenv("SATNET_VM_RUN");
	if (env && *env) {
		free(exe);
		return xstrdup(env);
	}
	if (SATNET_SRCDIR[0]) {
		p = xasprintf("%s/%s", SATNET_SRCDIR, rel);
		if (access(p, R_OK) == 0) {
			free(exe);
			return p;
		}
		free(p);
	}
	if (exe) {
		dir = dirname(exe);
		for (int up = 0; up < 3; up++) {
			p = xasprintf("%s/%s%s", dir,
				      up == 0 ? "" : up == 1 ? "../" : "../../", rel);
			if (access(p, R_OK) == 0) {
				free(exe);
				return p;
			}
			free(p);
		}
	}
	free(exe);
	if (access(rel, R_OK) == 0)
		return xstrdup(rel);
	return NULL;
}

/* paths the VM covers with a tmpfs: they must be shared to be seen */
static bool hidden_in_vm(const char *p)
{
	static const char *const pre[] = {"/tmp/", "/var/tmp/", "/run/", "/var/run/",
					  "/root/", "/var/log/", "/etc/frr/",
					  "/var/lib/frr/", NULL};

	for (int i = 0; pre[i]; i++)
		if (!strncmp(p, pre[i], strlen(pre[i])))
			return true;
	return false;
}

static void add_share(char **v, int *a, const char *path)
{
	char *rp = realpath(path, NULL), *d;

	if (!rp)
		return;
	d = xstrdup(dirname(rp));
	free(rp);
	if (!hidden_in_vm(d)) {
		free(d);
		return;
	}
	v[(*a)++] = "--share";
	v[(*a)++] = d;
}

struct cmdline {
	int argc;
	char **argv; /* as given, before getopt permuted it */
};

/* Re-run this command inside topotests/vm/run. Never returns on success. */
static int reexec_in_vm(const struct cmdline *cl, const char *missing,
			const char **paths, double timeout, bool add_follow)
{
	char *vmrun = find_rel("topotests/vm/run"), *exe = self_exe();
	char **v = xcalloc(cl->argc + 40, sizeof(char *));
	char tmo[32];
	int a = 0;

	if (!vmrun) {
		errx_("this kernel has no %s, and topotests/vm/run was not found (set SATNET_VM_RUN)",
		      missing);
		return 1;
	}
	say("this kernel has no %s; running inside the VM (topotests/vm/run)", missing);
	snprintf(tmo, sizeof(tmo), "%.0f", timeout);
	v[a++] = vmrun;
	v[a++] = "--timeout";
	v[a++] = tmo;
	add_share(v, &a, exe);
	for (int i = 0; paths[i]; i++)
		add_share(v, &a, paths[i]);
	v[a++] = "--";
	v[a++] = exe;
	if (verbose)
		v[a++] = "-v";
	/* the same arguments: the VM runs in the same cwd (shared), and
	 * files in places the VM hides were shared above */
	for (int i = 1; i < cl->argc; i++) {
		v[a++] = cl->argv[i];
		if (i == 1 && add_follow)
			v[a++] = "--follow";
	}
	v[a++] = "--native";
	v[a] = NULL;
	if (verbose)
		say("+ %s", argv_str(v));
	fflush(stdout);
	execv(vmrun, v);
	errx_("%s: %s", vmrun, strerror(errno));
	return 1;
}

/* ------------------------------------------------------------ up / run */

struct up_args {
	const char *topology;
	enum backend backend;
	enum frr_mode mode;
	const char *image, *moduledir;
	double wait;
	bool no_wait, no_netem, follow, keep_on_error, native, vm, keep;
	bool schedule, report, probe, no_frr;
	const char *schedule_file;
	double speed, drain_lead;
	double duration, hold, vm_timeout;
	char *execs[32];
	int nexecs;
	char *vtyshs[32];
	int nvtyshs;
};

enum {
	O_BACKEND = 1000, O_IMAGE, O_STOCK, O_MODDIR, O_WAIT, O_NOWAIT, O_NONETEM,
	O_FOLLOW, O_SCHED, O_DURATION, O_KEEPERR, O_NATIVE, O_VM, O_VMTMO, O_PING,
	O_REPORT, O_EXEC, O_VTYSH, O_NOPROBE, O_HOLD, O_KEEP, O_PROBE,
	O_SPEED, O_DRAIN, O_NOFRR,
};

static const struct option up_opts_long[] = {
	{"backend", required_argument, NULL, O_BACKEND},
	{"image", required_argument, NULL, O_IMAGE},
	{"stock", no_argument, NULL, O_STOCK},
	{"moduledir", required_argument, NULL, O_MODDIR},
	{"wait", required_argument, NULL, O_WAIT},
	{"no-wait", no_argument, NULL, O_NOWAIT},
	{"no-netem", no_argument, NULL, O_NONETEM},
	{"follow", no_argument, NULL, O_FOLLOW},
	{"schedule", optional_argument, NULL, O_SCHED},
	{"duration", required_argument, NULL, O_DURATION},
	{"keep-on-error", no_argument, NULL, O_KEEPERR},
	{"native", no_argument, NULL, O_NATIVE},
	{"vm", no_argument, NULL, O_VM},
	{"vm-timeout", required_argument, NULL, O_VMTMO},
	{"ping", no_argument, NULL, O_PING},
	{"report", no_argument, NULL, O_REPORT},
	{"exec", required_argument, NULL, O_EXEC},
	{"vtysh", required_argument, NULL, O_VTYSH},
	{"no-probe", no_argument, NULL, O_NOPROBE},
	{"probe", no_argument, NULL, O_PROBE},
	{"speed", required_argument, NULL, O_SPEED},
	{"drain-lead", required_argument, NULL, O_DRAIN},
	{"no-frr", no_argument, NULL, O_NOFRR},
	{"hold", required_argument, NULL, O_HOLD},
	{"keep", no_argument, NULL, O_KEEP},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static bool num_arg(const char *opt, const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end || end == s || *out < 0) {
		errx_("%s: not a number of seconds: %s", opt, s);
		return false;
	}
	return true;
}

static bool speed_arg(const char *s, double *out)
{
	char err[128], *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end || end == s) {
		errx_("--speed: not a number: %s", s);
		return false;
	}
	if (sched_check_speed(*out, err, sizeof(err)) < 0) {
		errx_("%s", err);
		return false;
	}
	return true;
}

/* `cmd` is "up", "run" or "demo". Returns -1 to go on, else an exit code. */
static int parse_up(int argc, char **argv, const char *cmd, struct up_args *u)
{
	bool isrun = strcmp(cmd, "up") != 0;
	const char *usage = isrun ? usage_run : usage_up;
	int c;

	memset(u, 0, sizeof(*u));
	u->wait = 240;
	u->probe = true;
	u->speed = 1;
	u->drain_lead = -1;
	u->report = !strcmp(cmd, "demo");
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", up_opts_long, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'v':
			verbose = 1;
			break;
		case O_BACKEND:
			if (!strcmp(optarg, "netns"))
				u->backend = BACKEND_NETNS;
			else if (!strcmp(optarg, "podman"))
				u->backend = BACKEND_PODMAN;
			else {
				errx_("--backend: netns or podman, not %s", optarg);
				return 2;
			}
			break;
		case O_IMAGE:
			u->image = optarg;
			break;
		case O_STOCK:
			u->mode = MODE_STOCK;
			break;
		case O_MODDIR:
			u->moduledir = optarg;
			break;
		case O_WAIT:
			if (!num_arg("--wait", optarg, &u->wait))
				return 2;
			break;
		case O_NOWAIT:
			u->no_wait = true;
			break;
		case O_NONETEM:
			u->no_netem = true;
			break;
		case O_FOLLOW:
			u->follow = true;
			break;
		case O_SCHED:
			u->schedule = true;
			u->schedule_file = optarg;
			break;
		case O_DURATION:
			if (!num_arg("--duration", optarg, &u->duration))
				return 2;
			break;
		case O_KEEPERR:
			u->keep_on_error = true;
			break;
		case O_NATIVE:
			u->native = true;
			break;
		case O_VM:
			u->vm = true;
			break;
		case O_VMTMO:
			if (!num_arg("--vm-timeout", optarg, &u->vm_timeout))
				return 2;
			break;
		case O_PING:
			break;
		case O_REPORT:
			u->report = true;
			break;
		case O_EXEC:
		case O_VTYSH:
			if (!isrun) {
				errx_("--exec and --vtysh belong to `run`");
				return 2;
			}
			if (!strchr(optarg, ' ')) {
				errx_("%s '%s': give 'NODE COMMAND'", c == O_EXEC ? "--exec" : "--vtysh",
				      optarg);
				return 2;
			}
			if (c == O_EXEC && u->nexecs < 32)
				u->execs[u->nexecs++] = optarg;
			if (c == O_VTYSH && u->nvtyshs < 32)
				u->vtyshs[u->nvtyshs++] = optarg;
			break;
		case O_NOPROBE:
			u->probe = false;
			break;
		case O_PROBE:
			u->probe = true;
			break;
		case O_HOLD:
			if (!num_arg("--hold", optarg, &u->hold))
				return 2;
			break;
		case O_KEEP:
			u->keep = true;
			break;
		case O_SPEED:
			if (!speed_arg(optarg, &u->speed))
				return 2;
			break;
		case O_DRAIN:
			if (!num_arg("--drain-lead", optarg, &u->drain_lead))
				return 2;
			break;
		case O_NOFRR:
			u->no_frr = true;
			u->no_wait = true;
			break;
		default:
			return usage_err(usage);
		}
	}
	if (optind < argc)
		u->topology = argv[optind++];
	if (optind < argc) {
		errx_("unexpected argument %s", argv[optind]);
		return usage_err(usage);
	}
	if (!u->topology && !strcmp(cmd, "demo")) {
		u->topology = find_rel("examples/constellation.json");
		if (!u->topology) {
			errx_("examples/constellation.json not found: give a TOPOLOGY");
			return 2;
		}
	}
	if (!u->topology) {
		errx_("TOPOLOGY is required");
		return usage_err(usage);
	}
	if (!isrun && (u->report || u->hold > 0 || u->keep)) {
		errx_("--report, --hold and --keep belong to `run`");
		return 2;
	}
	if (!isrun && (u->schedule || u->duration > 0) && !u->follow) {
		errx_("--schedule and --duration need --follow (or use `run`)");
		return 2;
	}
	return -1;
}

static int check_kernel(const struct cmdline *cl, struct up_args *u,
			const struct topo *t, bool isrun)
{
	bool mpls, vrf, netem;
	bool nm = topo_needs_mpls(t), nv = topo_needs_vrf(t);
	bool nn = !u->no_netem && topo_needs_netem(t);
	char why[64], missing[64] = "";
	bool in_vm = getenv("SATNET_VM") && !strcmp(getenv("SATNET_VM"), "1");

	knl_capabilities(&mpls, &vrf, &netem, why, sizeof(why));
	if (nm && !mpls)
		strcat(missing, "MPLS");
	if (nv && !vrf)
		strcat(missing, missing[0] ? "/VRF" : "VRF");
	if (nn && !netem)
		strcat(missing, missing[0] ? "/netem" : "netem");
	if (!u->vm && !missing[0])
		return -1;
	if (u->backend == BACKEND_PODMAN) {
		errx_("this kernel has no %s, and containers share it: load the modules on the host, or use the netns backend (which can run in the VM)",
		      missing);
		return 1;
	}
	if (u->native || in_vm) {
		errx_("this kernel has no %s%s", missing,
		      in_vm ? " (even in the VM)" : "; drop --native to run in the VM, or --no-netem if only netem is missing");
		return 1;
	}
	const char *paths[4] = {u->topology, u->schedule_file, u->moduledir, NULL};
	double tmo = u->vm_timeout;

	if (!paths[1])
		paths[1] = paths[2], paths[2] = NULL;
	if (tmo <= 0)
		tmo = 300 + u->wait + u->hold + u->duration +
		      (u->schedule ? topo_schedule_end(t) / u->speed + 30 +
					     (t->drain_lead_s > 0 ? t->drain_deadline_s : 0)
				   : 0);
	if (!isrun && !u->follow) {
		say("in the VM the lab lasts only as long as the command: running `up --follow` there (Ctrl-C or --duration ends it); `satnet-lab run` is the scripted way");
		if (u->duration <= 0 && u->vm_timeout <= 0)
			tmo = 1800;
	}
	if (!missing[0])
		strcpy(missing, "need for it (--vm)");
	return reexec_in_vm(cl, missing, paths, tmo, !isrun && !u->follow);
}

static int run_actions(struct lab *l, struct up_args *u)
{
	int rc = 0;

	for (int i = 0; i < u->nvtyshs; i++) {
		char *s = xstrdup(u->vtyshs[i]), *sp = strchr(s, ' '), *out = NULL;
		struct node *n;

		*sp = '\0';
		n = lab_node(l, s);
		if (!n || !n->sat) {
			errx_("--vtysh: no satellite %s", s);
			rc = 1;
		} else {
			int r = lab_vtysh_capture(l, n, sp + 1, &out);

			printf("\n==> %s# %s\n%s", n->name, sp + 1, out ? out : "");
			if (r) {
				errx_("--vtysh '%s': exit status %d", u->vtyshs[i], r);
				rc = 1;
			}
		}
		free(out);
		free(s);
	}
	for (int i = 0; i < u->nexecs; i++) {
		char *s = xstrdup(u->execs[i]), *sp = strchr(s, ' ');
		struct node *n;

		*sp = '\0';
		n = lab_node(l, s);
		if (!n) {
			errx_("--exec: no node %s", s);
			rc = 1;
		} else {
			printf("\n==> %s$ %s\n", n->name, sp + 1);
			fflush(stdout);
			int r = run_cmdv(n->h.fd, NULL, RUN_QUIET | RUN_STDOUT | RUN_STDERR, "sh",
					 "-c", sp + 1, NULL);

			if (r) {
				errx_("--exec '%s': exit status %d", u->execs[i], r);
				rc = 1;
			}
		}
		free(s);
	}
	fflush(stdout);
	return rc;
}

static int cmd_up(const struct cmdline *cl, int argc, char **argv, const char *cmd)
{
	struct up_args u;
	struct topo *t;
	struct lab l;
	struct up_opts uo;
	bool isrun = strcmp(cmd, "up") != 0;
	double first = -1;
	int rc = parse_up(argc, argv, cmd, &u);

	if (rc >= 0)
		return rc;
	t = topo_load(u.topology);
	if (!t)
		return 2;
	if (u.schedule && u.schedule_file && topo_load_schedule(t, u.schedule_file) < 0) {
		topo_free(t);
		return 2;
	}
	if (u.schedule && !t->nevents)
		warnx_("--schedule: the schedule is empty");
	if (geteuid() != 0) {
		errx_("satnet-lab %s needs root (namespaces, netlink, FRR)", cmd);
		topo_free(t);
		return 2;
	}
	rc = check_kernel(cl, &u, t, isrun);
	if (rc >= 0) {
		topo_free(t);
		return rc;
	}
	install_signals();
	lab_init(&l, t, u.backend, u.mode);
	if (u.image)
		snprintf(l.image, sizeof(l.image), "%s", u.image);
	if (u.moduledir)
		snprintf(l.moduledir, sizeof(l.moduledir), "%s", u.moduledir);
	uo.keep_on_error = u.keep_on_error;
	uo.no_netem = u.no_netem;
	uo.no_frr = u.no_frr;

	rc = lab_up(&l, &uo);
	if (rc == 2) { /* refused before creating anything */
		lab_release(&l);
		return 2;
	}
	if (rc == 0 && !u.no_wait) {
		rc = op_wait_ready(&l, u.wait, &first);
		if (rc == 0 && first >= 0)
			say("first %s after %.1f s from nothing (%.1f s after FRR started)",
			    topo_needs_vrf(t) ? "VPN ping" : "ping", first,
			    first - (l.t_daemons - l.t0));
	}
	if (rc != 0) {
		if (u.keep_on_error) {
			errx_("lab %s failed; left in place (--keep-on-error): `satnet-lab down %s`",
			      t->name, t->name);
		} else {
			errx_("lab %s failed; rolling back", t->name);
			lab_down(&l, false);
		}
		lab_release(&l);
		return rc == 130 ? 130 : 1;
	}
	if (!isrun && !u.follow) {
		say("lab %s is up after %.1f s: satnet-lab status | exec NODE CMD | vtysh NODE CMD | down %s",
		    t->name, now_mono() - l.t0, t->name);
		lab_release(&l);
		return 0;
	}
	/* run / up --follow: actions, schedule, hold, down */
	if (isrun && u.report && op_report(&l) != 0)
		warnx_("the label trace found a problem (see above)");
	if (isrun && run_actions(&l, &u) != 0)
		rc = 1;
	if (u.schedule && !interrupted()) {
		struct sched_opts so = {.probe = isrun && u.probe,
					.speed = u.speed,
					.drain_lead = u.drain_lead};

		if (op_run_schedule(&l, &so) != 0)
			rc = rc ? rc : 1;
	}
	if (u.follow) {
		double end = u.duration > 0 ? l.t0 + u.duration : 0;

		if (!end)
			say("lab %s is up; Ctrl-C takes it down", t->name);
		else
			say("lab %s is up until t=%.0f s", t->name, u.duration);
		while (!interrupted() && (!end || now_mono() < end))
			sleep_s(0.5);
	}
	if (u.hold > 0) {
		say("holding the lab for %.0f s", u.hold);
		double end = now_mono() + u.hold;

		while (!interrupted() && now_mono() < end)
			sleep_s(0.5);
	}
	if (interrupted())
		say("interrupted");
	if (u.keep && !getenv("SATNET_VM")) {
		say("lab %s kept (--keep): satnet-lab down %s", t->name, t->name);
	} else if (lab_down(&l, false) != 0) {
		rc = rc ? rc : 1;
	}
	if (isrun)
		say("run %s: %s; first %s after %.1f s; total %.1f s", t->name,
		    rc == 0 ? "OK" : "FAILED", topo_needs_vrf(t) ? "VPN ping" : "ping",
		    first, now_mono() - l.t0);
	lab_release(&l);
	return interrupted() ? 130 : rc;
}

/* ------------------------------------------------------------ the others */

static int attach(const char *name, struct lab *l)
{
	char ln[LAB_NAME_MAX];

	if (geteuid() != 0) {
		errx_("needs root");
		return 2;
	}
	if (pick_lab(name, ln) < 0)
		return 1;
	return lab_attach(l, ln) < 0 ? 1 : 0;
}

static int cmd_down(int argc, char **argv)
{
	static const struct option lo[] = {{"help", no_argument, NULL, 'h'},
					   {"all", no_argument, NULL, 'a'},
					   {NULL, 0, NULL, 0}};
	bool all = false;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "hva", lo, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_down, stdout);
			return 0;
		} else if (c == 'v') {
			verbose = 1;
		} else if (c == 'a') {
			all = true;
		} else {
			return usage_err(usage_down);
		}
	}
	if (all) {
		char names[64][LAB_NAME_MAX];
		int n = lab_list(names, 64);

		if (!n)
			say("no lab is up");
		for (int i = 0; i < n; i++) {
			struct lab l;

			if (lab_attach(&l, names[i]) < 0) {
				rc = 1;
				continue;
			}
			if (lab_down(&l, false) != 0)
				rc = 1;
			lab_release(&l);
		}
		return rc;
	}
	struct lab l;

	if ((rc = attach(optind < argc ? argv[optind] : NULL, &l)) != 0)
		return rc;
	rc = lab_down(&l, false);
	lab_release(&l);
	return rc;
}

static int cmd_status(int argc, char **argv)
{
	static const struct option lo[] = {{"help", no_argument, NULL, 'h'},
					   {"json", no_argument, NULL, 'j'},
					   {NULL, 0, NULL, 0}};
	bool json = false;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "hvj", lo, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_status, stdout);
			return 0;
		} else if (c == 'v') {
			verbose = 1;
		} else if (c == 'j') {
			json = true;
		} else {
			return usage_err(usage_status);
		}
	}
	if (geteuid() != 0) {
		errx_("needs root");
		return 2;
	}
	char names[64][LAB_NAME_MAX];
	int n;

	if (optind < argc) {
		n = 1;
		snprintf(names[0], LAB_NAME_MAX, "%s", argv[optind]);
	} else {
		n = lab_list(names, 64);
	}
	if (!n) {
		if (json)
			printf("[]\n");
		else
			say("no lab is up");
		return json ? 0 : 1;
	}
	if (json && optind >= argc)
		printf("[\n");
	for (int i = 0; i < n; i++) {
		struct lab l;

		if (lab_attach(&l, names[i]) < 0) {
			rc = 1;
			continue;
		}
		if (!json && i)
			printf("\n");
		if (json && optind >= argc && i)
			printf(",\n");
		op_status(&l, json);
		lab_release(&l);
	}
	if (json && optind >= argc)
		printf("]\n");
	return rc;
}

/* exec/vtysh/link/schedule: [-l LAB] first, then positional words */
static int lab_opt(int argc, char **argv, const char *usage, const char **lab,
		   int *first)
{
	int i = 1;

	*lab = NULL;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-v")) {
			verbose = 1;
			i++;
		} else if ((!strcmp(argv[i], "-l") || !strcmp(argv[i], "--lab")) && i + 1 < argc) {
			*lab = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--lab=", 6)) {
			*lab = argv[i] + 6;
			i++;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			break;
		}
	}
	*first = i;
	return -1;
}

static int cmd_exec(int argc, char **argv, bool vtysh)
{
	const char *usage = vtysh ? usage_vtysh : usage_exec;
	const char *labname;
	struct lab l;
	struct node *n;
	int i, rc = lab_opt(argc, argv, usage, &labname, &i);

	if (rc >= 0)
		return rc;
	if (i >= argc || (!vtysh && i + 1 >= argc))
		return usage_err(usage);
	if ((rc = attach(labname, &l)) != 0)
		return rc;
	n = lab_node(&l, argv[i]);
	if (!n) {
		errx_("lab %s has no node %s", l.topo->name, argv[i]);
		return 2;
	}
	if (vtysh)
		return lab_vtysh(&l, n, argv + i + 1, argc - i - 1, isatty(0) && isatty(1));
	return lab_exec(&l, n, argv + i + 1, isatty(0) && isatty(1));
}

static int cmd_link(int argc, char **argv)
{
	const char *labname;
	struct lab l;
	struct impair imp = {0};
	unsigned int mask = 0;
	enum ev_action a;
	int i, rc = lab_opt(argc, argv, usage_link, &labname, &i);

	if (rc >= 0)
		return rc;
	if (i + 1 >= argc)
		return usage_err(usage_link);
	if (!strcmp(argv[i + 1], "down"))
		a = EV_DOWN;
	else if (!strcmp(argv[i + 1], "up"))
		a = EV_UP;
	else if (!strcmp(argv[i + 1], "set"))
		a = EV_SET;
	else
		return usage_err(usage_link);
	for (int k = i + 2; k < argc; k++) {
		double v;
		const char *o = argv[k];

		if (k + 1 >= argc) {
			errx_("%s needs a value", o);
			return 2;
		}
		if (!num_arg(o, argv[++k], &v))
			return 2;
		if (!strcmp(o, "--delay")) {
			imp.delay_ms = v;
			mask |= IMP_DELAY;
		} else if (!strcmp(o, "--jitter")) {
			imp.jitter_ms = v;
			mask |= IMP_JITTER;
		} else if (!strcmp(o, "--loss") && v <= 100) {
			imp.loss_pct = v;
			mask |= IMP_LOSS;
		} else if (!strcmp(o, "--rate")) {
			imp.rate_mbit = v;
			mask |= IMP_RATE;
		} else {
			return usage_err(usage_link);
		}
	}
	if ((a == EV_SET) != (mask != 0))
		return usage_err(usage_link);
	if ((rc = attach(labname, &l)) != 0)
		return rc;
	rc = op_link(&l, argv[i], a, &imp, mask);
	lab_release(&l);
	return rc;
}

static int cmd_schedule(int argc, char **argv)
{
	const char *labname, *file = NULL;
	struct sched_opts so = {.speed = 1, .drain_lead = -1};
	struct lab l;
	int i, rc = lab_opt(argc, argv, usage_schedule, &labname, &i);

	if (rc >= 0)
		return rc;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--probe")) {
			so.probe = true;
		} else if (!strcmp(argv[i], "--speed") && i + 1 < argc) {
			if (!speed_arg(argv[++i], &so.speed))
				return 2;
		} else if (!strncmp(argv[i], "--speed=", 8)) {
			if (!speed_arg(argv[i] + 8, &so.speed))
				return 2;
		} else if (!strcmp(argv[i], "--drain-lead") && i + 1 < argc) {
			if (!num_arg("--drain-lead", argv[++i], &so.drain_lead))
				return 2;
		} else if (!file && argv[i][0] != '-') {
			file = argv[i];
		} else {
			return usage_err(usage_schedule);
		}
	}
	if ((rc = attach(labname, &l)) != 0)
		return rc;
	if (file && topo_load_schedule(l.topo, file) < 0) {
		lab_release(&l);
		return 2;
	}
	install_signals();
	if (lab_open_nodes(&l, true) < 0) {
		lab_release(&l);
		return 1;
	}
	rc = op_run_schedule(&l, &so);
	lab_release(&l);
	return rc;
}

static int cmd_export(int argc, char **argv)
{
	static const struct option lo[] = {{"help", no_argument, NULL, 'h'},
					   {"output", required_argument, NULL, 'o'},
					   {"image", required_argument, NULL, 'i'},
					   {NULL, 0, NULL, 0}};
	const char *out = NULL, *image = PODMAN_IMAGE_DEFAULT;
	struct topo *t;
	int c, rc;

	while ((c = getopt_long(argc, argv, "hvo:", lo, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_export, stdout);
			return 0;
		} else if (c == 'v') {
			verbose = 1;
		} else if (c == 'o') {
			out = optarg;
		} else if (c == 'i') {
			image = optarg;
		} else {
			return usage_err(usage_export);
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "containerlab") != 0)
		return usage_err(usage_export);
	t = topo_load(argv[optind + 1]);
	if (!t)
		return 2;
	rc = export_containerlab(t, out, image);
	topo_free(t);
	return rc;
}

static int cmd_generate_grid(int argc, char **argv)
{
	static const struct option lo[] = {{"help", no_argument, NULL, 'h'},
					   {"output", required_argument, NULL, 'o'},
					   {"name", required_argument, NULL, 'n'},
					   {NULL, 0, NULL, 0}};
	const char *out = NULL, *name = NULL;
	char defname[32];
	int c, planes, slots;

	while ((c = getopt_long(argc, argv, "hvo:n:", lo, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_generate, stdout);
			return 0;
		} else if (c == 'v') {
			verbose = 1;
		} else if (c == 'o') {
			out = optarg;
		} else if (c == 'n') {
			name = optarg;
		} else {
			return usage_err(usage_generate);
		}
	}
	if (argc - optind != 1)
		return usage_err(usage_generate);
	if (generate_parse_size(argv[optind], &planes, &slots)) {
		errx_("grid size '%s': want PLANESxSLOTS (1-40 each, 2 to 1000 satellites) or a square N",
		      argv[optind]);
		return 2;
	}
	if (!name) {
		snprintf(defname, sizeof(defname), "grid%dx%d", planes, slots);
		name = defname;
	}
	return generate_grid(planes, slots, name, out);
}

/* a number option of generate walker, or a message naming it */
static bool wnum(const char *opt, const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(*out)) {
		errx_("generate walker: %s: not a number: '%s'", opt, s);
		return false;
	}
	return true;
}

/* "NAME:LAT:LON" */
static bool wground(const char *s, struct walker_gs *g)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char num[64];

	memset(g, 0, sizeof(*g));
	if (!c1 || !c2 || (size_t)(c1 - s) >= sizeof(g->name)) {
		errx_("generate walker: --ground '%s': want NAME:LATITUDE:LONGITUDE (degrees; NAME 1-12 characters)",
		      s);
		return false;
	}
	memcpy(g->name, s, c1 - s);
	snprintf(num, sizeof(num), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	if (!wnum("--ground latitude", num, &g->lat_deg) ||
	    !wnum("--ground longitude", c2 + 1, &g->lon_deg))
		return false;
	return true;
}

static int cmd_generate_walker(int argc, char **argv)
{
	enum { W_ALT = 2000, W_INC, W_STAR, W_GROUND, W_MASK, W_HYST, W_LAT,
	       W_STEP, W_DUR, W_RES, W_NOBFD, W_DRAIN, W_PLAN };
	static const struct option lo[] = {
		{"help", no_argument, NULL, 'h'},
		{"output", required_argument, NULL, 'o'},
		{"name", required_argument, NULL, 'n'},
		{"altitude", required_argument, NULL, W_ALT},
		{"inclination", required_argument, NULL, W_INC},
		{"star", no_argument, NULL, W_STAR},
		{"ground", required_argument, NULL, W_GROUND},
		{"mask", required_argument, NULL, W_MASK},
		{"hysteresis", required_argument, NULL, W_HYST},
		{"lat-limit", required_argument, NULL, W_LAT},
		{"step", required_argument, NULL, W_STEP},
		{"duration", required_argument, NULL, W_DUR},
		{"delay-resolution", required_argument, NULL, W_RES},
		{"no-bfd", no_argument, NULL, W_NOBFD},
		{"drain-lead", required_argument, NULL, W_DRAIN},
		{"plan", required_argument, NULL, W_PLAN},
		{NULL, 0, NULL, 0}};
	struct walker_gen g = {.bfd = true, .drain_lead_s = 3};
	struct walker_gs gs[250];
	struct walker_params *p = &g.params;
	char defname[32];
	int c, rc;

	walker_defaults(p);
	p->gs = gs;
	while ((c = getopt_long(argc, argv, "hvo:n:", lo, NULL)) != -1) {
		double *d = NULL;
		const char *opt = NULL;

		switch (c) {
		case 'h':
			fputs(usage_generate, stdout);
			return 0;
		case 'v':
			verbose = 1;
			continue;
		case 'o':
			g.out = optarg;
			continue;
		case 'n':
			g.name = optarg;
			continue;
		case W_STAR:
			p->star = true;
			continue;
		case W_NOBFD:
			g.bfd = false;
			continue;
		case W_PLAN:
			g.plan_out = optarg;
			continue;
		case W_GROUND:
			if (p->ngs >= (int)(sizeof(gs) / sizeof(gs[0]))) {
				errx_("generate walker: --ground: at most %zu ground stations",
				      sizeof(gs) / sizeof(gs[0]));
				return 2;
			}
			if (!wground(optarg, &gs[p->ngs]))
				return 2;
			p->ngs++;
			continue;
		case W_ALT: d = &p->alt_km, opt = "--altitude"; break;
		case W_INC: d = &p->inc_deg, opt = "--inclination"; break;
		case W_MASK: d = &p->mask_deg, opt = "--mask"; break;
		case W_HYST: d = &p->hysteresis_deg, opt = "--hysteresis"; break;
		case W_LAT: d = &p->lat_limit_deg, opt = "--lat-limit"; break;
		case W_STEP: d = &p->step_s, opt = "--step"; break;
		case W_DUR: d = &p->duration_s, opt = "--duration"; break;
		case W_RES: d = &p->delay_res_ms, opt = "--delay-resolution"; break;
		case W_DRAIN: d = &g.drain_lead_s, opt = "--drain-lead"; break;
		default:
			return usage_err(usage_generate);
		}
		if (!wnum(opt, optarg, d))
			return 2;
	}
	if (argc - optind != 1)
		return usage_err(usage_generate);
	if (walker_parse_tpf(argv[optind], p) < 0) {
		errx_("generate walker: '%s': want T/P/F (total satellites / planes / phasing), e.g. 12/3/1",
		      argv[optind]);
		return 2;
	}
	if (g.drain_lead_s < 0 || g.drain_lead_s > 3600) {
		errx_("generate walker: --drain-lead %g s: must be 0 (off) to 3600", g.drain_lead_s);
		return 2;
	}
	if (!g.name) {
		snprintf(defname, sizeof(defname), "walker%dx%d", p->planes,
			 p->planes > 0 ? p->total / p->planes : 0);
		g.name = defname;
	}
	if (strlen(g.name) > 20) {
		errx_("generate walker: --name '%s': at most 20 characters", g.name);
		return 2;
	}
	rc = generate_walker(&g);
	return rc;
}

static int cmd_generate(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_generate, stdout);
		return 0;
	}
	if (argc < 2)
		return usage_err(usage_generate);
	/* the kind is argv[1]: shift it away for getopt */
	if (!strcmp(argv[1], "grid"))
		return cmd_generate_grid(argc - 1, argv + 1);
	if (!strcmp(argv[1], "walker"))
		return cmd_generate_walker(argc - 1, argv + 1);
	errx_("generate: unknown kind '%s' (grid or walker)", argv[1]);
	return usage_err(usage_generate);
}

static int cmd_config(int argc, char **argv)
{
	static const struct option lo[] = {{"help", no_argument, NULL, 'h'},
					   {"stock", no_argument, NULL, 's'},
					   {"addresses", no_argument, NULL, 'a'},
					   {NULL, 0, NULL, 0}};
	struct frrconf_opts fo = {.mode = MODE_SATNET};
	struct topo *t;
	int c, rc = 0, only = -1;

	while ((c = getopt_long(argc, argv, "hv", lo, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_config, stdout);
			return 0;
		} else if (c == 'v') {
			verbose = 1;
		} else if (c == 's') {
			fo.mode = MODE_STOCK;
		} else if (c == 'a') {
			fo.addresses = true;
		} else {
			return usage_err(usage_config);
		}
	}
	if (optind >= argc || argc - optind > 2)
		return usage_err(usage_config);
	t = topo_load(argv[optind]);
	if (!t)
		return 2;
	if (argc - optind == 2 && (only = topo_sat(t, argv[optind + 1])) < 0) {
		errx_("no satellite %s", argv[optind + 1]);
		topo_free(t);
		return 2;
	}
	for (int i = 0; i < t->nsats; i++) {
		char *conf;

		if (only >= 0 && i != only)
			continue;
		conf = frrconf_generate(t, i, &fo);
		if (!conf) {
			rc = 1;
			continue;
		}
		if (only < 0)
			printf("%s######## %s\n", i ? "\n" : "", t->sats[i].name);
		fputs(conf, stdout);
		free(conf);
	}
	topo_free(t);
	return rc;
}

/* The command line in CL (a copy of ARGV that getopt does not permute):
 * the global options, then the subcommand. */
static int run_command(struct cmdline *cl, int argc, char **argv)
{
	const char *cmd;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage_main, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("satnet-lab %s\n", SATNET_VERSION);
			return 0;
		} else {
			errx_("unknown option %s", argv[i]);
			return usage_err(usage_main);
		}
		i++;
	}
	if (i >= argc)
		return usage_err(usage_main);
	cmd = argv[i];
	/* the subcommand sees itself as argv[0] */
	argc -= i;
	argv += i;
	cl->argc -= i - 1;
	cl->argv += i - 1;
	optind = 1;
	if (!strcmp(cmd, "up") || !strcmp(cmd, "run") || !strcmp(cmd, "demo"))
		return cmd_up(cl, argc, argv, cmd);
	if (!strcmp(cmd, "down"))
		return cmd_down(argc, argv);
	if (!strcmp(cmd, "status"))
		return cmd_status(argc, argv);
	if (!strcmp(cmd, "exec"))
		return cmd_exec(argc, argv, false);
	if (!strcmp(cmd, "vtysh"))
		return cmd_exec(argc, argv, true);
	if (!strcmp(cmd, "link"))
		return cmd_link(argc, argv);
	if (!strcmp(cmd, "schedule"))
		return cmd_schedule(argc, argv);
	if (!strcmp(cmd, "export"))
		return cmd_export(argc, argv);
	if (!strcmp(cmd, "generate"))
		return cmd_generate(argc, argv);
	if (!strcmp(cmd, "config"))
		return cmd_config(argc, argv);
	if (!strcmp(cmd, "help")) {
		fputs(usage_main, stdout);
		return 0;
	}
	errx_("unknown command %s", cmd);
	return usage_err(usage_main);
}

int main(int argc, char **argv)
{
	char **copy = xcalloc(argc + 1, sizeof(char *));
	struct cmdline cl = {argc, copy};
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memcpy(copy, argv, argc * sizeof(char *));
	rc = run_command(&cl, argc, argv);
	free(copy);
	return rc;
}
