/* unit_decide: the effect sizes and the sequential decisions of
 * harness/analyze/effect.h and seq.h. Known values of the t distribution
 * and of Welch's interval; the --reps parser's messages; and by simulation
 * (fixed seeds) across the adaptive looks of 3..10 repetitions: the
 * false-decision rate with no true difference (normal, heavy-tailed and
 * stalled-window noise; pairs, check's fixed BASE, pick's best of 4) and
 * the false-equivalence rate at the margin stay at or below alpha, and
 * large differences are decided. And E-Divisive (cpd.h) on series of runs:
 * flat series give a change point at most alpha of the time, a 20% step is
 * found at its run.
 *
 *   unit_decide                 the checks, then the power table of the docs
 *   unit_decide --reps 3..10 --sims 20000    another plan, more cells
 *   unit_decide --compare       trimming 0 (Welch), 0.1, 0.2 side by side
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpd.h"
#include "effect.h"
#include "seq.h"
#include "stats.h"

static int fails;

static void ok(int cond, const char *name, double got)
{
	printf("%s: %s (%.6g)\n", cond ? "PASS" : "FAIL", name, got);
	fails += !cond;
}

enum noise { NOISE_NORMAL, NOISE_T3, NOISE_STALL, NNOISE };
static const char *const noise_names[] = {"normal", "t3 (heavy tails)", "stalls (10% of windows -20..-60%)"};

/* One measured value around 1 with coefficient of variation cv: the
 * model of tests/results/genrun.py, 1 + cv * e, with e standard normal,
 * Student t with 3 degrees of freedom scaled to variance 1, or normal
 * with one window in ten stalled (losing 20% to 60%). */
static double draw(struct stats_rng *r, enum noise k, double cv)
{
	double e = stats_rng_normal(r), v;

	if (k == NOISE_T3) {
		double chi = 0;
		for (int i = 0; i < 3; i++) {
			double z = stats_rng_normal(r);
			chi += z * z;
		}
		e = e / sqrt(chi / 3) / sqrt(3);
	}
	v = 1 + cv * e;
	if (k == NOISE_STALL && stats_rng_uniform(r) < 0.1)
		v *= 0.4 + 0.4 * stats_rng_uniform(r);
	return v > 0.01 ? v : 0.01;
}

#define MAXREPS 64
#define MAXK	8

/* A simulated cell: k variants (k = 2: a pair, a against b), variant 0
 * scaled by ratio; fixed_b: b has all max repetitions from the start
 * (check's BASE run), only a grows. */
struct scen {
	enum noise noise;
	double cv, ratio;
	int k, fixed_b;
	int lower_better; /* a CPU-like metric: a ratio below 1 is better */
};

struct outcome {
	double better, worse, equiv, open; /* fractions at the end */
	double better_by[MAXREPS + 1];	   /* decided better by n repetitions */
	double equiv_by[MAXREPS + 1];
	double mean_reps;
	double predicted_ok; /* of cells open at the first look with a prediction <= max: decided by it */
	int predicted;
	double best0; /* pick: variant 0 named best among the decided */
};

