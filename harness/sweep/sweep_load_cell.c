/*
 * sweep_load_cell: the windows of a cell under --load closed|open. A cell
 * is a file size or a workload mix at a concurrency. In closed loop it has
 * one window a repetition, as with wrk. In open mode it has one window per
 * rate, and when a rate is a share ("50%") a closed-loop window first: the
 * cell's capacity, of which each share is taken, so every variant is
 * loaded at the same fraction of what it can do. Variants stay innermost
 * (A B C, A B C) in every slot, so drift on a shared machine spreads over
 * them. The capacity window is an ordinary closed row of points.csv; a
 * resumed run reads it back from there.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_cols.h"
#include "runs.h"
#include "runs_csv.h"
#include "sweep_load.h"
#include "sweep_point.h"
#include "sweep_proc.h"

/* the capacity each variant measured in the current cell and repetition */
static struct capacity {
	int valid;
	long size;
	const struct sweep_mix *mix;
	int conns, rep;
	double rps; /* NaN: its window failed */
} cap[SWEEP_MAX_VARIANTS];

int sweep_load_nsizes(const struct sweep_opts *o)
{
	return o->nsizes + o->load.nmixes;
}

int sweep_load_nslots(const struct sweep_opts *o)
{
	return o->load.kind == SWEEP_LOAD_OPEN ? o->load.need_capacity + o->load.nrates : 1;
}

void sweep_load_point(const struct sweep_opts *o, struct sweep_point *p, int s, int k)
{
	p->mix = s >= o->nsizes ? &o->load.mixes[s - o->nsizes] : NULL;
	p->size = p->mix ? p->mix->mean_bytes : o->sizes[s];
	p->load = o->load.kind;
	p->rate = NULL;
	p->rps = 0;
	if (o->load.kind == SWEEP_LOAD_OPEN) {
		int r = k - o->load.need_capacity;
		if (r < 0) {
			p->load = SWEEP_LOAD_CLOSED; /* the capacity window */
		} else {
			p->rate = &o->load.rates[r];
			p->rps = p->rate->rps;
		}
	}
	/* wirelab-load: a thread per client CPU, never more than connections */
	if (p->load != SWEEP_LOAD_WRK)
		p->threads = o->nclient_cpus < p->conns ? o->nclient_cpus : p->conns;
}

int sweep_load_capacity_slot(const struct sweep_opts *o, int k)
{
	int r = k - o->load.need_capacity;

	if (o->load.kind != SWEEP_LOAD_OPEN || !o->load.need_capacity || r < 0 || r >= o->load.nrates)
		return -1;
	return o->load.rates[r].share > 0 ? 0 : -1;
}

static int is_capacity(const struct sweep_opts *o, const struct sweep_point *p)
{
	return o->load.kind == SWEEP_LOAD_OPEN && p->load == SWEEP_LOAD_CLOSED;
}

void sweep_load_done(const struct sweep_opts *o, const struct sweep_point *p, const struct point_result *r)
{
	long v = p->variant - o->variants;

	if (!is_capacity(o, p) || v < 0 || v >= SWEEP_MAX_VARIANTS)
		return;
	cap[v] = (struct capacity){1,	   p->size,
				   p->mix, p->conns,
				   p->rep, PT_MEASURED(r->status) && r->lf.filled ? r->lf.achieved_rps : NAN};
}

/* --resume: the capacity window of this cell and repetition as points.csv
 * recorded it; NaN when it is not there or was not measured */
static double recorded_capacity(const struct sweep_opts *o, const struct sweep_point *p)
{
	static const int key[] = {RP_VARIANT, RP_SIZE, RP_WORKLOAD, RP_CONNS,	RP_RATE,
				  RP_LOAD,    RP_REP,  RP_STATUS,   RP_ACHIEVED};
	char path[PATH_MAX + 16], err[512], want[4][64];
	struct runs_csv csv;
	int col[9];
	double got = NAN;

	snprintf(path, sizeof(path), "%s/points.csv", o->out);
	if (runs_csv_read(path, &csv, err, sizeof(err)))
		return NAN;
	for (int i = 0; i < 9; i++)
		if ((col[i] = runs_csv_col(&csv, results_point_cols[key[i]].name)) < 0)
			goto cleanup;
	snprintf(want[0], sizeof(want[0]), "%ld", p->size);
	snprintf(want[1], sizeof(want[1]), "%d", p->conns);
	snprintf(want[2], sizeof(want[2]), "%d", p->rep);
	snprintf(want[3], sizeof(want[3]), "%s", p->mix ? p->mix->name : "");
	for (size_t r = 1; r < csv.nrows; r++) {
		char **row = csv.rows[r];
		if (strcmp(row[col[0]], p->variant->name) || strcmp(row[col[1]], want[0]) ||
		    strcmp(row[col[2]], want[3]) || strcmp(row[col[3]], want[1]) || *row[col[4]] ||
		    strcmp(row[col[5]], "closed") || strcmp(row[col[6]], want[2]))
			continue;
		if (!strcmp(row[col[7]], "ok") || !strcmp(row[col[7]], "client-bound"))
			got = atof(row[col[8]]);
	}
cleanup:
	runs_csv_free(&csv);
	return got;
}

