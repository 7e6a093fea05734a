/*
 * profile_diff_run: the sides of `wirelab profile diff RUN --cell
 * SIZE/CONNS A B`: a sweep run's profiles (profiles.csv names the
 * windows that have one; profiles/NAME.folded holds each) of two variants
 * at one cell, every repetition's stacks summed.
 *
 * Summing weighs each repetition by its samples, which is what a longer
 * window would have given. A sample's CPU time is the repetitions'
 * measured CPU time (us_per_req x requests of their "total" rows) over
 * their samples, so the per-request figures of the sum are the
 * request-weighted means of the repetitions' own.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_diff.h"
#include "results_meta.h"
#include "results_profiles.h"
#include "runs.h"

/* parse_cell: "1m/64" into bytes and connections */
static int parse_cell(const char *prog, const char *cell, long *size, long *conns)
{
	char buf[64], *slash, *end;

	snprintf(buf, sizeof(buf), "%s", cell);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		*conns = strtol(slash + 1, &end, 10);
	}
	if (!slash || runs_parse_size(buf, size) || *end || end == slash + 1 || *conns < 1) {
		fprintf(stderr, "%s: --cell '%s': expected SIZE/CONNS, e.g. 1m/64 or 4k/1\n", prog, cell);
		return -EINVAL;
	}
	return 0;
}

/* why_none: say why variant has no profile at the cell, naming it */
static void why_none(const char *prog, const char *run, const char *variant, long size, long conns, int rep,
		     const char *sz)
{
	struct runs_run r;
	char err[512];

	if (runs_load(run, &r, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return;
	}
	if (!runs_find(&r, variant, size, conns)) {
		size_t n = 0;
		fprintf(stderr, "%s: %s: no measured window of %s at %s/%ld", prog, run, variant, sz, conns);
		for (size_t i = 0; i < r.ncells; i++)
			if (r.cells[i].size == size && r.cells[i].conns == conns)
				fprintf(stderr, "%s%s", n++ ? ", " : " (the cell has: ", r.cells[i].variant);
		fprintf(stderr, "%s\n", n ? ")" : " (no variant was measured there)");
	} else if (rep)
		fprintf(stderr, "%s: %s: %s at %s/%ld has no profile data for rep %d\n", prog, run, variant,
			sz, conns, rep);
	else
		fprintf(stderr,
			"%s: %s: %s at %s/%ld has no profile data (its windows were not profiled: see "
			"run.json's "
			"profile.status)\n",
			prog, run, variant, sz, conns);
	runs_free(&r);
}

/* load_side: the cell's windows of variant from rows into s */
static int load_side(const char *prog, const char *run, json_t *rows, const char *variant, long size,
		     long conns, int rep, struct wl_diff_side *s)
{
	char path[PATH_MAX + 300], name[256], err[PATH_MAX + 128], sz[32], reps[128] = "";
	double cpu_us = 0;
	size_t i, nrep = 0;
	json_t *o;

	runs_size_str(size, sz, sizeof(sz));
	json_array_foreach(rows, i, o)
	{
		struct results_key k = results_profile_key(o);
		struct wl_folded f = {0};
		uint64_t req = (uint64_t)json_integer_value(json_object_get(o, "requests"));
		int rc;

		if (!results_profile_at(o, variant, size, conns) ||
		    strcmp(json_string_value(json_object_get(o, "group")) ?: "", RESULTS_PROFILE_TOTAL) ||
		    (rep && k.rep != rep))
			continue;
		results_profile_name(&k, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/profiles/%s.folded", run, name);
		if (wl_folded_read(path, &f, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, variant, err);
			return -ENOENT;
		}
		rc = 0;
		for (size_t l = 0; !rc && l < f.n; l++)
			rc = wl_folded_add(&s->f, f.v[l].stack, strlen(f.v[l].stack), f.v[l].count);
		wl_folded_free(&f);
		if (rc < 0) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return rc;
		}
		s->requests += req;
		cpu_us += json_number_value(json_object_get(o, "us_per_req")) * (double)req;
		snprintf(reps + strlen(reps), sizeof(reps) - strlen(reps), "%s%ld", nrep++ ? "," : "", k.rep);
	}
	if (!nrep) {
		why_none(prog, run, variant, size, conns, rep, sz);
		return -ENOENT;
	}
	if (!s->requests || !s->f.total) {
		fprintf(stderr, "%s: %s: %s at %s/%ld: its profiles hold no %s\n", prog, run, variant, sz,
			conns, s->requests ? "samples" : "requests");
		return -EINVAL;
	}
	s->period_us = cpu_us / (double)s->f.total;
	s->period_from = "the windows' measured CPU time";
	s->scale = s->period_us / (double)s->requests;
	snprintf(s->label, sizeof(s->label), "%s at %s/%ld, rep%s %s (%s)", variant, sz, conns,
		 nrep > 1 ? "s" : "", reps, run);
	s->path = s->label;
	return 0;
}

int wl_diff_run_sides(const char *prog, const char *run, const char *cell, const char *a, const char *b,
		      int rep, struct wl_diff_side s[2])
{
	char err[PATH_MAX + 128];
	json_t *meta, *rows = NULL;
	long size, conns;
	int rc;

	if (parse_cell(prog, cell, &size, &conns))
		return -EINVAL;
	meta = results_meta_load(run, err, sizeof(err));
	if (!meta) {
		fprintf(stderr, "%s: %s is not a run folder (%s)\n", prog, run, err);
		return -ENOENT;
	}
	json_decref(meta);
	if ((rc = results_profiles_load(run, &rows, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return rc;
	}
	if (!rows) {
		fprintf(stderr, "%s: %s has no profile data (no profiles.csv): sweep with --profile\n", prog,
			run);
		return -ENOENT;
	}
	rc = load_side(prog, run, rows, a, size, conns, rep, &s[0]);
	if (!rc)
		rc = load_side(prog, run, rows, b, size, conns, rep, &s[1]);
	json_decref(rows);
	return rc;
}
