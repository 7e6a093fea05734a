/* common_pids: process ids on a command line (`--pid PID`, `--pid A,B`). */
#ifndef WL_COMMON_PIDS_H
#define WL_COMMON_PIDS_H

/*
 * wl_pids_parse: add the comma- or space-separated ids in arg to
 * pids[*n], at most max in all. A bad id or one too many is said on
 * stderr, after prog, and returns -EINVAL or -E2BIG.
 */
int wl_pids_parse(const char *prog, const char *arg, int *pids, int *n, int max);

#endif
