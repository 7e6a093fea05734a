/* unit_load: wirelab-load's pure parts: the histogram (buckets, error bound,
 * percentiles, exact merge, JSON round trip), response heads, workload files. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/unit.h"
#include "load.h"
#include "load_hist.h"
#include "load_hist_json.h"
#include "load_http.h"
#include "load_mix.h"

static struct load_hist a, b, all, back;

static void hist_buckets(void)
{
	int contiguous = 1, bound = 1, exact_low = 1;
	uint64_t prev_high = 0;

	size_t top = load_hist_index(LOAD_HIST_HIGHEST);

	for (size_t i = 0; i <= top; i++) {
		uint64_t lo = load_hist_low(i), hi = load_hist_high(i);
		if (i && lo != prev_high + 1)
			contiguous = 0;
		if (load_hist_index(lo) != i || load_hist_index(hi) != i)
			contiguous = 0;
		/* three significant digits: a bucket is at most 1/1024 of its low value wide */
		if (lo >= 2048 && (double)(hi - lo + 1) / (double)lo > 1.0 / 1024 + 1e-12)
			bound = 0;
		if (lo < 2048 && hi != lo)
			exact_low = 0;
		prev_high = hi;
	}
	CHECK("hist: buckets tile 0..max without gaps or overlaps", contiguous);
	CHECK("hist: relative bucket width <= 1/1024 above 2048 ns", bound);
	CHECK("hist: exact below 2048 ns", exact_low);
	CHECK("hist: the top bucket holds 60 s, inside the table",
	      top < LOAD_HIST_LEN && load_hist_low(top) <= LOAD_HIST_HIGHEST &&
		      load_hist_high(top) >= LOAD_HIST_HIGHEST);
}

static void hist_percentiles(void)
{
	load_hist_reset(&a);
	for (uint64_t v = 1; v <= 100000; v++)
		load_hist_record(&a, v * 1000); /* 1 us .. 100 ms, uniform */
	uint64_t p50 = load_hist_percentile(&a, 50), p99 = load_hist_percentile(&a, 99);
	uint64_t p999 = load_hist_percentile(&a, 99.9);
	CHECK("hist: p50 of 1..100000 us within 0.1%", p50 >= 50000000 && p50 <= 50000000 * 1.001);
	CHECK("hist: p99 within 0.1%", p99 >= 99000000 && p99 <= 99000000 * 1.001);
	CHECK("hist: p99.9 within 0.1%", p999 >= 99900000 && p999 <= 99900000 * 1.001);
	CHECK("hist: max and min exact",
	      load_hist_percentile(&a, 100) == 100000000 && a.min == 1000 && a.max == 100000000);
	CHECK("hist: mean exact", load_hist_mean(&a) == 50000500.0);
	load_hist_reset(&b);
	CHECK("hist: empty percentiles are 0", load_hist_percentile(&b, 99) == 0);
	load_hist_record(&b, 120000000000ull);
	CHECK("hist: above 60 s is clamped and counted",
	      b.clamped == 1 && b.max == 120000000000ull && load_hist_percentile(&b, 50) == 120000000000ull);
}

static void hist_merge(void)
{
	uint64_t s = 42;
	int same = 1;

	load_hist_reset(&a);
	load_hist_reset(&b);
	load_hist_reset(&all);
	for (int i = 0; i < 200000; i++) {
		uint64_t v = load_rng_next(&s) % 3000000000ull;
		load_hist_record(i % 3 ? &a : &b, v);
		load_hist_record(&all, v);
	}
	load_hist_merge(&a, &b);
	CHECK("hist: merge equals recording everything in one", !memcmp(&a, &all, sizeof(a)));

	json_t *j = load_hist_to_json(&all);
	char err[200] = "";
	load_hist_reset(&back);
	CHECK("hist: JSON round trip parses", j && !load_hist_merge_json(&back, j, err, sizeof(err)));
	CHECK("hist: JSON round trip is exact", !memcmp(&back, &all, sizeof(back)));
	for (double p = 1; p < 100; p += 0.7)
		same &= load_hist_percentile(&back, p) == load_hist_percentile(&all, p);
	CHECK("hist: percentiles survive the round trip", same);
	/* two hosts merged through JSON: the same as one histogram of both */
	load_hist_merge_json(&back, j, err, sizeof(err));
	load_hist_merge(&all, &all);
	CHECK("hist: two JSON histograms merge exactly", !memcmp(&back, &all, sizeof(back)));

	json_t *bad = json_deep_copy(j);
	json_array_append_new(json_object_get(bad, "buckets"),
			      json_pack("[II]", (json_int_t)2049, (json_int_t)1));
	json_object_set_new(bad, "count", json_integer(json_integer_value(json_object_get(j, "count")) + 1));
	CHECK("hist: a bucket value that is no boundary is refused",
	      load_hist_merge_json(&back, bad, err, sizeof(err)) && strstr(err, "boundary"));
	json_object_set_new(bad, "count", json_integer(1));
	CHECK("hist: counts that disagree are refused",
	      load_hist_merge_json(&back, bad, err, sizeof(err)) && strstr(err, "add up"));
	json_object_set_new(bad, "sub_buckets", json_integer(1024));
	CHECK("hist: another scheme is refused",
	      load_hist_merge_json(&back, bad, err, sizeof(err)) && strstr(err, "scheme"));
	json_decref(bad);
	json_decref(j);
}

