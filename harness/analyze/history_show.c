/* history_show: a metric over commits, per series, as a text table and a
 * gnuplot graph with each run's interval (RUN-independent: the graph goes
 * to DIR/history_METRIC.svg and .png, DIR next to the database). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "effect.h"
#include "history.h"
#include "plot_gp.h"

#define SHOW_PLOT_MAX 12 /* series on one graph before its legend is noise */

/* The runs of every shown series in one time order: the graph's x axis. */
struct show_axis {
	const struct history_point **pts;
	size_t n;
};

static int axis_index(const struct show_axis *a, const struct history_point *p)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->pts[i]->run_key, p->run_key))
			return (int)i;
	return -1;
}

static int cmp_point(const void *x, const void *y)
{
	const struct history_point *a = *(const struct history_point *const *)x,
				   *b = *(const struct history_point *const *)y;
	int c = strcmp(a->when, b->when);

	return c ? c : strcmp(a->run_key, b->run_key);
}

static int axis_of(const struct history_series *s, size_t ns, struct show_axis *a)
{
	size_t cap = 0;

	for (size_t i = 0; i < ns; i++)
		cap += s[i].npts;
	a->n = 0;
	a->pts = malloc((cap ? cap : 1) * sizeof(*a->pts));
	if (!a->pts)
		return -ENOMEM;
	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < s[i].npts; j++)
			if (axis_index(a, &s[i].pts[j]) < 0)
				a->pts[a->n++] = &s[i].pts[j];
	qsort(a->pts, a->n, sizeof(*a->pts), cmp_point);
	return 0;
}

/* A figure at the precision a run supports, never in e-notation for the
 * sizes benchmarks give (199480, 15.13, 0.0123). */
static const char *num(char *buf, size_t len, double v)
{
	snprintf(buf, len, fabs(v) >= 1000 ? "%.0f" : "%.4g", v);
	return buf;
}

static void table(const struct history_series *s)
{
	char name[256], where[512];

	history_series_name(s, name, sizeof(name));
	history_series_where(s, where, sizeof(where));
	printf("\n%s  (%s)\n", name, where);
	printf("  %4s  %-9s %-21s %4s  %s [95%% interval]\n", "run", "commit", "started", "reps",
	       runs_metrics[s->metric].label);
	for (size_t j = 0; j < s->npts; j++) {
		const struct history_point *p = &s->pts[j];
		struct effect_loc l;
		char c[16];
		history_short_commit(p, c, sizeof(c));
		if (effect_location(p->v, p->n, 0.05, &l)) {
			printf("  %4zu  %-9s %-21s %4zu  (values <= 0: no typical value)\n", j + 1, c,
			       p->when, p->n);
			continue;
		}
		char a[32], b[32];
		printf("  %4zu  %-9s %-21s %4zu  %s", j + 1, c, p->when, p->n, num(a, sizeof(a), l.typical));
		if (!isnan(l.lo))
			printf(" [%s, %s]", num(a, sizeof(a), l.lo), num(b, sizeof(b), l.hi));
		printf("\n");
	}
}

