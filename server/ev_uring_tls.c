/* ev_uring_tls: the TLS side of the io_uring loop (tls and ktls variants).
 *
 * tls: OpenSSL never touches the socket. Its records come from io_uring
 * recvs into a per-connection buffer and go to another that io_uring sends
 * drain (tls_mem.c), so the handshake, SSL_read and SSL_write are plain
 * memory work between completions and the syscalls stay those of the ring.
 * A response's queue bytes count as written (conn_out_advance) only once
 * every record holding them has been sent, so conn.c sees what it sees
 * with a socket.
 *
 * ktls: OpenSSL needs the socket BIO to hand the keys to the kernel, so the
 * handshake runs on the socket, non-blocking, each WANT_READ/WANT_WRITE
 * waiting on an io_uring poll (tx_ktls.c). After it, sends are the plain
 * ones (ev_uring_out.c); receive is a plain recv where the kernel decrypts
 * (TLS 1.2), else OpenSSL reads records from memory as for tls. */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include <openssl/err.h>

#include "conn.h"
#include "ev.h"
#include "ev_uring.h"
#include "srv.h"
#include "tls.h"
#include "tx.h"

#if !WL_TLS_PLAIN
int ur_tls_mem(const struct conn *c)
{
	return ((const struct tls_conn *)c->tx)->mem;
}

char *ur_tls_rx(struct conn *c, size_t *room)
{
	return tls_mem_rx_room(c->tx, room);
}

int ur_tls_out(const struct conn *c)
{
	const struct tls_conn *t = c->tx;

	return t->tx_len > t->tx_off;
}

void ur_tls_recv(struct conn *c, uint32_t n)
{
	struct tls_conn *t = c->tx;

	t->rx_len += n;
	if (!n)
		t->rx_eof = 1; /* after the records already here, OpenSSL reads EOF */
}

/* Decrypt into rbuf what OpenSSL can, and answer it. Bytes past a full
 * rbuf wait in rx (or OpenSSL) for the next step: that one comes with the
 * completion of the response, after which conn.c has consumed rbuf. */
static void pump(struct conn *c)
{
	struct tls_conn *t = c->tx;

	while (!(c->flags & (CONN_LINGER | CONN_EOF)) && !t->fatal && c->rlen < CONN_RBUF &&
	       (t->rx_len > t->rx_off || t->rx_eof || SSL_has_pending(t->ssl))) {
		ssize_t n = tx_recv(c, c->rbuf + c->rlen, CONN_RBUF - c->rlen);

		if (n > 0) {
			c->rlen += (uint32_t)n;
			if (conn_out_pending(c))
				return; /* answered once the queue is out */
			conn_process(c);
			if (conn_out_pending(c))
				return;
			continue;
		}
		switch (n) {
		case 0: /* close_notify, or EOF */
			c->flags |= CONN_EOF | CONN_CLOSE_AFTER;
			return;
		case -EAGAIN: /* WANT_READ: a partial record; WANT_WRITE: tx full (a reply) */
		case -EINTR:
			return;
		default: /* a bad record: tls sends OpenSSL's alert first (ur_send_done closes) */
			if (!ur_tls_out(c))
				ur_close(c);
			return;
		}
	}
}

int ur_tls_step(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct tls_conn *t = c->tx;

	if ((c->flags & CONN_HANDSHAKE) && !(c->flags & CONN_CLOSE_AFTER)) {
		int r;

		if (uc->poll_busy)
			return 0; /* ktls: the socket is not ready yet */
		r = tx_handshake(c);
		if (r == -EAGAIN) {
			if (!t->mem) /* ktls: OpenSSL is on the socket */
				uc->poll_want = c->tx_want == EV_WANT_WRITE ? POLLOUT : POLLIN;
			return 0;
		}
		if (r < 0) {
			/* tls: OpenSSL's alert goes out before the close */
			if (!ur_tls_out(c)) {
				ur_close(c);
				return -1;
			}
			c->flags |= CONN_CLOSE_AFTER;
			return 0;
		}
		c->flags &= ~CONN_HANDSHAKE;
	}
	if (t->mem && !(c->flags & CONN_HANDSHAKE))
		pump(c);
	return c->fd < 0 || uc->closing ? -1 : 0;
}

int ur_tls_close(struct conn *c)
{
#if WL_TLS_USER
	struct tls_conn *t = c->tx;

	/* close_notify, best effort, as tx_conn_close does on a socket: not
	 * after a fatal error, nor when the peer is gone */
	if (t->ready && !t->fatal && !t->shut && !(c->flags & CONN_EOF)) {
		t->shut = 1;
		SSL_shutdown(t->ssl);
		ERR_clear_error();
		return ur_tls_out(c);
	}
#else
	(void)c; /* ktls: SSL_shutdown on the socket in tx_conn_close */
#endif
	return 0;
}

void ur_tls_thread_end(void)
{
	tls_mem_thread_free();
}
#endif /* !WL_TLS_PLAIN */

#if WL_TLS_USER
/* One send per chain: the records in tx. When tx is empty, SSL_write the
 * queue into it first (tx_tls.c's tx_writev stages header and pread body
 * and stops at WANT_WRITE, which here means tx is full). */
void ur_flush(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct tls_conn *t = c->tx;
	struct io_uring_sqe *sqe;

	if (!ur_tls_out(c) && conn_out_pending(c) && !t->fatal && !(c->flags & CONN_HANDSHAKE)) {
		int n = conn_out_iov(c, uc->iov, UR_IOV);
		ssize_t w = tx_writev(c, uc->iov, n);

		if (w > 0)
			t->tx_plain += (uint64_t)w;
		else if (w != -EAGAIN) {
			/* EIO when a file shrank: the promised length cannot be sent */
			ur_close(c);
			return;
		}
	}
	if (!ur_tls_out(c))
		return;
	sqe = ur_sqe(UR_W(c));
	io_uring_prep_send(sqe, c->fd, t->tx + t->tx_off, t->tx_len - t->tx_off, MSG_NOSIGNAL);
	ur_prep_send(sqe, c, UR_SEND);
	uc->send_busy = 1;
}

/* A send came back: a short one leaves the rest for the next chain; once
 * tx is empty, the queue bytes its records held are written. cork: TCP_CORK
 * goes on when a response needs more than one send, as for writev. */
void ur_send_done(struct conn *c, int op, int res)
{
	struct tls_conn *t = c->tx;
	uint64_t n;

	(void)op;
	if (!ur_send_back(c, res))
		return;
	t->tx_off += (uint32_t)res;
	if (t->tx_off < t->tx_len)
		return;
	t->tx_off = t->tx_len = 0;
	if (t->fatal) {
		ur_close(c); /* the alert is out */
		return;
	}
	n = t->tx_plain;
	t->tx_plain = 0;
	if (n)
		conn_out_advance(c, n);
#if WL_CORK
	if (conn_out_pending(c) && !(c->flags & CONN_CORKED))
		srv_set_cork(c, 1);
#endif
	if (!conn_out_pending(c)) {
		ur_flush_done(c);
		tls_mem_tx_put(t); /* idle: like the stage, not kept */
	}
}
#endif /* WL_TLS_USER */
