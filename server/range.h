/* range: the Range request header, one byte range (RFC 9110 14.2). */
#ifndef WL_RANGE_H
#define WL_RANGE_H
#include <stddef.h>
#include <stdint.h>

enum range_result {
	RANGE_NONE = 0, /* absent, malformed or multi-range: serve the whole body */
	RANGE_OK,	/* *start, *len: the one satisfiable range (206) */
	RANGE_UNSAT,	/* no byte of it is in the file (416) */
};

/* range_parse: v[0..n) against a representation of size bytes. */
enum range_result range_parse(const char *v, size_t n, uint64_t size, uint64_t *start, uint64_t *len);

#endif
