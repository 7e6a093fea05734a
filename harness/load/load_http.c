/*
 * load_http: response heads, in one pass a line at a time (memchr for each
 * line's end) up to the first empty line: the status line and the few
 * headers the client acts on, Content-Length, Transfer-Encoding and
 * Connection. Lines may end in CRLF or a bare LF.
 */
#include "load_http.h"

#include <string.h>
#include <strings.h>

static bool hdr_is(const char *line, size_t len, const char *name, size_t nl)
{
	return len > nl && line[nl] == ':' && !strncasecmp(line, name, nl);
}

/* the value of a header line, trimmed */
static void hdr_value(const char *line, size_t len, size_t nl, const char **v, size_t *vl)
{
	const char *p = line + nl + 1, *e = line + len;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*v = p;
	*vl = (size_t)(e - p);
}

static bool has_token(const char *v, size_t vl, const char *tok)
{
	size_t tl = strlen(tok);

	for (size_t i = 0; i + tl <= vl; i++)
		if (!strncasecmp(v + i, tok, tl) && (i == 0 || v[i - 1] == ',' || v[i - 1] == ' ') &&
		    (i + tl == vl || v[i + tl] == ',' || v[i + tl] == ' '))
			return true;
	return false;
}

int load_http_parse(const char *buf, size_t len, struct load_http_head *h)
{
	const char *p, *end = buf + (len < LOAD_HTTP_HEAD_MAX ? len : LOAD_HTTP_HEAD_MAX), *eol;
	bool have_len = false;
	int rc = LH_INCOMPLETE;

	/* HTTP/1.x SSS, checked as soon as its 13 bytes are in */
	if (len >= 13 && (memcmp(buf, "HTTP/1.", 7) || (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ' ||
			  buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' || buf[11] < '0' ||
			  buf[11] > '9' || (buf[12] != ' ' && buf[12] != '\r')))
		return LH_EBADLINE;
	if (!(eol = memchr(buf, '\n', (size_t)(end - buf))))
		goto incomplete;
	if (eol - buf < 13)
		return LH_EBADLINE; /* a status line too short for "HTTP/1.x SSS" */
	h->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	h->content_length = 0;
	h->close = buf[7] == '0'; /* 1.0 closes unless it says keep-alive */
	/* one pass, a line at a time: the first empty line ends the head */
	for (p = eol + 1; (eol = memchr(p, '\n', (size_t)(end - p))); p = eol + 1) {
		size_t ll = (size_t)(eol - p) - (eol > p && eol[-1] == '\r');
		const char *v;
		size_t vl;
		if (!ll) {
			rc = (int)(eol + 1 - buf);
			break;
		}
		if (!memchr(p, ':', ll))
			return LH_EBADHEADER;
		switch (p[0] | 0x20) { /* the first letter picks the few headers read */
		case 'c':
			if (hdr_is(p, ll, "content-length", 14)) {
				uint64_t n = 0;
				hdr_value(p, ll, 14, &v, &vl);
				if (!vl || vl > 18)
					return LH_EBADLEN;
				for (size_t i = 0; i < vl; i++) {
					if (v[i] < '0' || v[i] > '9')
						return LH_EBADLEN;
					n = n * 10 + (uint64_t)(v[i] - '0');
				}
				if (have_len && n != h->content_length)
					return LH_EBADLEN;
				h->content_length = n;
				have_len = true;
			} else if (hdr_is(p, ll, "connection", 10)) {
				hdr_value(p, ll, 10, &v, &vl);
				if (has_token(v, vl, "close"))
					h->close = true;
				else if (has_token(v, vl, "keep-alive"))
					h->close = false;
			}
			break;
		case 't':
			if (hdr_is(p, ll, "transfer-encoding", 17)) {
				hdr_value(p, ll, 17, &v, &vl);
				if (!(vl == 8 && !strncasecmp(v, "identity", 8)))
					return LH_ECHUNKED;
			}
			break;
		}
	}
	if (rc == LH_INCOMPLETE)
		goto incomplete;
	/* 1xx, 204 and 304 have no body; anything else must say how long */
	if (!have_len && !(h->status < 200 || h->status == 204 || h->status == 304))
		return LH_ENOLEN;
	return rc;
incomplete:
	return len >= LOAD_HTTP_HEAD_MAX ? LH_ETOOLONG : LH_INCOMPLETE;
}

const char *load_http_strerror(int err)
{
	switch (err) {
	case LH_EBADLINE:
		return "the status line is not HTTP/1.x NNN";
	case LH_ECHUNKED:
		return "Transfer-Encoding (chunked) is not supported: bodies need a Content-Length";
	case LH_ENOLEN:
		return "no Content-Length";
	case LH_EBADLEN:
		return "a bad Content-Length";
	case LH_ETOOLONG:
		return "a response head longer than 8192 bytes";
	case LH_EBADHEADER:
		return "a header line without a colon";
	}
	return "incomplete";
}
