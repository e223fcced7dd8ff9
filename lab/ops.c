// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops.c: what runs against a live lab: waiting for the VPN, link events
 * and the contact-plan schedule, status (read back from the kernel), the
 * report (satnet's show commands) and the hop-by-hop label trace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "satnet-lab.h"

/* ------------------------------------------------------------ pings */

static bool ping_once(struct node *from, const char *src, const char *dst)
{
	char *argv[12];
	int a = 0;

	argv[a++] = "ping";
	argv[a++] = "-c1";
	argv[a++] = "-W1";
	argv[a++] = "-n";
	argv[a++] = "-q";
	if (src) {
		argv[a++] = "-I";
		argv[a++] = (char *)src;
	}
	argv[a++] = (char *)dst;
	argv[a] = NULL;
	return run_cmd(argv, from->h.fd, NULL, RUN_QUIET) == 0;
}

struct probe_pair {
	struct node *from, *to;
	const char *src, *dst;
	const char *what; /* "VPN ping (VRF video)" */
	char label[192];
};

static int ready_pairs(struct lab *l, struct probe_pair *p, int max)
{
	const struct topo *t = l->topo;
	int n = 0;

	/* ground stations of one VRF (or of the global table) on two
	 * different satellites, both ways */
	for (int i = 0; i < t->ngrounds; i++)
		for (int j = i + 1; j < t->ngrounds && n + 2 <= max; j++) {
			const struct ground *a = &t->grounds[i], *b = &t->grounds[j];

			if (a->vrf != b->vrf || a->sat == b->sat)
				continue;
			for (int dir = 0; dir < 2; dir++) {
				const struct ground *x = dir ? b : a, *y = dir ? a : b;
				int xi = dir ? j : i, yi = dir ? i : j;

				p[n].from = lab_ground_node(l, xi);
				p[n].to = lab_ground_node(l, yi);
				p[n].src = NULL;
				p[n].dst = y->addr;
				p[n].what = x->vrf >= 0 ? "VPN ping" : "ping";
				snprintf(p[n].label, sizeof(p[n].label), "%s → %s%s%s%s",
					 x->name, y->name, x->vrf >= 0 ? " (VRF " : "",
					 x->vrf >= 0 ? t->vrfs[x->vrf].name : "",
					 x->vrf >= 0 ? ")" : "");
				n++;
			}
		}
	if (n)
		return n;
	/* no ground pairs: the IGP, loopback to loopback from the first
	 * satellite and back */
	for (int i = 1; i < t->nsats && n + 2 <= max; i++) {
		for (int dir = 0; dir < 2; dir++) {
			int x = dir ? i : 0, y = dir ? 0 : i;

			p[n].from = lab_sat_node(l, x);
			p[n].to = lab_sat_node(l, y);
			p[n].src = t->sats[x].loopback;
			p[n].dst = t->sats[y].loopback;
			p[n].what = "loopback ping";
			snprintf(p[n].label, sizeof(p[n].label), "%s → %s (%s)",
				 t->sats[x].name, t->sats[y].name, t->sats[y].loopback);
			n++;
		}
	}
	return n;
}

static void diagnose(struct lab *l, struct node *sat)
{
	static const char *const cmds[] = {"show ip ospf neighbor",
					   "show isis neighbor",
					   "show mpls ldp neighbor",
					   "show bgp ipv4 vpn summary",
					   "show satnet peers", NULL};
	const struct topo *t = l->topo;

	for (int i = 0; cmds[i]; i++) {
		char *out = NULL;

		if ((strstr(cmds[i], "ospf") && t->underlay != UNDERLAY_OSPF) ||
		    (strstr(cmds[i], "isis") && t->underlay != UNDERLAY_ISIS) ||
		    (strstr(cmds[i], "ldp") && !t->ldp) ||
		    (strstr(cmds[i], "bgp") && !topo_is_pe(t, sat->idx)) ||
		    (strstr(cmds[i], "satnet") && l->mode == MODE_STOCK))
			continue;
		lab_vtysh_capture(l, sat, cmds[i], &out);
		printf("---- %s# %s\n%s", sat->name, cmds[i], out ? out : "");
		free(out);
	}
	fflush(stdout);
	lab_print_logs(l, sat, 15);
}

int op_wait_ready(struct lab *l, double timeout_s, double *first_ping)
{
	struct probe_pair p[64];
	int n = ready_pairs(l, p, 64);
	double start = now_mono(), end = start + timeout_s;

	if (first_ping)
		*first_ping = -1;
	if (!n) {
		say("nothing to wait for (one satellite, no ground station pairs)");
		return 0;
	}
	say("waiting for %s: %d pairs, both ways (deadline %.0f s)…", p[0].what, n / 2,
	    timeout_s);
	for (int i = 0; i < n; i++) {
		double last_note = now_mono();

		while (!ping_once(p[i].from, p[i].src, p[i].dst)) {
			double now = now_mono();

			if (interrupted())
				return 130;
			if (now > end) {
				struct node *s = p[i].from->sat
							 ? p[i].from
							 : lab_sat_node(l, l->topo->grounds[p[i].from->idx].sat);

				errx_("%s %s: no answer within %.0f s", p[i].what, p[i].label,
				      timeout_s);
				diagnose(l, s);
				return 1;
			}
			if (now - last_note >= 15) {
				say("still waiting for %s %s (%.0f s)…", p[i].what, p[i].label,
				    now - start);
				last_note = now;
			}
			sleep_s(0.5);
		}
		double now = now_mono();

		if (first_ping && *first_ping < 0)
			*first_ping = now - l->t0;
		say("%s %s works: %.1f s after start, %.1f s after FRR started", p[i].what,
		    p[i].label, now - l->t0, l->t_daemons > 0 ? now - l->t_daemons : 0);
	}
	return 0;
}

/* ------------------------------------------------------------ link events */

struct link_ends {
	struct node *a, *b;
	const char *a_if, *b_if;
	const char *name;
};

static int link_ends(struct lab *l, int link, int ground, struct link_ends *e)
{
	const struct topo *t = l->topo;

	if (link >= 0) {
		const struct link *k = &t->links[link];

		e->a = lab_sat_node(l, k->a);
		e->b = lab_sat_node(l, k->b);
		e->a_if = k->a_if;
		e->b_if = k->b_if;
		e->name = k->name;
	} else {
		const struct ground *g = &t->grounds[ground];

		e->a = lab_sat_node(l, g->sat);
		e->b = lab_ground_node(l, ground);
		e->a_if = g->sat_if;
		e->b_if = g->gs_if;
		e->name = g->name;
	}
	if (!e->a->open || !e->b->open) {
		errx_("link %s: node %s is not reachable", e->name,
		      !e->a->open ? e->a->name : e->b->name);
		return -1;
	}
	return 0;
}

int op_apply_event(struct lab *l, const struct event *ev, double tsec)
{
	struct link_ends e;
	char what[160] = "";
	int rc = 0;

	if (link_ends(l, ev->link, ev->ground, &e) < 0)
		return -1;
	switch (ev->action) {
	case EV_DOWN:
	case EV_UP:
		if (knl_link_up(&e.a->h, e.a_if, ev->action == EV_UP) < 0 ||
		    knl_link_up(&e.b->h, e.b_if, ev->action == EV_UP) < 0)
			rc = -1;
		break;
	case EV_SET: {
		struct if_state st;
		struct impair imp;

		if (knl_if_state(&e.a->h, e.a_if, &st) < 0 || !st.exists) {
			errx_("link %s: %s is missing on %s", e.name, e.a_if, e.a->name);
			return -1;
		}
		imp = st.imp; /* what the kernel has now, changed by the event */
		if (ev->mask & IMP_DELAY)
			imp.delay_ms = ev->imp.delay_ms;
		if (ev->mask & IMP_JITTER)
			imp.jitter_ms = ev->imp.jitter_ms;
		if (ev->mask & IMP_LOSS)
			imp.loss_pct = ev->imp.loss_pct;
		if (ev->mask & IMP_RATE)
			imp.rate_mbit = ev->imp.rate_mbit;
		if (knl_impair_set(&e.a->h, e.a_if, &imp) < 0 ||
		    knl_impair_set(&e.b->h, e.b_if, &imp) < 0)
			rc = -1;
		impair_str(&imp, what, sizeof(what));
		break;
	}
	}
	if (tsec >= 0)
		printf("t=%.1fs link %s %s%s%s%s\n", tsec, e.name, ev_action_str(ev->action),
		       what[0] ? " (" : "", what, what[0] ? ")" : "");
	else
		printf("link %s %s%s%s%s\n", e.name, ev_action_str(ev->action),
		       what[0] ? " (" : "", what, what[0] ? ")" : "");
	if (rc < 0)
		printf("  ^ failed (see stderr)\n");
	fflush(stdout);
	return rc;
}

int op_link(struct lab *l, const char *name, enum ev_action a,
	    const struct impair *imp, unsigned int mask)
{
	struct event ev = {.action = a, .mask = mask, .link = -1, .ground = -1};

	if (imp)
		ev.imp = *imp;
	ev.link = topo_link(l->topo, name);
	if (ev.link < 0)
		ev.ground = topo_ground(l->topo, name);
	if (ev.link < 0 && ev.ground < 0) {
		errx_("no link %s (an ISL \"satA-satB\" or a ground station name)", name);
		return 2;
	}
	if (lab_open_nodes(l, true) < 0)
		return 1;
	return op_apply_event(l, &ev, -1) < 0 ? 1 : 0;
}

/* ------------------------------------------------------------ probe during a schedule */

struct probe {
	pid_t pid;
	int fd;
	char buf[8192];
	size_t len;
	char *recv; /* recv[seq] = 1 */
	int maxseq;
	int sent, received;
	char label[192];
	double interval;
};

static void probe_line(struct probe *p, const char *line)
{
	const char *s = strstr(line, "icmp_seq=");
	int tx, rx;

	if (s && strstr(line, "bytes from")) {
		int seq = atoi(s + 9);

		if (seq > 0 && seq < 1000000) {
			if (seq > p->maxseq) {
				char *nr = realloc(p->recv, seq + 1);

				if (!nr)
					return;
				memset(nr + p->maxseq + 1, 0, seq - p->maxseq);
				p->recv = nr;
				p->maxseq = seq;
			}
			p->recv[seq] = 1;
		}
	} else if (sscanf(line, "%d packets transmitted, %d received", &tx, &rx) == 2 ||
		   sscanf(line, "%d packets transmitted, %d packets received", &tx, &rx) == 2) {
		p->sent = tx;
		p->received = rx;
	}
}

static void probe_read(struct probe *p, int timeout_ms)
{
	struct pollfd pfd = {.fd = p->fd, .events = POLLIN};

	if (p->fd < 0)
		return;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return;
	ssize_t r = read(p->fd, p->buf + p->len, sizeof(p->buf) - 1 - p->len);

	if (r <= 0) {
		close(p->fd);
		p->fd = -1;
		return;
	}
	p->len += r;
	p->buf[p->len] = '\0';
	char *nl;

	while ((nl = strchr(p->buf, '\n'))) {
		*nl = '\0';
		probe_line(p, p->buf);
		memmove(p->buf, nl + 1, p->len - (nl + 1 - p->buf) + 1);
		p->len -= nl + 1 - p->buf;
	}
	if (p->len >= sizeof(p->buf) - 1)
		p->len = 0;
}

static void probe_finish(struct probe *p)
{
	int st;

	if (p->pid <= 0)
		return;
	kill(p->pid, SIGINT);
	for (int i = 0; i < 50 && p->fd >= 0; i++)
		probe_read(p, 100);
	while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (p->fd >= 0)
		close(p->fd);
	if (!p->sent)
		p->sent = p->maxseq;
	printf("probe %s every %.1f s: %d sent, %d received, %d lost\n", p->label,
	       p->interval, p->sent, p->received, p->sent - p->received);
	/* outages: runs of sequence numbers that never got an answer */
	for (int s = 1; s <= p->sent; s++) {
		if (s <= p->maxseq && p->recv[s])
			continue;
		int e = s;

		while (e + 1 <= p->sent && !(e + 1 <= p->maxseq && p->recv[e + 1]))
			e++;
		printf("  outage t≈%.1f–%.1f s: %d ping%s lost (%.1f s)\n",
		       (s - 1) * p->interval, e * p->interval, e - s + 1,
		       e > s ? "s" : "", (e - s + 1) * p->interval);
		s = e;
	}
	fflush(stdout);
	free(p->recv);
}

int op_run_schedule(struct lab *l, bool probe)
{
	const struct topo *t = l->topo;
	struct probe pr = {.pid = -1, .fd = -1, .interval = 0.2};
	struct probe_pair pp[64];
	double t0;
	int rc = 0;

	if (!t->nevents) {
		say("the schedule is empty");
		return 0;
	}
	if (probe && ready_pairs(l, pp, 64) > 0) {
		char *argv[] = {"ping", "-n", "-O", "-i", "0.2", "-W", "1",
				(char *)pp[0].dst, NULL};

		if (pp[0].src) {
			/* loopback probe: from the loopback */
			static char *argv2[12];
			argv2[0] = "ping";
			argv2[1] = "-n";
			argv2[2] = "-O";
			argv2[3] = "-i";
			argv2[4] = "0.2";
			argv2[5] = "-W";
			argv2[6] = "1";
			argv2[7] = "-I";
			argv2[8] = (char *)pp[0].src;
			argv2[9] = (char *)pp[0].dst;
			argv2[10] = NULL;
			pr.pid = spawn_cmd(argv2, pp[0].from->h.fd, &pr.fd);
		} else {
			pr.pid = spawn_cmd(argv, pp[0].from->h.fd, &pr.fd);
		}
		snprintf(pr.label, sizeof(pr.label), "%s", pp[0].label);
		if (pr.pid > 0)
			fcntl(pr.fd, F_SETFL, O_NONBLOCK);
	}
	say("schedule: %d events over %.0f s%s", t->nevents, topo_schedule_end(t),
	    pr.pid > 0 ? "; probing with ping every 0.2 s" : "");
	t0 = now_mono();
	for (int i = 0; i < t->nevents && !interrupted(); i++) {
		const struct event *ev = &t->events[i];

		while (!interrupted()) {
			double left = t0 + ev->t - now_mono();

			if (left <= 0)
				break;
			if (pr.pid > 0)
				probe_read(&pr, left > 0.2 ? 200 : (int)(left * 1000) + 1);
			else
				sleep_s(left > 0.5 ? 0.5 : left);
		}
		if (interrupted())
			break;
		if (op_apply_event(l, ev, now_mono() - t0) < 0)
			rc = 1;
	}
	if (pr.pid > 0) {
		/* a few seconds after the last event: recovery shows in the probe */
		double end = now_mono() + 8;

		while (now_mono() < end && !interrupted())
			probe_read(&pr, 200);
		probe_finish(&pr);
	}
	return interrupted() ? 130 : rc;
}

/* ------------------------------------------------------------ status */

static const char *link_state(const struct if_state *a, const struct if_state *b)
{
	if (!a->exists || !b->exists)
		return "missing";
	if (!a->admin_up || !b->admin_up)
		return "down";
	if (!strcmp(a->oper, "up") && !strcmp(b->oper, "up"))
		return "up";
	return "down";
}

static struct json_object *end_json(const char *node, const char *ifn,
				    const struct if_state *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "node", json_object_new_string(node));
	json_object_object_add(o, "interface", json_object_new_string(ifn));
	json_object_object_add(o, "exists", json_object_new_boolean(s->exists));
	json_object_object_add(o, "adminUp", json_object_new_boolean(s->admin_up));
	json_object_object_add(o, "operState", json_object_new_string(s->oper));
	json_object_object_add(o, "netem", json_object_new_boolean(s->netem));
	json_object_object_add(o, "delayMs", json_object_new_double(s->imp.delay_ms));
	json_object_object_add(o, "jitterMs", json_object_new_double(s->imp.jitter_ms));
	json_object_object_add(o, "lossPct", json_object_new_double(s->imp.loss_pct));
	json_object_object_add(o, "rateMbit", json_object_new_double(s->imp.rate_mbit));
	json_object_object_add(o, "txPackets", json_object_new_int64((int64_t)s->tx_packets));
	json_object_object_add(o, "rxPackets", json_object_new_int64((int64_t)s->rx_packets));
	return o;
}