int sweep_load_prepare(const struct sweep_opts *o, struct sweep_point *p, char *reason, size_t len)
{
	long v = p->variant - o->variants;
	double c = NAN;

	if (!p->rate || !p->rate->share)
		return 0;
	if (v >= 0 && v < SWEEP_MAX_VARIANTS && cap[v].valid && cap[v].size == p->size &&
	    cap[v].mix == p->mix && cap[v].conns == p->conns && cap[v].rep == p->rep)
		c = cap[v].rps;
	else
		c = recorded_capacity(o, p);
	if (!(c > 0)) {
		snprintf(reason, len,
			 "no closed-mode capacity to take %s of: this cell's capacity window was not "
			 "measured (see its row)",
			 p->rate->label);
		return 1;
	}
	p->rps = c * p->rate->share;
	return 0;
}

void sweep_load_label(const struct sweep_point *p, char *buf, size_t len)
{
	char sz[32];

	if (p->mix)
		snprintf(sz, sizeof(sz), "mix %.27s", p->mix->name);
	else
		runs_size_str(p->size, sz, sizeof(sz));
	if (p->rate)
		snprintf(buf, len, "%s open %s (%.0f req/s)", sz, p->rate->label, p->rps);
	else if (p->load == SWEEP_LOAD_CLOSED)
		snprintf(buf, len, "%s closed", sz);
	else
		snprintf(buf, len, "%s", sz);
}

int sweep_load_corpus(const struct sweep_opts *o, const char *root, char *err, size_t errlen)
{
	int ret;

	for (int i = 0; i < o->load.nmixes; i++)
		if ((ret = sweep_sh(err, errlen, "'%s' --make-docroot '%s/m%d' --workload '%s' >/dev/null",
				    o->load.bin, root, i, o->load.mixes[i].path)))
			return ret;
	return 0;
}

void sweep_load_status(const struct sweep_point *p, struct point_result *r)
{
	const struct sweep_load_figs *f = &r->lf;
	char was[256] = "";

	if (!p->rate || !f->filled || !PT_MEASURED(r->status) || f->rate_kept)
		return;
	if (r->status == PT_CLIENT_BOUND)
		snprintf(was, sizeof(was), "; %.200s", r->reason);
	snprintf(r->reason, sizeof(r->reason),
		 "client could not keep the rate: %.0f of %.0f req/s offered answered in the window (%.1f%%, "
		 "%.0f never sent, send lag p99 %.0f us)%s",
		 f->achieved_rps, f->offered_rps,
		 f->offered_rps > 0 ? 100 * f->achieved_rps / f->offered_rps : 0, f->unsent, f->lag_p99_us,
		 was);
	r->status = PT_RATE_MISSED;
}

void sweep_load_record(const struct sweep_opts *o, const struct sweep_point *p, const struct point_result *r,
		       struct results_point *rp)
{
	const struct sweep_load_figs *f = &r->lf;

	(void)o;
	rp->load = sweep_load_names[p->load];
	rp->workload = p->mix ? p->mix->name : "";
	rp->rate = p->rate ? p->rate->label : "";
	rp->offered_rps = rp->lat_p90_us = rp->lat_p9999_us = NAN;
	rp->unc_p50_us = rp->unc_p90_us = rp->unc_p99_us = rp->unc_p999_us = rp->unc_p9999_us =
		rp->unc_max_us = NAN;
	rp->errors_reset = rp->errors_closed = rp->errors_parse = NAN;
	rp->achieved_rps = r->rps;
	rp->client_cpu_us_per_req = r->w.requests ? r->w.client_cpu_s * 1e6 / (double)r->w.requests : NAN;
	if (!f->filled)
		return;
	rp->offered_rps = f->open ? f->offered_rps : NAN;
	rp->achieved_rps = f->achieved_rps;
	rp->lat_p90_us = f->p90;
	rp->lat_p9999_us = f->p9999;
	rp->unc_p50_us = f->u50;
	rp->unc_p90_us = f->u90;
	rp->unc_p99_us = f->u99;
	rp->unc_p999_us = f->u999;
	rp->unc_p9999_us = f->u9999;
	rp->unc_max_us = f->umax;
	rp->errors_reset = f->err_reset;
	rp->errors_closed = f->err_closed;
	rp->errors_parse = f->err_parse;
	rp->errors += (uint64_t)(f->err_reset + f->err_closed + f->err_parse);
	rp->client_cpu_us_per_req = f->client_cpu_us;
}

const char *sweep_load_version(const struct sweep_opts *o)
{
	static char v[256];
	char cmd[PATH_MAX + 64];
	FILE *f;

	if (o->load.kind == SWEEP_LOAD_WRK)
		return NULL;
	if (v[0])
		return v;
	snprintf(cmd, sizeof(cmd), "'%s' --version 2>&1", o->load.bin);
	if ((f = popen(cmd, "r"))) {
		/* "wirelab-load (JSON format 1)" and the loop: what the figures depend on */
		char line[128];
		for (int i = 0; i < 2 && fgets(line, sizeof(line), f); i++) {
			line[strcspn(line, "\n")] = 0;
			strncat(v, i ? "; " : "", sizeof(v) - strlen(v) - 1);
			strncat(v, line, sizeof(v) - strlen(v) - 1);
		}
		pclose(f);
	}
	if (!v[0])
		snprintf(v, sizeof(v), "unknown");
	return v;
}
