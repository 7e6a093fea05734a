/*
 * profile_diff: `wirelab profile diff A.folded B.folded`: two profiles
 * side by side, per request (µs of CPU, when both request counts are
 * given) or per sample (each side's shares), as a differential flame
 * graph and a table of groups and leaf functions with the difference.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "profile_diff.h"
#include "profile_out.h"
#include "profile_svg.h"
#include "profile_tree.h"

#define PROG  "wirelab profile diff"
#define TOP_N 30

int wl_profile_parse_hz(const char *prog, const char *arg, int *out);
int wl_profile_parse_count(const char *prog, const char *name, const char *arg, uint64_t *out);
int wl_profile_out_dir(const char *prog, const char *dir);

struct row {
	const char *name;
	double a, b;
};

/*
 * side_period: the sampling period of a folded file from the
 * NAME.groups.json `wirelab profile --out` writes beside NAME.folded;
 * else --hz, else the default rate. A --hz that contradicts the JSON is
 * refused: one of them is wrong.
 */
static int side_period(struct wl_diff_side *s, int hz)
{
	size_t len = strlen(s->path);
	char json[4096];
	json_t *j;

	s->period_from = hz ? "--hz" : "the default rate (no NAME.groups.json beside it)";
	s->period_us = 1e6 / (hz ? hz : WL_PROFILE_HZ_DEFAULT);
	if (len < 7 || strcmp(s->path + len - 7, ".folded") ||
	    snprintf(json, sizeof(json), "%.*s.groups.json", (int)(len - 7), s->path) >= (int)sizeof(json) ||
	    access(json, R_OK) < 0)
		return 0;
	j = json_load_file(json, 0, NULL);
	if (j && json_is_number(json_object_get(j, "period_us"))) {
		double p = json_number_value(json_object_get(j, "period_us"));
		json_t *u = json_object_get(j, "us_per_sample");

		if (hz && fabs(p - s->period_us) > 1e-6 * p) {
			fprintf(stderr, PROG ": --hz %d contradicts %s, which says %.0f Hz\n", hz, json,
				1e6 / p);
			json_decref(j);
			return -EINVAL;
		}
		/* the measured CPU time per sample where the profile had it */
		s->period_us = json_is_number(u) && json_number_value(u) > 0 ? json_number_value(u) : p;
		s->period_from = "its .groups.json";
	}
	json_decref(j);
	return 0;
}

static int by_change(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	double da = fabs(a->b - a->a), db = fabs(b->b - b->a);

	if (da != db)
		return da < db ? 1 : -1;
	return strcmp(a->name, b->name);
}

/*
 * function_rows: the union of both sides' leaf functions (their names in
 * all, which must outlive the rows), biggest change first
 */
static int function_rows(struct wl_diff_side *s, struct wl_folded *all, struct row **out, size_t *nout)
{
	struct wl_folded la = {0}, lb = {0};
	struct row *r = NULL;
	int rc = wl_profile_leaves(&s[0].f, &la);

	if (!rc)
		rc = wl_profile_leaves(&s[1].f, &lb);
	for (size_t i = 0; !rc && i < la.n; i++)
		rc = wl_folded_add(all, la.v[i].stack, strlen(la.v[i].stack), 1);
	for (size_t i = 0; !rc && i < lb.n; i++)
		rc = wl_folded_add(all, lb.v[i].stack, strlen(lb.v[i].stack), 1);
	if (!rc && !(r = calloc(all->n + 1, sizeof(*r))))
		rc = -ENOMEM;
	for (size_t i = 0; !rc && i < all->n; i++) {
		const char *name = all->v[i].stack;

		r[i].name = name;
		r[i].a = (double)wl_folded_get(&la, name, strlen(name)) * s[0].scale;
		r[i].b = (double)wl_folded_get(&lb, name, strlen(name)) * s[1].scale;
	}
	wl_folded_free(&la);
	wl_folded_free(&lb);
	if (rc < 0) {
		free(r);
		return rc;
	}
	*nout = all->n;
	qsort(r, *nout, sizeof(*r), by_change);
	*out = r;
	return 0;
}

static void print_rows(FILE *f, const char *what, const struct row *r, size_t n, const char *unit)
{
	fprintf(f, "%12s %12s %12s  %s (%s)\n", "A", "B", "B-A", what, unit);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%12.3f %12.3f %+12.3f  %s\n", r[i].a, r[i].b, r[i].b - r[i].a, r[i].name);
}

