/* plot: the run's graphs (per concurrency: req/s, MB/s, CPU and syscalls
 * per request against file size; p99 against concurrency per size) with
 * the writev/sendfile crossover marked, into RUN/plots/. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plot_gp.h"
#include "plot_load.h"
#include "report.h"

struct plot_ctx {
	const struct runs_run *run;
	char dir[PATH_MAX];
	const char **vars;
	int nv;
	long *sizes, *conns;
	int ns, nc;
	json_t *index; /* plots.json */
};

/* Colour slot of variant k: ours and peers are numbered separately. */
static int slot(const struct plot_ctx *p, int k)
{
	int peer = runs_is_peer(p->run, p->vars[k]), n = 0;

	for (int i = 0; i < k; i++)
		n += runs_is_peer(p->run, p->vars[i]) == peer;
	return n;
}

static FILE *open_in(const struct plot_ctx *p, const char *name, const char *ext)
{
	char path[PATH_MAX + 256];

	snprintf(path, sizeof(path), "%s/%s.%s", p->dir, name, ext);
	return fopen(path, "w");
}

struct crossover {
	const char *writev, *sendfile;
	double at;   /* bytes, interpolated on log size */
	long lo, hi; /* bracket: nearest sizes where the two are told apart (0: open) */
	int crossings;
};

/* xs (ascending) steps by one constant: a linear --sizes range */
static int evenly_spaced(const long *xs, int n)
{
	for (int i = 2; i < n; i++)
		if (xs[i] - xs[i - 1] != xs[1] - xs[0])
			return 0;
	return 1;
}

/* Where the sendfile variant's median CPU per request crosses its writev
 * twin's (same loop, cork, tls) at concurrency conns. The bracket is the
 * nearest measured sizes on either side at which their intervals do not
 * overlap; between them the two cannot be told apart. */
static int find_crossover(const struct plot_ctx *p, int m, long conns, const struct runs_cell *wv0,
			  const struct runs_cell *sf0, struct crossover *x)
{
	/* one slot per size of the run (a linear range has hundreds) */
	double *d = calloc(p->ns + 1, 3 * sizeof(double)), *lo = d + p->ns + 1, *hi = lo + p->ns + 1;
	long *sz = calloc(p->ns + 1, sizeof(long));
	int n = 0, first = -1, ret = 0;

	memset(x, 0, sizeof(*x));
	x->writev = wv0->variant;
	x->sendfile = sf0->variant;
	if (!d || !sz)
		goto cleanup;
	for (int i = 0; i < p->ns; i++) {
		const struct runs_cell *a =
			runs_find((struct runs_run *)p->run, wv0->variant, p->sizes[i], conns);
		const struct runs_cell *b =
			runs_find((struct runs_run *)p->run, sf0->variant, p->sizes[i], conns);
		struct stats_summary sa, sb;
		if (!a || !b)
			continue;
		stats_summary(a->v[m], a->n, &sa);
		stats_summary(b->v[m], b->n, &sb);
		if (!sa.n || !sb.n)
			continue;
		sz[n] = p->sizes[i];
		d[n] = sb.median - sa.median;
		lo[n] = sb.lo - sa.hi;
		hi[n] = sb.hi - sa.lo;
		n++;
	}
	for (int i = 0; i + 1 < n; i++)
		if ((d[i] < 0) != (d[i + 1] < 0) && d[i] != d[i + 1]) {
			x->crossings++;
			if (first < 0)
				first = i;
		}
	if (first < 0)
		goto cleanup;
	/* linear in bytes, not log: per-request cost is about a + b * size on
	 * both paths, so their difference is linear in size */
	double s0 = (double)sz[first], s1 = (double)sz[first + 1];
	x->at = s0 + (s1 - s0) * d[first] / (d[first] - d[first + 1]);
	for (int i = first; i >= 0 && !x->lo; i--)
		if (lo[i] > 0 || hi[i] < 0)
			x->lo = sz[i];
	for (int i = first + 1; i < n && !x->hi; i++)
		if (lo[i] > 0 || hi[i] < 0)
			x->hi = sz[i];
	ret = 1;
cleanup:
	free(d);
	free(sz);
	return ret;
}

