/* wirelab pick RUN [--size S] [--conns C] [--metric M] [--margin 3%]
 * [--min-effect 3%]: the best variant for a workload, from measured
 * evidence, how much it differs from the runner-up (a ratio with its
 * interval) and the verdict: better, equivalent, or not decided yet. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pick.h"
#include "report.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wirelab pick RUN [--size S | --workload MIX] [--conns C] [--metric rps|cpu|p99|...]\n"
		"                        [--margin 3%%] [--min-effect 3%%]\n"
		"       wirelab pick RUN --slo p99=2ms[,p99.9=10ms] [--size S | --workload MIX] [--conns C]\n"
		"  with --size and --conns: the best variant for that workload (nearest measured cell),\n"
		"  the runner-up, the ratio of their typical values with its interval, and the verdict:\n"
		"  better (the interval excludes no difference and the effect is at least --min-effect),\n"
		"  equivalent (the interval lies within +-margin), or not decided yet (and how many\n"
		"  repetitions would likely decide it). Intervals hold across the run's --reps looks.\n"
		"  A compared variant client-bound there in any repetition: for a rate or a latency the\n"
		"  verdict says client-bound (it compares the client, not the server) in place of better\n"
		"  or equivalent; for a cost per request it stands, marked as the cost at the client's "
		"pace.\n"
		"  --workload MIX: the same for a workload mix (its name, as points.csv has it).\n"
		"  without: the decision table and RUN/plots/decision_METRIC.svg. Sizes: 4096, 4K, 1M.\n"
		"  --slo: from open mode's rates (sweep --load open), per cell the variant that\n"
		"  sustains the highest rate with every objective met (corrected latency, the typical\n"
		"  of the repetitions, at that rate and every lower one), the runner-up and how far\n"
		"  apart (ratio of achieved rates with its 95%% interval).\n"
		"  rules: docs/statistics.md\n");
}

static void print_cell(const char *what, const struct runs_cell *c, const struct effect_loc *l)
{
	printf("%-10s %-30s typical %.4g, 95%% interval [%.4g, %.4g] (%zu repetitions", what, c->variant,
	       l->typical, l->lo, l->hi, l->n);
	if (c->client_bound)
		printf(", client-bound in %zu of %zu", c->client_bound, c->n);
	printf(")\n");
}

/* A client-bound candidate's figures are the client's pace: whatever the
 * intervals say, they rank clients, so no verdict is given as a server's. */
static void print_client_bound(const struct report_decision *d)
{
	int others = d->client_bound - (d->best->client_bound > 0) - (d->second->client_bound > 0);

	printf("verdict:   %s: ", REPORT_CLIENT_BOUND);
	if (d->best->client_bound || d->second->client_bound)
		printf("%s%s%s", d->best->client_bound ? "the best" : "",
		       d->best->client_bound && d->second->client_bound ? " and " : "",
		       d->second->client_bound ? "the runner-up" : "");
	if (others > 0)
		printf("%s%d other variant%s compared",
		       d->best->client_bound || d->second->client_bound ? " and " : "", others,
		       others == 1 ? "" : "s");
	printf(" had the client (wrk or wirelab-load) at >= 90%% CPU in some repetition, so it set the "
	       "pace; neither is the better server by this run (sweep with more client cores, fewer "
	       "connections, or "
	       "--load open)\n");
}

