/*
 * sweep_point: one measured point. The server starts fresh and pinned,
 * wrk warms it up, then the window: probe counters, /proc/stat and the
 * server's /proc CPU time are read right before wrk starts and right after
 * it exits, and every per-request figure divides by the requests wrk
 * completed in that window. With --probe-window separate no probe is
 * attached during it and the counts come from a window after it
 * (sweep_window.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"
#include "sweep_point.h"
#include "sweep_proc.h"
#include "sweep_srv.h"
#include "sweep_window.h"
#include "sweep_zc.h"

/* wrk's thread busy this much of the window means the load generator, not
 * the server, set the pace (a busy-polling client at 100% is saturated; 90%
 * leaves room for the window's edges and tick granularity). */
#define CLIENT_BOUND_BUSY 0.90

const char *const point_status_names[] = {"ok", "client-bound", "skipped", "failed", "rate-missed"};

/* Busy time (user, nice, system, irq, softirq) of the given CPUs, seconds. */
static double cores_busy_s(const int *cpus, int n)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];
	double sum = 0;
	long hz = sysconf(_SC_CLK_TCK);

	if (!f)
		return NAN;
	while (fgets(line, sizeof(line), f)) {
		int cpu;
		unsigned long long us, ni, sy, id, io, irq, sirq;
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu", &cpu, &us, &ni, &sy, &id, &io,
			   &irq, &sirq) != 8)
			continue;
		for (int i = 0; i < n; i++)
			if (cpus[i] == cpu)
				sum += (double)(us + ni + sy + irq + sirq) / hz;
	}
	fclose(f);
	return sum;
}

/* Neither interrupted nor a dead server; else the point failed and why. */
static int going_on(struct sweep_srv *srv, struct point_result *r, const char *when)
{
	if (sweep_stop)
		snprintf(r->reason, sizeof(r->reason), "interrupted");
	else if (sweep_srv_alive(srv, r->reason, sizeof(r->reason)))
		return 1;
	else
		strncat(r->reason, when, sizeof(r->reason) - strlen(r->reason) - 1);
	r->status = PT_FAILED;
	return 0;
}

