/*
 * tls_conn: one connection's OpenSSL state. Private to the TLS files
 * (tls_*.c, tx_tls.c, tx_ktls.c): the loops reach it only through tls.h
 * and tx.h.
 */
#ifndef WL_TLS_CONN_H
#define WL_TLS_CONN_H
#include <stdint.h>

#include <openssl/ssl.h>

/* where OpenSSL's records go (tls_conn_open, tls_mem_attach) */
enum tls_bio { TLS_BIO_SOCKET = 0, TLS_BIO_MEM_RX = 1, TLS_BIO_MEM = 2 };

struct tls_conn {
	SSL *ssl;
	int fatal;   /* a fatal TLS or socket error: send no close_notify */
	int ready;   /* handshake finished */
	char *stage; /* tls: plaintext staged for SSL_write */
	uint32_t stage_off, stage_len;
	/* records in memory (tls_mem.c): OpenSSL reads them from rx and, with
	 * TLS_BIO_MEM, writes them to tx; the loop fills rx and drains tx */
	enum tls_bio bio;
	int rx_eof; /* the peer closed: the memory BIO reads EOF */
	int shut;   /* close_notify is queued in tx */
	char *rx, *tx;
	uint32_t rx_off, rx_len;
	uint32_t tx_off, tx_len;
	uint64_t tx_plain; /* queue bytes whose records are all in tx */
};

extern SSL_CTX *tls_ctx;

#endif
