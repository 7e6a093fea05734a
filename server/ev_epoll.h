/* ev_epoll: what the epoll loop (ev_epoll.c) and its send path
 * (ev_epoll_<send>.c) share. */
#ifndef WL_EV_EPOLL_H
#define WL_EV_EPOLL_H

struct conn;

/* ep_flush: the send path: write c's queue as the send and cork axes say. Returns 0, or -1
 * when the connection was closed. */
int ep_flush(struct conn *c);

/* ep_close: close now; the struct is freed after the current batch. */
void ep_close(struct conn *c);

#endif
