/* common_pids: parsing --pid for the commands that watch processes. */
#include "common_pids.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wl_pids_parse(const char *prog, const char *arg, int *pids, int *n, int max)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char *end;
		long v = strtol(tok, &end, 10);

		if (*end || v <= 0 || v > 0x7fffffff) {
			fprintf(stderr, "%s: --pid wants a process id, not '%s'\n", prog, tok);
			rc = -EINVAL;
			break;
		}
		if (*n == max) {
			fprintf(stderr, "%s: at most %d pids\n", prog, max);
			rc = -E2BIG;
			break;
		}
		pids[(*n)++] = (int)v;
	}
	free(copy);
	return rc;
}
