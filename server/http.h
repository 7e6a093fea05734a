/* http: the HTTP/1.x request-head parser. Pure: no I/O, no allocation. */
#ifndef WL_HTTP_H
#define WL_HTTP_H
#include <stddef.h>
#include <stdint.h>

/* Limits on what a client may send, and the status each one earns. */
#define HTTP_MAX_LINE	 4096	   /* request line longer than this: 414 */
#define HTTP_MAX_HEAD	 8192	   /* whole head larger than this: 431 */
#define HTTP_MAX_HEADERS 64	   /* more header fields than this: 431 */
#define HTTP_MAX_BODY	 (1 << 20) /* a GET body we read and discard; larger: 413 */

enum http_method { HTTP_GET = 1, HTTP_HEAD };

struct http_str {
	const char *p;
	uint32_t len;
};

struct http_req {
	int method;	 /* HTTP_GET or HTTP_HEAD */
	int minor;	 /* 0 or 1: HTTP/1.0 or HTTP/1.1 (1.x > 1 read as 1.1) */
	int keep_alive;	 /* after Connection: and the version default */
	int accept_gzip; /* Accept-Encoding allows gzip (q > 0) */
	struct http_str method_name;
	struct http_str target; /* path and query, absolute-form reduced to its path */
	struct http_str host;
	struct http_str if_none_match;
	struct http_str if_modified_since;
	struct http_str range;
	struct http_str if_range;
	struct http_str user_agent;
	int64_t content_length; /* -1: none */
	uint32_t head_len;	/* bytes of the head, blank line included */
	uint32_t nheaders;
};

/*
 * http_head_end: find the end of a request head in buf[0..len), starting the
 * scan at *scan (updated, so a slow client's bytes are looked at once).
 * Returns the head length, 0 when incomplete, or a negative status
 * (-414, -431) when the head can never fit.
 */
int http_head_end(const char *buf, size_t len, size_t *scan);

/*
 * http_parse: parse a complete head of head_len bytes. Returns 0 or a
 * negative HTTP status: -400 malformed, -405 a method we do not serve,
 * -413 body too large, -414 a request line over HTTP_MAX_LINE (a head
 * that arrives whole in one read is not length-checked by http_head_end),
 * -431 too many fields, -501 unknown method or a Transfer-Encoding, -505 a
 * major version other than 1.
 */
int http_parse(const char *buf, uint32_t head_len, struct http_req *r);

/* Case-insensitive compare of a token against a NUL-terminated lowercase word. */
int http_tok_eq(const char *p, size_t n, const char *lower);

#endif
