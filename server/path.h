/* path: turn a request target into a relative path that cannot leave the root. */
#ifndef WL_PATH_H
#define WL_PATH_H
#include <stddef.h>

#define PATH_MAX_LEN 1024

/*
 * path_normalize: decode %XX in the path part of target[0..len) (the query
 * is dropped), then resolve "." and ".." segments. out gets the path relative
 * to the root without a leading slash ("" for the root itself), NUL
 * terminated. *dir_slash is set when the target ends in '/'.
 * Returns the length of out, or -400 for a malformed or escaping path
 * (bad escape, NUL, control byte, ".." above the root), -414 when too long.
 */
int path_normalize(const char *target, size_t len, char *out, size_t cap, int *dir_slash);

#endif
