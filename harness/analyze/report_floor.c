/*
 * report_floor: how far a variant is from its floor (docs/floor.md): the
 * ratio of its typical value to the floor's at the same cell, with the
 * interval effect_compare gives, in words ("4.3% above the floor"). pick
 * prints it for the best, the runner-up and the peers; the report has a
 * table of it per cell.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "variant.h"

const struct runs_cell *report_floor_of(const struct runs_run *run, const struct runs_cell *c)
{
	const struct runs_cell *same_tls = NULL;
	const struct variant *f;
	struct variant v, fv;

	if (c->floor || c->workload[0] || c->rate[0] || variant_lookup(c->variant, &v))
		return NULL;
	f = variant_floor_for(&v);
	for (size_t i = 0; f && i < run->ncells; i++) {
		const struct runs_cell *x = &run->cells[i];
		if (!x->floor || x->size != c->size || x->conns != c->conns || x->workload[0] || x->rate[0])
			continue;
		if (!strcmp(x->variant, f->name))
			return x;
		/* its own loop's floor not swept (the demo sweeps epoll-floor only):
		 * the floor of the same transport on the other loop */
		if (!variant_floor(x->variant, &fv) && variant_is(&fv, "tls", variant_value(f, "tls")))
			same_tls = x;
	}
	return same_tls;
}

/* "+4.3%" of a ratio r */
static double pct(double r)
{
	return 100 * (r - 1);
}

/* The client set the pace of some of either cell's repetitions: a rate's
 * or a latency's distance then compares the client's limits, a cost's is
 * the cost at the client's pace (runs_metric_paced); either says so. */
static void client_bound_note(char *buf, size_t len, const struct runs_cell *c, const struct runs_cell *fl,
			      int m)
{
	size_t used = strlen(buf);

	if ((c->client_bound || fl->client_bound) && used < len)
		snprintf(buf + used, len - used,
			 " (client-bound in %zu of %zu and %zu of %zu repetitions: %s)", c->client_bound,
			 c->n, fl->client_bound, fl->n,
			 runs_metric_paced(m) ? "partly the client's limit"
					      : "the cost at the client's pace");
}

int report_floor_phrase(char *buf, size_t len, const struct runs_cell *c, const struct runs_cell *fl, int m)
{
	struct effect e;
	struct effect_loc a, b;
	double r;

	if (!effect_compare(c->v[m], c->n, fl->v[m], fl->n, REPORT_ALPHA, &e)) {
		snprintf(buf, len, "%.1f%% %s the floor (%s) [%+.1f%%, %+.1f%%]", fabs(pct(e.ratio)),
			 e.ratio >= 1 ? "above" : "below", fl->variant, pct(e.rlo), pct(e.rhi));
		client_bound_note(buf, len, c, fl, m);
		return 0;
	}
	/* one repetition (or a zero): the ratio of the typical values, no interval */
	if (effect_location(c->v[m], c->n, REPORT_ALPHA, &a) ||
	    effect_location(fl->v[m], fl->n, REPORT_ALPHA, &b) || !a.n || !b.n || !(b.typical > 0) ||
	    !(a.typical > 0))
		return -1;
	r = a.typical / b.typical;
	snprintf(buf, len, "%.1f%% %s the floor (%s) (no interval: one repetition)", fabs(pct(r)),
		 r >= 1 ? "above" : "below", fl->variant);
	client_bound_note(buf, len, c, fl, m);
	return 0;
}

void report_floor_print(const struct runs_run *run, const struct runs_cell *const *show, int nshow, int m)
{
	const struct runs_cell *fl[64];
	struct effect_loc l;
	int nfl = 0;
	char s[256];

	/* each floor the shown cells are measured against, once */
	for (int i = 0; i < nshow && nfl < 64; i++) {
		const struct runs_cell *f = show[i] ? report_floor_of(run, show[i]) : NULL;
		int seen = !f;
		for (int k = 0; k < nfl && !seen; k++)
			seen = fl[k] == f;
		if (!seen)
			fl[nfl++] = f;
	}
	for (int k = 0; k < nfl; k++)
		if (!effect_location(fl[k]->v[m], fl[k]->n, REPORT_ALPHA, &l) && l.n)
			printf("floor:     %-30s typical %.4g [%.4g, %.4g] (a reference, not a choice)\n",
			       fl[k]->variant, l.typical, l.lo, l.hi);
	for (int i = 0; i < nshow; i++) {
		const struct runs_cell *f = show[i] ? report_floor_of(run, show[i]) : NULL;
		if (f && !report_floor_phrase(s, sizeof(s), show[i], f, m))
			printf("distance:  %-30s %s\n", show[i]->variant, s);
	}
}

void report_floor_table(FILE *f, const struct runs_run *run, int m)
{
	int any = 0;
	char s[256], sz[32];

	for (size_t i = 0; i < run->ncells; i++) {
		const struct runs_cell *c = &run->cells[i], *fl = report_floor_of(run, c);
		if (!fl || report_floor_phrase(s, sizeof(s), c, fl, m))
			continue;
		if (!any++)
			fprintf(f,
				"<h3>Distance from the floor: %s</h3>\n<p>Each variant and peer against the "
				"floor of its loop and transport at the same cell: the ratio of typical "
				"values "
				"with its 95%% interval. The floor answers from memory with one receive and "
				"one "
				"send per request; for large bodies from the page cache it is no bound "
				"(docs/floor.md).</p>\n<table>\n<tr><th>size</th><th>conns</th><th>variant</"
				"th>"
				"<th>distance</th></tr>\n",
				runs_metrics[m].label);
		runs_size_str(c->size, sz, sizeof(sz));
		fprintf(f, "<tr><td>%s</td><td>%ld</td><td>", sz, c->conns);
		report_html_text(f, c->variant);
		fputs("</td><td>", f);
		report_html_text(f, s);
		fputs("</td></tr>\n", f);
	}
	if (any)
		fputs("</table>\n", f);
}
