/* conn: a connection's life: from the worker's free list, onto its list
 * of open connections, and back (the request processing is conn_http.c,
 * or floor.c in a floor build). */
#include "conn.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

#define FREE_CONNS_MAX 64

struct conn *conn_new(struct worker *w, int fd)
{
	struct conn *c = w->free_conns;

	if (c) {
		w->free_conns = c->next;
		w->nfree--;
	} else {
		c = malloc(sizeof(*c));
		if (!c)
			return NULL;
	}
	/* everything before the big buffers */
	memset(c, 0, offsetof(struct conn, oq));
	c->fd = fd;
	c->w = w;
	c->deadline_ms = w->now_ms + srv_cfg.header_timeout_ms;
	c->next = w->conns;
	if (w->conns)
		w->conns->prev = c;
	w->conns = c;
	w->nconns++;
	return c;
}

void conn_free(struct conn *c)
{
	struct worker *w = c->w;

	out_clear(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	w->nconns--;
	if (w->nfree < FREE_CONNS_MAX) {
		c->next = w->free_conns;
		w->free_conns = c;
		w->nfree++;
	} else {
		free(c);
	}
}

void conn_pool_free(struct worker *w)
{
	while (w->free_conns) {
		struct conn *c = w->free_conns;
		w->free_conns = c->next;
		free(c);
	}
	w->nfree = 0;
}

void conn_touch(struct conn *c)
{
	c->deadline_ms = c->w->now_ms + srv_cfg.idle_timeout_ms;
}
