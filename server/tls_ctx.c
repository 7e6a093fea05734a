/* tls_ctx: the server's SSL_CTX, checked before anything starts, and the
 * kernel probe for kTLS. */
#include <errno.h>
#include <linux/tls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "srv.h"
#include "tls.h"
#include "tls_conn.h"
#include "tx.h"

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

/* AES-128-GCM first: it is what kTLS and AES-NI do fastest, and the probe
 * checks the kernel has it. Server preference decides, so a client listing
 * ChaCha20 first still gets AES-128-GCM. */
#define TLS13_SUITES "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
#define TLS12_CIPHERS                                                                                        \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"           \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

SSL_CTX *tls_ctx; /* read-only once the threads start (SSL_new is thread-safe) */

const char *tls_version_name(void)
{
	return srv_cfg.tls_version == 12 ? "TLS 1.2" : "TLS 1.3";
}

/* the first OpenSSL error as text, and an empty queue */
static const char *ssl_errstr(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "unknown OpenSSL error");
	ERR_clear_error();
	return buf;
}

/* a file the operator named: say "No such file" rather than an OpenSSL code */
static int readable(const char *opt, const char *path, char *msg, size_t msglen)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		int err = errno;
		snprintf(msg, msglen, "%s '%s': %s", opt, path, strerror(err));
		return -err;
	}
	fclose(f);
	return 0;
}

/* HTTP/1.1 only: answer ALPN so clients that offer h2 know where they stand */
static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
		       unsigned int inlen, void *arg)
{
	static const unsigned char h11[] = "\x08http/1.1";

	if (SSL_select_next_proto((unsigned char **)out, outlen, h11, sizeof(h11) - 1, in, inlen) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	return SSL_TLSEXT_ERR_OK;
}

int tls_ctx_init(int ktls, char *msg, size_t msglen)
{
	char eb[256];
	int ver = srv_cfg.tls_version == 12 ? TLS1_2_VERSION : TLS1_3_VERSION, err;

	err = readable("--cert", srv_cfg.cert, msg, msglen);
	if (!err)
		err = readable("--key", srv_cfg.key, msg, msglen);
	if (err)
		return err;
	tls_ctx = SSL_CTX_new(TLS_server_method());
	if (!tls_ctx) {
		snprintf(msg, msglen, "TLS: SSL_CTX_new: %s", ssl_errstr(eb, sizeof(eb)));
		return -ENOMEM;
	}
	/* one version per run: a figure says which one it measured */
	SSL_CTX_set_min_proto_version(tls_ctx, ver);
	SSL_CTX_set_max_proto_version(tls_ctx, ver);
	SSL_CTX_set_options(tls_ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION |
					     SSL_OP_IGNORE_UNEXPECTED_EOF | (ktls ? SSL_OP_ENABLE_KTLS : 0));
	/* partial writes: SSL_write reports each record written, so a short
	 * write means a full socket as with writev; moving buffer: the retry
	 * after WANT_WRITE may come from another address; release buffers:
	 * idle keep-alive connections hold no 34 KiB of record buffers */
	SSL_CTX_set_mode(tls_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
					  SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_alpn_select_cb(tls_ctx, alpn_select, NULL);
	if (ver == TLS1_3_VERSION) {
		if (!SSL_CTX_set_ciphersuites(tls_ctx, srv_cfg.ciphers ? srv_cfg.ciphers : TLS13_SUITES)) {
			snprintf(msg, msglen, "--ciphers '%s': no TLS 1.3 suite OpenSSL knows (%s)",
				 srv_cfg.ciphers, ssl_errstr(eb, sizeof(eb)));
			return -EINVAL;
		}
	} else if (!SSL_CTX_set_cipher_list(tls_ctx, srv_cfg.ciphers ? srv_cfg.ciphers : TLS12_CIPHERS)) {
		snprintf(msg, msglen, "--ciphers '%s': no TLS 1.2 cipher OpenSSL knows (%s)", srv_cfg.ciphers,
			 ssl_errstr(eb, sizeof(eb)));
		return -EINVAL;
	}
	if (SSL_CTX_use_certificate_chain_file(tls_ctx, srv_cfg.cert) != 1) {
		snprintf(msg, msglen, "--cert '%s': not a usable PEM certificate (%s)", srv_cfg.cert,
			 ssl_errstr(eb, sizeof(eb)));
		return -EINVAL;
	}
	if (SSL_CTX_use_PrivateKey_file(tls_ctx, srv_cfg.key, SSL_FILETYPE_PEM) != 1) {
		/* OpenSSL checks the pair here already */
		if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH)
			snprintf(msg, msglen, "--key '%s' does not match --cert '%s'", srv_cfg.key,
				 srv_cfg.cert);
		else
			snprintf(msg, msglen, "--key '%s': not a usable PEM private key (%s)", srv_cfg.key,
				 ssl_errstr(eb, sizeof(eb)));
		return -EINVAL;
	}
	if (SSL_CTX_check_private_key(tls_ctx) != 1) {
		snprintf(msg, msglen, "--key '%s' does not match --cert '%s' (%s)", srv_cfg.key, srv_cfg.cert,
			 ssl_errstr(eb, sizeof(eb)));
		return -EINVAL;
	}
	return 0;
}

void tx_global_free(void)
{
	SSL_CTX_free(tls_ctx);
	tls_ctx = NULL;
}

/* two ends of a loopback TCP connection: TCP_ULP needs an established socket */
static int tcp_pair(int fds[2])
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int lfd, err = 0;

	fds[0] = fds[1] = -1;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return -errno;
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &len) < 0) {
		err = -errno;
		goto cleanup;
	}
	fds[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&a, sizeof(a)) < 0) {
		err = -errno;
		goto cleanup;
	}
	fds[1] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fds[1] < 0)
		err = -errno;