int sweep_point_run(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		    const char *root, const char *tls_dir, struct point_result *r, char *probe_note,
		    size_t notelen)
{
	struct sweep_srv srv;
	struct wl_probe *probe = NULL;
	struct wl_profile *prof = NULL;
	struct wl_probe_snap a, b, d;
	struct sweep_zc z0, z1;
	struct sweep_cpu_snap sched0, sched1;
	double core0, core1, cpu0, cpu1;
	int bad_pid = 0;
	int ret, tls = !p->variant->peer && !variant_is(p->variant, "tls", "plain");

	memset(r, 0, sizeof(*r));
	r->cpu_us = r->core_us = r->syscalls = r->ctxsw = r->segs = r->zc_share = NAN;
	ret = sweep_srv_start(&srv, o, t, p->variant, root, tls_dir, r->reason, sizeof(r->reason));
	if (ret) {
		r->status = ret > 0 ? PT_SKIPPED : PT_FAILED;
		goto cleanup;
	}
	if (sweep_window_probed(o) && !probe_note[0]) {
		char why[256];
		if (wl_probe_open(srv.pids, srv.npids, &probe, why, sizeof(why)) < 0) {
			snprintf(probe_note, notelen, "probes unavailable: %s", why);
			probe = NULL;
		}
	}
	prof = sweep_profile_open(o, srv.pids, srv.npids);
	if (o->warmup > 0 && p->load != SWEEP_LOAD_WRK) {
		char why[256];
		sweep_load_run(o, t, p, srv.port, tls, o->warmup, SWEEP_LOAD_WARMUP, r, why, sizeof(why));
	} else if (o->warmup > 0) {
		struct wrk_result w;
		char why[256];
		sweep_wrk_run(o, t, p, srv.port, tls, (int)ceil(o->warmup) + (t->kind != TOPO_SSH), o->warmup,
			      &w, why, sizeof(why));
	}
	if (!going_on(&srv, r, " (during warm-up)"))
		goto cleanup;
	sweep_zc_read(&srv, p->variant, &z0);
	if (probe)
		wl_probe_read(probe, &a);
	core0 = cores_busy_s(o->server_cpu_list, o->nserver_cpus);
	cpu0 = sweep_srv_proc_cpu(&srv, &bad_pid);
	sweep_window_cpu_read(&srv, &sched0);
	sweep_profile_start(prof);
	ret = sweep_client_window(o, t, p, srv.port, tls, o->duration, SWEEP_LOAD_TIMED, r, r->reason,
				  sizeof(r->reason));
	sweep_profile_stop(prof);
	if (probe)
		wl_probe_read(probe, &b);
	core1 = cores_busy_s(o->server_cpu_list, o->nserver_cpus);
	cpu1 = sweep_srv_proc_cpu(&srv, &bad_pid);
	sweep_zc_read(&srv, p->variant, &z1);
	r->zc_share = sweep_zc_share(&z0, &z1);
	sweep_window_cpu_read(&srv, &sched1);
	if (!going_on(&srv, r, ""))
		goto cleanup;
	if (ret) {
		r->status = PT_FAILED;
		goto cleanup;
	}
	if (!r->w.requests) {
		r->status = PT_FAILED;
		snprintf(r->reason, sizeof(r->reason), "no request completed in the window (%llu errors)",
			 (unsigned long long)(r->w.err_connect + r->w.err_read + r->w.err_write +
					      r->w.err_timeout + r->w.err_status));
		goto cleanup;
	}
	double n = (double)r->w.requests;
	/* a mix's size is its mean: a window's draw may fall below it (and
	 * wirelab-load checks every response's length itself) */
	if (!p->mix && r->w.bytes / n < p->size) {
		r->status = PT_FAILED;
		snprintf(r->reason, sizeof(r->reason),
			 "responses average %.0f bytes, less than the %ld-byte file", r->w.bytes / n,
			 p->size);
		goto cleanup;
	}
	r->rps = n / r->w.duration_s;
	r->mbps = r->w.bytes / r->w.duration_s / 1e6;
	r->core_us = (core1 - core0) * 1e6 / n;
	if (probe) {
		wl_probe_diff(&a, &b, &d);
		r->cpu_us = d.cpu_ns / 1e3 / n;
		r->syscalls = d.syscalls_total / n;
		r->ctxsw = (d.ctxsw_vol + d.ctxsw_invol) / n;
		r->segs = d.tx_segments / n;
		r->sys_counts = malloc(sizeof(d.syscalls));
		if (r->sys_counts)
			memcpy(r->sys_counts, d.syscalls, sizeof(d.syscalls));
	} else if (!o->no_probes) {
		/* --probe-window separate: the timing window had no probe */
		r->cpu_us = sweep_window_cpu_s(&sched0, &sched1) * 1e6 / n;
		sweep_window_counts(o, t, p, &srv, tls, r, probe_note, notelen);
	} else
		r->cpu_us = (cpu1 - cpu0) * 1e6 / n; /* NAN when either read is unknown */
	r->status = r->w.client_busy >= CLIENT_BOUND_BUSY ? PT_CLIENT_BOUND : PT_OK;
	if (r->status == PT_CLIENT_BOUND)
		snprintf(r->reason, sizeof(r->reason), "%s busy %.0f%% of its cores: the client set the pace",
			 p->load == SWEEP_LOAD_WRK ? "wrk" : "wirelab-load", r->w.client_busy * 100);
	if (isnan(r->cpu_us) && bad_pid) {
		/* the row's one place for a why: after the status's own */
		size_t k = strlen(r->reason);
		snprintf(r->reason + k, sizeof(r->reason) - k,
			 "%scpu_us_per_req unknown: /proc/%d/stat could not be read (a server process "
			 "gone in the window)",
			 k ? "; " : "", bad_pid);
	}
	sweep_load_status(p, r);
	sweep_profile_finish(prof, o, p, r->w.requests, &r->prof);
cleanup:
	wl_profile_close(prof);
	wl_probe_close(probe);
	sweep_srv_stop(&srv);
	return 0;
}
