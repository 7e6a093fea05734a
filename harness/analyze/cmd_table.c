/* wirelab table RUN: the run's medians per variant, size and concurrency. */
#include <stdio.h>
#include <string.h>

#include "report.h"

int cmd_table(int argc, char **argv)
{
	struct runs_run run;
	char err[1024];
	int ret;

	if (argc != 2 || argv[1][0] == '-') {
		int help = argc == 2 && !strcmp(argv[1], "--help");
		fprintf(help ? stdout : stderr,
			"usage: wirelab table RUN\n"
			"  prints, per variant, file size and concurrency, the medians over repetitions of\n"
			"  req/s, MB/s, p99 latency, server CPU, core time and syscalls per request, marks\n"
			"  client-bound cells, then the run's notes (skipped and failed windows).\n");
		return help ? 0 : 2;
	}
	if ((ret = runs_load(argv[1], &run, err, sizeof(err)))) {
		fprintf(stderr, "wirelab table: %s\n", err);
		return 2;
	}
	ret = report_table(stdout, &run);
	runs_free(&run);
	return ret ? 1 : 0;
}
