/* ev_uring_ktls: the kTLS side of the io_uring loop. OpenSSL needs the
 * socket BIO to hand the keys to the kernel, so the handshake runs on the
 * socket, non-blocking (accepted with SOCK_NONBLOCK), each WANT_READ or
 * WANT_WRITE waiting on an io_uring poll. After it the socket is made
 * blocking again (io_uring's sends wait on a blocking socket; a splice to
 * a non-blocking one would come back EAGAIN instead), sends are the plain
 * ones of the send path (the kernel builds the records), and receive is a
 * plain recv where the kernel decrypts (TLS 1.2), else OpenSSL reads the
 * records io_uring recvs from memory (ev_uring_records.c). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "conn.h"
#include "ev.h"
#include "ev_uring.h"
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
	return "; ktls: handshake on the socket, each wait an io_uring poll; records the kernel does not "
	       "decrypt are read by OpenSSL from io_uring recvs through a memory BIO";
}

int ur_tx_accept_flags(void)
{
	return SOCK_NONBLOCK;
}

int ur_tx_open(struct conn *c)
{
	return tx_conn_open(c);
}

void ur_tx_finish(struct conn *c)
{
	tx_conn_close(c);
}

/* kTLS send engaged (tx_handshake checked): the socket goes back to
 * blocking, and records the kernel does not decrypt come from memory */
static int kernel_takes_over(struct conn *c)
{
	int off = 0;

	if (ioctl(c->fd, FIONBIO, &off) < 0)
		return -errno;
	return tls_kernel_rx(c) ? 0 : tls_mem_attach(c, 0);
}

int ur_tx_step(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);

	if ((c->flags & CONN_HANDSHAKE) && !(c->flags & CONN_CLOSE_AFTER)) {
		int r;

		if (uc->poll_busy)
			return 0; /* the socket is not ready yet */
		r = tx_handshake(c);
		if (r == -EAGAIN) {
			uc->poll_want = c->tx_want == EV_WANT_WRITE ? POLLOUT : POLLIN;
			return 0;
		}
		if (r == 0)
			r = kernel_takes_over(c);
		if (r < 0) {
			ur_close(c);
			return -1;
		}
		c->flags &= ~CONN_HANDSHAKE;
	}
	if (tls_mem(c) && !(c->flags & CONN_HANDSHAKE))
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
	(void)c; /* the kernel sends the records */
	return 0;
}

int ur_tx_close(struct conn *c)
{
	(void)c; /* SSL_shutdown on the socket in tx_conn_close */
	return 0;
}

void ur_tx_thread_end(void)
{
	tls_mem_thread_free();
}
