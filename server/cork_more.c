/* cork_more: MSG_MORE on a header whose body follows (the sendfile
 * paths), so the header waits to share a segment with the body: what
 * TCP_CORK around the response achieves for a header and a body, without
 * its two setsockopt calls. A writev response is one call, so the writev
 * paths send as they are. Nagle stays on; no setsockopt, ever. */
#include "cork.h"

void cork_conn_open(int fd)
{
	(void)fd; /* Nagle stays on */
}

void cork_begin(struct conn *c)
{
	(void)c;
}

int cork_more(void)
{
	return 1;
}

void cork_done(struct conn *c)
{
	(void)c;
}

const char *cork_describe(void)
{
	return "more (MSG_MORE on a header whose body follows, sendfile paths; a writev response is one "
	       "call; "
	       "Nagle on; no setsockopt)";
}
