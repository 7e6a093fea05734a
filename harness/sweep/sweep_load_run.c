/*
 * sweep_load_run: one window of build/wirelab-load. It runs as wrk does:
 * under `sh -c '...; times'` in the client namespace, pinned to the client
 * CPUs (one thread each), so the shell reports its CPU time the same way
 * on every topology and the two clients' CPU per request compare. Under
 * ssh the connections are split over the client hosts and so is the rate,
 * by connections (every connection offered the same rate); each host's
 * JSON is merged by `wirelab-load --merge`, which adds the histograms
 * exactly, so the percentiles are those of every request of the window,
 * not the worst host's.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep_load.h"
#include "sweep_point.h"
#include "sweep_proc.h"

/* the drain after the window (wirelab-load waits at most its 2 s timeout
 * for answers in flight), start-up and ssh on a busy machine */
#define LOAD_GRACE_S 20

int sweep_requests_limit_s(void)
{
	const char *e = getenv("WIRELAB_REQUESTS_LIMIT_S");
	char *end;
	long v = e && *e ? strtol(e, &end, 10) : 0;

	return e && *e && !*end && v >= 1 && v <= SWEEP_REQUESTS_LIMIT_S ? (int)v : SWEEP_REQUESTS_LIMIT_S;
}

struct load_job {
	pid_t pid;
	int conns;
	long requests; /* --requests: this host's share of the window's; 0: timed */
	double rps;
	char out[64], err[64], json[64];
};

/* The JSON object the job printed (a new reference) and its CPU seconds
 * from `times` (NaN when it is missing); NULL when there is none. */
