/* wirelab pick RUN [--size S] [--conns C] [--metric M]: the best variant for
 * a workload, from measured evidence, and whether it is told apart from the
 * runner-up. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: wirelab pick RUN [--size S] [--conns C] [--metric rps|cpu|p99|syscalls|...]\n"
		   "  with --size and --conns: the best variant for that workload (nearest measured cell),\n"
		   "  the runner-up, the margin, and whether they differ at alpha 0.05 (Mann-Whitney U).\n"
		   "  without: the decision table and RUN/plots/decision_METRIC.svg. Sizes: 4096, 4K, 1M.\n");
}

static void print_cell(const char *what, const struct runs_cell *c, const struct stats_summary *s)
{
	printf("%-10s %-30s median %.4g, interval [%.4g, %.4g] (%zu repetitions, interval covers the median "
	       "with %.0f%% confidence)\n",
	       what, c->variant, s->median, s->lo, s->hi, s->n, 100 * s->coverage);
}

static int pick_one(struct runs_run *run, long size, long conns, int m)
{
	const struct runs_metric_info *mi = &runs_metrics[m];
	struct report_decision d;
	long ms = 0, mc = 0;
	char asked[32], got[32];

	report_nearest(run, size, conns, &ms, &mc);
	runs_size_str(size, asked, sizeof(asked));
	runs_size_str(ms, got, sizeof(got));
	if (ms == size && mc == conns)
		printf("workload: %s files, %ld connections (measured)\n", got, mc);
	else
		printf("workload: asked %s files, %ld connections; nearest measured cell used: %s, %ld "
		       "connections\n",
		       asked, conns, got, mc);
	printf("metric:   %s (%s is better)\n", mi->label, mi->higher_better ? "higher" : "lower");
	if (!report_decide(run, ms, mc, m, &d)) {
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
	static const struct option opts[] = {{"size", 1, NULL, 's'},
					     {"conns", 1, NULL, 'c'},
					     {"metric", 1, NULL, 'm'},
					     {"help", 0, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	long size = -1, conns = -1;
	int m = RUNS_RPS, o, ret;
	struct runs_run run;
	char err[1024], *end;

	while ((o = getopt_long(argc, argv, "s:c:m:h", opts, NULL)) != -1) {
		switch (o) {
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
	if (optind + 1 != argc || (size < 0) != (conns < 0)) {
		if (optind + 1 == argc)
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
		ret = pick_one(&run, size, conns, m);
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
