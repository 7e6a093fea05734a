/*
 * sweep_window: the probe window of a point (see sweep_window.h): the
 * option, the server's CPU time from schedstat for a timing window with no
 * probe attached, and the short counting window after it.
 */
#include "sweep_window.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "sweep_opts.h"
#include "sweep_point.h"
#include "sweep_srv.h"

const char *const sweep_window_names[] = {"same", "separate"};

int sweep_window_opt(struct sweep_opts *o, const char *value, char *err, size_t errlen)
{
	for (int i = 0; i < 2; i++)
		if (!strcmp(value, sweep_window_names[i])) {
			o->probe_window = i;
			return 0;
		}
	snprintf(err, errlen, "--probe-window '%s': expected same or separate", value);
	return -EINVAL;
}

int sweep_window_probed(const struct sweep_opts *o)
{
	return !o->no_probes && o->probe_window == SWEEP_WINDOW_SAME;
}

const char *sweep_window_cpu_source(const struct sweep_opts *o, int probes)
{
	if (o->no_probes)
		return "proc";
	if (o->probe_window == SWEEP_WINDOW_SEPARATE)
		return "schedstat";
	return probes ? "probe" : "proc";
}

const char *sweep_window_probe_note(const struct sweep_opts *o)
{
	if (o->probe_window == SWEEP_WINDOW_SEPARATE)
		return "on, separate window: none attached during the timing window (CPU per request from "
		       "/proc/PID/task/*/schedstat, ns; /proc/PID/stat ticks where a thread exited "
		       "mid-window); syscalls, context switches and tx segments per request from a 1 s "
		       "window right after it (BPF)";
	return "on (BPF: syscalls, sum_exec_runtime, context switches, tx segments)";
}

/* The first field of /proc/PID/task/TID/schedstat: the thread's
 * sum_exec_runtime in ns, including a slice running right now. */
static int schedstat_ns(int pid, int tid, uint64_t *ns)
{
	char path[96];
	unsigned long long v = 0;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", pid, tid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fscanf(f, "%llu", &v) == 1;
	fclose(f);
	*ns = v;
	return ok ? 0 : -EIO;
}

void sweep_window_cpu_read(const struct sweep_srv *s, struct sweep_cpu_snap *snap)
{
	const size_t cap = sizeof(snap->t) / sizeof(snap->t[0]);

	snap->n = 0;
	snap->full = 0;
	for (int i = 0; i < s->npids; i++) {
		char path[64];
		struct dirent *e;
		DIR *d;
		snprintf(path, sizeof(path), "/proc/%d/task", s->pids[i]);
		if (!(d = opendir(path)))
			continue;
		while ((e = readdir(d))) {
			int tid = atoi(e->d_name);
			uint64_t ns = 0;
			if (tid <= 0 || schedstat_ns(s->pids[i], tid, &ns))
				continue;
			if (snap->n == cap) {
				snap->full = 1;
				break;
			}
			snap->t[snap->n].tid = tid;
			snap->t[snap->n++].ns = ns;
		}
		closedir(d);
	}
	snap->stat_s = sweep_srv_proc_cpu(s, NULL);
}

double sweep_window_cpu_s(const struct sweep_cpu_snap *a, const struct sweep_cpu_snap *b)
{
	uint64_t sum = 0;

	if (a->full || b->full)
		return b->stat_s - a->stat_s;
	for (size_t i = 0; i < a->n; i++) {
		size_t j;
		for (j = 0; j < b->n && b->t[j].tid != a->t[i].tid; j++)
			;
		/* a thread that exited took its time with it: only the thread
		 * group's total (10 ms ticks) still has it */
		if (j == b->n)
			return b->stat_s - a->stat_s;
		sum += b->t[j].ns - a->t[i].ns;
	}
	for (size_t j = 0; j < b->n; j++) {
		size_t i;
		for (i = 0; i < a->n && a->t[i].tid != b->t[j].tid; i++)
			;
		if (i == a->n)
			sum += b->t[j].ns; /* started within the window: all of it is */
	}
	return (double)sum / 1e9;
}

int sweep_window_counts(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
			struct sweep_srv *srv, int tls, struct point_result *r, char *probe_note,
			size_t notelen)
{
	struct wl_probe *probe = NULL;
	struct wl_probe_snap a, b, d;
	struct point_result c; /* the counting window's figures: only its requests are kept */
	char why[256];

	if (o->no_probes || probe_note[0])
		return 0;
	if (wl_probe_open(srv->pids, srv->npids, &probe, why, sizeof(why)) < 0) {
		snprintf(probe_note, notelen, "probes unavailable: %s", why);
		return 0;
	}
	wl_probe_read(probe, &a);
	/* the point's own client (wrk or wirelab-load) and load: open mode
	 * counts at the point's rate */
	memset(&c, 0, sizeof(c));
	int ret = sweep_client_window(o, t, p, srv->port, tls, SWEEP_COUNT_WINDOW_S, SWEEP_LOAD_COUNTING, &c,
				      why, sizeof(why));
	wl_probe_read(probe, &b);
	wl_probe_close(probe);
	if (ret || !c.w.requests) {
		snprintf(r->reason, sizeof(r->reason),
			 "counting window failed (%s): no syscall, switch or "
			 "segment counts",
			 ret ? why : "no request completed");
		return 0;
	}
	double n = (double)c.w.requests;
	wl_probe_diff(&a, &b, &d);
	r->syscalls = d.syscalls_total / n;
	r->ctxsw = (d.ctxsw_vol + d.ctxsw_invol) / n;
	r->segs = d.tx_segments / n;
	r->count_requests = c.w.requests;
	r->sys_counts = malloc(sizeof(d.syscalls));
	if (r->sys_counts)
		memcpy(r->sys_counts, d.syscalls, sizeof(d.syscalls));
	return 0;
}
