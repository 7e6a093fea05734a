/* plot_load: open mode's latency against achieved throughput (plot_load.c). */
#ifndef WL_PLOT_LOAD_H
#define WL_PLOT_LOAD_H
#include <jansson.h>
#include <stddef.h>

#include "runs.h"

/* Per size or mix, TLS mode (and concurrency, when the run has several):
 * latency_rate_p99_* and latency_rate_p999_* in dir, each appended to
 * index (plots.json). Nothing for a run without open-mode rates. 0 or
 * -errno with err written. */
int plot_load_curves(const struct runs_run *run, const char *dir, json_t *index, char *err, size_t errlen);
#endif
