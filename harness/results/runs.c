/*
 * runs: read a run folder into cells (see runs.h): run.json through the
 * key table of results_meta.c, points.csv and syscalls.csv by the column
 * names of results_cols.c.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "runs.h"
#include "runs_csv.h"
#include "runs_notes.h"
#include "runs_zc.h"

#define COL(c) (results_point_cols[c].name)

static int load_meta(const char *dir, struct runs_run *run, char *err, size_t errlen)
{
	run->meta = results_meta_load(dir, err, errlen);
	if (!run->meta)
		return -EINVAL;
	run->info.cores = -1; /* unknown unless run.json says */
	if (results_meta_read(run->meta, &run->info)) {
		snprintf(err, errlen, "%s/run.json: out of memory", dir);
		return -ENOMEM;
	}
	/* rows of another layout would be read by the wrong column names;
	 * older formats lack columns, which read as missing values */
	if (run->info.results_format &&
	    (run->info.results_format < RUNS_FORMAT_OLDEST || run->info.results_format > RUNS_FORMAT)) {
		snprintf(err, errlen,
			 "%s/run.json: results format %ld, this wirelab reads format %d and older ones down "
			 "to "
			 "%d (a run of another wirelab version: use that version, or re-run it)",
			 dir, run->info.results_format, RUNS_FORMAT, RUNS_FORMAT_OLDEST);
		return -EINVAL;
	}
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

/* The cell of a row: one file size in closed loop is a cell of run->cells;
 * a workload mix or an open-mode rate is a load cell. */
