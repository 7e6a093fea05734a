/* ev_uring_conn: one connection's steps under the io_uring loop.
 *
 * A connection is freed only when nothing of it is in flight: closing
 * cancels its requests (IORING_ASYNC_CANCEL_FD) and the struct waits for
 * their completions. Reading goes on while a response is being sent, into
 * the room left in rbuf; the requests it holds are answered once the queue
 * is out (out_advance), so rbuf's size bounds what a client can make us
 * hold, as epoll's stop-reading does. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "cork.h"
#include "ev_uring.h"
#include "out.h"
#include "srv.h"
#include "tx.h"

static void ur_prep(struct io_uring_sqe *sqe, struct conn *c, int op)
{
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)c | (uint64_t)op);
	UR_C(c)->inflight++;
}

/* The recv submission. Poll first when the connection has just been
 * answered: the next request is not there yet. */
static void ur_arm_recv(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct io_uring_sqe *sqe = ur_sqe(UR_W(c));
	size_t room;
	char *buf = ur_tx_rx(c, &room);

	io_uring_prep_recv(sqe, c->fd, buf, room, 0);
	if (!c->rlen && c->olen == 0 && c->ev)
		sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
	c->ev = 1; /* not the first read after accept */
	ur_prep(sqe, c, UR_RECV);
	uc->recv_busy = 1;
}

/* After an error answer: read and throw away until EOF or the deadline. */
static void ur_arm_linger(struct conn *c)
{
	struct ur *u = UR_W(c);
	struct io_uring_sqe *sqe = ur_sqe(u);

	io_uring_prep_recv(sqe, c->fd, u->scratch, sizeof(u->scratch), 0);
	ur_prep(sqe, c, UR_LINGER);
	UR_C(c)->recv_busy = 1;
}

/* ktls handshake: wait until the socket can give OpenSSL what it wants. */
static void ur_arm_poll(struct conn *c)
{
	struct io_uring_sqe *sqe = ur_sqe(UR_W(c));

	io_uring_prep_poll_add(sqe, c->fd, (unsigned)UR_C(c)->poll_want);
	ur_prep(sqe, c, UR_POLL);
	UR_C(c)->poll_busy = 1;
}

static void on_recv(struct conn *c, int res)
{
	if (c->flags & CONN_LINGER) {
		if (res <= 0 && res != -EINTR)
			ur_close(c);
		return; /* input after an error answer is thrown away */
	}
	if (res >= 0 && ur_tx_recv(c, res))
		return; /* records (or EOF): ur_tx_step decrypts */
	if (res > 0) {
		c->rlen += (uint32_t)res;
		/* while a response is going out, the bytes wait in rbuf */
		if (!out_pending(c))
			conn_process(c);
		return;
	}
	switch (res) {
	case 0:
		c->flags |= CONN_EOF | CONN_CLOSE_AFTER;
		return;
	case -EINTR:
	case -EAGAIN:
	case -ENOBUFS:
		return; /* asked again by ur_step */
	default:
		ur_close(c);
	}
}

/* ---- closing ------------------------------------------------------------ */

void ur_finish(struct conn *c)
{
	struct ur *u = UR_W(c);
	struct ur_conn *uc = UR_C(c);

	/* only now: in-flight recvs and sends of TLS records use its buffers */
	ur_tx_finish(c);
	close(c->fd);
	c->fd = -1;
	ur_send_release(c);
	free(uc);
	c->ev_ptr = u->dead;
	u->dead = c;
	u->nlive--;
}