static json_t *read_out(const char *path, double *cpu_s)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, line[512];
	size_t len = 0;
	int m1, m2, times = 0;
	double s1, s2;
	json_t *j;

	*cpu_s = NAN;
	if (!f)
		return NULL;
	FILE *mem = open_memstream(&buf, &len);
	while (mem && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%dm%lfs %dm%lfs", &m1, &s1, &m2, &s2) == 4) {
			/* `times`: the shell's own line, then its children's (the
			 * client's: the last one read, as for wrk) */
			*cpu_s = m1 * 60 + s1 + m2 * 60 + s2;
			times++;
		} else
			fputs(line, mem);
	}
	fclose(f);
	if (mem)
		fclose(mem);
	if (times < 2)
		*cpu_s = NAN;
	j = buf ? json_loads(buf, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	free(buf);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static pid_t start_one(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		       struct load_job *job, int host, const char *url, double seconds, int mix)
{
	char dur[32], conns[16], rate[32], cmd[2048], mixpath[96], reqs[24], limit[24];
	const char *argv[40];
	int n = 0, a0;

	snprintf(dur, sizeof(dur), "%gs", seconds);
	snprintf(conns, sizeof(conns), "%d", job->conns);
	snprintf(rate, sizeof(rate), "%.3f", job->rps);
	snprintf(reqs, sizeof(reqs), "%ld", job->requests);
	snprintf(limit, sizeof(limit), "%ds", sweep_requests_limit_s());
	if (t->kind == TOPO_SSH) {
		n = topo_ssh_argv(o, host, cmd, argv);
	} else {
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = "\"$0\" \"$@\"; s=$?; times; exit $s";
		argv[n++] = o->load.bin;
	}
	a0 = n;
	argv[n++] = "--mode";
	argv[n++] = p->rate ? "open" : "closed";
	if (p->rate) {
		argv[n++] = "--rate";
		argv[n++] = rate;
	}
	argv[n++] = "--connections";
	argv[n++] = conns;
	argv[n++] = "--cpus";
	argv[n++] = o->client_cpus;
	if (job->requests) {
		argv[n++] = "--requests";
		argv[n++] = reqs;
		argv[n++] = "--time-limit";
		argv[n++] = limit;
	} else {
		argv[n++] = "--duration";
		argv[n++] = dur;
	}
	argv[n++] = "--json";
	if (o->conn_close)
		argv[n++] = "--connection-close";
	if (p->mix) {
		argv[n++] = "--workload";
		if (t->kind == TOPO_SSH) {
			snprintf(mixpath, sizeof(mixpath), "/tmp/wirelab-mix-%d-%d", (int)getpid(), mix);
			argv[n++] = mixpath;
		} else
			argv[n++] = p->mix->path;
	}
	argv[n++] = url;
	argv[n] = NULL;
	if (t->kind == TOPO_SSH) {
		/* one remote command line: the same options, each quoted (none
		 * holds a quote: paths are the sweep's own, URLs its own) */
		size_t k = snprintf(cmd, sizeof(cmd), "cd /tmp && /tmp/wirelab-load-%d", (int)getpid());
		for (int i = a0; i < n && k < sizeof(cmd); i++)
			k += snprintf(cmd + k, sizeof(cmd) - k, " '%s'", argv[i]);
		if (k < sizeof(cmd))
			snprintf(cmd + k, sizeof(cmd) - k, "; s=$?; times; exit $s");
		argv[a0] = NULL;
	}
	struct sweep_child_spec cs = {.argv = argv,
				      .netns = t->cli_ns,
				      .cpus = t->kind == TOPO_SSH ? NULL : o->client_cpu_list,
				      .ncpus = o->nclient_cpus,
				      .out_path = job->out,
				      .err_path = job->err,
				      .cwd = "/tmp"};
	return sweep_spawn(&cs);
}

#define JN(o, k) (json_is_number(json_object_get(o, k)) ? json_number_value(json_object_get(o, k)) : NAN)

/* the window's figures from wirelab-load's (merged) JSON */
static void fill(json_t *j, double cpu_s, double busy, struct point_result *r)
{
	json_t *e = json_object_get(j, "errors"), *l = json_object_get(j, "latency_us"),
	       *u = json_object_get(j, "latency_uncorrected_us"), *lag = json_object_get(j, "send_lag_us");
	struct wrk_result *w = &r->w;
	struct sweep_load_figs *f = &r->lf;

	w->requests = (uint64_t)JN(j, "requests");
	w->bytes = (uint64_t)JN(j, "bytes");
	w->duration_s = JN(j, "duration_s");
	w->err_connect = (uint64_t)JN(e, "connect");
	w->err_read = (uint64_t)JN(e, "read");
	w->err_write = (uint64_t)JN(e, "write");
	w->err_status = (uint64_t)JN(e, "status");
	w->err_timeout = (uint64_t)JN(e, "timeout");
	w->p50_us = JN(l, "p50");
	w->p99_us = JN(l, "p99");
	w->p999_us = JN(l, "p999");
	w->mean_us = JN(l, "mean");
	w->max_us = JN(l, "max");
	w->client_cpu_s = cpu_s;
	w->client_busy = busy;
	f->filled = 1;
	f->open = json_is_number(json_object_get(j, "offered_rps"));
	f->rate_kept = !f->open || json_is_true(json_object_get(j, "rate_kept"));
	f->offered_rps = JN(j, "offered_rps");
	f->achieved_rps = JN(j, "achieved_rps");
	f->p90 = JN(l, "p90");
	f->p9999 = JN(l, "p9999");
	f->u50 = JN(u, "p50");
	f->u90 = JN(u, "p90");
	f->u99 = JN(u, "p99");
	f->u999 = JN(u, "p999");
	f->u9999 = JN(u, "p9999");
	f->umax = JN(u, "max");
	f->err_reset = JN(e, "reset");
	f->err_closed = JN(e, "closed");
	/* a body that differs (--verify, not asked here) would be a parse
	 * error of the sweep's: it is not the file */
	f->err_parse = JN(e, "parse") + (isnan(JN(e, "verify")) ? 0 : JN(e, "verify"));
	f->unsent = f->open ? JN(j, "unsent") : NAN;
	f->lag_p99_us = f->open ? JN(lag, "p99") : NAN;
	f->client_cpu_us = w->requests ? cpu_s * 1e6 / (double)w->requests : NAN;
	f->time_limit_hit = json_is_true(json_object_get(j, "time_limit_hit"));
}

/* WIRELAB_LOAD_KEEP=DIR: each host's JSON of every window (host -1: the
 * merged one) is kept in DIR, so a test or a person can redo the merge */
static void keep(const struct sweep_point *p, int host, json_t *j)
{
	const char *dir = getenv("WIRELAB_LOAD_KEEP");
	char path[PATH_MAX];

	if (!dir || !*dir || !j)
		return;
	snprintf(path, sizeof(path), "%s/%s-%ld%s%s-c%d-%s-rep%d-%s%d.json", dir, p->variant->name, p->size,
		 p->mix ? "-" : "", p->mix ? p->mix->name : "", p->conns, p->rate ? p->rate->label : "closed",
		 p->rep, host < 0 ? "merged" : "h", host < 0 ? 0 : host);
	if (json_dump_file(j, path, JSON_COMPACT))
		fprintf(stderr, "wirelab sweep: WIRELAB_LOAD_KEEP: cannot write %s\n", path);
}

/* Several hosts' outputs into one by wirelab-load --merge (exact). */
static json_t *merge(const struct sweep_opts *o, struct load_job *jobs, int n, json_t **each, char *err,
		     size_t errlen)
{
	const char *argv[SWEEP_MAX_HOSTS + 4];
	char out[64], errp[64];
	int k = 0, status;
	json_t *j = NULL;
	double unused;

	argv[k++] = o->load.bin;
	argv[k++] = "--merge";
	for (int h = 0; h < n; h++) {
		if (!each[h])
			continue;
		if (json_dump_file(each[h], jobs[h].json, 0)) {
			snprintf(err, errlen, "%s: cannot write", jobs[h].json);
			goto cleanup;
		}
		argv[k++] = jobs[h].json;
	}
	argv[k] = NULL;
	snprintf(out, sizeof(out), "/tmp/wirelab-load-%d-merged.out", (int)getpid());
	snprintf(errp, sizeof(errp), "/tmp/wirelab-load-%d-merged.err", (int)getpid());
	struct sweep_child_spec cs = {.argv = argv, .out_path = out, .err_path = errp, .cwd = "/tmp"};
	pid_t pid = sweep_spawn(&cs);
	if (pid < 0 || !sweep_wait(pid, 30000, &status) || !WIFEXITED(status) || WEXITSTATUS(status)) {
		char tail[300];
		if (pid > 0)
			sweep_kill(pid, 1000);
		sweep_tail(errp, tail, sizeof(tail));
		snprintf(err, errlen, "wirelab-load --merge failed: %s", tail[0] ? tail : "no message");
		goto cleanup;
	}
	j = read_out(out, &unused);
	if (!j)
		snprintf(err, errlen, "wirelab-load --merge printed no JSON");
cleanup:
	unlink(out);
	unlink(errp);
	for (int h = 0; h < n; h++)
		unlink(jobs[h].json);
	return j;
}

int sweep_load_run(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p, int port,
		   int tls, double seconds, int why, struct point_result *r, char *err, size_t errlen)
{
	int warmup = why == SWEEP_LOAD_WARMUP;
	int nhosts = t->kind == TOPO_SSH ? o->nclient_hosts : 1, ret = 0, status, mix = 0;
	struct load_job jobs[SWEEP_MAX_HOSTS];
	json_t *each[SWEEP_MAX_HOSTS] = {0}, *all = NULL;
	double cpu = 0, busy = 0;
	char url[256];

	memset(jobs, 0, sizeof(jobs));
	if (p->mix) {
		mix = (int)(p->mix - o->load.mixes);
		snprintf(url, sizeof(url), "%s://%s:%d/m%d/", tls ? "https" : "http", t->srv_addr, port, mix);
	} else
		snprintf(url, sizeof(url), "%s://%s:%d/f%ld", tls ? "https" : "http", t->srv_addr, port,
			 p->size);
	/* --requests N: the timing window only (a warm-up is timed; the
	 * counting window is a second of per-request ratios), shared over the
	 * hosts as the connections are, the remainder to the first */
	long reqs = why == SWEEP_LOAD_TIMED ? o->requests : 0, given = 0;
	int active = 0;
	for (int h = 0; h < nhosts; h++)
		active += p->conns / nhosts + (h < p->conns % nhosts) > 0;
	for (int h = 0; h < nhosts; h++) {
		struct load_job *j = &jobs[h];
		j->conns = p->conns / nhosts + (h < p->conns % nhosts);
		j->rps = p->rps * j->conns / p->conns;
		if (!j->conns)
			continue;
		if (reqs) {
			j->requests = reqs / active + (given < reqs % active);
			given++;
		}
		snprintf(j->out, sizeof(j->out), "/tmp/wirelab-load-%d-%d.out", (int)getpid(), h);
		snprintf(j->err, sizeof(j->err), "/tmp/wirelab-load-%d-%d.err", (int)getpid(), h);
		snprintf(j->json, sizeof(j->json), "/tmp/wirelab-load-%d-%d.json", (int)getpid(), h);
		j->pid = start_one(o, t, p, j, h, url, seconds, mix);
		if (j->pid < 0) {
			ret = (int)j->pid;
			snprintf(err, errlen, "fork: %s", strerror(-ret));
			j->pid = 0;
		}
	}
	for (int h = 0; h < nhosts; h++) {
		struct load_job *j = &jobs[h];
		char tail[300], how[64];
		double cpu_s;
		if (!j->pid)
			continue;
		double bound = j->requests ? sweep_requests_limit_s() : seconds;
		if (!sweep_wait(j->pid, (int)((bound + LOAD_GRACE_S) * 1000), &status)) {
			sweep_kill(j->pid, 2000);
			snprintf(err, errlen, "%s",
				 sweep_stop ? "interrupted" : "wirelab-load did not finish in time");
			j->pid = 0;
			ret = sweep_stop ? -EINTR : -ETIMEDOUT;
			continue;
		}
		j->pid = 0;
		if (warmup)
			continue;
		each[h] = read_out(j->out, &cpu_s);
		if (why == SWEEP_LOAD_TIMED)
			keep(p, h, each[h]);
		if (!each[h] || !WIFEXITED(status) || WEXITSTATUS(status)) {
			sweep_tail(j->err, tail, sizeof(tail));
			sweep_status_str(status, how, sizeof(how));
			snprintf(err, errlen, "%s%s%swirelab-load failed (%s): %s",
				 t->kind == TOPO_SSH ? "on " : "",
				 t->kind == TOPO_SSH ? o->client_hosts[h] : "",
				 t->kind == TOPO_SSH ? ": " : "", how, tail[0] ? tail : "no message");
			ret = -EIO;
			continue;
		}
		/* busy: of the cores the host's threads could use, the busiest host */
		double threads = o->nclient_cpus < j->conns ? o->nclient_cpus : j->conns;
		double b = cpu_s / (JN(each[h], "duration_s") * threads);
		cpu += cpu_s;
		busy = isnan(b) || isnan(busy) ? NAN : fmax(busy, b);
	}
	if (warmup || ret)
		goto cleanup;
	if (nhosts > 1 && !(all = merge(o, jobs, nhosts, each, err, errlen))) {
		ret = -EIO;
		goto cleanup;
	}
	if (nhosts > 1 && why == SWEEP_LOAD_TIMED)
		keep(p, -1, all);
	for (int h = 0; !all && h < nhosts; h++)
		if (each[h])
			all = json_incref(each[h]);
	if (all)
		fill(all, cpu, busy, r);
	if (all && r->lf.time_limit_hit) {
		snprintf(err, errlen,
			 "wirelab-load stopped at the %d s time limit with %llu of the %ld requests of "
			 "--requests answered",
			 sweep_requests_limit_s(), (unsigned long long)r->w.requests, reqs);
		ret = -ETIME;
	}
cleanup:
	for (int h = 0; h < nhosts; h++) {
		if (jobs[h].pid)
			sweep_kill(jobs[h].pid, 2000);
		if (jobs[h].out[0]) {
			unlink(jobs[h].out);
			unlink(jobs[h].err);
		}
		json_decref(each[h]);
	}
	json_decref(all);
	return ret;
}

int sweep_client_window(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
			int port, int tls, int seconds, int why, struct point_result *r, char *err,
			size_t errlen)
{
	if (p->load != SWEEP_LOAD_WRK)
		return sweep_load_run(o, t, p, port, tls, seconds, why, r, err, errlen);
	return sweep_wrk_run(o, t, p, port, tls, seconds, 0, &r->w, err, errlen);
}
