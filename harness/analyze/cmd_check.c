/* wirelab check BASE NEW: regressions and improvements between two runs.
 * A cell changed only when the change is both significant (Mann-Whitney U,
 * two-sided, alpha) and at least the minimum effect (threshold). Exit 0:
 * nothing regressed; 1: something did; 2: the runs cannot be compared. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciout.h"
#include "report.h"

struct check_opts {
	double threshold, alpha;
	int metrics[RUNS_NMETRICS], nmetrics;
	int strict;
	struct ciout *ci; /* --junit, --markdown: a testcase per cell and metric */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wirelab check BASE NEW [--threshold 5%%] [--alpha 0.05] [--metric "
		"rps,cpu,p99,syscalls] [--strict]\n"
		"  for every cell (variant x size x concurrency) in both runs and every metric: a two-sided\n"
		"  Mann-Whitney U test; a regression or improvement is significant at alpha AND at least "
		"the\n"
		"  threshold. Exit 0: nothing regressed; 1: something did; 2: cannot compare.\n"
		"  Runs from different kernels, CPUs, core counts, topologies or clients: a warning, or exit "
		"2 with "
		"--strict.\n"
		"  --junit FILE, --markdown FILE: the results for CI (JUnit XML, a pull-request summary).\n");
}

static int parse_metrics(const char *s, struct check_opts *o)
{
	char *dup = strdup(s), *save = NULL;

	o->nmetrics = 0;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int m = runs_metric_find(t);
		if (m < 0 || o->nmetrics == RUNS_NMETRICS) {
			fprintf(stderr, "wirelab check: unknown metric '%s' (%s)\n", t, runs_metric_keys());
			free(dup);
			return -EINVAL;
		}
		o->metrics[o->nmetrics++] = m;
	}
	free(dup);
	return o->nmetrics ? 0 : -EINVAL;
}

/* Whether a run's uring variants ran with --sqpoll; runs from before the
 * option existed ran without. */
static int sqpoll_of(const struct runs_run *r)
{
	return r->info.options.sqpoll;
}

/* Differences in what the two runs were measured on. Returns how many. */
static int compare_hosts(const struct runs_run *a, const struct runs_run *b)
{
	const char *what[] = {"kernel", "CPU model", "topology"};
	const char *va[] = {a->info.kernel, a->info.cpu_model, a->info.topology},
		   *vb[] = {b->info.kernel, b->info.cpu_model, b->info.topology};
	int diff = 0;

	for (int i = 0; i < 3; i++) {
		if (!va[i] || !vb[i]) {
			printf("warning: %s unknown in %s run.json: cannot confirm the runs are comparable\n",
			       what[i], !va[i] ? "BASE" : "NEW");
			continue;
		}
		if (strcmp(va[i], vb[i])) {
			printf("warning: different %s: BASE '%s', NEW '%s'\n", what[i], va[i], vb[i]);
			diff++;
		}
	}
	if (a->info.cores != b->info.cores && a->info.cores > 0 && b->info.cores > 0) {
		printf("warning: different core counts: BASE %ld, NEW %ld\n", a->info.cores, b->info.cores);
		diff++;
	}
	/* another client measures other latencies (and may limit req/s) */
	const char *la = a->info.options.load ? a->info.options.load : "wrk",
		   *lb = b->info.options.load ? b->info.options.load : "wrk";
	if (strcmp(la, lb)) {
		printf("warning: different load generators: BASE --load %s, NEW --load %s\n", la, lb);
		diff++;
	}
	/* an SQPOLL thread changes what a uring row costs: not the same server */
	if (sqpoll_of(a) != sqpoll_of(b)) {
		printf("warning: different server options: BASE %s--sqpoll, NEW %s--sqpoll\n",
		       sqpoll_of(a) ? "" : "no ", sqpoll_of(b) ? "" : "no ");
		diff++;
	}
	return diff;
}

static size_t clean(const double *v, size_t n, double *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			out[k++] = v[i];
	return k;
}

static double rel_var(const double *v, size_t n, double med)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (v[i] / med - 1) * (v[i] / med - 1);
	return n > 1 ? s / (double)(n - 1) : 0;
}

/* The chance that noise alone flags this cell as a regression, by
 * simulation: normal noise with the pooled relative sd the two runs show,
 * the same sample sizes, the same rule (p < alpha and the threshold passed
 * in the worse direction). Fixed seed: the same runs give the same figure. */
