/*
 * report_profile: the report's CPU profiles (a sweep with --profile): per
 * cell, a bar per variant of the server's CPU time per request split
 * into function groups (the cell's largest groups, the rest together),
 * drawn as inline SVG, with links to each repetition's flame graph under
 * profiles/ (the only things report.html points outside itself for).
 * A variant's figure is over its repetitions: each group's µs per
 * request weighted by the repetitions' requests, as `wirelab profile
 * diff RUN --cell` sums them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "profile_groups.h"
#include "report.h"
#include "results_profiles.h"

#define TOP_GROUPS 6		    /* bars stay readable; the rest is one segment */
#define NSEG	   (WL_GROUP_N + 1) /* every group and "rest" */
#define LABEL_W	   300
#define BAR_W	   480
#define ROW_H	   22

/* one colour per group, in WL_GROUPS order, then the rest */
static const char *const colour[NSEG] = {"#d62728", "#1f77b4", "#9ecae1", "#7f7f7f", "#2ca02c", "#98df8a",
					 "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#c7c7c7", "#eeeeee"};

struct pvar {
	const char *variant;
	double us[WL_GROUP_N]; /* per request, over the repetitions */
	double total, samples_per_req;
	json_t *names; /* the repetitions' file names */
};

static int group_index(const char *key)
{
	for (int g = 0; g < WL_GROUP_N; g++)
		if (!strcmp(key, wl_group_key(g)))
			return g;
	return WL_GROUP_OTHER; /* a group this build does not know */
}

/* gather: variant's repetitions at the cell; 0 when it has no profile */
static int gather(json_t *rows, const char *variant, long size, long conns, struct pvar *v)
{
	double req = 0, samples = 0, acc[WL_GROUP_N] = {0};
	size_t i;
	json_t *o;

	memset(v, 0, sizeof(*v));
	v->variant = variant;
	json_array_foreach(rows, i, o)
	{
		const char *grp = json_string_value(json_object_get(o, "group"));
		double r = json_number_value(json_object_get(o, "requests"));
		if (!results_profile_at(o, variant, size, conns) || !grp)
			continue;
		if (strcmp(grp, RESULTS_PROFILE_TOTAL)) {
			acc[group_index(grp)] += json_number_value(json_object_get(o, "us_per_req")) * r;
			continue;
		}
		struct results_key k = results_profile_key(o);
		char name[256];
		results_profile_name(&k, name, sizeof(name));
		if (!v->names)
			v->names = json_array();
		json_array_append_new(v->names,
				      json_pack("{s:s,s:I}", "name", name, "rep", (json_int_t)k.rep));
		req += r;
		samples += json_number_value(json_object_get(o, "samples"));
	}
	if (!v->names || req <= 0) {
		json_decref(v->names);
		v->names = NULL;
		return 0;
	}
	for (int g = 0; g < WL_GROUP_N; g++) {
		v->us[g] = acc[g] / req;
		v->total += v->us[g];
	}
	v->samples_per_req = samples / req;
	return 1;
}

static int by_size(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return (x[1] < y[1]) - (x[1] > y[1]);
}

/* top: the cell's largest groups (by their largest bar), into seg[] (-1: rest) */
static void top_groups(const struct pvar *v, int n, int *top, int *ntop)
{
	double order[WL_GROUP_N][2];

	for (int g = 0; g < WL_GROUP_N; g++) {
		order[g][0] = g;
		order[g][1] = 0;
		for (int k = 0; k < n; k++)
			order[g][1] = fmax(order[g][1], v[k].us[g]);
	}
	qsort(order, WL_GROUP_N, sizeof(order[0]), by_size);
	*ntop = 0;
	for (int g = 0; g < WL_GROUP_N && *ntop < TOP_GROUPS; g++)
		if (order[g][1] > 0)
			top[(*ntop)++] = (int)order[g][0];
}

/* a step of 1, 2 or 5 x 10^k giving about 5 ticks up to max */
static double tick_step(double max)
{
	double raw = max / 5, p = pow(10, floor(log10(raw))), m = raw / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void svg_bars(FILE *f, const struct pvar *v, int n, const int *top, int ntop)
{
	double max = 0, step;
	int h = n * ROW_H + 34;

	for (int k = 0; k < n; k++)
		max = fmax(max, v[k].total);
	if (max <= 0)
		return;
	step = tick_step(max);
	max = ceil(max / step) * step;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"12\" "
		"font-family=\"Helvetica,Arial,sans-serif\">\n",
		LABEL_W + BAR_W + 80, h);
	for (double t = 0; t <= max + step / 2; t += step) {
		double x = LABEL_W + t / max * BAR_W;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" "
			"y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%g</text>\n",
			x, x, n * ROW_H, x, n * ROW_H + 14, t);
	}
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">µs of server CPU per "
		"request</text>\n",
		LABEL_W + BAR_W / 2, n * ROW_H + 27);
	for (int k = 0; k < n; k++) {
		double x = LABEL_W, y = k * ROW_H + 3;
		fprintf(f, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">", LABEL_W - 6, y + 13);
		report_html_text(f, v[k].variant);
		fputs("</text>\n", f);
		for (int s = 0; s <= ntop; s++) {
			double us = 0;
			int c = s < ntop ? top[s] : WL_GROUP_N;
			if (s < ntop)
				us = v[k].us[top[s]];
			else
				for (int g = 0; g < WL_GROUP_N; g++) {
					int shown = 0;
					for (int t = 0; t < ntop; t++)
						shown |= top[t] == g;
					us += shown ? 0 : v[k].us[g];
				}
			double w = us / max * BAR_W;
			if (w <= 0)
				continue;
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" "
				"fill=\"%s\"><title>",
				x, y, w, ROW_H - 6, colour[c]);
			report_html_text(f, v[k].variant);
			fprintf(f, ": %s %.2f µs per request (%.0f%%)</title></rect>\n",
				s < ntop ? wl_group_key(c) : "other groups", us, 100 * us / v[k].total);
			x += w;
		}
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" fill=\"#333\">%.1f</text>\n", x + 4, y + 13,
			v[k].total);
	}
	fputs("</svg>\n", f);
}