static void crossover_text(const struct crossover *x, char *buf, size_t len)
{
	char at[32], lo[32], hi[32];

	runs_size_str((long)x->at, at, sizeof(at));
	if (x->lo)
		runs_size_str(x->lo, lo, sizeof(lo));
	else
		snprintf(lo, sizeof(lo), "below the smallest size");
	if (x->hi)
		runs_size_str(x->hi, hi, sizeof(hi));
	else
		snprintf(hi, sizeof(hi), "above the largest size");
	snprintf(buf, len,
		 "%s vs %s: equal at about %s (linear in bytes); interval %s to %s (nearest sizes where "
		 "their intervals "
		 "separate)%s",
		 x->writev, x->sendfile, at, lo, hi,
		 x->crossings > 1 ? "; the medians cross more than once" : "");
}

/* b is a's sendfile twin: a writev, b sendfile, the same on every other axis */
static int twins(const struct runs_cell *a, const struct runs_cell *b, int send)
{
	if (send < 0 || strcmp(a->axis[send], "writev") || strcmp(b->axis[send], "sendfile"))
		return 0;
	for (int k = 0; k < VARIANT_NAXES; k++)
		if (k != send && strcmp(a->axis[k], b->axis[k]))
			return 0;
	return 1;
}

/* Mark every writev/sendfile twin pair's crossover on the open script f. */
static void mark_crossovers(struct plot_ctx *p, FILE *f, int m, long conns, json_t *entry)
{
	json_t *list = json_array();
	int k = 0, send = variant_axis("send");

	for (size_t i = 0; i < p->run->ncells; i++) {
		const struct runs_cell *a = &p->run->cells[i];
		if (a->peer || a->floor || a->conns != conns)
			continue;
		for (size_t j = 0; j < p->run->ncells; j++) {
			const struct runs_cell *b = &p->run->cells[j];
			struct crossover x;
			char text[512];
			if (b->peer || b->floor || b->conns != conns || b->size != a->size ||
			    !twins(a, b, send))
				continue;
			/* one pair once: at its smallest size */
			if (a->size != p->sizes[0] &&
			    runs_find((struct runs_run *)p->run, a->variant, p->sizes[0], conns) &&
			    runs_find((struct runs_run *)p->run, b->variant, p->sizes[0], conns))
				continue;
			if (!find_crossover(p, m, conns, a, b, &x))
				continue;
			crossover_text(&x, text, sizeof(text));
			double lo = x.lo ? (double)x.lo : (double)p->sizes[0];
			double hi = x.hi ? (double)x.hi : (double)p->sizes[p->ns - 1];
			fprintf(f,
				"set object %d rect from %g, graph 0 to %g, graph 1 fc rgb '#f0f0f0' fs "
				"solid noborder behind\n",
				10 + k, lo, hi);
			fprintf(f,
				"set arrow %d from %g, graph 0 to %g, graph 1 nohead lw 2 dt 3 lc rgb "
				"'#444444'\n",
				10 + k, x.at, x.at);
			fprintf(f, "set label %d at graph 0.01, graph %.2f left font ',8' front ", 10 + k,
				0.97 - 0.04 * k);
			char lab[600];
			snprintf(lab, sizeof(lab), "crossover: %s", text);
			plot_quote(f, lab);
			fprintf(f, "\n");
			json_t *o = json_pack("{s:s, s:s, s:f, s:I, s:I, s:s}", "writev", x.writev,
					      "sendfile", x.sendfile, "at_bytes", x.at, "lo_bytes",
					      (json_int_t)x.lo, "hi_bytes", (json_int_t)x.hi, "text", text);
			json_array_append_new(list, o);
			k++;
		}
	}
	json_object_set_new(entry, "crossovers", list);
}

/* One graph: metric m of every variant against x (file size at fixed
 * conns, or conns at fixed size). */
