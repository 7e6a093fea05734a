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
	[RUNS_ACHIEVED] = {"achieved", RP_ACHIEVED, "achieved requests per second", "Achieved throughput", 1},
	[RUNS_OFFERED] = {"offered", RP_OFFERED, "offered requests per second", "Offered rate", 1},
	[RUNS_P90] = {"p90", RP_P90, "90th percentile latency (µs)", "p90 latency", 0},
	[RUNS_P9999] = {"p9999", RP_P9999, "99.99th percentile latency (µs)", "p99.99 latency", 0},
	[RUNS_MAX] = {"max", RP_MAX, "the slowest request (µs)", "Maximum latency", 0},
	[RUNS_CLIENT_CPU] = {"client_cpu", RP_CLIENT_CPU, "client CPU time per request (µs)",
			     "Client CPU per request", 0},
	[RUNS_U99] = {"p99_uncorrected", RP_U99, "99th percentile latency from the actual send time (µs)",
		      "p99 latency, uncorrected", 0},
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

static int same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

struct runs_cell *runs_find_load(struct runs_run *run, const char *variant, const char *workload, long size,
				 long conns, const char *rate)
{
	for (size_t i = 0; i < run->nload_cells; i++) {
		struct runs_cell *c = &run->load_cells[i];
		if (c->conns == conns && same_str(c->workload, workload) && same_str(c->rate, rate) &&
		    (c->workload[0] || c->size == size) && !strcmp(c->variant, variant))
			return c;
	}
	return NULL;
}

int runs_metric_paced(int m)
{
	switch (m) {
	case RUNS_CPU:
	case RUNS_CORE:
	case RUNS_SYSCALLS:
	case RUNS_CTXSW:
	case RUNS_SEGS:
	case RUNS_CLIENT_CPU:
		return 0;
	default:
		return 1;
	}
}

int runs_is_floor(const char *variant)
{
	struct variant v;

	return !variant_floor(variant, &v);
}

int runs_is_peer(const struct runs_run *run, const char *variant)
{
	struct variant v;

	if (!variant_peer(variant, &v))
		return 1;
	for (size_t i = 0; run && i < run->ncells; i++)
		if (!strcmp(run->cells[i].variant, variant) && run->cells[i].peer)
			return 1;
	for (size_t i = 0; run && i < run->nload_cells; i++)
		if (!strcmp(run->load_cells[i].variant, variant) && run->load_cells[i].peer)
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

int runs_workloads(const struct runs_run *run, const char ***names, long **conns)
{
	const char **v = malloc((run->nload_cells + 1) * sizeof(*v));
	long *c = malloc((run->nload_cells + 1) * sizeof(*c));
	size_t n = 0;

	if (!v || !c) {
		free(v);
		free(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < run->nload_cells; i++) {
		const struct runs_cell *x = &run->load_cells[i];
		size_t j;
		if (!*x->workload || *x->rate)
			continue;
		for (j = 0; j < n && (c[j] != x->conns || strcmp(v[j], x->workload)); j++)
			;
		if (j == n) {
			v[n] = x->workload;
			c[n++] = x->conns;
		}
	}
	*names = v;
	*conns = c;
	return (int)n;
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
	const char **v = malloc((run->ncells + run->nload_cells + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	/* the variants of every cell, load cells included, so a variant has
	 * the same colour in every plot */
	for (size_t i = 0; i < run->ncells + run->nload_cells; i++) {
		const char *name =
			i < run->ncells ? run->cells[i].variant : run->load_cells[i - run->ncells].variant;
		size_t j;
		for (j = 0; j < n && strcmp(v[j], name); j++)
			;
		if (j == n)
			v[n++] = name;
	}
	sort_run = run;
	qsort(v, n, sizeof(*v), cmp_variant);
	*out = v;
	return (int)n;
}
