/* ev_uring_tls: the user-space TLS side of the io_uring loop, and its send
 * path. OpenSSL never touches the socket: its records come from io_uring
 * recvs into a per-connection buffer and go to another that io_uring sends
 * drain (tls_mem.c), so the handshake, SSL_read and SSL_write are plain
 * memory work between completions and the syscalls stay those of the
 * ring. A response's queue bytes count as written (out_advance) only once
 * every record holding them has been sent, so conn.c sees what it sees
 * with a socket. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include "conn.h"
#include "cork.h"
#include "ev.h"
#include "ev_uring.h"
#include "out.h"
#include "tls.h"
#include "tx.h"

int ur_tx_init(char *msg, size_t msglen)
{
	if (tls_mem_init() < 0) {
		snprintf(msg, msglen, "TLS: cannot make the memory BIO method");
		return -ENOMEM;
	}
	return 0;
}

void ur_tx_free(void)
{
	tls_mem_free();
}

const char *ur_tx_note(void)
{
	return "; tls: records to and from io_uring recv/send through memory BIOs";
}

int ur_tx_accept_flags(void)
{
	return 0;
}

int ur_tx_open(struct conn *c)
{
	int r = tx_conn_open(c);

	return r ? r : tls_mem_attach(c, 1);
}

void ur_tx_finish(struct conn *c)
{
	if (c->tx)
		tls_mem_tx_put(c); /* to the thread's cache, not to malloc */
	tx_conn_close(c);
}

int ur_tx_step(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);

	if ((c->flags & CONN_HANDSHAKE) && !(c->flags & CONN_CLOSE_AFTER)) {
		int r = tx_handshake(c);

		if (r == -EAGAIN)
			return 0;
		if (r < 0) {
			/* OpenSSL's alert goes out before the close */
			if (!ur_tx_out(c)) {
				ur_close(c);
				return -1;
			}
			c->flags |= CONN_CLOSE_AFTER;
			return 0;
		}
		c->flags &= ~CONN_HANDSHAKE;
	}
	if (!(c->flags & CONN_HANDSHAKE))
		ur_records_pump(c);
	return c->fd < 0 || uc->closing ? -1 : 0;
}

char *ur_tx_rx(struct conn *c, size_t *room)
{
	return ur_records_rx(c, room);
}

int ur_tx_recv(struct conn *c, int res)
{
	return ur_records_recv(c, res);
}

int ur_tx_out(const struct conn *c)
{
	size_t len;

	tls_mem_tx(c, &len);
	return len > 0;
}

int ur_tx_close(struct conn *c)
{
	return tls_mem_shutdown(c);
}

void ur_tx_thread_end(void)
{
	tls_mem_thread_free();
}

/* ---- the send path: SSL_write into memory, one IORING_OP_SEND per chain */

const char *ev_describe_send(void)
{
	return "writev (SSL_write of header and body into a records buffer, one IORING_OP_SEND per chain)";
}

int ev_send_zerocopy(void)
{
	return 0;
}

int ev_send_maps_body(void)
{
	return 1; /* as the writev path it stands for; the body is pread (tx_tls.c) */
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
	(void)u;
	return 0;
}

void ur_send_fini(struct ur *u)
{
	(void)u;
}

void ur_send_turn(struct worker *w, struct ur *u)
{
	(void)w;
	(void)u;
}

void ur_send_release(struct conn *c)
{
	(void)c;
}

/* One send per chain: the records waiting. When there are none, SSL_write
 * the queue first (tx_tls.c's tx_writev stages header and pread body and
 * stops at WANT_WRITE, which here means the records buffer is full). */
void ur_flush(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct io_uring_sqe *sqe;
	const char *rec;
	size_t len;

	if (!ur_tx_out(c) && out_pending(c) && !tls_fatal(c) && !(c->flags & CONN_HANDSHAKE)) {
		int n;

		cork_begin(c);
		n = out_iov(c, uc->iov, UR_IOV);
		ssize_t w = tx_writev(c, uc->iov, n);

		if (w > 0) {
			tls_mem_plain_add(c, (uint64_t)w);
		} else if (w != -EAGAIN) {
			/* EIO when a file shrank: the promised length cannot be sent */
			ur_close(c);
			return;
		}
	}
	rec = tls_mem_tx(c, &len);
	if (!len)
		return;
	sqe = ur_sqe(UR_W(c));
	io_uring_prep_send(sqe, c->fd, rec, len, MSG_NOSIGNAL);
	ur_prep_send(sqe, c, UR_SEND);
	uc->send_busy = 1;
}

/* A send came back: a short one leaves the rest for the next chain; once
 * the records are out, the queue bytes they held are written. */
void ur_send_done(struct conn *c, int op, int res, unsigned flags)
{
	(void)flags;
	uint64_t n;

	(void)op;
	if (!ur_send_back(c, res))
		return;
	if (!tls_mem_tx_sent(c, (size_t)res))
		return;
	if (tls_fatal(c)) {
		ur_close(c); /* the alert is out */
		return;
	}
	n = tls_mem_plain_take(c);
	if (n)
		out_advance(c, n);
	if (!out_pending(c)) {
		cork_done(c);
		tls_mem_tx_put(c); /* idle: like the stage, not kept */
	}
}