static int plot_one(struct plot_ctx *p, int m, int by_size, long fixed, char *err, size_t errlen)
{
	const struct runs_metric_info *mi = &runs_metrics[m];
	char name[128], title[512], fixed_s[32];
	json_t *series = json_array(), *entry;
	FILE *dat = NULL, *gp = NULL;
	int nser = 0, ret = -EIO;
	int nx = by_size ? p->ns : p->nc;
	const long *xs = by_size ? p->sizes : p->conns;
	size_t nrep = 0;
	double ymin = INFINITY, ymax = 0;

	if (by_size) {
		snprintf(name, sizeof(name), "%s_c%ld", mi->key, fixed);
		snprintf(fixed_s, sizeof(fixed_s), "%ld connections", fixed);
	} else {
		snprintf(name, sizeof(name), "%s_s%ld", mi->key, fixed);
		runs_size_str(fixed, fixed_s, sizeof(fixed_s));
		strcat(fixed_s, " files");
	}
	dat = open_in(p, name, "dat");
	gp = open_in(p, name, "gp");
	if (!dat || !gp) {
		snprintf(err, errlen, "%s/%s: cannot write: %s", p->dir, name, strerror(errno));
		ret = -errno;
		goto cleanup;
	}
	/* one data block per variant: x, median, interval low, interval high */
	int *kept = calloc(p->nv, sizeof(*kept));
	for (int k = 0; kept && k < p->nv; k++) {
		int rows = 0;
		for (int i = 0; i < nx; i++) {
			long size = by_size ? xs[i] : fixed, conns = by_size ? fixed : xs[i];
			const struct runs_cell *c =
				runs_find((struct runs_run *)p->run, p->vars[k], size, conns);
			struct stats_summary s;
			if (!c)
				continue;
			stats_summary(c->v[m], c->n, &s);
			if (!s.n)
				continue;
			if (!rows)
				fprintf(dat, "# %s\n", p->vars[k]);
			fprintf(dat, "%ld %.6g %.6g %.6g %zu\n", by_size ? size : conns, s.median, s.lo, s.hi,
				s.n);
			if (s.n > nrep)
				nrep = s.n;
			if (s.lo > 0 && s.lo < ymin)
				ymin = s.lo;
			if (s.hi > ymax)
				ymax = s.hi;
			rows++;
		}
		if (rows) {
			fprintf(dat, "\n\n");
			kept[k] = 1 + nser++;
		}
	}
	if (!nser) { /* nothing measured (e.g. no probe columns): no empty graph */
		free(kept);
		ret = 0;
		goto cleanup;
	}
	plot_begin(gp, p->dir, name, 1);
	snprintf(title, sizeof(title),
		 "%s vs %s, %s\\n{/*0.8 median of up to %zu repetitions; bars: interval of the median (order "
		 "statistics); dashed grey: peer servers; long-dashed black: the floor}",
		 mi->title, by_size ? "file size" : "concurrency", fixed_s, nrep);
	fprintf(gp, "set title ");
	plot_quote(gp, title);
	fprintf(gp, " enhanced\nset ylabel ");
	plot_quote(gp, mi->label);
	/* sizes from a linear range (0..10m+20k, tarweb's) or with 0 among
	 * them (no place on a log axis) are drawn on a linear axis */
	int lin = by_size && nx > 1 && (xs[0] == 0 || (nx > 2 && evenly_spaced(xs, nx)));
	fprintf(gp, "\nset xlabel '%s'\n",
		!by_size ? "concurrent connections"
		: lin	 ? "file size"
			 : "file size (log scale)");
	if ((by_size && !lin) || (!by_size && nx > 1 && xs[nx - 1] / (xs[0] ? xs[0] : 1) >= 8)) {
		fprintf(gp, "set logscale x 2\n");
		if (!by_size)
			fprintf(gp, "set xlabel 'concurrent connections (log scale)'\n");
	}
	if (by_size)
		plot_size_tics(gp, "xtics", xs, nx, lin);
	else {
		fprintf(gp, "set xtics (");
		for (int i = 0; i < nx; i++)
			fprintf(gp, "%s\"%ld\" %ld", i ? ", " : "", xs[i], xs[i]);
		fprintf(gp, ")\n");
	}
	if (lin) {
		double pad = (double)(xs[nx - 1] - xs[0]) / 40;
		fprintf(gp, "set xrange [%g:%g]\n", xs[0] - pad, xs[nx - 1] + pad);
	} else if (nx > 0)
		fprintf(gp, "set xrange [%g:%g]\n", xs[0] / 1.4 > 0 ? xs[0] / 1.4 : 0.5, xs[nx - 1] * 1.4);
	/* latency tails span orders of magnitude (one stalled window's p99 is
	 * seconds): a linear axis would flatten every median to the floor */
	if (m == RUNS_P99 && ymin > 0 && ymax / ymin > 50)
		fprintf(gp, "set logscale y 10\nset ylabel '%s, log scale'\n", mi->label);
	else
		fprintf(gp, "set yrange [0:*]\n");
	fprintf(gp, "set key outside bottom center horizontal font ',9' width 2\nset bars small\n");
	entry = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name, "metric", mi->key, "title", title, "svg",
			  "", "png", "");
	if (by_size && m == RUNS_CPU)
		mark_crossovers(p, gp, m, fixed, entry);
	fprintf(gp, "plot ");
	for (int k = 0, first = 1; k < p->nv; k++) {
		if (!kept[k])
			continue;
		fprintf(gp, "%s'%s.dat' index %d using 1:2:3:4 with yerrorlines ", first ? "" : ", \\\n     ",
			name, kept[k] - 1);
		plot_series_style(gp, p->run, p->vars[k], slot(p, k));
		json_array_append_new(series, json_string(p->vars[k]));
		first = 0;
	}
	fprintf(gp, "\n");
	plot_end(gp, p->dir, name);
	free(kept);
	fclose(gp);
	gp = NULL;
	fclose(dat);
	dat = NULL;
	ret = plot_gnuplot(p->dir, name, err, errlen);
	if (!ret) {
		char f[160];
		snprintf(f, sizeof(f), "%s.svg", name);
		json_object_set_new(entry, "svg", json_string(f));
		snprintf(f, sizeof(f), "%s.png", name);
		json_object_set_new(entry, "png", json_string(f));
		json_object_set(entry, "series", series);
		json_array_append(p->index, entry);
	}
	json_decref(entry);
