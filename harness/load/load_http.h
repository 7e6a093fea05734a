/*
 * load_http: the head of an HTTP/1.x response, parsed in place. The body
 * is the caller's: it counts Content-Length bytes as they stream.
 */
#ifndef LOAD_HTTP_H
#define LOAD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOAD_HTTP_HEAD_MAX 8192 /* a longer head is a parse error */

enum load_http_err {
	LH_INCOMPLETE = 0,
	LH_EBADLINE = -1,  /* not "HTTP/1.x NNN ..." */
	LH_ECHUNKED = -2,  /* Transfer-Encoding: the client reads Content-Length bodies only */
	LH_ENOLEN = -3,	   /* no Content-Length on a response that has a body */
	LH_EBADLEN = -4,   /* Content-Length not a number, or two that differ */
	LH_ETOOLONG = -5,  /* no end of head within LOAD_HTTP_HEAD_MAX bytes */
	LH_EBADHEADER = -6 /* a header line without a colon */
};

struct load_http_head {
	int status;
	uint64_t content_length;
	bool close; /* the server will close after this response */
};

/* > 0: the head's length (through the blank line), *h filled; 0: no end of
 * head yet; < 0: a load_http_err */
int load_http_parse(const char *buf, size_t len, struct load_http_head *h);
const char *load_http_strerror(int err);

#endif
