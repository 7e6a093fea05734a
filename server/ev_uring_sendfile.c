/* ev_uring_sendfile: the io_uring loop's sendfile send path. io_uring has
 * no sendfile: the header goes with SEND, linked to two splices that move
 * the body file -> pipe -> socket, a pipe's worth per chain. io_uring runs
 * every splice in an io-wq worker (io_uring/splice.c forces async), so
 * the loop never blocks on them; the workers are pinned to the server's
 * CPUs (ev_uring.c).
 *
 * Pipes: a chain borrows one for the time its body is in flight (one pipe
 * shared by two chains would mix their bodies). The thread's pool starts
 * with UR_PIPES_START and grows on demand up to a budget: UR_PIPES_MAX, or
 * less where the descriptor limit is short (ur_send_check raises the soft
 * limit to the hard one first). Past the budget, or when a pipe cannot be
 * made, a connection waits for one in a FIFO (first come, first served:
 * the old scan of every connection served the first ones in the list
 * again and again, and p99 at 1000 connections was over a second). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "cork.h"
#include "ev.h"
#include "ev_uring.h"
#include "out.h"
#include "srv.h"
#include "tx.h"

/* made at start-up, so that a thread at its descriptor limit still has
 * pipes to lend */
#define UR_PIPES_START 4
/* The pipes may take a share of the descriptor limit above its first
 * UR_PIPES_RESERVE (two descriptors a pipe); connections and the open-file
 * cache (main.c cache_bound: a quarter) keep the rest. Under a limit of
 * 1024 or less that leaves UR_PIPES_START: a pool grown for a burst would
 * keep the descriptors idle connections need after it (tests/blackbox/
 * test_hostile, "idle connections up to the descriptor limit"). */
#define UR_PIPES_RESERVE 1024
#define UR_PIPES_SHARE	 4
/* And at most this many a thread, though the limit allows more. At 1000
 * connections over netns a pipe for every chain in flight (up to 1000)
 * cost 1.5x epoll-sendfile's CPU per request at 1 KiB against 1.1-1.15x
 * with 32 to 128 (a chain waits a loop turn for a pipe; io-wq holds fewer
 * chains and blocked workers); at 64 connections a cap of 64 waits never
 * (docs/server.md, "The io_uring sendfile path under load"). */
#define UR_PIPES_MAX 64
/* A body larger than a pipe goes in chains of a pipe's worth, a ring
 * round each. Pipes grow to hold up to this: at 1 MiB over netns, 64 KiB
 * pipes made 10 syscalls per request and 1 MiB ones 0.9, but the worker's
 * one big splice held the socket and throughput fell; 256 KiB made 2.1
 * with the most throughput and the lowest p99 (docs/server.md, "The
 * io_uring sendfile path under load"). */
#define UR_PIPE_MAX (256 * 1024)

struct ur_pipe {
	int fd[2];
	uint32_t size; /* F_GETPIPE_SZ: a splice into it never asks for more */
	struct ur_pipe *next;
};

/* the thread's pool (u->send) */
struct ur_pipes {
	struct ur_pipe *free;
	int nall;		       /* free and lent */
	int limit;		       /* pipe_budget, or nall after pipe2 failed (EMFILE) */
	int64_t retry_ms;	       /* then, when to try making pipes again */
	unsigned miss;		       /* get_pipe found none */
	struct conn *wait, *wait_tail; /* connections waiting for a pipe, FIFO */
};

/* pipes per thread, set once by ur_send_check before the threads start */
static int pipe_budget = UR_PIPES_START;

const char *ev_describe_send(void)
{
	return WL_SEND_ZEROCOPY
		       ? "zerocopy (kTLS: header SEND, then the body spliced file -> pipe -> socket, "
			 "the kernel encrypting from the page cache without a copy: TLS_TX_ZEROCOPY_RO)"
		       : "sendfile (io_uring has no sendfile: header SEND, then the body spliced file -> "
			 "pipe -> socket, two linked IORING_OP_SPLICE run by io-wq workers; a pipe per "
			 "chain in flight, within a share of the descriptor limit)";
}

/* ktls-zerocopy variants are this path with TLS_TX_ZEROCOPY_RO (tx_ktls.c) */
int ev_send_zerocopy(void)
{
	return WL_SEND_ZEROCOPY;
}

int ev_send_maps_body(void)
{
	return 0;
}

#define UR_PIPES_OF(u) ((struct ur_pipes *)(u)->send)

/* a free pipe, or a new one within the budget; else NULL */
static struct ur_pipe *pipe_get(struct ur_pipes *ps)
{
	struct ur_pipe *p = ps->free;
	int sz;

