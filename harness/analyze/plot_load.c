/*
 * plot_load: open mode's latency against throughput, the "hockey stick":
 * per file size (or workload mix), TLS mode and concurrency, one graph for
 * p99 and one for p99.9, each variant a line through its rates. x is the
 * throughput the server achieved (not the rate asked), y the corrected
 * latency (from each request's intended send time), the median over
 * repetitions with the interval of the median as bars. A rate the client
 * could not keep (rate-missed in a repetition) is circled: past that point
 * the server, or the client, no longer kept up, and the curve's x there is
 * what was achieved, below what was offered.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_gp.h"
#include "plot_load.h"
#include "report.h"

/* A graph: the open cells of one size or mix, TLS mode and concurrency. */
struct curve_group {
	const char *workload, *tls;
	long size, conns;
};

static const char *tls_of(const struct runs_cell *c, int tls_axis)
{
	return tls_axis >= 0 && c->axis[tls_axis] && *c->axis[tls_axis] ? c->axis[tls_axis] : "plain";
}

static int in_group(const struct runs_cell *c, const struct curve_group *g, int tls_axis)
{
	return *c->rate && c->conns == g->conns && !strcmp(c->workload, g->workload) &&
	       (*g->workload || c->size == g->size) && !strcmp(tls_of(c, tls_axis), g->tls);
}

struct curve_pt {
	double offered, x, y, lo, hi;
	int missed;
	size_t n;
};

static int cmp_pt(const void *a, const void *b)
{
	const struct curve_pt *x = a, *y = b;

	return (x->offered > y->offered) - (x->offered < y->offered);
}

static double median_of(const struct runs_cell *c, int m)
{
	struct stats_summary s;

	stats_summary(c->v[m], c->n, &s);
	return s.n ? s.median : NAN;
}

