/*
 * conn: the connection state machine. It parses requests from c->rbuf,
 * decides the response and queues it (out.h: a rendered header in c->obuf,
 * a body as a cache entry); it knows nothing of the loop or the transport.
 * The loop backend reads into rbuf, calls conn_process(), and its send path
 * writes the queue out through out.h.
 */
#ifndef WL_CONN_H
#define WL_CONN_H
#include <stdint.h>

#include "http.h"
#include "srv.h"

#define CONN_RBUF	  HTTP_MAX_HEAD
#define CONN_OBUF	  8192
#define CONN_OBUF_RESERVE 2560 /* a response's header (+ error body) fits in this */
#define CONN_OQ		  16   /* pipelined responses queued at once */

struct fc_entry;

struct out_item {
	uint32_t hdr_off, hdr_len; /* in obuf; error bodies are part of it */
	struct fc_entry *ent;	   /* the body's cache entry (a reference), or NULL */
	int fd;			   /* body: file and mapping of the chosen representation */
	const char *map;
	uint64_t body_off, body_len;
};

enum conn_flags {
	CONN_CLOSE_AFTER = 1 << 0, /* close once the queue is written */
	CONN_LINGER = 1 << 1,	   /* error close: shut down writing, drain, then close */
	CONN_IN_HEAD = 1 << 2,	   /* part of a request head has arrived */
	CONN_READ_PAUSED = 1 << 3, /* output pending: reading stopped (backpressure) */
	CONN_CORKED = 1 << 4,	   /* TCP_CORK is on */
	CONN_HANDSHAKE = 1 << 5,   /* transport handshake not finished */
	CONN_EOF = 1 << 6,	   /* the peer closed its side */
};

struct conn {
	int fd;
	uint32_t flags;
	struct worker *w;
	struct conn *prev, *next; /* w->conns */
	int64_t deadline_ms;	  /* idle, slow header, send stall or linger */
	uint32_t rlen;		  /* bytes in rbuf */
	size_t scan;		  /* http_head_end resume point */
	uint64_t discard;	  /* request body bytes still to skip */
	uint32_t olen;		  /* bytes used in obuf */
	uint8_t oq_head, oq_n;
	uint64_t osent; /* bytes of the head item already written */
	void *tx;	/* transport state */
	int tx_want;	/* EV_WANT_* during a handshake */
	uint32_t ev;	/* backend-private */
	void *ev_ptr;	/* backend-private */
	void *send_ptr; /* the send path's (zero-copy sends in flight) */
	char peer[48];	/* for the access log */
	struct out_item oq[CONN_OQ];
	char obuf[CONN_OBUF];
	char rbuf[CONN_RBUF];
};

/* conn_new/conn_free: from the worker's small free list; conn_free gives
 * back every queued reference but does not close fd. */
struct conn *conn_new(struct worker *w, int fd);
void conn_free(struct conn *c);
/* conn_pool_free: release the worker's free list (at exit). */
void conn_pool_free(struct worker *w);

/* conn_process: answer the complete requests in rbuf, as far as the output
 * queue has room. Sets deadlines. */
void conn_process(struct conn *c);

/* conn_should_close: nothing more will be read or written. */
static inline int conn_should_close(const struct conn *c)
{
	return !c->oq_n && (c->flags & CONN_CLOSE_AFTER);
}

/* conn_touch: output made progress; push the send-stall deadline. */
void conn_touch(struct conn *c);

#endif
