/* runs: read a run folder into cells (see runs.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "runs.h"
#include "runs_csv.h"

const struct runs_metric_info runs_metrics[RUNS_NMETRICS] = {
	[RUNS_RPS] = {"rps", "rps", "requests per second", "Throughput", 1},
	[RUNS_MBPS] = {"mbps", "mbytes_per_s", "MB/s (10^6 bytes per second)", "Bandwidth", 1},
	[RUNS_CPU] = {"cpu", "cpu_us_per_req", "server CPU time per request (µs)", "Server CPU per request",
		      0},
	[RUNS_CORE] = {"core", "core_us_per_req", "time on server cores per request (µs, softirq included)",
		       "Server cores' time per request", 0},
	[RUNS_SYSCALLS] = {"syscalls", "syscalls_per_req", "server syscalls per request",
			   "Syscalls per request", 0},
	[RUNS_P50] = {"p50", "lat_p50_us", "median latency (µs)", "Median latency", 0},
	[RUNS_P99] = {"p99", "lat_p99_us", "99th percentile latency (µs)", "p99 latency", 0},
	[RUNS_P999] = {"p999", "lat_p999_us", "99.9th percentile latency (µs)", "p99.9 latency", 0},
	[RUNS_CTXSW] = {"ctxsw", "ctxsw_per_req", "context switches per request",
			"Context switches per request", 0},
	[RUNS_SEGS] = {"segs", "tx_segments_per_req", "TCP segments sent per request", "Segments per request",
		       0},
};

int runs_metric_find(const char *key)
{
	for (int m = 0; m < RUNS_NMETRICS; m++)
		if (!strcmp(key, runs_metrics[m].key) || !strcmp(key, runs_metrics[m].column))
			return m;
	return -1;
}

static int add_note(struct runs_run *run, const char *fmt, ...)
{
	char **nn = realloc(run->notes, (run->nnotes + 1) * sizeof(*nn));
	va_list ap;
	int r;

	if (!nn)
		return -ENOMEM;
	run->notes = nn;
	va_start(ap, fmt);
	r = vasprintf(&run->notes[run->nnotes], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	run->nnotes++;
	return 0;
}

/* A string member of run.json, looked for at the top and one level down
 * (e.g. "kernel" or "host": {"kernel": ...}), under any of the given names. */
static const char *meta_str(json_t *meta, const char *const *names)
{
	const char *key;
	json_t *v;

	for (const char *const *n = names; *n; n++) {
		json_t *s = json_object_get(meta, *n);
		if (json_is_string(s))
			return json_string_value(s);
	}
	json_object_foreach(meta, key, v)
	{
		if (!json_is_object(v))
			continue;
		for (const char *const *n = names; *n; n++) {
			json_t *s = json_object_get(v, *n);
			if (json_is_string(s))
				return json_string_value(s);
		}
	}
	return NULL;
}

static long meta_int(json_t *meta, const char *const *names)
{
	const char *key;
	json_t *v;

	for (const char *const *n = names; *n; n++)
		if (json_is_integer(json_object_get(meta, *n)))
			return (long)json_integer_value(json_object_get(meta, *n));
	json_object_foreach(meta, key, v)
	{
		if (!json_is_object(v))
			continue;
		for (const char *const *n = names; *n; n++)
			if (json_is_integer(json_object_get(v, *n)))
				return (long)json_integer_value(json_object_get(v, *n));
	}
	return -1;
}