cleanup:
	close(lfd);
	return err;
}

/* dummy keys: the kernel checks the cipher and sets up its crypto, nothing is sent */
static int set_keys(int fd, int dir)
{
	struct tls12_crypto_info_aes_gcm_128 ci;

	memset(&ci, 0, sizeof(ci));
	ci.info.version = srv_cfg.tls_version == 12 ? TLS_1_2_VERSION : TLS_1_3_VERSION;
	ci.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) < 0)
		return -errno;
	return setsockopt(fd, SOL_TLS, dir, &ci, sizeof(ci)) < 0 ? -errno : 0;
}

/* sendfile's pages go into the records without a copy; "RO": the file
 * must not change while they are in flight (kernel tls.rst) */
int tls_zerocopy_ro(int fd)
{
	int one = 1;

	return setsockopt(fd, SOL_TLS, TLS_TX_ZEROCOPY_RO, &one, sizeof(one));
}

int tls_ktls_probe(int *rx, int zc, char *msg, size_t msglen)
{
	int fds[2], err;

	*rx = 0;
	err = tcp_pair(fds);
	if (err) {
		snprintf(msg, msglen, "kTLS probe: loopback connection: %s", strerror(-err));
		goto cleanup;
	}
	if (setsockopt(fds[0], SOL_TCP, TCP_ULP, "tls", sizeof("tls")) < 0) {
		err = -errno;
		snprintf(msg, msglen,
			 "kTLS unavailable: setsockopt(TCP_ULP, \"tls\") on a loopback socket: %s%s",
			 strerror(errno),
			 errno == ENOENT ? " (this kernel has no TLS module: CONFIG_TLS is off or tls.ko "
					   "cannot be loaded)"
					 : "");
		goto cleanup;
	}
	close(fds[0]);
	close(fds[1]);
	err = tcp_pair(fds);
	if (!err)
		err = set_keys(fds[0], TLS_TX);
	if (err) {
		snprintf(msg, msglen,
			 "kTLS unavailable: the kernel refused %s AES-128-GCM send keys (TLS_TX): %s "
			 "(crypto modules gcm/aesni missing?)",
			 tls_version_name(), strerror(-err));
		goto cleanup;
	}
	if (zc && tls_zerocopy_ro(fds[0]) < 0) {
		err = -errno;
		snprintf(msg, msglen,
			 "kTLS zero-copy unavailable: setsockopt(SOL_TLS, TLS_TX_ZEROCOPY_RO): %s (needs "
			 "Linux >= "
			 "5.19)",
			 strerror(errno));
		goto cleanup;
	}
	/* receive is optional: OpenSSL 3.0 has it for TLS 1.2 only */
	*rx = set_keys(fds[1], TLS_RX) == 0;
cleanup:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return err;
}
