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
#include "sched.h"

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

/* What the runner knows of a link's qdiscs, so that a delay update is
 * one netlink request per end instead of a readback and a request. Both
 * ends always get the same impairment. */
struct link_cache {
	bool known;
	int ifa, ifb; /* ifindex at each end */
	struct impair imp;
	bool netem; /* a netem root qdisc is there */
};

/* Read what the kernel has on link e now (at its a end). */
static int cache_fill(const struct link_ends *e, struct link_cache *lc)
{
	struct if_state st;

	if (knl_if_state(&e->a->h, e->a_if, &st) < 0 || !st.exists) {
		errx_("link %s: %s is missing on %s", e->name, e->a_if,
		      e->a->name);
		return -1;
	}
	lc->ifa = knl_ifindex(&e->a->h, e->a_if);
	lc->ifb = knl_ifindex(&e->b->h, e->b_if);
	if (lc->ifa < 0 || lc->ifb < 0)
		return -1;
	lc->imp = st.imp;
	lc->netem = st.netem;
	lc->known = true;
	return 0;
}

/* What an EV_SET makes of the link's impairment. */
static struct impair imp_after(const struct event *ev, const struct impair *cur)
{
	struct impair imp = *cur;

	if (ev->mask & IMP_DELAY)
		imp.delay_ms = ev->imp.delay_ms;
	if (ev->mask & IMP_JITTER)
		imp.jitter_ms = ev->imp.jitter_ms;
	if (ev->mask & IMP_LOSS)
		imp.loss_pct = ev->imp.loss_pct;
	if (ev->mask & IMP_RATE)
		imp.rate_mbit = ev->imp.rate_mbit;
	return imp;
}

/* Apply one event; `what` gets the details for the log line. */
static int apply_event(struct lab *l, const struct event *ev,
		       struct link_cache *lc, char *what, size_t wlen)
{
	const struct topo *t = l->topo;
	struct link_cache tmp = {0};
	struct link_ends e;

	what[0] = '\0';
	if (link_ends(l, ev->link, ev->ground, &e) < 0)
		return -1;
	switch (ev->action) {
	case EV_DOWN:
	case EV_UP:
		if (knl_link_up(&e.a->h, e.a_if, ev->action == EV_UP) < 0 ||
		    knl_link_up(&e.b->h, e.b_if, ev->action == EV_UP) < 0)
			return -1;
		return 0;
	case EV_HANDOVER:
		snprintf(what, wlen,
			 "to %s, %s; logged only: the ground link stays on %s",
			 t->sats[ev->sat].name,
			 ev->mbb ? "make-before-break" : "break-before-make",
			 t->sats[t->grounds[ev->ground].sat].name);
		return 0;
	case EV_SET:
		break;
	}
	if (!lc)
		lc = &tmp;
	if (!lc->known && cache_fill(&e, lc) < 0)
		return -1;
	struct impair imp = imp_after(ev, &lc->imp);

	impair_str(&imp, what, wlen);
	if (knl_impair_apply(&e.a->h, e.a_if, lc->ifa, &imp, lc->netem,
			     lc->imp.rate_mbit) < 0 ||
	    knl_impair_apply(&e.b->h, e.b_if, lc->ifb, &imp, lc->netem,
			     lc->imp.rate_mbit) < 0) {
		lc->known = false; /* read it back next time */
		return -1;
	}
	lc->imp = imp;
	lc->netem = impair_any(&imp);
	return 0;
}

static const char *event_name(const struct topo *t, const struct event *ev)
{
	return ev->link >= 0 ? t->links[ev->link].name
			     : t->grounds[ev->ground].name;
}