void ur_close(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct io_uring_sqe *sqe;

	if (c->fd < 0 || uc->closing)
		return;
	uc->closing = 1;
	/* a response cut short must not end with close_notify (ktls sends
	 * one from tx_conn_close): treat the peer as gone */
	if (uc->send_busy || out_pending(c))
		c->flags |= CONN_EOF;
	if (!uc->inflight) {
		ur_finish(c);
		return;
	}
	/* a splice blocked on a full socket leaves at once with EPIPE */
	if (uc->send_busy)
		shutdown(c->fd, SHUT_RDWR);
	sqe = ur_sqe(UR_W(c));
	io_uring_prep_cancel_fd(sqe, c->fd, IORING_ASYNC_CANCEL_ALL);
	io_uring_sqe_set_data64(sqe, 0); /* liburing 2.3's prep leaves user_data as it was */
}

void ur_free_dead(struct ur *u)
{
	while (u->dead) {
		struct conn *c = u->dead;
		u->dead = c->ev_ptr;
		c->ev_ptr = NULL;
		conn_free(c);
	}
}

void ur_step(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);

	if (c->fd < 0)
		return; /* closed and freed by the completion just handled */
	if (uc->closing) {
		if (!uc->inflight)
			ur_finish(c);
		return;
	}
	if (ur_tx_step(c) < 0)
		return;
	if (uc->poll_want) { /* ktls handshake: OpenSSL waits for the socket */
		if (!uc->poll_busy)
			ur_arm_poll(c);
		return;
	}
	if ((out_pending(c) || ur_tx_out(c)) && !uc->send_busy) {
		ur_flush(c);
		if (c->fd < 0 || uc->closing)
			return;
	}
	if (conn_should_close(c) && !ur_tx_out(c)) {
		if (!(c->flags & CONN_LINGER)) {
			if (ur_tx_close(c)) { /* close_notify first */
				if (!uc->send_busy)
					ur_flush(c);
				return;
			}
			ur_close(c);
			return;
		}
		out_linger(c);
	}
	if (c->flags & CONN_LINGER) {
		if (!uc->recv_busy && !(c->flags & CONN_CLOSE_AFTER))
			ur_arm_linger(c);
		return;
	}
	if (!uc->recv_busy && !(c->flags & (CONN_CLOSE_AFTER | CONN_EOF))) {
		size_t room;
		char *buf = ur_tx_rx(c, &room);

		/* Requests wait in rbuf behind a full output queue: once it is
		 * written, conn_process answers them and moves what is left to
		 * rbuf's front, while a recv armed now would land at the old end
		 * (a pipeline of more than CONN_OQ heads then lost the next
		 * request). Read again when the queue is out. */
		if (room && !(buf == c->rbuf + c->rlen && c->rlen && out_pending(c)))
			ur_arm_recv(c);
	}
}

void ur_new_conn(struct worker *w, struct ur *u, int fd)
{
	struct ur_conn *uc;
	struct conn *c;

	cork_conn_open(fd);
	c = conn_new(w, fd);
	if (!c) {
		close(fd);
		return;
	}
	uc = calloc(1, sizeof(*uc));
	if (!uc) {
		close(fd);
		c->fd = -1;
		conn_free(c);
		return;
	}
	c->ev_ptr = uc;
	u->nlive++;
	if (srv_cfg.alog_fd >= 0) {
		struct sockaddr_storage sa;
		socklen_t salen = sizeof(sa);

		if (getpeername(fd, (struct sockaddr *)&sa, &salen) == 0)
			srv_peer_name(&sa, c->peer, sizeof(c->peer));
	}
	if (ur_tx_open(c) < 0) {
		ur_close(c);
		return;
	}
	/* TCP_DEFER_ACCEPT: the request is usually here already; the recv
	 * tries at once and only then waits */
	ur_step(c);
}

/* A completion of c that is not a send. */
void ur_conn_done(struct conn *c, int op, int res)
{
	struct ur_conn *uc = UR_C(c);

	if (op == UR_POLL) { /* ur_step calls OpenSSL again; it sees any error itself */
		uc->poll_busy = 0;
		uc->poll_want = 0;
		return;
	}
	uc->recv_busy = 0;
	if (!uc->closing)
		on_recv(c, res);
}
