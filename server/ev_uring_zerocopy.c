/* ev_uring_zerocopy: the io_uring loop's zero-copy send path (plain TCP).
 *
 * Headers, and bodies below --zerocopy-min, go the ordinary way: one
 * SENDMSG of every queued header and small body up to the first big body.
 * A big body goes from the cache's mapping with IORING_OP_SEND_ZC, linked
 * behind the SENDMSG that carries its header (MSG_WAITALL there, so a
 * short header send breaks the link and no body byte passes a header
 * byte). A SEND_ZC completes twice: first with what was sent (F_MORE set
 * when a notification follows), then with IORING_CQE_F_NOTIF once the
 * kernel has let go of the pages; until then the send holds a reference to
 * the cache entry, and the connection is not freed (the notification
 * counts as in flight). IORING_SEND_ZC_REPORT_USAGE makes the notification
 * say whether the kernel copied after all (loopback, veth: always), which
 * is counted (w->zc_copied, the SIGUSR1 stats line). Headers are never
 * sent zero-copy: obuf is rewritten for the next response while the
 * kernel could still read it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "conn.h"
#include "cork.h"
#include "ev.h"
#include "ev_uring.h"
#include "fcache.h"
#include "out.h"
#include "srv.h"

/* Linux 6.2, newer than liburing 2.3's header */
#ifndef IORING_SEND_ZC_REPORT_USAGE
#define IORING_SEND_ZC_REPORT_USAGE (1U << 3)
#endif
#ifndef IORING_NOTIF_USAGE_ZC_COPIED
#define IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)
#endif

/* zero-copy sends of one connection whose notification has not come;
 * past this the next body waits (ur_step runs after each notification) */
#define ZC_HELD 16

/* per connection (c->send_ptr): the held entries, oldest first. One
 * socket's notifications come in the order of its sends. */
struct zc_conn {
	struct fc_entry *held[ZC_HELD];
	int head, n;
	int owed, early; /* notifications announced and not come; come first */
};

const char *ev_describe_send(void)
{
	return "zerocopy (header + bodies below --zerocopy-min in one IORING_OP_SENDMSG; a larger body from "
	       "the mapping with linked IORING_OP_SEND_ZC, REPORT_USAGE, held until its notification; copied "
	       "sends counted)";
}

int ev_send_zerocopy(void)
{
	return 1;
}

int ev_send_maps_body(void)
{
	return 1;
}