int op_apply_event(struct lab *l, const struct event *ev, double tsec)
{
	char what[192];
	int rc = apply_event(l, ev, NULL, what, sizeof(what));
	const char *name = event_name(l->topo, ev);

	if (tsec >= 0)
		printf("t=%.1fs link %s %s%s%s%s\n", tsec, name,
		       ev_action_str(ev->action), what[0] ? " (" : "", what,
		       what[0] ? ")" : "");
	else
		printf("link %s %s%s%s%s\n", name, ev_action_str(ev->action),
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

/* A ping every 0.2 s between the first pair of ground stations (or
 * loopbacks) for the whole schedule. */
static int probe_start(struct lab *l, bool probe, struct probe *pr,
		       struct probe_pair *pp)
{
	char *argv[12];
	int a = 0;

	if (!probe || ready_pairs(l, pp, 64) <= 0)
		return 0;
	argv[a++] = "ping";
	argv[a++] = "-n";
	argv[a++] = "-O";
	argv[a++] = "-i";
	argv[a++] = "0.2";
	argv[a++] = "-W";
	argv[a++] = "1";
	if (pp[0].src) { /* loopback probe: from the loopback */
		argv[a++] = "-I";
		argv[a++] = (char *)pp[0].src;
	}
	argv[a++] = (char *)pp[0].dst;
	argv[a] = NULL;
	pr->pid = spawn_cmd(argv, pp[0].from->h.fd, &pr->fd);
	snprintf(pr->label, sizeof(pr->label), "%s", pp[0].label);
	if (pr->pid <= 0)
		return -1;
	fcntl(pr->fd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* ------------------------------------------------------------ drain */

/* The IGP cost of an ISL at both ends: `cost` 0 = the topology's (or the
 * IGP default when it has none). */
static int set_cost(struct lab *l, int link, uint32_t cost)
{
	const struct topo *t = l->topo;
	const struct link *k = &t->links[link];
	bool isis = t->underlay == UNDERLAY_ISIS;
	char line[64];
	int rc = 0;

	if (!cost && k->cost)
		cost = k->cost;
	if (cost)
		snprintf(line, sizeof(line),
			 isis ? "isis metric %u" : "ip ospf cost %u", cost);
	else
		snprintf(line, sizeof(line),
			 isis ? "no isis metric" : "no ip ospf cost");
	for (int end = 0; end < 2; end++) {
		struct node *n = lab_sat_node(l, end ? k->b : k->a);
		const char *cmds[] = {"configure terminal", "interface", line,
				      NULL};
		char ifl[IFNAME_LEN + 16], *out = NULL;
		int r;

		snprintf(ifl, sizeof(ifl), "interface %s",
			 end ? k->b_if : k->a_if);
		cmds[1] = ifl;
		r = lab_vtysh_cmds(l, n, cmds, &out);
		if (r != 0 || (out && strstr(out, "% "))) {
			errx_("%s: vtysh '%s' on %s: exit status %d%s%s",
			      k->name, line, n->name, r,
			      out && out[0] ? ": " : "", out ? out : "");
			rc = -1;
		}
		free(out);
	}
	return rc;
}

/* Search a JSON tree for an object whose `ifkey` names ifname (FRR
 * writes "IF" or "IF:ADDRESS") and whose `statekey` starts with state. */
static bool json_find_if_state(struct json_object *o, const char *ifkey,
			       const char *ifname, const char *statekey,
			       const char *state)
{
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			if (json_find_if_state(json_object_array_get_idx(o, i),
					       ifkey, ifname, statekey, state))
				return true;
		return false;
	}
	if (!json_object_is_type(o, json_type_object))
		return false;
	struct json_object *a, *b;

	if (json_object_object_get_ex(o, ifkey, &a) &&
	    json_object_object_get_ex(o, statekey, &b)) {
		const char *in = json_object_get_string(a),
			   *st = json_object_get_string(b);
		size_t n = strlen(ifname);

		if (in && st && !strncmp(in, ifname, n) &&
		    (in[n] == '\0' || in[n] == ':') &&
		    !strncmp(st, state, strlen(state)))
			return true;
	}
	json_object_object_foreach(o, key, val)
	{
		(void)key;
		if (json_find_if_state(val, ifkey, ifname, statekey, state))
			return true;
	}
	return false;
}

static struct json_object *vtysh_json(struct lab *l, struct node *n,
				      const char *cmd)
{
	char *out = NULL;
	struct json_object *j = NULL;

	if (lab_vtysh_capture(l, n, cmd, &out) == 0 && out)
		j = json_tokener_parse(out);
	free(out);
	return j;
}

/* Is the ISL's adjacency up at this end (and, with LDP, the session to
 * the other end's loopback operational)? */
static bool isl_ready_at(struct lab *l, int link, int end)
{
	const struct topo *t = l->topo;
	const struct link *k = &t->links[link];
	struct node *n = lab_sat_node(l, end ? k->b : k->a);
	const char *ifn = end ? k->b_if : k->a_if;
	const char *peer = t->sats[end ? k->a : k->b].loopback;
	struct json_object *j;
	bool ok = false;

	if (t->underlay == UNDERLAY_OSPF) {
		j = vtysh_json(l, n, "show ip ospf neighbor json");
		ok = j && json_find_if_state(j, "ifaceName", ifn, "nbrState",
					     "Full");
		json_object_put(j);
	} else {
		char *out = NULL;

		/* "sat0001  2  Up  28  eth-sat0001  ..." */
		if (lab_vtysh_capture(l, n, "show isis neighbor", &out) == 0 &&
		    out)
			for (char *line = strtok(out, "\n"); line && !ok;
			     line = strtok(NULL, "\n"))
				ok = strstr(line, ifn) && strstr(line, " Up ");
		free(out);
	}
	if (!ok || !t->ldp)
		return ok;
	j = vtysh_json(l, n, "show mpls ldp neighbor json");
	ok = false;
	if (j) {
		struct json_object *arr, *o, *v;

		if (json_object_object_get_ex(j, "neighbors", &arr) &&
		    json_object_is_type(arr, json_type_array))
			for (size_t i = 0;
			     i < json_object_array_length(arr) && !ok; i++) {
				const char *id = NULL, *st = NULL;

				o = json_object_array_get_idx(arr, i);
				if (json_object_object_get_ex(o, "neighborId",
							      &v))
					id = json_object_get_string(v);
				if (json_object_object_get_ex(o, "state", &v))
					st = json_object_get_string(v);
				ok = id && st && !strcmp(id, peer) &&
				     !strcmp(st, "OPERATIONAL");
			}
		json_object_put(j);
	}
	return ok;
}

/* Helpers run in a child each, so that vtysh (slow under TCG) never
 * delays the events; they print their own lines. */
static int drain_helper(struct lab *l, int link, double cut_t)
{
	double t0 = now_mono();
	int rc = set_cost(l, link,
			  l->topo->underlay == UNDERLAY_ISIS ? DRAIN_ISIS_METRIC
							     : DRAIN_OSPF_COST);

	printf("  drain %s before its cut at t=%.1fs: cost %u at both ends%s (%.2f s)\n",
	       l->topo->links[link].name, cut_t,
	       l->topo->underlay == UNDERLAY_ISIS ? DRAIN_ISIS_METRIC
						  : DRAIN_OSPF_COST,
	       rc ? " FAILED" : "", now_mono() - t0);
	fflush(stdout);
	return rc;
}

static int restore_helper(struct lab *l, int link, double up_t,
			  double deadline_s)
{
	const struct topo *t = l->topo;
	double t0 = now_mono(), end = t0 + deadline_s;
	bool ready = false;
	int rc;

	while (!interrupted() && now_mono() < end) {
		if (isl_ready_at(l, link, 0) && isl_ready_at(l, link, 1)) {
			ready = true;
			break;
		}
		sleep_s(0.3);
	}
	if (interrupted()) {
		printf("  restore %s (up at t=%.1fs): stopped after %.1f s (the link is drained again, or the run ends)\n",
		       t->links[link].name, up_t, now_mono() - t0);
		fflush(stdout);
		return 1;
	}
	rc = set_cost(l, link, 0);
	printf("  restore %s (up at t=%.1fs): %s after %.1f s; cost lowered%s\n",
	       t->links[link].name, up_t,
	       ready ? (t->ldp ? "adjacency and LDP up" : "adjacency up")
		     : (t->ldp ? "NO adjacency/LDP by the deadline (LDP-IGP sync keeps the cost at max until LDP is up)"
			       : "NO adjacency by the deadline"),
	       now_mono() - t0, rc ? " FAILED" : "");
	fflush(stdout);
	return ready && rc == 0 ? 0 : 1;
}

struct helper {
	pid_t pid;
	enum sched_kind kind;
};

static pid_t spawn_helper(struct lab *l, enum sched_kind kind, int link,
			  double plan_t, double deadline)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		errx_("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int rc = kind == SA_DRAIN
				 ? drain_helper(l, link, plan_t)
				 : restore_helper(l, link, plan_t, deadline);

		fflush(stdout);
		_exit(rc ? 1 : 0);
	}
	return pid;
}

/* Reap finished helpers (block: wait for all of them). Returns how many
 * failed. */
static int reap_helpers(struct helper *h, int n, bool block)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		int st;
		pid_t r;

		if (h[i].pid <= 0)
			continue;
		while ((r = waitpid(h[i].pid, &st, block ? 0 : WNOHANG)) < 0 &&
		       errno == EINTR)
			;
		if (r == 0)
			continue;
		if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
		h[i].pid = 0;
	}
	return failed;
}

