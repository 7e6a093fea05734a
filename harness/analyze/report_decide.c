/* report_decide: the best variant for a workload, and whether it is told
 * apart from the runner-up (pick's logic, the decision table). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Better-first order by median for metric m. */
static int better(int m, double a, double b)
{
	if (isnan(b))
		return !isnan(a);
	if (isnan(a))
		return 0;
	return runs_metrics[m].higher_better ? a > b : a < b;
}

struct cell_key {
	const char *workload;
	long size, conns;
};

static int plain_cell(const struct runs_cell *c, const void *arg)
{
	const struct cell_key *k = arg;

	return c->size == k->size && c->conns == k->conns;
}

/* a workload mix in closed loop (its open-mode rates are pick --slo's) */
static int mix_cell(const struct runs_cell *c, const void *arg)
{
	const struct cell_key *k = arg;

	return c->conns == k->conns && !*c->rate && !strcmp(c->workload, k->workload);
}

int report_decide(const struct runs_run *run, long size, long conns, int m, struct report_decision *d)
{
	struct cell_key k = {"", size, conns};

	return report_decide_among(run->cells, run->ncells, plain_cell, &k, m, d);
}

int report_decide_mix(const struct runs_run *run, const char *workload, long conns, int m,
		      struct report_decision *d)
{
	struct cell_key k = {workload, 0, conns};

	return report_decide_among(run->load_cells, run->nload_cells, mix_cell, &k, m, d);
}

int report_decide_among(const struct runs_cell *cells, size_t n,
			int (*keep)(const struct runs_cell *, const void *), const void *arg, int m,
			struct report_decision *d)
{
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < n; i++) {
		const struct runs_cell *c = &cells[i];
		struct stats_summary s;
		if (c->peer || !keep(c, arg))
			continue;
		stats_summary(c->v[m], c->n, &s);
		if (!s.n)
			continue;
		d->candidates++;
		if (!d->best || better(m, s.median, d->sbest.median)) {
			d->second = d->best;
			d->ssecond = d->sbest;
			d->best = c;
			d->sbest = s;
		} else if (!d->second || better(m, s.median, d->ssecond.median)) {
			d->second = c;
			d->ssecond = s;
		}
	}
	if (d->best && d->second) {
		double *a = malloc(d->best->n * sizeof(*a)), *b = malloc(d->second->n * sizeof(*b));
		size_t na = 0, nb = 0;
		for (size_t i = 0; a && i < d->best->n; i++)
			if (!isnan(d->best->v[m][i]))
				a[na++] = d->best->v[m][i];
		for (size_t i = 0; b && i < d->second->n; i++)
			if (!isnan(d->second->v[m][i]))
				b[nb++] = d->second->v[m][i];
		if (a && b && !stats_mwu(a, na, b, nb, &d->t))
			d->apart = d->t.p < REPORT_ALPHA;
		free(a);
		free(b);
		double ref = d->ssecond.median;
		d->margin = ref ? fabs(d->sbest.median - ref) / fabs(ref) : 0;
	}
	return d->candidates;
}

static double log_dist(long a, long b)
{
	return fabs(log((double)(a > 0 ? a : 1)) - log((double)(b > 0 ? b : 1)));
}

void report_nearest(const struct runs_run *run, long size, long conns, long *msize, long *mconns)
{
	double bs = INFINITY, bc = INFINITY;

	for (size_t i = 0; i < run->ncells; i++) {
		const struct runs_cell *c = &run->cells[i];
		if (c->peer)
			continue;
		if (log_dist(c->size, size) < bs)
			bs = log_dist(c->size, size), *msize = c->size;
		if (log_dist(c->conns, conns) < bc)
			bc = log_dist(c->conns, conns), *mconns = c->conns;
	}
}

