/*
 * sweep_run: the sweep itself. Points run repetition-major (every variant
 * at every size or mix, concurrency and open-mode window, then the next
 * repetition), so slow drift
 * of a shared machine spreads over all variants instead of landing on one;
 * after --reps MIN, sweep_adapt.c's rounds add repetitions to open cells.
 * Ctrl-C or SIGTERM stops after the current step, tears the topology down
 * and keeps every finished row; --resume skips rows already recorded.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runs.h"
#include "sweep_corpus.h"
#include "sweep_point.h"
#include "sweep_proc.h"
#include "sweep_record.h"
#include "sweep_run.h"
#include "sweep_tune.h"
#include "sweep_window.h"
#include "sweep_zc.h"

struct progress {
	int tty;
	double t0;
	int total, done, measured;
	double last_rps;
};

static void fmt_dur(double s, char *buf, size_t len)
{
	if (s < 0 || isnan(s))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%d:%02d", (int)s / 60, (int)s % 60);
}

/* detail: say why a point failed or was skipped (a skipped variant once) */
static void progress_show(struct progress *pg, const struct sweep_point *p, const struct point_result *r,
			  const struct sweep_opts *o, int detail)
{
	char el[16], eta[16], sz[96];
	double elapsed = sweep_now() - pg->t0;

	fmt_dur(elapsed, el, sizeof(el));
	fmt_dur(pg->measured ? elapsed / pg->measured * (pg->total - pg->done) : NAN, eta, sizeof(eta));
	sweep_load_label(p, sz, sizeof(sz));
	if (pg->tty) {
		fprintf(stderr, "\r\033[K[%d/%d] elapsed %s, ETA %s, last %.0f req/s (%s %s c%d rep %d %s)",
			pg->done, pg->total, el, eta, pg->last_rps, p->variant->name, sz, p->conns, p->rep,
			point_status_names[r->status]);
		if (detail && (r->status == PT_FAILED || r->status == PT_SKIPPED))
			fprintf(stderr, "\n  %s: %s\n", point_status_names[r->status], r->reason);
		if (*sweep_zc_note(r)) /* a line of its own, never overwritten */
			fprintf(stderr, "\n[%d/%d] %s %s c%d rep %d%s\n", pg->done, pg->total,
				p->variant->name, sz, p->conns, p->rep, sweep_zc_note(r));
		return;
	}
	if (o->quiet && r->status != PT_FAILED && !*sweep_zc_note(r))
		return;
	if (PT_MEASURED(r->status))
		printf("[%d/%d] %s %s c%d rep %d: %.0f req/s, %.1f MB/s, p99 %.0f us, cpu %.2f us/req%s "
		       "(elapsed %s, ETA %s)%s\n",
		       pg->done, pg->total, p->variant->name, sz, p->conns, p->rep,
		       r->lf.filled ? r->lf.achieved_rps : r->rps, r->mbps, r->w.p99_us, r->cpu_us,
		       r->status == PT_CLIENT_BOUND  ? ", CLIENT-BOUND"
		       : r->status == PT_RATE_MISSED ? ", RATE MISSED (client could not keep the rate)"
						     : "",
		       el, eta, sweep_zc_note(r));
	else
		printf("[%d/%d] %s %s c%d rep %d: %s: %s\n", pg->done, pg->total, p->variant->name, sz,
		       p->conns, p->rep, point_status_names[r->status], r->reason);
	fflush(stdout);
}

static void make_run_id(const struct sweep_opts *o, char *id, size_t len)
{
	const char *slash = strrchr(o->out, '/');

	if (o->out[0]) {
		snprintf(id, len, "%.100s", slash && slash[1] ? slash + 1 : o->out);
		return;
	}
	time_t now = time(NULL);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&now));
	snprintf(id, len, "%s-%s-%d", stamp, topo_names[o->topology], (int)getpid() % 100000);
}

/* What one point needs from the run (sweep_one, also called by the
 * rounds of sweep_adapt.c). */
struct sweep_ctx {
	struct sweep_opts *o;
	struct topo *topo;
	const char *corpus, *run_id;
	char (*skip_reason)[512];
	struct progress *pg;
	char *probe_note;
	size_t notelen;
	char *err;
	size_t errlen;
};

/* Variant v at size slot s (a size or a mix), concurrency c, slot k (a
 * window of the cell: sweep_load_cell.c), repetition rep: measured (or
 * recorded as skipped or failed) and its rows written. 0, or -1 when the
 * sweep must stop (an error in x->err, or interrupted). */
