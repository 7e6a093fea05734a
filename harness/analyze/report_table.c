/* report_table: a run's medians as a text table (wirelab table, the demo). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static double median_of(const struct runs_cell *c, int m)
{
	struct stats_summary s;

	stats_summary(c->v[m], c->n, &s);
	return s.n ? s.median : NAN;
}

static void cell_num(FILE *f, double v, int decimals)
{
	if (isnan(v))
		fprintf(f, " %12s", "-");
	else
		fprintf(f, " %12.*f", decimals, v);
}

int report_table(FILE *f, const struct runs_run *run)
{
	/* the columns: metric and decimals */
	static const int cols[][2] = {{RUNS_RPS, 0}, {RUNS_MBPS, 1}, {RUNS_P99, 0},
				      {RUNS_CPU, 2}, {RUNS_CORE, 2}, {RUNS_SYSCALLS, 2}};
	const char **vs = NULL;
	long *sizes = NULL, *conns = NULL;
	int nv = runs_variants(run, &vs), ns = runs_sizes(run, &sizes), nc = runs_conns(run, &conns), ret = 0;
	char sz[32];

	if (nv < 0 || ns < 0 || nc < 0) {
		ret = -ENOMEM;
		goto cleanup;
	}
	fprintf(f, "medians over repetitions (%s topology)\n", run->info.topology ? run->info.topology : "?");
	fprintf(f, "%-30s %8s %5s %12s %12s %12s %12s %12s %12s\n", "variant", "size", "conns", "req/s",
		"MB/s", "p99 us", "cpu us/req", "core us/req", "syscalls/req");
	for (int v = 0; v < nv; v++)
		for (int s = 0; s < ns; s++)
			for (int c = 0; c < nc; c++) {
				struct runs_cell *cell =
					runs_find((struct runs_run *)run, vs[v], sizes[s], conns[c]);
				if (!cell)
					continue;
				runs_size_str(sizes[s], sz, sizeof(sz));
				fprintf(f, "%-30s %8s %5ld", vs[v], sz, conns[c]);
				for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
					cell_num(f, median_of(cell, cols[k][0]), cols[k][1]);
				fprintf(f, "%s\n", cell->client_bound ? "  client-bound" : "");
			}
	if ((ret = report_table_load(f, run)))
		goto cleanup;
	/* each note once (runs_tally already made a skipped variant one note);
	 * notes of one variant that differ (client-bound in one cell,
	 * rate-missed in another) are all said */
	for (size_t i = 0; i < run->nnotes; i++) {
		int dup = 0;
		for (size_t k = 0; k < i && !dup; k++)
			dup = !strcmp(run->notes[k], run->notes[i]);
		if (!dup)
			fprintf(f, "note: %s\n", run->notes[i]);
	}
cleanup:
	free(vs);
	free(sizes);
	free(conns);
	return ret;
}
