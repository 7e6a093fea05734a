/*
 * sweep_srv: the server of one point, started fresh and pinned: one of our
 * variants (ready when it prints "listening on ADDR:PORT"; a refusal at
 * start-up, such as kTLS on a kernel without it, is an exit with a message)
 * or a peer (nginx, lighttpd, h2o: ready when its port accepts).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "peer_config.h"
#include "sweep_proc.h"
#include "sweep_srv.h"

#define SRV_READY_MS 10000 /* generous: the machine may be busy */
#define SRV_STOP_MS  3000

/* A free TCP port on addr in this namespace (loopback, ssh), or -errno. */
static int free_port(const char *addr)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    !getsockname(fd, (struct sockaddr *)&sa, &len))
		port = ntohs(sa.sin_port);
	else
		port = -errno;
	if (fd >= 0)
		close(fd);
	return port;
}

/* A child that setns into ns and retries a connect to addr:port until it
 * works (exit 0) or timeout_ms passes (exit 1). */
static pid_t spawn_port_check(const char *ns, const char *addr, int port, int timeout_ms)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (ns && *ns) {
		char path[128];
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
		int fd = open(path, O_RDONLY);
		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(2);
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, addr, &sa.sin_addr);
	for (double end = sweep_now() + timeout_ms / 1000.0; sweep_now() < end; sweep_sleep_ms(20)) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		int ok = fd >= 0 && !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		if (fd >= 0)
			close(fd);
		if (ok)
			_exit(0);
	}
	_exit(1);
}

/* The process and its descendants (nginx's workers, ...). */
static void collect_pids(struct sweep_srv *s, int pid)
{
	char path[96], buf[1024];
	FILE *f;

	if (s->npids == (int)(sizeof(s->pids) / sizeof(s->pids[0])))
		return;
	s->pids[s->npids++] = pid;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		char *save = NULL;
		for (char *tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			collect_pids(s, atoi(tok));
	}
	fclose(f);
}

/* Poll until ready; 0 ready, 1 refused (exited non-zero at once), or
 * -errno: -ECHILD it died otherwise, -ETIMEDOUT not ready in time, -EINTR
 * the sweep was stopped. */
static int wait_ready(struct sweep_srv *s, const struct topo *t, int ours, char *err, size_t errlen)
{
	char out_path[PATH_MAX + 8], line[512];
	pid_t check = -1;
	int status, ret = -ETIMEDOUT;

	snprintf(out_path, sizeof(out_path), "%s/out", s->dir);
	if (!ours && (check = spawn_port_check(t->srv_ns, t->srv_addr, s->port, SRV_READY_MS)) < 0) {
		ret = -errno;
		snprintf(err, errlen, "fork: %s", strerror(-ret));
		return ret;
	}
	for (double end = sweep_now() + SRV_READY_MS / 1000.0; sweep_now() < end && !sweep_stop;
	     sweep_sleep_ms(10)) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			char how[64];
			s->pid = 0;
			sweep_tail(s->err_path, line, sizeof(line));
			sweep_status_str(status, how, sizeof(how));
			snprintf(err, errlen, "%s at start-up: %s", how, line[0] ? line : "no message");
			ret = WIFEXITED(status) && WEXITSTATUS(status) ? 1 : -ECHILD;
			goto cleanup;
		}
		if (ours) {
			FILE *f = fopen(out_path, "r");
			int found = 0;
			while (f && fgets(line, sizeof(line), f)) {
				char *p = strstr(line, "listening on ");
				char *colon = p ? strchr(p + 13, ' ') : NULL;
				if (!p)
					continue;
				if (colon)
					*colon = 0;
				colon = strrchr(p + 13, ':');
				if (colon)
					s->port = atoi(colon + 1);
				found = s->port > 0;
			}
			if (f)
				fclose(f);
			if (found) {
				ret = 0;
				goto cleanup;
			}
		} else if (waitpid(check, &status, WNOHANG) == check) {
			check = -1;
			if (WIFEXITED(status) && !WEXITSTATUS(status)) {
				sweep_sleep_ms(200); /* let the master fork its workers */
				ret = 0;
				goto cleanup;
			}
			break;
		}
	}
	if (sweep_stop)
		ret = -EINTR;
	snprintf(err, errlen, "%s", sweep_stop ? "interrupted" : "not ready within 10 s");
cleanup:
	if (check > 0) {
		kill(check, SIGKILL);
		waitpid(check, &status, 0);
	}
	return ret;
}

