/*
 * results_cols: the columns of a run folder's CSV files, written once.
 * Every column of points.csv and syscalls.csv has an entry here: its name,
 * unit, meaning, where its value comes from, and how it is printed. The
 * writer (results_points.c) prints the header and every row from these
 * tables, the reader (runs.c) finds each column by the name here, and
 * `wirelab format` prints them as docs/results-format.md has them.
 */
#ifndef WL_RESULTS_COLS_H
#define WL_RESULTS_COLS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The layout of a run folder (points.csv and syscalls.csv columns, run.json
 * keys) that this wirelab writes and reads; run.json records it as
 * "results_format". Raise it when a column is added, removed or changes
 * meaning: --resume and check then refuse a folder of the other format
 * instead of mixing its rows. Folders written before it was recorded have
 * no key; one whose points.csv header is format 1's is format 1. */
#define RUNS_FORMAT 2
/* The oldest format this wirelab still reads (plot, pick, check, report,
 * table): format 1 lacks the load columns, which read as missing values
 * (load wrk, no workload, no rate). --resume takes RUNS_FORMAT only. */
#define RUNS_FORMAT_OLDEST 1

enum results_type {
	RES_TEXT,   /* const char *; quoted only where CSV needs it */
	RES_QUOTED, /* const char *, always quoted, a newline becomes a space: free text */
	RES_INT,    /* long */
	RES_COUNT,  /* uint64_t */
	RES_REAL,   /* double, with decimals; NaN or infinity: an empty field, never a made-up 0 */
};

struct results_col {
	const char *name, *unit, *meaning, *source;
	enum results_type type;
	int decimals;	   /* RES_REAL */
	size_t off;	   /* of the value in the row's struct */
	int measured_only; /* empty in rows that measured nothing (skipped, failed) */
};

/* points.csv: a row per measured window (or per window that was skipped or
 * failed, with its reason) */
enum results_point_col {
	RP_VARIANT,
	RP_LOOP,
	RP_SEND,
	RP_CORK,
	RP_TLS,
	RP_TOPOLOGY,
	RP_LOAD,
	RP_SIZE,
	RP_WORKLOAD,
	RP_CONNS,
	RP_RATE,
	RP_THREADS,
	RP_SERVER_THREADS,
	RP_CONN_CLOSE,
	RP_REP,
	RP_DURATION,
	RP_REQUESTS,
	RP_BYTES,
	RP_RPS,
	RP_MBPS,
	RP_OFFERED,
	RP_ACHIEVED,
	RP_P50,
	RP_P90,
	RP_P99,
	RP_P999,
	RP_P9999,
	RP_MEAN,
	RP_MAX,
	RP_U50,
	RP_U90,
	RP_U99,
	RP_U999,
	RP_U9999,
	RP_UMAX,
	RP_SYSCALLS,
	RP_CPU,
	RP_CORE,
	RP_CTXSW,
	RP_SEGS,
	RP_ERRORS,
	RP_ERR_CONNECT,
	RP_ERR_READ,
	RP_ERR_WRITE,
	RP_ERR_STATUS,
	RP_ERR_TIMEOUT,
	RP_ERR_RESET,
	RP_ERR_CLOSED,
	RP_ERR_PARSE,
	RP_CLIENT_BUSY,
	RP_CLIENT_CPU,
	RP_STATUS,
	RP_REASON,
	RP_NCOLS
};

/* The axis columns (RP_LOOP .. RP_TLS) are the variant model's axes. */
#define RESULTS_NAXES 4

struct results_point {
	const char *variant, *axis[RESULTS_NAXES], *topology;
	const char *load;     /* wrk, closed or open */
	const char *workload; /* "" one file size; else the mix's name */
	const char *rate;     /* "" closed loop; else the rate as asked: "20000" or "50%" */
	long size, conns, threads, server_threads, connection_close, rep;
	int measured; /* status ok, client-bound or rate-missed: the window's figures are filled */
	double duration_s;
	uint64_t requests, bytes;
	double rps, mbytes_per_s, offered_rps, achieved_rps;
	double lat_p50_us, lat_p90_us, lat_p99_us, lat_p999_us, lat_p9999_us, lat_mean_us, lat_max_us;
	double unc_p50_us, unc_p90_us, unc_p99_us, unc_p999_us, unc_p9999_us, unc_max_us;
	double syscalls_per_req, cpu_us_per_req, core_us_per_req, ctxsw_per_req, tx_segments_per_req;
	uint64_t errors, errors_connect, errors_read, errors_write, errors_status, errors_timeout;
	double errors_reset, errors_closed, errors_parse; /* NaN: the client does not tell them apart */
	double client_busy_pct, client_cpu_us_per_req;
	const char *status, *reason;
};
extern const struct results_col results_point_cols[RP_NCOLS];

/* syscalls.csv: per measured window, a row per syscall the server made */
enum results_syscall_col {
	RS_VARIANT,
	RS_SIZE,
	RS_WORKLOAD,
	RS_CONNS,
	RS_RATE,
	RS_THREADS,
	RS_REP,
	RS_SYSCALL,
	RS_COUNT,
	RS_PER_REQ,
	RS_NCOLS
};

struct results_syscall {
	const char *variant;
	long size;
	const char *workload;
	long conns;
	const char *rate;
	long threads, rep;
	const char *syscall;
	uint64_t count;
	double per_req;
};
extern const struct results_col results_syscall_cols[RS_NCOLS];

/* What names a window in both files (resume finds finished points by it). */
struct results_key {
	const char *variant;
	long size;
	const char *workload; /* "" or NULL: one file size */
	long conns;
	const char *rate; /* "" or NULL: closed loop */
	long threads, rep;
};

/* The header line of a table ("variant,loop,...\n") into buf. */
void results_header(const struct results_col *cols, int n, char *buf, size_t len);
/* One row of a table from the struct at row; measured 0 leaves the
 * measured-only columns empty. */
void results_row(FILE *f, const struct results_col *cols, int n, const void *row, int measured);
/* A field as CSV writes it: quoted when it holds a comma, a quote or a
 * line break (always when quote is set). */
void results_field(FILE *f, const char *s, int quote);
/* The table as Markdown: column, unit, meaning, where it comes from, rows. */
void results_cols_markdown(FILE *f, const struct results_col *cols, int n);
#endif