/* ------------------------------------------------------------ the runner */

/* Before the clock starts: what every link with a `set` has now. */
static void cache_prefill(struct lab *l, struct link_cache *cache)
{
	const struct topo *t = l->topo;

	for (int i = 0; i < t->nevents; i++) {
		const struct event *ev = &t->events[i];
		int ci = ev->link >= 0 ? ev->link : t->nlinks + ev->ground;
		struct link_ends e;

		if (ev->action != EV_SET || cache[ci].known)
			continue;
		if (link_ends(l, ev->link, ev->ground, &e) == 0)
			cache_fill(&e, &cache[ci]);
	}
}

int op_run_schedule(struct lab *l, const struct sched_opts *so)
{
	const struct topo *t = l->topo;
	struct probe pr = {.pid = -1, .fd = -1, .interval = 0.2};
	struct probe_pair pp[64];
	struct sched_action *acts = NULL;
	struct link_cache *cache;
	struct helper *helpers;
	double speed = so->speed > 0 ? so->speed : 1;
	double lead = so->drain_lead >= 0 ? so->drain_lead : t->drain_lead_s;
	double t0, *skews;
	int rc = 0, nacts, nsteps, nhandover = 0, step_n = 0, step_shown = 0,
	    step_sets = 0;
	int helper_failed = 0, late50 = 0;

	if (!t->nevents) {
		say("the schedule is empty");
		return 0;
	}
	if (lead > 0 && t->underlay == UNDERLAY_NONE)
		lead = 0;
	nacts = sched_build(t->events, t->nevents, t->nlinks, speed, lead,
			    &acts, &nsteps);
	if (nacts < 0) {
		errx_("out of memory");
		return 1;
	}
	cache = xcalloc(t->nlinks + t->ngrounds + 1, sizeof(*cache));
	helpers = xcalloc(t->nlinks + 1, sizeof(*helpers));
	skews = xcalloc(nsteps + 1, sizeof(*skews));
	for (int i = 0; i < t->nevents; i++)
		nhandover += t->events[i].action == EV_HANDOVER;
	cache_prefill(l, cache);
	if (probe_start(l, so->probe, &pr, pp) < 0)
		rc = 1;
	say("schedule: %d events in %d steps over %.0f s%s%s", t->nevents,
	    nsteps, topo_schedule_end(t),
	    pr.pid > 0 ? "; probing with ping every 0.2 s" : "",
	    lead > 0 ? "; scheduled ISL cuts drained" : "");
	if (speed != 1)
		say("speed %g: plan time t is due %g s of wall time after the start; the probe counts wall time",
		    speed, 1 / speed);
	if (lead > 0)
		say("drain: IGP cost %u at both ends %.1f s (wall) before each scheduled ISL cut; a link that comes back is restored once its adjacency%s is up (deadline %.0f s)",
		    t->underlay == UNDERLAY_ISIS ? DRAIN_ISIS_METRIC
						 : DRAIN_OSPF_COST,
		    lead, t->ldp ? " and LDP session" : "",
		    t->drain_deadline_s);
	if (nhandover)
		warnx_("%d handover events: logged, not applied (the runner does not re-wire ground stations yet)",
		       nhandover);
	t0 = now_mono();
	for (int i = 0; i < nacts && !interrupted(); i++) {
		const struct sched_action *a = &acts[i];
		double due = sched_wall(t0, a->due, speed);

		for (;;) {
			double left = due - now_mono();

			if (left <= 0 || interrupted())
				break;
			helper_failed +=
				reap_helpers(helpers, t->nlinks, false);
			if (pr.pid > 0)
				probe_read(&pr, left > 0.2 ? 200 : (int)(left * 1000) + 1);
			else
				sleep_s(left > 0.2 ? 0.2 : left);
		}
		if (interrupted())
			break;
		if (a->kind == SA_DRAIN || a->kind == SA_RESTORE) {
			struct helper *h = &helpers[a->link];

			if (h->pid > 0 && reap_helpers(h, 1, false) > 0)
				helper_failed++; /* it had finished, and failed
						  */
			if (h->pid > 0) {
				/* still at work (a restore waiting for its
				 * adjacency): the new action wins; being
				 * stopped is not its failure */
				printf("  (%s of %s stopped: a %s is due)\n",
				       h->kind == SA_DRAIN ? "drain"
							   : "restore",
				       t->links[a->link].name,
				       a->kind == SA_DRAIN ? "drain"
							   : "restore");
				kill(h->pid, SIGTERM);
				reap_helpers(h, 1, true);
			}
			h->kind = a->kind;
			h->pid = spawn_helper(l, a->kind, a->link,
					      t->events[a->ev].t,
					      t->drain_deadline_s);
			if (h->pid < 0)
				rc = 1;
			continue;
		}

		/* SA_APPLY */
		const struct event *ev = &t->events[a->ev];
		int ci = ev->link >= 0 ? ev->link : t->nlinks + ev->ground;
		char what[192];
		int r;

		if (step_n == 0) {
			/* a new step: how many events, to fold long ones */
			step_shown = 0;
			for (int j = i; j < nacts; j++)
				if (acts[j].kind == SA_APPLY &&
				    acts[j].step == a->step)
					step_shown++;
		}
		if (ev->link >= 0 && ev->action == EV_DOWN &&
		    helpers[ev->link].pid > 0 &&
		    helpers[ev->link].kind == SA_DRAIN) {
			helper_failed +=
				reap_helpers(&helpers[ev->link], 1, false);
			if (helpers[ev->link].pid > 0)
				printf("  (the drain of %s is still running at its cut)\n",
				       t->links[ev->link].name);
		}
		r = apply_event(l, ev, &cache[ci], what, sizeof(what));
		if (r < 0)
			rc = 1;
		step_n++;
		step_sets += ev->action == EV_SET;
		bool last = sched_step_ends(acts, nacts, i);
		double skew = last ? now_mono() - due : 0;

		if (step_shown == 1) {
			printf("t=%.1fs link %s %s%s%s%s [+%.1f ms]\n", ev->t,
			       event_name(t, ev), ev_action_str(ev->action),
			       what[0] ? " (" : "", what, what[0] ? ")" : "",
			       skew * 1000);
		} else if (ev->action != EV_SET || verbose || step_shown <= 4) {
			printf("t=%.1fs link %s %s%s%s%s\n", ev->t,
			       event_name(t, ev), ev_action_str(ev->action),
			       what[0] ? " (" : "", what, what[0] ? ")" : "");
		}
		if (r < 0)
			printf("  ^ failed (see stderr)\n");
		if (last) {
			skews[a->step] = skew;
			if (skew > 0.05)
				late50++;
			if (step_shown > 1)
				printf("t=%.1fs step: %d events (%d set), the last applied %.1f ms after its due time\n",
				       ev->t, step_n, step_sets, skew * 1000);
			step_n = step_sets = 0;
		}
		fflush(stdout);
	}
	/* restores still waiting for their adjacency */
	for (int i = 0; i < t->nlinks; i++)
		if (helpers[i].pid > 0 && !interrupted()) {
			say("waiting for the drain/restore helpers (deadline %.0f s)…",
			    t->drain_deadline_s);
			break;
		}
	helper_failed += reap_helpers(helpers, t->nlinks, true);
	if (pr.pid > 0) {
		/* a few seconds after the last event: recovery shows in the probe */
		double end = now_mono() + 8;

		while (now_mono() < end && !interrupted())
			probe_read(&pr, 200);
		probe_finish(&pr);
	}
	if (nsteps > 0 && !interrupted()) {
		struct sched_stats st;
		int worst = 0;

		sched_stats(skews, nsteps, &st);
		for (int i = 1; i < nsteps; i++)
			if (skews[i] > skews[worst])
				worst = i;
		double worst_plan_t = 0;

		for (int i = 0; i < nacts; i++)
			if (acts[i].kind == SA_APPLY && acts[i].step == worst) {
				worst_plan_t = acts[i].due;
				break;
			}
		printf("schedule skew (each step's last event vs its due time, %d steps, speed %g): median %.1f ms, p95 %.1f ms, max %.1f ms (step t=%.1fs); %d steps over 50 ms\n",
		       nsteps, speed, st.median * 1000, st.p95 * 1000,
		       st.max * 1000, worst_plan_t, late50);
	}
	if (helper_failed) {
		warnx_("%d drain/restore helpers failed (see above)",
		       helper_failed);
		rc = rc ? rc : 1;
	}
	free(acts);
	free(cache);
	free(helpers);
	free(skews);
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
