/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * satnet-lab: a constellation of satellites (FRR with satnet) from one
 * topology file. Shared declarations of the lab tool.
 *
 * Layers, each in one file:
 *   topo.c     the topology file (json-c) -> struct topo, validated
 *   frrconf.c  struct topo -> one integrated frr.conf per satellite
 *   knl.c      the kernel side through libnl-3 (veths, addresses, routes,
 *              netem/tbf, VRF devices, readback), one socket per node
 *   lab.c      backends (netns, podman): up, down, daemons, state dir
 *   ops.c      what runs against a live lab: wait, schedule, status,
 *              report and label trace
 *   export.c   containerlab YAML
 *   generate.c `generate grid` and `generate walker` (topology JSON)
 *   walker.c   the orbital model of a Walker constellation (libm only)
 *   sched.c    the schedule runner's plan: speed, drain actions, skew
 *   util.c     logging, child processes, time, files
 *   main.c     the command line
 */
#ifndef SATNET_LAB_H
#define SATNET_LAB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "walker.h"

#define LAB_NAME_MAX 32
#define NODE_NAME_MAX 32
#define IFNAME_LEN 16 /* IFNAMSIZ */
#define ADDR_LEN 48

struct json_object;
struct nl_sock;

/* ------------------------------------------------------------ topology */

/* Impairment of one link; applied with netem (delay, jitter, loss) and a
 * tbf child qdisc (rate) on both ends. */
struct impair {
	double delay_ms;
	double jitter_ms;
	double loss_pct;
	double rate_mbit; /* 0: unlimited */
};

/* Which fields of a struct impair a schedule event sets. */
enum {
	IMP_DELAY = 1 << 0,
	IMP_JITTER = 1 << 1,
	IMP_LOSS = 1 << 2,
	IMP_RATE = 1 << 3,
};

enum underlay { UNDERLAY_OSPF, UNDERLAY_ISIS, UNDERLAY_NONE };

struct vrf {
	char name[IFNAME_LEN];
	uint32_t table;
	char rd[64]; /* "" = <loopback>:<table> per node */
	char rt[64]; /* "" = <as>:<table> */
};

struct sat {
	char name[NODE_NAME_MAX];
	char loopback[ADDR_LEN]; /* address only, /32 implied */
	uint32_t label_lo, label_hi; /* 0,0: none */
	uint32_t as;
	char *frr_config;   /* verbatim frr.conf (absolute path) or NULL */
	char *frr_template; /* template file (absolute path) or NULL */
};

struct link {
	int a, b; /* satellite indices */
	char name[2 * NODE_NAME_MAX + 2]; /* "sat1-sat2" as written */
	char a_if[IFNAME_LEN], b_if[IFNAME_LEN];
	char a_addr[ADDR_LEN], b_addr[ADDR_LEN];
	int plen;
	struct impair imp;
	uint32_t cost; /* 0: IGP default */
};

struct ground {
	char name[NODE_NAME_MAX];
	int sat;  /* satellite index */
	int vrf;  /* index into topo.vrfs, -1: global table */
	char addr[ADDR_LEN];     /* the ground station's address */
	char sat_addr[ADDR_LEN]; /* the satellite's address on that link */
	int plen;
	char sat_if[IFNAME_LEN]; /* on the satellite: gs-<name> */
	char gs_if[IFNAME_LEN];  /* on the ground station: eth-<sat> */
	struct impair imp;
};

/* EV_HANDOVER: a ground station moves to another satellite (the plan of
 * `generate walker`); the runner logs it, re-wiring is not done yet. */
enum ev_action { EV_DOWN, EV_UP, EV_SET, EV_HANDOVER };

struct event {
	double t;
	int link;         /* index into links, or -1 with ground >= 0 */
	int ground;       /* ground link index (its name), -1 for an ISL */
	enum ev_action action;
	struct impair imp;
	unsigned int mask; /* IMP_* for EV_SET (and a handover's delay) */
	int sat;	   /* EV_HANDOVER: the satellite it moves to */
	bool mbb;	   /* EV_HANDOVER: both satellites visible */
};

struct topo {
	char name[LAB_NAME_MAX];
	char *path; /* absolute path of the file */
	char *dir;  /* its directory, for relative paths */
	enum underlay underlay;
	bool ldp;
	uint32_t as;
	char *frr_template; /* default template for all satellites, or NULL */
	struct impair link_def, ground_def;
	/* BFD on the ISLs (defaults.bfd): bfdd runs, the IGP registers */
	bool bfd;
	uint32_t bfd_interval_ms, bfd_mult;
	/* drain of scheduled ISL changes (defaults.drain); lead 0: off */
	double drain_lead_s, drain_deadline_s;

