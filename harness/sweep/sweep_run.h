/*
 * sweep_run: the whole sweep, every chosen variant measured over file size
 * x concurrency x repetition (docs/sweep.md).
 */
#ifndef WL_SWEEP_RUN_H
#define WL_SWEEP_RUN_H
#include <stddef.h>

#include "sweep_opts.h"

/* Returns the exit status (0, 1 stopped by an error, 2 the folder cannot
 * take the run, 130 interrupted); the run's folder goes to run_dir_out. */
int sweep_main(struct sweep_opts *o, char *run_dir_out, size_t len);
#endif