static void fmt_imp(const struct if_state *s, char *d, char *j, char *lo, char *r)
{
	sprintf(d, "%gms", s->imp.delay_ms);
	sprintf(j, "%gms", s->imp.jitter_ms);
	sprintf(lo, "%g%%", s->imp.loss_pct < 0.001 ? 0 : s->imp.loss_pct);
	if (s->imp.rate_mbit > 0)
		sprintf(r, "%gMbit", s->imp.rate_mbit);
	else
		strcpy(r, "-");
}

int op_status(struct lab *l, bool json)
{
	const struct topo *t = l->topo;
	struct json_object *root = json_object_new_object(), *jn, *jl, *st;
	char *sp = xasprintf("%s/state.json", l->statedir);
	const char *phase = "?";
	int64_t started = 0;
	int nlinks = t->nlinks + t->ngrounds;

	st = json_object_from_file(sp);
	free(sp);
	if (st) {
		struct json_object *v;

		if (json_object_object_get_ex(st, "phase", &v))
			phase = json_object_get_string(v);
		if (json_object_object_get_ex(st, "started", &v))
			started = json_object_get_int64(v);
	}
	lab_open_nodes(l, false);
	json_object_object_add(root, "name", json_object_new_string(t->name));
	json_object_object_add(root, "backend", json_object_new_string(
		l->backend == BACKEND_PODMAN ? "podman" : "netns"));
	json_object_object_add(root, "mode", json_object_new_string(
		l->mode == MODE_STOCK ? "stock" : "satnet"));
	json_object_object_add(root, "phase", json_object_new_string(phase));
	json_object_object_add(root, "started", json_object_new_int64(started));
	json_object_object_add(root, "stateDir", json_object_new_string(l->statedir));
	{
		struct json_object *v;

		/* the file the lab was made from (t->path is the state dir's copy) */
		json_object_object_add(root, "topology", json_object_new_string(
			st && json_object_object_get_ex(st, "topology", &v)
				? json_object_get_string(v)
				: t->path));
	}
	if (!json) {
		char when[64] = "?";
		time_t ts = (time_t)started;
		struct tm tm;

		if (started && localtime_r(&ts, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		printf("lab %s: %s backend, %s FRR, %s since %s (%llds), state %s\n", t->name,
		       l->backend == BACKEND_PODMAN ? "podman" : "netns",
		       l->mode == MODE_STOCK ? "stock" : "satnet", phase, when,
		       started ? (long long)(time(NULL) - started) : 0LL, l->statedir);
		printf("\n%-14s %-10s %-28s %s\n", "NODE", "KIND",
		       l->backend == BACKEND_PODMAN ? "CONTAINER" : "NETNS", "FRR DAEMONS");
	}
	jn = json_object_new_array();
	for (int i = 0; i < l->nnodes; i++) {
		struct node *n = &l->nodes[i];
		char d[128] = "";
		struct json_object *o = json_object_new_object(), *da = json_object_new_array();

		if (n->open)
			lab_daemons(l, n, d, sizeof(d));
		if (!json)
			printf("%-14s %-10s %-28s %s\n", n->name, n->sat ? "satellite" : "ground",
			       n->ns, !n->open ? "(node missing)" : d[0] ? d : "-");
		json_object_object_add(o, "name", json_object_new_string(n->name));
		json_object_object_add(o, "kind", json_object_new_string(
			n->sat ? "satellite" : "ground"));
		json_object_object_add(o, l->backend == BACKEND_PODMAN ? "container" : "netns",
				       json_object_new_string(n->ns));
		json_object_object_add(o, "present", json_object_new_boolean(n->open));
		for (char *tok = strtok(d, " "); tok; tok = strtok(NULL, " "))
			json_object_array_add(da, json_object_new_string(tok));
		json_object_object_add(o, "daemons", da);
		json_object_array_add(jn, o);
	}
	json_object_object_add(root, "nodes", jn);
	if (!json)
		printf("\n%-24s %-7s %-9s %-8s %-8s %-8s %s\n", "LINK", "STATE", "DELAY",
		       "JITTER", "LOSS", "RATE", "ENDS (kernel: admin/oper)");
	jl = json_object_new_array();
	for (int i = 0; i < nlinks; i++) {
		struct link_ends e;
		struct if_state sa = {0}, sb = {0};
		bool isl = i < t->nlinks;
		struct json_object *o;
		const char *state;
		char d[24], j[24], lo[24], r[24];

		if (isl ? link_ends(l, i, -1, &e) < 0 : link_ends(l, -1, i - t->nlinks, &e) < 0) {
			e.name = isl ? t->links[i].name : t->grounds[i - t->nlinks].name;
		} else {
			knl_if_state(&e.a->h, e.a_if, &sa);
			knl_if_state(&e.b->h, e.b_if, &sb);
		}
		state = link_state(&sa, &sb);
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(e.name));
		json_object_object_add(o, "type", json_object_new_string(isl ? "isl" : "ground"));
		json_object_object_add(o, "state", json_object_new_string(state));
		if (sa.exists)
			json_object_object_add(o, "a", end_json(e.a->name, e.a_if, &sa));
		if (sb.exists)
			json_object_object_add(o, "b", end_json(e.b->name, e.b_if, &sb));
		json_object_array_add(jl, o);
		if (json)
			continue;
		fmt_imp(&sa, d, j, lo, r);
		printf("%-24s %-7s %-9s %-8s %-8s %-8s %s:%s %s/%s, %s:%s %s/%s", e.name, state,
		       d, j, lo, r, sa.exists ? e.a->name : "?", sa.exists ? e.a_if : "?",
		       sa.admin_up ? "up" : "down", sa.oper[0] ? sa.oper : "?",
		       sb.exists ? e.b->name : "?", sb.exists ? e.b_if : "?",
		       sb.admin_up ? "up" : "down", sb.oper[0] ? sb.oper : "?");
		if (sa.exists && sb.exists &&
		    (sa.imp.delay_ms != sb.imp.delay_ms || sa.imp.loss_pct != sb.imp.loss_pct ||
		     sa.imp.jitter_ms != sb.imp.jitter_ms || sa.imp.rate_mbit != sb.imp.rate_mbit)) {
			fmt_imp(&sb, d, j, lo, r);
			printf(" [b end: %s %s %s %s]", d, j, lo, r);
		}
		printf("\n");
	}
	json_object_object_add(root, "links", jl);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	if (st)
		json_object_put(st);
	return 0;
}

/* ------------------------------------------------------------ report + trace */

static void show(struct lab *l, struct node *n, const char *cmd)
{
	char *out = NULL;
	int rc = lab_vtysh_capture(l, n, cmd, &out);

	printf("\n==> %s# %s%s\n%s", n->name, cmd,
	       rc ? " (vtysh exit status non-zero)" : "", out ? out : "");
	if (out && out[0] && out[strlen(out) - 1] != '\n')
		printf("\n");
	free(out);
	fflush(stdout);
}

/* The node on the other side of `ifname` of node n, or NULL. */
static struct node *peer_of(struct lab *l, struct node *n, const char *ifname)
{
	const struct topo *t = l->topo;

	if (!n->sat) {
		if (!strcmp(t->grounds[n->idx].gs_if, ifname))
			return lab_sat_node(l, t->grounds[n->idx].sat);
		return NULL;
	}
	for (int i = 0; i < t->nlinks; i++) {
		const struct link *k = &t->links[i];

		if (k->a == n->idx && !strcmp(k->a_if, ifname))
			return lab_sat_node(l, k->b);
		if (k->b == n->idx && !strcmp(k->b_if, ifname))
			return lab_sat_node(l, k->a);
	}
	for (int i = 0; i < t->ngrounds; i++)
		if (t->grounds[i].sat == n->idx && !strcmp(t->grounds[i].sat_if, ifname))
			return lab_ground_node(l, i);
	return NULL;
}

static void fmt_stack(const uint32_t *s, int n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && o + 12 < len; i++)
		o += snprintf(buf + o, len - o, "%s%u", i ? " " : "", s[i]);
}

