// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lab.c: bringing a constellation up and down, with two backends.
 *
 *   netns   one network namespace per node, "<lab>-<node>"; FRR's daemons
 *           run in the satellites' namespaces with pathspace -N <lab>-<sat>
 *           (/etc/frr/<ns>/frr.conf, /var/run/frr/<ns>/).
 *   podman  one container per node from the satellite image, created with
 *           --network none --privileged; its entrypoint waits for the
 *           interfaces listed in SATNET_WAIT_IFS, which the lab wires into
 *           the container's namespace (found through its pid).
 *
 * The order is the one FRR 8.4 needs: all interfaces and addresses exist
 * before zebra starts (zebra can miss addresses added while it starts),
 * and zebra's part of frr.conf (the satnet block: label range, VRFs) is
 * applied before ldpd and bgpd ask for labels.
 *
 * The state dir /run/satnet-lab/<lab>/ holds a copy of the topology and
 * state.json; it is written before anything is created, so `down` can
 * remove what a failed or interrupted `up` left behind.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "satnet-lab.h"

#define FRR_BIN "/usr/lib/frr"
#define FRR_RUN "/var/run/frr"
#define FRR_ETC "/etc/frr"
/*
 * zebra's netlink receive buffer (zebra -s), as Debian's /etc/frr/daemons
 * and FRR's topotests give it. Without -s zebra asks for 4 MB (8 MB
 * counted by the kernel): a few thousand route notifications, which
 * other daemons' route writes (or the kernel's, when a link with many
 * routes goes down) can queue while zebra's main thread is busy, and
 * zebra exits when its listen socket overruns ("recvmsg overrun"). The
 * kernel only charges what is queued.
 */
#define ZEBRA_RCVBUF "90000000"

static const char *frr_bin(void)
{
	const char *e = getenv("SATNET_FRR_DIR");

	return e && *e ? e : FRR_BIN;
}

int lab_init(struct lab *l, struct topo *t, enum backend be, enum frr_mode m)
{
	memset(l, 0, sizeof(*l));
	l->topo = t;
	l->backend = be;
	l->mode = m;
	snprintf(l->image, sizeof(l->image), "%s", PODMAN_IMAGE_DEFAULT);
	snprintf(l->statedir, sizeof(l->statedir), "%s/%s", STATE_ROOT, t->name);
	l->t0 = now_mono();
	l->nnodes = t->nsats + t->ngrounds;
	l->nodes = xcalloc(l->nnodes, sizeof(*l->nodes));
	for (int i = 0; i < l->nnodes; i++) {
		struct node *n = &l->nodes[i];

		n->sat = i < t->nsats;
		n->idx = n->sat ? i : i - t->nsats;
		snprintf(n->name, sizeof(n->name), "%s",
			 n->sat ? t->sats[n->idx].name : t->grounds[n->idx].name);
		snprintf(n->ns, sizeof(n->ns), "%s-%s", t->name, n->name);
		n->h.fd = -1;
	}
	return 0;
}

void lab_release(struct lab *l)
{
	for (int i = 0; i < l->nnodes; i++)
		if (l->nodes[i].open)
			knl_close(&l->nodes[i].h);
	free(l->nodes);
	l->nodes = NULL;
	topo_free(l->topo);
	l->topo = NULL;
}

struct node *lab_node(struct lab *l, const char *name)
{
	for (int i = 0; i < l->nnodes; i++)
		if (!strcmp(l->nodes[i].name, name))
			return &l->nodes[i];
	return NULL;
}

struct node *lab_sat_node(struct lab *l, int sat)
{
	return &l->nodes[sat];
}

struct node *lab_ground_node(struct lab *l, int g)
{
	return &l->nodes[l->topo->nsats + g];
}

/* ------------------------------------------------------------ state */

int lab_write_state(struct lab *l, const char *phase)
{
	struct json_object *o = json_object_new_object(), *nodes;
	char *path = xasprintf("%s/state.json", l->statedir);
	int rc;

	json_object_object_add(o, "name", json_object_new_string(l->topo->name));
	json_object_object_add(o, "backend", json_object_new_string(
		l->backend == BACKEND_PODMAN ? "podman" : "netns"));
	json_object_object_add(o, "mode", json_object_new_string(
		l->mode == MODE_STOCK ? "stock" : "satnet"));
	json_object_object_add(o, "image", json_object_new_string(l->image));
	json_object_object_add(o, "topology", json_object_new_string(l->topo->path));
	json_object_object_add(o, "phase", json_object_new_string(phase));
	json_object_object_add(o, "started", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	nodes = json_object_new_array();
	for (int i = 0; i < l->nnodes; i++) {
		struct json_object *n = json_object_new_object();

		json_object_object_add(n, "name", json_object_new_string(l->nodes[i].name));
		json_object_object_add(n, "kind", json_object_new_string(
			l->nodes[i].sat ? "satellite" : "ground"));
		json_object_object_add(n, l->backend == BACKEND_PODMAN ? "container" : "netns",
				       json_object_new_string(l->nodes[i].ns));
		json_object_object_add(n, "created", json_object_new_boolean(l->nodes[i].created));
		json_object_array_add(nodes, n);
	}
	json_object_object_add(o, "nodes", nodes);
	rc = write_file(path, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY), 0644);
	if (rc < 0)
		errx_("write %s: %s", path, strerror(errno));
	json_object_put(o);
	free(path);
	return rc;
}

