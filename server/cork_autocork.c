/* cork_autocork: TCP_NODELAY at accept and never a cork call: the kernel's
 * autocorking (net.ipv4.tcp_autocorking) coalesces small writes while
 * earlier ones still wait in the qdisc or the device. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "cork.h"

void cork_conn_open(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void cork_begin(struct conn *c)
{
	(void)c;
}

int cork_more(void)
{
	return 0;
}

void cork_done(struct conn *c)
{
	(void)c;
}

const char *cork_describe(void)
{
	return "autocork (TCP_NODELAY, the kernel's autocorking)";
}
