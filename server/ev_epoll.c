/* ev_epoll: one edge-triggered epoll per thread.
 *
 * The listener is level-triggered (accept in bounded batches, so a flood
 * of connections cannot starve the ones already open); connections are
 * registered once, for EPOLLIN|EPOLLOUT|EPOLLRDHUP edge-triggered, and never
 * modified: no epoll_ctl on the per-request path. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alog.h"
#include "conn.h"
#include "cork.h"
#include "ev.h"
#include "ev_epoll.h"
#include "fcache.h"
#include "out.h"
#include "srv.h"
#include "tx.h"

#define EP_BATCH	256
#define EP_ACCEPT_BATCH 64

struct ep {
	int epfd;
	struct conn *dead; /* closed during this batch, freed after it */
};

/* distinct addresses tell the listener and the wake-up fd from connections */
static char tag_listen, tag_wake;

int ev_init(char *msg, size_t msglen)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);

	if (fd < 0) {
		snprintf(msg, msglen, "epoll_create1: %s", strerror(errno));
		return -errno;
	}
	close(fd);
	return 0;
}

void ev_free(void)
{
}

const char *ev_describe_start(void)
{
	return "";
}

const char *ev_describe_loop(void)
{
	return "epoll (edge-triggered, one per thread)";
}

void ep_close(struct conn *c)
{
	struct ep *ep = c->w->loop;

	if (c->fd < 0)
		return;
	tx_conn_close(c);
	ep_send_close(c);
	close(c->fd); /* also leaves the epoll set */
	c->fd = -1;
	c->ev_ptr = ep->dead;
	ep->dead = c;
}

static void free_dead(struct ep *ep)
{
	while (ep->dead) {
		struct conn *c = ep->dead;
		ep->dead = c->ev_ptr;
		conn_free(c);
	}
}

/* After an error answer: stop sending, read what the client still sends,
 * close at its EOF or the linger deadline. A plain close with unread
 * input would send RST and could destroy the answer in flight. */
static void drain(struct conn *c)
{
	char buf[4096];

	for (;;) {
		ssize_t n = tx_recv(c, buf, sizeof(buf));
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			ep_close(c);
			return;
		}
	}
}

static void start_linger(struct conn *c)
{
	out_linger(c);
	drain(c); /* bytes already queued bring no new edge */
}

/* Read and answer until the socket is drained or output backs up. */
static void on_readable(struct conn *c, uint32_t ev)
{
	for (;;) {
		size_t want;
		ssize_t n;

		if (c->flags & CONN_LINGER) {
			drain(c);
			return;
		}
		if (out_pending(c) || (c->flags & CONN_CLOSE_AFTER)) {
			/* backpressure: the kernel keeps what we do not read */
			c->flags |= CONN_READ_PAUSED;
			return;
		}
		want = CONN_RBUF - c->rlen;
		if (want == 0) {
			c->flags |= CONN_READ_PAUSED;
			return;
		}
		n = tx_recv(c, c->rbuf + c->rlen, want);
		if (n > 0) {
			c->rlen += (uint32_t)n;
			conn_process(c);
			if (ep_flush(c) < 0)
				return;
			/* A short read drained the socket: new data brings a new
			 * edge, so no read that would only say EAGAIN. Data with a
			 * FIN behind it gets no new edge: read on to see the EOF. */
			if ((size_t)n < want && !(ev & (EPOLLRDHUP | EPOLLHUP)))
				return;
			continue;
		}
		if (n == 0) {
			c->flags |= CONN_EOF | CONN_CLOSE_AFTER;
			if (!out_pending(c))
				ep_close(c);
			return;
		}
		switch (n) {
		case -EAGAIN:
			return;
		case -EINTR:
			continue;
		default:
			ep_close(c);
			return;
		}
	}
}

