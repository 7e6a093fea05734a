/*
 * tls: what the tls and ktls transports share: the SSL_CTX (certificate,
 * key, version, ciphers), the kernel probe for kTLS, and the per-connection
 * handshake and read path through OpenSSL.
 */
#ifndef WL_TLS_H
#define WL_TLS_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/ssl.h>

struct conn;

struct tls_conn {
	SSL *ssl;
	int fatal;           /* a fatal TLS or socket error: send no close_notify */
	int ready;           /* handshake finished */
	char *stage;         /* tls: plaintext staged for SSL_write */
	uint32_t stage_off, stage_len;
	/* uring loop: OpenSSL reads records from rx and (tls) writes them to
	 * tx, both filled and drained by io_uring (tls_mem.c) */
	int mem;             /* rbio is the memory BIO (and wbio too for tls) */
	int rx_eof;          /* the peer closed: the memory BIO reads EOF */
	int shut;            /* close_notify is queued in tx */
	char *rx, *tx;
	uint32_t rx_off, rx_len;
	uint32_t tx_off, tx_len;
	uint64_t tx_plain;   /* queue bytes whose records are all in tx */
};

/* tls_ctx_init: the server's SSL_CTX from srv_cfg (cert, key, version,
 * ciphers); ktls adds SSL_OP_ENABLE_KTLS. On failure msg names the file or
 * option at fault. */
int tls_ctx_init(int ktls, char *msg, size_t msglen);

/* tls_ktls_probe: can this kernel do kTLS for srv_cfg.tls_version with
 * AES-128-GCM? 0, or -errno with msg saying what failed. *rx is set when
 * the kernel also takes receive keys. */
int tls_ktls_probe(int *rx, char *msg, size_t msglen);

/* "TLS 1.3" or "TLS 1.2": the version every connection is pinned to */
const char *tls_version_name(void);

/* tls_handshake: one step of the server handshake, as tx_handshake.
 * tls_conn.c and tls_ctx.c also define tx_conn_open, tx_conn_close,
 * tx_recv and tx_global_free for both transports. */
int tls_handshake(struct conn *c);

/* tls_result: an SSL_* call's return r as -errno: -EAGAIN (c->tx_want
 * set), 0 for the peer's close_notify, or a fatal error. */
ssize_t tls_result(struct conn *c, int r);

/* tls_mem_init/free: the memory BIO method (uring loop), once per process */
int tls_mem_init(void);
void tls_mem_free(void);

/* tls_mem_attach: OpenSSL reads c's records from t->rx; with both set,
 * it writes them to t->tx too (user-space tls); else the wbio stays the
 * socket (ktls). 0 or -ENOMEM. */
int tls_mem_attach(struct conn *c, int both);

/* tls_mem_tx_put: c is idle or closing: its record buffer goes back to the
 * thread's cache; tls_mem_thread_free: the thread's loop ends. */
void tls_mem_tx_put(struct tls_conn *t);
void tls_mem_thread_free(void);

/* tls_mem_rx_room: where the next recv of records goes, and how much fits
 * (0: full, OpenSSL must read first). Only with no recv in flight: it
 * moves what OpenSSL has not read yet to the front. */
char *tls_mem_rx_room(struct tls_conn *t, size_t *room);

#endif