int lab_list(char names[][LAB_NAME_MAX], int max)
{
	DIR *d = opendir(STATE_ROOT);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s/state.json", STATE_ROOT, e->d_name);
		if (access(p, R_OK) == 0 && strlen(e->d_name) < LAB_NAME_MAX)
			snprintf(names[n++], LAB_NAME_MAX, "%s", e->d_name);
		free(p);
	}
	closedir(d);
	return n;
}

int lab_attach(struct lab *l, const char *name)
{
	char *dir = xasprintf("%s/%s", STATE_ROOT, name);
	char *sp = xasprintf("%s/state.json", dir), *tp = xasprintf("%s/topology.json", dir);
	struct json_object *st = json_object_from_file(sp), *v;
	enum backend be = BACKEND_NETNS;
	enum frr_mode m = MODE_SATNET;
	struct topo *t;
	int rc = -1;

	if (!st) {
		errx_("no lab \"%s\" (no %s)", name, sp);
		goto out;
	}
	if (json_object_object_get_ex(st, "backend", &v) &&
	    !strcmp(json_object_get_string(v), "podman"))
		be = BACKEND_PODMAN;
	if (json_object_object_get_ex(st, "mode", &v) &&
	    !strcmp(json_object_get_string(v), "stock"))
		m = MODE_STOCK;
	t = topo_load(tp);
	if (!t) {
		errx_("cannot read the lab's topology copy %s", tp);
		goto out;
	}
	lab_init(l, t, be, m);
	if (json_object_object_get_ex(st, "image", &v))
		snprintf(l->image, sizeof(l->image), "%s", json_object_get_string(v));
	/* which nodes this lab created (a failed `up` may have stopped
	 * before some, or met a namespace that was someone else's) */
	for (int i = 0; i < l->nnodes; i++)
		l->nodes[i].created = true;
	if (json_object_object_get_ex(st, "nodes", &v) &&
	    json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *jn = json_object_array_get_idx(v, i), *x, *c;
			struct node *n;

			if (json_object_object_get_ex(jn, "name", &x) &&
			    (n = lab_node(l, json_object_get_string(x))) &&
			    json_object_object_get_ex(jn, "created", &c))
				n->created = json_object_get_boolean(c);
		}
	}
	rc = 0;
out:
	if (st)
		json_object_put(st);
	free(dir);
	free(sp);
	free(tp);
	return rc;
}

/* ------------------------------------------------------------ namespaces */

static int container_pid(const char *name, bool quiet)
{
	char *out = NULL;
	int rc = run_cmdv(-1, &out, quiet ? RUN_QUIET : 0, "podman", "inspect",
			  "-f", "{{.State.Pid}}", name, NULL);
	int pid = rc == 0 ? atoi(out) : -1;

	free(out);
	return pid > 0 ? pid : -1;
}

static int node_nsfd(struct lab *l, struct node *n, bool quiet)
{
	char *p;
	int fd;

	if (l->backend == BACKEND_PODMAN) {
		int pid = container_pid(n->ns, quiet);

		if (pid < 0) {
			if (!quiet)
				errx_("container %s is not running", n->ns);
			return -1;
		}
		p = xasprintf("/proc/%d/ns/net", pid);
	} else {
		p = xasprintf("/run/netns/%s", n->ns);
	}
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && !quiet)
		errx_("%s (node %s): %s", p, n->name, strerror(errno));
	free(p);
	return fd;
}

static int open_node(struct lab *l, struct node *n, bool quiet)
{
	int fd, err;

	if (n->open)
		return 0;
	fd = node_nsfd(l, n, quiet);
	if (fd < 0)
		return -1;
	err = knl_open(&n->h, fd);
	if (err < 0) {
		if (!quiet)
			errx_("netlink socket in %s: error %d", n->ns, err);
		return -1;
	}
	n->open = true;
	return 0;
}

int lab_open_nodes(struct lab *l, bool must)
{
	int rc = 0;

	for (int i = 0; i < l->nnodes; i++)
		if (open_node(l, &l->nodes[i], !must) < 0)
			rc = -1;
	return rc;
}

/* Processes whose network namespace is the node's (FRR daemons, shells
 * from `exec`, pings). Fills pids, returns how many. */
