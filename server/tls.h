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

#endif
