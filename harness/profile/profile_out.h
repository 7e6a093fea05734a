/*
 * profile_out: the tables a profile is read by: samples per group and
 * per leaf function ("self" time: the function that was running), as
 * text and JSON. Shared by wl_profile_write, `wirelab profile` and
 * `wirelab profile diff`.
 */
#ifndef WL_PROFILE_OUT_H
#define WL_PROFILE_OUT_H
#include <jansson.h>
#include <stdio.h>

#include "profile.h"

/* wl_profile_leaves: self samples per leaf frame, largest first, into out */
int wl_profile_leaves(const struct wl_folded *f, struct wl_folded *out);

/* wl_profile_groups_of: group totals of any folded set (us_per_sample for µs) */
int wl_profile_groups_of(const struct wl_folded *f, double us_per_sample, uint64_t requests,
			 struct wl_profile_groups *g);

/* the groups table; period/requests give the µs column */
void wl_profile_print_groups(FILE *f, const struct wl_profile_groups *g);

/* the top n leaf functions: samples, share, µs per request if requests */
void wl_profile_print_top(FILE *f, const struct wl_folded *leaves, uint64_t total, double us_per_sample,
			  uint64_t requests, size_t n);

/* wl_profile_print_facts: event, rate, window, samples, VM and re-attribution */
void wl_profile_print_facts(FILE *f, const struct wl_profile_info *i);

/* JSON of the same (NAME.groups.json); NULL on no memory */
json_t *wl_profile_json(const struct wl_profile_info *i, const int *pids, int npids,
			const struct wl_profile_groups *g, const struct wl_folded *leaves, size_t ntop);

/* wl_profile_path: DIR/NAME.EXT into out; -ENAMETOOLONG if it does not fit */
int wl_profile_path(char *out, size_t len, const char *dir, const char *name, const char *ext);

#endif
