/*
 * floor: the request processing of a floor build (epoll-floor, ...), in
 * place of conn_http.c. Not a web server: the reference for what the
 * kernel charges one keep-alive request on this loop and transport when
 * nothing else is done. A request is "GET /f<N> HTTP/1.1" (the path the
 * sweep asks every variant for); its head's end is found (pipelined heads
 * too), its header lines are never read, and the answer is a header
 * rendered once per size and N bytes from memory, queued as one item, so
 * the loop's send path puts it on the wire in one send. No file, no
 * open-file cache, no Date, no access log. Anything else gets 400 and the
 * connection closes. docs/floor.md says what that leaves out.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "conn.h"
#include "http.h"
#include "out.h"

/* The largest body a floor serves (the sweep's sizes go to 100 MiB): the
 * bodies are one reserved region, filled as far as the largest size asked
 * so far, so a body's address never moves while a send is in flight. */
#define FLOOR_MAX_BODY (1ull << 30)
/* Rendered headers kept per thread (one per size a sweep asks for). */
#define FLOOR_HDRS 16

struct floor_hdr {
	uint64_t size;
	uint32_t len;
	char text[80];
};

static pthread_mutex_t body_lock = PTHREAD_MUTEX_INITIALIZER;
static char *body;	     /* FLOOR_MAX_BODY reserved, PROT_READ|WRITE */
static uint64_t body_filled; /* bytes of it written, under body_lock */

static __thread struct floor_hdr hdrs[FLOOR_HDRS];
static __thread int nhdrs, next_hdr;

static const char bad_request[] = "HTTP/1.1 400 Bad Request\r\n"
				  "Content-Length: 0\r\n"
				  "Connection: close\r\n\r\n";

/* The first n bytes of the body region, written once (not at start-up: a
 * floor asked only for 1 KiB should not touch a gigabyte). NULL: no memory. */
static const char *floor_body(uint64_t n)
{
	const char *p = NULL;

	pthread_mutex_lock(&body_lock);
	if (!body) {
		void *m = mmap(NULL, FLOOR_MAX_BODY, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			goto out;
		body = m;
	}
	if (body_filled < n) {
		/* printable bytes, so a person reading a response sees a body */
		for (uint64_t i = body_filled; i < n; i++)
			body[i] = (char)('a' + i % 26);
		body_filled = n;
	}
	p = body;
out:
	pthread_mutex_unlock(&body_lock);
	return p;
}

/* The rendered header for a body of size bytes, from this thread's cache. */
static const struct floor_hdr *floor_header(uint64_t size)
{
	struct floor_hdr *h;
	int i;

	for (i = 0; i < nhdrs; i++)
		if (hdrs[i].size == size)
			return &hdrs[i];
	h = &hdrs[next_hdr];
	next_hdr = (next_hdr + 1) % FLOOR_HDRS;
	if (nhdrs < FLOOR_HDRS)
		nhdrs++;
	h->size = size;
	h->len = (uint32_t)snprintf(h->text, sizeof(h->text),
				    "HTTP/1.1 200 OK\r\nContent-Length: %" PRIu64 "\r\n\r\n", size);
	return h;
}

/* "GET /f<N> HTTP/1.1\r\n" at the start of a head: N, or -1. */
static int64_t floor_size(const char *p, uint32_t len)
{
	const char *end = p + len;
	uint64_t n = 0;
	const char *d;

	if (len < 6 + 11 || memcmp(p, "GET /f", 6) != 0)
		return -1;
	for (d = p + 6; d < end && *d >= '0' && *d <= '9' && d - p < 6 + 12; d++)
		n = n * 10 + (uint64_t)(*d - '0');
	if (d == p + 6 || end - d < 11 || memcmp(d, " HTTP/1.1\r\n", 11) != 0)
		return -1;
	return n > FLOOR_MAX_BODY ? -1 : (int64_t)n;
}

static void floor_refuse(struct conn *c)
{
	uint32_t off = c->olen;

	memcpy(c->obuf + c->olen, bad_request, sizeof(bad_request) - 1);
	c->olen += sizeof(bad_request) - 1;
	out_push(c, off);
	c->flags |= CONN_CLOSE_AFTER | CONN_LINGER;
}

void conn_process(struct conn *c)
{
	struct worker *w = c->w;
	uint32_t pos = 0;

	/* room for one more header or the 400 in obuf, one more item in the queue */
	while (!(c->flags & CONN_CLOSE_AFTER) && c->oq_n < CONN_OQ && CONN_OBUF - c->olen >= 128) {
		const struct floor_hdr *h;
		struct out_item *it;
		const char *b;
		int64_t size;
		uint32_t off;
		int n;

		if (pos == c->rlen)
			break;
		n = http_head_end(c->rbuf + pos, c->rlen - pos, &c->scan);
		if (n == 0) {
			if (!(c->flags & CONN_IN_HEAD)) {
				c->flags |= CONN_IN_HEAD;
				c->deadline_ms = w->now_ms + srv_cfg.header_timeout_ms;
			}
			break;
		}
		c->flags &= ~CONN_IN_HEAD;
		c->scan = 0;
		size = n < 0 ? -1 : floor_size(c->rbuf + pos, (uint32_t)n);
		b = size < 0 ? NULL : floor_body((uint64_t)size);
		if (!b) {
			floor_refuse(c);
			break;
		}
		h = floor_header((uint64_t)size);
		off = c->olen;
		memcpy(c->obuf + off, h->text, h->len);
		c->olen += h->len;
		it = out_push(c, off);
		it->map = b;
		it->body_len = (uint64_t)size;
		pos += (uint32_t)n;
	}
	if (pos) {
		memmove(c->rbuf, c->rbuf + pos, c->rlen - pos);
		c->rlen -= pos;
	}
	if (c->oq_n)
		conn_touch(c);
	else if (!(c->flags & CONN_IN_HEAD))
		c->deadline_ms = w->now_ms + srv_cfg.idle_timeout_ms;
	if (c->flags & CONN_LINGER && !c->oq_n)
		c->deadline_ms = w->now_ms + OUT_LINGER_MS;
}
