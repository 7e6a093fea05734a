/*
 * sweep_adapt: the rounds of adaptive repetitions after the first MIN (see
 * sweep_adapt.h), and the options that plan them.
 */
#include "sweep_adapt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "runs.h"
#include "seq.h"
#include "sweep_opts.h"
#include "sweep_point.h"
#include "sweep_proc.h"
#include "sweep_record.h"
#include "sweep_values.h"

_Static_assert(SWEEP_ADAPT_METRICS >= RUNS_NMETRICS, "--decide can name every metric");

/* A --reps MAX above this is a typo (the sweep's bound before ranges). */
#define ADAPT_REPS_LIMIT 100

void sweep_adapt_defaults(struct sweep_opts *o)
{
	struct sweep_adapt_opts *a = &o->adapt;

	o->reps = SEQ_REPS_MIN;
	a->reps_max = SEQ_REPS_MAX;
	a->baseline[0] = 0;
	/* pick's default metric, the report's second table, and syscalls,
	 * which are nearly deterministic and so decide at the first look;
	 * not p99, whose noise would keep cells open to MAX */
	a->metrics[0] = RUNS_RPS;
	a->metrics[1] = RUNS_CPU;
	a->metrics[2] = RUNS_SYSCALLS;
	a->nmetrics = 3;
	a->margin = SEQ_MARGIN;
	a->min_effect = SEQ_MIN_EFFECT;
}

static int parse_reps(struct sweep_opts *o, const char *v, char *err, size_t errlen)
{
	struct seq_plan p = {0};

	/* one number is exactly that many, one as well (scripts/sweep-ab
	 * resumes round by round with --reps r); a range needs 2 to decide */
	if (!strstr(v, "..")) {
		if (sweep_parse_int("--reps", v, 1, ADAPT_REPS_LIMIT, &o->reps, err, errlen)) {
			snprintf(err, errlen,
				 "--reps '%s': expected a range MIN..MAX (e.g. 3..10, MIN at least 2) or a "
				 "whole number N in 1..%d (exactly N)",
				 v, ADAPT_REPS_LIMIT);
			return -EINVAL;
		}
		o->adapt.reps_max = o->reps;
		return 0;
	}
	if (seq_parse_reps(v, &p, err, errlen))
		return -EINVAL;
	if (p.max > ADAPT_REPS_LIMIT) {
		snprintf(err, errlen, "--reps '%s': MAX %d is above %d repetitions per point", v, p.max,
			 ADAPT_REPS_LIMIT);
		return -EINVAL;
	}
	o->reps = p.min;
	o->adapt.reps_max = p.max;
	return 0;
}

static int parse_metrics(struct sweep_adapt_opts *a, const char *v, char *err, size_t errlen)
{
	char *dup = strdup(v), *save = NULL;
	int ret = 0;

	if (!dup)
		return -ENOMEM;
	a->nmetrics = 0;
	for (char *t = strtok_r(dup, ",", &save); t && !ret; t = strtok_r(NULL, ",", &save)) {
		int m = runs_metric_find(t);
		if (m < 0 || a->nmetrics == SWEEP_ADAPT_METRICS) {
			snprintf(err, errlen, "--decide '%s': unknown metric '%s' (%s)", v, t,
				 runs_metric_keys());
			ret = -EINVAL;
		} else
			a->metrics[a->nmetrics++] = m;
	}
	free(dup);
	if (!ret && !a->nmetrics) {
		snprintf(err, errlen, "--decide '%s': no metric named (%s)", v, runs_metric_keys());
		ret = -EINVAL;
	}
	return ret;
}

int sweep_adapt_opt(struct sweep_opts *o, const char *name, const char *value, char *err, size_t errlen)
{
	struct sweep_adapt_opts *a = &o->adapt;

	if (!strcmp(name, "reps"))
		return parse_reps(o, value, err, errlen);
	if (!strcmp(name, "decide"))
		return parse_metrics(a, value, err, errlen);
	if (!strcmp(name, "margin"))
		return seq_parse_pct(value, "--margin", &a->margin, err, errlen);
	if (!strcmp(name, "min-effect"))
		return seq_parse_pct(value, "--min-effect", &a->min_effect, err, errlen);
	if (!strcmp(name, "baseline")) {
		if (!*value || strlen(value) >= sizeof(a->baseline)) {
			snprintf(err, errlen, "--baseline '%s': expected a run folder", value);
			return -EINVAL;
		}
		snprintf(a->baseline, sizeof(a->baseline), "%s", value);
		return 0;
	}
	return 1;
}

