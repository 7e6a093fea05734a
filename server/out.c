/* out: a connection's output queue (see out.h). */
#include "out.h"

#include <string.h>
#include <sys/socket.h>

#include "fcache.h"
#include "srv.h"

static void item_release(struct conn *c, struct out_item *it)
{
	if (it->ent)
		fc_put(c->w->fc, it->ent);
	it->ent = NULL;
}

struct out_item *out_push(struct conn *c, uint32_t hdr_off)
{
	struct out_item *it = out_nth(c, c->oq_n);

	memset(it, 0, sizeof(*it));
	it->fd = -1;
	it->hdr_off = hdr_off;
	it->hdr_len = c->olen - hdr_off;
	c->oq_n++;
	return it;
}

void out_clear(struct conn *c)
{
	while (c->oq_n) {
		item_release(c, &c->oq[c->oq_head]);
		c->oq_head = (uint8_t)((c->oq_head + 1) % CONN_OQ);
		c->oq_n--;
	}
}

int out_iov(struct conn *c, struct iovec *iov, int max)
{
	int big_next;

	return out_iov_upto(c, iov, max, UINT64_MAX, &big_next);
}

int out_iov_upto(struct conn *c, struct iovec *iov, int max, uint64_t big, int *big_next)
{
	int n = 0, k;
	uint64_t skip = c->osent;

	*big_next = 0;

	for (k = 0; k < c->oq_n && n + 2 <= max; k++) {
		const struct out_item *it = out_nth(c, k);
		const char *h = c->obuf + it->hdr_off;
		uint64_t hl = it->hdr_len, bl = it->body_len;

		if (skip < hl) {
			/* headers of bodiless items sit next to each other in obuf */
			if (n && (const char *)iov[n - 1].iov_base + iov[n - 1].iov_len == h + skip)
				iov[n - 1].iov_len += hl - skip;
			else
				iov[n++] = (struct iovec){(void *)(h + skip), hl - skip};
			skip = 0;
		} else {
			skip -= hl;
		}
		if (bl && bl >= big) {
			*big_next = 1;
			break;
		}
		if (bl) {
			iov[n++] = (struct iovec){(void *)(it->map + it->body_off + skip), bl - skip};
			skip = 0;
		}
	}
	return n;
}

size_t out_header_run(struct conn *c, const char **p, struct out_item **body)
{
	struct out_item *it = out_head(c);
	size_t len;
	int k = 1;

	if (c->osent >= it->hdr_len)
		return 0;
	*p = c->obuf + it->hdr_off + c->osent;
	len = it->hdr_len - c->osent;
	while (!it->body_len && k < c->oq_n) {
		struct out_item *nx = out_nth(c, k);
		if (c->obuf + nx->hdr_off != *p + len)
			break;
		len += nx->hdr_len;
		it = nx;
		k++;
	}
	*body = it->body_len ? it : NULL;
	return len;
}

void out_body(const struct conn *c, const struct out_item *it, off_t *off, size_t *left)
{
	/* an item behind the head has nothing written yet */
	uint64_t done = it == &c->oq[c->oq_head] && c->osent > it->hdr_len ? c->osent - it->hdr_len : 0;

	*off = (off_t)(it->body_off + done);
	*left = it->body_len - done;
}

void out_advance(struct conn *c, uint64_t n)
{
	c->osent += n;
	while (c->oq_n) {
		struct out_item *it = &c->oq[c->oq_head];
		uint64_t total = it->hdr_len + it->body_len;

		if (c->osent < total)
			break;
		c->osent -= total;
		item_release(c, it);
		c->oq_head = (uint8_t)((c->oq_head + 1) % CONN_OQ);
		c->oq_n--;
	}
	if (n)
		conn_touch(c);
	if (!c->oq_n) {
		c->olen = 0;
		c->osent = 0;
		c->oq_head = 0;
		/* requests that waited behind the queue (pipelining) */
		if (c->rlen && !(c->flags & CONN_CLOSE_AFTER))
			conn_process(c);
		else if (!(c->flags & (CONN_IN_HEAD | CONN_LINGER)))
			c->deadline_ms = c->w->now_ms + srv_cfg.idle_timeout_ms;
	}
}

void out_linger(struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
	c->flags &= ~CONN_CLOSE_AFTER;
	c->flags |= CONN_LINGER | CONN_EOF; /* CONN_EOF here: we sent FIN */
	c->deadline_ms = c->w->now_ms + OUT_LINGER_MS;
}
