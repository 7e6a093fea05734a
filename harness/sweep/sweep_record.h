/*
 * sweep_record: what a sweep writes into its run folder, put in the
 * results layer's terms: a window's points.csv and syscalls.csv rows
 * (results_points.h) and run.json (results_meta.h).
 */
#ifndef WL_SWEEP_RECORD_H
#define WL_SWEEP_RECORD_H
#include <jansson.h>
#include <stddef.h>

#include "sweep_point.h"

/* o->out's files opened (resumed with --resume); -errno with err written. */
int sweep_record_open(const struct sweep_opts *o, char *err, size_t errlen);
/* The point is already recorded (--resume). */
int sweep_record_done(const struct sweep_point *p);
/* A point's rows, whole or not at all; -errno with the file named in err. */
int sweep_record_point(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		       const struct point_result *r, char *err, size_t errlen);
/* run.json, replaced atomically (finished: NULL until the sweep ends);
 * -errno with the path named in err. */
int sweep_record_run(const struct sweep_opts *o, const struct topo *t, const char *run_id,
		     const char *cpu_source, const char *probe_note, const char *finished, char *err,
		     size_t errlen);
/* The cells' repetitions and why each stopped (sweep_adapt.c), which the
 * next sweep_record_run writes into run.json; the caller keeps them. */
struct results_cell_stop;
void sweep_record_cells(const struct results_cell_stop *cells, size_t n);
/* run.json's tune and calibration objects (sweep_tune.c), which every
 * sweep_record_run from now on writes; sweep_record_close frees them. */
void sweep_record_tune(json_t *tune, json_t *calibration);
void sweep_record_close(void);
#endif