	if (p) {
		ps->free = p->next;
		return p;
	}
	if (ps->nall >= ps->limit)
		return NULL;
	p = malloc(sizeof(*p));
	if (!p)
		return NULL;
	if (pipe2(p->fd, O_CLOEXEC) < 0) {
		free(p); /* EMFILE: wait for a pipe of the pool, and try again in a while */
		ps->limit = ps->nall;
		ps->retry_ms = -1;
		return NULL;
	}
	/* a pipe past the user's page budget gets one page: ask, never assume */
	sz = fcntl(p->fd[1], F_GETPIPE_SZ);
	p->size = sz > 0 ? (uint32_t)sz : 4096;
	ps->nall++;
	return p;
}

/* give a pipe back (clean: empty), or close a dirty one */
static void pipe_put(struct ur_pipes *ps, struct ur_pipe *p, int clean)
{
	if (clean) {
		p->next = ps->free;
		ps->free = p;
		return;
	}
	/* bytes of a closed connection's body are still in it */
	close(p->fd[0]);
	close(p->fd[1]);
	free(p);
	ps->nall--;
}

/* The descriptor budget, once per process: the soft limit raised to the
 * hard one (a pipe is two descriptors), then a share of it for pipes. */
int ur_send_check(struct io_uring_probe *probe, char *msg, size_t msglen)
{
	struct rlimit rl;
	long n;

	(void)probe;
	(void)msg;
	(void)msglen;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl); /* refused: keep the soft limit */
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	n = rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur;
	n = (n - UR_PIPES_RESERVE) / UR_PIPES_SHARE / 2 / srv_cfg.threads;
	pipe_budget = n > UR_PIPES_MAX ? UR_PIPES_MAX : n > UR_PIPES_START ? (int)n : UR_PIPES_START;
	return 0;
}

int ur_send_init(struct ur *u)
{
	struct ur_pipes *ps = calloc(1, sizeof(*ps));
	struct ur_pipe *got[UR_PIPES_START];
	int i, n = 0;

	if (!ps)
		return -ENOMEM;
	ps->limit = pipe_budget;
	u->send = ps;
	for (i = 0; i < UR_PIPES_START; i++) {
		got[n] = pipe_get(ps);
		if (got[n])
			n++;
	}
	for (i = 0; i < n; i++)
		pipe_put(ps, got[i], 1);
	return 0;
}

void ur_send_fini(struct ur *u)
{
	struct ur_pipes *ps = UR_PIPES_OF(u);

	if (!ps)
		return;
	while (ps->free) {
		struct ur_pipe *p = ps->free;
		ps->free = p->next;
		pipe_put(ps, p, 0);
	}
	free(ps);
	u->send = NULL;
}

static void wait_push(struct ur_pipes *ps, struct conn *c)
{
	struct ur_conn *uc = UR_C(c);

	if (uc->pipe_wait)
		return;
	uc->pipe_wait = 1;
	uc->pipe_next = NULL;
	if (ps->wait_tail)
		UR_C(ps->wait_tail)->pipe_next = c;
	else
		ps->wait = c;
	ps->wait_tail = c;
}

static void wait_remove(struct ur_pipes *ps, struct conn *c)
{
	struct conn **pp = &ps->wait, *prev = NULL;

	if (!UR_C(c)->pipe_wait)
		return;
	while (*pp && *pp != c) {
		prev = *pp;
		pp = &UR_C(*pp)->pipe_next;
	}
	if (*pp)
		*pp = UR_C(c)->pipe_next;
	if (ps->wait_tail == c)
		ps->wait_tail = prev;
	UR_C(c)->pipe_wait = 0;
	UR_C(c)->pipe_next = NULL;
}

/* Connections that waited for a pipe, oldest first, while pipes last. */
void ur_send_turn(struct worker *w, struct ur *u)
{
	struct ur_pipes *ps = UR_PIPES_OF(u);

	if (ps->retry_ms < 0)
		ps->retry_ms = w->now_ms + 1000;
	else if (ps->limit < pipe_budget && w->now_ms >= ps->retry_ms)
		ps->limit = pipe_budget;
	while (ps->wait && (ps->free || ps->nall < ps->limit)) {
		struct conn *c = ps->wait;
		unsigned miss = ps->miss;

		ur_step(c); /* takes a pipe (get_pipe), or has no use for one now */
		if (ps->miss != miss)
			break; /* none could be made (EMFILE): wait for one back */
		if (ps->wait == c)
			wait_remove(ps, c); /* it sends nothing now; it queues again if it must */
	}
}

void ur_send_release(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct ur_pipes *ps = UR_PIPES_OF(UR_W(c));

	if (uc->pipe)
		pipe_put(ps, uc->pipe, uc->pipe_fill == 0);
	uc->pipe = NULL;
	wait_remove(ps, c);
}

/* An empty pipe grown to hold a body of len bytes, up to UR_PIPE_MAX:
 * once, and it stays that size in the pool. F_SETPIPE_SZ rounds up to a
 * power of two pages; past the user's pipe pages (fs.pipe-user-pages-soft,
 * unprivileged users) it is refused and the pipe keeps its size. */