static void print_verdict(const struct report_decision *d, int m, const struct seq_rule *r,
			  const struct seq_plan *p)
{
	const struct seq_decision *x = &d->d;
	char s[512];
	size_t look = x->e.na < x->e.nb ? x->e.na : x->e.nb;

	if (x->verdict == SEQ_NODATA) {
		printf("verdict:   no data: a comparison needs at least 2 positive values of each\n");
		return;
	}
	effect_sentence(s, sizeof(s), d->best->variant, d->second->variant, m, &x->e);
	printf("effect:    %s%s\n", s, d->paced ? " (as the client measured it)" : "");
	printf("           (ratio %.4f, %.2f%% interval [%.4f, %.4f]: reps %d..%d, so each of the %d looks "
	       "is at alpha %.2f/%d; this is the look at %zu)\n",
	       x->e.ratio, 100 * (1 - x->e.alpha), x->e.rlo, x->e.rhi, p->min, p->max, p->max - p->min + 1,
	       p->alpha, p->max - p->min + 1, look);
	if (d->paced) {
		print_client_bound(d);
		return;
	}
	if (d->client_bound)
		printf("note:      %s: %d of the variants compared had the client at >= 90%% CPU in some "
		       "repetition; the verdict below compares what each request cost the server at that "
		       "pace\n",
		       REPORT_CLIENT_PACE, d->client_bound);
	switch (x->verdict) {
	case SEQ_BETTER:
		printf("verdict:   better: the interval excludes no difference and the effect is at least "
		       "%.1f%%\n",
		       100 * r->min_effect);
		break;
	case SEQ_EQUIVALENT:
		printf("verdict:   equivalent within ±%.1f%%: the whole interval lies inside the margin\n",
		       100 * r->margin);
		break;
	default:
		if (report_stuck(x, r))
			printf("verdict:   not decided: the effect lies between the margin (%.1f%%) and the "
			       "minimum effect (%.1f%%), so no number of repetitions would decide it\n",
			       100 * r->margin, 100 * r->min_effect);
		else if (!x->reps_needed)
			printf("verdict:   not decided yet: over %d repetitions of each would be needed\n",
			       SEQ_REPS_LIMIT);
		else if (x->beyond_max)
			printf("verdict:   not decided yet: about %d repetitions of each would likely decide "
			       "it, "
			       "beyond the plan's %d (sweep again with a larger --reps MAX)\n",
			       x->reps_needed, p->max);
		else
			printf("verdict:   not decided yet: about %d repetitions of each would likely decide "
			       "it "
			       "(wirelab sweep --resume RUN adds them while the plan allows)\n",
			       x->reps_needed);
	}
}

/* The best, the runner-up and the peers of the cell, against the floor. */
static void pick_floor(const struct runs_run *run, const struct report_decision *d, long size, long conns,
		       int m)
{
	const struct runs_cell *show[64];
	int n = 0;

	show[n++] = d->best;
	show[n++] = d->second;
	for (size_t i = 0; i < run->ncells && n < 64; i++) {
		const struct runs_cell *c = &run->cells[i];
		if (c->peer && c->size == size && c->conns == conns && !c->workload[0] && !c->rate[0])
			show[n++] = c;
	}
	report_floor_print(run, show, n, m);
}

static int pick_one(struct runs_run *run, const char *mix, long size, long conns, int m,
		    const struct seq_rule *r)
{
	const struct runs_metric_info *mi = &runs_metrics[m];
	struct report_decision d;
	struct seq_plan p;
	long ms = 0, mc = 0;
	char asked[32], got[32];

	report_plan(run, &p);
	if (mix) {
		/* a workload mix in closed loop: that mix at exactly that concurrency */
		ms = -1, mc = conns;
		printf("workload: mix %s, %ld connections\n", mix, conns);
	} else
		report_nearest(run, size, conns, &ms, &mc);
	runs_size_str(size, asked, sizeof(asked));
	runs_size_str(ms, got, sizeof(got));
	if (mix)
		;
	else if (ms == size && mc == conns)
		printf("workload: %s files, %ld connections (measured)\n", got, mc);
	else
		printf("workload: asked %s files, %ld connections; nearest measured cell used: %s, %ld "
		       "connections\n",
		       asked, conns, got, mc);
	printf("metric:   %s (%s is better)\n", mi->label, mi->higher_better ? "higher" : "lower");
	if (!(mix ? report_decide_mix(run, mix, mc, m, &p, r, &d)
		  : report_decide(run, ms, mc, m, &p, r, &d)) ||
	    !d.best) {
		fprintf(stderr, "wirelab pick: no variant has %s at that cell\n", runs_metric_column(m));
		return 2;
	}
	print_cell("best:", d.best, &d.lbest);
	if (!d.second) {
		printf("only one variant was measured there: nothing to compare\n");
		return 0;
	}
	print_cell("runner-up:", d.second, &d.lsecond);
	print_verdict(&d, m, r, &p);
	/* the peers measured at the same cell (a mix's: its closed-loop cells) */
	for (size_t i = 0; i < (mix ? run->nload_cells : run->ncells); i++) {
		struct runs_cell *c = mix ? &run->load_cells[i] : &run->cells[i];
		struct effect_loc l;
		if (!c->peer || c->conns != mc ||
		    (mix ? *c->rate || strcmp(c->workload, mix) : c->size != ms))
			continue;
		if (!effect_location(c->v[m], c->n, 0.05, &l) && l.n)
			printf("peer:      %-30s typical %.4g [%.4g, %.4g]\n", c->variant, l.typical, l.lo,
			       l.hi);
	}
	if (!mix)
		pick_floor(run, &d, ms, mc, m);
	return 0;
}

