/* alog: one write per 64 KiB of log lines, never one per request. Lines are
 * whole within a write and the file is O_APPEND, so threads do not tear
 * each other's lines. */
#include "alog.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ALOG_LINE_MAX 1536

int alog_init(struct worker *w)
{
	if (srv_cfg.alog_fd < 0)
		return 0;
	w->alog.buf = malloc(ALOG_BUF);
	if (!w->alog.buf)
		return -ENOMEM;
	w->alog.cap = ALOG_BUF;
	w->alog.len = 0;
	return 0;
}

void alog_flush(struct worker *w)
{
	size_t off = 0;

	while (off < w->alog.len) {
		ssize_t n = write(srv_cfg.alog_fd, w->alog.buf + off, w->alog.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* a full disk loses log lines, never requests */
		off += (size_t)n;
	}
	w->alog.len = 0;
}

/* copy s into the line, replacing quotes and bytes a terminal would act on */
static size_t clean(char *out, size_t cap, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		out[o++] = (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\') ? '?' : (char)ch;
	}
	return o;
}

void alog_request(struct worker *w, const char *peer, const struct http_req *rq, int status, uint64_t bytes)
{
	struct alog *a = &w->alog;
	char line[ALOG_LINE_MAX], tm[32];
	char meth[16], tgt[1024], ua[256];
	size_t ml = 0, tl = 0, ul = 0;
	struct tm t;
	int n;

	if (!a->buf)
		return;
	if (rq) {
		ml = clean(meth, sizeof(meth), rq->method_name.p, rq->method_name.len);
		if (rq->target.p)
			tl = clean(tgt, sizeof(tgt), rq->target.p, rq->target.len);
		if (rq->user_agent.p)
			ul = clean(ua, sizeof(ua), rq->user_agent.p, rq->user_agent.len);
	}
	gmtime_r(&w->now_s, &t);
	strftime(tm, sizeof(tm), "%d/%b/%Y:%H:%M:%S +0000", &t);
	n = snprintf(line, sizeof(line),
		     "%s - - [%s] \"%.*s %.*s HTTP/1.%d\" %d %" PRIu64 " \"-\" \"%.*s\"\n",
		     peer[0] ? peer : "-", tm, (int)ml, meth, (int)tl, tgt, rq ? rq->minor : 1, status, bytes,
		     (int)ul, ua);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (a->len + (size_t)n > a->cap)
		alog_flush(w);
	memcpy(a->buf + a->len, line, (size_t)n);
	a->len += (size_t)n;
}

void alog_free(struct worker *w)
{
	if (!w->alog.buf)
		return;
	alog_flush(w);
	free(w->alog.buf);
	w->alog.buf = NULL;
}