static double chance_flag(const double *a, size_t na, double ma, const double *b, size_t nb, double mb,
			  const struct check_opts *o)
{
	enum { SIMS = 200 };
	double x[64], y[64];
	struct stats_rng r;
	int flagged = 0;

	if (!ma || !mb || na + nb < 3 || na > 64 || nb > 64)
		return 0;
	double var = (rel_var(a, na, ma) * (double)(na - 1) + rel_var(b, nb, mb) * (double)(nb - 1)) /
		     (double)(na + nb - 2);
	double sd = sqrt(var);
	stats_rng_seed(&r, 12345);
	for (int s = 0; s < SIMS; s++) {
		struct stats_summary sx, sy;
		struct stats_mwu t;
		for (size_t i = 0; i < na; i++)
			x[i] = 1 + sd * stats_rng_normal(&r);
		for (size_t i = 0; i < nb; i++)
			y[i] = 1 + sd * stats_rng_normal(&r);
		stats_mwu(x, na, y, nb, &t);
		if (t.p >= o->alpha)
			continue;
		stats_summary(x, na, &sx);
		stats_summary(y, nb, &sy);
		/* one direction: the worse one */
		flagged += (sy.median - sx.median) / sx.median >= o->threshold;
	}
	return (double)flagged / SIMS;
}

