/*
 * cmd_recipe: `wirelab recipe list | show NAME | run NAME [--quick]
 * [--out DIR] [sweep options]` (docs/recipes.md). A recipe is a published
 * claim and the sweep that reproduces it; run sweeps in-process (as the
 * demo does), measures what the recipe names (recipe_measure.c), writes
 * RUN/recipe.json, draws the plots and the report (whose Recipe section
 * reads recipe.json), and ends with the claim beside the measured result.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "recipe.h"
#include "recipe_file.h"
#include "report.h"
#include "runs.h"
#include "sweep_opts.h"
#include "sweep_proc.h"
#include "sweep_run.h"
#include "topo.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: wirelab recipe list\n"
		   "       wirelab recipe show NAME|--file PATH\n"
		   "       wirelab recipe run NAME|--file PATH [--quick] [--out DIR] [sweep options]\n"
		   "  a recipe (recipes/NAME.json, docs/recipes.md) is a published claim and the sweep\n"
		   "  that reproduces it; run sweeps, measures, writes RUN/recipe.json and the report,\n"
		   "  and prints the claim beside the measured result. --quick: its short version\n"
		   "  (a few minutes on 2 cores). Sweep options given replace the recipe's.\n");
}

static int cmd_list(void)
{
	char err[2048], path[PATH_MAX], **names;
	int n = recipe_names(&names, err, sizeof(err)), bad = 0;

	if (n < 0) {
		fprintf(stderr, "wirelab recipe: %s\n", err);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		json_t *r;
		if (recipe_path(names[i], path, sizeof(path), err, sizeof(err)) ||
		    recipe_load(path, &r, err, sizeof(err))) {
			printf("%-26s (does not load: %s)\n", names[i], err);
			bad = 1;
			continue;
		}
		if (strcmp(names[i], json_string_value(json_object_get(r, "name")))) {
			printf("%-26s (does not load: key 'name' is '%s', not the file's name)\n", names[i],
			       json_string_value(json_object_get(r, "name")));
			bad = 1;
		} else
			printf("%-26s %s\n", names[i], json_string_value(json_object_get(r, "title")));
		json_decref(r);
	}
	recipe_names_free(names, n);
	return bad;
}

/* NAME or --file PATH at argv[*i]; the loaded recipe, or NULL with the
 * message printed */
static json_t *load_arg(int argc, char **argv, int *i, char *path, size_t len)
{
	char err[2048];
	const char *name = NULL;
	json_t *r;

	if (*i < argc && !strcmp(argv[*i], "--file") && *i + 1 < argc) {
		snprintf(path, len, "%s", argv[*i + 1]);
		*i += 2;
	} else if (*i < argc && !strncmp(argv[*i], "--file=", 7)) {
		snprintf(path, len, "%s", argv[(*i)++] + 7);
	} else if (*i < argc && argv[*i][0] != '-') {
		name = argv[(*i)++];
		if (recipe_path(name, path, len, err, sizeof(err))) {
			fprintf(stderr, "wirelab recipe: %s\n", err);
			return NULL;
		}
	} else {
		fprintf(stderr,
			"wirelab recipe: expected a recipe NAME or --file PATH (wirelab recipe list)\n");
		return NULL;
	}
	if (recipe_load(path, &r, err, sizeof(err))) {
		fprintf(stderr, "wirelab recipe: %s\n", err);
		return NULL;
	}
	if (name && strcmp(name, json_string_value(json_object_get(r, "name")))) {
		fprintf(stderr, "wirelab recipe: %s: key 'name' is '%s', not the file's name '%s'\n", path,
			json_string_value(json_object_get(r, "name")), name);
		json_decref(r);
		return NULL;
	}
	return r;
}

static void print_cmdline(const char *what, json_t *opts)
{
	int n;
	char **argv = recipe_argv(opts, &n);

	printf("%s: wirelab", what);
	for (int i = 0; argv && i < n; i++)
		printf(" %s", argv[i]);
	printf("\n");
	recipe_argv_free(argv);
}