static void simulate(const struct scen *s, const struct seq_plan *p, const struct seq_rule *r, double trim,
		     int sims, unsigned long long seed, struct outcome *o)
{
	struct stats_rng rng;
	double v[MAXK][MAXREPS];
	int pred_hit = 0;

	memset(o, 0, sizeof(*o));
	stats_rng_seed(&rng, seed);
	for (int it = 0; it < sims; it++) {
		for (int j = 0; j < s->k; j++)
			for (int i = 0; i < p->max; i++)
				v[j][i] = (j == 0 ? s->ratio : 1) * draw(&rng, s->noise, s->cv);
		enum seq_verdict verdict = SEQ_OPEN;
		int n, predicted = 0, best = -1;
		for (n = p->min; n <= p->max; n++) {
			struct seq_decision d;
			if (s->k == 2) {
				seq_decide_trim(v[0], (size_t)n, v[1],
						s->fixed_b ? (size_t)p->max : (size_t)n, !s->lower_better, p,
						r, trim, &d);
			} else {
				const double *vv[MAXK];
				size_t nn[MAXK];
				struct seq_pick pk;
				for (int j = 0; j < s->k; j++)
					vv[j] = v[j], nn[j] = (size_t)n;
				seq_pick(vv, nn, (size_t)s->k, !s->lower_better, p, r, &pk);
				d = pk.d;
				best = pk.best;
			}
			if (n == p->min && d.verdict == SEQ_OPEN && d.reps_needed && !d.beyond_max)
				predicted = d.reps_needed;
			verdict = d.verdict;
			if (!seq_open(&d, (size_t)n, p))
				break;
		}
		if (n > p->max)
			n = p->max;
		if (predicted) {
			o->predicted++;
			pred_hit += verdict != SEQ_OPEN && n <= predicted;
		}
		o->mean_reps += n;
		o->better += verdict == SEQ_BETTER;
		o->best0 += verdict == SEQ_BETTER && best == 0;
		o->worse += verdict == SEQ_WORSE;
		o->equiv += verdict == SEQ_EQUIVALENT;
		o->open += verdict == SEQ_OPEN;
		for (int m = n; m <= p->max; m++) {
			o->better_by[m] += verdict == SEQ_BETTER;
			o->equiv_by[m] += verdict == SEQ_EQUIVALENT;
		}
	}
	o->best0 = o->better ? o->best0 / (o->better) : 0;
	o->better /= sims;
	o->worse /= sims;
	o->equiv /= sims;
	o->open /= sims;
	o->mean_reps /= sims;
	for (int m = 0; m <= MAXREPS; m++)
		o->better_by[m] /= sims, o->equiv_by[m] /= sims;
	o->predicted_ok = o->predicted ? (double)pred_hit / o->predicted : NAN;
}

