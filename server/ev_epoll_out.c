/* ev_epoll_out: putting a connection's queue on the wire, per the send axis
 * (writev or sendfile) and the cork axis (cork or autocork).
 *
 * A write that comes back short means the socket buffer is full; TCP has
 * then set SOCK_NOSPACE, so an EPOLLOUT edge follows when space frees
 * (tcp_sendmsg_locked -> wait_for_space), and we wait for it instead of
 * spending a syscall to hear EAGAIN (nginx does the same). */
#include <errno.h>
#include <sys/uio.h>

#include "conn.h"
#include "ev_epoll.h"
#include "srv.h"
#include "tx.h"

#define EP_IOV 64

/* the cork axis, once the queue is empty */
static void flush_done(struct conn *c)
{
#if WL_CORK
	if (c->flags & CONN_CORKED)
		srv_set_cork(c, 0); /* push the corked tail now */
#else
	(void)c;
#endif
}

#if WL_SEND_WRITEV
/* One writev per turn: headers and mapped bodies of every queued response.
 * cork: TCP_CORK goes on only when a response needs more than one writev
 * (a short write), so a response that fits in one costs no setsockopt; a
 * single writev is already one unit for TCP. */
int ep_flush(struct conn *c)
{
	struct iovec iov[EP_IOV];

	while (conn_out_pending(c)) {
		int n = conn_out_iov(c, iov, EP_IOV), i;
		size_t total = 0;
		ssize_t w;

		for (i = 0; i < n; i++)
			total += iov[i].iov_len;
		w = tx_writev(c, iov, n);
		if (w >= 0) {
			conn_out_advance(c, (uint64_t)w);
			if ((size_t)w < total) {
#if WL_CORK
				if (!(c->flags & CONN_CORKED))
					srv_set_cork(c, 1);
#endif
				return 0;
			}
			continue;
		}
		switch (w) {
		case -EAGAIN:
#if WL_CORK
			if (!(c->flags & CONN_CORKED))
				srv_set_cork(c, 1);
#endif
			return 0;
		case -EINTR:
			continue;
		default:
			/* EPIPE, ECONNRESET; EFAULT when a file shrank under its mapping */
			ep_close(c);
			return -1;
		}
	}
	flush_done(c);
	return 0;
}
#else
/* Headers with send(), bodies with sendfile(). Headers of bodiless answers
 * that follow each other (HEAD, 304, errors) go out in one send.
 * cork: MSG_MORE on a header whose body follows, which holds it back to
 * share a segment with the body: the effect of TCP_CORK around the
 * response without its two setsockopt calls. */
int ep_flush(struct conn *c)
{
	while (conn_out_pending(c)) {
		struct out_item *it = conn_out_head(c);
		ssize_t w;

		if (c->osent < it->hdr_len) {
			const char *p = c->obuf + it->hdr_off + c->osent;
			size_t len = it->hdr_len - c->osent;
			int k = 1, more;

			while (!it->body_len && k < c->oq_n) {
				struct out_item *nx = &c->oq[(c->oq_head + k) % CONN_OQ];
				if (c->obuf + nx->hdr_off != p + len)
					break;
				len += nx->hdr_len;
				it = nx;
				k++;
			}
			more = WL_CORK && it->body_len > 0;
			w = tx_send(c, p, len, more);
			if (w >= 0) {
				conn_out_advance(c, (uint64_t)w);
				if ((size_t)w < len)
					return 0;
				continue;
			}
		} else {
			uint64_t done = c->osent - it->hdr_len;
			off_t off = (off_t)(it->body_off + done);
			size_t left = it->body_len - done;

			w = tx_sendfile(c, it->fd, &off, left);
			if (w == 0) {
				/* the file shrank: the promised length cannot be sent */
				ep_close(c);
				return -1;
			}
			if (w > 0) {
				conn_out_advance(c, (uint64_t)w);
				if ((size_t)w < left)
					return 0;
				continue;
			}
		}
		switch (w) {
		case -EAGAIN:
			return 0;
		case -EINTR:
			continue;
		default:
			ep_close(c);
			return -1;
		}
	}
	flush_done(c);
	return 0;
}
#endif
