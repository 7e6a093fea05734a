/* report_html: RUN/report.html, one self-contained file: every plot inlined
 * (base64 SVG), the run's settings, the decision tables and the notes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine.h"
#include "recipe.h"
#include "report.h"

void report_html_text(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
}

/* Copy path into f as base64. */
static int base64_file(FILE *f, const char *path)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	FILE *in = fopen(path, "rb");
	unsigned char b[3];
	size_t n;

	if (!in)
		return -errno;
	while ((n = fread(b, 1, 3, in)) > 0) {
		unsigned v = b[0] << 16 | (n > 1 ? b[1] << 8 : 0) | (n > 2 ? b[2] : 0);
		fputc(tab[v >> 18 & 63], f);
		fputc(tab[v >> 12 & 63], f);
		fputc(n > 1 ? tab[v >> 6 & 63] : '=', f);
		fputc(n > 2 ? tab[v & 63] : '=', f);
	}
	fclose(in);
	return 0;
}

/* run.json as rows "a.b.c | value" */
static void settings_rows(FILE *f, json_t *v, const char *prefix)
{
	const char *key;
	json_t *sub;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, sub)
		{
			char p[256];
			/* these have sections of their own (Machine; Machine noise and tuning) */
			if (!*prefix &&
			    (!strcmp(key, "machine") || !strcmp(key, "tune") || !strcmp(key, "calibration")))
				continue;
			snprintf(p, sizeof(p), "%s%s%s", prefix, *prefix ? "." : "", key);
			settings_rows(f, sub, p);
		}
		return;
	}
	fputs("<tr><th>", f);
	report_html_text(f, prefix);
	fputs("</th><td>", f);
	if (json_is_array(v)) {
		json_array_foreach(v, i, sub)
		{
			char *s =
				json_is_string(sub) ? NULL : json_dumps(sub, JSON_ENCODE_ANY | JSON_COMPACT);
			if (i)
				fputs(", ", f);
			report_html_text(f, s ? s : json_string_value(sub));
			free(s);
		}
	} else {
		char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);
		report_html_text(f, s ? s : json_string_value(v));
		free(s);
	}
	fputs("</td></tr>\n", f);
}

static const char style[] =
	"body{font-family:Helvetica,Arial,sans-serif;max-width:1150px;margin:1em auto;color:#222}"
	"table{border-collapse:collapse;margin:1em 0;font-size:90%}td,th{border:1px solid #ccc;padding:2px "
	"6px;text-align:left}"
	"caption{font-weight:bold;text-align:left}tr.tie td{color:#666;font-style:italic}"
	"figure{margin:1.5em 0}img{max-width:100%;border:1px solid "
	"#eee}#plot-check{color:#666;font-size:80%}";

/* After load, count plots that did not render (naturalWidth 0) and say so
 * in the page; tests read it back from the DOM. */
static const char check_script[] =
	"<script>window.addEventListener('load',function(){var "
	"i=document.querySelectorAll('img.plot'),ok=0,bad=[];"
	"for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0)ok++;else bad.push(i[k].alt);}"
	"var e=document.getElementById('plot-check');e.textContent='plots rendered: '+ok+' of '+i.length+"
	"(bad.length?'; failed: '+bad.join(', "
	"'):'');e.setAttribute('data-ok',ok);e.setAttribute('data-total',i.length);});"
	"</script>\n";

