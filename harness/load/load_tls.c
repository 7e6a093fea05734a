/* load_tls: one SSL_CTX per run, shared by the threads (OpenSSL makes that safe). */
#include "load_tls.h"

#include <openssl/err.h>
#include <stdio.h>

SSL_CTX *load_tls_ctx(const struct load_cfg *cfg, int (*new_session)(SSL *, SSL_SESSION *))
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	int lo = cfg->tls_version == 13 ? TLS1_3_VERSION : TLS1_2_VERSION;
	int hi = cfg->tls_version == 12 ? TLS1_2_VERSION : TLS1_3_VERSION;

	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, lo) || !SSL_CTX_set_max_proto_version(ctx, hi)) {
		char e[200];
		load_tls_error(e, sizeof(e));
		fprintf(stderr, LOAD_PROG ": TLS context: %s\n", e);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* fewer read syscalls: OpenSSL reads ahead into its own buffer */
	SSL_CTX_set_read_ahead(ctx, 1);
	if (cfg->tls_resume) {
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(ctx, new_session);
	} else {
		/* every connection a full handshake: no tickets, no cache */
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	}
	return ctx;
}

void load_tls_error(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "no OpenSSL error queued");
	ERR_clear_error();
}
