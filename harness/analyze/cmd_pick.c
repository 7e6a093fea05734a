/* wirelab pick RUN [--size S] [--conns C] [--metric M]: the best variant for
 * a workload, from measured evidence, and whether it is told apart from the
 * runner-up. */
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
		"       wirelab pick RUN --slo p99=2ms[,p99.9=10ms] [--size S | --workload MIX] [--conns C]\n"
		"  with --size and --conns: the best variant for that workload (nearest measured cell),\n"
		"  the runner-up, the margin, and whether they differ at alpha 0.05 (Mann-Whitney U);\n"
		"  --workload MIX: the same for a workload mix (its name, as points.csv has it).\n"
		"  without: the decision table and RUN/plots/decision_METRIC.svg. Sizes: 4096, 4K, 1M.\n"
		"  --slo: from open mode's rates (sweep --load open), per cell the variant that\n"
		"  sustains the highest rate with every objective met (corrected latency, the typical\n"
		"  of the repetitions, at that rate and every lower one), the runner-up and how far\n"
		"  apart (ratio of achieved rates with its 95%% interval).\n");
}

static void print_cell(const char *what, const struct runs_cell *c, const struct stats_summary *s)
{
	printf("%-10s %-30s median %.4g, interval [%.4g, %.4g] (%zu repetitions, interval covers the median "
	       "with %.0f%% confidence)\n",
	       what, c->variant, s->median, s->lo, s->hi, s->n, 100 * s->coverage);
}

static int pick_one(struct runs_run *run, const char *mix, long size, long conns, int m)
{
	const struct runs_metric_info *mi = &runs_metrics[m];
	struct report_decision d;
	long ms = 0, mc = 0;
	char asked[32], got[32];

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
	if (!(mix ? report_decide_mix(run, mix, mc, m, &d) : report_decide(run, ms, mc, m, &d))) {
		fprintf(stderr, "wirelab pick: no variant has %s at that cell\n", runs_metric_column(m));
		return 2;
	}
	print_cell("best:", d.best, &d.sbest);
	if (!d.second) {
		printf("only one variant was measured there: nothing to compare\n");
		return 0;
	}
	print_cell("runner-up:", d.second, &d.ssecond);
	printf("margin:    %.1f%% better than the runner-up\n", 100 * d.margin);
	if (d.apart)
		printf("verdict:   told apart (Mann-Whitney U=%.1f, p=%.4f %s, alpha %.2f)\n", d.t.u, d.t.p,
		       d.t.exact ? "exact" : "normal approx.", REPORT_ALPHA);
	else
		printf("verdict:   cannot tell apart (Mann-Whitney U=%.1f, p=%.4f %s, alpha %.2f): the "
		       "measurements do not "
		       "show which is better\n",
		       d.t.u, d.t.p, d.t.exact ? "exact" : "normal approx.", REPORT_ALPHA);
	report_power_note(stdout, d.sbest.n, d.ssecond.n, REPORT_ALPHA);
	for (size_t i = 0; i < run->ncells; i++) {
		struct runs_cell *c = &run->cells[i];
		struct stats_summary s;
		if (!c->peer || c->size != ms || c->conns != mc)
			continue;
		stats_summary(c->v[m], c->n, &s);
		if (s.n)
			printf("peer:      %-30s median %.4g [%.4g, %.4g]\n", c->variant, s.median, s.lo,
			       s.hi);
	}
	return 0;
}

int cmd_pick(int argc, char **argv)
{
	static const struct option opts[] = {{"size", 1, NULL, 's'},   {"conns", 1, NULL, 'c'},
					     {"metric", 1, NULL, 'm'}, {"workload", 1, NULL, 'w'},
					     {"slo", 1, NULL, 'o'},    {"help", 0, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
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
		ret = nobj ? pick_slo(&run, obj, nobj, mix, size, conns) : pick_one(&run, mix, -1, conns, m);
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
		ret = pick_one(&run, NULL, size, conns, m);
	} else {
		report_decision_table(stdout, &run, m, 0);
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
