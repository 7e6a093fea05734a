/*
 * sweep_profile: `wirelab sweep --profile`: a CPU profile of the server
 * (every pid and thread: loop threads, io_uring workers, SQPOLL) over
 * each measured window, through the profile library (profile.h). Per
 * window OUT/profiles/NAME.folded, .svg, .groups.txt and .groups.json;
 * per window and group a profiles.csv row (results_profiles.h); in
 * run.json how the profiles were taken and what they cost.
 *
 * sweep_point.c calls open, start, stop and finish around its window;
 * sweep_record.c calls record after the window's points.csv row, meta
 * for run.json, and end when the run's files close.
 */
#ifndef WL_SWEEP_PROFILE_H
#define WL_SWEEP_PROFILE_H
#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "results_meta.h"
#include "sweep_opts.h"

struct sweep_point;

/* What a window's profile left for the record (inside point_result). */
struct sweep_prof_result {
	int done; /* the files were written; the groups below are the window's */
	struct wl_profile_groups g;
};

/* --profile-hz without --profile, profiling without root or with
 * --topology vm: -EINVAL/-EPERM with the reason; sets the default rate. */
int sweep_profile_check(struct sweep_opts *o, char *err, size_t errlen);

/* The window's profiler for the server's pids, or NULL (no --profile, or
 * profiling failed before: run.json says why and no later window tries). */
struct wl_profile *sweep_profile_open(const struct sweep_opts *o, const int *pids, int npids);
void sweep_profile_start(struct wl_profile *prof);
void sweep_profile_stop(struct wl_profile *prof);
/* After a measured window: write its files and keep its groups in *out. */
void sweep_profile_finish(struct wl_profile *prof, const struct sweep_opts *o, const struct sweep_point *p,
			  uint64_t requests, struct sweep_prof_result *out);

/* The window's profiles.csv rows (nothing when it was not profiled). */
int sweep_profile_record(const struct sweep_opts *o, const struct sweep_point *p,
			 const struct sweep_prof_result *r, char *err, size_t errlen);
/* run.json's profile keys (strings live until the next call). */
void sweep_profile_meta(const struct sweep_opts *o, struct results_meta *m);
void sweep_profile_end(void);
#endif
