/* range: one byte range of "bytes=a-b", "bytes=a-" or "bytes=-n".
 *
 * More than one range is answered with the whole body (RFC 9110 14.2 lets a
 * server ignore Range); a multipart/byteranges reply is rarely wanted by the
 * clients a static lab server sees. */
#include "range.h"

static int num(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p == end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*pp = p;
	*out = v;
	return 0;
}

static void skip_ows(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

enum range_result range_parse(const char *v, size_t n, uint64_t size, uint64_t *start, uint64_t *len)
{
	const char *p = v, *end = v + n;
	uint64_t a = 0, b = 0;
	int has_a, has_b;

	if (n < 6 || (p[0] | 0x20) != 'b' || (p[1] | 0x20) != 'y' || (p[2] | 0x20) != 't' ||
	    (p[3] | 0x20) != 'e' || (p[4] | 0x20) != 's' || p[5] != '=')
		return RANGE_NONE;
	p += 6;
	skip_ows(&p, end);
	has_a = num(&p, end, &a) == 0;
	if (p == end || *p != '-')
		return RANGE_NONE;
	p++;
	has_b = num(&p, end, &b) == 0;
	skip_ows(&p, end);
	if (p != end)
		return RANGE_NONE; /* a list, or trailing junk */
	if (!has_a && !has_b)
		return RANGE_NONE;
	if (has_a && has_b && b < a)
		return RANGE_NONE; /* invalid range-spec: ignore the header */

	if (!has_a) {
		/* suffix: the last b bytes */
		if (b == 0 || size == 0)
			return RANGE_UNSAT;
		*len = b < size ? b : size;
		*start = size - *len;
		return RANGE_OK;
	}
	if (a >= size)
		return RANGE_UNSAT;
	if (!has_b || b >= size)
		b = size - 1;
	*start = a;
	*len = b - a + 1;
	return RANGE_OK;
}