static struct runs_cell *cell_get(struct runs_run *run, const char *variant, long size, long conns,
				  const char *workload, const char *rate, const char *load)
{
	int plain = !*workload && !*rate;
	struct runs_cell *c = plain ? runs_find(run, variant, size, conns)
				    : runs_find_load(run, variant, workload, size, conns, rate),
			 *nc, **cells = plain ? &run->cells : &run->load_cells;
	size_t *n = plain ? &run->ncells : &run->nload_cells;

	if (c)
		return c;
	nc = realloc(*cells, (*n + 1) * sizeof(*nc));
	if (!nc)
		return NULL;
	*cells = nc;
	c = &nc[(*n)++];
	memset(c, 0, sizeof(*c));
	c->variant = strdup(variant);
	c->workload = strdup(workload);
	c->rate = strdup(rate);
	c->load = strdup(load);
	c->size = size;
	c->conns = conns;
	return c->variant && c->workload && c->rate && c->load ? c : NULL;
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

static int load_points(const char *dir, struct runs_run *run, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct runs_csv csv;
	int col_var, col_size, col_conns, col_status, col_reason, col_ax[VARIANT_NAXES], col_m[RUNS_NMETRICS];
	int col_wl, col_rate, col_load;
	size_t skipped = 0, failed = 0, cb = 0;
	json_t *unmeasured = json_object();
	int ret;

	snprintf(path, sizeof(path), "%s/points.csv", dir);
	ret = runs_csv_read(path, &csv, err, errlen);
	if (ret)
		return ret;
	ret = -EINVAL;
	col_var = runs_csv_col(&csv, COL(RP_VARIANT));
	col_size = runs_csv_col(&csv, COL(RP_SIZE));
	col_conns = runs_csv_col(&csv, COL(RP_CONNS));
	col_status = runs_csv_col(&csv, COL(RP_STATUS));
	col_reason = runs_csv_col(&csv, COL(RP_REASON));
	/* format 2; a format 1 row is wrk's, one file size, closed loop */
	col_wl = runs_csv_col(&csv, COL(RP_WORKLOAD));
	col_rate = runs_csv_col(&csv, COL(RP_RATE));
	col_load = runs_csv_col(&csv, COL(RP_LOAD));
	if (col_var < 0 || col_size < 0 || col_conns < 0) {
		snprintf(err, errlen, "%s: header lacks %s (a points.csv needs %s, %s, %s)", path,
			 COL(col_var < 0    ? RP_VARIANT
			     : col_size < 0 ? RP_SIZE
					    : RP_CONNS),
			 COL(RP_VARIANT), COL(RP_SIZE), COL(RP_CONNS));
		goto cleanup;
	}
	int any = 0;
	for (int m = 0; m < RUNS_NMETRICS; m++) {
		col_m[m] = runs_csv_col(&csv, runs_metric_column(m));
		any |= col_m[m] >= 0;
	}
	if (!any) {
		snprintf(err, errlen, "%s: no metric column (%s, %s, ...) in its header", path,
			 runs_metric_column(RUNS_RPS), runs_metric_column(RUNS_CPU));
		goto cleanup;
	}
	for (int a = 0; a < VARIANT_NAXES; a++)
		col_ax[a] = runs_csv_col(&csv, COL(RP_LOOP + a));
	for (size_t r = 1; r < csv.nrows; r++) {
		char **row = csv.rows[r];
		const char *status = col_status >= 0 ? row[col_status] : "ok";
		const char *wl = col_wl >= 0 ? row[col_wl] : "", *rate = col_rate >= 0 ? row[col_rate] : "";
		const char *load = col_load >= 0 && *row[col_load] ? row[col_load] : "wrk";
		double size, conns, vals[RUNS_NMETRICS];
		size_t line = r + 1;

		if (!row[col_var][0]) {
			snprintf(err, errlen, "%s:%zu: empty variant", path, line);
			goto cleanup;
		}
		if (parse_num(row[col_size], &size) || parse_num(row[col_conns], &conns) || isnan(size) ||
		    isnan(conns) || size < 0 || conns < 1) {
			snprintf(err, errlen, "%s:%zu: %s '%s' or %s '%s' is not a number", path, line,
				 COL(RP_SIZE), row[col_size], COL(RP_CONNS), row[col_conns]);
			goto cleanup;
		}
		for (int m = 0; m < RUNS_NMETRICS; m++) {
			vals[m] = NAN;
			if (col_m[m] >= 0 && parse_num(row[col_m[m]], &vals[m])) {
				snprintf(err, errlen, "%s:%zu: %s is '%s', not a number", path, line,
					 runs_metric_column(m), row[col_m[m]]);
				goto cleanup;
			}
		}
		int is_cb = !strcmp(status, "client-bound"), is_rm = !strcmp(status, "rate-missed");
		if (strcmp(status, "ok") && !is_cb && !is_rm && *status) {
			/* skipped, failed, ...: not a measurement */
			char who[512];
			if (!strcmp(status, "skipped"))
				skipped++;
			else
				failed++;
			/* a mix or a rate is part of what was not measured */
			snprintf(who, sizeof(who), "%s%s%s%s%s%s%s", row[col_var], *wl || *rate ? " (" : "",
				 *wl ? "mix " : "", wl, *wl && *rate ? ", " : "", *rate ? rate : "",
				 *wl || *rate ? ")" : "");
			if (runs_tally(unmeasured, who, status, col_reason >= 0 ? row[col_reason] : "",
				       (long)size, (long)conns))
				goto nomem;
			continue;
		}
		/* a rate-missed row was measured, just not at the rate asked: a
		 * load cell keeps it, flagged, for the latency curve's end */
		struct runs_cell *c = cell_get(run, row[col_var], (long)size, (long)conns, wl, rate, load);
		if (!c || cell_push(c, vals))
			goto nomem;
		if (c->n == 1) {
			c->peer = runs_is_peer(run, c->variant);
			c->floor = runs_is_floor(c->variant);
			for (int a = 0; a < VARIANT_NAXES; a++)
				if (!(c->axis[a] = strdup(col_ax[a] >= 0 ? row[col_ax[a]] : "")))
					goto nomem;
			if (col_ax[0] >= 0 && !row[col_ax[0]][0])
				c->peer = 1;
		}
		c->client_bound += is_cb;
		c->rate_missed += is_rm;
		cb += is_cb;
		run->rows++;
	}
	if (!run->rows) {
		snprintf(err, errlen, "%s: no measured rows (%zu skipped, %zu failed)", path, skipped,
			 failed);
		goto cleanup;
	}
	if (runs_note_tallied(run, unmeasured) || runs_note_client_bound(run) || runs_note_zc(run, &csv))
		goto nomem;
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
	for (size_t i = 0; i < run->ncells + run->nload_cells; i++) {
		struct runs_cell *c = i < run->ncells ? &run->cells[i] : &run->load_cells[i - run->ncells];
		free(c->variant);
		free(c->workload);
		free(c->rate);
		free(c->load);
		for (int a = 0; a < VARIANT_NAXES; a++)
			free(c->axis[a]);
		for (int m = 0; m < RUNS_NMETRICS; m++)
			free(c->v[m]);
	}
	free(run->cells);
	free(run->load_cells);
	for (size_t i = 0; i < run->nnotes; i++)
		free(run->notes[i]);
	free(run->notes);
	results_meta_free(&run->info);
	json_decref(run->meta);
	json_decref(run->syscalls);
	free(run->dir);
	memset(run, 0, sizeof(*run));
}
