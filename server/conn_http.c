/* conn_http: parse, pick the file, queue the response, keep-alive. */
#include "conn.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alog.h"
#include "fcache.h"
#include "hdate.h"
#include "out.h"
#include "path.h"
#include "range.h"

static const char *reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 206:
		return "Partial Content";
	case 301:
		return "Moved Permanently";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 416:
		return "Range Not Satisfiable";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	}
	return "Error";
}

/* ---- rendering ---------------------------------------------------------- */

struct resp {
	int status;
	int head; /* HEAD: header only */
	int keep_alive;
	int minor;
	const char *extra; /* extra header lines, each ending in CRLF */
};

static uint32_t obuf_free(const struct conn *c)
{
	return CONN_OBUF - c->olen;
}

/* append printf output to obuf; returns bytes or -1 when it did not fit */
static int oput(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int oput(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->obuf + c->olen, obuf_free(c), fmt, ap);
	va_end(ap);
	if (n < 0 || (uint32_t)n >= obuf_free(c))
		return -1;
	c->olen += (uint32_t)n;
	return n;
}

static void ocopy(struct conn *c, const void *p, size_t n)
{
	/* callers have checked CONN_OBUF_RESERVE before rendering */
	memcpy(c->obuf + c->olen, p, n);
	c->olen += (uint32_t)n;
}

static const char *conn_field(const struct resp *r)
{
	if (!r->keep_alive)
		return "Connection: close\r\n";
	return r->minor == 0 ? "Connection: keep-alive\r\n" : "";
}

static void queue_error(struct conn *c, struct resp *r, const char *extra)
{
	char body[256];
	int blen;
	uint32_t start = c->olen;

	blen = snprintf(body, sizeof(body),
			"<!doctype html>\n<html><head><title>%d %s</title></head>"
			"<body><h1>%d %s</h1></body></html>\n",
			r->status, reason(r->status), r->status, reason(r->status));
	if (oput(c,
		 "HTTP/1.1 %d %s\r\nServer: wirelab\r\nDate: %s\r\n"
		 "Content-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n",
		 r->status, reason(r->status), c->w->date, blen) < 0)
		goto overflow;
	if (extra && oput(c, "%s", extra) < 0)
		goto overflow;
	if (oput(c, "%s\r\n", conn_field(r)) < 0)
		goto overflow;
	if (!r->head && oput(c, "%s", body) < 0)
		goto overflow;
	out_push(c, start);
	return;
overflow:
	/* cannot happen with CONN_OBUF_RESERVE free; close rather than send half */
	c->olen = start;
	c->flags |= CONN_CLOSE_AFTER;
}

/* ETag comparison for If-None-Match (weak) and If-Range (strong). */
static int etag_in_list(const struct http_str *v, const struct fc_rep *rep)
{
	const char *p = v->p, *end = v->p + v->len;

	while (p < end) {
		const char *q;
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p < end && *p == '*')
			return 1;
		if (end - p >= 2 && p[0] == 'W' && p[1] == '/')
			p += 2;
		q = p;
		while (q < end && *q != ',')
			q++;
		{
			const char *te = q;
			while (te > p && (te[-1] == ' ' || te[-1] == '\t'))
				te--;
			if ((size_t)(te - p) == rep->etag_len && !memcmp(p, rep->etag, rep->etag_len))
				return 1;
		}
		p = q;
	}
	return 0;
}

static int not_modified(const struct http_req *rq, const struct fc_rep *rep)
{
	if (rq->if_none_match.p)
		return etag_in_list(&rq->if_none_match, rep);
	if (rq->if_modified_since.p) {
		time_t t = hdate_parse(rq->if_modified_since.p, rq->if_modified_since.len);
		return t >= 0 && rep->mtime <= t;
	}
	return 0;
}

/* If-Range: the range applies only when the validator still matches. */
static int if_range_ok(const struct http_req *rq, const struct fc_rep *rep)
{
	const struct http_str *v = &rq->if_range;

	if (!v->p)
		return 1;
	if (v->len && v->p[0] == '"')
		return v->len == rep->etag_len && !memcmp(v->p, rep->etag, v->len);
	if (v->len >= 2 && v->p[0] == 'W' && v->p[1] == '/')
		return 0; /* weak validators never match If-Range */
	return hdate_parse(v->p, v->len) == rep->mtime;
}

