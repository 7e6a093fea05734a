/* wirelab history add|show|check: runs kept in SQLite for a lab's CI
 * (history.h): store runs, show a metric over commits, find change points. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciout.h"
#include "history.h"
#include "seq.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wirelab history add [--db FILE] RUN...\n"
		"       wirelab history show [--db FILE] [--metric M] [--variant V] [--cell SIZE/CONNS] "
		"[--out DIR]\n"
		"       wirelab history check [--db FILE] [--metric M,...] [--variant V] [--cell "
		"SIZE/CONNS]\n"
		"                             [--alpha 0.05] [--min-effect 3%%] [--junit FILE] [--markdown "
		"FILE]\n"
		"  add:   store runs (one transaction: all or none; a run added again is left as it is)\n"
		"  show:  a metric over commits per series, with each run's 95%% interval; a table and\n"
		"         DIR/history_METRIC.svg (DIR: history/ next to the database)\n"
		"  check: change points in every series (E-Divisive means, permutation test, alpha for the\n"
		"         whole check); exit 0: no regression; 1: a regression change point; 2: cannot run\n"
		"  --db defaults to %s; series: host fingerprint x kernel x topology x variant x cell x "
		"metric\n",
		HISTORY_DB_DEFAULT);
}

static int parse_metrics(const char *s, struct history_filter *f, int many)
{
	char *dup = strdup(s), *save = NULL;
	int ret = 0;

	f->nmetrics = 0;
	for (char *t = strtok_r(dup, ",", &save); dup && t; t = strtok_r(NULL, ",", &save)) {
		int m = runs_metric_find(t);
		if (m < 0 || f->nmetrics == RUNS_NMETRICS || (!many && f->nmetrics)) {
			fprintf(stderr,
				"wirelab history: %s metric '%s' (rps, cpu, p99, syscalls, mbps, core, p50, "
				"p999, ctxsw, segs%s)\n",
				m < 0 ? "unknown" : "one", t,
				many ? ", comma-separated" : "; show takes one");
			ret = -EINVAL;
			break;
		}
		f->metrics[f->nmetrics++] = m;
	}
	free(dup);
	return ret || !f->nmetrics ? -EINVAL : 0;
}

static int do_add(const char *db, char **dirs, int n)
{
	struct runs_run *runs = calloc((size_t)n, sizeof(*runs));
	struct history_added res;
	struct history h;
	char err[1024];
	int loaded = 0, ret = 2;

	if (!runs)
		return 2;
	/* every run read and checked before the database is touched */
	for (; loaded < n; loaded++)
		if (runs_load(dirs[loaded], &runs[loaded], err, sizeof(err))) {
			fprintf(stderr, "wirelab history add: %s: nothing added\n", err);
			goto cleanup;
		}
	if (history_open(&h, db, 1, err, sizeof(err))) {
		fprintf(stderr, "wirelab history add: %s\n", err);
		goto cleanup;
	}
	if (history_add(&h, runs, (size_t)n, &res, stdout, err, sizeof(err)))
		fprintf(stderr, "wirelab history add: %s\n", err);
	else {
		printf("%s: %zu run%s added, %zu updated, %zu unchanged (%zu values written)\n", db,
		       res.added, res.added == 1 ? "" : "s", res.updated, res.unchanged, res.samples);
		ret = 0;
	}
	history_close(&h);
cleanup:
	for (int i = 0; i < loaded; i++)
		runs_free(&runs[i]);
	free(runs);
	return ret;
}

int cmd_history(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", 1, NULL, 'd'},	      {"metric", 1, NULL, 'm'}, {"variant", 1, NULL, 'v'},
		{"cell", 1, NULL, 'c'},	      {"out", 1, NULL, 'o'},	{"alpha", 1, NULL, 'a'},
		{"min-effect", 1, NULL, 'e'}, {"junit", 1, NULL, 'j'},	{"markdown", 1, NULL, 'k'},
		{"help", 0, NULL, 'h'},	      {NULL, 0, NULL, 0}};
	struct history_filter f = {.metrics = {RUNS_RPS, RUNS_CPU, RUNS_P99, RUNS_SYSCALLS},
				   .nmetrics = 4,
				   .size = -1,
				   .conns = -1};
	const char *db = HISTORY_DB_DEFAULT, *out = NULL, *junit = NULL, *md = NULL, *sub;
	double alpha = SEQ_ALPHA, min_effect = SEQ_MIN_EFFECT;
	char err[1024], *end, outbuf[PATH_MAX];
	int o, metric_set = 0, ret = 2;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "add") && strcmp(sub, "show") && strcmp(sub, "check")) {
		fprintf(stderr, "wirelab history: unknown command '%s' (add, show, check)\n", sub);
		usage(stderr);
		return 2;
	}
	argc--, argv++;
	while ((o = getopt_long(argc, argv, "d:m:v:c:o:a:e:j:k:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			db = optarg;
			break;
		case 'm':
			if (parse_metrics(optarg, &f, !strcmp(sub, "check")))
				return 2;
			metric_set = 1;
			break;
		case 'v':
			f.variant = optarg;
			break;
		case 'c':
			if (history_parse_cell(optarg, &f.size, &f.conns)) {
				fprintf(stderr,
					"wirelab history: --cell '%s' is not SIZE/CONNS (e.g. 64K/100)\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'a':
			alpha = strtod(optarg, &end);
			if (*end || end == optarg || !(alpha > 0 && alpha < 1)) {
				fprintf(stderr, "wirelab history: --alpha '%s' is not between 0 and 1\n",
					optarg);
				return 2;
			}
			break;
		case 'e':
			if (seq_parse_pct(optarg, "--min-effect", &min_effect, err, sizeof(err))) {
				fprintf(stderr, "wirelab history: %s\n", err);
				return 2;
			}
			break;
		case 'j':
			junit = optarg;
			break;
		case 'k':
			md = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!strcmp(sub, "add")) {
		if (optind >= argc) {
			fprintf(stderr, "wirelab history add: give one or more RUN folders\n");
			return 2;
		}
		return do_add(db, argv + optind, argc - optind);
	}
	if (optind != argc) {
		fprintf(stderr, "wirelab history %s: unexpected argument '%s'\n", sub, argv[optind]);
		return 2;
	}
	struct history h;
	if (history_open(&h, db, 0, err, sizeof(err))) {
		fprintf(stderr, "wirelab history %s: %s\n", sub, err);
		return 2;
	}
	if (!strcmp(sub, "show")) {
		if (!metric_set)
			f.nmetrics = 1; /* req/s */
		if (!out) {
			/* history/ beside the database */
			const char *slash = strrchr(db, '/');
			snprintf(outbuf, sizeof(outbuf), "%.*s%shistory", slash ? (int)(slash - db) : 0, db,
				 slash ? "/" : "");
			out = outbuf;
		}
		ret = history_show(&h, &f, out);
	} else {
		struct ciout ci;
		ciout_init(&ci, "wirelab history check");
		ret = history_check(&h, &f, alpha, min_effect, junit || md ? &ci : NULL);
		if (ret != 2 && ciout_write_all(&ci, junit, md, err, sizeof(err)))
			fprintf(stderr, "wirelab history check: %s\n", err), ret = 2;
		ciout_free(&ci);
	}
	history_close(&h);
	return ret;
}
