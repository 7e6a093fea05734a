/* report_table_load: `wirelab table`'s rows of the load cells, open mode's
 * rates and the workload mixes, after the cells of one file size. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void num(FILE *f, const struct runs_cell *c, int m, int width, int decimals)
{
	struct stats_summary s;

	stats_summary(c->v[m], c->n, &s);
	if (!s.n)
		fprintf(f, " %*s", width, "-");
	else
		fprintf(f, " %*.*f", width, decimals, s.median);
}

static double offered(const struct runs_cell *c)
{
	struct stats_summary s;

	stats_summary(c->v[RUNS_OFFERED], c->n, &s);
	return s.n ? s.median : 0;
}

static const struct runs_cell *sort_cells;

/* variant, then size or mix, concurrency, the rate offered */
static int cmp_cell(const void *a, const void *b)
{
	const struct runs_cell *x = &sort_cells[*(const size_t *)a], *y = &sort_cells[*(const size_t *)b];
	int d = strcmp(x->variant, y->variant);

	if (!d)
		d = strcmp(x->workload, y->workload);
	if (!d)
		d = (x->size > y->size) - (x->size < y->size);
	if (!d)
		d = (x->conns > y->conns) - (x->conns < y->conns);
	if (!d)
		d = (offered(x) > offered(y)) - (offered(x) < offered(y));
	return d;
}

int report_table_load(FILE *f, const struct runs_run *run)
{
	size_t *order;
	char sz[48];

	if (!run->nload_cells)
		return 0;
	if (!(order = malloc(run->nload_cells * sizeof(*order))))
		return -ENOMEM;
	for (size_t i = 0; i < run->nload_cells; i++)
		order[i] = i;
	sort_cells = run->load_cells;
	qsort(order, run->nload_cells, sizeof(*order), cmp_cell);
	fprintf(f, "\nopen mode's rates and workload mixes (medians; latency corrected, from each request's "
		   "intended send time; uncorr.: from the actual send)\n");
	fprintf(f, "%-30s %12s %5s %6s %10s %10s %10s %10s %10s %10s %8s %8s\n", "variant", "size", "conns",
		"rate", "offered/s", "achieved/s", "p50 us", "p99 us", "p99.9 us", "uncorr.p99", "cli us/r",
		"cpu us/r");
	for (size_t k = 0; k < run->nload_cells; k++) {
		const struct runs_cell *c = &run->load_cells[order[k]];
		if (*c->workload)
			snprintf(sz, sizeof(sz), "mix %.20s", c->workload);
		else
			runs_size_str(c->size, sz, sizeof(sz));
		fprintf(f, "%-30s %12s %5ld %6s", c->variant, sz, c->conns, *c->rate ? c->rate : c->load);
		num(f, c, RUNS_OFFERED, 10, 0);
		num(f, c, RUNS_ACHIEVED, 10, 0);
		num(f, c, RUNS_P50, 10, 0);
		num(f, c, RUNS_P99, 10, 0);
		num(f, c, RUNS_P999, 10, 0);
		num(f, c, RUNS_U99, 10, 0);
		num(f, c, RUNS_CLIENT_CPU, 8, 2);
		num(f, c, RUNS_CPU, 8, 2);
		if (c->rate_missed)
			fprintf(f, "  rate missed in %zu of %zu", c->rate_missed, c->n);
		if (c->client_bound)
			fprintf(f, "  client-bound");
		fprintf(f, "\n");
	}
	free(order);
	return 0;
}
