/* ev_uring_records: what the tls and ktls sides of the io_uring loop share
 * where OpenSSL reads its records from memory (tls always; ktls where the
 * kernel does not decrypt): io_uring recvs fill the connection's records
 * buffer (tls_mem.c), and OpenSSL decrypts from there into rbuf. */
#include <errno.h>

#include "conn.h"
#include "ev_uring.h"
#include "out.h"
#include "tls.h"
#include "tx.h"

char *ur_records_rx(struct conn *c, size_t *room)
{
	if (tls_mem(c))
		return tls_mem_rx_room(c, room);
	*room = CONN_RBUF - c->rlen;
	return c->rbuf + c->rlen;
}

int ur_records_recv(struct conn *c, int res)
{
	if (!tls_mem(c))
		return 0;
	tls_mem_rx_add(c, (uint32_t)res);
	return 1;
}

/* Bytes past a full rbuf wait in the records buffer (or OpenSSL) for the
 * next step: that one comes with the completion of the response, after
 * which conn.c has consumed rbuf. */
void ur_records_pump(struct conn *c)
{
	while (!(c->flags & (CONN_LINGER | CONN_EOF)) && !tls_fatal(c) && c->rlen < CONN_RBUF &&
	       tls_mem_rx_ready(c)) {
		ssize_t n = tx_recv(c, c->rbuf + c->rlen, CONN_RBUF - c->rlen);

		if (n > 0) {
			c->rlen += (uint32_t)n;
			if (out_pending(c))
				return; /* answered once the queue is out */
			conn_process(c);
			if (out_pending(c))
				return;
			continue;
		}
		switch (n) {
		case 0: /* close_notify, or EOF */
			c->flags |= CONN_EOF | CONN_CLOSE_AFTER;
			return;
		case -EAGAIN: /* WANT_READ: a partial record; WANT_WRITE: tx full (a reply) */
		case -EINTR:
			return;
		default: /* a bad record: tls sends OpenSSL's alert first (ur_send_done closes) */
			if (!ur_tx_out(c))
				ur_close(c);
			return;
		}
	}
}
