/* ev_epoll_sendfile: the epoll loop's sendfile send path. Headers go with
 * send(), bodies with sendfile(); headers of bodiless answers that follow
 * each other (HEAD, 304, errors) go out in one send. A short write waits
 * for the EPOLLOUT edge, as in ev_epoll_writev.c. */
#include <errno.h>
#include <sys/types.h>

#include "conn.h"
#include "cork.h"
#include "ev.h"
#include "ev_epoll.h"
#include "out.h"
#include "tx.h"

const char *ev_describe_send(void)
{
	return WL_SEND_ZEROCOPY ? "zerocopy (kTLS: header, then sendfile for the body, the kernel encrypting "
				  "from the page cache without a copy: TLS_TX_ZEROCOPY_RO)"
				: "sendfile (header, then sendfile for the body)";
}

/* ktls-zerocopy variants are this path with TLS_TX_ZEROCOPY_RO (tx_ktls.c) */
int ev_send_zerocopy(void)
{
	return WL_SEND_ZEROCOPY;
}

int ev_send_maps_body(void)
{
	return 0;
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
	if (out_pending(c))
		cork_begin(c);
	while (out_pending(c)) {
		struct out_item *it = out_head(c), *body;
		const char *p;
		size_t len = out_header_run(c, &p, &body);
		ssize_t w;

		if (len) {
			w = tx_send(c, p, len, body && cork_more());
			if (w >= 0) {
				out_advance(c, (uint64_t)w);
				if ((size_t)w < len)
					return 0;
				continue;
			}
		} else {
			off_t off;

			out_body(c, it, &off, &len);
			w = tx_sendfile(c, it->fd, &off, len);
			if (w == 0) {
				/* the file shrank: the promised length cannot be sent */
				ep_close(c);
				return -1;
			}
			if (w > 0) {
				out_advance(c, (uint64_t)w);
				if ((size_t)w < len)
					return 0;
				continue;
			}
		}
		switch (w) {
		case -EAGAIN:
			return 0;
		case -EINTR:
			continue;
		default:
			ep_close(c);
			return -1;
		}
	}
	cork_done(c);
	return 0;
}