	struct sat *sats;
	int nsats;
	struct link *links;
	int nlinks;
	struct ground *grounds;
	int ngrounds;
	struct vrf *vrfs;
	int nvrfs;
	struct event *events;
	int nevents;
};

/* Parse and validate a topology file. On error prints
 * "FILE: where: what" to stderr and returns NULL. */
struct topo *topo_load(const char *path);
/* Load a schedule (a file holding {"schedule": [...]} or a bare array)
 * into topo, replacing its events. */
int topo_load_schedule(struct topo *t, const char *path);
void topo_free(struct topo *t);
int topo_sat(const struct topo *t, const char *name);
int topo_ground(const struct topo *t, const char *name);
int topo_link(const struct topo *t, const char *name);
bool topo_needs_mpls(const struct topo *t);
bool topo_needs_vrf(const struct topo *t);
bool topo_needs_netem(const struct topo *t);
bool topo_is_pe(const struct topo *t, int sat); /* has a ground station in a VRF */
bool impair_any(const struct impair *imp);
double topo_schedule_end(const struct topo *t);
const char *ev_action_str(enum ev_action a);
void impair_str(const struct impair *imp, char *buf, size_t len);

/* ------------------------------------------------------------ frr.conf */

enum frr_mode { MODE_SATNET, MODE_STOCK };

struct frrconf_opts {
	enum frr_mode mode;
	bool addresses; /* emit `ip address` (containerlab: nobody else sets them) */
};

/* Returns a malloc'd frr.conf for satellite `sat`, or NULL (message
 * printed) when a template or verbatim file cannot be read. */
char *frrconf_generate(const struct topo *t, int sat,
		       const struct frrconf_opts *o);

/* ------------------------------------------------------------ kernel (libnl) */

/* A node's network namespace, opened once: its fd and a netlink socket
 * that lives in it. */
struct nsh {
	int fd;
	struct nl_sock *sk;
};

int knl_open(struct nsh *h, int nsfd); /* takes ownership of nsfd */
void knl_close(struct nsh *h);
int knl_run_in(const struct nsh *h, int (*fn)(void *), void *arg);
int knl_sysctl(const struct nsh *h, const char *path, const char *value);
int knl_link_up(const struct nsh *h, const char *ifname, bool up);
int knl_veth(const struct nsh *a, const char *a_if, const struct nsh *b,
	     const char *b_if);
int knl_addr_add(const struct nsh *h, const char *ifname, const char *addr,
		 int plen);
int knl_default_route(const struct nsh *h, const char *gw);
int knl_vrf_add(const struct nsh *h, const char *name, uint32_t table);
int knl_enslave(const struct nsh *h, const char *ifname, const char *master);
int knl_impair_set(const struct nsh *h, const char *ifname,
		   const struct impair *imp);
/* The same when the caller knows the interface's index and what its
 * qdiscs hold now (netem there or not, the rate): no readback first. */
int knl_impair_apply(const struct nsh *h, const char *ifname, int ifindex,
		     const struct impair *imp, bool cur_netem,
		     double cur_rate_mbit);
int knl_ifindex(const struct nsh *h, const char *ifname);

/* Read back from the kernel. */
struct if_state {
	bool exists;
	bool admin_up;
	char oper[16];
	bool netem;   /* a netem root qdisc is there */
	bool netem_ok; /* its parameters could be read */
	struct impair imp;
	uint64_t rx_packets, tx_packets;
};
int knl_if_state(const struct nsh *h, const char *ifname, struct if_state *st);

/* Forwarding entries, for the label trace. */
#define MAX_LABELS 8
struct fwd {
	bool found;
	char prefix[ADDR_LEN + 4];
	char via[ADDR_LEN];
	char dev[IFNAME_LEN];
	uint32_t labels[MAX_LABELS]; /* push (IPv4) or swap-to (MPLS) */
	int nlabels;
	int nexthops;       /* how many (ECMP); the first is described */
	bool blackhole;     /* unreachable/blackhole/prohibit */
};
int knl_route_lookup(const struct nsh *h, uint32_t table, const char *dst,
		     struct fwd *f);
int knl_mpls_lookup(const struct nsh *h, uint32_t label, struct fwd *f);
int knl_capabilities(bool *mpls, bool *vrf, bool *netem, char *why,
		     size_t whylen);

/* ------------------------------------------------------------ lab */

enum backend { BACKEND_NETNS, BACKEND_PODMAN };
#define PODMAN_IMAGE_DEFAULT "satnet/satellite:latest"

struct node {
	char name[NODE_NAME_MAX];
	bool sat;
	int idx; /* into sats or grounds */
	char ns[LAB_NAME_MAX + NODE_NAME_MAX + 2]; /* netns or container name */
	struct nsh h;
	bool open;
	bool created; /* by this lab: `down` removes only these */
};

