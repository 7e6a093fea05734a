/* ev_uring_writev: the io_uring loop's writev send path. One sendmsg per
 * chain carries the headers and mapped bodies of every queued response,
 * as epoll's one writev (MSG_NOSIGNAL: a peer gone is an error, not a
 * signal). */
#include <errno.h>
#include <sys/socket.h>

#include "conn.h"
#include "cork.h"
#include "ev.h"
#include "ev_uring.h"
#include "out.h"

const char *ev_describe_send(void)
{
	return "writev (IORING_OP_SENDMSG of header + mmap'd body)";
}

int ev_send_zerocopy(void)
{
	return 0;
}

int ev_send_maps_body(void)
{
	return 1;
}

int ur_send_check(struct io_uring_probe *probe, char *msg, size_t msglen)
{
	(void)probe;
	(void)msg;
	(void)msglen;
	return 0;
}

int ur_send_init(struct ur *u)
{
	(void)u;
	return 0;
}

void ur_send_fini(struct ur *u)
{
	(void)u;
}

void ur_send_turn(struct worker *w, struct ur *u)
{
	(void)w;
	(void)u;
}

void ur_send_release(struct conn *c)
{
	(void)c;
}

void ur_flush(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct io_uring_sqe *sqe;
	int n;

	cork_begin(c);
	n = out_iov(c, uc->iov, UR_IOV);
	uc->msg = (struct msghdr){.msg_iov = uc->iov, .msg_iovlen = (size_t)n};
	sqe = ur_sqe(UR_W(c));
	io_uring_prep_sendmsg(sqe, c->fd, &uc->msg, MSG_NOSIGNAL);
	ur_prep_send(sqe, c, UR_SEND);
	uc->send_busy = 1;
}

void ur_send_done(struct conn *c, int op, int res, unsigned flags)
{
	(void)flags;
	(void)op;
	if (!ur_send_back(c, res))
		return;
	out_advance(c, (uint64_t)res);
	if (!out_pending(c))
		cork_done(c);
}