cleanup:
	json_decref(series);
	if (dat)
		fclose(dat);
	if (gp)
		fclose(gp);
	return ret;
}

int plot_run(const struct runs_run *run, char *err, size_t errlen)
{
	static const int by_size[] = {RUNS_RPS, RUNS_MBPS, RUNS_CPU, RUNS_SYSCALLS};
	struct plot_ctx p = {.run = run};
	char path[PATH_MAX + 256];
	int ret = -ENOMEM;

	snprintf(p.dir, sizeof(p.dir), "%s/plots", run->dir);
	if (mkdir(p.dir, 0755) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", p.dir, strerror(errno));
		return ret;
	}
	p.nv = runs_variants(run, &p.vars);
	p.ns = runs_sizes(run, &p.sizes);
	p.nc = runs_conns(run, &p.conns);
	p.index = json_array();
	if (p.nv < 0 || p.ns < 0 || p.nc < 0 || !p.index) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	for (int c = 0; c < p.nc; c++)
		for (size_t i = 0; i < sizeof(by_size) / sizeof(by_size[0]); i++)
			if ((ret = plot_one(&p, by_size[i], 1, p.conns[c], err, errlen)))
				goto cleanup;
	for (int s = 0; s < p.ns; s++)
		if ((ret = plot_one(&p, RUNS_P99, 0, p.sizes[s], err, errlen)))
			goto cleanup;
	/* open mode's rates: latency against achieved throughput */
	if ((ret = plot_load_curves(run, p.dir, p.index, err, errlen)))
		goto cleanup;
	snprintf(path, sizeof(path), "%s/plots.json", p.dir);
	if (json_dump_file(p.index, path, JSON_INDENT(1))) {
		snprintf(err, errlen, "%s: cannot write", path);
		ret = -EIO;
		goto cleanup;
	}
	ret = 0;
cleanup:
	json_decref(p.index);
	free(p.vars);
	free(p.sizes);
	free(p.conns);
	return ret;
}
