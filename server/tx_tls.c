/* tx_tls: HTTP over OpenSSL in user space.
 *
 * Every byte goes through SSL_write, so there is no zero-copy path (hence
 * no tls+sendfile variant). The body is read with pread into a per
 * connection stage rather than copied from the cache's mapping: a file
 * truncated under a mapping raises SIGBUS in user space, where the kernel
 * copy of writev only returns EFAULT; pread returns short, and the
 * connection is closed as the sendfile path does. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "out.h"
#include "srv.h"
#include "tls.h"
#include "tls_conn.h"
#include "tx.h"

/* 64 KiB: four full 16 KiB records per pread; a stage is allocated while a
 * connection has output queued */
#define TLS_STAGE 65536

int tx_global_init(char *msg, size_t msglen)
{
	return tls_ctx_init(0, msg, msglen);
}

const char *tx_describe(void)
{
	static char d[256];

	snprintf(d, sizeof(d), "tls (OpenSSL %s in user space, %s pinned; every byte through SSL_write)",
		 OpenSSL_version(OPENSSL_VERSION_STRING), tls_version_name());
	return d;
}

int tx_handshake(struct conn *c)
{
	return tls_handshake(c);
}

/* Copy len bytes of the output queue, from pos bytes past what was sent,
 * into dst: headers from obuf, bodies with pread (or from memory). */
static ssize_t stage_fill(struct conn *c, uint64_t pos, char *dst, size_t len)
{
	uint64_t skip = c->osent + pos;
	size_t got = 0;
	int k;

	for (k = 0; k < c->oq_n && got < len; k++) {
		const struct out_item *it = out_nth(c, k);
		size_t n;

		if (skip < it->hdr_len) {
			n = it->hdr_len - skip < len - got ? it->hdr_len - skip : len - got;
			memcpy(dst + got, c->obuf + it->hdr_off + skip, n);
			got += n;
			skip = 0;
		} else {
			skip -= it->hdr_len;
		}
		if (got == len || !it->body_len)
			continue;
		if (skip >= it->body_len) {
			skip -= it->body_len;
			continue;
		}
		n = it->body_len - skip < len - got ? it->body_len - skip : len - got;
		if (it->fd < 0) { /* a body held in memory (a floor build's, floor.c) */
			memcpy(dst + got, it->map + it->body_off + skip, n);
			got += n;
			n = 0;
		}
		while (n) {
			ssize_t r = pread(it->fd, dst + got, n, (off_t)(it->body_off + skip));
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -errno;
			if (r == 0)
				return -EIO; /* the file shrank: the promised length cannot be sent */
			got += (size_t)r;
			skip += (uint64_t)r;
			n -= (size_t)r;
		}
		skip = 0;
	}
	return (ssize_t)got;
}

/* The iovec tells how much of the queue to send; the bytes come from the
 * queue itself (stage_fill). Writes until all of it is sent or the socket
 * is full, so a short return keeps meaning "wait for EPOLLOUT". After
 * WANT_WRITE the stage is kept and the same bytes are offered again, as
 * SSL_write requires. */
ssize_t tx_writev(struct conn *c, const struct iovec *iov, int n)
{
	struct tls_conn *t = c->tx;
	size_t total = 0, done = 0;
	int i;

	for (i = 0; i < n; i++)
		total += iov[i].iov_len;
	if (!t->stage) {
		t->stage = malloc(TLS_STAGE);
		if (!t->stage)
			return -ENOMEM;
	}
	while (done < total) {
		ssize_t e;
		int r;

		if (t->stage_off == t->stage_len) {
			e = stage_fill(c, done, t->stage,
				       total - done < TLS_STAGE ? total - done : TLS_STAGE);
			/* EIO: the file shrank, and the connection must close now,
			 * though some of it went out: a short count would make the
			 * epoll loop wait for an EPOLLOUT edge that a socket with
			 * room never gives (it stalled until the idle timeout) */
			if (e <= 0)
				return e ? e : -EIO;
			t->stage_off = 0;
			t->stage_len = (uint32_t)e;
		}
		r = SSL_write(t->ssl, t->stage + t->stage_off, (int)(t->stage_len - t->stage_off));
		if (r > 0) {
			t->stage_off += (uint32_t)r;
			done += (size_t)r;
			continue;
		}
		e = tls_result(c, r);
		if (done)
			return (ssize_t)done;
		return e ? e : -EPIPE;
	}
	/* the whole queue is out: an idle keep-alive connection holds no stage
	 * (as SSL_MODE_RELEASE_BUFFERS does for OpenSSL's record buffers) */
	free(t->stage);
	t->stage = NULL;
	t->stage_off = t->stage_len = 0;
	return (ssize_t)done;
}

/* Only the writev path exists for tls; these two complete the interface. */
ssize_t tx_send(struct conn *c, const void *buf, size_t len, int more)
{
	struct tls_conn *t = c->tx;
	int r = SSL_write(t->ssl, buf, (int)(len > 1 << 30 ? 1 << 30 : len));
	ssize_t e;

	(void)more;
	if (r > 0)
		return r;
	e = tls_result(c, r);
	return e ? e : -EPIPE;
}

ssize_t tx_sendfile(struct conn *c, int fd, off_t *off, size_t len)
{
	(void)c;
	(void)fd;
	(void)off;
	(void)len;
	return -EOPNOTSUPP; /* tls+sendfile is not a variant: no zero-copy path */
}

int tx_waitall_ok(void)
{
	return 1;
}

const char *tx_describe_send(void)
{
	return "writev (header and body through SSL_write, the body pread into a 64 KiB buffer)";
}

ssize_t tx_sendmsg(struct conn *c, const struct iovec *iov, int n, int flags)
{
	(void)c;
	(void)iov;
	(void)n;
	(void)flags;
	return -EOPNOTSUPP; /* every byte goes through SSL_write */
}