static int load_meta(const char *dir, struct runs_run *run, char *err, size_t errlen)
{
	static const char *const k_id[] = {"run_id", "id", NULL};
	static const char *const k_host[] = {"host", "hostname", NULL};
	static const char *const k_kernel[] = {"kernel", "kernel_release", "uname_r", NULL};
	static const char *const k_cpu[] = {"cpu_model", "cpu", "model_name", NULL};
	static const char *const k_topo[] = {"topology", NULL};
	static const char *const k_commit[] = {"git_commit", "commit", NULL};
	static const char *const k_when[] = {"when", "started", "start", "date", NULL};
	static const char *const k_cores[] = {"cores", "ncpus", "cpus", NULL};
	char path[PATH_MAX];
	json_error_t je;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	run->meta = json_load_file(path, 0, &je);
	if (!run->meta) {
		snprintf(err, errlen, "%s: %s (line %d, column %d)", path, je.text, je.line, je.column);
		return -EINVAL;
	}
	if (!json_is_object(run->meta)) {
		snprintf(err, errlen, "%s: not a JSON object", path);
		return -EINVAL;
	}
	/* rows of another layout would be read by the wrong column names */
	json_t *fmt = json_object_get(run->meta, "results_format");
	if (fmt && (!json_is_integer(fmt) || json_integer_value(fmt) != RUNS_FORMAT)) {
		snprintf(err, errlen,
			 "%s: results format %lld, this wirelab reads format %d (a run of another "
			 "wirelab version: use that version, or re-run it)",
			 path, json_is_integer(fmt) ? (long long)json_integer_value(fmt) : -1LL, RUNS_FORMAT);
		return -EINVAL;
	}
	run->id = meta_str(run->meta, k_id);
	run->host = meta_str(run->meta, k_host);
	run->kernel = meta_str(run->meta, k_kernel);
	run->cpu = meta_str(run->meta, k_cpu);
	run->topology = meta_str(run->meta, k_topo);
	run->commit = meta_str(run->meta, k_commit);
	run->when = meta_str(run->meta, k_when);
	run->cores = meta_int(run->meta, k_cores);
	return 0;
}

/* Parse a numeric field: empty is missing (NaN); anything else must be a
 * whole number. */
static int parse_num(const char *s, double *out)
{
	char *end;

	if (!*s || !strcmp(s, "-") || !strcasecmp(s, "nan")) {
		*out = NAN;
		return 0;
	}
	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end || end == s)
		return -EINVAL;
	return 0;
}

static struct runs_cell *cell_get(struct runs_run *run, const char *variant, long size, long conns)
{
	struct runs_cell *c = runs_find(run, variant, size, conns), *nc;

	if (c)
		return c;
	nc = realloc(run->cells, (run->ncells + 1) * sizeof(*nc));
	if (!nc)
		return NULL;
	run->cells = nc;
	c = &run->cells[run->ncells++];
	memset(c, 0, sizeof(*c));
	c->variant = strdup(variant);
	c->size = size;
	c->conns = conns;
	return c->variant ? c : NULL;
}