int cmd_pick(int argc, char **argv)
{
	static const struct option opts[] = {
		{"size", 1, NULL, 's'},	      {"conns", 1, NULL, 'c'}, {"metric", 1, NULL, 'm'},
		{"workload", 1, NULL, 'w'},   {"slo", 1, NULL, 'o'},   {"margin", 1, NULL, 'g'},
		{"min-effect", 1, NULL, 'e'}, {"help", 0, NULL, 'h'},  {NULL, 0, NULL, 0}};
	struct seq_rule rule = report_rule_default;
	long size = -1, conns = -1;
	int m = RUNS_RPS, o, ret, nobj = 0;
	const char *mix = NULL;
	struct pick_objective obj[PICK_MAX_OBJECTIVES];
	struct runs_run run;
	char err[1024], *end;

	while ((o = getopt_long(argc, argv, "s:c:m:w:o:h", opts, NULL)) != -1) {
		switch (o) {
		case 'w':
			mix = optarg;
			break;
		case 'o':
			if ((nobj = pick_slo_parse(optarg, obj, PICK_MAX_OBJECTIVES, err, sizeof(err))) < 0) {
				fprintf(stderr, "wirelab pick: %s\n", err);
				return 2;
			}
			break;
		case 's':
			if (runs_parse_size(optarg, &size)) {
				fprintf(stderr, "wirelab pick: --size '%s' is not a size (4096, 4K, 1M)\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			conns = strtol(optarg, &end, 10);
			if (*end || conns < 1) {
				fprintf(stderr, "wirelab pick: --conns '%s' is not a positive number\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			if ((m = runs_metric_find(optarg)) < 0) {
				fprintf(stderr, "wirelab pick: unknown metric '%s' (%s)\n", optarg,
					runs_metric_keys());
				return 2;
			}
			break;
		case 'g':
		case 'e':
			if (seq_parse_pct(optarg, o == 'g' ? "--margin" : "--min-effect",
					  o == 'g' ? &rule.margin : &rule.min_effect, err, sizeof(err))) {
				fprintf(stderr, "wirelab pick: %s\n", err);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 == argc && mix && size >= 0) {
		fprintf(stderr, "wirelab pick: --size or --workload, not both\n");
		return 2;
	}
	if (optind + 1 == argc && (nobj || (mix && conns > 0))) {
		/* --slo (any cell, or those named), or a mix at a concurrency */
		ret = runs_load(argv[optind], &run, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "wirelab pick: %s\n", err);
			return 2;
		}
		ret = nobj ? pick_slo(&run, obj, nobj, mix, size, conns)
			   : pick_one(&run, mix, -1, conns, m, &rule);
		runs_free(&run);
		return ret;
	}
	if (optind + 1 != argc || (size < 0) != (conns < 0) || mix) {
		if (optind + 1 == argc && mix)
			fprintf(stderr, "wirelab pick: --workload needs --conns (or --slo)\n");
		else if (optind + 1 == argc)
			fprintf(stderr, "wirelab pick: give both --size and --conns, or neither (for the "
					"whole table)\n");
		usage(stderr);
		return 2;
	}
	ret = runs_load(argv[optind], &run, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "wirelab pick: %s\n", err);
		return 2;
	}
	if (size >= 0) {
		ret = pick_one(&run, NULL, size, conns, m, &rule);
	} else {
		report_decision_table(stdout, &run, m, &rule, 0);
		ret = plot_decision_map(&run, m, err, sizeof(err));
		if (ret)
			fprintf(stderr, "wirelab pick: decision map: %s\n", err), ret = 2;
		else
			printf("decision map: %s/plots/decision_%s.svg (and .png)\n", run.dir,
			       runs_metrics[m].key);
	}
	runs_free(&run);
	return ret;
}
