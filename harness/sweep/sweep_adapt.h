/*
 * sweep_adapt: adaptive repetitions, `--reps MIN..MAX`. Every point gets
 * MIN repetitions (sweep_run.c's repetition-major loop); then, round by
 * round, every cell whose decision is still open gets one more repetition
 * of each of its variants, in an order rotated every round so drift spreads
 * over the variants, until its decision is made or it has MAX.
 *
 * A cell is a file size or a workload mix at a concurrency and, under
 * --load open, one of its windows (the capacity window, or a rate); it is
 * open while pick's verdict (best against runner-up, seq_pick) is open on
 * any --decide metric. With --baseline RUN a cell is a variant at a file
 * size and concurrency in closed loop (what check compares), open while its
 * check against RUN (seq_decide) is. A rate that is a share of the
 * capacity gets that repetition's capacity window run first. Every look is at alpha / (MAX -
 * MIN + 1) (seq.h; against a baseline also divided by check's tests and
 * the baseline's own looks), as pick and check read the run afterwards, so
 * stopping at the first decided look keeps the error rate. Decisions are read from
 * the run folder at every round: --resume continues from the rows there.
 * Rules: docs/statistics.md.
 */
#ifndef WL_SWEEP_ADAPT_H
#define WL_SWEEP_ADAPT_H
#include <limits.h>
#include <stddef.h>

#define SWEEP_ADAPT_METRICS 32

/* What sweep_opts holds for it (reps MIN is sweep_opts.reps). */
struct sweep_adapt_opts {
	int reps_max;
	char baseline[PATH_MAX]; /* "" for pick */
	int metrics[SWEEP_ADAPT_METRICS], nmetrics;
	double margin, min_effect;
};

struct sweep_opts;

/* The defaults: --reps 3..10, --decide rps,cpu,syscalls, --margin and
 * --min-effect 3%. */
void sweep_adapt_defaults(struct sweep_opts *o);
/* One of --reps, --baseline, --decide, --margin, --min-effect (name without
 * the dashes). 0, 1 when name is none of them, -EINVAL with the option and
 * its value named in err. */
int sweep_adapt_opt(struct sweep_opts *o, const char *name, const char *value, char *err, size_t errlen);
/* After every option is read: the baseline loads and is of this results
 * format. 0 or -errno with err written. */
int sweep_adapt_check(const struct sweep_opts *o, char *err, size_t errlen);
/* "--reps 3..10 (adaptive: open cells ...)" for the sweep's banner. */
void sweep_adapt_describe(const struct sweep_opts *o, char *buf, size_t len);

/* Measures one point (variant v, size slot s: a size or a mix,
 * concurrency c, slot k: a window of the cell, sweep_load.h; repetition
 * rep): 0, or -1 when the sweep must stop (the error is the caller's). */
typedef int (*sweep_adapt_point_fn)(void *ctx, int v, int s, int c, int k, int rep);

/* After the MIN repetitions: the rounds, then each cell's repetitions and
 * why it stopped, handed to sweep_record for run.json. 0, -1 when point
 * said stop, -errno with err written when the run folder cannot be read. */
int sweep_adapt_rounds(const struct sweep_opts *o, sweep_adapt_point_fn point, void *ctx, char *err,
		       size_t errlen);
#endif
