/*
 * tune_calib: the sweep's calibration loop. The same fixed amount of CPU
 * and cache work, timed again and again on one CPU pinned, takes the same
 * time on a quiet machine; its spread is the machine's own noise (other
 * tenants, the host of a VM, frequency changes, interrupts). A difference
 * between two variants smaller than about twice that spread cannot be told
 * from the noise on this machine today (docs/tune.md).
 *
 * The work is fixed, not sized to the machine, so a median compares across
 * days and hosts; the loop is bounded by both a count and a time budget.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tune.h"

#define CALIB_LOOPS	25
#define CALIB_MIN_LOOPS 5
#define CALIB_WORDS	(32 * 1024) /* 256 KiB: inside a core's L2 on most CPUs */
#define CALIB_STEPS	(2u << 20)  /* about 10-30 ms a loop on current x86 */
/* 1.4826 * MAD estimates a normal spread's standard deviation */
#define MAD_TO_SD 1.4826

static double now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift-indexed reads and writes: integer work and cache traffic the
 * compiler cannot fold, the same every call */
static uint64_t calib_work(uint64_t *buf)
{
	uint64_t x = 88172645463325252ull, acc = 0;

	for (unsigned i = 0; i < CALIB_STEPS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size_t k = x & (CALIB_WORDS - 1);
		buf[k] += x;
		acc += buf[(k * 7 + 1) & (CALIB_WORDS - 1)];
	}
	return acc;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

json_t *tune_calibrate(int cpu, double max_s, char *err, size_t errlen)
{
	double wall[CALIB_LOOPS], sorted[CALIB_LOOPS], dev[CALIB_LOOPS], cpu_sum = 0, wall_sum = 0, t0;
	uint64_t *buf = calloc(CALIB_WORDS, sizeof(*buf));
	volatile uint64_t sink = 0;
	cpu_set_t old, one;
	json_t *j = NULL, *times;
	int n = 0, bounded = 0;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sched_getaffinity(0, sizeof(old), &old)) {
		snprintf(err, errlen, "sched_getaffinity: %s", strerror(errno));
		goto out;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one)) {
		snprintf(err, errlen, "calibration: cannot pin to CPU %d: %s", cpu, strerror(errno));
		goto out;
	}
	sink += calib_work(buf); /* warm the cache and the page tables: not counted */
	t0 = now_s(CLOCK_MONOTONIC);
	while (n < CALIB_LOOPS) {
		if (n >= CALIB_MIN_LOOPS && now_s(CLOCK_MONOTONIC) - t0 > max_s) {
			bounded = 1; /* a slow machine (emulation): fewer loops, same bound */
			break;
		}
		double w = now_s(CLOCK_MONOTONIC), c = now_s(CLOCK_THREAD_CPUTIME_ID);
		sink += calib_work(buf);
		wall[n] = now_s(CLOCK_MONOTONIC) - w;
		cpu_sum += now_s(CLOCK_THREAD_CPUTIME_ID) - c;
		wall_sum += wall[n];
		n++;
	}
	sched_setaffinity(0, sizeof(old), &old);

	double mean = wall_sum / n, var = 0, med, mad;
	for (int i = 0; i < n; i++)
		var += (wall[i] - mean) * (wall[i] - mean);
	double sd = n > 1 ? sqrt(var / (n - 1)) : 0;
	memcpy(sorted, wall, n * sizeof(*wall));
	med = median(sorted, n);
	for (int i = 0; i < n; i++)
		dev[i] = fabs(wall[i] - med);
	mad = median(dev, n);
	double robust = MAD_TO_SD * mad / med * 100;

	j = json_object();
	times = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(times, json_real(round(wall[i] * 1e6) / 1e3));
	json_object_set_new(j, "task",
			    json_sprintf("%u xorshift-indexed read-modify-writes of a %d KiB array per loop",
					 CALIB_STEPS, CALIB_WORDS * 8 / 1024));
	json_object_set_new(j, "cpu", json_integer(cpu));
	json_object_set_new(j, "loops", json_integer(n));
	json_object_set_new(j, "time_bounded", json_boolean(bounded));
	json_object_set_new(j, "seconds", json_real(round(wall_sum * 1000) / 1000));
	json_object_set_new(j, "median_ms", json_real(med * 1e3));
	json_object_set_new(j, "mean_ms", json_real(mean * 1e3));
	json_object_set_new(j, "min_ms", json_real(sorted[0] * 1e3));
	json_object_set_new(j, "max_ms", json_real(sorted[n - 1] * 1e3));
	json_object_set_new(j, "cv_pct", json_real(sd / mean * 100));
	json_object_set_new(j, "mad_pct", json_real(mad / med * 100));
	json_object_set_new(j, "robust_cv_pct", json_real(robust));
	/* twice the robust spread: the statistics of the sweep use trimmed
	 * means, which see the bulk of the windows, not their spikes */
	json_object_set_new(j, "noise_floor_pct", json_real(2 * robust));
	/* below 1: the loop waited (another task or the VM's host ran) */
	json_object_set_new(j, "cpu_share", json_real(wall_sum > 0 ? cpu_sum / wall_sum : 0));
	json_object_set_new(j, "times_ms", times);
out:
	free(buf);
	(void)sink;
	return j;
}

void tune_calibration_line(json_t *c, char *buf, size_t len)
{
	double med = json_real_value(json_object_get(c, "median_ms"));

	snprintf(buf, len,
		 "median %.2f ms per loop (min %.2f, max %.2f), CV %.1f%%, robust (1.4826 MAD/median) "
		 "%.1f%% over %lld loops on CPU %lld (%.0f%% of the time on the CPU): differences below "
		 "about %.1f%% cannot be told from this machine's noise",
		 med, json_real_value(json_object_get(c, "min_ms")),
		 json_real_value(json_object_get(c, "max_ms")), json_real_value(json_object_get(c, "cv_pct")),
		 json_real_value(json_object_get(c, "robust_cv_pct")),
		 json_integer_value(json_object_get(c, "loops")),
		 json_integer_value(json_object_get(c, "cpu")),
		 json_real_value(json_object_get(c, "cpu_share")) * 100,
		 json_real_value(json_object_get(c, "noise_floor_pct")));
}
