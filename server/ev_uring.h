/*
 * ev_uring: what the io_uring loop's files share. The loop is
 *   ev_uring.c        the ring: set-up, enter, completions, accept, stop
 *   ev_uring_conn.c   a connection's steps: recv, close, linger
 *   ev_uring_<send>.c the send path (writev, sendfile; tls: ev_uring_tls.c)
 *   ev_uring_<tls>.c  the transport side (plain, tls, ktls), with
 *                     ev_uring_records.c for records read from memory
 * each chosen by the build from variants/table.
 */
#ifndef WL_EV_URING_H
#define WL_EV_URING_H
#include <errno.h>
#include <liburing.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "conn.h"
#include "srv.h"

struct conn;
struct worker;

#define UR_IOV 64

/* user_data: a conn pointer (16-byte aligned by malloc) with the op in the
 * low bits; 0 for completions nobody waits for (cancels) */
enum ur_op {
	UR_RECV = 1,
	UR_SEND = 2,	   /* sendmsg (writev path) or send of headers */
	UR_SPLICE_IN = 3,  /* file -> pipe */
	UR_SPLICE_OUT = 4, /* pipe -> socket */
	UR_LINGER = 5,	   /* recv into the scratch buffer after an error answer */
	UR_POLL = 6,	   /* ktls: socket readiness for OpenSSL's handshake */
	UR_SEND_ZC = 7,	   /* zero-copy send of a body, and its notification */
	UR_OPMASK = 7,
};
/* user_data of the listener's and the wake-up fd's requests */
#define UR_TAG_ACCEPT 8
#define UR_TAG_WAKE   16

struct ur_pipe; /* ev_uring_sendfile.c */

/* per connection (c->ev_ptr): what is in flight, and what it points at */
struct ur_conn {
	int inflight;	/* requests not yet completed: c is freed only at 0 */
	int recv_busy;	/* a recv is in flight */
	int send_busy;	/* a send chain is in flight */
	int closing;	/* cancelled; close and free once inflight is 0 */
	int poll_want;	/* ktls handshake: POLLIN or POLLOUT to wait for */
	int poll_busy;	/* a poll is in flight */
	int chain_left; /* completions still to come of the send chain */
	int chain_err;	/* the send chain failed: close when it is back */
	/* sendfile path: the pipe lent while the body goes out */
	struct ur_pipe *pipe;
	uint32_t pipe_fill;	/* bytes of the body waiting in the pipe */
	int pipe_wait;		/* waits for a free pipe */
	struct conn *pipe_next; /* the next connection waiting for one */
	struct msghdr msg;
	struct iovec iov[UR_IOV];
};

struct ur {
	struct io_uring ring;
	struct conn *dead; /* closed, freed after the current batch */
	void *send;	   /* the send path's per-thread state */
	uint64_t wake_val;
	int nlive;	      /* connections not yet closed and freed */
	unsigned nsend;	      /* sends queued since the last enter */
	unsigned min_wait_us; /* 0: the kernel has no min_wait, or it is off */
	char scratch[4096];   /* lingering connections' input, thrown away */
};

#define UR_C(c) ((struct ur_conn *)(c)->ev_ptr)
#define UR_W(c) ((struct ur *)(c)->w->loop)

/* ---- the ring (ev_uring.c) ---------------------------------------------- */

/* ur_sqe: a free submission entry; submits the queue when it is full. */
struct io_uring_sqe *ur_sqe(struct ur *u);

/* ---- a connection (ev_uring_conn.c) ------------------------------------- */

/* ur_new_conn: an accepted socket becomes a connection, tried at once. */
void ur_new_conn(struct worker *w, struct ur *u, int fd);
/* ur_step: after any completion of c, queue what c needs next. */
void ur_step(struct conn *c);
/* ur_conn_done: a completion of c (not a send) came back. */
void ur_conn_done(struct conn *c, int op, int res);
/* ur_close: cancel what is in flight; close and free once it is all back. */
void ur_close(struct conn *c);
/* ur_finish: nothing is in flight: close and queue c to be freed. */
void ur_finish(struct conn *c);
/* ur_free_dead: free the connections closed during this batch. */
void ur_free_dead(struct ur *u);

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

/* ---- the send path (ev_uring_<send>.c; tls: ev_uring_tls.c) ------------- */

/* ur_send_init/fini: the thread's loop starts (0 or -errno) / ends */
int ur_send_init(struct ur *u);
void ur_send_fini(struct ur *u);
/* ur_send_turn: once per loop turn, after the completions */
void ur_send_turn(struct worker *w, struct ur *u);
/* ur_send_release: c is finished: give back what its sends held */
void ur_send_release(struct conn *c);
/* ur_flush: start putting c's queue on the wire (no send is in flight). */
void ur_flush(struct conn *c);
/* ur_send_done: a send-side completion (UR_SEND, UR_SPLICE_*, UR_SEND_ZC),
 * flags: the CQE's (IORING_CQE_F_MORE, IORING_CQE_F_NOTIF). */
void ur_send_done(struct conn *c, int op, int res, unsigned flags);
/* ur_send_check: the kernel has the operations the send path submits (at
 * start-up; 0, or -errno with msg saying which is missing) */
int ur_send_check(struct io_uring_probe *probe, char *msg, size_t msglen);

/* ---- the transport side (ev_uring_<tls>.c) ------------------------------ */

/* ur_tx_init/free: once per process, before and after the threads */
int ur_tx_init(char *msg, size_t msglen);
void ur_tx_free(void);
/* ur_tx_note: what the transport does with the ring, for --version */
const char *ur_tx_note(void);
/* ur_tx_accept_flags: SOCK_* flags accepted sockets need */
int ur_tx_accept_flags(void);
/* ur_tx_open: the transport's state of a new connection (tx_conn_open) */
int ur_tx_open(struct conn *c);
/* ur_tx_finish: c closes (tx_conn_close) */
void ur_tx_finish(struct conn *c);
/* ur_tx_step: before ur_step's sends and recvs: a handshake step, then
 * decrypt what was received into rbuf (conn_process). ktls: sets poll_want
 * while the handshake waits for the socket. -1 when c was closed. */
int ur_tx_step(struct conn *c);
/* ur_tx_rx: where the next recv goes and how much fits: rbuf, or the
 * records buffer where OpenSSL reads records from memory */
char *ur_tx_rx(struct conn *c, size_t *room);
/* ur_tx_recv: a recv of res bytes (0: EOF) completed; 1 when it was
 * records (ur_tx_step decrypts them), 0 when it landed in rbuf */
int ur_tx_recv(struct conn *c, int res);
/* ur_tx_out: records wait to be sent (tls) */
int ur_tx_out(const struct conn *c);
/* ur_tx_close: queue close_notify; 1 when it must be sent before the close */
int ur_tx_close(struct conn *c);
/* ur_tx_thread_end: the loop ends; every connection is gone */
void ur_tx_thread_end(void);

/* ---- records read from memory (ev_uring_records.c; tls, ktls) ----------- */

/* ur_records_rx/recv: ur_tx_rx and ur_tx_recv where OpenSSL may read its
 * records from memory */
char *ur_records_rx(struct conn *c, size_t *room);
int ur_records_recv(struct conn *c, int res);
/* ur_records_pump: decrypt into rbuf what OpenSSL can, and answer it */
void ur_records_pump(struct conn *c);

#endif
