/*
 * tune_calib_net: the network half of the calibration. One byte back and
 * forth over a loopback TCP connection, between a thread pinned to the
 * server's CPU and the caller pinned to the client's, timed in batches:
 * the spread of a batch's round-trip time is the noise of the path every
 * request of a sweep takes (syscalls, the TCP stack, wake-ups, the
 * scheduler), which the CPU-only loop does not see.
 *
 * Bounded three ways: a fixed count of batches, a time budget, and a
 * receive timeout on both sockets so a stuck peer cannot hang the sweep.
 */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tune.h"

#define NET_BATCHES	15
#define NET_MIN_BATCHES 3
#define NET_TRIPS	200 /* about 16 ms a batch in this VM (80 us a trip) */
#define NET_WARMUP	200

struct echo {
	int lfd, cpu;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

static void set_timeout(int fd)
{
	struct timeval tv = {2, 0};
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* the server side: echo each byte until the peer closes */
static void *echo_main(void *arg)
{
	struct echo *e = arg;
	int fd;
	char b;

	pin(e->cpu);
	fd = accept(e->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	set_timeout(fd);
	while (read(fd, &b, 1) == 1 && write(fd, &b, 1) == 1)
		;
	close(fd);
	return NULL;
}

static int trip(int fd)
{
	char b = 'x';

	return write(fd, &b, 1) == 1 && read(fd, &b, 1) == 1 ? 0 : -EIO;
}

json_t *tune_calibrate_loopback(int srv_cpu, int cli_cpu, double max_s, const volatile sig_atomic_t *stop,
				char *err, size_t errlen)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	struct echo e = {-1, srv_cpu};
	double rtt[NET_BATCHES], t0;
	int fd = -1, n = 0, bounded = 0, started = 0;
	cpu_set_t old;
	pthread_t th;
	json_t *j = NULL;

	sched_getaffinity(0, sizeof(old), &old);
	e.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (e.lfd < 0 || bind(e.lfd, (struct sockaddr *)&a, sizeof(a)) || listen(e.lfd, 1) ||
	    getsockname(e.lfd, (struct sockaddr *)&a, &alen)) {
		snprintf(err, errlen, "loopback socket: %s", strerror(errno));
		goto out;
	}
	if (pthread_create(&th, NULL, echo_main, &e)) {
		snprintf(err, errlen, "loopback: cannot start the echo thread");
		goto out;
	}
	started = 1;
	pin(cli_cpu);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		snprintf(err, errlen, "loopback connect: %s", strerror(errno));
		goto out;
	}
	set_timeout(fd);
	for (int i = 0; i < NET_WARMUP; i++)
		if (trip(fd)) {
			snprintf(err, errlen, "loopback: the echo did not answer");
			goto out;
		}
	t0 = now_s();
	while (n < NET_BATCHES) {
		if ((n >= NET_MIN_BATCHES && now_s() - t0 > max_s) || (stop && *stop && n)) {
			bounded = 1;
			break;
		}
		double s = now_s();
		for (int i = 0; i < NET_TRIPS; i++)
			if (trip(fd)) {
				snprintf(err, errlen, "loopback: the echo stopped answering");
				goto out;
			}
		rtt[n++] = (now_s() - s) / NET_TRIPS;
	}
	j = json_object();
	json_object_set_new(
		j, "task",
		json_sprintf("%d round trips of one byte over loopback TCP per batch, server side on "
			     "CPU %d, client side on CPU %d",
			     NET_TRIPS, srv_cpu, cli_cpu));
	json_object_set_new(j, "batches", json_integer(n));
	json_object_set_new(j, "time_bounded", json_boolean(bounded));
	json_object_set_new(j, "seconds", json_real(round((now_s() - t0) * 1000) / 1000));
	/* per round trip, in us */
	tune_put_stats(j, "", rtt, n, 1);
out:
	if (fd >= 0)
		close(fd); /* the echo thread reads EOF and ends */
	if (started) {
		/* wakes an accept() still waiting (a connect that failed) */
		shutdown(e.lfd, SHUT_RDWR);
		pthread_join(th, NULL);
	}
	if (e.lfd >= 0)
		close(e.lfd);
	sched_setaffinity(0, sizeof(old), &old);
	return j;
}
