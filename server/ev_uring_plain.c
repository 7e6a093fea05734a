/* ev_uring_plain: the transport side of the io_uring loop without TLS:
 * recvs go straight into rbuf, there is no handshake and nothing to send
 * but the queue. */
#include "conn.h"
#include "ev_uring.h"
#include "tx.h"

int ur_tx_init(char *msg, size_t msglen)
{
	(void)msg;
	(void)msglen;
	return 0;
}

void ur_tx_free(void)
{
}

const char *ur_tx_note(void)
{
	return "";
}

int ur_tx_accept_flags(void)
{
	return 0;
}

int ur_tx_open(struct conn *c)
{
	return tx_conn_open(c);
}

void ur_tx_finish(struct conn *c)
{
	tx_conn_close(c);
}

int ur_tx_step(struct conn *c)
{
	(void)c;
	return 0;
}

char *ur_tx_rx(struct conn *c, size_t *room)
{
	*room = CONN_RBUF - c->rlen;
	return c->rbuf + c->rlen;
}

int ur_tx_recv(struct conn *c, int res)
{
	(void)c;
	(void)res;
	return 0;
}

int ur_tx_out(const struct conn *c)
{
	(void)c;
	return 0;
}

int ur_tx_close(struct conn *c)
{
	(void)c;
	return 0;
}

void ur_tx_thread_end(void)
{
}