int sweep_srv_start(struct sweep_srv *s, const struct sweep_opts *o, const struct topo *t,
		    const struct variant *variant, const char *root, const char *tls_dir, char *err,
		    size_t errlen)
{
	char bin[PATH_MAX + VARIANT_NAME_MAX + 16], listen[96], threads[16], out_path[PATH_MAX + 8],
		cert[PATH_MAX + 16], key[PATH_MAX + 16];
	const char *argv[40];
	int n = 0, ours = !variant->peer, ret;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/wirelab-srv-%d-XXXXXX", (int)getpid());
	if (!mkdtemp(s->dir)) {
		ret = -errno;
		snprintf(err, errlen, "mkdtemp: %s", strerror(-ret));
		s->dir[0] = 0;
		return ret;
	}
	snprintf(s->err_path, sizeof(s->err_path), "%s/err", s->dir);
	snprintf(out_path, sizeof(out_path), "%s/out", s->dir);
	/* in a namespace of our own the port is ours; elsewhere ask the kernel */
	s->port = t->kind == TOPO_NETNS ? 8080 : ours ? 0 : free_port(t->listen_addr);
	if (s->port < 0) {
		snprintf(err, errlen, "no free port on %s: %s", t->listen_addr, strerror(-s->port));
		return s->port;
	}
	if (ours) {
		snprintf(bin, sizeof(bin), "%s/%s/wirelab-httpd", o->build, variant->name);
		snprintf(listen, sizeof(listen), "%s:%d", t->listen_addr, s->port);
		snprintf(threads, sizeof(threads), "%d", o->nserver_cpus);
		argv[n++] = bin;
		argv[n++] = "--root";
		argv[n++] = root;
		argv[n++] = "--listen";
		argv[n++] = listen;
		argv[n++] = "--threads";
		argv[n++] = threads;
		argv[n++] = "--cpus";
		argv[n++] = o->server_cpus;
		if (o->sqpoll && variant_is(variant, "loop", "uring"))
			argv[n++] = "--sqpoll";
		if (!variant_is(variant, "tls", "plain")) {
			snprintf(cert, sizeof(cert), "%s/cert.pem", tls_dir);
			snprintf(key, sizeof(key), "%s/key.pem", tls_dir);
			argv[n++] = "--cert";
			argv[n++] = cert;
			argv[n++] = "--key";
			argv[n++] = key;
		}
		argv[n] = NULL;
	} else if ((ret = peer_config(variant->name, s->dir, root, t->listen_addr, s->port, o, argv, 40, err,
				      errlen)))
		return ret;
	struct sweep_child_spec cs = {.argv = argv,
				      .netns = t->srv_ns,
				      .cpus = o->server_cpu_list,
				      .ncpus = o->nserver_cpus,
				      .out_path = out_path,
				      .err_path = s->err_path,
				      .cwd = s->dir};
	s->pid = sweep_spawn(&cs);
	if (s->pid < 0) {
		ret = (int)s->pid;
		snprintf(err, errlen, "fork: %s", strerror(-ret));
		s->pid = 0;
		return ret;
	}
	ret = wait_ready(s, t, ours, err, errlen);
	if (!ret)
		collect_pids(s, s->pid);
	return ret;
}

int sweep_srv_alive(struct sweep_srv *s, char *err, size_t errlen)
{
	int status;
	char how[64], line[400];

	if (s->pid > 0 && waitpid(s->pid, &status, WNOHANG) == 0)
		return 1;
	if (s->pid > 0) {
		sweep_status_str(status, how, sizeof(how));
		sweep_tail(s->err_path, line, sizeof(line));
		snprintf(err, errlen, "server died (%s)%s%s", how, line[0] ? ": " : "", line);
		s->pid = 0;
	}
	return 0;
}

void sweep_srv_stop(struct sweep_srv *s)
{
	char cmd[PATH_MAX + 16];

	if (s->pid > 0)
		sweep_kill(s->pid, SRV_STOP_MS);
	s->pid = 0;
	if (s->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		if (system(cmd)) {
			/* a leftover scratch folder in /tmp is harmless */
		}
		s->dir[0] = 0;
	}
}

double sweep_srv_proc_cpu(const struct sweep_srv *s, int *bad_pid)
{
	long hz = sysconf(_SC_CLK_TCK);
	double sum = 0;
	int known = 1;

	for (int i = 0; i < s->npids; i++) {
		char path[64], buf[1024];
		unsigned long ut, st;
		FILE *f;
		snprintf(path, sizeof(path), "/proc/%d/stat", s->pids[i]);
		f = fopen(path, "r");
		char *p = f && fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		/* after "pid (comm)": fields 3.. ; utime and stime are 14 and 15 */
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
			sum += (double)(ut + st) / hz;
		else if (known) {
			/* a process gone (and reaped) or a stat we cannot read: its
			 * time is not in the sum, which would read low, not as 0 */
			known = 0;
			if (bad_pid)
				*bad_pid = s->pids[i];
		}
		if (f)
			fclose(f);
	}
	return known ? sum : NAN;
}
