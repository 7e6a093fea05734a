/*
 * tx: the transport (plain, tls, ktls), one backend per file chosen by the
 * build: the tls axis is fixed when a variant is compiled, so the choice is
 * made by the linker rather than through a table of function pointers, and
 * the plain path pays no indirect call. Every call returns -errno on error
 * (-EAGAIN when the socket is not ready).
 */
#ifndef WL_TX_H
#define WL_TX_H
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

struct conn;

/* tx_global_init: load certificates, probe the kernel. On failure, msg gets a
 * sentence for the operator and a negative errno is returned. */
int tx_global_init(char *msg, size_t msglen);
void tx_global_free(void);

/* tx_describe: one line for --version and the start-up line. */
const char *tx_describe(void);
/* tx_describe_send: the send path of a transport that writes every byte
 * itself (tls), for --version; NULL: the loop's send path. */
const char *tx_describe_send(void);

/* Per connection: after accept, and once before close. */
int tx_conn_open(struct conn *c);
void tx_conn_close(struct conn *c);

/* tx_handshake: 0 when the connection is ready for HTTP; -EAGAIN with
 * c->tx_want set to EV_WANT_READ or EV_WANT_WRITE; another -errno to close. */
int tx_handshake(struct conn *c);

ssize_t tx_recv(struct conn *c, void *buf, size_t len);
ssize_t tx_writev(struct conn *c, const struct iovec *iov, int n);
/* tx_sendmsg: an iovec with sendmsg flags (MSG_MORE, MSG_ZEROCOPY); the
 * transports that build records themselves return -EOPNOTSUPP. */
ssize_t tx_sendmsg(struct conn *c, const struct iovec *iov, int n, int flags);
/* tx_send: more != 0 tells the kernel more of this response follows (MSG_MORE). */
ssize_t tx_send(struct conn *c, const void *buf, size_t len, int more);
ssize_t tx_sendfile(struct conn *c, int fd, off_t *off, size_t len);

/* tx_waitall_ok: the socket takes MSG_WAITALL on a send (kTLS refuses it:
 * Linux 6.1 tls_sw_sendmsg, EOPNOTSUPP). */
int tx_waitall_ok(void);

#endif
