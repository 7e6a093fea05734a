/* ev_uring: what the io_uring loop's files share. */
#ifndef WL_EV_URING_H
#define WL_EV_URING_H
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <liburing.h>

#include "conn.h"
#include "srv.h"

struct conn;
struct worker;

#define UR_IOV 64
/* splice pipes per thread (sendfile path): made at start-up, bounded, so
 * they never take the descriptors connections need */
#define UR_PIPES 4

/* user_data: a conn pointer (16-byte aligned by malloc) with the op in the
 * low bits; 0 for completions nobody waits for (cancels) */
enum ur_op {
	UR_RECV = 1,
	UR_SEND = 2,     /* sendmsg (writev path) or send of headers */
	UR_SPLICE_IN = 3,  /* file -> pipe */
	UR_SPLICE_OUT = 4, /* pipe -> socket */
	UR_LINGER = 5,   /* recv into the scratch buffer after an error answer */
	UR_POLL = 6,     /* ktls: socket readiness for OpenSSL's handshake */
	UR_OPMASK = 7,
};
/* user_data of the listener's and the wake-up fd's requests */
#define UR_TAG_ACCEPT 8
#define UR_TAG_WAKE 16

struct ur_pipe {
	int fd[2];
	uint32_t size; /* F_GETPIPE_SZ: a splice into it never asks for more */
	struct ur_pipe *next;
};

/* per connection (c->ev_ptr): what is in flight, and what it points at */
struct ur_conn {
	int inflight;      /* requests not yet completed: c is freed only at 0 */
	int recv_busy;     /* a recv is in flight */
	int send_busy;     /* a send chain is in flight */
	int closing;       /* cancelled; close and free once inflight is 0 */
	int poll_want;     /* ktls handshake: POLLIN or POLLOUT to wait for */
	int poll_busy;     /* a poll is in flight */
	struct ur_pipe *pipe; /* sendfile path: lent while the body goes out */
	uint32_t pipe_fill;   /* bytes of the body waiting in the pipe */
	int pipe_wait;     /* waits for a free pipe (counted in ur.nwait) */
	int chain_left;    /* completions still to come of the send chain */
	int chain_err;     /* the send chain failed: close when it is back */
	size_t want;       /* bytes the writev-path sendmsg asked for */
	struct msghdr msg;
	struct iovec iov[UR_IOV];
};

struct ur {
	struct io_uring ring;
	struct conn *dead;   /* closed, freed after the current batch */
	struct ur_pipe *pipes; /* free pipes (sendfile path) */
	int npipes;          /* free */
	int npipes_all;      /* free and lent */
	int nwait;           /* connections waiting for a pipe */
	uint64_t wake_val;
	int nlive;           /* connections not yet closed and freed */
	unsigned nsend;      /* sends queued since the last enter */
	unsigned min_wait_us; /* 0: the kernel has no min_wait, or it is off */
	char scratch[4096];  /* lingering connections' input, thrown away */
};

/* ur_sqe: a free submission entry; submits the queue when it is full. */
struct io_uring_sqe *ur_sqe(struct ur *u);

/* ur_close: cancel what is in flight; close and free once it is all back. */
void ur_close(struct conn *c);

/* ur_flush: start putting c's queue on the wire when no send is in flight.
 * The transport-specific submission lives in ev_uring_out.c. */
void ur_flush(struct conn *c);

/* ur_send_done: a send-side completion (UR_SEND, UR_SPLICE_*). */
void ur_send_done(struct conn *c, int op, int res);

/* ur_pipe_get: a free pipe, or a new one up to UR_PIPES; else NULL. */
struct ur_pipe *ur_pipe_get(struct ur *u);
/* ur_pipe_put: give a pipe back (clean: empty), or close a dirty one. */
void ur_pipe_put(struct ur *u, struct ur_pipe *p, int clean);

/* ---- TLS (ev_uring_tls.c); in plain variants, no-ops the compiler drops */
#if WL_TLS_PLAIN
static inline int ur_tls_step(struct conn *c) { (void)c; return 0; }
static inline int ur_tls_mem(const struct conn *c) { (void)c; return 0; }
static inline char *ur_tls_rx(struct conn *c, size_t *room) { (void)c; *room = 0; return 0; }
static inline void ur_tls_recv(struct conn *c, uint32_t n) { (void)c; (void)n; }
static inline int ur_tls_out(const struct conn *c) { (void)c; return 0; }
static inline int ur_tls_close(struct conn *c) { (void)c; return 0; }
static inline void ur_tls_thread_end(void) {}
#else
/* ur_tls_step: before ur_step's sends and recvs: a handshake step, then
 * decrypt what was received into rbuf (conn_process). ktls: sets poll_want
 * while the handshake waits for the socket. -1 when c was closed. */
int ur_tls_step(struct conn *c);
/* ur_tls_mem: OpenSSL reads c's records from memory (tls; ktls when the
 * kernel does not decrypt): recvs go to ur_tls_rx, not rbuf */
int ur_tls_mem(const struct conn *c);
char *ur_tls_rx(struct conn *c, size_t *room);
/* ur_tls_recv: n bytes of records arrived in ur_tls_rx (0: the peer's EOF) */
void ur_tls_recv(struct conn *c, uint32_t n);
/* ur_tls_out: records wait to be sent (tls) */
int ur_tls_out(const struct conn *c);
/* ur_tls_close: queue close_notify; 1 when it must be sent before the close */
int ur_tls_close(struct conn *c);
/* ur_tls_thread_end: the loop ends; every connection is gone */
void ur_tls_thread_end(void);
#endif

#define UR_C(c) ((struct ur_conn *)(c)->ev_ptr)
#define UR_W(c) ((struct ur *)(c)->w->loop)

/* a send-side submission of c, counted in its chain */
static inline void ur_prep_send(struct io_uring_sqe *sqe, struct conn *c, int op)
{
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)c | (uint64_t)op);
	UR_C(c)->inflight++;
	UR_C(c)->chain_left++;
	UR_W(c)->nsend++;
}

/* The common start of a one-send chain's completion: 1 when res bytes
 * went out and c lives on; EINTR/EAGAIN: ur_step sends again; else
 * (EPIPE, ECONNRESET; EFAULT when a file shrank under its mapping) c closes. */
static inline int ur_send_back(struct conn *c, int res)
{
	struct ur_conn *uc = UR_C(c);

	uc->chain_left--;
	uc->send_busy = 0;
	if (uc->closing)
		return 0;
	if (res > 0)
		return 1;
	if (res != -EINTR && res != -EAGAIN)
		ur_close(c);
	return 0;
}

/* the cork axis, once the queue is empty: push the corked tail now */
static inline void ur_flush_done(struct conn *c)
{
#if WL_CORK
	if (c->flags & CONN_CORKED)
		srv_set_cork(c, 0);
#else
	(void)c;
#endif
}

#endif