static int write_html(const struct runs_run *run, json_t *plots, const char *path)
{
	FILE *f = fopen(path, "w");
	char svg[PATH_MAX + 256];
	size_t i;
	json_t *p;

	if (!f)
		return -errno;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>wirelab run ");
	report_html_text(f, run->info.run_id ? run->info.run_id : run->dir);
	fprintf(f, "</title><style>%s</style>\n%s</head><body>\n<h1>wirelab run ", style, check_script);
	report_html_text(f, run->info.run_id ? run->info.run_id : run->dir);
	fprintf(f, "</h1>\n<p id=\"plot-check\">plots not checked (scripts off)</p>\n<p>");
	fprintf(f, "Host ");
	report_html_text(f, run->info.host ? run->info.host : "?");
	fprintf(f, ", kernel ");
	report_html_text(f, run->info.kernel ? run->info.kernel : "?");
	fprintf(f, ", CPU ");
	report_html_text(f, run->info.cpu_model ? run->info.cpu_model : "?");
	fprintf(f, " (%ld cores), topology ", run->info.cores);
	report_html_text(f, run->info.topology ? run->info.topology : "?");
	fprintf(f, ", commit ");
	report_html_text(f, run->info.git_commit ? run->info.git_commit : "?");
	fprintf(f,
		". %zu measured windows in %zu cells. Plots show medians over repetitions with the "
		"distribution-free interval of the median (below 6 repetitions: the range); the decision "
		"tables compare typical values with intervals that hold across the run's looks.</p>\n",
		run->rows, run->ncells);
	if (run->info.topology && !strcmp(run->info.topology, "loopback"))
		fprintf(f, "<p><b>Loopback:</b> the kernel takes shortcuts here (64 KiB MTU, no real "
			   "segmentation); "
			   "figures do not carry over to a NIC.</p>\n");
	report_recipe_html(f, run);
	fprintf(f, "<h2>Notes</h2>\n<ul>\n");
	if (!run->nnotes)
		fprintf(f, "<li>none: every window was measured and none was client-bound</li>\n");
	for (i = 0; i < run->nnotes; i++) {
		fputs("<li>", f);
		report_html_text(f, run->notes[i]);
		fputs("</li>\n", f);
	}
	fprintf(f,
		"</ul>\n<h2>Decisions</h2>\n<p>Best of our variants per workload, against the "
		"runner-up: the ratio of their typical values (trimmed geometric means) with its interval, "
		"and the verdict: better, equivalent within the margin, or not decided yet (grey italics). "
		"Rules: docs/statistics.md.</p>\n");
	report_decision_table(f, run, RUNS_RPS, NULL, 1);
	report_decision_table(f, run, RUNS_CPU, NULL, 1);
	report_floor_table(f, run, RUNS_CPU);
	report_floor_table(f, run, RUNS_RPS);
	fprintf(f, "<h2>Plots</h2>\n");
	json_array_foreach(plots, i, p)
	{
		const char *name = json_string_value(json_object_get(p, "name"));
		json_t *xs = json_object_get(p, "crossovers"), *x;
		size_t k;
		fprintf(f, "<figure><img class=\"plot\" alt=\"%s\" src=\"data:image/svg+xml;base64,", name);
		snprintf(svg, sizeof(svg), "%s/plots/%s.svg", run->dir, name);
		if (base64_file(f, svg)) {
			fclose(f);
			return -ENOENT;
		}
		fprintf(f, "\"><figcaption>%s", name);
		json_array_foreach(xs, k, x)
		{
			fputs("<br>crossover: ", f);
			report_html_text(f, json_string_value(json_object_get(x, "text")));
		}
		fprintf(f, "</figcaption></figure>\n");
	}
	report_syscalls_html(f, run);
	report_profiles_html(f, run);
	report_machine_html(f, run->info.machine);
	report_tune_html(f, run);
	fprintf(f, "<h2>Settings (run.json)</h2>\n<table>\n");
	settings_rows(f, run->meta, "");
	fprintf(f, "</table>\n</body></html>\n");
	return fclose(f) ? -EIO : 0;
}

int report_all(const char *run_dir)
{
	char err[1024], path[PATH_MAX + 256];
	struct runs_run run;
	json_t *plots = NULL;
	json_error_t je;
	int ret;

	ret = runs_load(run_dir, &run, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "wirelab report: %s\n", err);
		return ret;
	}
	ret = plot_run(&run, err, sizeof(err));
	for (int m = RUNS_RPS; !ret && m <= RUNS_CPU; m += RUNS_CPU - RUNS_RPS)
		if ((ret = plot_decision_map(&run, m, err, sizeof(err))) == -ENOENT)
			ret = 0;
	if (ret) {
		fprintf(stderr, "wirelab report: %s\n", err);
		goto cleanup;
	}
	snprintf(path, sizeof(path), "%s/plots/plots.json", run.dir);
	plots = json_load_file(path, 0, &je);
	if (!plots) {
		fprintf(stderr, "wirelab report: %s: %s\n", path, je.text);
		ret = -EINVAL;
		goto cleanup;
	}
	/* the decision maps join the plots listed by plot_run */
	for (int m = RUNS_RPS; m <= RUNS_CPU; m += RUNS_CPU - RUNS_RPS) {
		char name[64];
		snprintf(name, sizeof(name), "decision_%s", runs_metrics[m].key);
		snprintf(path, sizeof(path), "%s/plots/%s.svg", run.dir, name);
		if (!access(path, R_OK))
			json_array_append_new(plots, json_pack("{s:s}", "name", name));
	}
	snprintf(path, sizeof(path), "%s/report.html", run.dir);
	ret = write_html(&run, plots, path);
	if (ret)
		fprintf(stderr, "wirelab report: %s: %s\n", path, strerror(-ret));
	else
		printf("report: %s\nplots:  %s/plots/\n", path, run.dir);
cleanup:
	json_decref(plots);
	runs_free(&run);
	return ret;
}