static void log_request(struct conn *c, const struct http_req *rq, int status, uint64_t bytes)
{
	if (srv_cfg.alog_fd >= 0)
		alog_request(c->w, c->peer, rq, status, bytes);
}

static void respond(struct conn *c, const struct http_req *rq)
{
	struct worker *w = c->w;
	struct resp r = {.head = rq->method == HTTP_HEAD, .keep_alive = rq->keep_alive, .minor = rq->minor};
	char path[PATH_MAX_LEN + 16];
	int plen, dir_slash, err;
	struct fc_entry *e = NULL;
	struct fc_rep *rep;
	struct out_item *it;
	uint64_t start = 0, len;
	uint32_t hstart = c->olen;

	plen = path_normalize(rq->target.p, rq->target.len, path, PATH_MAX_LEN, &dir_slash);
	if (plen < 0) {
		r.status = -plen;
		goto error;
	}
	if (dir_slash) {
		/* a directory's index; the root is "" */
		memcpy(path + plen, plen ? "/index.html" : "index.html", plen ? 12 : 11);
		plen += plen ? 11 : 10;
	}
	err = fc_get(w->fc, path, (size_t)plen, w->now_ms, &e);
	if (err == -EISDIR && !dir_slash) {
		/* "/dir" -> "/dir/", keeping the query: relative links then resolve */
		const char *q = memchr(rq->target.p, '?', rq->target.len);
		size_t pl = q ? (size_t)(q - rq->target.p) : rq->target.len;
		char loc[2200];

		if (rq->target.len + 16 > sizeof(loc)) {
			r.status = 414;
			goto error;
		}
		snprintf(loc, sizeof(loc), "Location: %.*s/%.*s\r\n", (int)pl, rq->target.p,
			 (int)(rq->target.len - pl), rq->target.p + pl);
		r.status = 301;
		queue_error(c, &r, loc);
		log_request(c, rq, 301, 0);
		return;
	}
	if (err) {
		r.status = (err == -EMFILE || err == -ENFILE || err == -ENOMEM) ? 503 : 404;
		if (r.status == 503) {
			queue_error(c, &r, "Retry-After: 1\r\n");
			log_request(c, rq, 503, 0);
			return;
		}
		goto error;
	}

	rep = (rq->accept_gzip && e->gz.fd >= 0) ? &e->gz : &e->rep;
	if (not_modified(rq, rep)) {
		if (oput(c,
			 "HTTP/1.1 304 Not Modified\r\nServer: wirelab\r\nDate: %s\r\n"
			 "Last-Modified: %s\r\nETag: %.*s\r\n%s%s\r\n",
			 w->date, rep->lastmod, rep->etag_len, rep->etag,
			 e->gz.fd >= 0 ? "Vary: Accept-Encoding\r\n" : "", conn_field(&r)) < 0)
			goto overflow;
		out_push(c, hstart);
		fc_put(w->fc, e);
		log_request(c, rq, 304, 0);
		return;
	}

	len = rep->size;
	if (rq->range.p && if_range_ok(rq, rep)) {
		switch (range_parse(rq->range.p, rq->range.len, rep->size, &start, &len)) {
		case RANGE_NONE:
			start = 0;
			len = rep->size;
			break;
		case RANGE_UNSAT: {
			char cr[64];
			snprintf(cr, sizeof(cr), "Content-Range: bytes */%" PRIu64 "\r\n", rep->size);
			fc_put(w->fc, e);
			r.status = 416;
			queue_error(c, &r, cr);
			log_request(c, rq, 416, 0);
			return;
		}
		case RANGE_OK:
			if (oput(c,
				 "HTTP/1.1 206 Partial Content\r\nServer: wirelab\r\nDate: %s\r\n"
				 "Content-Type: %s\r\nContent-Length: %" PRIu64 "\r\n"
				 "Content-Range: bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64 "\r\n"
				 "Last-Modified: %s\r\nETag: %.*s\r\n%s%s%s\r\n",
				 w->date, e->type, len, start, start + len - 1, rep->size, rep->lastmod,
				 rep->etag_len, rep->etag, rep->gz ? "Content-Encoding: gzip\r\n" : "",
				 e->gz.fd >= 0 ? "Vary: Accept-Encoding\r\n" : "", conn_field(&r)) < 0)
				goto overflow;
			goto queue_body;
		}
	}

	/* The hot path: status line, Date, the entry's pre-rendered fields. */
	{
		static const char sl[] = "HTTP/1.1 200 OK\r\nServer: wirelab\r\nDate: ";
		ocopy(c, sl, sizeof(sl) - 1);
	}
	ocopy(c, w->date, HDATE_LEN);
	ocopy(c, "\r\n", 2);
	ocopy(c, rep->hdr, rep->hdr_len);
	{
		const char *cf = conn_field(&r);
		size_t n = strlen(cf);
		ocopy(c, cf, n);
	}
	ocopy(c, "\r\n", 2);

queue_body:
	it = out_push(c, hstart);
	log_request(c, rq, start || len != rep->size ? 206 : 200, r.head ? 0 : len);
	if (r.head || len == 0) {
		fc_put(w->fc, e);
		return;
	}
	it->ent = e;
	it->fd = rep->fd;
	it->map = rep->map;
	it->body_off = start;
	it->body_len = len;
	return;

overflow:
	c->olen = hstart;
	fc_put(w->fc, e);
	r.status = 500;
	r.keep_alive = 0;
error:
	/* Statuses that leave the byte stream in doubt close the connection. */
	switch (r.status) {
	case 404:
	case 416:
		break;
	case 405:
		queue_error(c, &r, "Allow: GET, HEAD\r\n");
		log_request(c, rq, r.status, 0);
		return;
	default:
		r.keep_alive = 0;
	}
	if (!r.keep_alive)
		c->flags |= CONN_CLOSE_AFTER;
	queue_error(c, &r, NULL);
	log_request(c, rq, r.status, 0);
}

