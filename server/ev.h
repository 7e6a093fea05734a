/*
 * ev: the event loop, one backend per file chosen by the build
 * (ev_epoll.c, ev_uring.c), each defining the same functions, and each
 * with one file per send path (ev_<loop>_<send>.c). A backend reads into
 * conn's buffer, calls conn_process(), and its send path puts the output
 * queue (out.h) on the wire, calling the cork policy (cork.h) on the way.
 */
#ifndef WL_EV_H
#define WL_EV_H
#include <stddef.h>

struct worker;

/* what a transport waits for during a handshake */
enum { EV_WANT_READ = 1, EV_WANT_WRITE = 2 };

/* ev_init: can this loop run on this kernel? Sets up what it needs once
 * per process. On failure, msg gets the reason. ev_free: at exit. */
int ev_init(char *msg, size_t msglen);
void ev_free(void);

/* ev_describe_loop/send: one line each for --version (the loop's file,
 * and the file of its send path: ev_<loop>_<send>.c). */
const char *ev_describe_loop(void);
const char *ev_describe_send(void);

/* ev_describe_start: words the start-up line adds for the loop (where
 * its kernel workers run), "" for none. */
const char *ev_describe_start(void);

/* ev_send_maps_body: the send path writes bodies from the open-file
 * cache's mapping, so the cache maps every file it opens. */
int ev_send_maps_body(void);

/* ev_send_zerocopy: the variant's send value is zerocopy (under kTLS the
 * sendfile path serves it, with TLS_TX_ZEROCOPY_RO, tx_ktls.c). */
int ev_send_zerocopy(void);

/* ev_worker_run: the thread's loop, until w->wake_fd becomes readable. */
int ev_worker_run(struct worker *w);

#endif