static int ns_pids(struct lab *l, struct node *n, pid_t *pids, int max)
{
	struct stat ns;
	DIR *d;
	struct dirent *e;
	int cnt = 0, fd;

	if (n->open)
		fd = dup(n->h.fd);
	else
		fd = node_nsfd(l, n, true);
	if (fd < 0)
		return 0;
	if (fstat(fd, &ns) < 0) {
		close(fd);
		return 0;
	}
	close(fd);
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((e = readdir(d)) && cnt < max) {
		char path[64];
		struct stat st;
		pid_t pid = atoi(e->d_name);

		if (pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		if (stat(path, &st) == 0 && st.st_ino == ns.st_ino && st.st_dev == ns.st_dev)
			pids[cnt++] = pid;
	}
	closedir(d);
	return cnt;
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* "zebra ospfd ldpd bgpd" (FRR daemons running in the node) */
int lab_daemons(struct lab *l, struct node *n, char *buf, size_t len)
{
	static const char *const known[] = {"watchfrr", "zebra", "ospfd", "isisd",
					    "ldpd", "bgpd", "bfdd", "staticd", NULL};
	pid_t pids[512];
	int cnt = ns_pids(l, n, pids, 512), found = 0;

	buf[0] = '\0';
	for (int k = 0; known[k]; k++) {
		for (int i = 0; i < cnt; i++) {
			char comm[32];

			comm_of(pids[i], comm, sizeof(comm));
			if (!strcmp(comm, known[k])) {
				size_t o = strlen(buf);

				snprintf(buf + o, len - o, "%s%s", found ? " " : "", known[k]);
				found++;
				break;
			}
		}
	}
	return found;
}

/* SIGTERM to every process in the lab's nodes at once (zebra takes a
 * while to clean up), then SIGKILL what is left after 3 s. */
static void kill_lab_procs(struct lab *l)
{
	pid_t pids[2048];
	int cnt = 0;

	for (int i = 0; i < l->nnodes && cnt < 2048 - 512; i++) {
		if (!l->nodes[i].created)
			continue;
		int c = ns_pids(l, &l->nodes[i], pids + cnt, 512);

		if (c)
			vsay("%s: stopping %d processes", l->nodes[i].name, c);
		cnt += c;
	}
	if (!cnt)
		return;
	for (int i = 0; i < cnt; i++)
		kill(pids[i], SIGTERM);
	for (int w = 0; w < 30; w++) {
		int alive = 0;

		for (int i = 0; i < cnt; i++)
			if (kill(pids[i], 0) == 0)
				alive++;
		if (!alive)
			return;
		sleep_s(0.1);
	}
	for (int i = 0; i < cnt; i++)
		if (kill(pids[i], SIGKILL) == 0)
			vsay("killed pid %d (did not stop on SIGTERM)", (int)pids[i]);
}

/* ------------------------------------------------------------ FRR */

static bool satnet_module_present(const struct lab *l)
{
	glob_t g;
	bool ok;

	if (l->moduledir[0]) {
		char *p = xasprintf("%s/zebra_satnet.so", l->moduledir);

		ok = access(p, R_OK) == 0;
		free(p);
		return ok;
	}
	ok = glob("/usr/lib/*/frr/modules/zebra_satnet.so", 0, NULL, &g) == 0 ||
	     glob("/usr/lib/frr/modules/zebra_satnet.so", 0, NULL, &g) == 0;
	if (ok)
		globfree(&g);
	return ok;
}

static char *node_dir(struct lab *l, struct node *n)
{
	return xasprintf("%s/%s", l->statedir, n->name);
}

static int write_frr_files(struct lab *l, struct node *n, const char *conf)
{
	char *nd = node_dir(l, n), *p;
	int rc = 0;

	/* the lab's copy (podman mounts it; `status` shows where it is) */
	p = xasprintf("%s/frr.conf", nd);
	if (mkdir_p(nd, 0755) < 0 || write_file(p, conf, 0644) < 0 || chown_frr(nd) < 0) {
		errx_("%s: %s", p, strerror(errno));
		rc = -1;
	}
	free(p);
	if (rc == 0 && l->backend == BACKEND_NETNS) {
		char *etc = xasprintf("%s/%s", FRR_ETC, n->ns);
		char *run = xasprintf("%s/%s", FRR_RUN, n->ns);
		char *c = xasprintf("%s/frr.conf", etc), *v = xasprintf("%s/vtysh.conf", etc);

		if (mkdir_p(etc, 0755) < 0 || mkdir_p(run, 0755) < 0 ||
		    write_file(c, conf, 0640) < 0 ||
		    write_file(v, "service integrated-vtysh-config\n", 0640) < 0 ||
		    chown_frr(FRR_RUN) < 0 || chown_frr(etc) < 0 || chown_frr(run) < 0 ||
		    chown_frr(c) < 0 || chown_frr(v) < 0) {
			errx_("FRR files of %s (%s, %s): %s", n->name, etc, run,
			      strerror(errno));
			rc = -1;
		}
		free(etc);
		free(run);
		free(c);
		free(v);
	}
	free(nd);
	return rc;
}

static int start_daemon(struct lab *l, struct node *n, const char *d)
{
	char *bin = xasprintf("%s/%s", frr_bin(), d);
	char *nd = node_dir(l, n);
	char *log = xasprintf("file:%s/frr.log", nd);
	char *argv[24];
	int a = 0, rc;
	bool mod = l->mode == MODE_SATNET &&
		   (!strcmp(d, "zebra") || !strcmp(d, "bgpd"));

	argv[a++] = "ip";
	argv[a++] = "netns";
	argv[a++] = "exec";
	argv[a++] = n->ns;
	argv[a++] = bin;
	argv[a++] = "-d";
	argv[a++] = "-N";
	argv[a++] = n->ns;
	argv[a++] = "-F";
	argv[a++] = "traditional";
	argv[a++] = "-A";
	argv[a++] = "127.0.0.1";
	argv[a++] = "--log";
	argv[a++] = log;
	if (!strcmp(d, "zebra")) {
		argv[a++] = "-s";
		argv[a++] = ZEBRA_RCVBUF;
	}
	if (mod) {
		if (l->moduledir[0]) {
			argv[a++] = "--moduledir";
			argv[a++] = l->moduledir;
		}
		argv[a++] = "-M";
		argv[a++] = "satnet";
	}
	argv[a] = NULL;
	rc = run_cmd(argv, -1, NULL, 0);
	if (rc == 0) {
		char *out = NULL;

		/* its part of frr.conf, as watchfrr does it. vtysh -b exits 0
		 * even when a line fails; what it prints ("% ...", "line N:")
		 * is the error. */
		rc = run_cmdv(-1, &out, RUN_QUIET | RUN_STDERR, "vtysh", "-N", n->ns, "-b",
			      "-d", d, NULL);
		if (rc != 0 || strstr(out, "% ") || strstr(out, "line ")) {
			errx_("%s on %s did not accept its part of %s/%s/frr.conf (vtysh -N %s -b -d %s, exit status %d):",
			      d, n->name, FRR_ETC, n->ns, n->ns, d, rc);
			fputs(out, stderr);
			lab_print_logs(l, n, 10);
			rc = rc ? rc : 1;
		}
		free(out);
	} else {
		lab_print_logs(l, n, 15);
	}
	free(bin);
	free(nd);
	free(log);
	return rc;
}

static int start_frr(struct lab *l, struct node *n)
{
	const struct topo *t = l->topo;
	const char *ds[6];
	int nd = 0;
	char list[64] = "";

	ds[nd++] = "zebra";
	/* before the IGP, which registers its neighbours with it */
	if (t->bfd && t->underlay != UNDERLAY_NONE && t->nlinks)
		ds[nd++] = "bfdd";
	if (t->underlay == UNDERLAY_OSPF)
		ds[nd++] = "ospfd";
	else if (t->underlay == UNDERLAY_ISIS)
		ds[nd++] = "isisd";
	if (t->ldp && t->underlay != UNDERLAY_NONE && t->nlinks)
		ds[nd++] = "ldpd";
	if (topo_is_pe(t, n->idx) || t->sats[n->idx].frr_config)
		ds[nd++] = "bgpd";
	for (int i = 0; i < nd; i++) {
		strcat(list, i ? " " : "");
		strcat(list, ds[i]);
	}
	say("starting FRR on %s (%s)…", n->name, list);
	for (int i = 0; i < nd; i++)
		if (start_daemon(l, n, ds[i]) != 0)
			return -1;
	return 0;
}

/* Every satellite at once (one child each; within a satellite the
 * daemons still start in order): on a slow VM this is most of `up`. */
static int start_frr_all(struct lab *l)
{
	int nsats = l->topo->nsats, rc = 0;
	pid_t *pids = xcalloc(nsats, sizeof(pid_t));

	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < nsats; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			errx_("fork: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (pids[i] == 0) {
			double t0 = now_mono();
			int r = start_frr(l, lab_sat_node(l, i));

			if (r == 0)
				say("FRR running on %s (%.1f s)", lab_sat_node(l, i)->name,
				    now_mono() - t0);
			fflush(stdout);
			_exit(r == 0 ? 0 : 1);
		}
	}
	for (int i = 0; i < nsats; i++) {
		int st;

		if (pids[i] <= 0)
			continue;
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = -1;
	}
	free(pids);
	return rc;
}

void lab_print_logs(struct lab *l, struct node *n, int lines)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", lines);
	if (l->backend == BACKEND_PODMAN) {
		fprintf(stderr, "---- last %d lines of `podman logs %s`\n", lines, n->ns);
		run_cmdv(-1, NULL, RUN_QUIET | RUN_STDOUT | RUN_STDERR, "podman", "logs",
			 "--tail", num, n->ns, NULL);
	} else {
		char *p = xasprintf("%s/%s/frr.log", l->statedir, n->name);

		fprintf(stderr, "---- last %d lines of %s\n", lines, p);
		fflush(stderr);
		run_cmdv(-1, NULL, RUN_QUIET | RUN_STDOUT | RUN_STDERR, "tail", "-n", num,
			 p, NULL);
		free(p);
	}
	fflush(stdout);
}

