/*
 * history: runs kept in an SQLite database (results/history.db) for a lab's
 * CI, one series per host fingerprint x kernel x topology x variant x cell
 * (file size, connections) x metric, one point per run with every
 * repetition's value, the git commit and the time the run started.
 *
 * The host fingerprint is a hash of the host name, the CPU model and the
 * core count: what makes two runs' figures comparable at all besides the
 * kernel and topology, which are keys of their own (a kernel upgrade starts
 * a new series rather than a change point in the old one).
 */
#ifndef WL_HISTORY_H
#define WL_HISTORY_H
#include <sqlite3.h>
#include <stdio.h>

#include "runs.h"

#define HISTORY_DB_DEFAULT "results/history.db"
/* "schema" in the meta table: raise when the tables change meaning */
#define HISTORY_SCHEMA "wirelab-history 1"

struct history {
	sqlite3 *db;
	char *path;
};

/* Open path: writable creates it (and its schema) when missing; read-only
 * refuses a missing file. Either refuses a file that is not an SQLite
 * database, fails its integrity check, or is another program's database.
 * 0 or -errno with a message naming path in err; nothing is written on
 * error. */
int history_open(struct history *h, const char *path, int writable, char *err, size_t errlen);
void history_close(struct history *h);

/* 16 hex digits into out[17] (see above). */
void history_fingerprint(const char *host, const char *cpu, long cores, char *out);

struct history_added {
	size_t added, updated, unchanged, samples;
};
/* Store runs[0..n) in one transaction: all of them or, on any error,
 * none. A run already stored with the same samples is left as it is; one
 * whose folder gained rows since (a resumed sweep) replaces its old
 * samples. A line per run goes to log. */
int history_add(struct history *h, struct runs_run *runs, size_t n, struct history_added *res, FILE *log,
		char *err, size_t errlen);

/* Which series to read: metrics[0..nmetrics), variant (NULL: all), size
 * and conns (-1: any). */
struct history_filter {
	int metrics[RUNS_NMETRICS];
	int nmetrics;
	const char *variant;
	long size, conns;
};

struct history_point {
	char *run_key, *run_id, *commit, *when;
	int dirty;
	size_t n;
	double *v; /* the run's repetitions */
};

struct history_series {
	char *host_fp, *host, *cpu, *kernel, *topology, *variant;
	long cores, size, conns;
	int metric;
	struct history_point *pts; /* in the order the runs started */
	size_t npts;
};

/* Every series the filter selects, sorted by host, kernel, topology,
 * variant, size, conns, metric. 0 or -errno with err written. */
int history_load(struct history *h, const struct history_filter *f, struct history_series **out, size_t *n,
		 char *err, size_t errlen);
void history_series_free(struct history_series *s, size_t n);

/* "epoll-writev-autocork-plain 1 KiB/10 rps" */
void history_series_name(const struct history_series *s, char *buf, size_t len);
/* "host gen [fp 1a2b3c4d], kernel 6.1.0, netns" */
void history_series_where(const struct history_series *s, char *buf, size_t len);
/* The first 7 characters of the commit, "+" when the tree was dirty. */
void history_short_commit(const struct history_point *p, char *buf, size_t len);

/* "--cell 64K/100" into size and conns; 0 or -EINVAL. */
int history_parse_cell(const char *s, long *size, long *conns);

/* The subcommands (cmd_history.c parses the options). */
int history_show(struct history *h, const struct history_filter *f, const char *outdir);
struct ciout;
int history_check(struct history *h, const struct history_filter *f, double alpha, double min_effect,
		  struct ciout *ci);
#endif
