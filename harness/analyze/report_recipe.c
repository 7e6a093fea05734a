/*
 * report_recipe: the report's Recipe section (RUN/recipe.json, written by
 * `wirelab recipe run`): the published claim and its source beside what
 * this run measured, measured again here from the run (recipe_measure.c)
 * so a report drawn later from the same folder says the same, and a table
 * of what differs between the source's setup and this run's: the reason
 * two honest figures can disagree.
 */
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recipe.h"
#include "report.h"

static void text_or(FILE *f, const char *s, const char *dflt)
{
	report_html_text(f, s ? s : dflt);
}

static void setup_row(FILE *f, const char *what, const char *theirs, const char *ours)
{
	fputs("<tr><td>", f);
	report_html_text(f, what);
	fputs("</td><td>", f);
	text_or(f, theirs, "not given by the source");
	fputs("</td><td>", f);
	text_or(f, ours, "not available in run.json");
	fputs("</td></tr>\n", f);
}

/* a dotted path ("sysctls.tcp_autocorking") into o, as text */
static const char *path_value(json_t *o, const char *path, char *buf, size_t len)
{
	char key[256];
	const char *dot;

	while (o && (dot = strchr(path, '.')) && json_is_object(o)) {
		json_t *whole = json_object_get(o, path);
		if (whole) {
			o = whole;
			path += strlen(path);
			break;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	if (o && *path)
		o = json_is_object(o) ? json_object_get(o, path) : NULL;
	if (!o)
		return NULL;
	if (json_is_string(o))
		return json_string_value(o);
	if (json_is_integer(o))
		snprintf(buf, len, "%lld", (long long)json_integer_value(o));
	else if (json_is_real(o))
		snprintf(buf, len, "%g", json_real_value(o));
	else if (json_is_boolean(o))
		snprintf(buf, len, "%s", json_is_true(o) ? "yes" : "no");
	else {
		char *s = json_dumps(o, JSON_COMPACT);
		snprintf(buf, len, "%s", s ? s : "?");
		free(s);
	}
	return buf;
}

/* the machine description (run.json "machine", when the sweep wrote one):
 * the items the recipe names, else every top-level scalar */
static void machine_rows(FILE *f, const struct runs_run *run, json_t *recipe)
{
	json_t *m = run->info.machine, *keys = json_object_get(recipe, "machine_keys"), *k, *v;
	json_t *setup = json_object_get(recipe, "source_setup");
	char buf[512];
	const char *key;
	size_t i;

	if (!json_is_object(m)) {
		setup_row(f, "machine (NIC, sysctls, governor)", NULL,
			  "not in this run.json (the sweep that wrote it does not record the machine)");
		return;
	}
	if (json_array_size(keys)) {
		json_array_foreach(keys, i, k)
		{
			const char *p = json_string_value(k);
			setup_row(f, p, json_string_value(json_object_get(setup, p)),
				  path_value(m, p, buf, sizeof(buf)));
		}
		return;
	}
	json_object_foreach(m, key, v) if (!json_is_object(v) && !json_is_array(v))
		setup_row(f, key, NULL, path_value(m, key, buf, sizeof(buf)));
}

/* a JSON array of strings as a <ul>, then tail; nothing when empty */
static void html_list(FILE *f, json_t *a, const char *tail)
{
	json_t *x;
	size_t i;

	if (!json_array_size(a))
		return;
	fputs("<ul>", f);
	json_array_foreach(a, i, x)
	{
		fputs("<li>", f);
		report_html_text(f, json_string_value(x));
		fputs("</li>", f);
	}
	fprintf(f, "</ul>%s", tail);
}

static void setup_table(FILE *f, const struct runs_run *run, json_t *recipe)
{
	json_t *s = json_object_get(recipe, "source_setup");
	const struct results_options *o = &run->info.options;
	char cpu[512], link[512], cores[64];

	fprintf(f, "<h3>What differs in the setup</h3>\n<table>\n<tr><th></th><th>source</th><th>this "
		   "run</th></tr>\n");
	setup_row(f, "hardware (this run: its host name)", json_string_value(json_object_get(s, "hardware")),
		  run->info.host);
	snprintf(cpu, sizeof(cpu), "%s", run->info.cpu_model ? run->info.cpu_model : "?");
	setup_row(f, "CPU", json_string_value(json_object_get(s, "cpu")), cpu);
	if (json_is_integer(json_object_get(s, "cores")))
		snprintf(link, sizeof(link), "%lld",
			 (long long)json_integer_value(json_object_get(s, "cores")));
	snprintf(cores, sizeof(cores), "%ld", run->info.cores);
	setup_row(f, "cores", json_is_integer(json_object_get(s, "cores")) ? link : NULL,
		  run->info.cores > 0 ? cores : NULL);
	setup_row(f, "kernel", json_string_value(json_object_get(s, "kernel")), run->info.kernel);
	setup_row(f, "NIC", json_string_value(json_object_get(s, "nic")),
		  run->info.topology && (!strcmp(run->info.topology, "loopback") ||
					 !strcmp(run->info.topology, "vm"))
			  ? "none: loopback (no NIC, no segmentation, 64 KiB MTU)"
		  : run->info.topology && !strcmp(run->info.topology, "netns")
			  ? "none: a veth pair between namespaces"
			  : NULL);
	snprintf(link, sizeof(link), "topology %s, link rate %s, MTU %s%s",
		 run->info.topology ? run->info.topology : "?",
		 o->link_rate && *o->link_rate ? o->link_rate : "unshaped",
		 o->mtu > 0 ? "" : "left as it was", o->mtu > 0 ? "" : "");
	if (o->mtu > 0)
		snprintf(link + strlen(link), sizeof(link) - strlen(link), " (%ld)", o->mtu);
	setup_row(f, "link", json_string_value(json_object_get(s, "link")), link);
	/* the machine description's word first (run.json "machine",
	 * docs/machine.md), then the profiler's evidence */
	const char *vm_said =
		json_is_object(run->info.machine)
			? path_value(run->info.machine, "virtual_machine.detected", link, sizeof(link))
			: NULL;
	if (vm_said) {
		char ev[256];
		const char *e = path_value(run->info.machine, "virtual_machine.evidence", ev, sizeof(ev));
		snprintf(cpu, sizeof(cpu), "%s%s%s (run.json machine.virtual_machine)", vm_said,
			 e ? ": " : "", e ? e : "");
	} else if (run->info.profile.vm)
		snprintf(cpu, sizeof(cpu), "%s", run->info.profile.vm);
	else if (run->info.topology && !strcmp(run->info.topology, "vm"))
		snprintf(cpu, sizeof(cpu), "the lab VM (docs/labvm.md)");
	else if (run->info.profile.status && !strcmp(run->info.profile.status, "on"))
		snprintf(cpu, sizeof(cpu), "none detected (run.json profile.vm)");
	else
		snprintf(cpu, sizeof(cpu),
			 "not recorded: run.json's profile.vm is looked for by --profile runs");
	setup_row(f, "virtual machine", json_string_value(json_object_get(s, "vm")), cpu);
	snprintf(cpu, sizeof(cpu), "server on CPUs %s, client on CPUs %s",
		 o->server_cpus ? o->server_cpus : "?", o->client_cpus ? o->client_cpus : "?");
	setup_row(f, "server / client", json_string_value(json_object_get(s, "server")), cpu);
	machine_rows(f, run, recipe);
	if (json_string_value(json_object_get(s, "notes")))
		setup_row(f, "notes", json_string_value(json_object_get(s, "notes")), "");
	fprintf(f, "</table>\n");
}

static void plots_line(FILE *f, const struct runs_run *run, json_t *recipe)
{
	json_t *pats = json_object_get(recipe, "plots"), *p;
	char pat[PATH_MAX + 32];
	int shown = 0;
	size_t i;
	glob_t g;

	if (!json_array_size(pats))
		return;
	snprintf(pat, sizeof(pat), "%s/plots/*.svg", run->dir);
	if (glob(pat, 0, NULL, &g))
		return;
	fprintf(f, "<p>This recipe's plots (under Plots below): ");
	for (size_t k = 0; k < g.gl_pathc; k++) {
		char name[256], *b = strrchr(g.gl_pathv[k], '/');
		snprintf(name, sizeof(name), "%s", b ? b + 1 : g.gl_pathv[k]);
		name[strlen(name) - 4] = 0;
		json_array_foreach(pats, i, p) if (!fnmatch(json_string_value(p), name, 0))
		{
			fprintf(f, "%s", shown++ ? ", " : "");
			report_html_text(f, name);
			break;
		}
	}
	fprintf(f, "%s</p>\n", shown ? "" : "none of them was drawn");
	globfree(&g);
}

void report_recipe_html(FILE *f, const struct runs_run *run)
{
	char path[PATH_MAX + 32];
	json_t *j, *r, *src, *claim, *res, *x;
	json_error_t je;
	size_t i;

	snprintf(path, sizeof(path), "%s/recipe.json", run->dir);
	if (access(path, R_OK))
		return;
	if (!(j = json_load_file(path, 0, &je))) {
		fprintf(f, "<h2>Recipe</h2>\n<p>%s: cannot be read: ", "recipe.json");
		report_html_text(f, je.text);
		fprintf(f, "</p>\n");
		return;
	}
	r = json_object_get(j, "recipe");
	src = json_object_get(r, "source");
	claim = json_object_get(r, "claim");
	res = recipe_measure_all(run, json_object_get(r, "measure"));
	fprintf(f, "<h2 id=\"recipe\">Recipe: ");
	text_or(f, json_string_value(json_object_get(r, "title")), "?");
	fprintf(f, "</h2>\n<p>");
	text_or(f, json_string_value(json_object_get(r, "name")), "?");
	fprintf(f, ", %s version", json_is_true(json_object_get(j, "quick")) ? "the --quick" : "the full");
	if (json_string_value(json_object_get(j, "sweep_label"))) {
		const char *label = json_string_value(json_object_get(j, "sweep_label"));
		/* a recipe of several sweeps: a run folder each, side by side */
		fprintf(f, ", its ");
		report_html_text(f, label);
		fprintf(f, " sweep (the others: ");
		json_array_foreach(json_object_get(r, "sweeps"), i, x)
		{
			const char *l = json_string_value(json_object_get(x, "label"));
			if (!l || !strcmp(l, label))
				continue;
			fprintf(f, "<a href=\"../");
			report_html_text(f, l);
			fprintf(f, "/report.html\">");
			report_html_text(f, l);
			fprintf(f, "</a> ");
		}
		fprintf(f, "; ../recipe.json has every sweep's result)");
	}
	if (json_array_size(json_object_get(j, "overrides"))) {
		fprintf(f, ", with ");
		json_array_foreach(json_object_get(j, "overrides"), i, x)
		{
			fputs(i ? " " : "", f);
			report_html_text(f, json_string_value(x));
		}
	}
	fprintf(f, ".</p>\n<table class=\"recipe\">\n<tr><th>published</th><th>measured here</th></tr>\n"
		   "<tr><td>");
	text_or(f, json_string_value(json_object_get(claim, "text")), "");
	html_list(f, json_object_get(claim, "figures"), "");
	fprintf(f, "<p>Source: ");
	text_or(f, json_string_value(json_object_get(src, "author")), "");
	fprintf(f, ", <i>");
	text_or(f, json_string_value(json_object_get(src, "title")), "");
	fprintf(f, "</i>, ");
	text_or(f, json_string_value(json_object_get(src, "date")), "");
	if (json_string_value(json_object_get(src, "url"))) {
		fprintf(f, ", <a href=\"");
		report_html_text(f, json_string_value(json_object_get(src, "url")));
		fprintf(f, "\">");
		report_html_text(f, json_string_value(json_object_get(src, "url")));
		fprintf(f, "</a>");
	}
	fprintf(f, "</p></td><td><ul>");
	json_array_foreach(res, i, x)
	{
		const char *label = json_string_value(json_object_get(x, "label"));
		fputs("<li>", f);
		if (label) {
			fputs("<b>", f);
			report_html_text(f, label);
			fputs(":</b> ", f);
		}
		text_or(f, json_string_value(json_object_get(x, "text")), "");
		fputs("</li>", f);
	}
	fprintf(f, "</ul></td></tr>\n</table>\n");
	html_list(f, json_object_get(r, "notes"), "\n");
	plots_line(f, run, r);
	setup_table(f, run, r);
	json_decref(res);
	json_decref(j);
}
