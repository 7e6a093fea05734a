/*
 * load_loopcmp: the same minimal closed-loop HTTP client on epoll and on
 * io_uring, to measure which costs less CPU per request (the choice of
 * wirelab-load's loop; scripts/load-loopcmp runs it A B A B).
 *
 *   load_loopcmp epoll|uring|uring-defer CONNS SECONDS PORT PATH
 *
 * Every connection sends a GET, reads the whole response (its length from
 * the first response's head: every response of the run must be the same
 * length) and sends the next. Prints "LOOP requests cpu_us_per_req rps".
 * epoll: edge-triggered, one recv per edge, as wirelab-load does.
 * uring: one recv in flight per connection, a send and a recv queued on each
 * answer, one io_uring_submit_and_wait per batch of completions;
 * uring-defer adds IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF (64 * 1024)

struct cc {
	int fd;
	size_t got;
	char *buf;
};

static char req[512];
static size_t reqlen, resplen;
static unsigned long done;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("load_loopcmp: connect");
		exit(1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* one blocking request to learn the response length */
static void learn(int port)
{
	int fd = dial(port);
	char b[BUF];
	size_t n = 0;
	char *e = NULL;

	if (write(fd, req, reqlen) != (ssize_t)reqlen)
		exit(1);
	while (!e && n < sizeof(b) - 1) {
		ssize_t r = read(fd, b + n, sizeof(b) - 1 - n);
		if (r <= 0)
			exit(1);
		n += (size_t)r;
		b[n] = 0;
		e = strstr(b, "\r\n\r\n");
	}
	char *cl = strcasestr(b, "content-length:");
	if (!e || !cl)
		exit(1);
	resplen = (size_t)(e + 4 - b) + strtoul(cl + 15, NULL, 10);
	close(fd);
}

static void run_epoll(struct cc *c, int n, double end)
{
	int ep = epoll_create1(0);
	struct epoll_event evs[512];

	for (int i = 0; i < n; i++) {
		struct epoll_event e = {.events = EPOLLIN | EPOLLET, .data.ptr = &c[i]};
		fcntl(c[i].fd, F_SETFL, O_NONBLOCK);
		epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &e);
		send(c[i].fd, req, reqlen, MSG_NOSIGNAL);
	}
	while (now_s() < end) {
		int k = epoll_wait(ep, evs, 512, 100);
		for (int i = 0; i < k; i++) {
			struct cc *x = evs[i].data.ptr;
			for (;;) {
				ssize_t r = recv(x->fd, x->buf, BUF, MSG_DONTWAIT);
				if (r <= 0)
					break;
				x->got += (size_t)r;
				if (x->got >= resplen) {
					x->got -= resplen;
					done++;
					send(x->fd, req, reqlen, MSG_NOSIGNAL);
				}
				if (r < BUF)
					break;
			}
		}
	}
}

static void run_uring(struct cc *c, int n, double end, unsigned flags)
{
	struct io_uring ring;
	struct io_uring_params p = {.flags = flags};

	if (io_uring_queue_init_params((unsigned)n * 4 + 64, &ring, &p)) {
		fprintf(stderr, "load_loopcmp: io_uring_queue_init: flags %#x refused\n", flags);
		exit(77);
	}
	for (int i = 0; i < n; i++) {
		struct io_uring_sqe *s = io_uring_get_sqe(&ring);
		io_uring_prep_send(s, c[i].fd, req, reqlen, MSG_NOSIGNAL);
		io_uring_sqe_set_data(s, NULL);
		s = io_uring_get_sqe(&ring);
		io_uring_prep_recv(s, c[i].fd, c[i].buf, BUF, 0);
		io_uring_sqe_set_data(s, &c[i]);
	}
	while (now_s() < end) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 100000000};
		unsigned head, seen = 0;
		io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL);
		io_uring_for_each_cqe(&ring, head, cqe)
		{
			struct cc *x = io_uring_cqe_get_data(cqe);
			seen++;
			if (!x)
				continue; /* a send */
			if (cqe->res <= 0) {
				fprintf(stderr, "load_loopcmp: recv: %s\n", strerror(-cqe->res));
				exit(1);
			}
			x->got += (size_t)cqe->res;
			if (x->got >= resplen) {
				x->got -= resplen;
				done++;
				struct io_uring_sqe *s = io_uring_get_sqe(&ring);
				io_uring_prep_send(s, x->fd, req, reqlen, MSG_NOSIGNAL);
				io_uring_sqe_set_data(s, NULL);
			}
			struct io_uring_sqe *s = io_uring_get_sqe(&ring);
			io_uring_prep_recv(s, x->fd, x->buf, BUF, 0);
			io_uring_sqe_set_data(s, x);
		}
		io_uring_cq_advance(&ring, seen);
	}
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: load_loopcmp epoll|uring|uring-defer CONNS SECONDS PORT PATH\n");
		return 2;
	}
	int n = atoi(argv[2]), port = atoi(argv[4]);
	double secs = atof(argv[3]);
	struct cc *c = calloc((size_t)n, sizeof(*c));
	struct rusage r0, r1;

	reqlen = (size_t)snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", argv[5],
				  port);
	learn(port);
	for (int i = 0; i < n; i++) {
		c[i].fd = dial(port);
		c[i].buf = malloc(BUF);
	}
	getrusage(RUSAGE_SELF, &r0);
	double t0 = now_s();
	if (!strcmp(argv[1], "epoll"))
		run_epoll(c, n, t0 + secs);
	else if (!strcmp(argv[1], "uring"))
		run_uring(c, n, t0 + secs, 0);
	else if (!strcmp(argv[1], "uring-defer"))
		run_uring(c, n, t0 + secs, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
	else
		return 2;
	double el = now_s() - t0;
	getrusage(RUSAGE_SELF, &r1);
	double cpu =
		(double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
		(double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec -
			 r0.ru_stime.tv_usec) /
			1e6;
	printf("%s %lu %.3f %.0f\n", argv[1], done, done ? cpu * 1e6 / (double)done : 0, (double)done / el);
	return 0;
}