static void on_event(struct conn *c, uint32_t ev)
{
	if (c->fd < 0)
		return; /* closed earlier in this batch */
	if (c->flags & CONN_HANDSHAKE) {
		int r = tx_handshake(c);
		if (r == -EAGAIN)
			return;
		if (r < 0) {
			ep_close(c);
			return;
		}
		c->flags &= ~CONN_HANDSHAKE;
		ev |= EPOLLIN; /* data may have come with the last flight */
	}
	if ((ev & EPOLLERR) && !ep_send_error(c)) {
		ep_close(c);
		return;
	}
	if ((ev & EPOLLOUT) && out_pending(c) && ep_flush(c) < 0)
		return;
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP) || (c->flags & CONN_READ_PAUSED && !out_pending(c))) {
		c->flags &= ~CONN_READ_PAUSED;
		on_readable(c, ev);
	}
	if (c->fd < 0)
		return;
	if (conn_should_close(c)) {
		if (c->flags & CONN_LINGER)
			start_linger(c);
		else
			ep_close(c);
	}
}

static void on_accept(struct worker *w, struct ep *ep)
{
	int k;

	for (k = 0; k < EP_ACCEPT_BATCH; k++) {
		struct sockaddr_storage sa;
		socklen_t salen = sizeof(sa);
		struct epoll_event ee;
		struct conn *c;
		int fd = accept4(w->lfd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			switch (errno) {
			case EINTR:
			case ECONNABORTED:
				continue;
			case EMFILE:
			case ENFILE:
			case ENOBUFS:
			case ENOMEM:
				srv_shed_one(w);
				return;
			default: /* EAGAIN and the rest: wait for the next event */
				return;
			}
		}
		cork_conn_open(fd);
		c = conn_new(w, fd);
		if (!c) {
			close(fd);
			continue;
		}
		if (srv_cfg.alog_fd >= 0)
			srv_peer_name(&sa, c->peer, sizeof(c->peer));
		ep_send_open(c);
		if (tx_conn_open(c) < 0) {
			ep_close(c);
			continue;
		}
		ee.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
		ee.data.ptr = c;
		if (epoll_ctl(ep->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
			ep_close(c);
			continue;
		}
		/* TCP_DEFER_ACCEPT: the request is usually here already */
		on_event(c, EPOLLIN);
	}
}

static void close_all(struct worker *w)
{
	struct conn *c;

	for (c = w->conns; c; c = c->next)
		ep_close(c);
}

int ev_worker_run(struct worker *w)
{
	struct epoll_event evs[EP_BATCH], ee;
	struct ep ep = {.epfd = -1};
	int err = 0, stop = 0;

	w->loop = &ep;
	ep.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ep.epfd < 0) {
		err = -errno;
		goto cleanup;
	}
	ee.events = EPOLLIN;
	ee.data.ptr = &tag_listen;
	if (epoll_ctl(ep.epfd, EPOLL_CTL_ADD, w->lfd, &ee) < 0) {
		err = -errno;
		goto cleanup;
	}
	ee.data.ptr = &tag_wake;
	if (epoll_ctl(ep.epfd, EPOLL_CTL_ADD, w->wake_fd, &ee) < 0) {
		err = -errno;
		goto cleanup;
	}

	srv_clock(w);
	w->next_tick_ms = w->now_ms + 1000;
	while (!stop) {
		int timeout = (int)(w->next_tick_ms - w->now_ms);
		int n = epoll_wait(ep.epfd, evs, EP_BATCH, timeout < 0 ? 0 : timeout);
		int i;

		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		srv_clock(w);
		for (i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == &tag_listen)
				on_accept(w, &ep);
			else if (p == &tag_wake)
				stop = 1;
			else
				on_event(p, evs[i].events);
		}
		if (w->now_ms >= w->next_tick_ms)
			srv_tick(w, ep_close);
		free_dead(&ep);
	}
cleanup:
	close_all(w);
	free_dead(&ep);
	if (ep.epfd >= 0)
		close(ep.epfd);
	w->loop = NULL;
	return err;
}
