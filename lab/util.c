// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util.c: progress and error messages, time, files and child processes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "satnet-lab.h"

const char *progname = "satnet-lab";
int verbose;

/* One write per message: the lab's children (FRR start per satellite)
 * print at the same time. */
static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048];
	int n = snprintf(buf, sizeof(buf), "%s: %s", progname, prefix);

	if (n < 0 || n >= (int)sizeof(buf) - 2)
		n = 0;
	int m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);

	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	fflush(stdout);
	if (write(2, buf, n) < 0) {
		/* nowhere to report it */
	}
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void vsay(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void errx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

bool interrupted(void)
{
	return got_signal != 0;
}

void install_signals(void)
{
	struct sigaction sa = {};

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - ts.tv_sec) * 1e9);
	/* EINTR ends the sleep early: callers check interrupted() */
	nanosleep(&ts, NULL);
}

static void oom(void)
{
	fputs("satnet-lab: out of memory\n", stderr);
	abort();
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (cap - n < 4096) {
			char *nb;

			cap = cap ? 2 * cap : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb)
				oom();
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(buf);
		errno = e;
		return NULL;
	}
	fclose(f);
	if (!buf)
		buf = xcalloc(1, 1);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int write_file(const char *path, const char *data, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t len = strlen(data), off = 0;

	if (fd < 0) {
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			unlink(tmp);
			free(tmp);
			return -1;
		}
		off += w;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	char *p;

	if (strlen(path) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = path_join(path, e->d_name);
		if (rm_rf(p) < 0)
			rc = -1;
		free(p);
	}
	closedir(d);
	if (rmdir(path) < 0)
		rc = -1;
	return rc;
}

int chown_frr(const char *path)
{
	struct passwd *pw = getpwnam("frr");
	struct group *gr = getgrnam("frr");

	if (!pw || !gr) {
		errno = ENOENT;
		return -1;
	}
	return chown(path, pw->pw_uid, gr->gr_gid);
}

char *path_join(const char *dir, const char *rel)
{
	if (rel[0] == '/' || !dir || !dir[0])
		return xstrdup(rel);
	return xasprintf("%s/%s", dir, rel);
}

char *argv_str(char *const argv[])
{
	size_t cap = 256, n = 0;
	char *s = xcalloc(1, cap);

	for (int i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool q = !a[0] || strpbrk(a, " \t'\"$\\|&;<>()*?") != NULL;
		size_t need = strlen(a) * 4 + 4;

		if (n + need + 1 >= cap) {
			cap = (n + need + 1) * 2;
			s = realloc(s, cap);
			if (!s)
				oom();
		}
		if (i)
			s[n++] = ' ';
		if (q)
			s[n++] = '\'';
		for (; *a; a++) {
			if (q && *a == '\'') {
				memcpy(s + n, "'\\''", 4);
				n += 4;
			} else {
				s[n++] = *a;
			}
		}
		if (q)
			s[n++] = '\'';
		s[n] = '\0';
	}
	return s;
}

/* ---------------------------------------------------------------- children */

static void child_exec(char *const argv[], int nsfd)
{
	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "setns: %s\n", strerror(errno));
		_exit(126);
	}
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

pid_t spawn_cmd(char *const argv[], int nsfd, int *outfd)
{
	int p[2] = {-1, -1};
	pid_t pid;

	if (outfd && pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		if (outfd) {
			close(p[0]);
			close(p[1]);
		}
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0) {
			dup2(devnull, 0);
			close(devnull);
		}
		if (outfd)
			dup2(p[1], 1);
		child_exec(argv, nsfd);
	}
	if (outfd) {
		close(p[1]);
		*outfd = p[0];
	}
	return pid;
}

/* Read both pipes until EOF; grows *buf. */
static void drain(int fd, char **buf, size_t *len, size_t *cap, struct pollfd *pfd)
{
	char tmp[4096];
	ssize_t r = read(fd, tmp, sizeof(tmp));

	if (r <= 0) {
		if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
			close(fd);
			pfd->fd = -1;
		}
		return;
	}
	if (*len + r + 1 > *cap) {
		*cap = (*len + r + 1) * 2;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			oom();
	}
	memcpy(*buf + *len, tmp, r);
	*len += r;
	(*buf)[*len] = '\0';
}

int run_cmd(char *const argv[], int nsfd, char **out, int flags)
{
	int po[2] = {-1, -1}, pe[2] = {-1, -1};
	bool cap_out = !(flags & RUN_STDOUT);
	bool cap_err = !(flags & RUN_STDERR);
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, ocap = 0, elen = 0, ecap = 0;
	struct pollfd pfd[2] = {{.fd = -1}, {.fd = -1}};
	pid_t pid;
	int st, rc;

	if (verbose) {
		char *c = argv_str(argv);

		say("+ %s", c);
		free(c);
	}
	if ((cap_out && pipe2(po, O_CLOEXEC) < 0) ||
	    (cap_err && pipe2(pe, O_CLOEXEC) < 0)) {
		errx_("pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		errx_("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0) {
			dup2(devnull, 0);
			close(devnull);
		}
		if (cap_out)
			dup2(po[1], 1);
		if (cap_err)
			dup2(pe[1], 2);
		child_exec(argv, nsfd);
	}
	if (cap_out) {
		close(po[1]);
		pfd[0].fd = po[0];
		pfd[0].events = POLLIN;
	}
	if (cap_err) {
		close(pe[1]);
		pfd[1].fd = pe[0];
		pfd[1].events = POLLIN;
	}
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].fd >= 0 && pfd[0].revents)
			drain(pfd[0].fd, &obuf, &olen, &ocap, &pfd[0]);
		if (pfd[1].fd >= 0 && pfd[1].revents)
			drain(pfd[1].fd, &ebuf, &elen, &ecap, &pfd[1]);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (rc != 0 && !(flags & RUN_QUIET)) {
		char *cmd = argv_str(argv);
		char *e = ebuf ? ebuf : obuf;

		if (e) {
			size_t l = strlen(e);

			while (l && (e[l - 1] == '\n' || e[l - 1] == ' '))
				e[--l] = '\0';
		}
		errx_("command failed (exit status %d): %s%s%s", rc, cmd,
		      e && *e ? ": " : "", e && *e ? e : "");
		free(cmd);
	}
	if (out)
		*out = obuf ? obuf : xstrdup("");
	else
		free(obuf);
	free(ebuf);
	return rc;
}

int run_cmdv(int nsfd, char **out, int flags, const char *arg0, ...)
{
	char *argv[64];
	va_list ap;
	int n = 0;

	argv[n++] = (char *)arg0;
	va_start(ap, arg0);
	while (n < 63 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_cmd(argv, nsfd, out, flags);
}
