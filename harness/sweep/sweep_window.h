/*
 * sweep_window: where a point's probe counts come from, `--probe-window
 * same|separate`.
 *
 * same: the BPF probes are attached during the timing window; CPU per
 * request is their sum_exec_runtime and the syscall, context-switch and
 * segment counts are of that window. The probes' cost (a BPF program on
 * every syscall, switch and transmitted skb) lands in req/s, latency and
 * CPU.
 *
 * separate: no probe is attached during the timing window: req/s, latency
 * and CPU (each server thread's sum_exec_runtime from
 * /proc/PID/task/TID/schedstat, in ns) come from a window the probes do not
 * touch; the counts come from a short window right after it, on the same
 * server, probes attached, run by the point's own client and load
 * (sweep_client_window: wrk, or wirelab-load in closed loop or at the
 * point's open rate), divided by that window's requests.
 * scripts/bench-probe measures the difference.
 */
#ifndef WL_SWEEP_WINDOW_H
#define WL_SWEEP_WINDOW_H
#include <stddef.h>
#include <stdint.h>

enum sweep_window { SWEEP_WINDOW_SAME, SWEEP_WINDOW_SEPARATE };
extern const char *const sweep_window_names[];
/* The default: docs/probe.md has the measurement that chose it. */
#define SWEEP_WINDOW_DEFAULT SWEEP_WINDOW_SEPARATE
/* The counting window's length: wrk's smallest, whole seconds; syscalls,
 * switches and segments per request vary little from window to window, so
 * a short one gives them to the precision the tables print. */
#define SWEEP_COUNT_WINDOW_S 1

struct sweep_opts;
struct sweep_point;
struct sweep_srv;
struct point_result;
struct topo;

/* --probe-window's value into o; 0 or -EINVAL with the value named. */
int sweep_window_opt(struct sweep_opts *o, const char *value, char *err, size_t errlen);
/* Whether the timing window of o has the probes attached. */
int sweep_window_probed(const struct sweep_opts *o);
/* run.json's cpu_source (probes: whether they could be opened) and what
 * the probes note says when they ran. */
const char *sweep_window_cpu_source(const struct sweep_opts *o, int probes);
const char *sweep_window_probe_note(const struct sweep_opts *o);

/* The server's on-CPU time per thread (schedstat, ns) at one instant. */
struct sweep_cpu_snap {
	size_t n;
	struct {
		int tid;
		uint64_t ns;
	} t[512];
	double stat_s; /* /proc/PID/stat of the thread group, ticks: dead threads included */
	int full;      /* more threads than t[] holds */
};
void sweep_window_cpu_read(const struct sweep_srv *s, struct sweep_cpu_snap *snap);
/* Seconds on CPU from a to b: schedstat's ns when every thread of a is
 * still there in b (and none overflowed), else the thread group's ticks. */
double sweep_window_cpu_s(const struct sweep_cpu_snap *a, const struct sweep_cpu_snap *b);

/* separate: the counting window on the running server, its counts per
 * request into r (syscalls, ctxsw, segs, sys_counts, count_requests).
 * A probe that cannot open leaves its reason in probe_note (later points
 * skip it); a failed counting window leaves the counts empty and says why
 * in r->reason, the timing window's figures stand. Returns 0. */
int sweep_window_counts(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
			struct sweep_srv *srv, int tls, struct point_result *r, char *probe_note,
			size_t notelen);
#endif
