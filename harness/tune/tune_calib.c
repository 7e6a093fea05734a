/*
 * tune_calib: the sweep's calibration loop. The same fixed amount of CPU
 * and cache work, timed again and again on one CPU pinned, takes the same
 * time on a quiet machine; its spread is the machine's own noise (other
 * tenants, the host of a VM, frequency changes, interrupts). A difference
 * between two variants smaller than about twice that spread is within what
 * one measurement moves by on its own today: one window cannot show it, and
 * only repetitions (whose intervals say whether they were enough) can
 * (docs/tune.md).
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
/* about 40 ms a loop in this lab's VM (2 M steps took 7 ms): 25 loops are
 * about 1 s, and a loop is long enough to average out a timer tick */
#define CALIB_STEPS (12u << 20)
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

static void set_num(json_t *j, const char *prefix, const char *name, double v)
{
	char k[64];

	snprintf(k, sizeof(k), "%s%s", prefix, name);
	json_object_set_new(j, k, json_real(v));
}

void tune_put_stats(json_t *j, const char *prefix, const double *v, int n, int us)
{
	double sorted[TUNE_STATS_MAX], dev[TUNE_STATS_MAX], sum = 0, var = 0, med, mad;
	double scale = us ? 1e6 : 1e3;
	const char *unit = us ? "us" : "ms";
	json_t *times = json_array();
	char k[64];

	if (n > TUNE_STATS_MAX)
		n = TUNE_STATS_MAX;
	for (int i = 0; i < n; i++) {
		sum += v[i];
		json_array_append_new(times, json_real(round(v[i] * scale * 1000) / 1000));
	}
	double mean = sum / n;
	for (int i = 0; i < n; i++)
		var += (v[i] - mean) * (v[i] - mean);
	double sd = n > 1 ? sqrt(var / (n - 1)) : 0;
	memcpy(sorted, v, n * sizeof(*v));
	med = median(sorted, n);
	for (int i = 0; i < n; i++)
		dev[i] = fabs(v[i] - med);
	mad = median(dev, n);
	snprintf(k, sizeof(k), "median_%s", unit);
	set_num(j, prefix, k, med * scale);
	snprintf(k, sizeof(k), "mean_%s", unit);
	set_num(j, prefix, k, mean * scale);
	snprintf(k, sizeof(k), "min_%s", unit);
	set_num(j, prefix, k, sorted[0] * scale);
	snprintf(k, sizeof(k), "max_%s", unit);
	set_num(j, prefix, k, sorted[n - 1] * scale);
	set_num(j, prefix, "cv_pct", sd / mean * 100);
	set_num(j, prefix, "mad_pct", mad / med * 100);
	set_num(j, prefix, "robust_cv_pct", MAD_TO_SD * mad / med * 100);
	/* twice the robust spread: the sweep's statistics use trimmed means,
	 * which see the bulk of the windows rather than their spikes */
	set_num(j, prefix, "noise_floor_pct", 2 * MAD_TO_SD * mad / med * 100);
	snprintf(k, sizeof(k), "%stimes_%s", prefix, unit);
	json_object_set_new(j, k, times);
}

json_t *tune_calibrate(int cpu, double max_s, const volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	double wall[CALIB_LOOPS], cput[CALIB_LOOPS], cpu_sum = 0, wall_sum = 0, t0;
	uint64_t *buf = calloc(CALIB_WORDS, sizeof(*buf));
	volatile uint64_t sink = 0;
	cpu_set_t old, one;
	json_t *j = NULL;
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
		snprintf(err, errlen, "cannot pin to CPU %d: %s", cpu, strerror(errno));
		goto out;
	}
	sink += calib_work(buf); /* warm the cache and the page tables: not counted */
	t0 = now_s(CLOCK_MONOTONIC);
	while (n < CALIB_LOOPS) {
		if (stop && *stop && n) {
			bounded = 1; /* Ctrl-C: the loops so far, and the sweep stops */
			break;
		}
		if (n >= CALIB_MIN_LOOPS && now_s(CLOCK_MONOTONIC) - t0 > max_s) {
			bounded = 1; /* a slow or busy machine: fewer loops, same bound */
			break;
		}
		double w = now_s(CLOCK_MONOTONIC), c = now_s(CLOCK_THREAD_CPUTIME_ID);
		sink += calib_work(buf);
		wall[n] = now_s(CLOCK_MONOTONIC) - w;
		cput[n] = now_s(CLOCK_THREAD_CPUTIME_ID) - c;
		cpu_sum += cput[n];
		wall_sum += wall[n];
		n++;
	}
	sched_setaffinity(0, sizeof(old), &old);

	j = json_object();
	json_object_set_new(j, "task",
			    json_sprintf("%u xorshift-indexed read-modify-writes of a %d KiB array per loop",
					 CALIB_STEPS, CALIB_WORDS * 8 / 1024));
	json_object_set_new(j, "cpu", json_integer(cpu));
	json_object_set_new(j, "loops", json_integer(n));
	json_object_set_new(j, "time_bounded", json_boolean(bounded));
	json_object_set_new(j, "seconds", json_real(round(wall_sum * 1000) / 1000));
	/* wall time: what a rate (req/s) or a latency sees */
	tune_put_stats(j, "", wall, n, 0);
	/* the loop's own CPU time: what a CPU cost per request sees (without
	 * the time other tasks or the VM's host took the CPU) */
	tune_put_stats(j, "cpu_", cput, n, 0);
	/* below 1: the loop waited (another task or the VM's host ran) */
	json_object_set_new(j, "cpu_share", json_real(wall_sum > 0 ? cpu_sum / wall_sum : 0));
out:
	free(buf);
	(void)sink;
	return j;
}

#define NUM(k) json_real_value(json_object_get(c, k))

double tune_rate_floor(json_t *c)
{
	double f = NUM("noise_floor_pct");
	json_t *net = json_object_get(json_object_get(c, "loopback"), "noise_floor_pct");

	return net && json_real_value(net) > f ? json_real_value(net) : f;
}

void tune_calibration_line(json_t *c, char *buf, size_t len)
{
	json_t *net = json_object_get(c, "loopback");
	int o = snprintf(buf, len,
			 "%lld loops on CPU %lld, median %.2f ms (min %.2f, max %.2f), CV %.1f%%, robust CV "
			 "%.1f%%; CPU time %.2f ms, robust CV %.1f%%; on the CPU %.0f%% of the time",
			 json_integer_value(json_object_get(c, "loops")),
			 json_integer_value(json_object_get(c, "cpu")), NUM("median_ms"), NUM("min_ms"),
			 NUM("max_ms"), NUM("cv_pct"), NUM("robust_cv_pct"), NUM("cpu_median_ms"),
			 NUM("cpu_robust_cv_pct"), NUM("cpu_share") * 100);
	if (o > 0 && (size_t)o < len && json_object_get(net, "median_us"))
		o += snprintf(buf + o, len - o, "; loopback round trip %.1f us, robust CV %.1f%%",
			      json_real_value(json_object_get(net, "median_us")),
			      json_real_value(json_object_get(net, "robust_cv_pct")));
	if (o > 0 && (size_t)o < len)
		snprintf(buf + o, len - o,
			 ". One measurement moves by about %.1f%% (rates) and %.1f%% (CPU costs) from this "
			 "machine's noise alone: smaller differences need repetitions",
			 tune_rate_floor(c), NUM("cpu_noise_floor_pct"));
}
