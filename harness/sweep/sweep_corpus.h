/* sweep_corpus: a sweep's docroot and its throwaway TLS certificate. */
#ifndef WL_SWEEP_CORPUS_H
#define WL_SWEEP_CORPUS_H
#include <stddef.h>

/* f<size> files in dir, deterministic bytes; 0 or -errno with err written */
int sweep_corpus(const char *dir, const long *sizes, int n, char *err, size_t errlen);
/* a self-signed certificate for the tls variants; 0 or -errno */
int sweep_tls_cert(const char *dir, char *err, size_t errlen);
#endif
