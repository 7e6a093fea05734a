/*
 * report: what the harness concludes from a run: the best variant per
 * workload (pick), its plots (plot_*), and report.html. report_all() is what
 * `wirelab demo` calls at its end.
 */
#ifndef WL_REPORT_H
#define WL_REPORT_H
#include <stdio.h>

#include "runs.h"
#include "seq.h"
#include "stats.h"

#define REPORT_ALPHA 0.05

/* The looks a run's repetitions were planned in: run.json's --reps
 * MIN..MAX (a fixed --reps N, and runs from before the range: N..N, one
 * look), at alpha 0.05 in all. */
void report_plan(const struct runs_run *run, struct seq_plan *p);
/* check NEW against BASE: NEW's looks, and the alpha divided by BASE's
 * looks as well when BASE was itself adaptive (either side may have
 * stopped at any of its looks: the union bound covers every pair). */
void report_check_plan(const struct runs_run *base, const struct runs_run *new, struct seq_plan *p);
/* The tests check makes of NEW against BASE: cells in both x metrics with
 * at least 2 positive values on each side. check spends its alpha over
 * them (docs/statistics.md), and so does the sweep deciding against a
 * baseline. */
size_t report_check_tests(const struct runs_run *base, const struct runs_run *new, const int *metrics,
			  int nmetrics);
/* The default verdict rules: --margin 3%, --min-effect 3%. */
extern const struct seq_rule report_rule_default;

struct report_decision {
	const struct runs_cell *best, *second;
	struct effect_loc lbest, lsecond; /* typical values with their 95% intervals */
	struct seq_decision d;		  /* best against second; SEQ_NODATA without a second */
	int candidates;
	/* candidates the client limited in some repetition (runs_cell's
	 * client_bound): their figures are the client's pace, so whatever the
	 * verdict, it does not rank servers (docs/statistics.md) */
	int client_bound;
	/* client_bound and m is a rate or latency (runs_metric_paced): no
	 * verdict; for a cost per request the verdict stands, marked */
	int paced;
};

/* Best and runner-up of our variants (peers excluded) at one cell for
 * metric m, by typical value, and the verdict of best against runner-up at
 * the look their repetitions are (seq_pick). Returns the number of variants
 * with data there (0: none). */
int report_decide(const struct runs_run *run, long size, long conns, int m, const struct seq_plan *p,
		  const struct seq_rule *r, struct report_decision *d);
/* The same for a workload mix measured in closed loop (a load cell). */
int report_decide_mix(const struct runs_run *run, const char *workload, long conns, int m,
		      const struct seq_plan *p, const struct seq_rule *r, struct report_decision *d);
/* The same at one of open mode's rates (rate as points.csv has it) of a
 * mix, or of a file size when workload is "". */
int report_decide_rate(const struct runs_run *run, const char *workload, long size, long conns,
		       const char *rate, int m, const struct seq_plan *p, const struct seq_rule *r,
		       struct report_decision *d);
/* The same among cells[0..n) that keep(cell, arg) accepts. */
int report_decide_among(const struct runs_cell *cells, size_t n,
			int (*keep)(const struct runs_cell *, const void *), const void *arg, int m,
			const struct seq_plan *p, const struct seq_rule *r, struct report_decision *d);
/* Whether an open decision is open for good: the effect lies between the
 * margin and a larger minimum effect, so neither verdict can be reached
 * (rather than more than SEQ_REPS_LIMIT repetitions being needed). */
int report_stuck(const struct seq_decision *d, const struct seq_rule *r);
/* What pick, the decision table and check say in place of a verdict
 * when a compared cell was client-bound. */
#define REPORT_CLIENT_BOUND "client-bound: this compares the client, not the server"
/* the same for a cost per request, whose verdict stands */
#define REPORT_CLIENT_PACE "client-bound: the server's cost at the client's pace, not at its own limit"
/* The verdict in a few words: "better", "equivalent within ±3%", "not
 * decided yet: ~7 reps", "not decided: beyond the plan's 10 reps". */
void report_verdict_words(char *buf, size_t len, const struct seq_decision *d, const struct seq_rule *r,
			  const struct seq_plan *p);

/* The measured size and concurrency nearest (on a log scale) to the asked ones. */
void report_nearest(const struct runs_run *run, long size, long conns, long *msize, long *mconns);

/* Print the decision table for metric m (r NULL: the default rules). */
void report_decision_table(FILE *f, const struct runs_run *run, int m, const struct seq_rule *r, int html);

/* s with <, >, & and " escaped for HTML. */
void report_html_text(FILE *f, const char *s);

/* The floor cell (docs/floor.md) for cell c: the floor of c's loop and tls
 * (variant_floor_for) at the same size and concurrency; NULL when none
 * was swept, or c is a floor or a mix's or a rate's cell. */
const struct runs_cell *report_floor_of(const struct runs_run *run, const struct runs_cell *c);
/* "4.3% above the floor (epoll-floor) [+1.2%, +7.5%]" for metric m; -1
 * when either side has no value. */
int report_floor_phrase(char *buf, size_t len, const struct runs_cell *c, const struct runs_cell *floor,
			int m);
/* pick's lines: the floor's typical value, and each of show[0..n)'s
 * distance from it (NULL entries skipped); nothing when no floor was swept. */
void report_floor_print(const struct runs_run *run, const struct runs_cell *const *show, int n, int m);
/* The report's table of every cell's distance from its floor, for metric m. */
void report_floor_table(FILE *f, const struct runs_run *run, int m);
/* The syscall breakdown table of the report (nothing without syscalls.csv). */
void report_syscalls_html(FILE *f, const struct runs_run *run);
/* The CPU profiles of the report: per cell a bar of function groups per
 * variant, links to the flame graphs (nothing without profiles.csv). */
void report_profiles_html(FILE *f, const struct runs_run *run);
/* The section "Machine noise and tuning": run.json's calibration and
 * tune (report_tune.c; docs/tune.md). */
void report_tune_html(FILE *f, const struct runs_run *run);

/* The medians table of `wirelab table` (req/s, MB/s, p99, CPU, core time,
 * syscalls per request per cell), then the run's notes; 0 or -ENOMEM. */
int report_table(FILE *f, const struct runs_run *run);
/* Its rows of open mode's rates and workload mixes (report_table_load.c). */
int report_table_load(FILE *f, const struct runs_run *run);

/* Draw RUN/plots/ (every plot, the decision maps included) and write
 * RUN/report.html. Returns 0, or -errno with a message on stderr. */
int report_all(const char *run_dir);

/* plot_run: every plot of a run into RUN/plots/ (SVG and PNG), with
 * plots.json listing them. plot_decision_map: the size x concurrency map
 * for metric m. Both return 0 or -errno with a message in err. */
int plot_run(const struct runs_run *run, char *err, size_t errlen);
int plot_decision_map(const struct runs_run *run, int m, char *err, size_t errlen);
#endif