static json_t *rows_json(const struct row *r, size_t n, const char *key)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		json_t *e = json_object();

		json_object_set_new(e, key, json_string(r[i].name));
		json_object_set_new(e, "a", json_real(r[i].a));
		json_object_set_new(e, "b", json_real(r[i].b));
		json_object_set_new(e, "diff", json_real(r[i].b - r[i].a));
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *side_json(const struct wl_diff_side *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "file", json_string(s->path));
	json_object_set_new(o, "samples", json_integer((json_int_t)s->f.total));
	json_object_set_new(o, "requests", s->requests ? json_integer((json_int_t)s->requests) : json_null());
	json_object_set_new(o, "period_us", json_real(s->period_us));
	json_object_set_new(o, "period_from", json_string(s->period_from));
	return o;
}

static int write_svg(const struct wl_diff_side *s, const char *path, const char *unit)
{
	struct wl_svg_opts o = {.diff = 1, .unit = unit};
	struct wl_tree t;
	char sub[512];
	FILE *f = NULL;
	int rc = wl_tree_init(&t);

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; !rc && i < s[k].f.n; i++)
			rc = wl_tree_add(&t, s[k].f.v[i].stack, strlen(s[k].f.v[i].stack), k,
					 (double)s[k].f.v[i].count * s[k].scale);
	if (rc < 0)
		goto cleanup;
	snprintf(sub, sizeof(sub), "A %s, B %s; width A + B (%s); red: B spends more, blue: A does",
		 s[0].path, s[1].path, unit);
	o.title = "Differential CPU flame graph (wirelab profile diff)";
	o.subtitle = sub;
	f = fopen(path, "we");
	if (!f) {
		rc = -errno;
		goto cleanup;
	}
	rc = wl_svg_write(&t, &o, f);
cleanup:
	if (f && fclose(f) && !rc)
		rc = -errno;
	wl_tree_free(&t);
	return rc;
}

/* report: the tables to f, and their JSON */
static json_t *report(FILE *f, const struct wl_diff_side *s, const struct row *g, const struct row *fn,
		      size_t nfn, const char *unit, int per_req)
{
	json_t *j = json_object();

	for (int k = 0; k < 2; k++)
		fprintf(f, "%c: %s, %llu samples, a sample %.1f us (%s)%s%.0llu%s\n", 'A' + k, s[k].path,
			(unsigned long long)s[k].f.total, s[k].period_us, s[k].period_from,
			s[k].requests ? ", " : "", (unsigned long long)s[k].requests,
			s[k].requests ? " requests" : "");
	fputc('\n', f);
	print_rows(f, "group", g, WL_GROUP_N, unit);
	fputc('\n', f);
	print_rows(f, "function (self)", fn, nfn < TOP_N ? nfn : TOP_N, unit);
	if (!j)
		return NULL;
	json_object_set_new(j, "a", side_json(&s[0]));
	json_object_set_new(j, "b", side_json(&s[1]));
	json_object_set_new(j, "unit", json_string(per_req ? "us_per_request" : "percent_of_samples"));
	json_object_set_new(j, "groups", rows_json(g, WL_GROUP_N, "group"));
	json_object_set_new(j, "functions", rows_json(fn, nfn, "function"));
	return j;
}

#define USAGE                                                                                                \
	"usage: " PROG " A.folded B.folded [--requests-a N --requests-b M] [--hz N] [--out DIR]\n"           \
	"       " PROG " RUN --cell SIZE/CONNS VARIANT_A VARIANT_B [--rep N] [--out DIR]\n"                  \
	"the second form compares two variants of a sweep run with --profile at one cell\n"                  \
	"(e.g. --cell 1m/64): each side's repetitions summed (--rep N: that one), per request\n"             \
	"(see wirelab profile --help and docs/profile.md)\n"

/* file_sides: A and B from two folded files; 0 or -1 (said on stderr) */
static int file_sides(struct wl_diff_side *s, char **files, int hz, int per_req)
{
	char err[512];

	for (int k = 0; k < 2; k++) {
		s[k].path = files[k];
		if (wl_folded_read(s[k].path, &s[k].f, err, sizeof(err)) < 0) {
			fprintf(stderr, PROG ": %c: %s\n", 'A' + k, err);
			return -1;
		}
		if (side_period(&s[k], hz) < 0)
			return -1;
		s[k].scale = per_req ? s[k].period_us / (double)s[k].requests : 100.0 / (double)s[k].f.total;
	}
	return 0;
}

