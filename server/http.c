/* http: the HTTP/1.x request-head parser (RFC 9112). */
#include "http.h"

#include <string.h>

/* tchar from RFC 9110 5.6.2 */
static const unsigned char tchar[256] = {
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1,
	['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1, ['~'] = 1,  ['0'] = 1, ['1'] = 1, ['2'] = 1,
	['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,  ['9'] = 1,
#define L(c) [c] = 1, [c - 32] = 1
	L('a'),	   L('b'),    L('c'),	 L('d'),    L('e'),    L('f'),	   L('g'),    L('h'),	 L('i'),
	L('j'),	   L('k'),    L('l'),	 L('m'),    L('n'),    L('o'),	   L('p'),    L('q'),	 L('r'),
	L('s'),	   L('t'),    L('u'),	 L('v'),    L('w'),    L('x'),	   L('y'),    L('z'),
#undef L
};

int http_tok_eq(const char *p, size_t n, const char *lower)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (lower[i] == '\0' || c != (unsigned char)lower[i])
			return 0;
	}
	return lower[n] == '\0';
}

int http_head_end(const char *buf, size_t len, size_t *scan)
{
	size_t i = *scan;

	/* A head ends at an empty line: LF LF or LF CR LF (bare LF is allowed as
	 * a line end, RFC 9112 2.2). */
	for (; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return (int)(i + 2);
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return (int)(i + 3);
		if (i + 2 >= len)
			break; /* the blank line may still be arriving */
	}
	*scan = i;
	if (!memchr(buf, '\n', len < HTTP_MAX_LINE ? len : HTTP_MAX_LINE) && len >= HTTP_MAX_LINE)
		return -414;
	if (len >= HTTP_MAX_HEAD)
		return -431;
	return 0;
}

/* One line: [p, end) without its terminator; rejects NUL, bare CR and other
 * controls except HTAB. */
static int line_ok(const char *p, const char *end)
{
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

static const char *next_line(const char *p, const char *end, const char **eol)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	if (!lf)
		return NULL;
	*eol = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
	return lf + 1;
}

static int parse_method(struct http_req *r, const char *p, size_t n)
{
	static const char *const not_served[] = {
		"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT", NULL,
	};
	size_t i;

	r->method_name.p = p;
	r->method_name.len = (uint32_t)n;
	if (n == 3 && !memcmp(p, "GET", 3)) {
		r->method = HTTP_GET;
		return 0;
	}
	if (n == 4 && !memcmp(p, "HEAD", 4)) {
		r->method = HTTP_HEAD;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!tchar[(unsigned char)p[i]])
			return -400;
	for (i = 0; not_served[i]; i++)
		if (strlen(not_served[i]) == n && !memcmp(p, not_served[i], n))
			return -405;
	return -501;
}

static int parse_version(struct http_req *r, const char *p, size_t n)
{
	if (n < 8 || memcmp(p, "HTTP/", 5) || p[5] < '0' || p[5] > '9' || p[6] != '.' || p[7] < '0' ||
	    p[7] > '9' || n != 8)
		return -400;
	if (p[5] != '1')
		return p[5] == '0' ? -400 : -505;
	r->minor = p[7] == '0' ? 0 : 1;
	return 0;
}

/* Request line: method SP target SP version; exactly single spaces. */
static int parse_request_line(struct http_req *r, const char *p, const char *eol)
{
	const char *sp1, *sp2;
	int err;

	if (!line_ok(p, eol))
		return -400;
	sp1 = memchr(p, ' ', (size_t)(eol - p));
	if (!sp1 || sp1 == p)
		return -400;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1 || memchr(sp2 + 1, ' ', (size_t)(eol - sp2 - 1)))
		return -400;
	err = parse_version(r, sp2 + 1, (size_t)(eol - sp2 - 1));
	if (err)
		return err;
	err = parse_method(r, p, (size_t)(sp1 - p));
	if (err)
		return err;
	r->target.p = sp1 + 1;
	r->target.len = (uint32_t)(sp2 - sp1 - 1);
	if (r->target.p[0] != '/') {
		/* absolute-form (RFC 9112 3.2.2): keep only the path */
		const char *t = r->target.p, *te = sp2, *s;
		size_t sl;

		if ((size_t)(te - t) > 7 && http_tok_eq(t, 7, "http://"))
			sl = 7;
		else if ((size_t)(te - t) > 8 && http_tok_eq(t, 8, "https://"))
			sl = 8;
		else
			return -400;
		s = memchr(t + sl, '/', (size_t)(te - t - sl));
		if (!s || s == t + sl)
			return -400;
		r->target.p = s;
		r->target.len = (uint32_t)(te - s);
	}
	return 0;
}

