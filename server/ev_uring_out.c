/* ev_uring_out: the send submissions of the io_uring loop, per the send
 * axis (writev or sendfile) and the cork axis (cork or autocork). One send
 * chain per connection is in flight at a time; its completions come back
 * through ur_send_done, and ur_step asks for the next chain.
 *
 * These two functions are the only place the uring loop writes to a
 * socket, so user-space TLS, which must see the bytes, has its own pair in
 * ev_uring_tls.c; ktls uses these (the kernel builds the records). */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

#include "conn.h"
#include "ev_uring.h"
#include "srv.h"

#if !WL_TLS_USER /* tls: ev_uring_tls.c */
#if WL_SEND_WRITEV
/* One sendmsg per chain: headers and mapped bodies of every queued
 * response, as epoll's one writev (MSG_NOSIGNAL: a peer gone is an error,
 * not a signal). cork: TCP_CORK goes on only when a response needs more
 * than one sendmsg, as in ev_epoll_out.c. */
void ur_flush(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct io_uring_sqe *sqe;
	int n = conn_out_iov(c, uc->iov, UR_IOV), i;

	uc->want = 0;
	for (i = 0; i < n; i++)
		uc->want += uc->iov[i].iov_len;
	uc->msg = (struct msghdr){ .msg_iov = uc->iov, .msg_iovlen = (size_t)n };
	sqe = ur_sqe(UR_W(c));
	io_uring_prep_sendmsg(sqe, c->fd, &uc->msg, MSG_NOSIGNAL);
	ur_prep_send(sqe, c, UR_SEND);
	uc->send_busy = 1;
}

void ur_send_done(struct conn *c, int op, int res)
{
	(void)op;
	if (!ur_send_back(c, res))
		return;
	conn_out_advance(c, (uint64_t)res);
#if WL_CORK
	if ((size_t)res < UR_C(c)->want && !(c->flags & CONN_CORKED))
		srv_set_cork(c, 1);
#endif
	if (!conn_out_pending(c))
		ur_flush_done(c);
}
#else
/* The body goes file -> pipe -> socket by two linked splices, a pipe's
 * worth (its F_GETPIPE_SZ) per chain. The pipe is lent by the thread's pool
 * for the chain and given back once empty; one pipe per thread would mix
 * the bodies of connections whose splices run at once in io-wq. */
static void queue_body(struct conn *c, const struct out_item *it)
{
	struct ur_conn *uc = UR_C(c);
	struct io_uring_sqe *sqe;
	uint64_t done = c->osent > it->hdr_len ? c->osent - it->hdr_len : 0;
	uint64_t left = it->body_len - done;
	unsigned len = left < uc->pipe->size ? (unsigned)left : uc->pipe->size;
	unsigned more = left > len ? SPLICE_F_MORE : 0;

	sqe = ur_sqe(UR_W(c));
	io_uring_prep_splice(sqe, it->fd, (int64_t)(it->body_off + done), uc->pipe->fd[1], -1, len, 0);
	sqe->flags |= IOSQE_IO_LINK;
	ur_prep_send(sqe, c, UR_SPLICE_IN);
	sqe = ur_sqe(UR_W(c));
	io_uring_prep_splice(sqe, uc->pipe->fd[0], -1, c->fd, -1, len, more);
	ur_prep_send(sqe, c, UR_SPLICE_OUT);
}

static int get_pipe(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct ur *u = UR_W(c);

	if (!uc->pipe)
		uc->pipe = ur_pipe_get(u);
	if (!uc->pipe) {
		/* all lent: wait for one (ev_uring.c pipe_waiters) */
		if (!uc->pipe_wait)
			u->nwait++;
		uc->pipe_wait = 1;
		return -1;
	}
	if (uc->pipe_wait)
		u->nwait--;
	uc->pipe_wait = 0;
	return 0;
}

/* Headers with SEND, linked to the body's splices. Headers of bodiless
 * answers that follow each other (HEAD, 304, errors) go in one SEND.
 * cork: MSG_MORE on a header whose body follows. MSG_WAITALL makes a short
 * header send fail the link, so no body byte can pass a header byte (ktls:
 * no link, see below). */
void ur_flush(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct out_item *it = conn_out_head(c);
	struct io_uring_sqe *sqe;

	uc->chain_err = 0;
	if (uc->pipe_fill) {
		uc->send_busy = 1;
		/* a broken chain left body bytes in the pipe: they go first */
		sqe = ur_sqe(UR_W(c));
		io_uring_prep_splice(sqe, uc->pipe->fd[0], -1, c->fd, -1, uc->pipe_fill, 0);
		ur_prep_send(sqe, c, UR_SPLICE_OUT);
		return;
	}
	if (c->osent < it->hdr_len) {
		const char *p = c->obuf + it->hdr_off + c->osent;
		size_t len = it->hdr_len - c->osent;
		int k = 1, flags = MSG_NOSIGNAL, link;

		while (!it->body_len && k < c->oq_n) {
			struct out_item *nx = &c->oq[(c->oq_head + k) % CONN_OQ];
			if (c->obuf + nx->hdr_off != p + len)
				break;
			len += nx->hdr_len;
			it = nx;
			k++;
		}
		/* kTLS refuses MSG_WAITALL (Linux 6.1 tls_sw_sendmsg: EOPNOTSUPP),
		 * and without it a short send does not break the link: under
		 * ktls the body's splices wait for the header's completion (one
		 * more ring round per response; MSG_MORE still makes them one record) */
		link = it->body_len && !WL_TLS_KTLS;
		if (link && get_pipe(c) < 0)
			return;
		uc->send_busy = 1;
		if (it->body_len)
			flags |= (link ? MSG_WAITALL : 0) | (WL_CORK ? MSG_MORE : 0);
		sqe = ur_sqe(UR_W(c));
		io_uring_prep_send(sqe, c->fd, p, len, flags);
		if (link)
			sqe->flags |= IOSQE_IO_LINK;
		ur_prep_send(sqe, c, UR_SEND);
		if (link)
			queue_body(c, it);
		return;
	}
	if (get_pipe(c) < 0)
		return;
	uc->send_busy = 1;
	queue_body(c, it);
}

void ur_send_done(struct conn *c, int op, int res)
{
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
				conn_out_advance(c, (uint64_t)res);
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
		ur_pipe_put(UR_W(c), uc->pipe, 1);
		uc->pipe = NULL;
	}
	if (!conn_out_pending(c))
		ur_flush_done(c);
}
#endif
#endif /* !WL_TLS_USER */