int sweep_adapt_check(const struct sweep_opts *o, char *err, size_t errlen)
{
	struct runs_run base;
	char why[1024];
	int ret;

	if (!o->adapt.baseline[0])
		return 0;
	ret = runs_load(o->adapt.baseline, &base, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "--baseline '%s': %s", o->adapt.baseline, why);
		return ret;
	}
	if (!base.ncells) {
		snprintf(err, errlen, "--baseline '%s': no measured row to check against", o->adapt.baseline);
		ret = -EINVAL;
	}
	runs_free(&base);
	return ret;
}

void sweep_adapt_describe(const struct sweep_opts *o, char *buf, size_t len)
{
	const struct sweep_adapt_opts *a = &o->adapt;
	size_t n;

	if (a->reps_max == o->reps) {
		snprintf(buf, len, "%d reps", o->reps);
		return;
	}
	n = (size_t)snprintf(buf, len, "reps %d..%d (after %d, open cells get more until decided: %s on ",
			     o->reps, a->reps_max, o->reps,
			     a->baseline[0] ? "check against --baseline" : "pick among a cell's variants");
	for (int i = 0; i < a->nmetrics && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "",
				      runs_metrics[a->metrics[i]].key);
	if (n < len)
		snprintf(buf + n, len - n, ")");
}

/* The state of the sweep between rounds. */
struct adapt {
	const struct sweep_opts *o;
	struct runs_run run;  /* the folder as it is now */
	struct runs_run base; /* --baseline */
	int have_run, have_base;
	struct seq_plan plan;
	struct seq_rule rule;
	int ns, nk;   /* size slots (sizes, then mixes) and windows per cell (sweep_load.h) */
	int *tried;   /* [v][s][c][k]: repetitions attempted (rows, failed ones too) */
	size_t tests; /* --baseline: the tests check will make */
};

enum unit_state { U_OPEN, U_DECIDED, U_NOTHING };

static size_t at(const struct adapt *x, int v, int s, int c, int k)
{
	return (((size_t)v * x->ns + s) * x->o->nconns + c) * x->nk + k;
}

static int *tried_at(struct adapt *x, int v, int s, int c, int k)
{
	return &x->tried[at(x, v, s, c, k)];
}

/* The point of variant v in window k of cell (s, c), repetition 0. */
static struct sweep_point point_of(const struct adapt *x, int v, int s, int c, int k)
{
	const struct sweep_opts *o = x->o;
	struct sweep_point p = {.variant = &o->variants[v],
				.conns = o->conns[c],
				.threads = o->threads < o->conns[c] ? o->threads : o->conns[c]};

	sweep_load_point(o, &p, s, k);
	return p;
}

/* A point's cell in a run: one file size in closed loop is a plain cell,
 * a mix or one of open mode's rates a load cell (runs.h). */
static struct runs_cell *cell_of(struct runs_run *run, const struct sweep_point *p)
{
	if (!p->mix && !p->rate)
		return runs_find(run, p->variant->name, p->size, p->conns);
	return runs_find_load(run, p->variant->name, p->mix ? p->mix->name : "", p->size, p->conns,
			      p->rate ? p->rate->label : "");
}

/* Whether variant v takes part in window k of cell (s, c): pick compares
 * our variants that measured something there; check, any variant BASE
 * measured too, at one file size in closed loop (what check compares). */
static const struct runs_cell *part_of(struct adapt *x, int v, int s, int c, int k)
{
	struct sweep_point p = point_of(x, v, s, c, k);
	const struct runs_cell *cell = cell_of(&x->run, &p);

	if (!cell || !cell->n)
		return NULL;
	if (!x->have_base)
		return p.variant->peer ? NULL : cell;
	if (p.mix || p.rate)
		return NULL;
	return runs_find(&x->base, cell->variant, cell->size, cell->conns) ? cell : NULL;
}

/* pick's verdict at window k of cell (s, c) for metric m (sizes, mixes
 * and open mode's rates as pick and its decision table read them) */
static int pick_decide(struct adapt *x, int s, int c, int k, int m, struct seq_decision *d)
{
	struct sweep_point p = point_of(x, 0, s, c, k);
	struct report_decision rd;
	int n;

	if (p.rate)
		n = report_decide_rate(&x->run, p.mix ? p.mix->name : "", p.size, p.conns, p.rate->label, m,
				       &x->plan, &x->rule, &rd);
	else if (p.mix)
		n = report_decide_mix(&x->run, p.mix->name, p.conns, m, &x->plan, &x->rule, &rd);
	else
		n = report_decide(&x->run, p.size, p.conns, m, &x->plan, &x->rule, &rd);
	if (!n || !rd.second)
		return -1;
	*d = rd.d;
	return 0;
}

/* The verdicts of one unit: window k of cell (s, c) for pick (v < 0),
 * variant v there for check; their words go to text. */
static enum unit_state unit_state(struct adapt *x, int v, int s, int c, int k, char *text, size_t len)
{
	const struct sweep_opts *o = x->o;
	int open = 0, decided = 0;
	size_t n = 0;

