/* load_tls: the OpenSSL client context for https URLs. */
#ifndef LOAD_TLS_H
#define LOAD_TLS_H

#include <openssl/ssl.h>

#include "load.h"

/* NULL after saying why on stderr. Certificates are not verified: the
 * client measures a server, it does not trust one. With --tls-resume the
 * caller keeps sessions through load_tls_new_session_cb's ex_data slot. */
SSL_CTX *load_tls_ctx(const struct load_cfg *cfg, int (*new_session)(SSL *, SSL_SESSION *));
/* the last OpenSSL error, said, for a first_err line */
void load_tls_error(char *buf, size_t len);

#endif