static void pipe_fit(struct ur_pipe *p, size_t len)
{
	int sz;

	if (len <= p->size || p->size >= UR_PIPE_MAX)
		return;
	sz = fcntl(p->fd[1], F_SETPIPE_SZ, len < UR_PIPE_MAX ? (int)len : UR_PIPE_MAX);
	if (sz > 0)
		p->size = (uint32_t)sz;
}

/* the body's two splices, as much as the pipe holds */
static void queue_body(struct conn *c, const struct out_item *it)
{
	struct ur_conn *uc = UR_C(c);
	struct io_uring_sqe *sqe;
	off_t off;
	size_t left;
	unsigned len, more;

	out_body(c, it, &off, &left);
	pipe_fit(uc->pipe, left);
	len = left < uc->pipe->size ? (unsigned)left : uc->pipe->size;
	more = left > len ? SPLICE_F_MORE : 0;
	sqe = ur_sqe(UR_W(c));
	io_uring_prep_splice(sqe, it->fd, (int64_t)off, uc->pipe->fd[1], -1, len, 0);
	sqe->flags |= IOSQE_IO_LINK;
	ur_prep_send(sqe, c, UR_SPLICE_IN);
	sqe = ur_sqe(UR_W(c));
	io_uring_prep_splice(sqe, uc->pipe->fd[0], -1, c->fd, -1, len, more);
	ur_prep_send(sqe, c, UR_SPLICE_OUT);
}

static int get_pipe(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct ur_pipes *ps = UR_PIPES_OF(UR_W(c));

	/* behind others that wait: no overtaking */
	if (!uc->pipe && !(ps->wait && ps->wait != c))
		uc->pipe = pipe_get(ps);
	if (!uc->pipe) {
		ps->miss++;
		wait_push(ps, c); /* ur_send_turn steps c again */
		return -1;
	}
	wait_remove(ps, c);
	return 0;
}

/* Headers with SEND, linked to the body's splices. Headers of bodiless
 * answers that follow each other (HEAD, 304, errors) go in one SEND; the
 * cork policy may ask for MSG_MORE on a header whose body follows.
 * MSG_WAITALL makes a short header send fail the link, so no body byte can
 * pass a header byte. A transport that refuses MSG_WAITALL (kTLS) gets no
 * link: without it a short send would not break the link, so the body's
 * splices wait for the header's completion (one more ring round per
 * response; MSG_MORE still makes them one record). */
void ur_flush(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct out_item *it = out_head(c), *body;
	struct io_uring_sqe *sqe;
	const char *p;
	size_t len;

	uc->chain_err = 0;
	cork_begin(c);
	if (uc->pipe_fill) {
		uc->send_busy = 1;
		/* a broken chain left body bytes in the pipe: they go first */
		sqe = ur_sqe(UR_W(c));
		io_uring_prep_splice(sqe, uc->pipe->fd[0], -1, c->fd, -1, uc->pipe_fill, 0);
		ur_prep_send(sqe, c, UR_SPLICE_OUT);
		return;
	}
	len = out_header_run(c, &p, &body);
	if (len) {
		int flags = MSG_NOSIGNAL, link = body && tx_waitall_ok();

		if (link && get_pipe(c) < 0)
			return;
		uc->send_busy = 1;
		if (body)
			flags |= (link ? MSG_WAITALL : 0) | (cork_more() ? MSG_MORE : 0);
		sqe = ur_sqe(UR_W(c));
		io_uring_prep_send(sqe, c->fd, p, len, flags);
		if (link)
			sqe->flags |= IOSQE_IO_LINK;
		ur_prep_send(sqe, c, UR_SEND);
		if (link)
			queue_body(c, body);
		return;
	}
	if (get_pipe(c) < 0)
		return;
	uc->send_busy = 1;
	queue_body(c, it);
}

void ur_send_done(struct conn *c, int op, int res, unsigned flags)
{
	(void)flags;
	struct ur_conn *uc = UR_C(c);

	uc->chain_left--;
	if (res > 0) {
		switch (op) {
		case UR_SPLICE_IN:
			uc->pipe_fill += (uint32_t)res;
			break;
		case UR_SPLICE_OUT:
			uc->pipe_fill -= (uint32_t)res;
			/* fall through */
		default:
			if (!uc->closing)
				out_advance(c, (uint64_t)res);
		}
	} else if (res == 0 && op == UR_SPLICE_IN) {
		uc->chain_err = 1; /* the file shrank: the promised length cannot be sent */
	} else if (res < 0 && res != -ECANCELED && res != -EINTR && res != -EAGAIN) {
		uc->chain_err = 1; /* EPIPE, ECONNRESET */
	}
	if (uc->chain_left)
		return;
	uc->send_busy = 0;
	if (uc->closing)
		return;
	if (uc->chain_err) {
		ur_close(c);
		return;
	}
	if (uc->pipe && !uc->pipe_fill) {
		pipe_put(UR_PIPES_OF(UR_W(c)), uc->pipe, 1);
		uc->pipe = NULL;
	}
	if (!out_pending(c))
		cork_done(c);
}
