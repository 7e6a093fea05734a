/*
 * sweep_point: one measured point: a fresh server, a warm-up, then the
 * window with the probes and /proc read at its edges.
 */
#ifndef WL_SWEEP_POINT_H
#define WL_SWEEP_POINT_H
#include <stddef.h>
#include <stdint.h>

#include "sweep_wrk.h"
#include "topo.h"

/* A measured point's key. */
struct sweep_point {
	const struct variant *variant;
	long size;
	int conns;
	int threads; /* wrk threads actually used */
	int rep;
};

enum point_status { PT_OK, PT_CLIENT_BOUND, PT_SKIPPED, PT_FAILED };
extern const char *const point_status_names[];

struct point_result {
	enum point_status status;
	char reason[512];
	struct wrk_result w;
	double rps, mbps;
	double cpu_us, core_us, syscalls, ctxsw, segs; /* per request; NaN: unknown */
	uint64_t *sys_counts;			       /* WL_SYS_SLOTS counts in the window, or NULL */
	uint64_t count_requests; /* requests of the window the counts are of; 0: the timing window's */
};

/* Always 0: how the point went is r->status and r->reason. A probe that
 * cannot open leaves its reason in probe_note (then later points skip it). */
int sweep_point_run(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		    const char *root, const char *tls_dir, struct point_result *r, char *probe_note,
		    size_t notelen);
#endif