int wl_profile_diff_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"requests-a", required_argument, NULL, 'a'},
		{"requests-b", required_argument, NULL, 'b'},
		{"hz", required_argument, NULL, 'z'},
		{"out", required_argument, NULL, 'o'},
		{"cell", required_argument, NULL, 'c'},
		{"rep", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct wl_diff_side s[2] = {{0}};
	struct wl_folded names = {0};
	struct row g[WL_GROUP_N], *fn = NULL;
	const char *out = NULL, *unit, *cell = NULL;
	size_t nfn = 0;
	json_t *j = NULL;
	char path[4096], *end;
	int c, hz = 0, rc = 1, per_req, rep = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a:b:z:o:c:r:h", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
		case 'b':
			if (wl_profile_parse_count(PROG, c == 'a' ? "--requests-a" : "--requests-b", optarg,
						   &s[c - 'a'].requests) < 0)
				return 2;
			break;
		case 'z':
			if (wl_profile_parse_hz(PROG, optarg, &hz) < 0)
				return 2;
			break;
		case 'o':
			out = optarg;
			break;
		case 'c':
			cell = optarg;
			break;
		case 'r':
			rep = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || rep < 1) {
				fprintf(stderr, PROG ": --rep wants a repetition number from 1, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			printf(USAGE);
			return 0;
		default:
			fprintf(stderr, USAGE);
			return 2;
		}
	}
	if (cell && argc - optind != 3) {
		fprintf(stderr, PROG ": with --cell, wants RUN VARIANT_A VARIANT_B (%d given)\n",
			argc - optind);
		return 2;
	}
	if (!cell && argc - optind == 3) {
		fprintf(stderr,
			PROG ": RUN VARIANT_A VARIANT_B needs --cell SIZE/CONNS (e.g. --cell 1m/64)\n");
		return 2;
	}
	if (!cell && argc - optind != 2) {
		fprintf(stderr, PROG ": wants two folded files, A and B (%d given)\n", argc - optind);
		return 2;
	}
	if (cell && (hz || s[0].requests || s[1].requests)) {
		fprintf(stderr, PROG ": --%s: not with a run (its profiles record their rate and requests)\n",
			hz ? "hz" : "requests-a/-b");
		return 2;
	}
	if (!cell && rep) {
		fprintf(stderr, PROG ": --rep applies to a run's cell (--cell) only\n");
		return 2;
	}
	if (!s[0].requests != !s[1].requests) {
		fprintf(stderr, PROG
			": give both --requests-a and --requests-b (per request), or neither (per sample)\n");
		return 2;
	}
	per_req = cell || s[0].requests > 0;
	unit = per_req ? "us/request" : "% of samples";
	if (cell ? wl_diff_run_sides(PROG, argv[optind], cell, argv[optind + 1], argv[optind + 2], rep, s)
		 : file_sides(s, argv + optind, hz, per_req))
		goto cleanup;
	{
		struct wl_profile_groups ga, gb;

		if (wl_profile_groups_of(&s[0].f, s[0].period_us, 0, &ga) < 0 ||
		    wl_profile_groups_of(&s[1].f, s[1].period_us, 0, &gb) < 0 ||
		    function_rows(s, &names, &fn, &nfn) < 0) {
			fprintf(stderr, PROG ": out of memory\n");
			goto cleanup;
		}
		for (int i = 0; i < WL_GROUP_N; i++) {
			g[i].name = wl_group_key(i);
			g[i].a = (double)ga.samples[i] * s[0].scale;
			g[i].b = (double)gb.samples[i] * s[1].scale;
		}
	}
	if (!out) {
		j = report(stdout, s, g, fn, nfn, unit, per_req);
		rc = fflush(stdout) ? 1 : 0;
		goto cleanup;
	}
	if (wl_profile_out_dir(PROG, out) < 0)
		goto cleanup;
	if (wl_profile_path(path, sizeof(path), out, "diff", ".svg") < 0 || write_svg(s, path, unit) < 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		goto cleanup;
	}
	if (wl_profile_path(path, sizeof(path), out, "diff", ".txt") < 0) {
		fprintf(stderr, PROG ": %s: name too long\n", out);
		goto cleanup;
	}
	{
		FILE *f = fopen(path, "we");

		if (!f) {
			fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
			goto cleanup;
		}
		j = report(f, s, g, fn, nfn, unit, per_req);
		if (fclose(f)) {
			fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
			goto cleanup;
		}
	}
	if (wl_profile_path(path, sizeof(path), out, "diff", ".json") < 0 || !j ||
	    json_dump_file(j, path, JSON_PRESERVE_ORDER | JSON_INDENT(1))) {
		fprintf(stderr, PROG ": %s: could not write\n", path);
		goto cleanup;
	}
	fprintf(stderr, PROG ": wrote %s/diff.{svg,txt,json}\n", out);
	rc = 0;
cleanup:
	json_decref(j);
	free(fn);
	wl_folded_free(&names);
	wl_folded_free(&s[0].f);
	wl_folded_free(&s[1].f);
	return rc;
}
