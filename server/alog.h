/* alog: the access log, buffered per thread and written in chunks. */
#ifndef WL_ALOG_H
#define WL_ALOG_H
#include <stdint.h>

#include "http.h"
#include "srv.h"

#define ALOG_BUF (64 * 1024)

int alog_init(struct worker *w);
/* alog_request: one line in the common log format (plus the user agent).
 * rq may be NULL for a request that could not be parsed. */
void alog_request(struct worker *w, const char *peer, const struct http_req *rq, int status, uint64_t bytes);
/* alog_flush: write what is buffered (once a second, when full, at exit). */
void alog_flush(struct worker *w);
void alog_free(struct worker *w);

#endif
