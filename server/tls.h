/*
 * tls: what the tls and ktls transports share (tls_ctx.c, tls_conn.c): the
 * SSL_CTX (certificate, key, version, ciphers), the kernel probe for kTLS,
 * the per-connection handshake and read path through OpenSSL; and the
 * records-in-memory BIO (tls_mem.c) a loop uses when it, not OpenSSL, does
 * the socket I/O (the uring loop). Nothing outside the TLS files sees a
 * connection's TLS state except through these functions.
 */
#ifndef WL_TLS_H
#define WL_TLS_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct conn;

/* tls_ctx_init: the server's SSL_CTX from srv_cfg (cert, key, version,
 * ciphers); ktls adds SSL_OP_ENABLE_KTLS. On failure msg names the file or
 * option at fault. */
int tls_ctx_init(int ktls, char *msg, size_t msglen);

/* tls_ktls_probe: can this kernel do kTLS for srv_cfg.tls_version with
 * AES-128-GCM (and, with zc, TLS_TX_ZEROCOPY_RO)? 0, or -errno with msg
 * saying what failed. *rx is set when the kernel also takes receive keys. */
int tls_ktls_probe(int *rx, int zc, char *msg, size_t msglen);

/* tls_zerocopy_ro: TLS_TX_ZEROCOPY_RO on a kTLS socket; -1 with errno */
int tls_zerocopy_ro(int fd);

/* "TLS 1.3" or "TLS 1.2": the version every connection is pinned to */
const char *tls_version_name(void);

/* tls_handshake: one step of the server handshake, as tx_handshake.
 * tls_conn.c and tls_ctx.c also define tx_conn_open, tx_conn_close,
 * tx_recv and tx_global_free for both transports. */
int tls_handshake(struct conn *c);

/* tls_result: an SSL_* call's return r as -errno: -EAGAIN (c->tx_want
 * set), 0 for the peer's close_notify, or a fatal error. */
ssize_t tls_result(struct conn *c, int r);

/* tls_fatal: a fatal TLS or socket error happened (no close_notify). */
int tls_fatal(const struct conn *c);

/* tls_kernel_rx: kTLS decrypts what c receives. */
int tls_kernel_rx(const struct conn *c);

/* ---- records in memory (tls_mem.c) ---------------------------------- */

/* tls_mem_init/free: the memory BIO method, once per process */
int tls_mem_init(void);
void tls_mem_free(void);

/* tls_mem_attach: OpenSSL reads c's records from memory; with both set,
 * it writes them to memory too (user-space tls); else the wbio stays the
 * socket (ktls: the keys go there). 0 or -ENOMEM. */
int tls_mem_attach(struct conn *c, int both);

/* tls_mem: c's records come from memory (tls_mem_rx_*). */
int tls_mem(const struct conn *c);

/* tls_mem_rx_room: where the next recv of records goes, and how much fits
 * (0: full, OpenSSL must read first). Only with no recv in flight: it
 * moves what OpenSSL has not read yet to the front. */
char *tls_mem_rx_room(struct conn *c, size_t *room);
/* tls_mem_rx_add: n bytes of records arrived there (0: the peer's EOF). */
void tls_mem_rx_add(struct conn *c, uint32_t n);
/* tls_mem_rx_ready: records or EOF wait to be read, or OpenSSL holds
 * decrypted bytes. */
int tls_mem_rx_ready(const struct conn *c);

/* tls_mem_tx: records waiting to be sent (*len 0: none). */
const char *tls_mem_tx(const struct conn *c, size_t *len);
/* tls_mem_tx_sent: n of them went out; 1 when none is left. */
int tls_mem_tx_sent(struct conn *c, size_t n);
/* tls_mem_plain_add/take: queue bytes whose records are all in tx, counted
 * as written only once those records are sent. */
void tls_mem_plain_add(struct conn *c, uint64_t n);
uint64_t tls_mem_plain_take(struct conn *c);
/* tls_mem_shutdown: queue close_notify in tx, best effort (not after a
 * fatal error, nor when the peer is gone); 1 when it must be sent first. */
int tls_mem_shutdown(struct conn *c);

/* tls_mem_tx_put: c is idle or closing: its record buffer goes back to the
 * thread's cache; tls_mem_thread_free: the thread's loop ends. */
void tls_mem_tx_put(struct conn *c);
void tls_mem_thread_free(void);

#endif
