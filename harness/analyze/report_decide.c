/* report_decide: the best variant for a workload, the runner-up, and the
 * verdict of one against the other with its effect size (pick's logic, the
 * decision table); the looks a run was planned in. Rules:
 * docs/statistics.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

const struct seq_rule report_rule_default = {SEQ_MARGIN, SEQ_MIN_EFFECT};

void report_plan(const struct runs_run *run, struct seq_plan *p)
{
	long min = run->info.options.reps, max = run->info.options.reps_max;

	p->alpha = REPORT_ALPHA;
	p->min = min > 0 ? (int)min : 1;
	p->max = max >= p->min ? (int)max : p->min;
}

void report_check_plan(const struct runs_run *base, const struct runs_run *new, struct seq_plan *p)
{
	struct seq_plan b;

	report_plan(new, p);
	report_plan(base, &b);
	p->alpha /= b.max - b.min + 1;
}

/* Values of metric m of cell c that are numbers: the library skips NaNs,
 * but the count of values per variant is what says whether there is
 * anything to compare. */
static size_t values(const struct runs_cell *c, int m)
{
	size_t k = 0;

	for (size_t i = 0; i < c->n; i++)
		k += !isnan(c->v[m][i]);
	return k;
}

/* At least 2 values, all positive: a ratio on the log scale exists. */
static int comparable(const struct runs_cell *c, int m)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[m][i] <= 0)
			return 0;
	return values(c, m) >= 2;
}

size_t report_check_tests(const struct runs_run *base, const struct runs_run *new, const int *metrics,
			  int nmetrics)
{
	size_t t = 0;

	for (size_t i = 0; i < new->ncells; i++) {
		const struct runs_cell *cn = &new->cells[i];
		const struct runs_cell *cb =
			runs_find((struct runs_run *)base, cn->variant, cn->size, cn->conns);
		for (int k = 0; cb && k < nmetrics; k++)
			t += comparable(cn, metrics[k]) && comparable(cb, metrics[k]);
	}
	return t;
}

struct cell_key {
	const char *workload, *rate;
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

/* one of open mode's rates of a mix, or of a size (workload "") */
static int rate_cell(const struct runs_cell *c, const void *arg)
{
	const struct cell_key *k = arg;

	return c->conns == k->conns && !strcmp(c->rate, k->rate) && !strcmp(c->workload, k->workload) &&
	       (*c->workload || c->size == k->size);
}

int report_decide(const struct runs_run *run, long size, long conns, int m, const struct seq_plan *p,
		  const struct seq_rule *r, struct report_decision *d)
{
	struct cell_key k = {"", "", size, conns};

	return report_decide_among(run->cells, run->ncells, plain_cell, &k, m, p, r, d);
}

int report_decide_mix(const struct runs_run *run, const char *workload, long conns, int m,
		      const struct seq_plan *p, const struct seq_rule *r, struct report_decision *d)
{
	struct cell_key k = {workload, "", 0, conns};

	return report_decide_among(run->load_cells, run->nload_cells, mix_cell, &k, m, p, r, d);
}

int report_decide_rate(const struct runs_run *run, const char *workload, long size, long conns,
		       const char *rate, int m, const struct seq_plan *p, const struct seq_rule *r,
		       struct report_decision *d)
{
	struct cell_key k = {workload, rate, size, conns};

