/* common_clock: the monotonic clock in nanoseconds, for window edges and
 * deadlines (CLOCK_MONOTONIC is what bpf_ktime_get_ns() reads too). */
#ifndef WL_COMMON_CLOCK_H
#define WL_COMMON_CLOCK_H
#include <stdint.h>
#include <time.h>

static inline uint64_t wl_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