/* An error found before the request could be read whole: answer and close,
 * draining what the client still sends so the answer is not lost to a reset. */
static void protocol_error(struct conn *c, int status, const struct http_req *rq)
{
	struct resp r = {.status = status, .keep_alive = 0, .minor = 1};

	if (status == 405) {
		queue_error(c, &r, "Allow: GET, HEAD\r\n");
	} else {
		queue_error(c, &r, NULL);
	}
	c->flags |= CONN_CLOSE_AFTER | CONN_LINGER;
	if (srv_cfg.alog_fd >= 0)
		alog_request(c->w, c->peer, rq, status, 0);
}

void conn_process(struct conn *c)
{
	struct worker *w = c->w;
	uint32_t pos = 0;

	while (!(c->flags & CONN_CLOSE_AFTER) && c->oq_n < CONN_OQ && obuf_free(c) >= CONN_OBUF_RESERVE) {
		struct http_req rq;
		int n, err;

		if (c->discard) {
			uint32_t k = c->rlen - pos;
			if (k > c->discard)
				k = (uint32_t)c->discard;
			pos += k;
			c->discard -= k;
			if (c->discard)
				break;
		}
		if (pos == c->rlen)
			break;
		n = http_head_end(c->rbuf + pos, c->rlen - pos, &c->scan);
		if (n == 0) {
			if (!(c->flags & CONN_IN_HEAD)) {
				/* the slow-header clock starts at a head's first byte */
				c->flags |= CONN_IN_HEAD;
				c->deadline_ms = w->now_ms + srv_cfg.header_timeout_ms;
			}
			break;
		}
		c->flags &= ~CONN_IN_HEAD;
		c->scan = 0;
		if (n < 0) {
			protocol_error(c, -n, NULL);
			break;
		}
		err = http_parse(c->rbuf + pos, (uint32_t)n, &rq);
		if (err) {
			protocol_error(c, -err, err == -405 ? &rq : NULL);
			break;
		}
		respond(c, &rq);
		pos += (uint32_t)n;
		if (rq.content_length > 0)
			c->discard = (uint64_t)rq.content_length;
		if (!rq.keep_alive)
			c->flags |= CONN_CLOSE_AFTER;
	}
	if (pos) {
		memmove(c->rbuf, c->rbuf + pos, c->rlen - pos);
		c->rlen -= pos;
	}
	if (c->oq_n)
		conn_touch(c); /* send-stall deadline */
	else if (!(c->flags & CONN_IN_HEAD))
		c->deadline_ms = w->now_ms + srv_cfg.idle_timeout_ms;
	if (c->flags & CONN_LINGER && !c->oq_n)
		c->deadline_ms = w->now_ms + OUT_LINGER_MS;
}
