/*
 * load: the shared types of wirelab-load, the load generator. Options are
 * parsed into a load_cfg (load_opts.c), the target and the requests into a
 * load_work (load_url.c, load_mix.c); load_run.c runs one thread per CPU and
 * fills a load_result, which load_out.c prints.
 */
#ifndef LOAD_H
#define LOAD_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "load_hist.h"

#define LOAD_PROG	  "wirelab-load"
#define LOAD_MAX_THREADS  256
#define LOAD_MAX_PIPELINE 64
#define LOAD_EXIT_USAGE	  2   /* bad input */
#define LOAD_EXIT_FAIL	  1   /* the run could not be made (no server, out of memory) */
#define LOAD_TIME_LIMIT_S 600 /* --requests: the default --time-limit (the sweep's too) */
#define LOAD_JSON_FORMAT  1   /* "format" in the JSON: bumped when a field changes meaning */

enum load_mode { LOAD_CLOSED, LOAD_OPEN };
enum load_arrivals { LOAD_UNIFORM, LOAD_POISSON };

/* error kinds, in output order (load_err_names) */
enum load_err {
	LE_CONNECT, /* connect() failed or timed out, TLS handshake failed */
	LE_READ,    /* a read failed (other than reset) */
	LE_WRITE,   /* a write failed (other than reset) */
	LE_STATUS,  /* a status other than 2xx */
	LE_TIMEOUT, /* no complete response within --timeout */
	LE_RESET,   /* the connection was reset with a request outstanding */
	LE_CLOSED,  /* the server closed with a request outstanding (mid-response or before it) */
	LE_PARSE,   /* a response that does not parse (chunked, no Content-Length, garbage) */
	LE_VERIFY,  /* --verify: the body differs from the docroot's file */
	LE_COUNT
};
extern const char *const load_err_names[LE_COUNT];

struct load_cfg {
	enum load_mode mode;
	enum load_arrivals arrivals;
	double rate; /* open mode: requests/s over all threads */
	int connections;
	int cpus[LOAD_MAX_THREADS], ncpus;
	double duration_s;   /* 0 with --requests */
	uint64_t requests;   /* 0 with --duration */
	double time_limit_s; /* --requests: the run stops at this time anyway (--time-limit) */
	int pipeline;
	const char *verify_dir;
	const char *workload;
	const char *make_docroot;
	bool describe; /* --describe: say what a --workload holds and exit */
	bool json, interval, conn_close, tls_resume, copy;
	int tls_version; /* 0: 1.2 or 1.3, else 12 or 13 */
	double warmup_s, timeout_s;
	uint64_t seed;
	char **urls;
	int nurls;
	char **merge; /* --merge FILE...: the URLs are JSON outputs to merge */
	int nmerge;
};

/* one request the generator can send, rendered once */
struct load_req {
	char *path;
	char *text; /* the whole request */
	uint32_t len;
	uint64_t cum;	    /* cumulative weight up to and including this one */
	int64_t expect_len; /* --verify: the file's size, else -1 */
	uint64_t expect_hash;
};

struct load_work {
	char host[256], port[8];
	char authority[300]; /* the Host header */
	char base[1024];     /* the URL's path prefix, for a workload's files */
	bool tls;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct load_req *reqs;
	size_t nreqs;
	uint64_t total_weight;
	/* requests per connection (from an access log), picked per connection;
	 * none: keep-alive without limit */
	uint32_t *rpc;
	uint64_t *rpc_cum;
	size_t nrpc;
	char describe[1100]; /* the URL, or the workload file, for output */
};

/* what one thread counts; merged over threads into load_result.s */
struct load_stats {
	uint64_t requests;  /* complete, valid, 2xx responses: the latency samples */
	uint64_t in_window; /* of them, completed before the window's end */
	uint64_t arrivals;  /* open mode: requests due in the window */
	uint64_t sent;	    /* requests written (or connecting) in the window */
	uint64_t unsent;    /* open mode: due in the window but never sent */
	uint64_t bytes;	    /* every byte read, heads included */
	uint64_t body_bytes;
	uint64_t errors[LE_COUNT];
	uint64_t connects, handshakes, resumed;
	struct load_hist lat; /* from the intended send time (corrected) */
	struct load_hist raw; /* from the actual send time (uncorrected) */
	struct load_hist lag; /* open mode: actual minus intended send time */
};

/* one second of the run, for --interval */
struct load_tick {
	uint64_t requests, errors, bytes;
	struct load_hist lat;
};

struct load_result {
	struct load_stats s;
	int threads;
	double window_s; /* the measured window (after warm-up) */
	double drain_s;	 /* after the window, waiting for responses in flight */
	double offered_rps, achieved_rps;
	bool rate_kept;
	bool time_limit_hit; /* --requests: stopped at --time-limit before N */
	double cpu_user_s, cpu_sys_s;
	char tls_version[32], tls_cipher[80];
	char first_err[LE_COUNT][200]; /* the first error of each kind, said */
};

int load_opts_parse(int argc, char **argv, struct load_cfg *cfg);
/* the target and requests: -errno after saying why on stderr */
int load_work_init(const struct load_cfg *cfg, struct load_work *w);
void load_work_free(struct load_work *w);
int load_run(const struct load_cfg *cfg, const struct load_work *w, struct load_result *r);
int load_out_print(const struct load_cfg *cfg, const struct load_work *w, struct load_result *r);
/* --interval: one line for second `sec` (1-based), merged over threads */
void load_out_tick(const struct load_cfg *cfg, int sec, const struct load_tick *t);
int load_merge_main(const struct load_cfg *cfg);

/* room for element n of a growing array *pp of *cap elements: -ENOMEM */
static inline int load_grow(void *pp, size_t *cap, size_t n, size_t size)
{
	void **p = pp;

	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	void *np = realloc(*p, nc * size);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = nc;
	return 0;
}

static inline uint64_t load_rng_next(uint64_t *s)
{
	/* splitmix64: one multiply-xorshift round per draw, good enough to pick
	 * URLs and arrival gaps, and reproducible from --seed */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