static void legend(FILE *f, const int *top, int ntop)
{
	fputs("<p>", f);
	for (int s = 0; s <= ntop; s++) {
		int c = s < ntop ? top[s] : WL_GROUP_N;
		fprintf(f,
			"<span style=\"display:inline-block;width:10px;height:10px;background:%s;"
			"border:1px solid #999\"></span> %s &nbsp; ",
			colour[c], s < ntop ? wl_group_title(c) : "the other groups");
	}
	fputs("</p>\n", f);
}

static void links(FILE *f, const struct pvar *v, int n)
{
	fputs("<table>\n<tr><th>variant</th><th>µs per request (profiled)</th><th>samples per "
	      "request</th><th>flame graphs</th></tr>\n",
	      f);
	for (int k = 0; k < n; k++) {
		size_t i;
		json_t *e;
		fputs("<tr><td>", f);
		report_html_text(f, v[k].variant);
		fprintf(f, "</td><td>%.2f</td><td>%.4f</td><td>", v[k].total, v[k].samples_per_req);
		json_array_foreach(v[k].names, i, e)
		{
			fputs(i ? " &middot; <a href=\"profiles/" : "<a href=\"profiles/", f);
			report_html_text(f, json_string_value(json_object_get(e, "name")));
			fprintf(f, ".svg\">rep %lld</a>",
				(long long)json_integer_value(json_object_get(e, "rep")));
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void intro(FILE *f, const struct runs_run *run)
{
	const struct results_profile_meta *m = &run->info.profile;

	fprintf(f, "<h2>CPU profiles</h2>\n<p>Where the server's CPU time per request goes, by function "
		   "group (docs/profile.md has the rule that puts each sample in one group), from the "
		   "sweep's profiles (");
	report_html_text(f, m->event ? m->event : "?");
	fprintf(f,
		" sampling at %ld Hz). A bar is over the variant's repetitions, weighted by their "
		"requests; hover a segment for its figure. <code>wirelab profile diff RUN --cell SIZE/CONNS "
		"A B</code> compares two variants function by function.</p>\n",
		run->info.options.profile_hz);
	if (m->vm_detected) {
		fprintf(f, "<p><b>Virtual machine</b> (");
		report_html_text(f, m->vm ? m->vm : "detected");
		fprintf(f,
			"): a timer cannot sample code that runs with interrupts off, and %s. Time in "
			"interrupt handlers shows where they end (group other). See docs/profile.md, "
			"<i>Virtual machines</i>.</p>\n",
			m->irq_reattribution
				? "the samples it delivers late, at the point interrupts come back "
				  "on, were given to the function whose interrupts-off section "
				  "ended there, not to the unlock"
				: "nothing was moved");
	}
	if (m->overhead) {
		fputs("<p>Cost of profiling: ", f);
		report_html_text(f, m->overhead);
		fputs(".</p>\n", f);
	}
}

void report_profiles_html(FILE *f, const struct runs_run *run)
{
	long *sizes = NULL, *conns = NULL;
	const char **names = NULL;
	struct pvar *v = NULL;
	json_t *rows = NULL;
	char err[512];
	int ns, nc, nv;

	if (results_profiles_load(run->dir, &rows, err, sizeof(err))) {
		fprintf(f, "<h2>CPU profiles</h2>\n<p>Not shown: ");
		report_html_text(f, err);
		fputs("</p>\n", f);
		return;
	}
	if (!rows || !json_array_size(rows))
		goto cleanup;
	ns = runs_sizes(run, &sizes);
	nc = runs_conns(run, &conns);
	nv = runs_variants(run, &names);
	if (ns < 0 || nc < 0 || nv < 0 || !(v = calloc((size_t)nv + 1, sizeof(*v))))
		goto cleanup;
	intro(f, run);
	for (int s = 0; s < ns; s++)
		for (int c = 0; c < nc; c++) {
			int n = 0, top[TOP_GROUPS], ntop;
			char sz[32];
			for (int k = 0; k < nv; k++)
				n += gather(rows, names[k], sizes[s], conns[c], &v[n]);
			if (!n)
				continue;
			runs_size_str(sizes[s], sz, sizeof(sz));
			fprintf(f, "<h3>%s, %ld connection%s</h3>\n", sz, conns[c], conns[c] > 1 ? "s" : "");
			top_groups(v, n, top, &ntop);
			svg_bars(f, v, n, top, ntop);
			legend(f, top, ntop);
			links(f, v, n);
			for (int k = 0; k < n; k++)
				json_decref(v[k].names);
		}
cleanup:
	free(v);
	free(sizes);
	free(conns);
	free(names);
	json_decref(rows);
}
