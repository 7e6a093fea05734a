/* tls_conn: one connection's OpenSSL state: handshake, reads, close.
 * tx_conn_open, tx_conn_close and tx_recv are the same for tls and ktls,
 * so they live here; each transport has its own tx_handshake and writes. */
#include <errno.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "conn.h"
#include "ev.h"
#include "tls.h"
#include "tls_conn.h"
#include "tx.h"

ssize_t tls_result(struct conn *c, int r)
{
	struct tls_conn *t = c->tx;
	int e = SSL_get_error(t->ssl, r);
	ssize_t err;

	switch (e) {
	case SSL_ERROR_WANT_READ:
		c->tx_want = EV_WANT_READ;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		c->tx_want = EV_WANT_WRITE;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN: /* close_notify, or EOF (SSL_OP_IGNORE_UNEXPECTED_EOF) */
		return 0;
	case SSL_ERROR_SYSCALL:
		err = errno ? -errno : -ECONNRESET;
		break;
	default: /* a protocol error: garbage, plain HTTP on the TLS port, bad MAC */
		err = -EPROTO;
		break;
	}
	t->fatal = 1;
	/* the error queue is per thread: leave it empty for the next
	 * connection's SSL_get_error */
	ERR_clear_error();
	return err;
}

int tls_fatal(const struct conn *c)
{
	return ((const struct tls_conn *)c->tx)->fatal;
}

int tls_kernel_rx(const struct conn *c)
{
	return BIO_get_ktls_recv(SSL_get_rbio(((const struct tls_conn *)c->tx)->ssl)) > 0;
}

int tx_conn_open(struct conn *c)
{
	struct tls_conn *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->ssl = SSL_new(tls_ctx);
	c->tx = t;
	/* the socket (ktls needs it to hand the kernel its keys); a loop
	 * that does the I/O itself moves the records to memory after this
	 * (tls_mem_attach) */
	if (!t->ssl || !SSL_set_fd(t->ssl, c->fd)) {
		SSL_free(t->ssl);
		free(t);
		c->tx = NULL;
		ERR_clear_error();
		return -ENOMEM;
	}
	SSL_set_accept_state(t->ssl);
	c->flags |= CONN_HANDSHAKE;
	c->tx_want = EV_WANT_READ;
	return 0;
}

void tx_conn_close(struct conn *c)
{
	struct tls_conn *t = c->tx;

	if (!t)
		return;
	/* close_notify, best effort, one try: not after a fatal error, nor
	 * when the peer is gone or we already sent FIN (lingering); records
	 * in memory: the loop sent its own (tls_mem_shutdown), nothing would
	 * send this one */
	if (t->ready && !t->fatal && !(c->flags & CONN_EOF) && t->bio != TLS_BIO_MEM)
		SSL_shutdown(t->ssl);
	ERR_clear_error();
	SSL_free(t->ssl);
	free(t->stage);
	free(t->rx);
	free(t->tx); /* the loop gave it back first (tls_mem_tx_put), or none */
	free(t);
	c->tx = NULL;
}

int tls_handshake(struct conn *c)
{
	struct tls_conn *t = c->tx;
	int r = SSL_do_handshake(t->ssl);

	if (r == 1) {
		t->ready = 1;
		return 0;
	}
	r = (int)tls_result(c, r);
	return r == 0 ? -ECONNRESET : r;
}

/* Read until the buffer is full or OpenSSL needs the socket: SSL_read
 * hands out one record at a time, and bytes OpenSSL has already taken off
 * the socket (SSL_pending, or the next record) would get no new epoll
 * edge. A short return therefore still means the socket is drained. */
ssize_t tx_recv(struct conn *c, void *buf, size_t len)
{
	struct tls_conn *t = c->tx;
	size_t got = 0;

	while (got < len) {
		int r = SSL_read(t->ssl, (char *)buf + got, (int)(len - got > 1 << 30 ? 1 << 30 : len - got));
		ssize_t e;

		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		e = tls_result(c, r);
		/* what was read counts; EOF or an error shows on the next call */
		return got ? (ssize_t)got : e;
	}
	return (ssize_t)got;
}
