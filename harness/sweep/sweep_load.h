/*
 * sweep_load: `wirelab sweep --load closed|open` (docs/sweep.md): the
 * sweep's client is build/wirelab-load instead of wrk, in the same
 * namespace and on the same CPUs (or on every --client-host over ssh, the
 * load split and the histograms merged exactly), open mode's rates as a
 * cell axis (--rates), and workload mixes as cells beside the sizes
 * (--workload). wrk stays the default; its path (sweep_wrk.c) is untouched.
 *
 * sweep_load_opts.c: the options, checked before anything runs;
 * sweep_load_cell.c: which windows a cell has (the capacity window, then a
 * window per rate), their keys and what they record; sweep_load_run.c: one
 * wirelab-load window and its JSON; sweep_load_ssh.c: the binary and the
 * mixes on the client hosts, and the docroot of each mix.
 */
#ifndef WL_SWEEP_LOAD_H
#define WL_SWEEP_LOAD_H
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct sweep_opts;
struct sweep_point;
struct point_result;
struct results_point;
struct topo;

enum sweep_load_kind { SWEEP_LOAD_WRK, SWEEP_LOAD_CLOSED, SWEEP_LOAD_OPEN };
extern const char *const sweep_load_names[3];

#define SWEEP_MAX_RATES 16
#define SWEEP_MAX_MIXES 8
/* A point below this share of its offered rate was not measured at that
 * rate (wirelab-load's own rule, docs/load.md). */
#define SWEEP_RATE_KEPT 0.98
/* --requests N: a window still ends after this many seconds (wirelab-load
 * --time-limit), its row failed and saying so: 10 min is 100 requests of
 * 100 MiB at 1 Gbit/s (84 s) with room for a slow server */
#define SWEEP_REQUESTS_LIMIT_S 600
/* That limit, or WIRELAB_REQUESTS_LIMIT_S (whole seconds, 1..600: a test
 * of the limit cannot wait ten minutes). */
int sweep_requests_limit_s(void);

struct sweep_rate {
	char label[24]; /* as given: "20000", "20k", "50%" (the rate column) */
	double rps;	/* absolute: requests/s over every client host */
	double share;	/* > 0: a share of the cell's closed-mode capacity (0.5 for 50%) */
};

struct sweep_mix {
	char name[64]; /* the file's name without its extension: the workload column */
	char path[PATH_MAX];
	long mean_bytes; /* the mean body size of its requests, by weight (size_bytes) */
	long files;
	int from_log; /* it has a log: line (refused under ssh: the log is not copied) */
};

struct sweep_load_opts {
	enum sweep_load_kind kind;
	struct sweep_rate rates[SWEEP_MAX_RATES];
	int nrates;
	int need_capacity; /* a rate is a share: each cell measures closed-mode capacity first */
	struct sweep_mix mixes[SWEEP_MAX_MIXES];
	int nmixes;
	int sizes_given, threads_given, rates_given;
	char bin[PATH_MAX]; /* build/wirelab-load */
};

/* What wirelab-load measured besides wrk's figures (sweep_wrk.h's
 * wrk_result, which sweep_load_run fills too). NaN where unknown. */
struct sweep_load_figs {
	int filled; /* a wirelab-load window */
	int open, rate_kept;
	double offered_rps, achieved_rps;
	double p90, p9999;			 /* corrected (the rest are in wrk_result) */
	double u50, u90, u99, u999, u9999, umax; /* uncorrected */
	double err_reset, err_closed, err_parse; /* errors wrk folds into read errors */
	double unsent, lag_p99_us;		 /* open mode: never sent; send lag */
	double client_cpu_us;			 /* per request, every host */
	int time_limit_hit;			 /* --requests: a host stopped at the time limit */
};

/* sweep_opts.c's hooks: --load, --rates, --workload (0, or -EINVAL with the
 * option named in err), then the checks once every option is read. */
enum { SWEEP_LOAD_OPT_LOAD, SWEEP_LOAD_OPT_RATES, SWEEP_LOAD_OPT_WORKLOAD };
int sweep_load_opt(struct sweep_opts *o, int which, const char *arg, char *err, size_t errlen);
int sweep_load_check(struct sweep_opts *o, char *err, size_t errlen);

/* sweep_run.c's hooks. A cell is a size or a mix (size slot s: the sizes,
 * then the mixes) at a concurrency; its windows are its slots: 1 in closed
 * loop, or open mode's capacity window (when a rate is a share) then one
 * per rate. */
int sweep_load_nsizes(const struct sweep_opts *o);
int sweep_load_nslots(const struct sweep_opts *o);
/* Fill p's size, mix, rate and client threads for size slot s and slot k. */
void sweep_load_point(const struct sweep_opts *o, struct sweep_point *p, int s, int k);
/* The slot whose window slot k's rate is a share of (the capacity
 * window, which must run first in the same repetition), or -1. */
int sweep_load_capacity_slot(const struct sweep_opts *o, int k);
/* 0: p can run (an open share resolved to requests/s from the capacity
 * window, or from --resume's points.csv); 1: it cannot, why in reason. */
int sweep_load_prepare(const struct sweep_opts *o, struct sweep_point *p, char *reason, size_t len);
/* A finished window: a capacity window's achieved rate is kept for the
 * cell's rates. */
void sweep_load_done(const struct sweep_opts *o, const struct sweep_point *p, const struct point_result *r);
/* "1 KiB", "mix site", then " open 50% (21000 req/s)" */
void sweep_load_label(const struct sweep_point *p, char *buf, size_t len);
/* The mixes' docroots under root (wirelab-load --make-docroot). */
int sweep_load_corpus(const struct sweep_opts *o, const char *root, char *err, size_t errlen);

/* What a window of wirelab-load is for: the timing window (its JSON kept
 * under WIRELAB_LOAD_KEEP), a warm-up (nothing read), or sweep_window.c's
 * counting window (read, not kept). */
enum { SWEEP_LOAD_TIMED, SWEEP_LOAD_WARMUP, SWEEP_LOAD_COUNTING };
/* sweep_point.c's hook: one window of wirelab-load (why: one of the
 * above). Fills r->w and r->lf (not for a warm-up); 0 or -errno with err
 * said, as sweep_wrk_run. */
int sweep_load_run(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p, int port,
		   int tls, double seconds, int why, struct point_result *r, char *err, size_t errlen);
/* One window of whichever client p uses (wrk, or wirelab-load for why
 * SWEEP_LOAD_TIMED or SWEEP_LOAD_COUNTING): the timing window of
 * sweep_point.c and the counting window of sweep_window.c. */
int sweep_client_window(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
			int port, int tls, int seconds, int why, struct point_result *r, char *err,
			size_t errlen);
/* After the window: rate-missed when open mode kept less than 98% of its
 * rate (the status sweep_point.c would give otherwise stands). */
void sweep_load_status(const struct sweep_point *p, struct point_result *r);

/* sweep_record.c's hook: the load columns of points.csv and run.json. */
void sweep_load_record(const struct sweep_opts *o, const struct sweep_point *p, const struct point_result *r,
		       struct results_point *rp);
const char *sweep_load_version(const struct sweep_opts *o);

/* topo_ssh.c's hooks: wirelab-load and the mixes copied to each client
 * host and checked to run there; removed at the end. */
int sweep_load_ssh_up(const struct sweep_opts *o, char *err, size_t errlen);
void sweep_load_ssh_down(const struct sweep_opts *o);
#endif
