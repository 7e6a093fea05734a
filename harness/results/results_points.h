/*
 * results_points: a run folder's points.csv and syscalls.csv, appended
 * and fsync'ed as each window ends, so a killed sweep keeps every
 * finished row. A window's rows go out whole or not at all. One folder
 * is open at a time.
 */
#ifndef WL_RESULTS_POINTS_H
#define WL_RESULTS_POINTS_H
#include <stddef.h>

#include "results_cols.h"

/*
 * Open dir's files to append to (dir is made if need be). A new run
 * refuses a folder that already holds one (-EEXIST); resume finds the
 * finished windows, drops a row cut off mid-write and syscalls.csv rows of
 * a window points.csv lacks, and refuses files of another results format
 * (-EINVAL). -errno with err written.
 */
int results_points_open(const char *dir, int resume, char *err, size_t errlen);
/* A window already recorded (resume). */
int results_points_done(const struct results_key *k);
/* One window's points.csv row and its nsys syscalls.csv rows, whole or not
 * at all; -errno with the file named in err. */
int results_points_write(const struct results_point *p, const struct results_syscall *sys, size_t nsys,
			 char *err, size_t errlen);
void results_points_close(void);
#endif
