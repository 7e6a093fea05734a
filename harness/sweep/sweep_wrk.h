/*
 * sweep_wrk: one wrk window (split over the client hosts under ssh) and
 * its Lua JSON summary.
 */
#ifndef WL_SWEEP_WRK_H
#define WL_SWEEP_WRK_H
#include <stddef.h>
#include <stdint.h>

struct sweep_opts;
struct sweep_point;
struct topo;

struct wrk_result {
	uint64_t requests, bytes;
	uint64_t err_connect, err_read, err_write, err_status, err_timeout;
	double duration_s;
	double p50_us, p99_us, p999_us, mean_us, max_us;
	double client_cpu_s; /* wrk's user+sys */
	double client_busy;  /* of the cores it could use, 0..1 (max over hosts) */
};

/* 0, or -errno with what happened in err: -EIO wrk failed or printed no
 * summary (its status and last stderr line), -ETIMEDOUT it did not finish,
 * -EINTR the sweep was stopped. stop_after > 0 (warm-up): stop wrk after
 * that many seconds and keep no figures. */
int sweep_wrk_run(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p, int port,
		  int tls, int seconds, double stop_after, struct wrk_result *r, char *err, size_t errlen);
#endif
