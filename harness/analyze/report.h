/*
 * report: what the harness concludes from a run: the best variant per
 * workload (pick), its plots (plot_*), and report.html. report_all() is what
 * `wirelab demo` calls at its end.
 */
#ifndef WL_REPORT_H
#define WL_REPORT_H
#include <stdio.h>

#include "runs.h"
#include "stats.h"

#define REPORT_ALPHA 0.05

struct report_decision {
	const struct runs_cell *best, *second;
	struct stats_summary sbest, ssecond;
	double margin; /* how much better best is, as a fraction of second */
	struct stats_mwu t;
	int apart; /* 1: p < alpha; 0: cannot tell apart */
	int candidates;
};

/* Best and runner-up of our variants (peers excluded) at one cell for
 * metric m. Returns the number of variants with data there (0: none). */
int report_decide(const struct runs_run *run, long size, long conns, int m, struct report_decision *d);
/* The same for a workload mix measured in closed loop (a load cell). */
int report_decide_mix(const struct runs_run *run, const char *workload, long conns, int m,
		      struct report_decision *d);
/* The same among cells[0..n) that keep(cell, arg) accepts. */
int report_decide_among(const struct runs_cell *cells, size_t n,
			int (*keep)(const struct runs_cell *, const void *), const void *arg, int m,
			struct report_decision *d);

/* The measured size and concurrency nearest (on a log scale) to the asked ones. */
void report_nearest(const struct runs_run *run, long size, long conns, long *msize, long *mconns);

/* Print the decision table for metric m. */
void report_decision_table(FILE *f, const struct runs_run *run, int m, int html);

/* s with <, >, & and " escaped for HTML. */
void report_html_text(FILE *f, const char *s);
/* The syscall breakdown table of the report (nothing without syscalls.csv). */
void report_syscalls_html(FILE *f, const struct runs_run *run);
/* The CPU profiles of the report: per cell a bar of function groups per
 * variant, links to the flame graphs (nothing without profiles.csv). */
void report_profiles_html(FILE *f, const struct runs_run *run);

/* The medians table of `wirelab table` (req/s, MB/s, p99, CPU, core time,
 * syscalls per request per cell), then the run's notes; 0 or -ENOMEM. */
int report_table(FILE *f, const struct runs_run *run);
/* Its rows of open mode's rates and workload mixes (report_table_load.c). */
int report_table_load(FILE *f, const struct runs_run *run);

/* A sentence on what alpha can detect with n1 vs n2 repetitions. */
void report_power_note(FILE *f, size_t n1, size_t n2, double alpha);

/* Draw RUN/plots/ (every plot, the decision maps included) and write
 * RUN/report.html. Returns 0, or -errno with a message on stderr. */
int report_all(const char *run_dir);

/* plot_run: every plot of a run into RUN/plots/ (SVG and PNG), with
 * plots.json listing them. plot_decision_map: the size x concurrency map
 * for metric m. Both return 0 or -errno with a message in err. */
int plot_run(const struct runs_run *run, char *err, size_t errlen);
int plot_decision_map(const struct runs_run *run, int m, char *err, size_t errlen);
#endif