struct lab {
	struct topo *topo;
	enum backend backend;
	enum frr_mode mode;
	char image[128];
	char moduledir[256];
	char statedir[256];
	double t0;        /* monotonic start of the command */
	double t_daemons; /* when the last daemon started */
	struct node *nodes;
	int nnodes;
	bool no_netem;
};

#define STATE_ROOT "/run/satnet-lab"

struct up_opts {
	bool keep_on_error;
	bool no_netem;
	bool no_frr; /* nodes and links only (the schedule benchmark) */
};

int lab_init(struct lab *l, struct topo *t, enum backend be, enum frr_mode m);
int lab_up(struct lab *l, const struct up_opts *o);
int lab_down(struct lab *l, bool quiet);
int lab_attach(struct lab *l, const char *name); /* from the state dir */
void lab_release(struct lab *l);
int lab_open_nodes(struct lab *l, bool must);
struct node *lab_node(struct lab *l, const char *name);
struct node *lab_sat_node(struct lab *l, int sat);
struct node *lab_ground_node(struct lab *l, int g);
int lab_list(char names[][LAB_NAME_MAX], int max);
int lab_exec(struct lab *l, struct node *n, char **argv, bool tty);
int lab_vtysh(struct lab *l, struct node *n, char **argv, int argc,
	      bool capture_to_stdout);
int lab_vtysh_capture(struct lab *l, struct node *n, const char *cmd,
		      char **out);
int lab_vtysh_cmds(struct lab *l, struct node *n, const char *const cmds[],
		   char **out);
int lab_write_state(struct lab *l, const char *phase);
int lab_daemons(struct lab *l, struct node *n, char *buf, size_t len);
void lab_print_logs(struct lab *l, struct node *n, int lines);

/* ------------------------------------------------------------ operations */

int op_wait_ready(struct lab *l, double timeout_s, double *first_ping);
int op_apply_event(struct lab *l, const struct event *ev, double tsec);
/* The schedule runner (lab/README.md "Link dynamics"). */
struct sched_opts {
	bool probe;	   /* ping between the first ground pair meanwhile */
	double speed;	   /* plan seconds per wall second (1: real time) */
	double drain_lead; /* wall seconds; < 0: the topology's defaults.drain */
};
#define DRAIN_OSPF_COST 65535u
#define DRAIN_ISIS_METRIC 16777214u
int op_run_schedule(struct lab *l, const struct sched_opts *o);
int op_status(struct lab *l, bool json);
int op_report(struct lab *l);
int op_trace(struct lab *l, int from_g, int to_g);
int op_link(struct lab *l, const char *linkname, enum ev_action a,
	    const struct impair *imp, unsigned int mask);

/* ------------------------------------------------------------ export */

int export_containerlab(const struct topo *t, const char *out,
			const char *image);

/* ------------------------------------------------------------ generate */

int generate_parse_size(const char *arg, int *planes, int *slots);
int generate_grid(int planes, int slots, const char *name, const char *out);

/* `generate walker`: the model (walker.h) and what goes into the file */
struct walker_gen {
	struct walker_params params;
	const char *name;
	const char *out;      /* NULL: stdout */
	const char *plan_out; /* NULL: the plan is the topology's "schedule" */
	bool bfd;
	double drain_lead_s; /* 0: no drain */
};
int generate_walker(const struct walker_gen *g);

/* ------------------------------------------------------------ util */

extern const char *progname;
extern int verbose;

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void errx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vsay(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double now_mono(void);
bool interrupted(void);
void install_signals(void);
void sleep_s(double s);
char *xstrdup(const char *s);
void *xcalloc(size_t n, size_t sz);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *read_file(const char *path, size_t *len);
int write_file(const char *path, const char *data, mode_t mode);
int mkdir_p(const char *path, mode_t mode);
int rm_rf(const char *path);
int chown_frr(const char *path);
char *path_join(const char *dir, const char *rel);
char *argv_str(char *const argv[]);

/* Child processes. run_cmd waits and returns the exit status (128+sig),
 * or -1 when it could not start; it prints the command and its stderr
 * on failure unless RUN_QUIET. With nsfd >= 0 the child enters that
 * network namespace first. out (optional) receives stdout. */
#define RUN_QUIET 1
#define RUN_STDOUT 2 /* let stdout through instead of capturing */
#define RUN_STDERR 4 /* let stderr through */
int run_cmd(char *const argv[], int nsfd, char **out, int flags);
int run_cmdv(int nsfd, char **out, int flags, const char *arg0, ...);
pid_t spawn_cmd(char *const argv[], int nsfd, int *outfd);

#endif
