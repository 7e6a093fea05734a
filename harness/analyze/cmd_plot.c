/* wirelab plot RUN: draw the run's graphs into RUN/plots/ (SVG and PNG). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

int cmd_plot(int argc, char **argv)
{
	struct runs_run run;
	char err[1024];
	int ret;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr,
			"usage: wirelab plot RUN\n"
			"  draws RUN/plots/: per concurrency, req/s, MB/s, CPU and syscalls per request "
			"against file size;\n"
			"  p99 latency against concurrency per file size; the writev/sendfile crossover on "
			"the CPU graphs;\n"
			"  the decision maps (req/s, CPU). Each as NAME.svg and NAME.png, with NAME.gp to "
			"redraw by hand.\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	ret = runs_load(argv[1], &run, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "wirelab plot: %s\n", err);
		return 2;
	}
	ret = plot_run(&run, err, sizeof(err));
	for (int m = RUNS_RPS; !ret && m <= RUNS_CPU; m += RUNS_CPU - RUNS_RPS) {
		ret = plot_decision_map(&run, m, err, sizeof(err));
		if (ret == -ENOENT) /* no such column in this run: no map, say so */
			fprintf(stderr, "wirelab plot: no decision map: %s\n", err), ret = 0;
	}
	if (ret)
		fprintf(stderr, "wirelab plot: %s\n", err);
	else
		printf("plots in %s/plots/ (index: plots.json)\n", run.dir);
	runs_free(&run);
	return ret ? 1 : 0;
}
