/* tls_mem: a BIO over two per-connection buffers, for the io_uring loop.
 *
 * OpenSSL reads records from t->rx, which io_uring recv completions fill,
 * and writes them to t->tx, which io_uring sends drain. A mem BIO pair
 * (BIO_s_mem) would do the same with one more copy each way (recv buffer
 * -> mem BIO -> OpenSSL, OpenSSL -> mem BIO -> send buffer) and an
 * unbounded output; here the bound on tx is what makes SSL_write say
 * WANT_WRITE, as a full socket does, so tx_tls.c's write loop works
 * unchanged over it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>

#include "conn.h"
#include "tls.h"
#include "tls_conn.h"

/* rx: 16 KiB, a full record (OpenSSL keeps a partial one itself, so
 * any size works; this one takes a request and its record at once).
 * tx: 96 KiB, so a 64 KiB body, its header and their five records'
 * overhead leave in one send; below glibc's 128 KiB mmap threshold, so
 * neither costs an mmap. */
#define TLS_MEM_RX 16384
#define TLS_MEM_TX (96 * 1024)

/* Idle connections give their record buffer back (an idle keep-alive
 * connection holds no stage either); a few wait here per thread for the
 * next response. Freed to malloc each time, they made glibc trim its heap:
 * 0.07 madvise per request at 64 KiB, 64 connections (build/wirelab probe). */
#define TLS_MEM_CACHE 16

static BIO_METHOD *mem_method;
static __thread char *tx_cache[TLS_MEM_CACHE];
static __thread int tx_ncache;

void tls_mem_tx_put(struct conn *c)
{
	struct tls_conn *t = c->tx;

	if (!t->tx)
		return;
	if (tx_ncache < TLS_MEM_CACHE)
		tx_cache[tx_ncache++] = t->tx;
	else
		free(t->tx);
	t->tx = NULL;
	t->tx_off = t->tx_len = 0;
}

void tls_mem_thread_free(void)
{
	while (tx_ncache)
		free(tx_cache[--tx_ncache]);
}

static int mem_read(BIO *b, char *out, int len)
{
	struct tls_conn *t = BIO_get_data(b);
	uint32_t n = t->rx_len - t->rx_off;

	BIO_clear_retry_flags(b);
	if (!n) {
		if (t->rx_eof)
			return 0;
		BIO_set_retry_read(b); /* SSL_ERROR_WANT_READ: wait for a recv */
		return -1;
	}
	if ((uint32_t)len < n)
		n = (uint32_t)len;
	/* no rewind here: a recv in flight may be filling rx past rx_len */
	memcpy(out, t->rx + t->rx_off, n);
	t->rx_off += n;
	return (int)n;
}

static int mem_write(BIO *b, const char *in, int len)
{
	struct tls_conn *t = BIO_get_data(b);
	uint32_t n;

	BIO_clear_retry_flags(b);
	if (!t->tx) {
		t->tx = tx_ncache ? tx_cache[--tx_ncache] : malloc(TLS_MEM_TX);
		if (!t->tx)
			return -1;
	}
	n = TLS_MEM_TX - t->tx_len;
	if (!n) {
		BIO_set_retry_write(b); /* SSL_ERROR_WANT_WRITE: wait for the send */
		return -1;
	}
	if ((uint32_t)len < n)
		n = (uint32_t)len;
	memcpy(t->tx + t->tx_len, in, n);
	t->tx_len += n;
	return (int)n;
}

static long mem_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	/* flush: the loop sends tx after every OpenSSL call; the rest
	 * (kTLS, dgram, pending counts) does not apply */
	return cmd == BIO_CTRL_FLUSH;
}

int tls_mem_init(void)
{
	if (mem_method)
		return 0;
	mem_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "wirelab uring");
	if (!mem_method || !BIO_meth_set_read(mem_method, mem_read) ||
	    !BIO_meth_set_write(mem_method, mem_write) || !BIO_meth_set_ctrl(mem_method, mem_ctrl)) {
		tls_mem_free();
		return -ENOMEM;
	}
	return 0;
}

void tls_mem_free(void)
{
	BIO_meth_free(mem_method);
	mem_method = NULL;
}

static BIO *mem_bio(struct tls_conn *t)
{
	BIO *b = BIO_new(mem_method);

	if (b) {
		BIO_set_data(b, t);
		BIO_set_init(b, 1);
	}
	return b;
}

int tls_mem_attach(struct conn *c, int both)
{
	struct tls_conn *t = c->tx;
	BIO *r = NULL, *w = NULL;

	t->rx = malloc(TLS_MEM_RX);
	r = mem_bio(t);
	if (both)
		w = mem_bio(t);
	if (!t->rx || !r || (both && !w)) {
		BIO_free(r);
		BIO_free(w);
		free(t->rx);
		t->rx = NULL;
		return -ENOMEM;
	}
	if (both)
		SSL_set_bio(t->ssl, r, w);
	else
		SSL_set0_rbio(t->ssl, r); /* the socket BIO stays the wbio: kTLS keys go there */
	t->bio = both ? TLS_BIO_MEM : TLS_BIO_MEM_RX;
	return 0;
}

int tls_mem(const struct conn *c)
{
	return ((const struct tls_conn *)c->tx)->bio != TLS_BIO_SOCKET;
}

char *tls_mem_rx_room(struct conn *c, size_t *room)
{
	struct tls_conn *t = c->tx;

	if (t->rx_off == t->rx_len) {
		t->rx_off = t->rx_len = 0;
	} else if (t->rx_off && t->rx_len == TLS_MEM_RX) {
		memmove(t->rx, t->rx + t->rx_off, t->rx_len - t->rx_off);
		t->rx_len -= t->rx_off;
		t->rx_off = 0;
	}
	*room = TLS_MEM_RX - t->rx_len;
	return t->rx + t->rx_len;
}

void tls_mem_rx_add(struct conn *c, uint32_t n)
{
	struct tls_conn *t = c->tx;

	t->rx_len += n;
	if (!n)
		t->rx_eof = 1; /* after the records already here, OpenSSL reads EOF */
}

int tls_mem_rx_ready(const struct conn *c)
{
	const struct tls_conn *t = c->tx;

	return t->rx_len > t->rx_off || t->rx_eof || SSL_has_pending(t->ssl);
}

const char *tls_mem_tx(const struct conn *c, size_t *len)
{
	const struct tls_conn *t = c->tx;

	*len = t->tx_len - t->tx_off;
	return t->tx + t->tx_off;
}

int tls_mem_tx_sent(struct conn *c, size_t n)
{
	struct tls_conn *t = c->tx;

	t->tx_off += (uint32_t)n;
	if (t->tx_off < t->tx_len)
		return 0;
	t->tx_off = t->tx_len = 0;
	return 1;
}

void tls_mem_plain_add(struct conn *c, uint64_t n)
{
	((struct tls_conn *)c->tx)->tx_plain += n;
}

uint64_t tls_mem_plain_take(struct conn *c)
{
	struct tls_conn *t = c->tx;
	uint64_t n = t->tx_plain;

	t->tx_plain = 0;
	return n;
}

int tls_mem_shutdown(struct conn *c)
{
	struct tls_conn *t = c->tx;
	size_t len;

	/* as tx_conn_close does on a socket: not after a fatal error, nor
	 * when the peer is gone */
	if (!t->ready || t->fatal || t->shut || (c->flags & CONN_EOF))
		return 0;
	t->shut = 1;
	SSL_shutdown(t->ssl);
	ERR_clear_error();
	tls_mem_tx(c, &len);
	return len > 0;
}
