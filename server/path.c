/* path: request-target to a root-relative path.
 *
 * The normaliser is the first wall; the second is openat2(RESOLVE_BENEATH)
 * in fcache.c, which also refuses symlinks that lead out of the root. */
#include "path.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int path_normalize(const char *target, size_t len, char *out, size_t cap, int *dir_slash)
{
	size_t i, plen = 0, o = 0, seg_start = 0;

	*dir_slash = 0;
	if (len == 0 || target[0] != '/')
		return -400;
	while (plen < len && target[plen] != '?' && target[plen] != '#')
		plen++;
	*dir_slash = target[plen - 1] == '/';

	/* Decode into out segment by segment, acting at each '/'. A decoded "%2F"
	 * acts as a slash too, so an encoded slash cannot hide a "..". out keeps a
	 * '/' after every finished segment; seg_start is where the current one began. */
	for (i = 1; i <= plen; i++) {
		int c;

		if (i == plen) {
			c = '/';
		} else if (target[i] == '%') {
			int hi, lo;
			if (i + 2 >= plen)
				return -400;
			hi = hexval((unsigned char)target[i + 1]);
			lo = hexval((unsigned char)target[i + 2]);
			if (hi < 0 || lo < 0)
				return -400;
			c = hi << 4 | lo;
			i += 2;
		} else {
			c = (unsigned char)target[i];
		}
		if (c < 0x20 || c == 0x7f)
			return -400; /* NUL and controls, raw or encoded */
		if (c != '/') {
			if (o + 2 >= cap)
				return -414;
			out[o++] = (char)c;
			continue;
		}
		if (o == seg_start)
			continue; /* empty segment */
		if (o - seg_start == 1 && out[seg_start] == '.') {
			o = seg_start;
		} else if (o - seg_start == 2 && out[seg_start] == '.' && out[seg_start + 1] == '.') {
			if (seg_start == 0)
				return -400; /* above the root */
			o = seg_start - 1;
			while (o > 0 && out[o - 1] != '/')
				o--;
			seg_start = o;
		} else {
			out[o++] = '/';
			seg_start = o;
		}
	}
	if (o > 0)
		o--; /* the '/' after the last segment */
	out[o] = '\0';
	return (int)o;
}