static void print_strings(const char *head, json_t *a)
{
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x) printf("%s%s\n", head, json_string_value(x));
}

static void print_source(json_t *r)
{
	json_t *s = json_object_get(r, "source"), *c = json_object_get(r, "claim");
	const char *k;
	json_t *v;

	printf("source: %s", json_string_value(json_object_get(s, "title")) ?: "");
	for (const char *const *f = (const char *const[]){"author", "date", "url", "where", NULL}; *f; f++)
		if (json_string_value(json_object_get(s, *f)))
			printf(", %s", json_string_value(json_object_get(s, *f)));
	printf("\nclaim:  %s\n", json_string_value(json_object_get(c, "text")));
	print_strings("  figure: ", json_object_get(c, "figures"));
	printf("their setup:\n");
	json_object_foreach(json_object_get(r, "source_setup"), k, v)
	{
		if (json_is_string(v))
			printf("  %-9s %s\n", k, json_string_value(v));
		else
			printf("  %-9s %lld\n", k, (long long)json_integer_value(v));
	}
}

static int cmd_show(int argc, char **argv)
{
	char path[PATH_MAX], err[1024];
	int i = 1;
	json_t *r = load_arg(argc, argv, &i, path, sizeof(path)), *full, *quick, *m;
	size_t k;

	if (!r)
		return 2;
	printf("%s: %s\n(%s)\n", json_string_value(json_object_get(r, "name")),
	       json_string_value(json_object_get(r, "title")), path);
	print_source(r);
	if (!json_array_size(json_object_get(r, "sweeps"))) {
		full = recipe_options(r, NULL, 0, NULL, 0, err, sizeof(err));
		quick = recipe_options(r, NULL, 1, NULL, 0, err, sizeof(err));
		print_cmdline("sweep (full)", full);
		print_cmdline("sweep (--quick)", quick);
		json_decref(full);
		json_decref(quick);
	}
	json_array_foreach(json_object_get(r, "sweeps"), k, m)
	{
		char what[128];
		const char *l = json_string_value(json_object_get(m, "label"));
		full = recipe_options(r, m, 0, NULL, 0, err, sizeof(err));
		quick = recipe_options(r, m, 1, NULL, 0, err, sizeof(err));
		snprintf(what, sizeof(what), "sweep %s (full)", l);
		print_cmdline(what, full);
		snprintf(what, sizeof(what), "sweep %s (--quick)", l);
		print_cmdline(what, quick);
		json_decref(full);
		json_decref(quick);
	}
	printf("measure:\n");
	json_array_foreach(json_object_get(r, "measure"), k, m)
	{
		const char *a = json_string_value(json_object_get(m, "a")),
			   *b = json_string_value(json_object_get(m, "b"));
		printf("  %s of %s", json_string_value(json_object_get(m, "kind")),
		       json_string_value(json_object_get(m, "metric")));
		if (a && b)
			printf(": %s against %s", a, b);
		if (json_object_get(m, "along"))
			printf(" along %s", json_string_value(json_object_get(m, "along")));
		printf("\n");
	}
	if (json_array_size(json_object_get(r, "plots"))) {
		printf("plots:  %s\n", recipe_value_str(json_object_get(r, "plots")));
	}
	print_strings("note:   ", json_object_get(r, "notes"));
	json_decref(r);
	return 0;
}

/* how a recipe is being run: what every one of its sweeps shares */
struct recipe_run {
	json_t *r;
	const char *path;
	int quick;
	char **ov;
	int nov;
	double t0;
	json_t *runs; /* {label, dir, sweep_options, result} per sweep run */
};

/* RUN/recipe.json: the recipe as read, how it was run (label: which of
 * its sweeps, or NULL) and the result */
