/*
 * cork: the cork axis, one policy per file (cork_<value>.c), chosen by the
 * build like the loop and the send path. The send paths call these at
 * fixed points of a connection's output; each policy decides what, if
 * anything, the kernel is told there.
 */
#ifndef WL_CORK_H
#define WL_CORK_H

struct conn;

/* cork_conn_open: a connection was accepted (before its first byte). */
void cork_conn_open(int fd);

/* cork_more: MSG_MORE on a header whose body follows (the header waits to
 * share a segment with the body). A constant of the policy. */
int cork_more(void);

/* cork_stalled: a response needs more than one write (a short write, or
 * records left to send): what the policy does to keep its tail from going
 * out in small segments. */
void cork_stalled(struct conn *c);

/* cork_done: the queue is empty: push what the policy held back. */
void cork_done(struct conn *c);

/* cork_describe: the calls the policy makes, for --version. */
const char *cork_describe(void);

#endif