int ur_send_check(struct io_uring_probe *probe, char *msg, size_t msglen)
{
	if (io_uring_opcode_supported(probe, IORING_OP_SEND_ZC))
		return 0;
	snprintf(msg, msglen, "io_uring lacks IORING_OP_SEND_ZC (needs Linux >= 6.0; REPORT_USAGE 6.2)");
	return -EOPNOTSUPP;
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

static struct zc_conn *zc_of(struct conn *c)
{
	if (!c->send_ptr)
		c->send_ptr = calloc(1, sizeof(struct zc_conn));
	return c->send_ptr;
}

static void put_oldest(struct conn *c, struct zc_conn *z)
{
	fc_put(c->w->fc, z->held[z->head]);
	z->head = (z->head + 1) % ZC_HELD;
	z->n--;
}

void ur_send_release(struct conn *c)
{
	struct zc_conn *z = c->send_ptr;

	/* every notification is back (c is freed only then), but at stop,
	 * when the ring's teardown waited for them */
	while (z && z->n)
		put_oldest(c, z);
	free(z);
	c->send_ptr = NULL;
}

/* the body of it, from the mapping, held until its notification */
static void queue_body(struct conn *c, struct zc_conn *z, struct out_item *it)
{
	struct io_uring_sqe *sqe = ur_sqe(UR_W(c));
	off_t off;
	size_t left;

	out_body(c, it, &off, &left);
	io_uring_prep_send_zc(sqe, c->fd, it->map + off, left, MSG_NOSIGNAL | MSG_WAITALL,
			      IORING_SEND_ZC_REPORT_USAGE);
	ur_prep_send(sqe, c, UR_SEND_ZC);
	fc_hold(it->ent);
	z->held[(z->head + z->n) % ZC_HELD] = it->ent;
	z->n++;
}

/* the first queued item whose body is big (its header is in the iovec) */
static struct out_item *big_item(struct conn *c, uint64_t big)
{
	int k;

	for (k = 0; k < c->oq_n; k++)
		if (out_nth(c, k)->body_len >= big)
			return out_nth(c, k);
	return NULL;
}

void ur_flush(struct conn *c)
{
	struct ur_conn *uc = UR_C(c);
	struct zc_conn *z = zc_of(c);
	uint64_t big = z ? srv_cfg.zerocopy_min : UINT64_MAX;
	struct out_item *it = out_head(c);
	struct io_uring_sqe *sqe;
	int n, more, link;

	uc->chain_err = 0;
	cork_begin(c);
	if (c->osent >= it->hdr_len && it->body_len >= big) {
		if (z->n == ZC_HELD)
			return; /* a notification makes room */
		uc->send_busy = 1;
		queue_body(c, z, it);
		return;
	}
	n = out_iov_upto(c, uc->iov, UR_IOV, big, &more);
	link = more && z->n < ZC_HELD;
	uc->msg = (struct msghdr){.msg_iov = uc->iov, .msg_iovlen = (size_t)n};
	sqe = ur_sqe(UR_W(c));
	io_uring_prep_sendmsg(sqe, c->fd, &uc->msg,
			      MSG_NOSIGNAL | (link ? MSG_WAITALL : 0) | (more && cork_more() ? MSG_MORE : 0));
	if (link)
		sqe->flags |= IOSQE_IO_LINK;
	ur_prep_send(sqe, c, UR_SEND);
	uc->send_busy = 1;
	if (link)
		queue_body(c, z, big_item(c, big));
}

/* A notification is in flight from its send's first CQE (F_MORE) on, and
 * the loop takes one off inflight for every CQE. Which of the two comes
 * first is not something to rely on, so both orders keep inflight above 0
 * while a CQE of c is still to come: owed counts notifications announced
 * and not come, early those that came before their announcement. */
static void notified(struct conn *c, struct zc_conn *z, int res)
{
	if ((unsigned)res & IORING_NOTIF_USAGE_ZC_COPIED)
		__atomic_fetch_add(&c->w->zc_copied, 1, __ATOMIC_RELAXED);
	if (z->owed) {
		z->owed--;
	} else {
		z->early++;
		UR_C(c)->inflight++; /* the loop took one off for a CQE not counted yet */
	}
	if (z->n)
		put_oldest(c, z);
}

static void announced(struct conn *c, struct zc_conn *z, int sent)
{
	if (sent)
		__atomic_fetch_add(&c->w->zc_sends, 1, __ATOMIC_RELAXED);
	if (z->early) {
		z->early--; /* its notification came already: nothing more to wait for */
		return;
	}
	z->owed++;
	UR_C(c)->inflight++;
}

void ur_send_done(struct conn *c, int op, int res, unsigned flags)
{
	struct ur_conn *uc = UR_C(c);

	struct zc_conn *z = c->send_ptr;

	if (op == UR_SEND_ZC && (flags & IORING_CQE_F_NOTIF)) {
		notified(c, z, res); /* not part of the chain */
		return;
	}
	uc->chain_left--;
	if (op == UR_SEND_ZC) {
		/* F_MORE: a notification follows. A SEND_ZC failed before it
		 * was issued (its link broke: -ECANCELED) has no F_MORE, yet
		 * the kernel still posts the notification of the buffer it had
		 * set up at submission (seen on Linux 6.18). */
		if ((flags & IORING_CQE_F_MORE) || res == -ECANCELED) {
			announced(c, z, (flags & IORING_CQE_F_MORE) != 0);
		} else {
			/* no notification comes: give back the hold just taken */
			z->n--;
			fc_put(c->w->fc, z->held[(z->head + z->n) % ZC_HELD]);
		}
	}
	if (res > 0 && !uc->closing)
		out_advance(c, (uint64_t)res);
	else if (res < 0 && res != -ECANCELED && res != -EINTR && res != -EAGAIN)
		uc->chain_err = 1; /* EPIPE, ECONNRESET; EFAULT when a file shrank */
	if (uc->chain_left)
		return;
	uc->send_busy = 0;
	if (uc->closing)
		return;
	if (uc->chain_err) {
		ur_close(c);
		return;
	}
	if (!out_pending(c))
		cork_done(c);
}