static int write_record(const char *dir, const struct recipe_run *x, const char *label, json_t *opts,
			json_t *result)
{
	char file[PATH_MAX + 32];
	json_t *j, *o = json_array();
	int ret;

	for (int i = 0; o && i < x->nov; i++)
		json_array_append_new(o, json_string(x->ov[i]));
	j = json_pack("{s:i, s:s, s:O, s:b, s:o}", "recipe_format", RECIPE_FORMAT, "file", x->path, "recipe",
		      x->r, "quick", x->quick, "overrides", o);
	if (!j)
		return -ENOMEM;
	if (label)
		json_object_set_new(j, "sweep_label", json_string(label));
	if (opts)
		json_object_set(j, "sweep_options", opts);
	json_object_set(j, result ? "result" : "runs", result ? result : x->runs);
	json_object_set_new(j, "seconds", json_real(sweep_now() - x->t0));
	snprintf(file, sizeof(file), "%s/recipe.json", dir);
	ret = json_dump_file(j, file, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ? -EIO : 0;
	if (ret)
		fprintf(stderr, "wirelab recipe: %s: cannot write it\n", file);
	json_decref(j);
	return ret;
}

static void print_result(const struct recipe_run *x)
{
	json_t *r = x->r, *c = json_object_get(r, "claim"), *run, *m;
	size_t i, k;

	printf("\n== %s\n", json_string_value(json_object_get(r, "title")));
	printf("published: %s\n", json_string_value(json_object_get(c, "text")));
	print_strings("           ", json_object_get(c, "figures"));
	printf("           (%s, %s)\n",
	       json_string_value(json_object_get(json_object_get(r, "source"), "author")) ?: "?",
	       json_string_value(json_object_get(json_object_get(r, "source"), "url")) ?: "?");
	json_array_foreach(x->runs, k, run)
	{
		const char *label = json_string_value(json_object_get(run, "label"));
		printf(label ? "measured (%s sweep, %s):\n" : "measured%s (%s):\n", label ? label : "",
		       json_string_value(json_object_get(run, "dir")));
		json_array_foreach(json_object_get(run, "result"), i, m)
		{
			const char *l = json_string_value(json_object_get(m, "label"));
			printf("  %s%s%s\n", l ? l : "", l ? ": " : "",
			       json_string_value(json_object_get(m, "text")));
		}
	}
}

/* One sweep of the recipe (sub: one of its "sweeps", or NULL for its
 * "sweep"), into out (NULL: the options' own --out): the sweep, the
 * measures, RUN/recipe.json and the report. 0, 2 for options the sweep
 * refuses, 1 otherwise. */
static int run_sweep(struct recipe_run *x, json_t *sub, const char *out)
{
	const char *label = json_string_value(json_object_get(sub, "label"));
	char err[2048], dir[PATH_MAX];
	json_t *opts, *result = NULL;
	char **sargv = NULL;
	int sargc, ret = 1;
	struct runs_run run;
	struct sweep_opts o;

	if (!(opts = recipe_options(x->r, sub, x->quick, x->ov, x->nov, err, sizeof(err)))) {
		fprintf(stderr, "wirelab recipe: %s\n", err);
		return 2;
	}
	if (out)
		json_object_set_new(opts, "out", json_string(out));
	if (!(sargv = recipe_argv(opts, &sargc)))
		goto out;
	print_cmdline(x->quick ? "recipe --quick" : "recipe", opts);
	ret = sweep_opts_parse(sargc, sargv, &o, err, sizeof(err));
	if (ret) {
		/* a full version may use sweep options a build does not have
		 * yet (size ranges, --requests); its quick one should not */
		fprintf(stderr, "wirelab recipe: %s: the sweep options: %s%s\n", x->path,
			ret == 1 ? "--help is the sweep's (wirelab sweep --help)" : err,
			x->quick ? ""
				 : " (the full version may need options this wirelab lacks: try --quick)");
		ret = 2;
		goto out;
	}
	/* as cmd_sweep does: a vm sweep runs whole inside scripts/labvm, and
	 * its folder is copied out to --out (which the recipe always sets) */
	if (o.topology == TOPO_VM && !topo_vm_inside()) {
		snprintf(dir, sizeof(dir), "%s", o.out);
		ret = sweep_vm_run(&o);
	} else
		ret = sweep_main(&o, dir, sizeof(dir));
	sweep_opts_free(&o);
	if (ret)
		goto out;
	ret = 1;
	if (runs_load(dir, &run, err, sizeof(err))) {
		fprintf(stderr, "wirelab recipe: %s\n", err);
		goto out;
	}
	result = recipe_measure_all(&run, json_object_get(x->r, "measure"));
	runs_free(&run);
	if (!result || write_record(dir, x, label, opts, result))
		goto out;
	if (report_all(dir))
		fprintf(stderr, "wirelab recipe: the report could not be drawn (recipe.json stands)\n");
	json_array_append_new(x->runs, json_pack("{s:s?, s:s, s:O, s:O}", "label", label, "dir", dir,
						 "sweep_options", opts, "result", result));
	ret = 0;
out:
	recipe_argv_free(sargv);
	json_decref(result);
	json_decref(opts);
	return ret;
}

static int cmd_run(int argc, char **argv)
{
	char path[PATH_MAX], err[2048], out[PATH_MAX] = "";
	struct recipe_run x = {
		.ov = calloc(argc + 1, sizeof(char *)), .t0 = sweep_now(), .runs = json_array()};
	json_t *opts = NULL, *sweeps, *sub;
	int i = 1, ret = 2;
	size_t k;

	if (!x.ov || !x.runs) {
		ret = 1;
		goto out;
	}
	if (!(x.r = load_arg(argc, argv, &i, path, sizeof(path))))
		goto out;
	x.path = path;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			x.quick = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			ret = 0;
			goto out;
		} else
			x.ov[x.nov++] = argv[i];
	}
	if (!(opts = recipe_options(x.r, NULL, x.quick, x.ov, x.nov, err, sizeof(err)))) {
		fprintf(stderr, "wirelab recipe: %s\n", err);
		goto out;
	}
	sweeps = json_object_get(x.r, "sweeps");
	if (json_object_get(opts, "out"))
		snprintf(out, sizeof(out), "%s", json_string_value(json_object_get(opts, "out")) ?: "");
	else if (!json_object_get(opts, "resume")) {
		/* the default folder says which recipe it holds */
		time_t now = time(NULL);
		struct tm tm;
		char when[32];
		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
		mkdir("results", 0755);
		snprintf(out, sizeof(out), "results/recipe-%s%s-%s",
			 json_string_value(json_object_get(x.r, "name")), x.quick ? "-quick" : "", when);
	}
	if (!json_array_size(sweeps)) {
		if ((ret = run_sweep(&x, NULL, out[0] ? out : NULL)))
			goto out;
	} else {
		/* one folder, a run per sweep in OUT/<label>/, and OUT/recipe.json
		 * over them */
		if (json_object_get(opts, "resume") || (mkdir(out, 0755) && errno != EEXIST)) {
			fprintf(stderr, "wirelab recipe: %s: %s\n", out[0] ? out : "--resume",
				out[0] ? strerror(errno)
				       : "a recipe of several sweeps resumes one at a time "
					 "(wirelab sweep --resume OUT/LABEL)");
			goto out;
		}
		json_array_foreach(sweeps, k, sub)
		{
			char dir[PATH_MAX + 64];
			snprintf(dir, sizeof(dir), "%s/%s", out,
				 json_string_value(json_object_get(sub, "label")));
			if ((ret = run_sweep(&x, sub, dir)))
				goto out;
		}
		if (write_record(out, &x, NULL, NULL, NULL)) {
			ret = 1;
			goto out;
		}
	}
	print_result(&x);
	printf("\nresults: %s (recipe.json, report.html%s); the recipe took %.0f s\n",
	       json_array_size(sweeps) ? out
				       : json_string_value(json_object_get(json_array_get(x.runs, 0), "dir")),
	       json_array_size(sweeps) ? ", a folder per sweep" : "", sweep_now() - x.t0);
	ret = 0;
out:
	json_decref(opts);
	json_decref(x.runs);
	json_decref(x.r);
	free(x.ov);
	return ret;
}

int cmd_recipe(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "list"))
		return cmd_list();
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	fprintf(stderr, "wirelab recipe: unknown action '%s' (list, show or run)\n", argv[1]);
	usage(stderr);
	return 2;
}
