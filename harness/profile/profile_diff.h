/*
 * profile_diff: the two sides of `wirelab profile diff`, from two folded
 * files (profile_diff.c) or from two variants of a run at one cell
 * (profile_diff_run.c).
 */
#ifndef WL_PROFILE_DIFF_H
#define WL_PROFILE_DIFF_H
#include <stdint.h>

#include "profile_folded.h"

struct wl_diff_side {
	const char *path; /* what the tables and the graph call the side */
	struct wl_folded f;
	uint64_t requests;
	double period_us; /* CPU time a sample stands for */
	const char *period_from;
	double scale; /* a sample in the diff's unit */
	char label[512];
};

/*
 * wl_diff_run_sides: s[0] and s[1] from RUN's profiles of variants a and
 * b at cell "SIZE/CONNS" (e.g. 1m/64): every repetition's folded stacks
 * summed (or only rep when rep > 0), their requests added, a sample's CPU
 * time their measured CPU time over their samples. A run, cell, variant
 * or window without profile data is refused on stderr, naming it.
 * 0 or -errno; s[k].path points into s[k].label.
 */
int wl_diff_run_sides(const char *prog, const char *run, const char *cell, const char *a, const char *b,
		      int rep, struct wl_diff_side s[2]);
#endif