/* ------------------------------------------------------------ up */

static int create_netns(struct lab *l, struct node *n)
{
	char *p = xasprintf("/run/netns/%s", n->ns);
	bool exists = access(p, F_OK) == 0;

	free(p);
	if (exists) {
		errx_("network namespace %s exists already (another lab? `satnet-lab down %s`)",
		      n->ns, l->topo->name);
		return -1;
	}
	if (run_cmdv(-1, NULL, 0, "ip", "netns", "add", n->ns, NULL) != 0)
		return -1;
	n->created = true;
	lab_write_state(l, "creating");
	return open_node(l, n, false);
}

static char *wait_ifs(const struct topo *t, int si)
{
	char buf[1024] = "";

	for (int i = 0; i < t->nlinks; i++) {
		const struct link *k = &t->links[i];

		if (k->a == si || k->b == si) {
			strcat(buf, buf[0] ? " " : "");
			strcat(buf, k->a == si ? k->a_if : k->b_if);
		}
	}
	for (int i = 0; i < t->ngrounds; i++)
		if (t->grounds[i].sat == si) {
			strcat(buf, buf[0] ? " " : "");
			strcat(buf, t->grounds[i].sat_if);
		}
	return xstrdup(buf);
}

static int create_container(struct lab *l, struct node *n)
{
	char *conf = NULL, *env = NULL, *label = xasprintf("satnet-lab=%s", l->topo->name);
	char *argv[32];
	int a = 0, rc;

	if (container_pid(n->ns, true) > 0 ||
	    run_cmdv(-1, NULL, RUN_QUIET, "podman", "container", "exists", n->ns, NULL) == 0) {
		errx_("container %s exists already (another lab? `satnet-lab down %s`)", n->ns,
		      l->topo->name);
		free(label);
		return -1;
	}
	argv[a++] = "podman";
	argv[a++] = "run";
	argv[a++] = "-d";
	argv[a++] = "--name";
	argv[a++] = n->ns;
	argv[a++] = "--hostname";
	argv[a++] = n->name;
	argv[a++] = "--network";
	argv[a++] = "none";
	argv[a++] = "--privileged";
	argv[a++] = "--label";
	argv[a++] = label;
	if (n->sat) {
		char *w = wait_ifs(l->topo, n->idx);

		conf = xasprintf("%s/%s/frr.conf:/etc/frr/frr.conf", l->statedir, n->name);
		env = xasprintf("SATNET_WAIT_IFS=%s", w);
		free(w);
		argv[a++] = "-v";
		argv[a++] = conf;
		argv[a++] = "-e";
		argv[a++] = env;
		argv[a++] = l->image;
	} else {
		argv[a++] = l->image;
		argv[a++] = "sleep";
		argv[a++] = "infinity";
	}
	argv[a] = NULL;
	rc = run_cmd(argv, -1, NULL, 0);
	free(conf);
	free(env);
	free(label);
	/* a failed `podman run` may still have left a container */
	if (rc == 0 || run_cmdv(-1, NULL, RUN_QUIET, "podman", "container", "exists",
				n->ns, NULL) == 0) {
		n->created = true;
		lab_write_state(l, "creating");
	}
	if (rc != 0)
		return -1;
	return open_node(l, n, false);
}

