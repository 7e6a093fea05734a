/* Unit tests of the pure parts of the server: request parser, path
 * normaliser, Range parser, HTTP dates, MIME types. */
#include <stdint.h>
#include <stdlib.h>

#include "hdate.h"
#include "http.h"
#include "mime.h"
#include "path.h"
#include "range.h"
#include "unit.h"

static int parse(const char *s, struct http_req *r)
{
	size_t scan = 0, len = strlen(s);
	int n = http_head_end(s, len, &scan);

	if (n <= 0)
		return n == 0 ? -1 : n;
	return http_parse(s, (uint32_t)n, r);
}

static int status_of(const char *s)
{
	struct http_req r;
	return parse(s, &r);
}

static void test_parser(void)
{
	struct http_req r;
	char big[HTTP_MAX_HEAD + 100];
	size_t scan = 0;

	CHECK("parse simple GET", parse("GET /a HTTP/1.1\r\nHost: x\r\n\r\n", &r) == 0 &&
					  r.method == HTTP_GET && r.minor == 1 && r.keep_alive &&
					  r.target.len == 2);
	CHECK("parse HEAD 1.0 closes", parse("HEAD / HTTP/1.0\r\n\r\n", &r) == 0 && r.method == HTTP_HEAD &&
					       r.minor == 0 && !r.keep_alive);
	CHECK("1.0 keep-alive",
	      parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) == 0 && r.keep_alive);
	CHECK("1.1 close",
	      parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &r) == 0 && !r.keep_alive);
	CHECK("bare LF accepted", parse("GET / HTTP/1.1\nHost: x\n\n", &r) == 0);
	CHECK("leading CRLF ignored", parse("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", &r) == 0);
	CHECK("absolute-form", parse("GET http://h:80/p/q?x HTTP/1.1\r\nHost: h\r\n\r\n", &r) == 0 &&
				       r.target.len == 6 && !memcmp(r.target.p, "/p/q?x", 6));
	CHECK("1.1 without Host: 400", status_of("GET / HTTP/1.1\r\n\r\n") == -400);
	CHECK("two Host: 400", status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == -400);
	CHECK("POST: 405", status_of("POST / HTTP/1.1\r\nHost: a\r\n\r\n") == -405);
	CHECK("unknown method: 501", status_of("BREW / HTTP/1.1\r\nHost: a\r\n\r\n") == -501);
	CHECK("bad method token: 400", status_of("G(T / HTTP/1.1\r\nHost: a\r\n\r\n") == -400);
	CHECK("HTTP/2.0: 505", status_of("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == -505);
	CHECK("HTTP/1.2 read as 1.1", parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n", &r) == 0 && r.minor == 1);
	CHECK("garbage version: 400", status_of("GET / HTTQ/1.1\r\nHost: a\r\n\r\n") == -400);
	CHECK("HTTP/0.9 form: 400", status_of("GET /\r\n\r\n") == -400);
	CHECK("double space: 400", status_of("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") == -400);
	CHECK("NUL in line: 400", http_parse("GET /\0 HTTP/1.1\r\nHost: a\r\n\r\n", 29, &r) == -400);
	CHECK("bare CR: 400", status_of("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n") == -400);
	CHECK("space before colon: 400", status_of("GET / HTTP/1.1\r\nHost : a\r\n\r\n") == -400);
	CHECK("obs-fold: 400", status_of("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n") == -400);
	CHECK("TE: 501",
	      status_of("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") == -501);
	CHECK("TE + CL: 400", status_of("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
					"Content-Length: 3\r\n\r\n") == -400);
	CHECK("duplicate differing CL: 400",
	      status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n") ==
		      -400);
	CHECK("duplicate equal CL ok",
	      parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", &r) == 0 &&
		      r.content_length == 3);
	CHECK("bad CL: 400", status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") == -400);
	CHECK("huge CL: 413",
	      status_of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n") == -413);
	CHECK("gzip accepted",
	      parse("GET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br, gzip;q=0.5\r\n\r\n", &r) == 0 &&
		      r.accept_gzip);
	CHECK("gzip;q=0 refused",
	      parse("GET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip;q=0\r\n\r\n", &r) == 0 &&
		      !r.accept_gzip);
	CHECK("gzip;q=0.000 refused",
	      parse("GET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: deflate, gzip; q=0.000\r\n\r\n", &r) ==
			      0 &&
		      !r.accept_gzip);

	/* limits */
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	CHECK("long request line: 414", http_head_end(big, HTTP_MAX_LINE + 10, &scan) == -414);
	scan = 0;
	{
		char h[HTTP_MAX_HEAD + 64];
		size_t o = (size_t)sprintf(h, "GET / HTTP/1.1\r\n");
		while (o < HTTP_MAX_HEAD + 10)
			o += (size_t)sprintf(h + o, "X: y\r\n");
		CHECK("huge head: 431", http_head_end(h, o, &scan) == -431);
	}
	{
		char h[4096];
		int i;
		size_t o = (size_t)sprintf(h, "GET / HTTP/1.1\r\nHost: a\r\n");
		for (i = 0; i < HTTP_MAX_HEADERS + 1; i++)
			o += (size_t)sprintf(h + o, "X%d: y\r\n", i);
		o += (size_t)sprintf(h + o, "\r\n");
		scan = 0;
		CHECK("too many fields: 431",
		      http_parse(h, (uint32_t)http_head_end(h, o, &scan), &r) == -431);
	}
	/* incremental: a head arriving a byte at a time is found exactly once */
	{
		const char *s = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
		size_t i, n = strlen(s);
		int found = 0, at = 0;
		scan = 0;
		for (i = 1; i <= n; i++) {
			int e = http_head_end(s, i, &scan);
			if (e > 0 && !found) {
				found = 1;
				at = (int)i;
			}
		}
		CHECK("byte-at-a-time head end", found && at == (int)n);
	}
}

static void test_path(void)
{
	char out[PATH_MAX_LEN];
	int ds;

#define NORM(in, expect)                                                                                     \
	do {                                                                                                 \
		int n_ = path_normalize(in, strlen(in), out, sizeof(out), &ds);                              \
		CHECK("path " in " -> " expect, n_ >= 0 && !strcmp(out, expect));                            \
	} while (0)
#define BAD(in) CHECK("path " in " rejected", path_normalize(in, strlen(in), out, sizeof(out), &ds) < 0)

	NORM("/", "");
	NORM("/a/b.txt", "a/b.txt");
	NORM("/a//b", "a/b");
	NORM("/a/./b", "a/b");
	NORM("/a/../b", "b");
	NORM("/a/b/..", "a");
	NORM("/a%20b", "a b");
	NORM("/a?x=../../etc", "a");
	NORM("/%61", "a");
	BAD("/..");
	BAD("/../etc/passwd");
	BAD("/a/../../etc/passwd");
	BAD("/%2e%2e/etc/passwd");
	BAD("/%2E%2E%2Fetc%2Fpasswd");
	BAD("/a/%2e%2e%2f%2e%2e%2fetc");
	BAD("/..%2f..%2fetc");
	BAD("/a%00b");
	BAD("/a%zz");
	BAD("/a%2");
	BAD("a");
	BAD("/a\x01");
	CHECK("dir slash flag", path_normalize("/d/", 3, out, sizeof(out), &ds) >= 0 && ds == 1);
	CHECK("no dir slash", path_normalize("/d", 2, out, sizeof(out), &ds) >= 0 && ds == 0);
	{
		char longp[PATH_MAX_LEN * 2];
		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		longp[sizeof(longp) - 1] = '\0';
		CHECK("path too long: 414",
		      path_normalize(longp, strlen(longp), out, sizeof(out), &ds) == -414);
	}
}

static void test_range(void)
{
	uint64_t s, l;

#define RANGE(v, size, res, es, el)                                                                          \
	CHECK("range " v, range_parse(v, strlen(v), size, &s, &l) == res &&                                  \
				  (res != RANGE_OK || (s == (uint64_t)(es) && l == (uint64_t)(el))))
	RANGE("bytes=0-9", 100, RANGE_OK, 0, 10);
	RANGE("bytes=90-", 100, RANGE_OK, 90, 10);
	RANGE("bytes=-10", 100, RANGE_OK, 90, 10);
	RANGE("bytes=-1000", 100, RANGE_OK, 0, 100);
	RANGE("bytes=50-1000", 100, RANGE_OK, 50, 50);
	RANGE("bytes=100-", 100, RANGE_UNSAT, 0, 0);
	RANGE("bytes=-0", 100, RANGE_UNSAT, 0, 0);
	RANGE("bytes=0-0", 0, RANGE_UNSAT, 0, 0);
	RANGE("bytes=5-2", 100, RANGE_NONE, 0, 0);
	RANGE("bytes=0-1,5-6", 100, RANGE_NONE, 0, 0);
	RANGE("items=0-1", 100, RANGE_NONE, 0, 0);
	RANGE("bytes=x-1", 100, RANGE_NONE, 0, 0);
	RANGE("bytes=99999999999999999999-", 100, RANGE_NONE, 0, 0);
}

static void test_dates(void)
{
	char d[HDATE_LEN + 1];

	hdate_format(784111777, d);
	CHECK("format IMF-fixdate", !strcmp(d, "Sun, 06 Nov 1994 08:49:37 GMT"));
	CHECK("parse IMF-fixdate", hdate_parse(d, strlen(d)) == 784111777);
	CHECK("parse RFC 850", hdate_parse("Sunday, 06-Nov-94 08:49:37 GMT", 30) == 784111777);
	CHECK("parse asctime", hdate_parse("Sun Nov  6 08:49:37 1994", 24) == 784111777);
	CHECK("parse junk", hdate_parse("yesterday", 9) == -1);
	CHECK("mime html", !strncmp(mime_type("a/b.html", 8), "text/html", 9));
	CHECK("mime upper", !strcmp(mime_type("X.PNG", 5), "image/png"));
	CHECK("mime unknown", !strcmp(mime_type("noext", 5), "application/octet-stream"));
	CHECK("mime dot dir", !strcmp(mime_type("a.d/file", 8), "application/octet-stream"));
}

int main(void)
{
	test_parser();
	test_path();
	test_range();
	test_dates();
	return unit_failed ? 1 : 0;
}
