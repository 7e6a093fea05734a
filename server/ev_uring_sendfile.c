/* ev_uring_sendfile: the io_uring loop's sendfile send path. io_uring has
 * no sendfile: the header goes with SEND, linked to two splices that move
 * the body file -> pipe -> socket, a pipe's worth (its F_GETPIPE_SZ) per
 * chain. The pipes are a per-thread pool made at start-up (so they never
 * take the descriptors connections need), lent for a chain and given back
 * once empty; one pipe per thread would mix the bodies of connections
 * whose splices run at once in io-wq. A connection that finds no free
 * pipe waits for one. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "cork.h"
#include "ev.h"
#include "ev_uring.h"
#include "out.h"
#include "tx.h"

/* splice pipes per thread: bounded, so they never take the descriptors
 * connections need */
#define UR_PIPES 4

struct ur_pipe {
	int fd[2];
	uint32_t size; /* F_GETPIPE_SZ: a splice into it never asks for more */
	struct ur_pipe *next;
};

/* the thread's pool (u->send) */
struct ur_pipes {
	struct ur_pipe *free;
	int nfree;
	int nall;  /* free and lent */
	int nwait; /* connections waiting for a pipe */
};

const char *ev_describe_send(void)
{
	return WL_SEND_ZEROCOPY
		       ? "zerocopy (kTLS: header SEND, then the body spliced file -> pipe -> socket, "
			 "the kernel encrypting from the page cache without a copy: TLS_TX_ZEROCOPY_RO)"
		       : "sendfile (io_uring has no sendfile: header SEND, then the body spliced file -> "
			 "pipe -> socket, two linked IORING_OP_SPLICE)";
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

/* a free pipe, or a new one up to UR_PIPES; else NULL */
static struct ur_pipe *pipe_get(struct ur_pipes *ps)
{
	struct ur_pipe *p = ps->free;
	int sz;

	if (p) {
		ps->free = p->next;
		ps->nfree--;
		return p;
	}
	if (ps->nall >= UR_PIPES)
		return NULL;
	p = malloc(sizeof(*p));
	if (!p)
		return NULL;
	if (pipe2(p->fd, O_CLOEXEC) < 0) {
		free(p);
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
		ps->nfree++;
		return;
	}
	/* bytes of a closed connection's body are still in it */
	close(p->fd[0]);
	close(p->fd[1]);
	free(p);
	ps->nall--;
}

int ur_send_check(struct io_uring_probe *probe, char *msg, size_t msglen)
{
	(void)probe;
	(void)msg;
	(void)msglen;
	return 0;
}

int ur_send_init(struct ur *u)
{
	struct ur_pipes *ps = calloc(1, sizeof(*ps));
	struct ur_pipe *got[UR_PIPES];
	int i, n = 0;

	if (!ps)
		return -ENOMEM;
	u->send = ps;
	for (i = 0; i < UR_PIPES; i++) {
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

/* Connections that waited for a pipe: one came free. */
void ur_send_turn(struct worker *w, struct ur *u)
{
	struct ur_pipes *ps = UR_PIPES_OF(u);
	struct conn *c;

	for (c = w->conns; c && ps->nwait && (ps->free || ps->nall < UR_PIPES); c = c->next) {
		if (c->fd >= 0 && UR_C(c)->pipe_wait)
			ur_step(c);
	}
}

void ur_send_release(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct ur_pipes *ps = UR_PIPES_OF(UR_W(c));

	if (uc->pipe)
		pipe_put(ps, uc->pipe, uc->pipe_fill == 0);
	uc->pipe = NULL;
	if (uc->pipe_wait)
		ps->nwait--;
	uc->pipe_wait = 0;
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

	if (!uc->pipe)
		uc->pipe = pipe_get(ps);
	if (!uc->pipe) {
		/* all lent: wait for one (ur_send_turn) */
		if (!uc->pipe_wait)
			ps->nwait++;
		uc->pipe_wait = 1;
		return -1;
	}
	if (uc->pipe_wait)
		ps->nwait--;
	uc->pipe_wait = 0;
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
