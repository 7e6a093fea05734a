/* ev_epoll: what the epoll loop (ev_epoll.c) and its send path
 * (ev_epoll_<send>.c) share. */
#ifndef WL_EV_EPOLL_H
#define WL_EV_EPOLL_H

struct conn;

/* ep_flush: the send path: write c's queue as the send and cork axes say. Returns 0, or -1
 * when the connection was closed. */
int ep_flush(struct conn *c);

/* ep_send_open: a connection was accepted (zerocopy: SO_ZEROCOPY). */
void ep_send_open(struct conn *c);
/* ep_send_error: EPOLLERR: 1 when it was the send path's news (zero-copy
 * completions on the error queue) and c lives on, 0 for a socket error. */
int ep_send_error(struct conn *c);
/* ep_send_close: c closes: give back what its sends held. */
void ep_send_close(struct conn *c);

/* ep_close: close now; the struct is freed after the current batch. */
void ep_close(struct conn *c);

#endif
