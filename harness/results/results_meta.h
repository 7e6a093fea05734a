/*
 * results_meta: run.json, how a run was made, written and read in one
 * place. Every key is an entry of one table (results_meta.c) that the
 * writer, the reader and `wirelab format` use; a key no entry names is
 * neither written nor read. Written at the start of a sweep and again at
 * its end (with "finished"), each time to a temporary file renamed over
 * the old one, so a full disk leaves the previous run.json whole.
 */
#ifndef WL_RESULTS_META_H
#define WL_RESULTS_META_H
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* What run.json records. Strings and arrays point at the caller's data
 * (writing) or into the JSON read (reading). A NULL string, 0 mtu, NULL
 * offloads is JSON null. */
struct results_meta {
	long results_format; /* RUNS_FORMAT; read: 0 absent, -1 not a number */
	const char *run_id, *when, *finished, *host, *kernel, *cpu_model;
	long cores;
	const char *git_commit;
	int git_dirty;
	const char *wrk, *load_version, *topology, *topology_settings, *cpu_source, *probes,
		*client_bound_rule, *rate_rule;
	struct results_options {
		const char **variants;
		long nvariants;
		long *sizes, nsizes, *conns, nconns;
		long threads, duration_s;
		double warmup_s;
		long reps;     /* --reps MIN (or N): every point gets this many */
		long reps_max; /* --reps ..MAX: open cells get more, up to this; 0: reps (older runs) */
		int connection_close;
		const char *load; /* "wrk", "closed", "open"; NULL read: wrk */
		const char **rates, **workloads;
		long nrates, nworkloads;
		const char *topology, *link_rate;
		long mtu;
		const char *offloads; /* "on", "off", or NULL: left as they were */
		const char **client_hosts;
		long nclient_hosts;
		const char *server_addr, *server_cpus, *client_cpus;
		long peers;
		int no_probes, sqpoll;
		const char *out, *build;
		int profile;	      /* --profile */
		long profile_hz;      /* --profile-hz, 0 without --profile */
		const char *baseline; /* --baseline RUN: cells decided against it, or NULL */
		const char **decide;  /* --decide: the metrics a cell's decision is read on */
		long ndecide;
		double margin, min_effect; /* --margin, --min-effect of those decisions */
		const char *probe_window;  /* --probe-window same|separate; NULL: same (older runs) */
		long requests;		   /* --requests N; 0: timed windows */
	} options;
	/* wirelab sweep --profile: how the profiles were taken (docs/profile.md) */
	struct results_profile_meta {
		const char *status; /* "on", "off" or "unavailable: why" */
		const char *event;  /* "cycles" or "cpu-clock"; NULL before a window */
		int vm_detected, irq_reattribution;
		const char *vm;	      /* the evidence of a virtual machine, NULL: none */
		const char *overhead; /* the profiler's measured cost, and what it leaves out */
	} profile;
	double look_alpha; /* the two-sided alpha of each look: 0.05 / (MAX - MIN + 1); 0: unknown */
	/* Per cell (a size or mix, a concurrency, an open-mode rate; with
	 * --baseline, also a variant):
	 * how many repetitions it got and why it stopped. */
	struct results_cell_stop {
		long size, conns;
		const char *workload, *rate; /* format 2: "" for one file size, closed loop */
		const char *variant;	     /* NULL: every variant of the cell (pick) */
		long reps;
		const char *stopped;  /* "decided", "max", "nothing to compare", "interrupted" */
		const char *verdicts; /* per metric, "rps better, cpu equivalent" */
	} * cells;
	long ncells;
	const char **argv; /* the sweep's options as given ("sweep", ...), which --resume reuses */
	long argc;
	/* Objects their modules build (write) or borrowed from the JSON read:
	 * sweep_machine (docs/machine.md), tune (docs/tune.md). NULL: null. */
	json_t *machine, *tune, *calibration;
};

/* dir/run.json from m, replaced atomically; 0 or -errno with the path in err. */
int results_meta_write(const char *dir, const struct results_meta *m, char *err, size_t errlen);
/* The members of m from j (a run.json read); a key that is missing or of
 * another type stays 0/NULL. Arrays are malloc'd: results_meta_free. */
int results_meta_read(json_t *j, struct results_meta *m);
void results_meta_free(struct results_meta *m);
/* dir/run.json loaded; NULL with the reason in err. */
json_t *results_meta_load(const char *dir, char *err, size_t errlen);

/* The options run.json saved, for --resume: argv to parse before the new
 * ones (strdup'd; free each and the array). Refuses a run of another
 * results format. 0 or -errno with err written. */
int results_saved_argv(const char *dir, char ***argv, int *argc, char *err, size_t errlen);
/* dir/run.json's results_format; 0 when it records none; -errno unreadable. */
int results_saved_format(const char *dir);

/* The keys as Markdown: key, type, meaning. */
void results_meta_markdown(FILE *f);
#endif