	return report_decide_among(run->load_cells, run->nload_cells, rate_cell, &k, m, p, r, d);
}

int report_decide_among(const struct runs_cell *all, size_t nall,
			int (*keep)(const struct runs_cell *, const void *), const void *arg, int m,
			const struct seq_plan *p, const struct seq_rule *r, struct report_decision *d)
{
	const struct runs_cell **cells = calloc(nall + 1, sizeof(*cells));
	const double **v = calloc(nall + 1, sizeof(*v));
	size_t *n = calloc(nall + 1, sizeof(*n)), k = 0;
	int hb = runs_metrics[m].higher_better;
	struct seq_pick pk;

	memset(d, 0, sizeof(*d));
	d->d.verdict = SEQ_NODATA;
	if (!cells || !v || !n)
		goto cleanup;
	for (size_t i = 0; i < nall; i++) {
		const struct runs_cell *c = &all[i];
		/* a peer is not ours to choose, a floor is not a choice at all */
		if (c->peer || c->floor || !keep(c, arg) || !values(c, m))
			continue;
		cells[k] = c;
		d->client_bound += c->client_bound > 0;
		v[k] = c->v[m];
		n[k++] = c->n;
	}
	d->candidates = (int)k;
	d->paced = d->client_bound && runs_metric_paced(m);
	if (!k || seq_pick(v, n, k, hb, p, r ? r : &report_rule_default, &pk))
		goto cleanup;
	if (pk.best < 0) {
		/* one repetition each: the best by its one value, nothing decided */
		double bt = NAN;
		for (size_t i = 0; i < k; i++) {
			struct effect_loc l;
			if (effect_location(v[i], n[i], 0.05, &l))
				continue;
			if (pk.best < 0 || (hb ? l.typical > bt : l.typical < bt)) {
				pk.second = pk.best;
				pk.best = (int)i;
				bt = l.typical;
			} else if (pk.second < 0)
				pk.second = (int)i;
		}
	}
	if (pk.best < 0)
		goto cleanup;
	d->best = cells[pk.best];
	effect_location(v[pk.best], n[pk.best], 0.05, &d->lbest);
	if (pk.second >= 0) {
		d->second = cells[pk.second];
		effect_location(v[pk.second], n[pk.second], 0.05, &d->lsecond);
	}
	d->d = pk.d;
cleanup:
	free(cells);
	free(v);
	free(n);
	return d->candidates;
}

int report_stuck(const struct seq_decision *d, const struct seq_rule *r)
{
	double eff = fabs(d->e.ratio - 1);

	return d->verdict == SEQ_OPEN && !d->reps_needed && eff > r->margin && eff < r->min_effect;
}

void report_verdict_words(char *buf, size_t len, const struct seq_decision *d, const struct seq_rule *r,
			  const struct seq_plan *p)
{
	switch (d->verdict) {
	case SEQ_BETTER:
	case SEQ_WORSE:
		snprintf(buf, len, "%s", seq_verdict_names[d->verdict]);
		break;
	case SEQ_EQUIVALENT:
		snprintf(buf, len, "equivalent within ±%.0f%%", 100 * r->margin);
		break;
	case SEQ_OPEN:
		if (report_stuck(d, r))
			snprintf(buf, len, "not decided: the effect lies between margin and min effect");
		else if (!d->reps_needed)
			snprintf(buf, len, "not decided: over %d reps would be needed", SEQ_REPS_LIMIT);
		else if (d->beyond_max)
			snprintf(buf, len, "not decided: ~%d reps, beyond the plan's %d", d->reps_needed,
				 p->max);
		else
			snprintf(buf, len, "not decided yet: ~%d reps would likely decide it",
				 d->reps_needed);
		break;
	case SEQ_NODATA:
		snprintf(buf, len, "no data (fewer than 2 values each)");
		break;
	}
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

/* One row: the effect of best against runner-up in words, and the verdict. */
static void table_row(FILE *f, const char *sz, long conns, int m, const struct report_decision *d,
		      const struct seq_rule *r, const struct seq_plan *p, int html)
{
	char effect[256] = "", verdict[128];
	const struct seq_decision *x = &d->d;

	if (!d->second)
		snprintf(verdict, sizeof(verdict), "only one variant");
	else if (d->paced)
		snprintf(verdict, sizeof(verdict), "%s", REPORT_CLIENT_BOUND);
	else
		report_verdict_words(verdict, sizeof(verdict), x, r, p);
	if (d->second && d->client_bound && !d->paced) {
		size_t used = strlen(verdict);
		snprintf(verdict + used, sizeof(verdict) - used, " (%s)", REPORT_CLIENT_PACE);
	}
	if (d->second && x->verdict != SEQ_NODATA)
		effect_phrase(effect, sizeof(effect), m, x->e.ratio, x->e.rlo, x->e.rhi);
	if (!html) {
		fprintf(f, "%-9s %6ld  %-30s %-30s %-48s %s\n", sz, conns, d->best->variant,
			d->second ? d->second->variant : "-", effect, verdict);
		return;
	}
	fprintf(f, "<tr class=\"%s\"><td>%s</td><td>%ld</td><td>%s</td><td>%.4g</td><td>",
		x->verdict == SEQ_BETTER && !d->paced ? "apart" : "tie", sz, conns, d->best->variant,
		d->lbest.typical);
	if (d->second) {
		fprintf(f, "%s</td><td>%.4g</td><td>", d->second->variant, d->lsecond.typical);
		report_html_text(f, effect);
	} else
		fprintf(f, "-</td><td></td><td>");
	fprintf(f, "</td><td>%zu</td><td>",
		d->second && d->lsecond.n < d->lbest.n ? d->lsecond.n : d->lbest.n);
	report_html_text(f, verdict);
	fprintf(f, "</td></tr>\n");
}

void report_decision_table(FILE *f, const struct runs_run *run, int m, const struct seq_rule *r, int html)
{
	long *sizes = NULL, *conns = NULL, *mconns = NULL;
	const char **mixes = NULL;
	int ns = runs_sizes(run, &sizes), nc = runs_conns(run, &conns);
	int nm = runs_workloads(run, &mixes, &mconns);
	const struct runs_metric_info *mi = &runs_metrics[m];
	struct seq_plan p;

	if (!r)
		r = &report_rule_default;
	report_plan(run, &p);
	if (html)
		fprintf(f,
			"<table><caption>%s: best variant per workload (%s is better); the best against the "
			"runner-up with its %.2f%% interval</caption>\n"
			"<tr><th>size</th><th>conns</th><th>best</th><th>typical</th><th>runner-up</th>"
			"<th>typical</th><th>best against runner-up</th><th>reps</th><th>verdict</th></tr>\n",
			mi->label, mi->higher_better ? "higher" : "lower", 100 * (1 - seq_look_alpha(&p)));
	else
		fprintf(f,
			"decision table: %s (%s is better); best against runner-up, %.2f%% interval (reps "
			"%d..%d, alpha %.2f over the looks), margin ±%.0f%%, min effect %.0f%%\n"
			"%-9s %6s  %-30s %-30s %-48s %s\n",
			mi->label, mi->higher_better ? "higher" : "lower", 100 * (1 - seq_look_alpha(&p)),
			p.min, p.max, p.alpha, 100 * r->margin, 100 * r->min_effect, "size", "conns", "best",
			"runner-up", "best against runner-up", "verdict");
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
			if ((i < ns ? report_decide(run, sizes[i], cc, m, &p, r, &d)
				    : report_decide_mix(run, mixes[i - ns], cc, m, &p, r, &d)) &&
			    d.best)
				table_row(f, sz, cc, m, &d, r, &p, html);
		}
	if (html)
		fprintf(f, "</table>\n");
	free(sizes);
	free(conns);
	free(mixes);
	free(mconns);
}