static int sweep_one(void *ctx, int v, int s, int c, int k, int rep)
{
	struct sweep_ctx *x = ctx;
	struct sweep_opts *o = x->o;
	struct sweep_point p = {.variant = &o->variants[v],
				.conns = o->conns[c],
				.threads = o->threads < o->conns[c] ? o->threads : o->conns[c],
				.rep = rep};
	struct point_result r;

	sweep_load_point(o, &p, s, k);
	if (sweep_record_done(&p)) {
		if (rep <= o->reps)
			x->pg->total--;
		return 0;
	}
	if (rep > o->reps)
		x->pg->total++; /* a round of sweep_adapt.c: not in the first count */
	if (x->skip_reason[v][0]) {
		memset(&r, 0, sizeof(r));
		r.status = PT_SKIPPED;
		snprintf(r.reason, sizeof(r.reason), "%.500s", x->skip_reason[v]);
	} else if (sweep_load_prepare(o, &p, r.reason, sizeof(r.reason))) {
		char why[sizeof(r.reason)];
		snprintf(why, sizeof(why), "%s", r.reason);
		memset(&r, 0, sizeof(r));
		r.status = PT_FAILED;
		snprintf(r.reason, sizeof(r.reason), "%s", why);
	} else {
		int had_note = x->probe_note[0] != 0;
		sweep_point_run(o, x->topo, &p, x->corpus, x->corpus, &r, x->probe_note, x->notelen);
		if (!had_note && x->probe_note[0]) {
			fprintf(stderr, "wirelab sweep: %s; %s, syscall/ctxsw/segment columns stay empty\n",
				x->probe_note,
				o->probe_window == SWEEP_WINDOW_SEPARATE ? "CPU time still from schedstat"
									 : "CPU time from /proc instead");
			if (sweep_record_run(o, x->topo, x->run_id, sweep_window_cpu_source(o, 0),
					     x->probe_note, NULL, x->err, x->errlen))
				return -1;
		}
	}
	if (sweep_stop) {
		free(r.sys_counts);
		return -1;
	}
	int first_skip = r.status == PT_SKIPPED && !x->skip_reason[v][0];
	if (first_skip)
		snprintf(x->skip_reason[v], 512, "%s", r.reason);
	if (sweep_record_point(o, x->topo, &p, &r, x->err, x->errlen)) {
		free(r.sys_counts);
		return -1;
	}
	free(r.sys_counts);
	sweep_load_done(o, &p, &r);
	x->pg->done++;
	if (PT_MEASURED(r.status)) {
		x->pg->measured++;
		x->pg->last_rps = r.rps;
	}
	progress_show(x->pg, &p, &r, o, r.status == PT_FAILED || first_skip);
	return 0;
}

