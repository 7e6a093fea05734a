/*
 * cmd_demo: `wirelab demo` (and `make demo`): a short sweep of six headline
 * variants (netns where namespaces can be made, else loopback; 1k, 64k and
 * 1m; 1 and 64 connections; --reps 3..4 of 1 s windows, which keeps it
 * within about 3 minutes on 2 cores), then a table of medians, the decision
 * tables for req/s, CPU and syscalls (best against runner-up per cell, the
 * effect and its interval, the verdict), the plots and the report. Options
 * given are passed to the sweep after the demo's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "runs.h"
#include "sweep_opts.h"
#include "sweep_proc.h"
#include "sweep_run.h"
#include "topo.h"

/* The demo's repetitions: 3 of every point, then a 4th of the cells still
 * open. Chosen by measuring `wirelab demo`'s wall time on the shared 2-core
 * machine: about 1.5 s a point, so 90 points at MIN and at most 120 (every
 * cell open to MAX): 182 s with every cell open. A MIN of 2 decides almost
 * nothing (1 or 2 degrees of freedom) and a MAX of 5 would be 4 minutes.
 * The probe window is the same as the timing window: a separate counting
 * window would add 1 s to every 1 s window. */
#define DEMO_REPS "3..4"

/* plain writev vs sendfile on both loops, user-space TLS, and kTLS (which
 * says why it is skipped on a kernel without it) */
static const char *const demo_variants[] = {
	"epoll-writev-autocork-plain",
	"epoll-sendfile-autocork-plain",
	"uring-writev-autocork-plain",
	"uring-sendfile-autocork-plain",
	"epoll-writev-autocork-tls",
	"epoll-sendfile-autocork-ktls",
	/* the plain floor (docs/floor.md): what the plain variants are chasing.
	 * One floor, not --floor's one per loop and transport: each floor is a
	 * sixth more demo time */
	"epoll-floor",
};

/* The medians, then pick's decision tables: the best variant per cell
 * against the runner-up, with the effect and its interval, on the three
 * metrics the sweep's adaptive repetitions decide on. Syscalls are there
 * because that is where the demo's variants differ by far more than this
 * machine's noise (1.5x to 10x between the loops in docs/figures.md's run);
 * req/s and CPU of the best two are often within a few percent, and say so. */
static const enum runs_metric demo_metrics[] = {RUNS_RPS, RUNS_CPU, RUNS_SYSCALLS};
static int print_table(const char *dir)
{
	struct runs_run run;
	char err[1024];
	const struct runs_cell *show[64];
	int ret, nshow = 0;

	if ((ret = runs_load(dir, &run, err, sizeof(err)))) {
		fprintf(stderr, "wirelab demo: %s\n", err);
		return ret;
	}
	putchar('\n');
	ret = report_table(stdout, &run);
	for (size_t i = 0; !ret && i < sizeof(demo_metrics) / sizeof(demo_metrics[0]); i++) {
		putchar('\n');
		report_decision_table(stdout, &run, demo_metrics[i], NULL, 0);
	}
	/* how far the plain variants are from the floor, in CPU per request */
	for (size_t i = 0; i < run.ncells && nshow < 64; i++)
		if (report_floor_of(&run, &run.cells[i]))
			show[nshow++] = &run.cells[i];
	if (nshow)
		printf("\nCPU per request against the floor (epoll-floor: one receive and one send per "
		       "request from memory):\n");
	for (int i = 0; i < nshow; i++) {
		char s[256], sz[32];
		if (report_floor_phrase(s, sizeof(s), show[i], report_floor_of(&run, show[i]), RUNS_CPU))
			continue;
		runs_size_str(show[i]->size, sz, sizeof(sz));
		printf("  %-5s c%-4ld %-32s %s\n", sz, show[i]->conns, show[i]->variant, s);
	}
	runs_free(&run);
	return ret;
}

int cmd_demo(int argc, char **argv)
{
	char list[512] = "", err[1024], dir[PATH_MAX];
	const char *args[64] = {"demo",	   "--variants", list,	   "--sizes",	     "1k,64k,1m",
				"--conns", "1,64",	 "--reps", DEMO_REPS,	     "--duration",
				"1",	   "--warmup",	 "0.25",   "--probe-window", "same"};
	int n = 15, ret;
	struct sweep_opts o;
	double t0 = sweep_now();

	if (sweep_self_dir(dir, sizeof(dir)))
		snprintf(dir, sizeof(dir), "build");
	for (size_t i = 0; i < sizeof(demo_variants) / sizeof(demo_variants[0]); i++) {
		char path[PATH_MAX + 64];
		snprintf(path, sizeof(path), "%s/%s/wirelab-httpd", dir, demo_variants[i]);
		if (access(path, X_OK)) {
			printf("wirelab demo: %s is not built, left out\n", demo_variants[i]);
			continue;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", list[0] ? "," : "",
			 demo_variants[i]);
	}
	if (!list[0]) {
		fprintf(stderr, "wirelab demo: none of the demo's variants is built (run make)\n");
		return 2;
	}
	for (int i = 1; i < argc && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	ret = sweep_opts_parse(n, (char **)args, &o, err, sizeof(err));
	if (ret == 1) {
		printf("usage: wirelab demo [sweep options]\n  a short default sweep (see wirelab sweep "
		       "--help), "
		       "then a table, the plots and the report\n");
		return 0;
	}
	if (ret) {
		fprintf(stderr, "wirelab demo: %s\n", err);
		return 2;
	}
	/* sweep_main alone would run a vm sweep on this host and label it vm:
	 * only wirelab sweep knows how to run itself inside the lab VM */
	if (o.topology == TOPO_VM && !topo_vm_inside()) {
		fprintf(stderr, "wirelab demo: --topology vm is not a demo topology: run wirelab sweep "
				"--topology vm, then wirelab report on its folder\n");
		sweep_opts_free(&o);
		return 2;
	}
	ret = sweep_main(&o, dir, sizeof(dir));
	sweep_opts_free(&o);
	if (ret)
		return ret;
	if (print_table(dir))
		return 1;
	if (report_all(dir))
		fprintf(stderr, "wirelab demo: the report could not be drawn (the table above stands)\n");
	printf("\nresults: %s (points.csv, syscalls.csv, run.json, plots/, report.html); demo took %.0f s\n",
	       dir, sweep_now() - t0);
	return 0;
}