static int plot(const struct history_series *s, size_t ns, const char *dir, char *err, size_t errlen)
{
	const char *key = runs_metrics[s[0].metric].key;
	char name[64], path[PATH_MAX];
	struct show_axis a = {0};
	FILE *dat = NULL, *gp = NULL;
	int ret;

	if ((ret = axis_of(s, ns, &a))) {
		snprintf(err, errlen, "out of memory");
		return ret;
	}
	snprintf(name, sizeof(name), "history_%s", key);
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	if (!(dat = fopen(path, "w"))) {
		ret = -errno;
		goto ioerr;
	}
	snprintf(path, sizeof(path), "%s/%s.gp", dir, name);
	if (!(gp = fopen(path, "w"))) {
		ret = -errno;
		goto ioerr;
	}
	/* one data block per series: run number on the shared axis, typical, interval */
	for (size_t i = 0; i < ns; i++) {
		fprintf(dat, "# %s\n", s[i].variant);
		for (size_t j = 0; j < s[i].npts; j++) {
			struct effect_loc l;
			if (effect_location(s[i].pts[j].v, s[i].pts[j].n, 0.05, &l))
				continue;
			fprintf(dat, "%d %.9g %.9g %.9g\n", axis_index(&a, &s[i].pts[j]) + 1, l.typical,
				isnan(l.lo) ? l.typical : l.lo, isnan(l.hi) ? l.typical : l.hi);
		}
		fprintf(dat, "\n\n");
	}
	plot_begin(gp, dir, name, 1);
	fprintf(gp, "set title ");
	plot_quote(gp, runs_metrics[s[0].metric].title);
	fprintf(gp, "\nset ylabel ");
	plot_quote(gp, runs_metrics[s[0].metric].label);
	fprintf(gp, "\nset xlabel \"commit (runs in the order they started)\"\nset key below\n");
	fprintf(gp, "set xrange [0.5:%zu.5]\nset xtics rotate by 60 right font ',9' (", a.n);
	/* a label per run, thinned so that at most ~40 are written */
	size_t step = a.n > 40 ? (a.n + 39) / 40 : 1;
	for (size_t i = 0; i < a.n; i += step) {
		char c[16];
		history_short_commit(a.pts[i], c, sizeof(c));
		fprintf(gp, "%s\"%s\" %zu", i ? ", " : "", c, i + 1);
	}
	fprintf(gp, ")\nplot ");
	for (size_t i = 0; i < ns; i++) {
		char title[320], where[512];
		history_series_name(&s[i], title, sizeof(title));
		/* series from other machines, kernels or topologies say which */
		if (strcmp(s[i].host_fp, s[0].host_fp) || strcmp(s[i].kernel, s[0].kernel) ||
		    strcmp(s[i].topology, s[0].topology)) {
			history_series_where(&s[i], where, sizeof(where));
			snprintf(title + strlen(title), sizeof(title) - strlen(title), " (%.200s)", where);
		}
		fprintf(gp,
			"%s'%s.dat' index %zu using 1:2:3:4 with yerrorlines lc rgb \"%s\" lw 1.5 pt 7 ps "
			"0.6 "
			"title ",
			i ? ", \\\n     " : "", name, i, plot_color((int)i));
		plot_quote(gp, title);
	}
	fprintf(gp, "\n");
	plot_end(gp, dir, name);
	ret = 0;
	goto cleanup;
ioerr:
	snprintf(err, errlen, "%.900s: %s", path, strerror(-ret));
cleanup:
	if (dat && fclose(dat) && !ret)
		ret = -EIO, snprintf(err, errlen, "%s/%s.dat: write failed", dir, name);
	if (gp && fclose(gp) && !ret)
		ret = -EIO, snprintf(err, errlen, "%s/%s.gp: write failed", dir, name);
	if (!ret)
		ret = plot_gnuplot(dir, name, err, errlen);
	free(a.pts);
	return ret;
}

int history_show(struct history *h, const struct history_filter *f, const char *outdir)
{
	struct history_series *s = NULL;
	size_t ns = 0;
	char err[1024];
	int ret;

	if (history_load(h, f, &s, &ns, err, sizeof(err))) {
		fprintf(stderr, "wirelab history show: %s\n", err);
		return 2;
	}
	if (!ns) {
		fprintf(stderr, "wirelab history show: no series in %s match (metric %s%s%s)\n", h->path,
			runs_metrics[f->metrics[0]].key, f->variant ? ", variant " : "",
			f->variant ? f->variant : "");
		history_series_free(s, ns);
		return 2;
	}
	for (size_t i = 0; i < ns; i++)
		table(&s[i]);
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		fprintf(stderr, "wirelab history show: %s: %s\n", outdir, strerror(errno));
		ret = 2;
		goto cleanup;
	}
	if (ns > SHOW_PLOT_MAX)
		printf("\nnote: %zu series; the graph shows the first %d (narrow with --variant, --cell)\n",
		       ns, SHOW_PLOT_MAX);
	ret = plot(s, ns > SHOW_PLOT_MAX ? SHOW_PLOT_MAX : ns, outdir, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "wirelab history show: graph: %s\n", err);
		ret = 2;
		goto cleanup;
	}
	printf("\ngraph: %s/history_%s.svg (and .png)\n", outdir, runs_metrics[f->metrics[0]].key);
cleanup:
	history_series_free(s, ns);
	return ret;
}