	text[0] = 0;
	for (int i = 0; i < o->adapt.nmetrics; i++) {
		int m = o->adapt.metrics[i];
		struct seq_decision d = {.verdict = SEQ_NODATA};
		if (v < 0) {
			if (pick_decide(x, s, c, k, m, &d))
				d.verdict = SEQ_NODATA;
		} else {
			const struct runs_cell *cn = part_of(x, v, s, c, k);
			const struct runs_cell *cb =
				cn ? runs_find(&x->base, cn->variant, cn->size, cn->conns) : NULL;
			if (cb && seq_decide(cn->v[m], cn->n, cb->v[m], cb->n, runs_metrics[m].higher_better,
					     &x->plan, &x->rule, &d))
				d.verdict = SEQ_NODATA;
		}
		open |= d.verdict == SEQ_OPEN;
		decided |= d.verdict != SEQ_OPEN && d.verdict != SEQ_NODATA;
		if (n < len)
			n += (size_t)snprintf(text + n, len - n, "%s%s: %s", i ? ", " : "",
					      runs_metrics[m].key, seq_verdict_names[d.verdict]);
	}
	return open ? U_OPEN : decided ? U_DECIDED : U_NOTHING;
}

/* The fewest repetitions tried among the unit's variants (-1: none takes
 * part). */
static int unit_tried(struct adapt *x, int v, int s, int c, int k)
{
	int fewest = -1;

	for (int i = 0; i < x->o->nvariants; i++)
		if ((v < 0 || i == v) && part_of(x, i, s, c, k) &&
		    (fewest < 0 || *tried_at(x, i, s, c, k) < fewest))
			fewest = *tried_at(x, i, s, c, k);
	return fewest;
}

/* The folder as the rows so far have it. 0, or 1 when it cannot be read
 * (every window failed, say): then there is nothing to decide on, the
 * rows stay as they are, and the sweep ends with what it has. */
static int reload(struct adapt *x)
{
	char why[1024];

	if (x->have_run)
		runs_free(&x->run);
	x->have_run = 0;
	if (runs_load(x->o->out, &x->run, why, sizeof(why))) {
		fprintf(stderr, "wirelab sweep: no more repetitions decided: %s\n", why);
		return 1;
	}
	x->have_run = 1;
	/* check spends its alpha over all its tests: counted once, at the
	 * first look, as check will count them at the end */
	if (x->have_base && !x->tests) {
		x->tests = report_check_tests(&x->base, &x->run, x->o->adapt.metrics, x->o->adapt.nmetrics);
		if (x->tests > 1)
			x->plan.alpha /= (double)x->tests;
	}
	return 0;
}

/* The units of the run: the windows of each cell for pick, (variant,
 * window of a cell) for check. */
#define FOR_UNITS(x, v, s, c, k)                                                                             \
	for (int s = 0; s < (x)->ns; s++)                                                                    \
		for (int c = 0; c < (x)->o->nconns; c++)                                                     \
			for (int k = 0; k < (x)->nk; k++)                                                    \
				for (int v = (x)->have_base ? 0 : -1;                                        \
				     v < ((x)->have_base ? (x)->o->nvariants : 0); v++)

/* Variant v's next repetition in window k of cell (s, c). A rate that is
 * a share of the cell's capacity needs that repetition's capacity window
 * first (sweep_load_prepare): run here when the capacity window is not
 * growing itself. 0, or -1 when point said stop. */
static int grow_one(struct adapt *x, int v, int s, int c, int k, sweep_adapt_point_fn point, void *ctx,
		    int *ran)
{
	int rep = *tried_at(x, v, s, c, k) + 1, cap = sweep_load_capacity_slot(x->o, k);

	if (cap >= 0 && *tried_at(x, v, s, c, cap) < rep) {
		*tried_at(x, v, s, c, cap) = rep;
		if (point(ctx, v, s, c, cap, rep) < 0)
			return -1;
		++*ran;
	}
	*tried_at(x, v, s, c, k) = rep;
	if (point(ctx, v, s, c, k, rep) < 0)
		return -1;
	++*ran;
	return 0;
}

/* One round: every open unit below MAX gets one more repetition of each
 * of its variants that has the fewest, variants in the order rotated by
 * round. Returns the points run, or -1 when point said stop. */