void report_power_note(FILE *f, size_t n1, size_t n2, double alpha)
{
	double pmin = stats_mwu_p_min(n1, n2);

	if (pmin >= alpha)
		fprintf(f,
			"note: with %zu and %zu repetitions the smallest two-sided p-value a rank test can "
			"give is %.3f, "
			"not below alpha %.2f: no difference, however large, can be called significant; "
			"sweep with at least 4 repetitions each.\n",
			n1, n2, pmin, alpha);
	else if (n1 < 5 || n2 < 5)
		fprintf(f,
			"note: with %zu and %zu repetitions the smallest possible p-value is %.3f: only "
			"differences "
			"where every repetition of one variant beats every one of the other can reach alpha "
			"%.2f.\n",
			n1, n2, pmin, alpha);
}

void report_decision_table(FILE *f, const struct runs_run *run, int m, int html)
{
	long *sizes = NULL, *conns = NULL, *mconns = NULL;
	const char **mixes = NULL;
	int ns = runs_sizes(run, &sizes), nc = runs_conns(run, &conns);
	int nm = runs_workloads(run, &mixes, &mconns);
	const struct runs_metric_info *mi = &runs_metrics[m];

	if (html)
		fprintf(f,
			"<table><caption>%s: best variant per workload (%s is better)</caption>\n"
			"<tr><th>size</th><th>conns</th><th>best</th><th>median</th><th>runner-up</th>"
			"<th>median</th><th>margin</th><th>p</th><th>verdict</th></tr>\n",
			mi->label, mi->higher_better ? "higher" : "lower");
	else
		fprintf(f,
			"decision table: %s (%s is better), alpha %.2f\n%-9s %6s  %-30s %12s  %-30s %12s %7s "
			"%6s  %s\n",
			mi->label, mi->higher_better ? "higher" : "lower", REPORT_ALPHA, "size", "conns",
			"best", "median", "runner-up", "median", "margin", "p", "verdict");
	/* the sizes, then the workload mixes (closed loop): a mix is a cell too */
	for (int i = 0; i < ns + (nm > 0 ? nm : 0); i++)
		for (int j = 0; j < (i < ns ? nc : 1); j++) {
			struct report_decision d;
			char sz[80];
			long cc = i < ns ? conns[j] : mconns[i - ns];
			if (i < ns)
				runs_size_str(sizes[i], sz, sizeof(sz));
			else
				snprintf(sz, sizeof(sz), "mix %s", mixes[i - ns]);
			if (!(i < ns ? report_decide(run, sizes[i], cc, m, &d)
				     : report_decide_mix(run, mixes[i - ns], cc, m, &d)))
				continue;
			const char *verdict = !d.second ? "only one variant"
					      : d.apart ? "told apart"
							: "cannot tell apart";
			if (html) {
				fprintf(f, "<tr class=\"%s\"><td>%s</td><td>%ld</td><td>%s</td><td>%.4g</td>",
					d.apart ? "apart" : "tie", sz, cc, d.best->variant, d.sbest.median);
				if (d.second)
					fprintf(f, "<td>%s</td><td>%.4g</td><td>%.1f%%</td><td>%.3f</td>",
						d.second->variant, d.ssecond.median, 100 * d.margin, d.t.p);
				else
					fprintf(f, "<td>-</td><td></td><td></td><td></td>");
				fprintf(f, "<td>%s</td></tr>\n", verdict);
			} else if (d.second) {
				fprintf(f, "%-9s %6ld  %-30s %12.4g  %-30s %12.4g %6.1f%% %6.3f  %s\n", sz,
					cc, d.best->variant, d.sbest.median, d.second->variant,
					d.ssecond.median, 100 * d.margin, d.t.p, verdict);
			} else {
				fprintf(f, "%-9s %6ld  %-30s %12.4g  %-30s\n", sz, cc, d.best->variant,
					d.sbest.median, verdict);
			}
		}
	if (html)
		fprintf(f, "</table>\n");
	free(sizes);
	free(conns);
	free(mixes);
	free(mconns);
}
