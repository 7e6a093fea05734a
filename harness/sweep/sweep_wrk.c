/*
 * sweep_wrk: one wrk window. wrk runs under `sh -c 'wrk ...; times'`, so
 * the shell reports wrk's own CPU time (user + system) on every topology,
 * ssh included, and then exits with wrk's status; the Lua script's done()
 * prints the JSON summary. A window whose wrk exits non-zero or prints no
 * summary fails with wrk's status and its last stderr line as the reason. Under ssh
 * the connections are split over the client hosts and the results summed:
 * requests, bytes and errors add up, p50 and the mean are weighted by
 * requests, and p99, p99.9 and max are the worst host's (an upper bound,
 * since percentiles of separate histograms cannot be merged exactly).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep_point.h"
#include "sweep_proc.h"
#include "sweep_wrk.h"

#define WRK_GRACE_S 20 /* wrk's own timeouts (2 s) plus start-up on a busy machine */

struct wrk_job {
	pid_t pid;
	char out[64], err[64];
	int conns, threads;
};

/* The worst host's figure; unknown when any host's is. */
static double worst_of(double acc, double one, int first)
{
	return first ? one : isnan(acc) || isnan(one) ? NAN : fmax(acc, one);
}

static int parse_out(const char *path, struct wrk_result *r, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	json_t *j = NULL;
	int m1, m2, have_times = 0;
	double s1, s2;

	memset(r, 0, sizeof(*r));
	if (!f) {
		snprintf(err, errlen, "no wrk output");
		return -ENOENT;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "WIRELAB_JSON ", 13)) {
			json_decref(j);
			j = json_loads(line + 13, 0, NULL);
		} else if (sscanf(line, "%dm%lfs %dm%lfs", &m1, &s1, &m2, &s2) == 4) {
			/* `times`: the shell's own line, then its children's (wrk) */
			r->client_cpu_s = m1 * 60 + s1 + m2 * 60 + s2;
			have_times++;
		}
	}
	fclose(f);
	if (!j) {
		snprintf(err, errlen, "wrk printed no summary");
		return -EPROTO;
	}
	json_t *e = json_object_get(j, "errors"), *l = json_object_get(j, "latency_us");
#define JI(o, k) ((uint64_t)json_integer_value(json_object_get(o, k)))
/* a figure the summary lacks is unknown (an empty cell), never 0 */
#define JN(o, k) (json_is_number(json_object_get(o, k)) ? json_number_value(json_object_get(o, k)) : NAN)
	r->requests = JI(j, "requests");
	r->bytes = JI(j, "bytes");
	r->duration_s = JN(j, "duration_us") / 1e6;
	r->err_connect = JI(e, "connect");
	r->err_read = JI(e, "read");
	r->err_write = JI(e, "write");
	r->err_status = JI(e, "status");
	r->err_timeout = JI(e, "timeout");
	r->p50_us = JN(l, "p50");
	r->p99_us = JN(l, "p99");
	r->p999_us = JN(l, "p999");
	r->mean_us = JN(l, "mean");
	r->max_us = JN(l, "max");
#undef JI
#undef JN
	json_decref(j);
	if (have_times < 2)
		r->client_cpu_s = NAN;
	return 0;
}

static pid_t start_one(const struct sweep_opts *o, const struct topo *t, struct wrk_job *job, int host,
		       const char *url, int seconds)
{
	char cmd[1024], tc[16], cc[16], dur[16];
	const char *argv[16];
	int n = 0;

	snprintf(tc, sizeof(tc), "%d", job->threads);
	snprintf(cc, sizeof(cc), "%d", job->conns);
	snprintf(dur, sizeof(dur), "%ds", seconds);
	if (t->kind == TOPO_SSH) {
		snprintf(cmd, sizeof(cmd),
			 "cd /tmp && WIRELAB_CLOSE=%d wrk -t %s -c %s -d %s -s /tmp/wirelab-summary-%d.lua "
			 "%s; s=$?; times; exit $s",
			 o->conn_close, tc, cc, dur, (int)getpid(), url);
		n = topo_ssh_argv(o, host, cmd, argv);
	} else {
		snprintf(cmd, sizeof(cmd), "WIRELAB_CLOSE=%d wrk \"$@\"; s=$?; times; exit $s",
			 o->conn_close);
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = cmd;
		argv[n++] = "sh";
		argv[n++] = "-t";
		argv[n++] = tc;
		argv[n++] = "-c";
		argv[n++] = cc;
		argv[n++] = "-d";
		argv[n++] = dur;
		argv[n++] = "-s";
		argv[n++] = o->lua;
		argv[n++] = url;
	}
	argv[n] = NULL;
	struct sweep_child_spec cs = {.argv = argv,
				      .netns = t->cli_ns,
				      /* remote hosts pin themselves, if at all */
				      .cpus = t->kind == TOPO_SSH ? NULL : o->client_cpu_list,
				      .ncpus = o->nclient_cpus,
				      .out_path = job->out,
				      .err_path = job->err,
				      .cwd = "/tmp"};
	return sweep_spawn(&cs);
}