static void known_values(void)
{
	/* quantiles from tables of Student's t */
	ok(fabs(effect_t_quantile(0.975, 2) - 4.302653) < 1e-5, "t quantile 0.975, 2 df",
	   effect_t_quantile(0.975, 2));
	ok(fabs(effect_t_quantile(0.975, 10) - 2.228139) < 1e-5, "t quantile 0.975, 10 df",
	   effect_t_quantile(0.975, 10));
	ok(fabs(effect_t_quantile(0.995, 4) - 4.604095) < 1e-5, "t quantile 0.995, 4 df",
	   effect_t_quantile(0.995, 4));
	/* t with 1 df is Cauchy: quantile tan(pi (p - 1/2)), exact far out */
	ok(fabs(effect_t_quantile(1 - 1e-6, 1) / tan(M_PI * (0.5 - 1e-6)) - 1) < 1e-8,
	   "t quantile 1 - 1e-6, 1 df (Cauchy)", effect_t_quantile(1 - 1e-6, 1));
	ok(fabs(effect_t_cdf(effect_t_quantile(0.2, 3.7), 3.7) - 0.2) < 1e-12,
	   "cdf(quantile) at fractional df", effect_t_cdf(effect_t_quantile(0.2, 3.7), 3.7));
	ok(fabs(effect_t_quantile(0.975, 1e6) - 1.959966) < 1e-4, "t quantile 0.975, 1e6 df is the normal's",
	   effect_t_quantile(0.975, 1e6));

	/* Welch on logs: logs {1,2,3} against {4,5,6}: difference -3, se
	 * sqrt(2/3), df 4, 95% half-width 2.776445 * 0.816497 */
	double a[] = {exp(1), exp(2), exp(3)}, b[] = {exp(4), exp(5), exp(6)};
	struct effect e;
	effect_compare(a, 3, b, 3, 0.05, &e);
	ok(fabs(e.est + 3) < 1e-12 && fabs(e.df - 4) < 1e-9 && fabs(e.se - sqrt(2.0 / 3)) < 1e-12,
	   "3 vs 3: Welch on logs (no trimming below 5): est -3, df 4", e.df);
	ok(fabs(e.hi - (-3 + 2.776445 * sqrt(2.0 / 3))) < 1e-5 && fabs(e.ratio - exp(-3)) < 1e-12,
	   "3 vs 3: 95% interval -3 +- 2.776445 se", e.hi);
	ok(fabs(e.p - 2 * effect_t_cdf(-3 / sqrt(2.0 / 3), 4)) < 1e-12 && e.p < 0.05, "its p-value", e.p);

	/* trimming: 6 values lose their lowest and highest; a stall there moves nothing */
	double c[] = {40, 99, 100, 100, 101, 100}, d[] = {98, 99, 100, 100, 101, 100};
	struct effect_loc lc, ld;
	effect_location(c, 6, 0.05, &lc);
	effect_location(d, 6, 0.05, &ld);
	ok(fabs(lc.typical - ld.typical) < 1e-9,
	   "6 reps: one stalled window (40 of 100) does not move the typical value", lc.typical);
	ok(lc.lo < lc.typical && lc.typical < lc.hi && lc.hi / lc.lo < 1.1,
	   "... and its interval stays narrow", lc.hi / lc.lo);
	/* winsorized variance of logs of {40->99, 99, 100, 100, 100, 101->100}:
	 * Yuen's se^2 = (n-1) s_w^2 / (h (h-1)) with h = 4 */
	double w[] = {log(99), log(99), log(100), log(100), log(100), log(100)}, wm = 0, ws = 0;
	for (int i = 0; i < 6; i++)
		wm += w[i] / 6;
	for (int i = 0; i < 6; i++)
		ws += (w[i] - wm) * (w[i] - wm) / 5;
	double se = sqrt(5 * ws / 12);
	ok(fabs(log(lc.hi) - log(lc.typical) - effect_t_quantile(0.975, 3) * se) < 1e-12,
	   "one-sample Yuen: winsorized se, h - 1 = 3 df", log(lc.hi / lc.typical));
	effect_location(c, 5, 0.05, &lc);
	ok(lc.typical < 90, "5 reps: no trimming yet (at least 4 values are kept), the stall counts",
	   lc.typical);

	double z[] = {1, 0, 2};
	ok(effect_compare(z, 3, a, 3, 0.05, &e) < 0, "a value of 0 is refused (no ratio on a log scale)", 0);
	double nan2[] = {NAN, 5};
	ok(effect_compare(nan2, 2, a, 3, 0.05, &e) < 0, "one value is refused (an interval needs 2)", 0);

	char buf[256];
	e.ratio = 0.73, e.rlo = 0.69, e.rhi = 0.78;
	effect_sentence(buf, sizeof(buf), "epoll-sendfile-more-plain", "uring-writev-autocork-plain", 2, &e);
	ok(!strcmp(buf, "epoll-sendfile-more-plain uses 27% less server CPU per request than "
			"uring-writev-autocork-plain [22%, 31%]"),
	   buf, 0);
	effect_phrase(buf, sizeof(buf), 0, 1.02, 0.99, 1.05);
	ok(!strcmp(buf, "2.0% more requests per second [1.0% fewer, 5.0% more]"), buf, 0);
	effect_phrase(buf, sizeof(buf), 6, 0.9, 0.85, 0.95);
	ok(!strcmp(buf, "10% lower p99 latency [5.0%, 15%]"), buf, 0);
	effect_phrase(buf, sizeof(buf), 4, 1.994, 1.8, 2.2);
	ok(!strcmp(buf, "99% more syscalls per request [80%, 120%]"), buf, 0);
}

