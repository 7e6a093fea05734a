/*
 * profile_hot: a program whose profile is known, for tests/profile/.
 *
 *   profile_hot cpu SECONDS     per 10 ms of its CPU time: 7.5 ms in
 *                               wl_hot_spin (user code), 2.5 ms reading
 *                               /dev/zero (the kernel's read path:
 *                               vfs_read, read_iter_zero), 0.5 ms calling
 *                               clock_gettime (the vDSO); a second thread,
 *                               "hot-thread", spins in wl_hot_thread_spin
 *                               for 1 ms in every 10, called from a function
 *                               that never returns
 *   profile_hot memcpy SECONDS  copies 1 MiB buffers with libc's memcpy
 *
 * Built with frame pointers, so its user stacks are whole. Prints
 * "ready" once running; exits after SECONDS of wall time.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;

static uint64_t ns_of(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* spin: arithmetic until this thread has used until_ns of CPU (inlined
 * into each caller, so that the caller is the frame that spins) */
__attribute__((always_inline)) static inline void spin(uint64_t until_ns, uint64_t mul, uint64_t add)
{
	uint64_t x = sink;

	while (ns_of(CLOCK_THREAD_CPUTIME_ID) < until_ns)
		for (int i = 0; i < 200000; i++) /* a clock read per ~0.2 ms */
			x = x * mul + add;
	sink = x;
}

__attribute__((noinline)) static void wl_hot_spin(uint64_t until_ns)
{
	spin(until_ns, 6364136223846793005ULL, 1442695040888963407ULL);
}

__attribute__((noinline)) static void wl_hot_read_zero(int fd, char *buf, uint64_t until_ns)
{
	while (ns_of(CLOCK_THREAD_CPUTIME_ID) < until_ns)
		if (read(fd, buf, 65536) < 0)
			exit(3);
}

__attribute__((noinline)) static void wl_hot_vdso(uint64_t until_ns)
{
	while (ns_of(CLOCK_THREAD_CPUTIME_ID) < until_ns)
		for (int i = 0; i < 200; i++)
			sink += ns_of(CLOCK_MONOTONIC);
}

__attribute__((noinline)) static void wl_hot_thread_spin(uint64_t until_ns)
{
	spin(until_ns, 2862933555777941757ULL, 3037000493ULL);
}

/*
 * wl_hot_thread_loop never returns, so the call to it is the last
 * instruction of hot_thread: the return address points past hot_thread's
 * end, and only a symbolizer that looks up the call site (address - 1)
 * names hot_thread as its caller.
 */
__attribute__((noinline, noreturn)) static void wl_hot_thread_loop(void)
{
	for (;;) {
		wl_hot_thread_spin(ns_of(CLOCK_THREAD_CPUTIME_ID) + 1000000);
		usleep(9000);
	}
}

/* runs until the process exits */
__attribute__((noinline)) static void *hot_thread(void *arg)
{
	pthread_setname_np(pthread_self(), "hot-thread");
	wl_hot_thread_loop();
}

__attribute__((noinline)) static void wl_hot_copy(char *dst, const char *src, uint64_t end)
{
	while (ns_of(CLOCK_MONOTONIC) < end)
		for (int i = 0; i < 16; i++) {
			memcpy(dst, src, 1 << 20);
			__asm__ volatile("" ::: "memory"); /* every copy happens */
		}
}

int main(int argc, char **argv)
{
	uint64_t end;
	char *buf;
	int fd;

	if (argc != 3 || atof(argv[2]) <= 0 || (strcmp(argv[1], "cpu") && strcmp(argv[1], "memcpy"))) {
		fprintf(stderr, "usage: profile_hot cpu|memcpy SECONDS\n");
		return 2;
	}
	end = ns_of(CLOCK_MONOTONIC) + (uint64_t)(atof(argv[2]) * 1e9);
	printf("ready\n");
	fflush(stdout);
	if (!strcmp(argv[1], "memcpy")) {
		char *src = malloc(1 << 20), *dst = malloc(1 << 20);

		if (!src || !dst)
			return 1;
		memset(src, 1, 1 << 20);
		memset(dst, 2, 1 << 20);
		wl_hot_copy(dst, src, end);
		return 0;
	}
	buf = malloc(65536);
	fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (!buf || fd < 0)
		return 1;
	pthread_t t;
	if (pthread_create(&t, NULL, hot_thread, NULL))
		return 1;
	while (ns_of(CLOCK_MONOTONIC) < end) {
		uint64_t c = ns_of(CLOCK_THREAD_CPUTIME_ID);

		wl_hot_spin(c + 7500000);
		wl_hot_read_zero(fd, buf, c + 10000000);
		wl_hot_vdso(c + 10500000);
	}
	return 0; /* exit ends hot-thread too */
}
