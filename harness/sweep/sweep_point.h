/*
 * sweep_point: one measured point: a fresh server, a warm-up, then the
 * window with the probes and /proc read at its edges.
 */
#ifndef WL_SWEEP_POINT_H
#define WL_SWEEP_POINT_H
#include <stddef.h>
#include <stdint.h>

#include "sweep_profile.h"
#include "sweep_wrk.h"
#include "topo.h"

/* A measured point's key. */
struct sweep_point {
	const struct variant *variant;
	long size;
	int conns;
	int threads; /* client threads actually used */
	int rep;
	/* sweep_load.h: a workload mix (size: its mean body size), open mode's
	 * rate (rps: resolved, over every client host), the client */
	const struct sweep_mix *mix;
	const struct sweep_rate *rate;
	double rps;
	enum sweep_load_kind load;
};

enum point_status { PT_OK, PT_CLIENT_BOUND, PT_SKIPPED, PT_FAILED, PT_RATE_MISSED };
extern const char *const point_status_names[];
/* the window was measured (its figures are filled) */
#define PT_MEASURED(s) ((s) == PT_OK || (s) == PT_CLIENT_BOUND || (s) == PT_RATE_MISSED)

struct point_result {
	enum point_status status;
	char reason[512];
	struct wrk_result w;
	struct sweep_load_figs lf; /* wirelab-load's own figures (sweep_load.h) */
	double rps, mbps;
	double cpu_us, core_us, syscalls, ctxsw, segs; /* per request; NaN: unknown */
	double zc_share;	       /* zero-copy sends the kernel copied (sweep_zc.h); NaN: none counted */
	uint64_t *sys_counts;	       /* WL_SYS_SLOTS counts in the window, or NULL */
	struct sweep_prof_result prof; /* --profile: the window's profile */
	uint64_t count_requests;       /* requests of the window the counts are of; 0: the timing window's */
};

/* Always 0: how the point went is r->status and r->reason. A probe that
 * cannot open leaves its reason in probe_note (then later points skip it). */
int sweep_point_run(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		    const char *root, const char *tls_dir, struct point_result *r, char *probe_note,
		    size_t notelen);
#endif
