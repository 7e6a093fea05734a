/*
 * out: a connection's output, for every loop and send path. conn.c queues
 * responses (a rendered header in c->obuf, a body as a cache entry); the
 * send paths (ev_<loop>_<send>.c) take the queue as iovecs or as header
 * runs and bodies, and report what the kernel took with out_advance. Only
 * this file knows the queue is a ring. The cork policy of the variant is
 * cork.h; the error-close linger is here, for both loops.
 */
#ifndef WL_OUT_H
#define WL_OUT_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "conn.h"

/* After an error answer a connection reads (and drops) what the client
 * still sends for this long before it closes: a close with unread input
 * sends RST, which can destroy the answer in flight. */
#define OUT_LINGER_MS 2000

/* out_pending: bytes remain queued. */
static inline int out_pending(const struct conn *c)
{
	return c->oq_n != 0;
}

/* out_head: the first queued item (c->osent bytes of it are written). */
static inline struct out_item *out_head(struct conn *c)
{
	return c->oq_n ? &c->oq[c->oq_head] : 0;
}

/* out_nth: the k-th queued item, 0 <= k < c->oq_n. */
static inline struct out_item *out_nth(struct conn *c, int k)
{
	return &c->oq[(c->oq_head + k) % CONN_OQ];
}

/* out_push: queue the header rendered at obuf[hdr_off .. olen) as a new
 * item without a body (the caller adds one). The queue has room: conn.c
 * checks before it renders. */
struct out_item *out_push(struct conn *c, uint32_t hdr_off);

/* out_clear: give back every queued item's cache reference (conn_free). */
void out_clear(struct conn *c);

/* out_iov: the queue as an iovec (header, body, header, ...), headers of
 * bodiless items that follow each other in obuf as one entry; at most max
 * entries. Returns the count. */
int out_iov(struct conn *c, struct iovec *iov, int max);

/* out_iov_upto: out_iov, stopping before the first body of big bytes or
 * more (its header included); *big_next is set when it stopped there. */
int out_iov_upto(struct conn *c, struct iovec *iov, int max, uint64_t big, int *big_next);

/* out_header_run: the unwritten header bytes of the head item, with the
 * headers of the bodiless items after it that sit next to it in obuf
 * (HEAD, 304, errors), so they go in one send. *p gets where they start;
 * *body the item whose body follows the run, or NULL. Returns the length
 * (0 when the head item's header is already written). */
size_t out_header_run(struct conn *c, const char **p, struct out_item **body);

/* out_body: the file offset and the length still to send of it's body
 * (it: the head item, or the item after a header run). */
void out_body(const struct conn *c, const struct out_item *it, off_t *off, size_t *left);

/* out_advance: n bytes of the queue were written. When the queue empties,
 * parsing resumes (conn_process) unless the connection closes. */
void out_advance(struct conn *c, uint64_t n);

/* out_linger: the answer is queued out and the connection must close:
 * send FIN, then read until the client's EOF or OUT_LINGER_MS (the loop
 * arms the reads). */
void out_linger(struct conn *c);

#endif
