/*
 * cmd_format: `wirelab format`: the results format as Markdown, from the
 * tables the writer and the reader use (results_cols.c, results_meta.c).
 * docs/results-format.md holds this output between its markers, and
 * tests/results/test_docs fails when the two differ. A subcommand of its
 * own rather than a sweep option: the format is the results layer's, read
 * by plot, pick, check and report as much as written by the sweep.
 */
#include <stdio.h>
#include <string.h>

#include "results_cols.h"
#include "results_meta.h"
#include "results_profiles.h"

int cmd_format(int argc, char **argv)
{
	if (argc > 1) {
		int help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");
		fprintf(help ? stdout : stderr,
			"usage: wirelab format\n"
			"  prints the results format as Markdown: every column of points.csv and\n"
			"  syscalls.csv and profiles.csv (unit, meaning, where the value comes from, which\n"
			"  rows have it)\n"
			"  and every run.json key; docs/results-format.md holds the same.\n");
		return help ? 0 : 2;
	}
	printf("Results format %d: run.json's `results_format`.\n\n", RUNS_FORMAT);
	printf("### points.csv\n\nA row per window; \"measured\" columns are empty in skipped and failed "
	       "rows, and any unknown figure is an empty field, never 0.\n\n");
	results_cols_markdown(stdout, results_point_cols, RP_NCOLS);
	printf("\n### syscalls.csv\n\nPer measured window, a row per syscall the server made (with probes "
	       "only).\n\n");
	results_cols_markdown(stdout, results_syscall_cols, RS_NCOLS);
	printf("\n### profiles.csv\n\nWith `--profile`, per measured window a row per function group "
	       "and a `total` row, written after the window's points.csv row; the window's files are "
	       "`profiles/VARIANT_SIZE_cCONNS_tTHREADS_rREP.folded`, `.svg`, `.groups.json` and "
	       "`.groups.txt` (docs/profile.md).\n\n");
	results_cols_markdown(stdout, results_profile_cols, RF_NCOLS);
	printf("\n### run.json\n\nAn `options.x` key is `x` in the `options` object, a `profile.x` key "
	       "`x` in the `profile` object.\n\n");
	results_meta_markdown(stdout);
	return fflush(stdout) ? 1 : 0;
}
