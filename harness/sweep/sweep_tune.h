/*
 * sweep_tune: before the first point, wirelab tune's check (its findings
 * for run.json's `tune`, a line for each setting that is not as a
 * measurement wants it; it changes nothing) and the calibration loop on
 * the first server CPU (run.json's `calibration`; docs/tune.md).
 */
#ifndef WL_SWEEP_TUNE_H
#define WL_SWEEP_TUNE_H
#include "sweep_opts.h"

/* Both recorded through sweep_record_tune; prints its lines to stdout. */
void sweep_tune_start(const struct sweep_opts *o);
#endif