static int parse(const char *s, struct load_http_head *h)
{
	return load_http_parse(s, strlen(s), h);
}

static void http(void)
{
	struct load_http_head h;
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 42\r\nServer: x\r\n\r\nbody";

	CHECK("http: a head parses to its length",
	      parse(ok, &h) == (int)strlen(ok) - 4 && h.status == 200 && h.content_length == 42 && !h.close);
	for (size_t n = 0; n < strlen(ok) - 4; n++)
		if (load_http_parse(ok, n, &h) != LH_INCOMPLETE) {
			CHECK("http: every prefix is incomplete", 0);
			break;
		}
	CHECK("http: chunked is refused, said",
	      parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", &h) == LH_ECHUNKED &&
		      strstr(load_http_strerror(LH_ECHUNKED), "chunked"));
	CHECK("http: no Content-Length is refused",
	      parse("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", &h) == LH_ENOLEN);
	CHECK("http: 204 and 304 need none", parse("HTTP/1.1 204 No Content\r\n\r\n", &h) > 0 &&
						     parse("HTTP/1.1 304 Not Modified\r\n\r\n", &h) > 0);
	CHECK("http: two Content-Lengths that differ are refused",
	      parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\n", &h) == LH_EBADLEN);
	CHECK("http: a Content-Length that is no number is refused",
	      parse("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", &h) == LH_EBADLEN);
	CHECK("http: a bad status line is refused",
	      parse("HTTP/2 200 OK\r\n\r\n", &h) == LH_EBADLINE &&
		      parse("HTTP/1.1 2000 OK\r\n\r\n", &h) == LH_EBADLINE &&
		      parse("SSH-2.0-OpenSSH\r\n\r\n", &h) == LH_EBADLINE &&
		      parse("HTTP/1.1\r\n\r\n", &h) == LH_EBADLINE);
	CHECK("http: bare LF line ends are read",
	      parse("HTTP/1.1 200 OK\nContent-Length: 3\n\nabc", &h) == 35 && h.content_length == 3);
	CHECK("http: Connection: close is seen",
	      parse("HTTP/1.1 200 OK\r\nconnection: Close\r\nContent-Length: 0\r\n\r\n", &h) > 0 && h.close);
	CHECK("http: HTTP/1.0 closes unless keep-alive",
	      parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", &h) > 0 && h.close &&
		      parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", &h) >
			      0 &&
		      !h.close);
	CHECK("http: a header line without a colon is refused",
	      parse("HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\n", &h) == LH_EBADHEADER);
	char big[LOAD_HTTP_HEAD_MAX + 64];
	memset(big, 'a', sizeof(big));
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	CHECK("http: a head too long is refused", load_http_parse(big, sizeof(big), &h) == LH_ETOOLONG);
}

static void mix(void)
{
	char path[] = "/tmp/unit_load_XXXXXX";
	int fd = mkstemp(path);
	struct load_mix m;
	uint64_t sz;
	const char *text = "# sizes\n1k 3\n\n4096-8192 1 files=5 # a range\n1m 0.5 files=2\n";

	CHECK("mix: sizes parse",
	      !load_mix_size("1k", &sz) && sz == 1024 && !load_mix_size("64KiB", &sz) && sz == 65536 &&
		      !load_mix_size("1m", &sz) && sz == 1048576 && !load_mix_size("100", &sz) && sz == 100 &&
		      load_mix_size("1.5", &sz) && load_mix_size("k", &sz) && load_mix_size("1q", &sz));
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return;
	close(fd);
	int rc = load_mix_read(path, 1, &m);
	CHECK("mix: a workload file parses", !rc && m.nfiles == 8);
	if (!rc) {
		int ranged = 1;
		for (size_t i = 1; i < 6; i++)
			ranged &= m.files[i].size >= 4096 && m.files[i].size <= 8192;
		CHECK("mix: range sizes fall in the range", ranged);
		CHECK("mix: weights shared by a line's files", m.files[0].weight == 3000000 &&
								       m.files[1].weight == 200000 &&
								       m.files[7].weight == 250000);
		CHECK("mix: names carry line, index and size",
		      !strcmp(m.files[0].name, "w/L2-0-1024") && !strcmp(m.files[7].name, "w/L5-1-1048576"));
		struct load_mix m2;
		load_mix_read(path, 1, &m2);
		CHECK("mix: the same seed gives the same files",
		      !memcmp(m.files, m2.files, m.nfiles * sizeof(*m.files)));
		load_mix_free(&m2);
		load_mix_read(path, 2, &m2);
		CHECK("mix: another seed gives other range sizes",
		      memcmp(m.files, m2.files, m.nfiles * sizeof(*m.files)));
		load_mix_free(&m2);
	}
	load_mix_free(&m);
	unlink(path);
}

int main(void)
{
	hist_buckets();
	hist_percentiles();
	hist_merge();
	http();
	mix();
	return unit_failed ? 1 : 0;
}
