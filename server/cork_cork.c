/* cork_cork: TCP_CORK on before a response's first byte and off after its
 * last, as nginx (tcp_nopush) and lighttpd do: two setsockopt calls per
 * response (per batch of pipelined responses written together). While
 * corked the kernel sends only full segments; uncorking pushes the tail. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "conn.h"
#include "cork.h"

static void set_cork(struct conn *c, int on)
{
	if (setsockopt(c->fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)) == 0) {
		if (on)
			c->flags |= CONN_CORKED;
		else
			c->flags &= ~CONN_CORKED;
	}
}

void cork_conn_open(int fd)
{
	(void)fd;
}

void cork_begin(struct conn *c)
{
	if (!(c->flags & CONN_CORKED))
		set_cork(c, 1);
}

int cork_more(void)
{
	return 0; /* corked already: the header waits for the body anyway */
}

void cork_done(struct conn *c)
{
	if (c->flags & CONN_CORKED)
		set_cork(c, 0); /* push the tail now */
}

const char *cork_describe(void)
{
	return "cork (setsockopt TCP_CORK 1 before a response's first byte, 0 after its last: two per "
	       "response, as nginx tcp_nopush and lighttpd)";
}
