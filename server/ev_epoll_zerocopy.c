/* ev_epoll_zerocopy: the epoll loop's zero-copy send path (plain TCP).
 *
 * Headers, and bodies below --zerocopy-min, go the ordinary way: one
 * writev of every queued header and small body up to the first big body
 * (MSG_MORE on it when the cork policy asks and a big body follows). A big
 * body goes from the cache's mapping with sendmsg(MSG_ZEROCOPY) on an
 * SO_ZEROCOPY socket: the kernel pins the pages instead of copying them,
 * and tells on the socket's error queue (EPOLLERR) when it has let go of
 * them, for a range of sends counted from 0 (Documentation/networking/
 * msg_zerocopy.rst). Until then the send holds a reference to the cache
 * entry, so neither the mapping nor the entry goes away while the pages
 * may still be read. Headers are never sent zero-copy: obuf is rewritten
 * for the next response while the kernel could still read it.
 *
 * The kernel reports a send it copied anyway (SO_EE_CODE_ZEROCOPY_COPIED:
 * loopback, veth and other local paths always copy, "deferred copy");
 * those are counted (w->zc_copied, the SIGUSR1 stats line) so that a run
 * can say zero-copy did not happen instead of measuring a copy and calling
 * it zero-copy. */
/* linux/errqueue.h uses struct timespec without including its header */
#include <time.h>

#include <errno.h>
#include <linux/errqueue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "conn.h"
#include "cork.h"
#include "ev.h"
#include "ev_epoll.h"
#include "fcache.h"
#include "out.h"
#include "srv.h"
#include "tx.h"

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif

#define EP_IOV 64
/* zero-copy sends of one connection whose pages the kernel may still hold;
 * past this the body waits for a completion (EPOLLERR) before the next */
#define ZC_HELD 64

/* per connection (c->send_ptr): the sends not yet completed, in order */
struct zc_conn {
	uint32_t first; /* number of held[head] */
	int head, n;
	struct zc_held {
		struct fc_entry *ent;
		int done;
	} held[ZC_HELD];
};

const char *ev_describe_send(void)
{
	return "zerocopy (header + bodies below --zerocopy-min in one writev; a larger body from the mapping "
	       "with sendmsg(MSG_ZEROCOPY) on an SO_ZEROCOPY socket, held until its completion on the error "
	       "queue; copied sends counted)";
}

int ev_send_maps_body(void)
{
	return 1;
}

int ev_send_zerocopy(void)
{
	return 1;
}

void ep_send_open(struct conn *c)
{
	int one = 1;

	/* without it MSG_ZEROCOPY is ignored; a kernel that refuses leaves
	 * send_ptr NULL and every body goes the ordinary way, counted small */
	if (setsockopt(c->fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) == 0)
		c->send_ptr = calloc(1, sizeof(struct zc_conn));
}

static void release_done(struct conn *c, struct zc_conn *z)
{
	while (z->n && z->held[z->head].done) {
		fc_put(c->w->fc, z->held[z->head].ent);
		z->head = (z->head + 1) % ZC_HELD;
		z->first++;
		z->n--;
	}
}

/* sends lo..hi (wrapping counters) completed */
static void completed(struct conn *c, struct zc_conn *z, uint32_t lo, uint32_t hi, int copied)
{
	uint32_t s;

	if (copied)
		__atomic_fetch_add(&c->w->zc_copied, (uint64_t)(hi - lo + 1), __ATOMIC_RELAXED);
	for (s = lo;; s++) {
		uint32_t k = s - z->first;
		if (k < (uint32_t)z->n)
			z->held[(z->head + (int)k) % ZC_HELD].done = 1;
		if (s == hi)
			break;
	}
	release_done(c, z);
}

int ep_send_error(struct conn *c)
{
	struct zc_conn *z = c->send_ptr;
	int got = 0;

	if (!z)
		return 0;
	for (;;) {
		char ctl[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in6))];
		struct msghdr m = {.msg_control = ctl, .msg_controllen = sizeof(ctl)};
		struct cmsghdr *cm;

		if (recvmsg(c->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			if (errno == EINTR)
				continue;
			break; /* EAGAIN: the queue is empty */
		}
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
			struct sock_extended_err ee;

			if (cm->cmsg_len < CMSG_LEN(sizeof(ee)))
				continue;
			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			if (ee.ee_origin != SO_EE_ORIGIN_ZEROCOPY || ee.ee_errno != 0)
				return 0; /* a real error: close */
			completed(c, z, ee.ee_info, ee.ee_data, ee.ee_code & SO_EE_CODE_ZEROCOPY_COPIED);
			got = 1;
		}
	}
	/* pages came free: a body that waited for room may go now */
	if (got && out_pending(c) && ep_flush(c) < 0)
		return 0; /* closed by the flush: ep_close again is a no-op */
	return got;
}

void ep_send_close(struct conn *c)
{
	struct zc_conn *z = c->send_ptr;

	if (!z)
		return;
	/* The completions of sends still in flight are lost with the socket.
	 * The kernel keeps its own references to the pages it pinned, so
	 * giving ours back cannot free memory it still reads. */
	while (z->n) {
		fc_put(c->w->fc, z->held[z->head].ent);
		z->head = (z->head + 1) % ZC_HELD;
		z->n--;
	}
	free(z);
	c->send_ptr = NULL;
}

/* one big body from the mapping, zero-copy; ENOBUFS (the socket's optmem
 * for notifications is used up) falls back to an ordinary send */
static ssize_t send_body(struct conn *c, struct zc_conn *z, struct out_item *it)
{
	off_t off;
	size_t left;
	struct iovec iov;
	ssize_t w;

	out_body(c, it, &off, &left);
	iov = (struct iovec){(void *)(it->map + off), left};
	if (z->n == ZC_HELD)
		return -EAGAIN; /* wait for completions (EPOLLERR) */
	w = tx_sendmsg(c, &iov, 1, MSG_ZEROCOPY);
	if (w == -ENOBUFS)
		return tx_sendmsg(c, &iov, 1, 0);
	if (w > 0) {
		int k = (z->head + z->n) % ZC_HELD;

		fc_hold(it->ent);
		z->held[k] = (struct zc_held){it->ent, 0};
		z->n++;
		__atomic_fetch_add(&c->w->zc_sends, 1, __ATOMIC_RELAXED);
	}
	return w;
}

int ep_flush(struct conn *c)
{
	struct zc_conn *z = c->send_ptr;
	uint64_t big = z ? srv_cfg.zerocopy_min : UINT64_MAX;
	struct iovec iov[EP_IOV];

	if (out_pending(c))
		cork_begin(c);
	while (out_pending(c)) {
		struct out_item *it = out_head(c);
		size_t total = 0;
		ssize_t w;

		if (c->osent >= it->hdr_len && it->body_len >= big) {
			out_body(c, it, &(off_t){0}, &total);
			w = send_body(c, z, it);
		} else {
			int more, n = out_iov_upto(c, iov, EP_IOV, big, &more), i;

			for (i = 0; i < n; i++)
				total += iov[i].iov_len;
			w = tx_sendmsg(c, iov, n, more && cork_more() ? MSG_MORE : 0);
		}
		if (w >= 0) {
			out_advance(c, (uint64_t)w);
			if ((size_t)w < total)
				return 0; /* EPOLLOUT follows */
			continue;
		}
		switch (w) {
		case -EAGAIN:
			return 0;
		case -EINTR:
			continue;
		default:
			/* EPIPE, ECONNRESET; EFAULT when a file shrank under its mapping */
			ep_close(c);
			return -1;
		}
	}
	cork_done(c);
	return 0;
}
