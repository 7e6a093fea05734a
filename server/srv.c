/* srv: what every loop backend shares: clocks and the once-a-second tick. */
#include "srv.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "alog.h"
#include "conn.h"

struct srv_config srv_cfg;

void srv_clock(struct worker *w)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	w->now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	if (ts.tv_sec != w->now_s) {
		w->now_s = ts.tv_sec;
		hdate_format(w->now_s, w->date);
	}
}

void srv_tick(struct worker *w, void (*expire)(struct conn *c))
{
	struct conn *c, *next;

	for (c = w->conns; c; c = next) {
		next = c->next;
		if (c->fd >= 0 && w->now_ms >= c->deadline_ms)
			expire(c);
	}
	if (w->alog.len)
		alog_flush(w);
	w->next_tick_ms = w->now_ms + 1000;
}

/* libev's trick: the client learns at once, and the listener stops firing */
void srv_shed_one(struct worker *w)
{
	int fd;

	if (w->reserve_fd >= 0) {
		close(w->reserve_fd);
		w->reserve_fd = -1;
	}
	fd = accept4(w->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		w->accept_drops++;
	}
	w->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void srv_peer_name(const struct sockaddr_storage *sa, char *out, size_t n)
{
	if (sa->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}