static int round_run(struct adapt *x, int round, sweep_adapt_point_fn point, void *ctx)
{
	const struct sweep_opts *o = x->o;
	int opened = 0, ran = 0, units = 0;
	char text[512];
	/* the units to grow are chosen before any runs: a round is one look */
	char *grow = calloc(at(x, o->nvariants, 0, 0, 0), 1);

	if (!grow)
		return -1;
	FOR_UNITS(x, v, s, c, k)
	{
		int fewest = unit_tried(x, v, s, c, k);
		if (fewest < 0 || fewest >= o->adapt.reps_max ||
		    unit_state(x, v, s, c, k, text, sizeof(text)) != U_OPEN)
			continue;
		units++;
		for (int i = 0; i < o->nvariants; i++)
			if ((v < 0 || i == v) && part_of(x, i, s, c, k) && *tried_at(x, i, s, c, k) == fewest)
				grow[at(x, i, s, c, k)] = opened = 1;
	}
	if (opened && !o->quiet) {
		printf("wirelab sweep: round %d: %d %s still open, one more repetition each\n", round, units,
		       x->have_base ? "variant cells" : "cells");
		fflush(stdout);
	}
	for (int s = 0; s < x->ns && !sweep_stop; s++)
		for (int c = 0; c < o->nconns && !sweep_stop; c++)
			for (int k = 0; k < x->nk && !sweep_stop; k++)
				for (int i = 0; i < o->nvariants && !sweep_stop; i++) {
					int v = (i + round) % o->nvariants;
					if (grow[at(x, v, s, c, k)] &&
					    grow_one(x, v, s, c, k, point, ctx, &ran)) {
						free(grow);
						return -1;
					}
				}
	free(grow);
	return ran;
}

/* Each unit's repetitions and why it stopped, for run.json. */
static int record_stops(struct adapt *x)
{
	static struct results_cell_stop *stops;
	static char(*texts)[512];
	const struct sweep_opts *o = x->o;
	size_t n = 0, max = (size_t)(o->nvariants + 1) * x->ns * o->nconns * x->nk;

	free(stops);
	free(texts);
	stops = calloc(max, sizeof(*stops));
	texts = calloc(max, sizeof(*texts));
	if (!stops || !texts)
		return -ENOMEM;
	FOR_UNITS(x, v, s, c, k)
	{
		int tried = unit_tried(x, v, s, c, k);
		if (tried < 0)
			continue;
		struct sweep_point p = point_of(x, v < 0 ? 0 : v, s, c, k);
		enum unit_state st = unit_state(x, v, s, c, k, texts[n], sizeof(texts[n]));
		stops[n] = (struct results_cell_stop){
			.size = p.size,
			.conns = p.conns,
			.workload = p.mix ? p.mix->name : "",
			.rate = p.rate ? p.rate->label : "",
			.variant = v < 0 ? NULL : o->variants[v].name,
			.reps = tried,
			.stopped = st == U_DECIDED		? "decided"
				   : st == U_NOTHING		? "nothing to compare"
				   : tried >= o->adapt.reps_max ? "max"
								: "interrupted",
			.verdicts = texts[n],
		};
		n++;
	}
	sweep_record_cells(stops, n);
	return 0;
}

int sweep_adapt_rounds(const struct sweep_opts *o, sweep_adapt_point_fn point, void *ctx, char *err,
		       size_t errlen)
{
	struct adapt x = {.o = o, .rule = {o->adapt.margin, o->adapt.min_effect}};
	int ret = 0;

	x.plan = (struct seq_plan){o->reps, o->adapt.reps_max, REPORT_ALPHA};
	x.ns = sweep_load_nsizes(o);
	x.nk = sweep_load_nslots(o);
	x.tried = calloc(at(&x, o->nvariants, 0, 0, 0), sizeof(*x.tried));
	if (!x.tried) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (o->adapt.baseline[0]) {
		struct seq_plan b;
		if ((ret = runs_load(o->adapt.baseline, &x.base, err, errlen)))
			goto cleanup;
		x.have_base = 1;
		/* as check will read it: BASE's looks divide the alpha too */
		report_plan(&x.base, &b);
		x.plan.alpha /= b.max - b.min + 1;
	}
	/* repetitions beyond MIN already in the folder (--resume) count */
	for (int v = 0; v < o->nvariants; v++)
		for (int s = 0; s < x.ns; s++)
			for (int c = 0; c < o->nconns; c++)
				for (int k = 0; k < x.nk; k++) {
					struct sweep_point p = point_of(&x, v, s, c, k);
					int *t = tried_at(&x, v, s, c, k);
					*t = o->reps;
					for (p.rep = o->reps + 1;
					     p.rep <= o->adapt.reps_max && sweep_record_done(&p); p.rep++)
						++*t;
				}
	for (int round = 1; !sweep_stop && !reload(&x); round++) {
		int ran = round_run(&x, round, point, ctx);
		if (ran <= 0) {
			ret = ran < 0 ? -1 : 0;
			break;
		}
	}
	if (!ret && !reload(&x) && (ret = record_stops(&x)))
		snprintf(err, errlen, "out of memory");
cleanup:
	if (x.have_run)
		runs_free(&x.run);
	if (x.have_base)
		runs_free(&x.base);
	free(x.tried);
	return ret;
}