static void parse_cases(void)
{
	static const struct {
		const char *s;
		int ok, min, max;
		const char *msg;
	} cases[] = {
		{"3..10", 1, 3, 10, NULL},
		{"5", 1, 5, 5, NULL},
		{"2..2", 1, 2, 2, NULL},
		{"10..3", 0, 0, 0, "--reps '10..3' is an empty range: MAX 3 is below MIN 10"},
		{"1..5", 0, 0, 0, "--reps '1..5': MIN 1 is below 2"},
		{"0..0", 0, 0, 0, "MIN 0 is below 2"},
		{"1", 0, 0, 0, "MIN 1 is below 2"},
		{"3..", 0, 0, 0, "--reps '3..' is not a repetition range"},
		{"", 0, 0, 0, "--reps '' is not a repetition range"},
		{"-3..5", 0, 0, 0, "not a repetition range"},
		{"3...5", 0, 0, 0, "not a repetition range"},
		{"3..5000", 0, 0, 0, "MAX 5000 is above 1000"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seq_plan p = {0, 0, 0.05};
		char err[256] = "", name[320];
		int r = seq_parse_reps(cases[i].s, &p, err, sizeof(err));
		snprintf(name, sizeof(name), "--reps '%s': %s", cases[i].s, cases[i].ok ? "accepted" : err);
		if (cases[i].ok)
			ok(!r && p.min == cases[i].min && p.max == cases[i].max, name, p.max);
		else
			ok(r < 0 && strstr(err, cases[i].msg) && p.min == 0, name, r);
	}
	double f = 0;
	char err[256];
	int r = seq_parse_pct("3%", "--margin", &f, err, sizeof(err));
	ok(!r && fabs(f - 0.03) < 1e-12, "--margin 3%", f);
	r = seq_parse_pct("0.02", "--margin", &f, err, sizeof(err));
	ok(!r && fabs(f - 0.02) < 1e-12, "--margin 0.02 is a fraction", f);
	r = seq_parse_pct("x", "--margin", &f, err, sizeof(err));
	ok(r < 0 && strstr(err, "--margin 'x'"), "--margin x is named", r);
}

/* The error rates the docs promise, across the adaptive looks of plan p. */
static void bounds(const struct seq_plan *p, const struct seq_rule *r, int sims)
{
	struct outcome o;
	char name[256];
	unsigned long long seed = 1000;

	/* no true difference: better or worse is a false decision */
	static const struct {
		const char *what;
		int k, fixed_b;
	} shapes[] = {
		{"a pair (pick of two, sweep)", 2, 0},
		{"check: NEW adaptive against a 10-rep BASE", 2, 1},
		{"pick: best of 4 equal variants against the runner-up", 4, 0},
	};
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		for (int k = 0; k < NNOISE; k++) {
			struct scen s = {k, 0.03, 1, shapes[i].k, shapes[i].fixed_b, 0};
			simulate(&s, p, r, EFFECT_TRIM, sims, seed++, &o);
			snprintf(name, sizeof(name),
				 "no difference, %s, %s noise 3%%: false decisions <= alpha %.2f",
				 shapes[i].what, noise_names[k], p->alpha);
			ok(o.better + o.worse <= p->alpha, name, o.better + o.worse);
		}
	/* a true difference at the margin: "equivalent" is a false decision */
	static const double at_margin[] = {1.03, 0.97};
	static const double cvs[] = {0.03, 0.01};
	for (size_t i = 0; i < 2; i++)
		for (size_t c = 0; c < 2; c++) {
			struct scen s = {NOISE_NORMAL, cvs[c], at_margin[i], 2, 0, 0};
			simulate(&s, p, r, EFFECT_TRIM, sims, seed++, &o);
			snprintf(name, sizeof(name),
				 "true ratio %.2f (at the 3%% margin), noise %.0f%%: false equivalence <= "
				 "alpha %.2f",
				 at_margin[i], 100 * cvs[c], p->alpha);
			ok(o.equiv <= p->alpha, name, o.equiv);
		}
	{
		struct scen s = {NOISE_NORMAL, 0.01, 1, 2, 0, 0};
		simulate(&s, p, r, EFFECT_TRIM, sims, seed++, &o);
		printf("INFO: no difference, 1%% noise: equivalent within 3%% in %.3f by %d reps (mean %.2f "
		       "reps), "
		       "false decisions %.4f\n",
		       o.equiv, p->max, o.mean_reps, o.better + o.worse);
		ok(o.equiv >= 0.9,
		   "no difference at 1% noise: decided equivalent within 3% by 10 reps mostly", o.equiv);
	}
	/* large differences are decided at the defaults */
	{
		struct scen s = {NOISE_NORMAL, 0.03, 0.73, 2, 0, 1};
		simulate(&s, p, r, EFFECT_TRIM, sims, seed++, &o);
		ok(o.better_by[p->min] >= 0.9,
		   "27% less CPU, 3% noise: decided better at the first look (3 reps) in 9 of 10",
		   o.better_by[p->min]);
		ok(o.better >= 0.99, "27% less CPU, 3% noise: decided better by 10 reps", o.better);
		s.cv = 0.10;
		simulate(&s, p, r, EFFECT_TRIM, sims, seed++, &o);
		ok(o.better >= 0.95, "27% less CPU, 10% noise: decided better by 10 reps", o.better);
		s.cv = 0.03, s.noise = NOISE_STALL;
		simulate(&s, p, r, EFFECT_TRIM, sims, seed++, &o);
		ok(o.better >= 0.9,
		   "27% less CPU, 3% noise with stalled windows: decided better by 10 reps in 9 of 10",
		   o.better);
		struct scen pk = {NOISE_NORMAL, 0.03, 0.73, 4, 0, 1};
		simulate(&pk, p, r, EFFECT_TRIM, sims, seed++, &o);
		ok(o.better >= 0.99 && o.best0 >= 0.999,
		   "pick of 4, one 27% better: decided, and the right one", o.better * o.best0);
		struct scen t10 = {NOISE_NORMAL, 0.03, 1.10, 2, 0, 0};
		simulate(&t10, p, r, EFFECT_TRIM, sims, seed++, &o);
		ok(o.better >= 0.95, "10% more req/s, 3% noise: decided better by 10 reps", o.better);
		printf("INFO: 10%% at 3%% noise: of %d cells open at 3 reps with a prediction within the "
		       "plan, %.3f "
		       "were decided by the predicted count\n",
		       o.predicted, o.predicted_ok);
		ok(o.predicted > 0 && o.predicted_ok >= 0.5,
		   "'likely decided by N reps' is decided by N in at least half the cells", o.predicted_ok);
	}
}

/* cpd: n runs, one value each, step (ratio) from run `at` on. Returns the
 * fraction of series with any change point; *exact: one of them at `at`. */
static double cpd_rate(enum noise k, double cv, size_t n, size_t at, double ratio, double alpha, int sims,
		       unsigned long long seed, double *exact)
{
	struct stats_rng rng;
	struct cpd_opts o = {alpha, CPD_MIN_SIZE, cpd_perms_for(alpha), seed};
	struct cpd_point cp[8];
	double z[64];
	int any = 0, right = 0;

	stats_rng_seed(&rng, seed);
	for (int it = 0; it < sims; it++) {
		for (size_t i = 0; i < n; i++)
			z[i] = log((i >= at ? ratio : 1) * draw(&rng, k, cv));
		/* the permutations' stream must not be the data's */
		o.seed = (seed << 32) ^ (0x9E3779B97F4A7C15ULL * (unsigned long long)(it + 1));
		int found = cpd_edivisive(z, n, &o, cp, 8);
		any += found > 0;
		for (int i = 0; i < found; i++)
			right += cp[i].at == at;
	}
	*exact = (double)right / sims;
	return (double)any / sims;
}

static void cpd_checks(int sims)
{
	char name[256];
	double exact, rate;

	for (int k = 0; k < NNOISE; k++) {
		rate = cpd_rate(k, 0.03, 16, 0, 1, 0.05, 2 * sims, 7000 + k, &exact);
		/* the permutation test's size is alpha exactly (curtailed or not):
		 * allow the simulation's own error, 3 standard errors */
		snprintf(name, sizeof(name),
			 "E-Divisive, flat series of 16 runs, %s noise 3%%: a change point in <= alpha 0.05 "
			 "(+ 3 s.e.)",
			 noise_names[k]);
		ok(rate <= 0.05 + 3 * sqrt(0.05 * 0.95 / (2 * sims)), name, rate);
	}
	rate = cpd_rate(NOISE_NORMAL, 0.03, 16, 9, 0.8, 0.05, sims, 7100, &exact);
	ok(exact >= 0.95, "E-Divisive, 20% step at run 10 of 16, 3% noise: found there", exact);
	rate = cpd_rate(NOISE_NORMAL, 0.03, 16, 9, 0.8, 0.05 / 32, sims / 4, 7200, &exact);
	ok(exact >= 0.95, "... and at alpha 0.05/32 (a history check of 32 series)", exact);
	rate = cpd_rate(NOISE_STALL, 0.03, 16, 9, 0.8, 0.05, sims, 7300, &exact);
	printf("INFO: E-Divisive, 20%% step at run 10 of 16, 3%% noise with stalled runs (10%% of runs "
	       "-20..-60%%): found at its run in %.3f\n",
	       exact);
	rate = cpd_rate(NOISE_NORMAL, 0.03, 16, 13, 0.8, 0.05, sims, 7400, &exact);
	printf("INFO: E-Divisive, 20%% step with 3 runs after it (of 16), 3%% noise, alpha 0.05: found at "
	       "its run in "
	       "%.3f\n",
	       exact);
	rate = cpd_rate(NOISE_NORMAL, 0.03, 16, 9, 0.95, 0.05, sims, 7500, &exact);
	printf("INFO: E-Divisive, 5%% step at run 10 of 16, 3%% noise, alpha 0.05: a change point in %.3f, "
	       "at its "
	       "run in %.3f\n",
	       rate, exact);
	ok(cpd_min_runs(0.05) == 8 && cpd_min_runs(0.05 / 32) == 13,
	   "runs a change needs: 8 at alpha 0.05 (2/C(8,4) = 0.029), 13 at 0.05/32",
	   (double)cpd_min_runs(0.05 / 32));
}

/* The doc's table: cumulative decisions by repetitions, adaptive and fixed. */
static void power_table(const struct seq_plan *p, const struct seq_rule *r, int sims)
{
	static const double ratios[] = {1.0, 1.05, 1.10};
	struct outcome o;

	printf("\nINFO: adaptive %d..%d, alpha %.2f split over %d looks (%.5f each), margin %.0f%%, min "
	       "effect "
	       "%.0f%%, noise 3%% normal, %d simulated cells each\n",
	       p->min, p->max, p->alpha, p->max - p->min + 1, seq_look_alpha(p), 100 * r->margin,
	       100 * r->min_effect, sims);
	printf("INFO: %-28s", "true difference  \\  reps");
	for (int n = p->min; n <= p->max; n++)
		printf(" %6d", n);
	printf("  mean reps\n");
	for (size_t i = 0; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
		struct scen s = {NOISE_NORMAL, 0.03, ratios[i], 2, 0, 0};
		simulate(&s, p, r, EFFECT_TRIM, sims, 100 + i, &o);
		char label[64];
		if (ratios[i] == 1)
			snprintf(label, sizeof(label), "none: decided equivalent");
		else
			snprintf(label, sizeof(label), "%.0f%%: decided better", 100 * (ratios[i] - 1));
		printf("INFO: %-28s", label);
		for (int n = p->min; n <= p->max; n++)
			printf(" %6.3f", ratios[i] == 1 ? o.equiv_by[n] : o.better_by[n]);
		printf("  %5.2f\n", o.mean_reps);
		if (ratios[i] == 1)
			printf("INFO: %-28s %6.4f (better or worse: a false decision)\n",
			       "none: decided different", o.better + o.worse);
	}
	/* the same rule with one look at each fixed n (no adaptive split) */
	for (size_t i = 1; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
		printf("INFO: %2.0f%%, fixed n, one look      ", 100 * (ratios[i] - 1));
		for (int n = p->min; n <= p->max; n++) {
			struct seq_plan f = {n, n, p->alpha};
			struct scen s = {NOISE_NORMAL, 0.03, ratios[i], 2, 0, 0};
			simulate(&s, &f, r, EFFECT_TRIM, sims / 4, 200 + n, &o);
			printf(" %6.3f", o.better);
		}
		printf("\n");
	}
}

/* Welch (0), 10% and 20% trimming under each noise: false decisions with
 * no difference, and power at 5% and 10% with 3% noise. */
static void compare(const struct seq_plan *p, const struct seq_rule *r, int sims)
{
	static const double trims[] = {0, 0.1, 0.2};
	struct outcome o;

	printf("INFO: trim  noise                              false   10%%: decided (mean reps)   5%%: "
	       "decided (mean "
	       "reps)\n");
	for (size_t t = 0; t < 3; t++)
		for (int k = 0; k < NNOISE; k++) {
			struct scen s0 = {k, 0.03, 1, 2, 0, 0}, s10 = {k, 0.03, 1.10, 2, 0, 0},
				    s5 = {k, 0.03, 1.05, 2, 0, 0};
			double f, p10, m10, p5;
			simulate(&s0, p, r, trims[t], sims, 300 + k, &o);
			f = o.better + o.worse;
			simulate(&s10, p, r, trims[t], sims, 400 + k, &o);
			p10 = o.better, m10 = o.mean_reps;
			simulate(&s5, p, r, trims[t], sims, 500 + k, &o);
			p5 = o.better;
			printf("INFO: %.1f   %-34s %.4f  %.3f (%.2f)               %.3f (%.2f)\n", trims[t],
			       noise_names[k], f, p10, m10, p5, o.mean_reps);
		}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"reps", 1, NULL, 'r'},
					     {"sims", 1, NULL, 's'},
					     {"compare", 0, NULL, 'c'},
					     {NULL, 0, NULL, 0}};
	struct seq_plan p = {SEQ_REPS_MIN, SEQ_REPS_MAX, SEQ_ALPHA};
	struct seq_rule r = {SEQ_MARGIN, SEQ_MIN_EFFECT};
	int sims = 10000, cmp = 0, o;
	char err[256];

	while ((o = getopt_long(argc, argv, "r:s:c", opts, NULL)) != -1) {
		switch (o) {
		case 'r':
			if (seq_parse_reps(optarg, &p, err, sizeof(err))) {
				fprintf(stderr, "unit_decide: %s\n", err);
				return 2;
			}
			if (p.max > MAXREPS) {
				fprintf(stderr,
					"unit_decide: --reps MAX above %d is more than it simulates\n",
					MAXREPS);
				return 2;
			}
			break;
		case 's':
			sims = atoi(optarg);
			if (sims < 100) {
				fprintf(stderr, "unit_decide: --sims '%s': at least 100\n", optarg);
				return 2;
			}
			break;
		case 'c':
			cmp = 1;
			break;
		default:
			fprintf(stderr, "usage: unit_decide [--reps MIN..MAX] [--sims N] [--compare]\n");
			return 2;
		}
	}
	if (cmp) {
		compare(&p, &r, sims);
		return 0;
	}
	known_values();
	parse_cases();
	bounds(&p, &r, sims / 3);
	cpd_checks(sims / 5);
	power_table(&p, &r, sims);
	return fails ? 1 : 0;
}
