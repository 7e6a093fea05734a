/* wirelab check BASE NEW: regressions and improvements between two runs.
 * Every cell (variant x size x concurrency) in both and every metric gets
 * a verdict of NEW against BASE with its effect size (seq.h): worse (a
 * REGRESSION), better (an improvement), equivalent within --margin, or not
 * decided yet. Exit 0: nothing regressed; 1: something did (or a cell of
 * BASE is missing in NEW); 2: the runs cannot be compared. Rules:
 * docs/statistics.md. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ciout.h"
#include "machine.h"
#include "report.h"

struct check_opts {
	struct seq_rule rule;
	double alpha;
	int per_test; /* --per-test: alpha per test, not for the whole check */
	int metrics[RUNS_NMETRICS], nmetrics;
	int strict;
	struct ciout *ci; /* --junit, --markdown: a testcase per cell and metric */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wirelab check BASE NEW [--margin 3%%] [--min-effect 3%%] [--alpha 0.05] "
		"[--per-test]\n"
		"                     [--metric rps,cpu,p99,syscalls] [--strict] [--junit FILE] [--markdown "
		"FILE]\n"
		"  for every cell (variant x size x concurrency) in both runs and every metric: the ratio\n"
		"  NEW/BASE of their typical values with its interval, and the verdict: worse (a "
		"REGRESSION)\n"
		"  or better (an improvement) when the interval excludes no difference and the effect is at\n"
		"  least --min-effect (--threshold is the same option); equivalent when the interval lies\n"
		"  within +-margin; else not decided yet. The intervals hold across the runs' --reps looks\n"
		"  and, unless --per-test, across all the check's tests: alpha is for the whole check.\n"
		"  Exit 0: nothing regressed; 1: something did; 2: cannot compare.\n"
		"  Runs from different kernels, CPUs, core counts, topologies or clients: a warning, or exit "
		"2 with "
		"--strict;\n"
		"  so are machines whose settings differ (run.json machine: NICs, IRQ affinity, CPU\n"
		"  frequency, SMT, kernel command line, sysctls; each named, docs/machine.md);\n"
		"  the same when one is unknown on a side (never taken as equal).\n"
		"  A cell client-bound on either side (status client-bound): for a rate or a latency a\n"
		"  CLIENT-BOUND line (it compares the client, not the server; its worse or better does not\n"
		"  decide the exit); a cost per request counts as usual, marked.\n"
		"  --junit FILE, --markdown FILE: the results for CI (JUnit XML, a pull-request summary).\n"
		"  rules: docs/statistics.md\n");
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

/* A host key the sweep could not learn: absent, empty, or the "unknown"
 * the sweep writes when /proc/cpuinfo has no model name. Two unknowns are
 * not the same host. */
static int host_unknown(const char *v)
{
	return !v || !*v || !strcasecmp(v, "unknown");
}

/* What the two runs were measured on: differences (*unknown: keys that
 * cannot be compared, unknown on a side). Returns the differences. */
