/*
 * sweep_results: what a sweep writes into its run folder (points.csv,
 * syscalls.csv, run.json) and reads back on --resume.
 */
#ifndef WL_SWEEP_RESULTS_H
#define WL_SWEEP_RESULTS_H
#include <stddef.h>

#include "sweep_point.h"

int results_open(const struct sweep_opts *o, char *err, size_t errlen);
int results_done(const struct sweep_point *p); /* already recorded (resume) */
/* A point's rows, whole or not at all; -errno with the file named in err. */
int results_write(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		  const struct point_result *r, char *err, size_t errlen);
void results_close(void);
/* run.json, replaced atomically; -errno with the path named in err. */
int results_run_json(const struct sweep_opts *o, const struct topo *t, const char *run_id,
		     const char *cpu_source, const char *probe_note, const char *finished, char *err,
		     size_t errlen);
/* The options run.json saved, for --resume: argv to parse before the new
 * ones. Refuses a run of another results format (RUNS_FORMAT, runs.h). */
int results_saved_argv(const char *dir, char ***argv, int *argc, char *err, size_t errlen);
/* dir/run.json's results_format; 0 when it records none; -errno unreadable. */
int results_saved_format(const char *dir);
#endif
