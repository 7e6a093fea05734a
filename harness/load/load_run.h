/*
 * load_run: the per-thread state of wirelab-load's run, shared by
 * load_conn.c (one connection: connect, TLS, send, parse, count) and
 * load_run.c (threads, the open-mode schedule, the loop, the window).
 */
#ifndef LOAD_RUN_H
#define LOAD_RUN_H

#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <xxhash.h>

#include "load.h"

#define RUN_SCRATCH	(256 * 1024) /* one read's buffer per thread: a 64 KiB body in one read */
#define RUN_HEAD_READ	4096	     /* discard mode: the first read of a response, head and a bit */
#define RUN_DISCARD_MIN 2048	     /* body left above which the kernel discards (recv MSG_TRUNC) */
#define RUN_TICK_NS	10000000ull  /* timeouts and reconnects checked every 10 ms */
#define RUN_RETRY_NS	10000000ull  /* a connection that failed waits 10 ms before reconnecting */
#define RUN_EVENTS	512

enum { C_DOWN, C_CONNECTING, C_HANDSHAKE, C_READY };

struct run_inf {
	uint64_t intended, sent;
	uint32_t req;
};

struct run_conn {
	struct run_thread *t;
	int fd, state;
	SSL *ssl;
	uint64_t started;  /* connect started, for its timeout */
	uint64_t retry_at; /* after a failure, not before */
	uint32_t reqs_left;
	unsigned gen; /* bumped when the connection is recycled */
	bool in_ring;
	struct run_inf inf[LOAD_MAX_PIPELINE];
	unsigned ihead, icount;
	char *tx;
	uint32_t txlen, txoff, txcap;
	/* the response being read */
	bool in_body, bad_body, resp_close;
	int status;
	uint64_t body_left, resp_bytes;
	uint32_t hlen;
	char *head; /* a head split over reads is gathered here */
	XXH3_state_t *xx;
};

struct run_shared {
	const struct load_cfg *cfg;
	const struct load_work *w;
	SSL_CTX *ctx;
	pthread_barrier_t ready, go;
	uint64_t t0, ws, we; /* start, window start, window end (UINT64_MAX with --requests) */
	int nthreads;
	bool abort; /* set before the go barrier when a thread could not start */
};

struct run_thread {
	struct run_shared *sh;
	const struct load_cfg *cfg;
	const struct load_work *w;
	int id, cpu, ep, nconns;
	struct run_conn *conns;
	char *scratch;
	uint64_t rng, ws, we, now;
	bool discard, open, stopping;
	bool hit_limit; /* --requests: stopped at --time-limit with some of its share left */
	unsigned inflight;
	/* open mode: the schedule */
	uint64_t next_arrival;
	double gap_ns;
	uint64_t arrivals_left, submits_left; /* --requests: this thread's share */
	struct run_conn **ring;
	unsigned rhead, rcount;
	uint64_t next_tick, next_sec, end;
	SSL_SESSION *sess;
	char tls_version[32], tls_cipher[80];
	struct load_stats st;
	struct load_tick ticks[4];
	_Atomic int published; /* seconds whose tick is complete */
	_Atomic bool finished;
	int rc;
	char first_err[LE_COUNT][200];
	pthread_t th;
};

extern int load_run_ssl_idx; /* SSL ex_data slot: the connection's thread */

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline bool counted(const struct run_thread *t, uint64_t intended)
{
	return intended >= t->ws && intended < t->we;
}

static inline struct load_tick *cur_tick(struct run_thread *t)
{
	return &t->ticks[atomic_load_explicit(&t->published, memory_order_relaxed) % 4];
}

/* load_conn.c */
__attribute__((format(printf, 3, 4))) void load_conn_fail(struct run_conn *c, enum load_err k,
							  const char *fmt, ...);
void load_conn_connect(struct run_conn *c);
void load_conn_submit(struct run_conn *c, uint64_t intended);
void load_conn_fill(struct run_conn *c);
void load_conn_recycle(struct run_conn *c, bool backoff);
void load_conn_event(struct run_conn *c, uint32_t ev);
void load_conn_ring_offer(struct run_thread *t, struct run_conn *c);
struct run_conn *load_conn_ring_take(struct run_thread *t);

#endif