static int compare_hosts(const struct runs_run *a, const struct runs_run *b, int *unknown)
{
	const char *what[] = {"kernel", "CPU model", "topology"};
	const char *va[] = {a->info.kernel, a->info.cpu_model, a->info.topology},
		   *vb[] = {b->info.kernel, b->info.cpu_model, b->info.topology};
	int diff = 0;

	*unknown = 0;
	for (int i = 0; i < 3; i++) {
		if (host_unknown(va[i]) || host_unknown(vb[i])) {
			printf("warning: %s unknown in %s%s%s run.json: unknown, cannot compare\n", what[i],
			       host_unknown(va[i]) ? "BASE" : "",
			       host_unknown(va[i]) && host_unknown(vb[i]) ? " and " : "",
			       host_unknown(vb[i]) ? "NEW" : "");
			(*unknown)++;
			continue;
		}
		if (strcmp(va[i], vb[i])) {
			printf("warning: different %s: BASE '%s', NEW '%s'\n", what[i], va[i], vb[i]);
			diff++;
		}
	}
	if (a->info.cores <= 0 || b->info.cores <= 0) {
		printf("warning: core count unknown in %s%s%s run.json: unknown, cannot compare\n",
		       a->info.cores <= 0 ? "BASE" : "",
		       a->info.cores <= 0 && b->info.cores <= 0 ? " and " : "",
		       b->info.cores <= 0 ? "NEW" : "");
		(*unknown)++;
	} else if (a->info.cores != b->info.cores) {
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
	/* NICs, IRQs, CPU frequency, sysctls, ...: check_machine.c */
	diff += check_machine(a->info.machine, b->info.machine, unknown);
	return diff;
}

/* What a verdict is called in check's lines (worse is a regression). */
static const char *check_word(enum seq_verdict v)
{
	switch (v) {
	case SEQ_WORSE:
		return "REGRESSION";
	case SEQ_BETTER:
		return "improvement";
	case SEQ_EQUIVALENT:
		return "equivalent";
	default:
		return "not decided";
	}
}

struct check_counts {
	size_t cells, tests, verdicts[SEQ_NODATA + 1], missing;
	/* worse or better where either side was client-bound: reported, not
	 * counted as the server's (REPORT_CLIENT_BOUND) */
	size_t bound_worse, bound_better;
};

/* One cell and metric: its line and its testcase. 0, or 1 when there was
 * nothing to compare (no data on a side). */
static int check_one(const struct runs_cell *cb, const struct runs_cell *cn, int m, const struct seq_plan *p,
		     const struct check_opts *o, struct check_counts *n)
{
	const struct runs_metric_info *mi = &runs_metrics[m];
	struct seq_decision d;
	char sz[32], eff[512], line[1024], more[320] = "";

	if (seq_decide(cn->v[m], cn->n, cb->v[m], cb->n, mi->higher_better, p, &o->rule, &d) ||
	    d.verdict == SEQ_NODATA)
		return 1;
	/* either side's pace set by the client: a change of a rate or a
	 * latency there is the client's, so it neither fails the check nor
	 * passes as the server's; a cost per request is still the server's
	 * (at the client's pace), so it counts, marked */
	int any_bound = cn->client_bound || cb->client_bound;
	int bound = any_bound && runs_metric_paced(m);
	int decided = d.verdict == SEQ_WORSE || d.verdict == SEQ_BETTER;
	n->tests++;
	if (bound && d.verdict == SEQ_WORSE)
		n->bound_worse++;
	else if (bound && d.verdict == SEQ_BETTER)
		n->bound_better++;
	else
		n->verdicts[d.verdict]++;
	runs_size_str(cn->size, sz, sizeof(sz));
	effect_sentence(eff, sizeof(eff), "NEW", "BASE", m, &d.e);
	if (bound)
		snprintf(more, sizeof(more), "; %s: client-bound in BASE %zu/%zu, NEW %zu/%zu%s",
			 decided ? (d.verdict == SEQ_WORSE ? "worse" : "better") : check_word(d.verdict),
			 cb->client_bound, cb->n, cn->client_bound, cn->n,
			 decided ? ", not counted as the server's" : "");
	else if (d.verdict == SEQ_EQUIVALENT)
		snprintf(more, sizeof(more), ", within ±%.0f%%", 100 * o->rule.margin);
	else if (report_stuck(&d, &o->rule))
		snprintf(more, sizeof(more), ", between margin and min effect: more reps cannot decide it");
	else if (d.verdict == SEQ_OPEN && !d.reps_needed)
		snprintf(more, sizeof(more), ", over %d reps would be needed", SEQ_REPS_LIMIT);
	else if (d.verdict == SEQ_OPEN)
		snprintf(more, sizeof(more), ", ~%d reps would likely decide it%s", d.reps_needed,
			 d.beyond_max ? " (beyond NEW's plan)" : "");
	if (any_bound && !bound) {
		size_t used = strlen(more);
		snprintf(
			more + used, sizeof(more) - used,
			"; client-bound in BASE %zu/%zu, NEW %zu/%zu: the server's cost at the client's pace",
			cb->client_bound, cb->n, cn->client_bound, cn->n);
	}
	snprintf(line, sizeof(line), "%-11s %-30s %9s %5ld conns  %-9s %s (n=%zu/%zu%s)",
		 bound ? "CLIENT-BOUND" : check_word(d.verdict), cn->variant, sz, cn->conns, mi->key, eff,
		 d.e.nb, d.e.na, more);
	printf("%s\n", line);
	int ci_i = ciout_cell(o->ci, "wirelab.check", cn->variant, cn->size, cn->conns, mi->key);
	if (d.verdict == SEQ_WORSE && !bound)
		ciout_fail(o->ci, ci_i, line);
	else if (d.verdict != SEQ_EQUIVALENT)
		ciout_info(o->ci, ci_i, line);
	return 0;
}

static int check_runs(struct runs_run *base, struct runs_run *new, const struct check_opts *o)
{
	struct check_counts n = {0};
	struct seq_plan p, pb;

	report_check_plan(base, new, &p);
	report_plan(base, &pb);
	p.alpha *= o->alpha / REPORT_ALPHA;
	/* the check asks one question, did anything regress, and exits 1 on
	 * any: alpha is for all its tests together (Bonferroni), as history
	 * check spends it over its series */
	size_t ntests = report_check_tests(base, new, o->metrics, o->nmetrics);
	if (!o->per_test && ntests > 1)
		p.alpha /= (double)ntests;
	for (size_t i = 0; i < new->ncells; i++) {
		struct runs_cell *cn = &new->cells[i];
		struct runs_cell *cb = runs_find(base, cn->variant, cn->size, cn->conns);
		int counted = 0;
		if (!cb)
			continue;
		for (int k = 0; k < o->nmetrics; k++)
			counted |= !check_one(cb, cn, o->metrics[k], &p, o, &n);
		n.cells += counted;
	}
	/* A cell BASE measured and NEW did not (its rows failed or were
	 * skipped, or it is gone): for a CI job running the same sweep that is
	 * a regression, never a silent pass. */
	for (size_t i = 0; n.cells && i < base->ncells; i++) {
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
		n.missing++;
	}
	if (!n.cells) {
		fprintf(stderr,
			"wirelab check: %s and %s have no cell (variant, size, concurrency) in common with "
			"data for the metrics asked: nothing to compare\n",
			base->dir, new->dir);
		return 2;
	}
	size_t regress = n.verdicts[SEQ_WORSE], improve = n.verdicts[SEQ_BETTER];
	printf("compared %zu cells in both runs, %zu tests (metric x cell); margin ±%.1f%%, min effect "
	       "%.1f%%; "
	       "alpha %.3f %s, over NEW's reps %d..%d%s: each interval at %.4f%%\n",
	       n.cells, n.tests, 100 * o->rule.margin, 100 * o->rule.min_effect, o->alpha,
	       o->per_test ? "per test (--per-test)" : "for the whole check", p.min, p.max,
	       pb.max > pb.min ? " and BASE's looks too" : "", 100 * (1 - seq_look_alpha(&p)));
	printf("%zu regression%s, %zu improvement%s, %zu equivalent, %zu not decided\n", regress,
	       regress == 1 ? "" : "s", improve, improve == 1 ? "" : "s", n.verdicts[SEQ_EQUIVALENT],
	       n.verdicts[SEQ_OPEN]);
	if (n.bound_worse || n.bound_better)
		printf("%zu worse and %zu better in client-bound cells (CLIENT-BOUND lines): %s; not "
		       "counted as regressions or improvements, and they do not fail the check\n",
		       n.bound_worse, n.bound_better, REPORT_CLIENT_BOUND);
	ciout_note(o->ci,
		   "%s against %s: %zu cells, %zu tests; %zu regressions, %zu improvements, %zu equivalent, "
		   "%zu not decided, %zu missing, %zu worse and %zu better in client-bound cells",
		   new->dir, base->dir, n.cells, n.tests, regress, improve, n.verdicts[SEQ_EQUIVALENT],
		   n.verdicts[SEQ_OPEN], n.missing, n.bound_worse, n.bound_better);
	/* an interval misses on the worse side with probability at most half
	 * its level, across every look (union bound) */
	if (o->per_test)
		printf("note: with nothing changed, each test reads as a regression by chance with "
		       "probability at "
		       "most %.3f:\n      about %.2f of these %zu tests by chance%s\n",
		       o->alpha / 2, o->alpha / 2 * (double)n.tests, n.tests,
		       o->alpha / 2 * (double)n.tests >= 0.5 ? "; confirm a flagged cell with a re-run" : "");
	else
		printf("note: with nothing changed, this check reports a regression by chance with "
		       "probability at "
		       "most %.3f\n",
		       o->alpha / 2);
	if (n.missing)
		printf("%zu cell%s of BASE not measured in NEW: counted as regressions\n", n.missing,
		       n.missing == 1 ? "" : "s");
	return regress || n.missing ? 1 : 0;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"threshold", 1, NULL, 'T'}, {"min-effect", 1, NULL, 't'},
					     {"margin", 1, NULL, 'g'},	  {"alpha", 1, NULL, 'a'},
					     {"metric", 1, NULL, 'm'},	  {"strict", 0, NULL, 's'},
					     {"junit", 1, NULL, 'j'},	  {"markdown", 1, NULL, 'k'},
					     {"per-test", 0, NULL, 'P'},  {"help", 0, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct check_opts o = {.rule = report_rule_default,
			       .alpha = REPORT_ALPHA,
			       .metrics = {RUNS_RPS, RUNS_CPU, RUNS_P99, RUNS_SYSCALLS},
			       .nmetrics = 4};
	struct runs_run base, new;
	char err[1024], *end;
	const char *junit = NULL, *md = NULL;
	struct ciout ci;
	int c, ret = 2;

	while ((c = getopt_long(argc, argv, "T:t:g:a:m:sPhj:k:", opts, NULL)) != -1) {
		switch (c) {
		case 'T':
			/* the older name of --min-effect, which took any percentage */
			o.rule.min_effect = strtod(optarg, &end);
			if (end == optarg || (*end && strcmp(end, "%")) || !(o.rule.min_effect >= 0)) {
				fprintf(stderr, "wirelab check: --threshold '%s' is not a percentage (5%%)\n",
					optarg);
				return 2;
			}
			/* "5%" and "5" mean 5%; a bare value below 1 is a fraction (0.05) */
			if (*end || o.rule.min_effect >= 1)
				o.rule.min_effect /= 100;
			break;
		case 't':
		case 'g':
			if (seq_parse_pct(optarg, c == 'g' ? "--margin" : "--min-effect",
					  c == 'g' ? &o.rule.margin : &o.rule.min_effect, err, sizeof(err))) {
				fprintf(stderr, "wirelab check: %s\n", err);
				return 2;
			}
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
		case 'P':
			o.per_test = 1;
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
	int unknown, diff = compare_hosts(&base, &new, &unknown);
	/* --strict compares only runs known to share a system: an unknown
	 * cannot be confirmed, so it refuses as a difference does */
	if ((diff || unknown) && o.strict) {
		fprintf(stderr,
			"wirelab check: --strict: %s%s%s; refusing to compare (the warnings above name "
			"each)\n",
			diff ? "the runs were measured on different systems" : "",
			diff && unknown ? ", and " : "",
			unknown ? "what the runs were measured on is unknown on a side, so cannot be "
				  "confirmed "
				  "the same"
				: "");
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
