/*
 * sweep_srv: the server of one point, started fresh and pinned: one of our
 * variants or a peer (peer_config.h).
 */
#ifndef WL_SWEEP_SRV_H
#define WL_SWEEP_SRV_H
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "topo.h"

struct sweep_srv {
	pid_t pid;
	int port;
	char dir[PATH_MAX]; /* scratch: logs, peer config */
	char err_path[PATH_MAX + 8];
	int pids[64];
	int npids;
};
/* 0 ready; 1 refused to start (reason in err: skipped); -errno failed. */
int sweep_srv_start(struct sweep_srv *s, const struct sweep_opts *o, const struct topo *t,
		    const struct variant *variant, const char *root, const char *tls_dir, char *err,
		    size_t errlen);
/* 1 still running; 0 gone (what happened in err). */
int sweep_srv_alive(struct sweep_srv *s, char *err, size_t errlen);
void sweep_srv_stop(struct sweep_srv *s);
/* the server's on-CPU seconds from /proc (every pid, every thread); NAN
 * when a pid's /proc/PID/stat cannot be read (that pid in *bad_pid, if
 * not NULL): unknown, never a partial sum */
double sweep_srv_proc_cpu(const struct sweep_srv *s, int *bad_pid);
#endif