static int impair(struct node *n, const char *ifname, const struct impair *imp,
		  bool no_netem)
{
	if (!impair_any(imp))
		return 0;
	if (no_netem)
		return 0;
	return knl_impair_set(&n->h, ifname, imp) < 0 ? -1 : 0;
}

static int wire(struct lab *l, const struct up_opts *o)
{
	const struct topo *t = l->topo;
	char pl[16];

	for (int i = 0; i < t->nlinks; i++) {
		const struct link *k = &t->links[i];
		struct node *a = lab_sat_node(l, k->a), *b = lab_sat_node(l, k->b);

		vsay("link %s: %s %s/%d <-> %s %s/%d", k->name, k->a_if, k->a_addr,
		     k->plen, k->b_if, k->b_addr, k->plen);
		if (knl_veth(&a->h, k->a_if, &b->h, k->b_if) < 0 ||
		    knl_addr_add(&a->h, k->a_if, k->a_addr, k->plen) < 0 ||
		    knl_addr_add(&b->h, k->b_if, k->b_addr, k->plen) < 0 ||
		    impair(a, k->a_if, &k->imp, o->no_netem) < 0 ||
		    impair(b, k->b_if, &k->imp, o->no_netem) < 0 ||
		    knl_link_up(&a->h, k->a_if, true) < 0 ||
		    knl_link_up(&b->h, k->b_if, true) < 0) {
			errx_("wiring link %s failed", k->name);
			return -1;
		}
	}
	for (int i = 0; i < t->ngrounds; i++) {
		const struct ground *g = &t->grounds[i];
		struct node *s = lab_sat_node(l, g->sat), *gn = lab_ground_node(l, i);

		vsay("ground link %s: %s %s/%d <-> %s %s/%d", g->name, g->sat_if,
		     g->sat_addr, g->plen, g->gs_if, g->addr, g->plen);
		if (knl_veth(&s->h, g->sat_if, &gn->h, g->gs_if) < 0 ||
		    knl_addr_add(&s->h, g->sat_if, g->sat_addr, g->plen) < 0 ||
		    knl_addr_add(&gn->h, g->gs_if, g->addr, g->plen) < 0 ||
		    impair(s, g->sat_if, &g->imp, o->no_netem) < 0 ||
		    impair(gn, g->gs_if, &g->imp, o->no_netem) < 0 ||
		    knl_link_up(&s->h, g->sat_if, true) < 0 ||
		    knl_link_up(&gn->h, g->gs_if, true) < 0 ||
		    knl_default_route(&gn->h, g->sat_addr) < 0) {
			errx_("wiring ground station %s failed", g->name);
			return -1;
		}
	}
	for (int i = 0; i < t->nsats; i++) {
		struct node *s = lab_sat_node(l, i);

		if (knl_addr_add(&s->h, "lo", t->sats[i].loopback, 32) < 0 ||
		    knl_sysctl(&s->h, "net/ipv4/ip_forward", "1") < 0)
			return -1;
	}
	if (l->mode != MODE_STOCK)
		return 0;

	/* Stock FRR (the baseline): the lab does what satnet does. */
	for (int i = 0; i < t->nsats; i++) {
		struct node *s = lab_sat_node(l, i);
		uint32_t hi = t->sats[i].label_hi > 100000 ? t->sats[i].label_hi + 1 : 100000;

		if (topo_needs_mpls(t)) {
			snprintf(pl, sizeof(pl), "%u", hi);
			if (knl_sysctl(&s->h, "net/mpls/platform_labels", pl) < 0)
				return -1;
			for (int j = 0; j < t->nlinks; j++) {
				const struct link *k = &t->links[j];
				const char *ifn = k->a == i ? k->a_if : k->b == i ? k->b_if : NULL;
				char *p;

				if (!ifn)
					continue;
				p = xasprintf("net/mpls/conf/%s/input", ifn);
				if (knl_sysctl(&s->h, p, "1") < 0) {
					free(p);
					return -1;
				}
				free(p);
			}
		}
		if (knl_sysctl(&s->h, "net/ipv4/conf/all/rp_filter", "0") < 0 ||
		    knl_sysctl(&s->h, "net/ipv4/conf/default/rp_filter", "0") < 0)
			return -1;
		for (int v = 0; v < t->nvrfs; v++) {
			bool made = false;

			for (int g = 0; g < t->ngrounds; g++) {
				if (t->grounds[g].sat != i || t->grounds[g].vrf != v)
					continue;
				if (!made && knl_vrf_add(&s->h, t->vrfs[v].name,
							 t->vrfs[v].table) < 0)
					return -1;
				made = true;
				if (knl_enslave(&s->h, t->grounds[g].sat_if, t->vrfs[v].name) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/* podman: FRR starts when the entrypoint sees the interfaces; wait for
 * zebra in every satellite. */
static int wait_frr_containers(struct lab *l, double timeout)
{
	double end = now_mono() + timeout;

	for (int i = 0; i < l->topo->nsats; i++) {
		struct node *n = lab_sat_node(l, i);
		char d[128];

		while (lab_daemons(l, n, d, sizeof(d)), !strstr(d, "zebra")) {
			if (now_mono() > end || interrupted()) {
				errx_("FRR did not start in container %s within %.0f s",
				      n->ns, timeout);
				lab_print_logs(l, n, 20);
				return -1;
			}
			sleep_s(0.3);
		}
		say("FRR running in %s (%s)", n->ns, d);
	}
	return 0;
}

int lab_up(struct lab *l, const struct up_opts *o)
{
	const struct topo *t = l->topo;
	char *copy, *text;
	double tw;
	struct stat st;

	l->no_netem = o->no_netem;
	if (stat(l->statedir, &st) == 0) {
		errx_("lab \"%s\" exists already (%s): `satnet-lab down %s` first", t->name,
		      l->statedir, t->name);
		return 2;
	}
	if (l->mode == MODE_SATNET && l->backend == BACKEND_NETNS &&
	    !satnet_module_present(l)) {
		errx_("zebra_satnet.so is not installed (make install), or give --moduledir DIR; --stock runs stock FRR without satnet");
		return 2;
	}
	if (l->backend == BACKEND_PODMAN) {
		if (run_cmdv(-1, NULL, RUN_QUIET, "podman", "--version", NULL) != 0) {
			errx_("podman is not installed (apt-get install podman runc)");
			return 2;
		}
		if (run_cmdv(-1, NULL, RUN_QUIET, "podman", "image", "exists", l->image, NULL) != 0) {
			errx_("image %s is missing: build it with docker/build-image", l->image);
			return 2;
		}
		if (t->underlay == UNDERLAY_ISIS)
			warnx_("the image enables ospfd, ldpd and bgpd only: IS-IS will not run in the containers");
		if (l->mode == MODE_STOCK) {
			errx_("--stock is for the netns backend (the image always loads satnet)");
			return 2;
		}
	}
	/* nothing of another lab (or of anyone) may be in the way: checked
	 * before anything is written, so `down` never removes a stranger */
	for (int i = 0; i < l->nnodes; i++) {
		struct node *n = &l->nodes[i];
		char *p = xasprintf("/run/netns/%s", n->ns);
		bool taken = l->backend == BACKEND_PODMAN
				     ? run_cmdv(-1, NULL, RUN_QUIET, "podman", "container",
						"exists", n->ns, NULL) == 0
				     : access(p, F_OK) == 0;

		free(p);
		if (taken) {
			errx_("%s %s exists already (another lab, or left over): remove it first",
			      l->backend == BACKEND_PODMAN ? "container" : "network namespace",
			      n->ns);
			return 2;
		}
	}
	/* the state dir first: `down` finds whatever gets created */
	if (mkdir_p(l->statedir, 0755) < 0) {
		errx_("%s: %s", l->statedir, strerror(errno));
		return 1;
	}
	copy = xasprintf("%s/topology.json", l->statedir);
	text = read_file(t->path, NULL);
	if (!text || write_file(copy, text, 0644) < 0 || lab_write_state(l, "creating") < 0) {
		errx_("cannot write %s", copy);
		free(copy);
		free(text);
		return 1;
	}
	free(copy);
	free(text);

	say("lab %s: %d satellites, %d ground stations, %d links, %s backend, %s FRR",
	    t->name, t->nsats, t->ngrounds, t->nlinks,
	    l->backend == BACKEND_PODMAN ? "podman" : "netns",
	    l->mode == MODE_STOCK ? "stock" : "satnet");

	/* FRR configs first: podman mounts them when creating containers */
	for (int i = 0; i < t->nsats; i++) {
		struct frrconf_opts fo = {.mode = l->mode};
		char *conf = frrconf_generate(t, i, &fo);

		if (!conf || write_frr_files(l, lab_sat_node(l, i), conf) < 0) {
			free(conf);
			return 1;
		}
		free(conf);
	}

	say("creating %d nodes…", l->nnodes);
	for (int i = 0; i < l->nnodes && !interrupted(); i++) {
		struct node *n = &l->nodes[i];
		int rc = l->backend == BACKEND_PODMAN ? create_container(l, n)
						      : create_netns(l, n);

		if (rc < 0)
			return 1;
		if (knl_link_up(&n->h, "lo", true) < 0)
			return 1;
	}
	if (interrupted())
		return 130;
	say("wiring %d links and %d ground links%s…", t->nlinks, t->ngrounds,
	    o->no_netem || !topo_needs_netem(t) ? "" : " (netem)");
	if (wire(l, o) < 0)
		return 1;
	if (o->no_netem && topo_needs_netem(t))
		warnx_("--no-netem: link delays, jitter, loss and rates are NOT applied");
	tw = now_mono();
	say("topology ready after %.1f s", tw - l->t0);
	lab_write_state(l, "starting");

	if (o->no_frr) {
		say("--no-frr: no FRR started (nodes and links only)");
	} else if (l->backend == BACKEND_NETNS) {
		if (start_frr_all(l) < 0)
			return 1;
	} else {
		say("waiting for FRR in the containers (the entrypoint starts it)…");
		if (wait_frr_containers(l, 120) < 0)
			return 1;
	}
	if (interrupted())
		return 130;
	l->t_daemons = now_mono();
	say("FRR started on %d satellites after %.1f s (%.1f s for the daemons)",
	    t->nsats, l->t_daemons - l->t0, l->t_daemons - tw);
	lab_write_state(l, "up");
	return 0;
}

/* ------------------------------------------------------------ down */

int lab_down(struct lab *l, bool quiet)
{
	int rc = 0, removed = 0;

	if (!quiet)
		say("removing lab %s (%s backend)…", l->topo->name,
		    l->backend == BACKEND_PODMAN ? "podman" : "netns");
	if (l->backend == BACKEND_NETNS)
		kill_lab_procs(l);
	for (int i = 0; i < l->nnodes; i++) {
		struct node *n = &l->nodes[i];

		/* the FRR dirs were written before any node was created (podman
		 * mounts them); `up` refused to start if a node existed */
		if (n->sat && l->backend == BACKEND_NETNS) {
			char *etc = xasprintf("%s/%s", FRR_ETC, n->ns);
			char *run = xasprintf("%s/%s", FRR_RUN, n->ns);

			/* after the daemons are gone (kill_lab_procs above) */
			if (n->created || access(etc, F_OK) == 0) {
				if (rm_rf(etc) < 0 || rm_rf(run) < 0) {
					errx_("cannot remove %s or %s: %s", etc, run,
					      strerror(errno));
					rc = 1;
				}
			}
			free(etc);
			free(run);
		}
		if (!n->created) {
			vsay("%s: not created by this lab, left alone", n->ns);
			if (n->open)
				knl_close(&n->h);
			n->open = false;
			continue;
		}
		if (l->backend == BACKEND_PODMAN) {
			if (run_cmdv(-1, NULL, RUN_QUIET, "podman", "container", "exists",
				     n->ns, NULL) == 0) {
				if (n->open)
					knl_close(&n->h);
				n->open = false;
				if (run_cmdv(-1, NULL, 0, "podman", "rm", "-f", "-t", "2", n->ns,
					     NULL) != 0)
					rc = 1;
				else
					removed++;
			}
			continue;
		}
		char *p = xasprintf("/run/netns/%s", n->ns);

		if (access(p, F_OK) == 0) {
			if (n->open)
				knl_close(&n->h);
			n->open = false;
			if (run_cmdv(-1, NULL, 0, "ip", "netns", "del", n->ns, NULL) != 0)
				rc = 1;
			else
				removed++;
		}
		free(p);
	}
	if (rc == 0 && rm_rf(l->statedir) < 0) {
		errx_("cannot remove %s: %s", l->statedir, strerror(errno));
		rc = 1;
	}
	if (!quiet)
		say("lab %s removed (%d %s)%s", l->topo->name, removed,
		    l->backend == BACKEND_PODMAN ? "containers" : "namespaces",
		    rc ? ", with errors (see above)" : "");
	return rc;
}

/* ------------------------------------------------------------ exec, vtysh */

int lab_exec(struct lab *l, struct node *n, char **argv, bool tty)
{
	char *v[256];
	int a = 0;

	if (l->backend == BACKEND_PODMAN) {
		v[a++] = "podman";
		v[a++] = "exec";
		v[a++] = "-i";
		if (tty)
			v[a++] = "-t";
		v[a++] = n->ns;
	} else {
		v[a++] = "ip";
		v[a++] = "netns";
		v[a++] = "exec";
		v[a++] = n->ns;
	}
	for (int i = 0; argv[i] && a < 254; i++)
		v[a++] = argv[i];
	v[a] = NULL;
	execvp(v[0], v);
	errx_("%s: %s", v[0], strerror(errno));
	return 127;
}

static char *join_args(char **argv, int argc)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len);
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int vtysh_argv(struct lab *l, struct node *n, const char *cmd, char **v,
		      bool tty)
{
	int a = 0;

	if (l->backend == BACKEND_PODMAN) {
		v[a++] = "podman";
		v[a++] = "exec";
		v[a++] = "-i";
		if (tty)
			v[a++] = "-t";
		v[a++] = n->ns;
		v[a++] = "vtysh";
	} else {
		v[a++] = "vtysh";
		v[a++] = "-N";
		v[a++] = n->ns;
	}
	if (cmd) {
		v[a++] = "-c";
		v[a++] = (char *)cmd;
	}
	v[a] = NULL;
	return a;
}

/* `vtysh NODE [CMD...]`: the words of CMD are one vtysh command; none =
 * an interactive vtysh. Replaces the process. */
int lab_vtysh(struct lab *l, struct node *n, char **argv, int argc, bool tty)
{
	char *v[16], *cmd = argc ? join_args(argv, argc) : NULL;

	if (!n->sat) {
		errx_("%s is a ground station: it runs no FRR", n->name);
		return 2;
	}
	vtysh_argv(l, n, cmd, v, tty && !cmd);
	execvp(v[0], v);
	errx_("%s: %s", v[0], strerror(errno));
	return 127;
}

/* Several vtysh commands in one vtysh run (-c each, in order), e.g.
 * "configure terminal", "interface X", "ip ospf cost 10". */
int lab_vtysh_cmds(struct lab *l, struct node *n, const char *const cmds[],
		   char **out)
{
	char *v[48];
	int a = vtysh_argv(l, n, NULL, v, false);

	for (int i = 0; cmds[i] && a < 46; i++) {
		v[a++] = "-c";
		v[a++] = (char *)cmds[i];
	}
	v[a] = NULL;
	return run_cmd(v, -1, out, RUN_QUIET);
}

int lab_vtysh_capture(struct lab *l, struct node *n, const char *cmd, char **out)
{
	char *v[16];

	vtysh_argv(l, n, cmd, v, false);
	return run_cmd(v, -1, out, RUN_QUIET);
}
