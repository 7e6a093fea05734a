/* tx_ktls: OpenSSL does the handshake (SSL_OP_ENABLE_KTLS), then the
 * kernel does the record layer: responses take the very syscalls of the
 * plain transport (writev of header + mapped body, send + sendfile), and the
 * kernel encrypts. Reads go through SSL_read, which OpenSSL turns into a
 * plain recvmsg where kTLS receive engaged (TLS 1.2 with OpenSSL 3.0).
 *
 * A connection where kTLS send did not engage is counted, logged and
 * closed: serving it through user-space TLS would measure the wrong thing. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "conn.h"
#include "ev.h"
#include "srv.h"
#include "tls.h"
#include "tls_conn.h"
#include "tx.h"

#define KTLS_LOG_FIRST 10 /* refusals logged one by one, then every 1000th */

static int kernel_rx = -1; /* the probe found the kernel takes receive keys (-1: not probed, --version) */

int tx_global_init(char *msg, size_t msglen)
{
	int err = tls_ktls_probe(&kernel_rx, ev_send_zerocopy(), msg, msglen);

	if (err)
		return err;
	return tls_ctx_init(1, msg, msglen);
}

const char *tx_describe(void)
{
	static char d[320];

	/* OpenSSL 3.0 on Linux: kTLS send for 1.2 and 1.3, receive for 1.2 only */
	snprintf(d, sizeof(d), "ktls (OpenSSL %s handshake, %s; in the kernel: send%s)",
		 OpenSSL_version(OPENSSL_VERSION_STRING), tls_version_name(),
		 srv_cfg.tls_version == 13
			 ? "; receive stays in OpenSSL (no TLS 1.3 kTLS receive in OpenSSL 3.0)"
		 : kernel_rx ? " and receive"
			     : "; receive stays in OpenSSL (the kernel refused receive keys)");
	return d;
}

int tx_handshake(struct conn *c)
{
	struct tls_conn *t;
	uint64_t n;
	int r = tls_handshake(c);

	if (r)
		return r;
	t = c->tx;
	if (BIO_get_ktls_send(SSL_get_wbio(t->ssl))) {
		/* zerocopy: the probe found the kernel takes it, so a refusal
		 * here is an error of this connection */
		if (ev_send_zerocopy() && tls_zerocopy_ro(c->fd) < 0)
			return -errno;
		return 0;
	}
	n = ++c->w->tx_refused;
	if (n <= KTLS_LOG_FIRST || n % 1000 == 0)
		fprintf(stderr,
			"wirelab-httpd: thread %d: kTLS send did not engage (%s, %s); connection closed, "
			"%llu so far\n",
			c->w->id, SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl),
			(unsigned long long)n);
	t->fatal = 1; /* no close_notify through user space either */
	return -EPROTONOSUPPORT;
}

ssize_t tx_writev(struct conn *c, const struct iovec *iov, int n)
{
	ssize_t w = writev(c->fd, iov, n);

	return w < 0 ? -errno : w;
}

ssize_t tx_send(struct conn *c, const void *buf, size_t len, int more)
{
	ssize_t w = send(c->fd, buf, len, MSG_NOSIGNAL | (more ? MSG_MORE : 0));

	return w < 0 ? -errno : w;
}

/* sendfile on the socket: the kernel splices the page cache into TLS
 * records (what SSL_sendfile does too, minus a call layer) */
ssize_t tx_sendfile(struct conn *c, int fd, off_t *off, size_t len)
{
	ssize_t w = sendfile(c->fd, fd, off, len);

	return w < 0 ? -errno : w;
}

int tx_waitall_ok(void)
{
	return 0;
}

const char *tx_describe_send(void)
{
	return NULL;
}

ssize_t tx_sendmsg(struct conn *c, const struct iovec *iov, int n, int flags)
{
	struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n};
	ssize_t w = sendmsg(c->fd, &m, flags | MSG_NOSIGNAL);

	return w < 0 ? -errno : w;
}