static int cell_push(struct runs_cell *c, const double *vals)
{
	for (int m = 0; m < RUNS_NMETRICS; m++) {
		double *nv = realloc(c->v[m], (c->n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		c->v[m] = nv;
		nv[c->n] = vals[m];
	}
	c->n++;
	return 0;
}

/* Rows that are not measurements (skipped, failed), tallied per variant,
 * status and reason: a variant the kernel cannot run is one note, not one
 * per window. map: "variant\tstatus\treason" -> {"n": windows, "cells": [...]} */
static int tally_unmeasured(json_t *map, const char *variant, const char *status, const char *why, long size,
			    long conns)
{
	char *key = NULL, sz[32], cell[64];
	json_t *e;

	if (!map || asprintf(&key, "%s\t%s\t%s", variant, status, why) < 0)
		return -ENOMEM;
	e = json_object_get(map, key);
	if (!e) {
		e = json_pack("{s:i, s:[]}", "n", 0, "cells");
		json_object_set_new(map, key, e);
	}
	free(key);
	if (!e)
		return -ENOMEM;
	json_object_set_new(e, "n", json_integer(json_integer_value(json_object_get(e, "n")) + 1));
	runs_size_str(size, sz, sizeof(sz));
	snprintf(cell, sizeof(cell), "%s, %ld connections", sz, conns);
	json_t *cells = json_object_get(e, "cells");
	size_t i;
	json_t *c;
	json_array_foreach(cells, i, c)
	{
		if (!strcmp(json_string_value(c), cell))
			return 0;
	}
	json_array_append_new(cells, json_string(cell));
	return 0;
}

static int note_unmeasured(struct runs_run *run, json_t *map)
{
	const char *key;
	json_t *e;

	json_object_foreach(map, key, e)
	{
		char variant[256] = "", status[64] = "";
		const char *why = "";
		json_t *cells = json_object_get(e, "cells");
		size_t n = json_array_size(cells);
		sscanf(key, "%255[^\t]\t%63[^\t]", variant, status);
		/* the reason is everything after the second tab (a separate
		 * pointer: foreach steps on from key itself) */
		const char *t = strchr(key, '\t');
		if (t && (t = strchr(t + 1, '\t')))
			why = t + 1;
		long windows = (long)json_integer_value(json_object_get(e, "n"));
		if (add_note(run, "%s: %s in %ld window%s (%s%s%s)%s%s", variant, status, windows,
			     windows == 1 ? "" : "s", json_string_value(json_array_get(cells, 0)),
			     n > 1 ? " and " : "",
			     n > 2   ? "other cells"
			     : n > 1 ? json_string_value(json_array_get(cells, 1))
				     : "",
			     *why ? ": " : "", why))
			return -ENOMEM;
	}
	return 0;
}

static int load_points(const char *dir, struct runs_run *run, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct runs_csv csv;
	int col_var, col_size, col_conns, col_status, col_reason, col_ax[VARIANT_NAXES], col_m[RUNS_NMETRICS];
	size_t skipped = 0, failed = 0, cb = 0;
	json_t *unmeasured = json_object();
	int ret;

	snprintf(path, sizeof(path), "%s/points.csv", dir);
	ret = runs_csv_read(path, &csv, err, errlen);
	if (ret)
		return ret;
	ret = -EINVAL;
	col_var = runs_csv_col(&csv, "variant");
	col_size = runs_csv_col(&csv, "size_bytes");
	col_conns = runs_csv_col(&csv, "conns");
	col_status = runs_csv_col(&csv, "status");
	col_reason = runs_csv_col(&csv, "reason");
	if (col_var < 0 || col_size < 0 || col_conns < 0) {
		snprintf(err, errlen, "%s: header lacks %s (a points.csv needs variant, size_bytes, conns)",
			 path,
			 col_var < 0	? "variant"
			 : col_size < 0 ? "size_bytes"
					: "conns");
		goto cleanup;
	}
	int any = 0;
	for (int m = 0; m < RUNS_NMETRICS; m++) {
		col_m[m] = runs_csv_col(&csv, runs_metrics[m].column);
		any |= col_m[m] >= 0;
	}
	if (!any) {
		snprintf(err, errlen, "%s: no metric column (rps, cpu_us_per_req, ...) in its header", path);
		goto cleanup;
	}
	for (int a = 0; a < VARIANT_NAXES; a++)
		col_ax[a] = runs_csv_col(&csv, variant_axes[a]);
	for (size_t r = 1; r < csv.nrows; r++) {
		char **row = csv.rows[r];
		const char *status = col_status >= 0 ? row[col_status] : "ok";
		double size, conns, vals[RUNS_NMETRICS];
		size_t line = r + 1;

		if (!row[col_var][0]) {
			snprintf(err, errlen, "%s:%zu: empty variant", path, line);
			goto cleanup;
		}
		if (parse_num(row[col_size], &size) || parse_num(row[col_conns], &conns) || isnan(size) ||
		    isnan(conns) || size < 0 || conns < 1) {
			snprintf(err, errlen, "%s:%zu: size_bytes '%s' or conns '%s' is not a number", path,
				 line, row[col_size], row[col_conns]);
			goto cleanup;
		}
		for (int m = 0; m < RUNS_NMETRICS; m++) {
			vals[m] = NAN;
			if (col_m[m] >= 0 && parse_num(row[col_m[m]], &vals[m])) {
				snprintf(err, errlen, "%s:%zu: %s is '%s', not a number", path, line,
					 runs_metrics[m].column, row[col_m[m]]);
				goto cleanup;
			}
		}
		int is_cb = !strcmp(status, "client-bound");
		if (strcmp(status, "ok") && !is_cb && *status) {
			/* skipped, failed, ...: not a measurement */
			if (!strcmp(status, "skipped"))
				skipped++;
			else
				failed++;
			if (tally_unmeasured(unmeasured, row[col_var], status,
					     col_reason >= 0 ? row[col_reason] : "", (long)size, (long)conns))
				goto nomem;
			continue;
		}
		struct runs_cell *c = cell_get(run, row[col_var], (long)size, (long)conns);
		if (!c || cell_push(c, vals))
			goto nomem;
		if (c->n == 1) {
			c->peer = runs_is_peer(run, c->variant);
			for (int a = 0; a < VARIANT_NAXES; a++)
				if (!(c->axis[a] = strdup(col_ax[a] >= 0 ? row[col_ax[a]] : "")))
					goto nomem;
			if (col_ax[0] >= 0 && !row[col_ax[0]][0])
				c->peer = 1;
		}
		c->client_bound += is_cb;
		cb += is_cb;
		run->rows++;
	}
	if (!run->rows) {
		snprintf(err, errlen, "%s: no measured rows (%zu skipped, %zu failed)", path, skipped,
			 failed);
		goto cleanup;
	}
	if (note_unmeasured(run, unmeasured))
		goto nomem;
	for (size_t i = 0; i < run->ncells; i++) {
		struct runs_cell *c = &run->cells[i];
		char sz[32];
		if (!c->client_bound)
			continue;
		runs_size_str(c->size, sz, sizeof(sz));
		if (add_note(run,
			     "%s at %s, %ld connections: client-bound in %zu of %zu repetitions (wrk, not "
			     "the server, was the limit)",
			     c->variant, sz, c->conns, c->client_bound, c->n))
			goto nomem;
	}
	ret = 0;
	goto cleanup;
nomem:
	ret = -ENOMEM;
	snprintf(err, errlen, "%s: out of memory", path);
cleanup:
	json_decref(unmeasured);
	runs_csv_free(&csv);
	return ret;
}

/* syscalls.csv is optional (a sweep without probes has none); when present
 * it must be well formed. Kept as rows of strings for the report. */
static int load_syscalls(const char *dir, struct runs_run *run, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct runs_csv csv;
	int ret;

	snprintf(path, sizeof(path), "%s/syscalls.csv", dir);
	if (access(path, F_OK))
		return 0;
	ret = runs_csv_read(path, &csv, err, errlen);
	if (ret)
		return ret;
	run->syscalls = json_array();
	for (size_t r = 1; run->syscalls && r < csv.nrows; r++) {
		json_t *o = json_object();
		for (size_t f = 0; o && f < csv.nfields[r]; f++)
			json_object_set_new(o, csv.rows[0][f], json_string(csv.rows[r][f]));
		json_array_append_new(run->syscalls, o);
	}
	runs_csv_free(&csv);
	return 0;
}

int runs_load(const char *dir, struct runs_run *run, char *err, size_t errlen)
{
	int ret;

	memset(run, 0, sizeof(*run));
	run->dir = strdup(dir);
	if (!run->dir)
		return -ENOMEM;
	ret = load_meta(dir, run, err, errlen);
	if (!ret)
		ret = load_points(dir, run, err, errlen);
	if (!ret)
		ret = load_syscalls(dir, run, err, errlen);
	if (ret)
		runs_free(run);
	return ret;
}

void runs_free(struct runs_run *run)
{
	for (size_t i = 0; i < run->ncells; i++) {
		free(run->cells[i].variant);
		for (int a = 0; a < VARIANT_NAXES; a++)
			free(run->cells[i].axis[a]);
		for (int m = 0; m < RUNS_NMETRICS; m++)
			free(run->cells[i].v[m]);
	}
	free(run->cells);
	for (size_t i = 0; i < run->nnotes; i++)
		free(run->notes[i]);
	free(run->notes);
	json_decref(run->meta);
	json_decref(run->syscalls);
	free(run->dir);
	memset(run, 0, sizeof(*run));
}

struct runs_cell *runs_find(struct runs_run *run, const char *variant, long size, long conns)
{
	for (size_t i = 0; i < run->ncells; i++) {
		struct runs_cell *c = &run->cells[i];
		if (c->size == size && c->conns == conns && !strcmp(c->variant, variant))
			return c;
	}
	return NULL;
}

int runs_is_peer(const struct runs_run *run, const char *variant)
{
	struct variant v;

	if (!variant_peer(variant, &v))
		return 1;
	for (size_t i = 0; run && i < run->ncells; i++)
		if (!strcmp(run->cells[i].variant, variant) && run->cells[i].peer)
			return 1;
	return 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int distinct_longs(const struct runs_run *run, int conns, long **out)
{
	long *v = malloc((run->ncells + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < run->ncells; i++) {
		long x = conns ? run->cells[i].conns : run->cells[i].size;
		size_t j;
		for (j = 0; j < n && v[j] != x; j++)
			;
		if (j == n)
			v[n++] = x;
	}
	qsort(v, n, sizeof(*v), cmp_long);
	*out = v;
	return (int)n;
}

int runs_sizes(const struct runs_run *run, long **out)
{
	return distinct_longs(run, 0, out);
}

int runs_conns(const struct runs_run *run, long **out)
{
	return distinct_longs(run, 1, out);
}

static const struct runs_run *sort_run;

static int cmp_variant(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int px = runs_is_peer(sort_run, x), py = runs_is_peer(sort_run, y);

	return px != py ? px - py : strcmp(x, y);
}

int runs_variants(const struct runs_run *run, const char ***out)
{
	const char **v = malloc((run->ncells + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < run->ncells; i++) {
		size_t j;
		for (j = 0; j < n && strcmp(v[j], run->cells[i].variant); j++)
			;
		if (j == n)
			v[n++] = run->cells[i].variant;
	}
	sort_run = run;
	qsort(v, n, sizeof(*v), cmp_variant);
	*out = v;
	return (int)n;
}

void runs_size_str(long b, char *buf, size_t len)
{
	if (b >= 1048576 && b % 1048576 == 0)
		snprintf(buf, len, "%ld MiB", b / 1048576);
	else if (b >= 1024 && b % 1024 == 0)
		snprintf(buf, len, "%ld KiB", b / 1024);
	else if (b >= 1048576)
		snprintf(buf, len, "%.1f MiB", b / 1048576.0);
	else if (b >= 1024)
		snprintf(buf, len, "%.1f KiB", b / 1024.0);
	else
		snprintf(buf, len, "%ld B", b);
}

int runs_parse_size(const char *s, long *bytes)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	if (!strcasecmp(end, "k") || !strcasecmp(end, "kib") || !strcasecmp(end, "kb"))
		v *= 1024;
	else if (!strcasecmp(end, "m") || !strcasecmp(end, "mib") || !strcasecmp(end, "mb"))
		v *= 1048576;
	else if (!strcasecmp(end, "g") || !strcasecmp(end, "gib") || !strcasecmp(end, "gb"))
		v *= 1073741824.0;
	else if (*end && strcasecmp(end, "b"))
		return -EINVAL;
	*bytes = (long)v;
	return 0;
}
