/* fuzz_http: libFuzzer target for the request path a client controls:
 * http_head_end (fed in chunks, as conn.c sees a slow client), http_parse,
 * path_normalize on the target, range_parse on Range and hdate_parse on the
 * dates. Besides the sanitizers it checks the invariants conn.c relies on,
 * and aborts when one breaks so the input is kept as a crash.
 *
 * Input: byte 0 is the chunk size for the incremental head scan, bytes 1-3
 * the representation size for Range (little endian), the rest the head. */
#include "hdate.h"
#include "http.h"
#include "path.h"
#include "range.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_PREFIX 4

static void fz_fail(const char *what)
{
	fprintf(stderr, "fuzz_http: invariant broken: %s\n", what);
	abort();
}

/* A string the parser returns must point into the head it was given. */
static void fz_inside(const struct http_str *s, const char *buf, uint32_t n, const char *what)
{
	if (s->len && (s->p < buf || s->p + s->len > buf + n))
		fz_fail(what);
}

/* The head scan in chunks must agree with one scan of everything: conn.c
 * keeps *scan between reads so a slowloris byte is looked at once. */
static int fz_head_end(const char *buf, size_t len, size_t chunk)
{
	size_t scan = 0, have;
	int once, n = 0;

	for (have = chunk < len ? chunk : len;; have += chunk) {
		if (have > len)
			have = len;
		n = http_head_end(buf, have, &scan);
		if (n != 0 || have == len)
			break;
		if (scan > have)
			fz_fail("scan beyond the bytes seen");
	}
	scan = 0;
	once = http_head_end(buf, len, &scan);
	if (n > 0 && once > 0 && n != once)
		fz_fail("chunked head end differs from a single scan");
	if (n > (int)len)
		fz_fail("head end beyond the input");
	return n;
}

static void fz_path(const struct http_str *t)
{
	char out[PATH_MAX_LEN];
	int dir_slash, n = path_normalize(t->p, t->len, out, sizeof(out), &dir_slash);

	if (n < 0) {
		if (n != -400 && n != -414)
			fz_fail("path_normalize status");
		return;
	}
	if ((size_t)n >= sizeof(out) || strlen(out) != (size_t)n)
		fz_fail("path length");
	if (n && (out[0] == '/' || out[n - 1] == '/'))
		fz_fail("path has a leading or trailing slash");
	/* no ".", ".." or empty segment may survive: they are what escapes */
	for (const char *s = out; n && s <= out + n;) {
		const char *e = strchr(s, '/');
		size_t l = e ? (size_t)(e - s) : strlen(s);

		if (l == 0 || (l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.'))
			fz_fail("path segment empty, . or ..");
		for (size_t i = 0; i < l; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				fz_fail("control byte in path");
		if (!e)
			break;
		s = e + 1;
	}
}

static void fz_range(const struct http_str *v, uint64_t size)
{
	uint64_t start = 0, len = 0;

	switch (range_parse(v->p, v->len, size, &start, &len)) {
	case RANGE_OK:
		if (len == 0 || start >= size || len > size - start)
			fz_fail("range outside the representation");
		break;
	case RANGE_NONE:
	case RANGE_UNSAT:
		break;
	default:
		fz_fail("range_parse result");
	}
}

static void fz_date(const struct http_str *v)
{
	char back[HDATE_LEN + 1];
	time_t t = hdate_parse(v->p, v->len);

	if (t == -1 || t < 0 || t > 253402300799) /* formatting is for years 0-9999 */
		return;
	hdate_format(t, back);
	if (hdate_parse(back, HDATE_LEN) != t)
		fz_fail("hdate format/parse round trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req rq;
	size_t chunk, len;
	uint64_t rsize;
	char *buf;
	int n, err;

	if (size < FZ_PREFIX)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	rsize = data[1] | (uint64_t)data[2] << 8 | (uint64_t)data[3] << 16;
	len = size - FZ_PREFIX;
	/* an exact-size copy, so ASan sees any read past the end */
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + FZ_PREFIX, len);

	n = fz_head_end(buf, len, chunk);
	if (n <= 0)
		goto cleanup;
	memset(&rq, 0, sizeof(rq));
	err = http_parse(buf, (uint32_t)n, &rq);
	if (err) {
		if (err != -400 && err != -405 && err != -414 && err != -413 && err != -431 && err != -501 &&
		    err != -505)
			fz_fail("http_parse status");
		goto cleanup;
	}
	if (rq.head_len != (uint32_t)n || rq.nheaders > HTTP_MAX_HEADERS)
		fz_fail("head_len or nheaders");
	if (rq.method != HTTP_GET && rq.method != HTTP_HEAD)
		fz_fail("method");
	if (rq.content_length < -1 || rq.content_length > HTTP_MAX_BODY)
		fz_fail("content_length");
	fz_inside(&rq.target, buf, (uint32_t)n, "target");
	fz_inside(&rq.host, buf, (uint32_t)n, "host");
	fz_inside(&rq.range, buf, (uint32_t)n, "range");
	fz_inside(&rq.if_range, buf, (uint32_t)n, "if-range");
	fz_inside(&rq.if_none_match, buf, (uint32_t)n, "if-none-match");
	fz_inside(&rq.if_modified_since, buf, (uint32_t)n, "if-modified-since");
	if (!rq.target.len || rq.target.p[0] != '/')
		fz_fail("target not origin-form");
	fz_path(&rq.target);
	if (rq.range.len)
		fz_range(&rq.range, rsize);
	if (rq.if_modified_since.len)
		fz_date(&rq.if_modified_since);
	if (rq.if_range.len)
		fz_date(&rq.if_range);
cleanup:
	free(buf);
	return 0;
}