static int parse_uint(const char *p, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

/* Accept-Encoding: does any gzip (or *) element have a non-zero q? */
static int accepts_gzip(const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end, *semi, *tok_end;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= e) {
			p = comma ? comma + 1 : end;
			continue;
		}
		semi = memchr(p, ';', (size_t)(e - p));
		tok_end = semi ? semi : e;
		while (tok_end > p && (tok_end[-1] == ' ' || tok_end[-1] == '\t'))
			tok_end--;
		if (http_tok_eq(p, (size_t)(tok_end - p), "gzip") ||
		    http_tok_eq(p, (size_t)(tok_end - p), "x-gzip")) {
			const char *q = semi;
			int zero = 0;
			if (q) {
				q++;
				while (q < e && (*q == ' ' || *q == '\t'))
					q++;
				if (e - q >= 3 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
					const char *d = q + 2;
					zero = 1;
					for (; d < e && *d != ' '; d++)
						if (*d >= '1' && *d <= '9')
							zero = 0;
				}
			}
			return !zero;
		}
		p = comma ? comma + 1 : end;
	}
	return 0;
}

static void conn_tokens(struct http_req *r, const char *p, size_t n, int *close, int *ka)
{
	const char *end = p + n;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end, *te = e;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (te > p && (te[-1] == ' ' || te[-1] == '\t'))
			te--;
		if (http_tok_eq(p, (size_t)(te - p), "close"))
			*close = 1;
		else if (http_tok_eq(p, (size_t)(te - p), "keep-alive"))
			*ka = 1;
		p = comma ? comma + 1 : end;
	}
	(void)r;
}

int http_parse(const char *buf, uint32_t head_len, struct http_req *r)
{
	const char *p = buf, *end = buf + head_len, *eol, *next;
	int err, conn_close = 0, conn_ka = 0, te = 0, cl_seen = 0;

	memset(r, 0, sizeof(*r));
	r->content_length = -1;
	r->head_len = head_len;

	/* RFC 9112 2.2: ignore at least one empty line before the request line */
	if (p < end && *p == '\r')
		p++;
	if (p < end && *p == '\n')
		p++;
	next = next_line(p, end, &eol);
	if (!next)
		return -400;
	if (eol - p > HTTP_MAX_LINE)
		return -414;
	err = parse_request_line(r, p, eol);
	if (err)
		return err;

	for (p = next; p < end; p = next) {
		const char *colon, *v, *ve, *name = p;
		size_t nlen;

		next = next_line(p, end, &eol);
		if (!next)
			return -400;
		if (eol == p)
			break; /* the blank line */
		if (!line_ok(p, eol))
			return -400;
		if (*p == ' ' || *p == '\t')
			return -400; /* obs-fold (RFC 9112 5.2) */
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon || colon == p)
			return -400;
		for (const char *t = p; t < colon; t++)
			if (!tchar[(unsigned char)*t])
				return -400; /* includes whitespace before the colon */
		if (++r->nheaders > HTTP_MAX_HEADERS)
			return -431;
		nlen = (size_t)(colon - name);
		v = colon + 1;
		ve = eol;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;

#define IS(lit) (nlen == sizeof(lit) - 1 && http_tok_eq(name, nlen, lit))
#define SET(f)                                                                                               \
	do {                                                                                                 \
		r->f.p = v;                                                                                  \
		r->f.len = (uint32_t)(ve - v);                                                               \
	} while (0)
		if (IS("host")) {
			if (r->host.p)
				return -400; /* RFC 9112 3.2: more than one Host */
			SET(host);
		} else if (IS("connection")) {
			conn_tokens(r, v, (size_t)(ve - v), &conn_close, &conn_ka);
		} else if (IS("if-none-match")) {
			SET(if_none_match);
		} else if (IS("if-modified-since")) {
			SET(if_modified_since);
		} else if (IS("range")) {
			SET(range);
		} else if (IS("if-range")) {
			SET(if_range);
		} else if (IS("accept-encoding")) {
			r->accept_gzip |= accepts_gzip(v, (size_t)(ve - v));
		} else if (IS("user-agent")) {
			SET(user_agent);
		} else if (IS("content-length")) {
			int64_t cl;
			if (parse_uint(v, (size_t)(ve - v), &cl))
				return -400;
			/* repeated Content-Length must agree (RFC 9112 6.3) */
			if (cl_seen && cl != r->content_length)
				return -400;
			cl_seen = 1;
			r->content_length = cl;
		} else if (IS("transfer-encoding")) {
			te = 1;
		}
#undef IS
#undef SET
	}

	/* Transfer-Encoding with Content-Length is a smuggling vector: 400.
	 * A Transfer-Encoding alone means a body we do not implement: 501. */
	if (te)
		return cl_seen ? -400 : -501;
	if (r->minor == 1 && !r->host.p)
		return -400;
	if (r->content_length > HTTP_MAX_BODY)
		return -413;
	if (r->minor == 1)
		r->keep_alive = !conn_close;
	else
		r->keep_alive = conn_ka && !conn_close;
	return 0;
}
