/* ev_epoll_writev: the epoll loop's writev send path. One writev per turn
 * carries the headers and mapped bodies of every queued response.
 *
 * A write that comes back short means the socket buffer is full; TCP has
 * then set SOCK_NOSPACE, so an EPOLLOUT edge follows when space frees
 * (tcp_sendmsg_locked -> wait_for_space), and we wait for it instead of
 * spending a syscall to hear EAGAIN (nginx does the same). */
#include <errno.h>
#include <sys/uio.h>

#include "conn.h"
#include "cork.h"
#include "ev.h"
#include "ev_epoll.h"
#include "out.h"
#include "tx.h"

#define EP_IOV 64

const char *ev_describe_send(void)
{
	return "writev (header + mmap'd body in one writev)";
}

int ev_send_zerocopy(void)
{
	return 0;
}

int ev_send_maps_body(void)
{
	return 1;
}

void ep_send_open(struct conn *c)
{
	(void)c;
}

int ep_send_error(struct conn *c)
{
	(void)c;
	return 0;
}

void ep_send_close(struct conn *c)
{
	(void)c;
}

int ep_flush(struct conn *c)
{
	struct iovec iov[EP_IOV];

	if (out_pending(c))
		cork_begin(c);
	while (out_pending(c)) {
		int n = out_iov(c, iov, EP_IOV), i;
		size_t total = 0;
		ssize_t w;

		for (i = 0; i < n; i++)
			total += iov[i].iov_len;
		w = tx_writev(c, iov, n);
		if (w >= 0) {
			out_advance(c, (uint64_t)w);
			if ((size_t)w < total)
				return 0;
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
