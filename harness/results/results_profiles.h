/*
 * results_profiles: a run folder's CPU profiles (`wirelab sweep
 * --profile`): profiles.csv, a row per profiled window and function
 * group (plus a "total" row: every sample), and the name of the window's
 * files under profiles/. The group names are the profile layer's (the
 * results layer only stores them), so the table is long, like
 * syscalls.csv: a group is a value, not a column. A window's rows are
 * appended after its points.csv row, so every profiles.csv row has one;
 * a window cut off between the two keeps its points.csv row without
 * profile rows, and `wirelab profile diff` and the report say so.
 */
#ifndef WL_RESULTS_PROFILES_H
#define WL_RESULTS_PROFILES_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "results_cols.h"

enum results_profile_col {
	RF_VARIANT,
	RF_SIZE,
	RF_WORKLOAD,
	RF_CONNS,
	RF_RATE,
	RF_THREADS,
	RF_REP,
	RF_GROUP,
	RF_SAMPLES,
	RF_REQUESTS,
	RF_SAMPLES_PER_REQ,
	RF_US_PER_REQ,
	RF_SHARE,
	RF_NCOLS
};

#define RESULTS_PROFILE_TOTAL "total" /* the group of a window's every sample */

struct results_profile {
	struct results_key key; /* the window */
	const char *group;
	uint64_t samples, requests;
	double samples_per_req, us_per_req, share_pct;
};
extern const struct results_col results_profile_cols[RF_NCOLS];

/* The name of a window's files, profiles/NAME.folded, .svg, .groups.json:
 * VARIANT_SIZE_cCONNS_tTHREADS_rREP, SIZE as 4k, 1m or bytes; a workload
 * mix adds _wMIX after SIZE, open mode's rate _oRATE after CONNS ('%' as
 * "pct", any other character but letters, digits, '.' and '-' as '-'). */
void results_profile_name(const struct results_key *k, char *buf, size_t len);

/* Open dir/profiles.csv to append to (header if new; on resume a row cut
 * off mid-write is dropped and another format's header refused). 0 or
 * -errno with err written. */
int results_profiles_open(const char *dir, int resume, char *err, size_t errlen);
/* A window's n rows, whole or not at all; -errno with the file named. */
int results_profiles_write(const struct results_profile *rows, size_t n, char *err, size_t errlen);
void results_profiles_close(void);

/*
 * dir/profiles.csv as an array of row objects (numbers as numbers), or
 * *rows = NULL when the run has none. A malformed file is an error that
 * names it (and the line). 0 or -errno.
 */
int results_profiles_load(const char *dir, json_t **rows, char *err, size_t errlen);
/* The window a loaded row belongs to (its strings are the row's). */
struct results_key results_profile_key(json_t *row);
/* A loaded row of variant at a closed-loop cell of one file size (no
 * workload mix, no open-mode rate): what `profile diff --cell` and the
 * report's bars compare. */
int results_profile_at(json_t *row, const char *variant, long size, long conns);
#endif
