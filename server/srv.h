/* srv: the server's run-time configuration and the per-thread worker. */
#ifndef WL_SRV_H
#define WL_SRV_H
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "hdate.h"

#define SRV_MAX_THREADS 256

struct srv_config {
	const char *root;
	int root_fd;	    /* O_PATH directory: every open is beneath it */
	const char *listen; /* as given, for messages */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int threads;
	int ncpus;
	int cpus[SRV_MAX_THREADS]; /* thread i runs on cpus[i % ncpus] */
	const char *access_log;
	int alog_fd;	       /* -1: no access log */
	int idle_timeout_ms;   /* keep-alive idle and send stall */
	int header_timeout_ms; /* a request head must arrive within this */
	int cache_entries;     /* per thread */
	/* TLS (tls, ktls variants) */
	const char *cert;
	const char *key;
	const char *ciphers;
	int tls_version; /* 12 or 13 */
	/* io_uring (uring variants) */
	int sqpoll;
	/* zerocopy variants: bodies of fewer bytes go the ordinary way */
	uint64_t zerocopy_min;
};

extern struct srv_config srv_cfg; /* filled before threads start, then read-only */

struct conn;
struct fcache;

struct alog {
	char *buf;
	size_t len, cap;
};

struct worker {
	int id;
	int cpu;
	pthread_t tid;
	int lfd;	/* this thread's SO_REUSEPORT listener */
	int wake_fd;	/* eventfd: readable when the server stops */
	int reserve_fd; /* spare descriptor, given up to survive EMFILE */
	struct fcache *fc;
	struct conn *conns; /* every open connection, for the timeout sweep */
	int nconns;
	struct conn *free_conns; /* a few structs kept to avoid malloc per accept */
	int nfree;
	int64_t now_ms; /* coarse monotonic clock, refreshed once per loop turn */
	time_t now_s;	/* wall clock of the cached date */
	char date[HDATE_LEN + 1];
	struct alog alog;
	int64_t next_tick_ms;
	uint64_t accept_drops; /* connections closed at once for lack of descriptors */
	uint64_t tx_refused;   /* connections the transport refused (e.g. kTLS did not engage) */
	/* zero-copy sends (zerocopy variants): read by the main thread for
	 * the stats line, so written with relaxed atomics */
	uint64_t zc_sends;  /* sends handed to the kernel as zero-copy */
	uint64_t zc_copied; /* of those, the kernel reported it copied */
	void *loop;	    /* the loop backend's state */
};

/* srv_clock: refresh w->now_ms and, when the second changed, the Date string.
 * Both clocks are vDSO reads: no syscall. */
void srv_clock(struct worker *w);

/* srv_tick: once a second: close (through expire) the connections whose
 * deadline passed, and flush the access log. */
void srv_tick(struct worker *w, void (*expire)(struct conn *c));

/* srv_shed_one: out of descriptors: give up the spare one to accept and at
 * once close a pending connection (the listener is non-blocking). */
void srv_shed_one(struct worker *w);

/* srv_peer_name: the address of sa as text into out (the access log). */
void srv_peer_name(const struct sockaddr_storage *sa, char *out, size_t n);

#endif
