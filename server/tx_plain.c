/* tx_plain: HTTP over the bare TCP socket. */
#include <errno.h>
#include <stddef.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "tx.h"

int tx_global_init(char *msg, size_t msglen)
{
	(void)msg;
	(void)msglen;
	return 0;
}

void tx_global_free(void)
{
}

const char *tx_describe(void)
{
	return "plain (no TLS)";
}

int tx_conn_open(struct conn *c)
{
	(void)c;
	return 0;
}

void tx_conn_close(struct conn *c)
{
	(void)c;
}

int tx_handshake(struct conn *c)
{
	(void)c;
	return 0;
}

ssize_t tx_recv(struct conn *c, void *buf, size_t len)
{
	ssize_t n = read(c->fd, buf, len);

	return n < 0 ? -errno : n;
}

ssize_t tx_writev(struct conn *c, const struct iovec *iov, int n)
{
	ssize_t w = writev(c->fd, iov, n);

	return w < 0 ? -errno : w;
}

ssize_t tx_send(struct conn *c, const void *buf, size_t len, int more)
{
	ssize_t w = send(c->fd, buf, len, MSG_NOSIGNAL | (more ? MSG_MORE : 0));

	return w < 0 ? -errno : w;
}

ssize_t tx_sendfile(struct conn *c, int fd, off_t *off, size_t len)
{
	ssize_t w = sendfile(c->fd, fd, off, len);

	return w < 0 ? -errno : w;
}

int tx_waitall_ok(void)
{
	return 1;
}

const char *tx_describe_send(void)
{
	return NULL;
}

ssize_t tx_sendmsg(struct conn *c, const struct iovec *iov, int n, int flags)
{
	struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n};
	ssize_t w = sendmsg(c->fd, &m, flags | MSG_NOSIGNAL);

	return w < 0 ? -errno : w;
}