int op_trace(struct lab *l, int from_g, int to_g)
{
	const struct topo *t = l->topo;
	const struct ground *A = &t->grounds[from_g], *B = &t->grounds[to_g];
	struct node *node = lab_sat_node(l, A->sat);
	uint32_t stack[32];
	int n = 0;
	uint32_t table = A->vrf >= 0 ? t->vrfs[A->vrf].table : 254;
	char tname[32];

	snprintf(tname, sizeof(tname), "%s", A->vrf >= 0 ? t->vrfs[A->vrf].name : "main");
	printf("\nlabel path %s (%s) → %s (%s), %s%s, as the kernels forward it:\n",
	       A->name, A->addr, B->name, B->addr, A->vrf >= 0 ? "VRF " : "table ", tname);
	printf("  %-8s %s %s → %s\n", A->name, "default route via", A->sat_addr,
	       t->sats[A->sat].name);
	for (int hop = 0; hop < 24; hop++) {
		struct fwd f;
		char st[128], nst[128];
		struct node *next;

		if (n == 0) {
			if (knl_route_lookup(&node->h, table, B->addr, &f) < 0)
				return 1;
			if (!f.found || f.blackhole) {
				printf("  %-8s %s %s: %s — the packet is dropped here\n", node->name,
				       tname, B->addr, f.found ? "unreachable/blackhole" : "no route");
				return 1;
			}
			for (int i = 0; i < f.nlabels && n < 32; i++)
				stack[n++] = f.labels[i];
			fmt_stack(stack, n, st, sizeof(st));
			printf("  %-8s %s %s: %s%s%sdev %s%s%s", node->name,
			       table == 254 ? "ip" : tname, f.prefix, n ? "push [" : "", st,
			       n ? "] " : "", f.dev, f.via[0] ? " via " : "", f.via);
		} else {
			uint32_t top = stack[0];

			if (knl_mpls_lookup(&node->h, top, &f) < 0)
				return 1;
			if (!f.found) {
				printf("  %-8s label %u: no MPLS route — the packet is dropped here\n",
				       node->name, top);
				return 1;
			}
			memmove(stack, stack + 1, (n - 1) * sizeof(*stack));
			n--;
			if (f.nlabels && n + f.nlabels <= 32) {
				memmove(stack + f.nlabels, stack, n * sizeof(*stack));
				memcpy(stack, f.labels, f.nlabels * sizeof(*stack));
				n += f.nlabels;
				fmt_stack(f.labels, f.nlabels, nst, sizeof(nst));
				printf("  %-8s label %u: swap → [%s]", node->name, top, nst);
			} else {
				printf("  %-8s label %u: pop", node->name, top);
			}
			printf(" dev %s%s%s", f.dev, f.via[0] ? " via " : "", f.via);
			/* pop into a VRF: the rest is an IP lookup in its table */
			for (int v = 0; v < t->nvrfs; v++)
				if (!strcmp(f.dev, t->vrfs[v].name)) {
					table = t->vrfs[v].table;
					snprintf(tname, sizeof(tname), "%s", t->vrfs[v].name);
					printf(" (lookup in VRF %s, table %u)\n", tname, table);
					goto next_hop;
				}
		}
		if (f.nexthops > 1)
			printf(" (first of %d ECMP next hops)", f.nexthops);
		next = peer_of(l, node, f.dev);
		if (!next) {
			printf("\n  %-8s next hop %s is not a lab link — stop\n", node->name,
			       f.dev);
			return 1;
		}
		if (!next->sat) {
			printf(" → %s\n", next->name);
			if (next == lab_ground_node(l, to_g)) {
				printf("  %-8s delivered (%s)\n", next->name, B->addr);
				return 0;
			}
			printf("  wrong ground station — stop\n");
			return 1;
		}
		printf(" → %s\n", next->name);
		fmt_stack(stack, n, st, sizeof(st));
		printf("  %8s on the wire %s→%s: %s%s%s\n", "", node->name, next->name,
		       n ? "labels [" : "plain IP", st, n ? "]" : "");
		node = next;
next_hop:;
	}
	printf("  more than 24 hops — a loop?\n");
	return 1;
}