static int plot_curve(const struct runs_run *run, const char *dir, json_t *index, const struct curve_group *g,
		      int m, int name_conns, char *err, size_t errlen)
{
	const struct runs_metric_info *mi = &runs_metrics[m];
	int tls_axis = variant_axis("tls"), nv, nser = 0, ours = 0, peers = 0, missed_any = 0, ret = -EIO;
	const char **vars = NULL;
	char name[160], what[96], title[700];
	struct curve_pt *pts = NULL;
	FILE *dat = NULL, *gp = NULL;
	json_t *series = json_array(), *entry = NULL;
	double ymin = INFINITY, ymax = 0;
	size_t nrep = 0;

	if ((nv = runs_variants(run, &vars)) < 0 || !series ||
	    !(pts = calloc(run->nload_cells + 1, sizeof(*pts)))) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto cleanup;
	}
	if (*g->workload) {
		snprintf(name, sizeof(name), "latency_rate_%s_m%s_%s", mi->key, g->workload, g->tls);
		snprintf(what, sizeof(what), "mix %s", g->workload);
	} else {
		snprintf(name, sizeof(name), "latency_rate_%s_s%ld_%s", mi->key, g->size, g->tls);
		runs_size_str(g->size, what, sizeof(what));
		strncat(what, " files", sizeof(what) - strlen(what) - 1);
	}
	if (name_conns)
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "_c%ld", g->conns);
	if ((ret = plot_open_files(dir, name, &dat, &gp, err, errlen)))
		goto cleanup;
	plot_begin(gp, dir, name, 1);
	fprintf(gp, "set xlabel 'achieved requests per second'\nset ylabel ");
	/* one block per variant: achieved rps, latency median, its interval,
	 * rate missed, repetitions; in the order of the rates offered */
	for (int k = 0; k < nv; k++) {
		int peer = runs_is_peer(run, vars[k]), slot = peer ? peers++ : ours++;
		size_t np = 0;
		for (size_t i = 0; i < run->nload_cells; i++) {
			const struct runs_cell *c = &run->load_cells[i];
			struct stats_summary s;
			if (strcmp(c->variant, vars[k]) || !in_group(c, g, tls_axis))
				continue;
			stats_summary(c->v[m], c->n, &s);
			if (!s.n || isnan(median_of(c, RUNS_ACHIEVED)))
				continue;
			pts[np++] = (struct curve_pt){median_of(c, RUNS_OFFERED),
						      median_of(c, RUNS_ACHIEVED),
						      s.median,
						      s.lo,
						      s.hi,
						      c->rate_missed > 0,
						      s.n};
		}
		if (!np)
			continue;
		qsort(pts, np, sizeof(*pts), cmp_pt);
		fprintf(dat, "# %s\n", vars[k]);
		for (size_t i = 0; i < np; i++) {
			fprintf(dat, "%.6g %.6g %.6g %.6g %d %zu\n", pts[i].x, pts[i].y, pts[i].lo, pts[i].hi,
				pts[i].missed, pts[i].n);
			if (pts[i].lo > 0 && pts[i].lo < ymin)
				ymin = pts[i].lo;
			if (pts[i].y > 0 && pts[i].y < ymin)
				ymin = pts[i].y;
			ymax = fmax(ymax, fmax(pts[i].hi, pts[i].y));
			nrep = pts[i].n > nrep ? pts[i].n : nrep;
			missed_any |= pts[i].missed;
		}
		fprintf(dat, "\n\n");
		/* the plot line is written after the axes: remember the block */
		json_array_append_new(
			series, json_pack("{s:s,s:i,s:i}", "variant", vars[k], "block", nser, "slot", slot));
		nser++;
	}
	if (!nser) {
		ret = 0;
		goto cleanup;
	}
	plot_quote(gp, mi->label);
	fprintf(gp, "\n");
	snprintf(title, sizeof(title),
		 "%s vs achieved throughput, %s, %s, %ld connections (open mode)\\n{/*0.8 corrected latency, "
		 "from "
		 "each request's intended send time; median of up to %zu repetitions, bars: interval of the "
		 "median; circled: the client could not keep the rate (fewer than 98%% of the offered "
		 "requests answered)}",
		 mi->title, what, g->tls, g->conns, nrep);
	fprintf(gp, "set title ");
	plot_quote(gp, title);
	fprintf(gp, " enhanced\nset xrange [0:*]\n");
	/* past the knee latency grows by orders of magnitude */
	if (ymin > 0 && ymax / ymin > 50)
		fprintf(gp, "set logscale y 10\n");
	else
		fprintf(gp, "set yrange [0:*]\n");
	fprintf(gp, "set key outside bottom center horizontal font ',9' width 2\nset bars small\nplot ");
	size_t i;
	json_t *s;
	json_array_foreach(series, i, s)
	{
		const char *v = json_string_value(json_object_get(s, "variant"));
		int block = (int)json_integer_value(json_object_get(s, "block"));
		fprintf(gp, "%s'%s.dat' index %d using 1:2:3:4 with yerrorlines ", i ? ", \\\n     " : "",
			name, block);
		plot_series_style(gp, run, v, (int)json_integer_value(json_object_get(s, "slot")));
		if (missed_any)
			fprintf(gp,
				", \\\n     '%s.dat' index %d using 1:($5 > 0 ? $2 : 1/0) with points pt 6 "
				"ps 2.5 "
				"lc rgb '#000000' notitle",
				name, block);
	}
	if (missed_any)
		fprintf(gp,
			", \\\n     keyentry with points pt 6 ps 2.5 lc rgb '#000000' title 'rate missed'");
	fprintf(gp, "\n");
	plot_end(gp, dir, name);
	fclose(gp);
	gp = NULL;
	fclose(dat);
	dat = NULL;
	if ((ret = plot_gnuplot(dir, name, err, errlen)))
		goto cleanup;
	char svg[200], png[200];
	snprintf(svg, sizeof(svg), "%s.svg", name);
	snprintf(png, sizeof(png), "%s.png", name);
	json_t *names = json_array();
	json_array_foreach(series, i, s)
	{
		json_array_append(names, json_object_get(s, "variant"));
	}
	entry = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "name", name, "metric", mi->key, "title", title, "svg",
			  svg, "png", png, "series", names);
	if (entry)
		json_array_append(index, entry);
cleanup:
	json_decref(entry);
	json_decref(series);
	if (dat)
		fclose(dat);
	if (gp)
		fclose(gp);
	free(pts);
	free(vars);
	return ret;
}

int plot_load_curves(const struct runs_run *run, const char *dir, json_t *index, char *err, size_t errlen)
{
	static const int metrics[] = {RUNS_P99, RUNS_P999};
	struct curve_group *g = calloc(run->nload_cells + 1, sizeof(*g));
	int tls_axis = variant_axis("tls"), ng = 0, ret = 0;
	long conns0 = -1;
	int many_conns = 0;

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < run->nload_cells; i++) {
		const struct runs_cell *c = &run->load_cells[i];
		struct curve_group cg = {c->workload, tls_of(c, tls_axis), c->size, c->conns};
		int k;
		if (!*c->rate)
			continue;
		if (conns0 >= 0 && c->conns != conns0)
			many_conns = 1;
		conns0 = c->conns;
		for (k = 0; k < ng && !(in_group(c, &g[k], tls_axis)); k++)
			;
		if (k == ng)
			g[ng++] = cg;
	}
	for (int k = 0; k < ng && !ret; k++)
		for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]) && !ret; m++)
			ret = plot_curve(run, dir, index, &g[k], metrics[m], many_conns, err, errlen);
	free(g);
	return ret;
}
