/* runs_zc: the note a run gets for every cell where the kernel copied the
 * zero-copy sends it was asked to make (points.csv zc_copied_share above
 * RUNS_ZC_COPIED): such a cell is not a zero-copy result. Internal to
 * results/ (runs.c calls it while loading). */
#ifndef WL_RUNS_ZC_H
#define WL_RUNS_ZC_H
#include "runs.h"
#include "runs_csv.h"

/* the share above which the kernel copied rather than sent zero-copy */
#define RUNS_ZC_COPIED 0.5

/* A note per (variant, size, conns) with a repetition above RUNS_ZC_COPIED;
 * rows are points.csv's (csv->rows[0] its header). 0 or -ENOMEM. */
int runs_note_zc(struct runs_run *run, const struct runs_csv *csv);
#endif
