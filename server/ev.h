/*
 * ev: the event loop, one backend per file chosen by the build
 * (ev_epoll.c, ev_uring.c), each defining the same functions. A backend
 * reads into conn's buffer, calls conn_process(), and puts conn's output
 * queue on the wire as the variant's send and cork axes say.
 */
#ifndef WL_EV_H
#define WL_EV_H
#include <stddef.h>

struct worker;

/* what a transport waits for during a handshake */
enum { EV_WANT_READ = 1, EV_WANT_WRITE = 2 };

/* ev_check: can this loop run on this kernel? On failure, msg gets the reason. */
int ev_check(char *msg, size_t msglen);

/* ev_describe_loop/send: one line each for --version. */
const char *ev_describe_loop(void);
const char *ev_describe_send(void);

/* ev_worker_run: the thread's loop, until w->wake_fd becomes readable. */
int ev_worker_run(struct worker *w);

#endif
