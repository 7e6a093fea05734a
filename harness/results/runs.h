/*
 * runs: one run folder read into memory (results/<run-id>/: run.json,
 * points.csv, syscalls.csv), grouped into cells, one per variant x file size
 * x concurrency, each holding every repetition's value of every metric.
 * Columns are found by header name; extra columns are ignored; an empty
 * numeric cell is a missing value. Malformed or truncated files are errors
 * that name the file and line.
 */
#ifndef WL_RUNS_H
#define WL_RUNS_H
#include <jansson.h>
#include <stddef.h>

#include "results_cols.h"
#include "results_meta.h"
#include "variant.h"

enum runs_metric {
	RUNS_RPS,
	RUNS_MBPS,
	RUNS_CPU,
	RUNS_CORE,
	RUNS_SYSCALLS,
	RUNS_P50,
	RUNS_P99,
	RUNS_P999,
	RUNS_CTXSW,
	RUNS_SEGS,
	/* format 2: the load generator's figures (empty in format 1 and wrk rows) */
	RUNS_ACHIEVED,
	RUNS_OFFERED,
	RUNS_P90,
	RUNS_P9999,
	RUNS_MAX,
	RUNS_CLIENT_CPU,
	RUNS_U99,
	RUNS_NMETRICS
};

struct runs_metric_info {
	const char *key;	    /* short name on the command line */
	enum results_point_col col; /* its points.csv column */
	const char *label;	    /* axis label, unit included */
	const char *title;	    /* what a plot of it shows */
	int higher_better;
};
extern const struct runs_metric_info runs_metrics[RUNS_NMETRICS];
/* The metric named key (short name or column), or -ENOENT. */
int runs_metric_find(const char *key);
/* 1 when metric m is a rate or a latency: in a client-bound cell it is the
 * client's pace, not the server's. The costs per request (CPU, syscalls,
 * context switches, segments) stay the server's, at the pace the client
 * allowed. */
int runs_metric_paced(int m);
/* Metric m's points.csv column name. */
const char *runs_metric_column(int m);
/* "rps, mbps, cpu, ...": every metric's short name, for messages. */
const char *runs_metric_keys(void);

struct runs_cell {
	char *variant;
	int peer;		   /* a peer (variants/table): not one of our variants */
	int floor;		   /* a floor (variants/table, docs/floor.md): a reference */
	char *axis[VARIANT_NAXES]; /* its value per axis (variant_axes), "" for peers */
	long size;		   /* bytes (a workload mix: its mean body size) */
	long conns;
	size_t n;		  /* repetitions measured */
	double *v[RUNS_NMETRICS]; /* v[m][0..n) */
	size_t client_bound;	  /* repetitions the client limited */
	/* format 2 (load_cells only differ from "" here) */
	char *workload;	    /* "": one file size; else the mix's name */
	char *rate;	    /* "": closed loop; else open mode's rate as asked */
	char *load;	    /* wrk, closed or open */
	size_t rate_missed; /* repetitions that did not keep the offered rate */
};

struct runs_run {
	char *dir;
	json_t *meta;		  /* run.json as read */
	struct results_meta info; /* its keys (cores -1 when it has none) */
	/* one file size, closed loop (wrk, --load closed, open mode's capacity
	 * windows): what plot, table, pick, check and report have always read */
	struct runs_cell *cells;
	size_t ncells;
	/* the rest, keyed by workload and rate as well: open mode's rates and
	 * workload mixes (plot_load, pick --slo, pick --workload, table) */
	struct runs_cell *load_cells;
	size_t nload_cells;
	size_t rows;  /* measured rows read */
	char **notes; /* skipped/failed rows, client-bound points, ... */
	size_t nnotes;
	json_t *syscalls; /* syscalls.csv as an array of row objects, or NULL */
};

/* Read dir into run. On error returns -errno or -EINVAL and writes a message
 * for a person into err. */
int runs_load(const char *dir, struct runs_run *run, char *err, size_t errlen);
void runs_free(struct runs_run *run);

/* The cell of (variant, size, conns), or NULL. */
struct runs_cell *runs_find(struct runs_run *run, const char *variant, long size, long conns);
/* A load cell: (variant, workload, conns, rate), and size for a single
 * file size (workload ""); NULL when none. */
struct runs_cell *runs_find_load(struct runs_run *run, const char *variant, const char *workload, long size,
				 long conns, const char *rate);

/* Sorted distinct sizes, concurrencies and variant names (ours first, peers
 * last). Arrays are malloc'd; return the count or -ENOMEM. */
int runs_sizes(const struct runs_run *run, long **out);
int runs_conns(const struct runs_run *run, long **out);
int runs_variants(const struct runs_run *run, const char ***out);
int runs_is_peer(const struct runs_run *run, const char *variant);
/* A floor of the variant table (by name): never a choice, drawn as a reference. */
int runs_is_floor(const char *variant);
/* The workload mixes measured in closed loop, as distinct (name, conns)
 * pairs in the order first seen: names point into the run. The count or
 * -ENOMEM. */
int runs_workloads(const struct runs_run *run, const char ***names, long **conns);

/* "1 KiB", "64 KiB", "1 MiB", "100 B" */
void runs_size_str(long bytes, char *buf, size_t len);
/* Parse "64K", "64KiB", "1M", "1024" into bytes; -EINVAL when not a size. */
int runs_parse_size(const char *s, long *bytes);
#endif
