/*
 * pick: `wirelab pick` beyond one metric at one cell (cmd_pick.c): the
 * variant that sustains the highest rate within a latency objective
 * (pick_slo.c), from open mode's rates.
 */
#ifndef WL_PICK_H
#define WL_PICK_H
#include <stddef.h>

#include "runs.h"

#define PICK_MAX_OBJECTIVES 6

/* One latency objective: metric m (a latency percentile or max) at most
 * limit_us, e.g. "p99=2ms". */
struct pick_objective {
	int m;
	double limit_us;
	char text[48]; /* as people read it: "p99 <= 2 ms" */
};

/* "p99=2ms,p999=10ms" into obj (at most max); the count, or -EINVAL with
 * the bad item named in err. */
int pick_slo_parse(const char *s, struct pick_objective *obj, int max, char *err, size_t errlen);

/* For every open-mode cell of the run (or the one named: workload, or
 * size >= 0; conns > 0), the variant that sustains the highest achieved
 * rate with every objective met, the runner-up and how far apart. Returns
 * the exit status: 0, or 2 when the run has no such cell (said). */
int pick_slo(const struct runs_run *run, const struct pick_objective *obj, int nobj, const char *workload,
	     long size, long conns);
#endif