int op_report(struct lab *l)
{
	const struct topo *t = l->topo;
	int rc = 0;
	int pes[64], npes = 0;

	for (int i = 0; i < t->nsats && npes < 64; i++)
		if (topo_is_pe(t, i))
			pes[npes++] = i;
	if (!npes && t->nsats)
		pes[npes++] = 0;
	/* the first and the last PE (sat1 and sat4 in the default constellation) */
	for (int k = 0; k < npes; k++) {
		struct node *n;

		if (k != 0 && k != npes - 1)
			continue;
		n = lab_sat_node(l, pes[k]);
		if (l->mode == MODE_SATNET) {
			show(l, n, "show satnet");
			show(l, n, "show satnet peers");
			show(l, n, "show satnet labels");
		} else {
			show(l, n, "show bgp ipv4 vpn summary");
			show(l, n, "show mpls table");
		}
	}
	/* label paths, every VRF pair both ways */
	for (int i = 0; i < t->ngrounds; i++)
		for (int j = 0; j < t->ngrounds; j++) {
			if (i == j || t->grounds[i].vrf != t->grounds[j].vrf ||
			    t->grounds[i].vrf < 0 || t->grounds[i].sat == t->grounds[j].sat)
				continue;
			if (op_trace(l, i, j) != 0)
				rc = 1;
		}
	/* each satellite's MPLS table, as the kernel has it */
	for (int i = 0; i < t->nsats && topo_needs_mpls(t); i++) {
		struct node *n = lab_sat_node(l, i);
		char *out = NULL;

		run_cmdv(n->h.fd, &out, RUN_QUIET, "ip", "-f", "mpls", "route", "show", NULL);
		printf("\n==> %s: ip -f mpls route show\n%s", n->name,
		       out && out[0] ? out : "(empty)\n");
		free(out);
	}
	fflush(stdout);
	return rc;
}
