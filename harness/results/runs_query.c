/*
 * runs_query: what a run read into memory holds: its metrics (each a
 * points.csv column), its cells, and the sizes, concurrencies and
 * variants they span (see runs.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs.h"

const struct runs_metric_info runs_metrics[RUNS_NMETRICS] = {
	[RUNS_RPS] = {"rps", RP_RPS, "requests per second", "Throughput", 1},
	[RUNS_MBPS] = {"mbps", RP_MBPS, "MB/s (10^6 bytes per second)", "Bandwidth", 1},
	[RUNS_CPU] = {"cpu", RP_CPU, "server CPU time per request (µs)", "Server CPU per request", 0},
	[RUNS_CORE] = {"core", RP_CORE, "time on server cores per request (µs, softirq included)",
		       "Server cores' time per request", 0},
	[RUNS_SYSCALLS] = {"syscalls", RP_SYSCALLS, "server syscalls per request", "Syscalls per request", 0},
	[RUNS_P50] = {"p50", RP_P50, "median latency (µs)", "Median latency", 0},
	[RUNS_P99] = {"p99", RP_P99, "99th percentile latency (µs)", "p99 latency", 0},
	[RUNS_P999] = {"p999", RP_P999, "99.9th percentile latency (µs)", "p99.9 latency", 0},
	[RUNS_CTXSW] = {"ctxsw", RP_CTXSW, "context switches per request", "Context switches per request", 0},
	[RUNS_SEGS] = {"segs", RP_SEGS, "TCP segments sent per request", "Segments per request", 0},
};

int runs_metric_find(const char *key)
{
	for (int m = 0; m < RUNS_NMETRICS; m++)
		if (!strcmp(key, runs_metrics[m].key) || !strcmp(key, runs_metric_column(m)))
			return m;
	return -ENOENT;
}

const char *runs_metric_column(int m)
{
	return results_point_cols[runs_metrics[m].col].name;
}

const char *runs_metric_keys(void)
{
	static char keys[256];
	size_t n = 0;

	for (int m = 0; !keys[0] && m < RUNS_NMETRICS && n < sizeof(keys); m++)
		n += snprintf(keys + n, sizeof(keys) - n, "%s%s", m ? ", " : "", runs_metrics[m].key);
	return keys;
}

struct runs_cell *runs_find(struct runs_run *run, const char *variant, long size, long conns)
{
	for (size_t i = 0; i < run->ncells; i++) {
		struct runs_cell *c = &run->cells[i];
		if (c->size == size && c->conns == conns && !strcmp(c->variant, variant))
			return c;
	}
	return NULL;
}

int runs_is_peer(const struct runs_run *run, const char *variant)
{
	struct variant v;

	if (!variant_peer(variant, &v))
		return 1;
	for (size_t i = 0; run && i < run->ncells; i++)
		if (!strcmp(run->cells[i].variant, variant) && run->cells[i].peer)
			return 1;
	return 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int distinct_longs(const struct runs_run *run, int conns, long **out)
{
	long *v = malloc((run->ncells + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < run->ncells; i++) {
		long x = conns ? run->cells[i].conns : run->cells[i].size;
		size_t j;
		for (j = 0; j < n && v[j] != x; j++)
			;
		if (j == n)
			v[n++] = x;
	}
	qsort(v, n, sizeof(*v), cmp_long);
	*out = v;
	return (int)n;
}

int runs_sizes(const struct runs_run *run, long **out)
{
	return distinct_longs(run, 0, out);
}

int runs_conns(const struct runs_run *run, long **out)
{
	return distinct_longs(run, 1, out);
}

static const struct runs_run *sort_run;

static int cmp_variant(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int px = runs_is_peer(sort_run, x), py = runs_is_peer(sort_run, y);

	return px != py ? px - py : strcmp(x, y);
}

int runs_variants(const struct runs_run *run, const char ***out)
{
	const char **v = malloc((run->ncells + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < run->ncells; i++) {
		size_t j;
		for (j = 0; j < n && strcmp(v[j], run->cells[i].variant); j++)
			;
		if (j == n)
			v[n++] = run->cells[i].variant;
	}
	sort_run = run;
	qsort(v, n, sizeof(*v), cmp_variant);
	*out = v;
	return (int)n;
}