static int check_runs(struct runs_run *base, struct runs_run *new, const struct check_opts *o)
{
	size_t cells = 0, tests = 0, regress = 0, improve = 0, untestable = 0, missing = 0, min_n = SIZE_MAX;
	double chance = 0;

	for (size_t i = 0; i < new->ncells; i++) {
		struct runs_cell *cn = &new->cells[i];
		struct runs_cell *cb = runs_find(base, cn->variant, cn->size, cn->conns);
		char sz[32];
		int counted = 0;
		if (!cb)
			continue;
		runs_size_str(cn->size, sz, sizeof(sz));
		for (int k = 0; k < o->nmetrics; k++) {
			int m = o->metrics[k];
			const struct runs_metric_info *mi = &runs_metrics[m];
			double *a = malloc((cb->n + 1) * sizeof(*a)), *b = malloc((cn->n + 1) * sizeof(*b));
			struct stats_summary sa, sb;
			struct stats_mwu t;
			size_t na = a ? clean(cb->v[m], cb->n, a) : 0, nb = b ? clean(cn->v[m], cn->n, b) : 0;
			if (!na || !nb || stats_mwu(a, na, b, nb, &t)) {
				free(a);
				free(b);
				continue;
			}
			counted = 1;
			tests++;
			int ci_i =
				ciout_cell(o->ci, "wirelab.check", cn->variant, cn->size, cn->conns, mi->key);
			if (t.p_min >= o->alpha)
				untestable++;
			if (na < min_n)
				min_n = na;
			if (nb < min_n)
				min_n = nb;
			stats_summary(a, na, &sa);
			stats_summary(b, nb, &sb);
			if (t.p_min < o->alpha)
				chance += chance_flag(a, na, sa.median, b, nb, sb.median, o);
			double effect = sa.median ? (sb.median - sa.median) / fabs(sa.median) : 0;
			int worse = mi->higher_better ? effect < 0 : effect > 0;
			if (t.p < o->alpha && fabs(effect) >= o->threshold) {
				char line[512];
				snprintf(line, sizeof(line),
					 "%s %-30s %9s %5ld conns  %-9s %+.1f%%  (%.4g -> %.4g, p=%.4f, "
					 "n=%zu/%zu)",
					 worse ? "REGRESSION " : "improvement", cn->variant, sz, cn->conns,
					 mi->key, 100 * effect, sa.median, sb.median, t.p, na, nb);
				printf("%s\n", line);
				(worse ? ciout_fail : ciout_info)(o->ci, ci_i, line);
				if (worse)
					regress++;
				else
					improve++;
			}
			free(a);
			free(b);
		}
		cells += counted;
	}
	/* A cell BASE measured and NEW did not (its rows failed or were
	 * skipped, or it is gone): for a CI job running the same sweep that is
	 * a regression, never a silent pass. */
	for (size_t i = 0; cells && i < base->ncells; i++) {
		struct runs_cell *cb = &base->cells[i];
		char sz[32];
		if (runs_find(new, cb->variant, cb->size, cb->conns))
			continue;
		runs_size_str(cb->size, sz, sizeof(sz));
		char line[512];
		snprintf(line, sizeof(line),
			 "MISSING     %-30s %9s %5ld conns  measured in BASE, not in NEW (see NEW's "
			 "failed/skipped rows)",
			 cb->variant, sz, cb->conns);
		printf("%s\n", line);
		ciout_fail(o->ci, ciout_cell(o->ci, "wirelab.check", cb->variant, cb->size, cb->conns, "all"),
			   line);
		missing++;
	}
	if (!cells) {
		fprintf(stderr,
			"wirelab check: %s and %s have no cell (variant, size, concurrency) in common with "
			"data for the metrics asked: nothing to compare\n",
			base->dir, new->dir);
		return 2;
	}
	printf("compared %zu cells in both runs, %zu tests (metric x cell); threshold %.1f%%, alpha %.3f "
	       "(two-sided)\n",
	       cells, tests, 100 * o->threshold, o->alpha);
	printf("%zu regression%s, %zu improvement%s\n", regress, regress == 1 ? "" : "s", improve,
	       improve == 1 ? "" : "s");
	ciout_note(o->ci,
		   "%s against %s: %zu cells, %zu tests; %zu regressions, %zu improvements, %zu missing",
		   new->dir, base->dir, cells, tests, regress, improve, missing);
	if (untestable)
		printf("warning: %zu of %zu tests have too few repetitions to ever reach alpha %.3f: they "
		       "cannot flag anything\n",
		       untestable, tests, o->alpha);
	if (min_n != SIZE_MAX)
		report_power_note(stdout, min_n, min_n, o->alpha);
	printf("note: a test flags a cell by chance with probability at most alpha, and only when the noise "
	       "also moves the\n"
	       "      median by the threshold. With the noise these two runs show (simulated as normal), "
	       "about %.2f of\n"
	       "      the %zu tests would flag a regression by chance if nothing had changed%s\n",
	       chance, tests,
	       chance >= 0.1 ? ": a flagged cell needs a re-run to confirm, or a larger --threshold." : ".");
	if (missing)
		printf("%zu cell%s of BASE not measured in NEW: counted as regressions\n", missing,
		       missing == 1 ? "" : "s");
	return regress || missing ? 1 : 0;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"threshold", 1, NULL, 't'}, {"alpha", 1, NULL, 'a'},
					     {"metric", 1, NULL, 'm'},	  {"strict", 0, NULL, 's'},
					     {"junit", 1, NULL, 'j'},	  {"markdown", 1, NULL, 'k'},
					     {"help", 0, NULL, 'h'},	  {NULL, 0, NULL, 0}};
	struct check_opts o = {.threshold = 0.05,
			       .alpha = REPORT_ALPHA,
			       .metrics = {RUNS_RPS, RUNS_CPU, RUNS_P99, RUNS_SYSCALLS},
			       .nmetrics = 4};
	struct runs_run base, new;
	char err[1024], *end;
	const char *junit = NULL, *md = NULL;
	struct ciout ci;
	int c, ret = 2;

	while ((c = getopt_long(argc, argv, "t:a:m:shj:k:", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			o.threshold = strtod(optarg, &end);
			if (end == optarg || (*end && strcmp(end, "%")) || o.threshold < 0) {
				fprintf(stderr, "wirelab check: --threshold '%s' is not a percentage (5%%)\n",
					optarg);
				return 2;
			}
			/* "5%" and "5" mean 5%; a bare value below 1 is a fraction (0.05) */
			if (*end || o.threshold >= 1)
				o.threshold /= 100;
			break;
		case 'a':
			o.alpha = strtod(optarg, &end);
			if (*end || o.alpha <= 0 || o.alpha >= 1) {
				fprintf(stderr, "wirelab check: --alpha '%s' is not between 0 and 1\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			if (parse_metrics(optarg, &o))
				return 2;
			break;
		case 's':
			o.strict = 1;
			break;
		case 'j':
			junit = optarg;
			break;
		case 'k':
			md = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 2 != argc) {
		usage(stderr);
		return 2;
	}
	if (runs_load(argv[optind], &base, err, sizeof(err))) {
		fprintf(stderr, "wirelab check: BASE: %s\n", err);
		return 2;
	}
	if (runs_load(argv[optind + 1], &new, err, sizeof(err))) {
		fprintf(stderr, "wirelab check: NEW: %s\n", err);
		runs_free(&base);
		return 2;
	}
	printf("BASE %s\nNEW  %s\n", base.dir, new.dir);
	if (compare_hosts(&base, &new) && o.strict) {
		fprintf(stderr, "wirelab check: --strict: the runs were measured on different systems; "
				"refusing to compare\n");
		goto cleanup;
	}
	ciout_init(&ci, "wirelab check");
	o.ci = junit || md ? &ci : NULL;
	ret = check_runs(&base, &new, &o);
	if (ret != 2 && ciout_write_all(o.ci, junit, md, err, sizeof(err)))
		fprintf(stderr, "wirelab check: %s\n", err), ret = 2;
	ciout_free(&ci);
cleanup:
	runs_free(&base);
	runs_free(&new);
	return ret;
}