int sweep_main(struct sweep_opts *o, char *run_dir_out, size_t len)
{
	char err[1024] = "", run_id[128], corpus[64] = "", probe_note[512] = "", cmd[128], plan[256];
	char skip_reason[SWEEP_MAX_VARIANTS][512];
	struct topo topo = {0};
	struct progress pg = {.tty = isatty(2), .t0 = sweep_now()};
	int ret = 1, any_tls = 0;

	memset(skip_reason, 0, sizeof(skip_reason));
	make_run_id(o, run_id, sizeof(run_id));
	if (!o->out[0]) {
		mkdir("results", 0755);
		snprintf(o->out, sizeof(o->out), "results/%s", run_id);
	}
	snprintf(run_dir_out, len, "%s", o->out);
	if (o->no_probes)
		snprintf(probe_note, sizeof(probe_note), "off (--no-probes)");
	sweep_signals();
	if (sweep_record_open(o, err, sizeof(err))) {
		ret = 2; /* the folder cannot take this run: nothing started */
		goto cleanup;
	}
	if (topo_up(&topo, o, err, sizeof(err)))
		goto cleanup;
	snprintf(corpus, sizeof(corpus), "/tmp/wirelab-corpus-%d-XXXXXX", (int)getpid());
	if (!mkdtemp(corpus)) {
		snprintf(err, sizeof(err), "mkdtemp: %s", strerror(errno));
		corpus[0] = 0;
		goto cleanup;
	}
	/* peers drop to an unprivileged user: the docroot must be readable */
	chmod(corpus, 0755);
	if (sweep_corpus(corpus, o->sizes, o->nsizes, err, sizeof(err)) ||
	    sweep_load_corpus(o, corpus, err, sizeof(err)))
		goto cleanup;
	for (int v = 0; v < o->nvariants; v++)
		any_tls |= !o->variants[v].peer && !variant_is(&o->variants[v], "tls", "plain");
	if (any_tls && sweep_tls_cert(corpus, err, sizeof(err)))
		goto cleanup;
	sweep_tune_start(o); /* the tune check and the calibration loop, before any point */
	if (sweep_record_run(o, &topo, run_id, sweep_window_cpu_source(o, 1), probe_note, NULL, err,
			     sizeof(err)))
		goto cleanup;

	int nsz = sweep_load_nsizes(o), nslots = sweep_load_nslots(o);
	pg.total = o->reps * nsz * o->nconns * nslots * o->nvariants;
	sweep_adapt_describe(o, plan, sizeof(plan));
	char win[64];
	if (o->requests)
		snprintf(win, sizeof(win), "%ld-request windows (at most %d s)", o->requests,
			 sweep_requests_limit_s());
	else
		snprintf(win, sizeof(win), "%d s windows", o->duration);
	printf("wirelab sweep: %d points (%d variants x %d sizes x %d concurrencies%s x %s), %s, %g s "
	       "warm-up, probe window %s\n",
	       pg.total, o->nvariants, nsz, o->nconns,
	       nslots > 1 ? " x the windows of open mode's rates" : "", plan, win, o->warmup,
	       sweep_window_names[o->probe_window]);
	printf("  topology: %s\n  server CPUs %s, %s CPUs %s; results: %s\n", topo.settings, o->server_cpus,
	       o->load.kind == SWEEP_LOAD_WRK ? "wrk" : "wirelab-load", o->client_cpus, o->out);
	if (topo.kind == TOPO_LOOPBACK)
		printf("  warning: loopback takes shortcuts (64 KiB MTU, one huge write goes through without "
		       "real "
		       "segmentation); use --topology netns for figures that transfer to a NIC\n");
	/* the server runs one loop thread per server CPU, so no CPU of its own
	 * is left for the SQPOLL thread: it spins wherever the scheduler puts
	 * it, beside a loop thread or wrk, and both rows show that cost */
	if (o->sqpoll)
		printf("  note: --sqpoll: uring variants get an SQPOLL thread that is not pinned (every "
		       "server "
		       "CPU runs a loop thread); it busy-polls beside the loop or wrk\n");
	fflush(stdout);

	struct sweep_ctx x = {
		o, &topo, corpus, run_id, skip_reason, &pg, probe_note, sizeof(probe_note), err, sizeof(err)};
	/* a size slot is a size or a mix, a slot k open mode's capacity window
	 * or one of its rates (sweep_load_cell.c); variants innermost */
	for (int rep = 1; rep <= o->reps && !sweep_stop; rep++)
		for (int s = 0; s < nsz && !sweep_stop; s++)
			for (int c = 0; c < o->nconns && !sweep_stop; c++)
				for (int kv = 0; kv < nslots * o->nvariants && !sweep_stop; kv++)
					if (sweep_one(&x, kv % o->nvariants, s, c, kv / o->nvariants, rep))
						goto stopped;
	/* --reps MIN..MAX: more repetitions of the cells still open */
	if (!sweep_stop && sweep_adapt_rounds(o, sweep_one, &x, err, sizeof(err)))
		goto stopped;
stopped:
	if (err[0])
		goto cleanup;
	if (pg.tty)
		fputc('\n', stderr);
	{
		time_t now = time(NULL);
		char fin[32];
		strftime(fin, sizeof(fin), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
		if (sweep_record_run(
			    o, &topo, run_id,
			    sweep_window_cpu_source(o, !(probe_note[0] && strncmp(probe_note, "off", 3))),
			    probe_note[0] ? probe_note : sweep_window_probe_note(o), sweep_stop ? NULL : fin,
			    err, sizeof(err)))
			goto cleanup;
	}
	ret = sweep_stop ? 130 : 0;
cleanup:
	if (err[0])
		fprintf(stderr, "wirelab sweep: %s\n", err);
	topo_down(&topo);
	if (corpus[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", corpus);
		if (system(cmd)) {
			/* a leftover corpus in /tmp is harmless */
		}
	}
	sweep_record_close();
	if (sweep_stop)
		fprintf(stderr,
			"wirelab sweep: interrupted; every finished point is in %s (wirelab sweep --resume "
			"%s)\n",
			o->out, o->out);
	else if (err[0] && ret != 2)
		fprintf(stderr,
			"wirelab sweep: stopped; every finished point is in %s (once the cause is fixed: "
			"wirelab sweep --resume %s)\n",
			o->out, o->out);
	else if (!err[0])
		printf("wirelab sweep: done in %.0f s, %d points; results in %s\n", sweep_now() - pg.t0,
		       pg.done, o->out);
	return ret;
}