int sweep_wrk_run(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p, int port,
		  int tls, int seconds, double stop_after, struct wrk_result *r, char *err, size_t errlen)
{
	int nhosts = t->kind == TOPO_SSH ? o->nclient_hosts : 1, ret = 0, status, merged = 0;
	struct wrk_job jobs[SWEEP_MAX_HOSTS];
	char url[256];

	memset(r, 0, sizeof(*r));
	memset(jobs, 0, sizeof(jobs));
	snprintf(url, sizeof(url), "%s://%s:%d/f%ld", tls ? "https" : "http", t->srv_addr, port, p->size);
	for (int h = 0; h < nhosts; h++) {
		struct wrk_job *j = &jobs[h];
		j->conns = p->conns / nhosts + (h < p->conns % nhosts);
		j->threads = j->conns < p->threads ? j->conns : p->threads;
		if (!j->conns)
			continue;
		snprintf(j->out, sizeof(j->out), "/tmp/wirelab-wrk-%d-%d.out", (int)getpid(), h);
		snprintf(j->err, sizeof(j->err), "/tmp/wirelab-wrk-%d-%d.err", (int)getpid(), h);
		j->pid = start_one(o, t, j, h, url, seconds);
		if (j->pid < 0) {
			ret = (int)j->pid;
			snprintf(err, errlen, "fork: %s", strerror(-ret));
			j->pid = 0;
		}
	}
	double t0 = sweep_now();
	/* the window is over when every wrk has exited */
	for (int h = 0; h < nhosts; h++) {
		struct wrk_job *j = &jobs[h];
		if (!j->pid)
			continue;
		if (stop_after > 0 && t->kind != TOPO_SSH) {
			int left = (int)((t0 + stop_after - sweep_now()) * 1000);
			if (!sweep_wait(j->pid, left > 0 ? left : 0, &status)) {
				sweep_kill(j->pid, 2000); /* warm-up only: its figures are not used */
				j->pid = 0;
				continue;
			}
		} else if (!sweep_wait(j->pid, (seconds + WRK_GRACE_S) * 1000, &status)) {
			sweep_kill(j->pid, 2000);
			snprintf(err, errlen, "%s",
				 sweep_stop ? "interrupted" : "wrk did not finish in time");
			j->pid = 0;
			ret = sweep_stop ? -EINTR : -ETIMEDOUT;
			continue;
		}
		j->pid = 0;
		if (stop_after > 0)
			continue;
		struct wrk_result one;
		char why[256];
		int bad_exit = !WIFEXITED(status) || WEXITSTATUS(status);
		if (parse_out(j->out, &one, why, sizeof(why)) || bad_exit) {
			char tail[300], how[64];
			sweep_tail(j->err, tail, sizeof(tail));
			sweep_status_str(status, how, sizeof(how));
			if (bad_exit)
				snprintf(why, sizeof(why), "wrk failed");
			snprintf(err, errlen, "%s%s%s%s (%s): %s", t->kind == TOPO_SSH ? "on " : "",
				 t->kind == TOPO_SSH ? o->client_hosts[h] : "",
				 t->kind == TOPO_SSH ? ": " : "", why, how, tail[0] ? tail : "no message");
			ret = -EIO;
			continue;
		}
		double cap = t->kind == TOPO_SSH	    ? j->threads
			     : j->threads < o->nclient_cpus ? j->threads
							    : o->nclient_cpus;
		double busy = one.client_cpu_s / (one.duration_s * cap);
		/* weighted by requests; a host's unknown (NAN) makes the sum unknown */
		r->p50_us = (r->p50_us * r->requests + one.p50_us * one.requests) /
			    fmax(1, r->requests + one.requests);
		r->mean_us = (r->mean_us * r->requests + one.mean_us * one.requests) /
			     fmax(1, r->requests + one.requests);
		r->requests += one.requests;
		r->bytes += one.bytes;
		r->err_connect += one.err_connect;
		r->err_read += one.err_read;
		r->err_write += one.err_write;
		r->err_status += one.err_status;
		r->err_timeout += one.err_timeout;
		r->duration_s = fmax(r->duration_s, one.duration_s);
		/* fmax would drop an unknown and keep the other host's */
		r->p99_us = worst_of(r->p99_us, one.p99_us, !merged);
		r->p999_us = worst_of(r->p999_us, one.p999_us, !merged);
		r->max_us = worst_of(r->max_us, one.max_us, !merged);
		merged = 1;
		r->client_cpu_s += one.client_cpu_s;
		r->client_busy = isnan(busy) ? NAN : fmax(r->client_busy, busy);
	}
	for (int h = 0; h < nhosts; h++) {
		if (jobs[h].pid)
			sweep_kill(jobs[h].pid, 2000);
		if (jobs[h].out[0]) {
			unlink(jobs[h].out);
			unlink(jobs[h].err);
		}
	}
	return ret;
}
