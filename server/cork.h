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

/* cork_begin: the send path is about to write the queue's first bytes
 * (called again while they are out; the policy keeps its own state). */
void cork_begin(struct conn *c);

/* cork_more: MSG_MORE on a header whose body follows (the header waits to
 * share a segment with the body). A constant of the policy. */
int cork_more(void);

/* cork_done: the queue is empty: push what the policy held back. */
void cork_done(struct conn *c);

/* cork_describe: the calls the policy makes, for --version. */
const char *cork_describe(void);

#endif
