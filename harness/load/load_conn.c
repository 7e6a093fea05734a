/*
 * load_conn: one connection of wirelab-load: connect (and TLS handshake),
 * send the pre-rendered requests, parse each response head in place,
 * count (or discard, with recv(MSG_TRUNC)) and hash its body, and count
 * the answer or its error. Nothing here allocates per request.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "load.h"
#include "load_http.h"
#include "load_run.h"
#include "load_tls.h"

int load_run_ssl_idx = -1;

/*
 * recv and send without glibc's wrappers: these threads are never
 * cancelled, and the wrappers' cancellation bookkeeping was 2% of the
 * client's CPU at 1 KiB (perf, closed mode, 64 connections).
 */
static inline ssize_t raw_recv(int fd, void *buf, size_t len, int flags)
{
	return syscall(SYS_recvfrom, fd, buf, len, flags, NULL, NULL);
}

static inline ssize_t raw_send(int fd, const void *buf, size_t len, int flags)
{
	return syscall(SYS_sendto, fd, buf, len, flags, NULL, 0);
}

static int conn_flush(struct run_conn *c);

/* the first error of each kind is kept, said, for stderr and the JSON */
__attribute__((format(printf, 4, 0))) static void note_verr(struct run_thread *t, enum load_err k,
							    const char *path, const char *fmt, va_list ap)
{
	char *m = t->first_err[k];
	size_t len = sizeof(t->first_err[k]);
	int n;

	if (m[0])
		return;
	n = snprintf(m, len, "%s: ", path);
	if (n > 0 && (size_t)n < len)
		vsnprintf(m + n, len - (size_t)n, fmt, ap);
}

__attribute__((format(printf, 4, 5))) static void note_err(struct run_thread *t, enum load_err k,
							   const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_verr(t, k, path, fmt, ap);
	va_end(ap);
}

/* --- connection choice (open mode) ------------------------------------- */

static bool conn_has_room(const struct run_thread *t, const struct run_conn *c)
{
	if (c->retry_at > t->now)
		return false;
	if (c->state == C_DOWN)
		return true;
	return c->icount < (unsigned)t->cfg->pipeline && c->reqs_left > 0;
}

void load_conn_ring_offer(struct run_thread *t, struct run_conn *c)
{
	if (!t->open || c->in_ring || !conn_has_room(t, c))
		return;
	t->ring[(t->rhead + t->rcount++) % (unsigned)t->nconns] = c;
	c->in_ring = true;
}

/* the next connection with room, round robin; NULL when all are busy */
struct run_conn *load_conn_ring_take(struct run_thread *t)
{
	while (t->rcount) {
		struct run_conn *c = t->ring[t->rhead];
		t->rhead = (t->rhead + 1) % (unsigned)t->nconns;
		t->rcount--;
		c->in_ring = false;
		if (conn_has_room(t, c))
			return c;
	}
	return NULL;
}

/* --- requests ---------------------------------------------------------- */

static uint32_t pick_req(struct run_thread *t)
{
	const struct load_work *w = t->w;
	uint64_t r;
	size_t lo = 0, hi = w->nreqs - 1;

	if (w->nreqs == 1)
		return 0;
	r = load_rng_next(&t->rng) % w->total_weight;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (w->reqs[mid].cum > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (uint32_t)lo;
}

static uint32_t pick_rpc(struct run_thread *t)
{
	const struct load_work *w = t->w;
	uint64_t r;
	size_t i = 0;

	if (t->cfg->conn_close)
		return 1;
	if (!w->nrpc)
		return UINT32_MAX;
	r = load_rng_next(&t->rng) % w->rpc_cum[w->nrpc - 1];
	while (w->rpc_cum[i] <= r)
		i++;
	return w->rpc[i];
}

/*
 * Edge-triggered, both directions, registered once per connection: no
 * epoll_ctl per request, and epoll does not poll the socket a second time
 * per event as level-triggered mode does. A read shorter than asked for
 * has drained the socket (the next bytes raise a new edge), so no extra
 * read to see EAGAIN.
 */
static void watch(struct run_conn *c)
{
	struct epoll_event e = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};

	epoll_ctl(c->t->ep, EPOLL_CTL_ADD, c->fd, &e);
}

/* every request in flight on c fails with kind k, then c reconnects */
__attribute__((format(printf, 3, 4))) void load_conn_fail(struct run_conn *c, enum load_err k,
							  const char *fmt, ...)
{
	struct run_thread *t = c->t;
	bool any = false;
	va_list ap;

	for (unsigned i = 0; i < c->icount; i++) {
		struct run_inf *f = &c->inf[(c->ihead + i) % LOAD_MAX_PIPELINE];
		if (counted(t, f->intended)) {
			t->st.errors[k]++;
			cur_tick(t)->errors++;
			any = true;
		}
	}
	if (c->icount && counted(t, c->inf[c->ihead].intended))
		t->st.bytes += c->resp_bytes;
	/* a failure with no request to blame (a connect before the first send) counts once */
	if (!c->icount && t->now >= t->ws && t->now < t->we) {
		t->st.errors[k]++;
		any = true;
	}
	if (any) {
		va_start(ap, fmt);
		note_verr(t, k, c->icount ? t->w->reqs[c->inf[c->ihead].req].path : t->w->authority, fmt, ap);
		va_end(ap);
	}
	t->inflight -= c->icount;
	c->icount = 0;
	load_conn_recycle(c, true);
}

static void conn_ready(struct run_conn *c)
{
	c->state = C_READY;
	conn_flush(c);
}

static void conn_handshake(struct run_conn *c)
{
	struct run_thread *t = c->t;
	int r = SSL_connect(c->ssl);

	if (r == 1) {
		if (t->now >= t->ws) {
			t->st.handshakes++;
			if (SSL_session_reused(c->ssl))
				t->st.resumed++;
		}
		if (!t->tls_version[0]) {
			snprintf(t->tls_version, sizeof(t->tls_version), "%s", SSL_get_version(c->ssl));
			snprintf(t->tls_cipher, sizeof(t->tls_cipher), "%s", SSL_get_cipher_name(c->ssl));
		}
		conn_ready(c);
		return;
	}
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return; /* the next edge resumes it */
	default: {
		char e[160];
		load_tls_error(e, sizeof(e));
		load_conn_fail(c, LE_CONNECT, "TLS handshake failed: %s", e);
	}
	}
}

static void conn_connected(struct run_conn *c)
{
	struct run_thread *t = c->t;

	if (!t->w->tls) {
		conn_ready(c);
		return;
	}
	c->ssl = SSL_new(t->sh->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, c->fd)) {
		load_conn_fail(c, LE_CONNECT, "SSL_new failed");
		return;
	}
	SSL_set_ex_data(c->ssl, load_run_ssl_idx, t);
	SSL_set_tlsext_host_name(c->ssl, t->w->host);
	if (t->sess)
		SSL_set_session(c->ssl, t->sess);
	c->state = C_HANDSHAKE;
	conn_handshake(c);
}

void load_conn_connect(struct run_conn *c)
{
	struct run_thread *t = c->t;
	int one = 1;

	c->fd = socket(t->w->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		load_conn_fail(c, LE_CONNECT, "socket: %s", strerror(errno));
		return;
	}
	/* requests are small and each must leave now */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->started = t->now;
	c->reqs_left = pick_rpc(t);
	if (t->now >= t->ws)
		t->st.connects++;
	watch(c);
	if (connect(c->fd, (const struct sockaddr *)&t->w->addr, t->w->addrlen) == 0) {
		conn_connected(c);
		return;
	}
	if (errno != EINPROGRESS) {
		load_conn_fail(c, LE_CONNECT, "connect: %s", strerror(errno));
		return;
	}
	c->state = C_CONNECTING;
}

/* queue one request on c (connecting first when it is down) */
void load_conn_submit(struct run_conn *c, uint64_t intended)
{
	struct run_thread *t = c->t;
	uint32_t req = pick_req(t);
	const struct load_req *r = &t->w->reqs[req];
	struct run_inf *f = &c->inf[(c->ihead + c->icount++) % LOAD_MAX_PIPELINE];

	f->intended = intended;
	f->sent = t->now;
	f->req = req;
	t->inflight++;
	if (counted(t, intended)) {
		t->st.sent++;
		if (t->open)
			load_hist_record(&t->st.lag, t->now > intended ? t->now - intended : 0);
	}
	if (c->txoff && c->txlen + r->len > c->txcap) {
		memmove(c->tx, c->tx + c->txoff, c->txlen - c->txoff);
		c->txlen -= c->txoff;
		c->txoff = 0;
	}
	memcpy(c->tx + c->txlen, r->text, r->len);
	c->txlen += r->len;
	if (c->state == C_DOWN) {
		load_conn_connect(c); /* picks the connection's request budget */
		if (c->state != C_DOWN)
			c->reqs_left--;
		return;
	}
	c->reqs_left--;
	if (c->state == C_READY)
		conn_flush(c);
}

/* closed mode: fill c up to the pipeline depth */
void load_conn_fill(struct run_conn *c)
{
	struct run_thread *t = c->t;

	while (!t->stopping && c->retry_at <= t->now && c->icount < (unsigned)t->cfg->pipeline) {
		if (c->state != C_DOWN && !c->reqs_left)
			return; /* its last request is out; it closes after the answer */
		if (t->cfg->requests && t->now >= t->ws) {
			if (!t->submits_left)
				return;
			t->submits_left--;
		}
		load_conn_submit(c, t->now);
		if (c->state == C_DOWN)
			return; /* the connect failed; the tick retries */
	}
}

/* a response is complete: count it, then send the next */
static int conn_complete(struct run_conn *c)
{
	struct run_thread *t = c->t;
	struct run_inf *f = &c->inf[c->ihead];
	uint64_t now = now_ns();

	c->ihead = (c->ihead + 1) % LOAD_MAX_PIPELINE;
	c->icount--;
	t->inflight--;
	if (counted(t, f->intended)) {
		t->st.bytes += c->resp_bytes;
		if (c->status < 200 || c->status > 299) {
			t->st.errors[LE_STATUS]++;
			cur_tick(t)->errors++;
			note_err(t, LE_STATUS, t->w->reqs[f->req].path, "status %d", c->status);
		} else if (c->bad_body) {
			t->st.errors[LE_VERIFY]++;
			cur_tick(t)->errors++;
		} else {
			uint64_t lat = now - f->intended;
			t->st.requests++;
			if (now < t->we)
				t->st.in_window++;
			load_hist_record(&t->st.lat, lat);
			load_hist_record(&t->st.raw, now - f->sent);
			struct load_tick *k = cur_tick(t);
			k->requests++;
			k->bytes += c->resp_bytes;
			load_hist_record(&k->lat, lat);
		}
	}
	c->in_body = false;
	c->resp_bytes = 0;
	if (c->resp_close || (!c->reqs_left && !c->icount)) {
		if (c->icount) {
			load_conn_fail(c, LE_CLOSED,
				       "the server said Connection: close with requests in flight");
			return -1;
		}
		load_conn_recycle(c, false);
		return -1;
	}
	unsigned gen = c->gen;
	if (t->open)
		load_conn_ring_offer(t, c);
	else
		load_conn_fill(c);
	return c->gen != gen ? -1 : 0; /* the next request's write failed */
}

/* a body's bytes: hashed when verifying */
static void body_bytes(struct run_conn *c, const char *p, size_t n)
{
	c->body_left -= n;
	c->t->st.body_bytes += n;
	if (c->xx && !c->bad_body)
		XXH3_64bits_update(c->xx, p, n);
}

static int body_done(struct run_conn *c)
{
	if (c->xx && !c->bad_body) {
		const struct load_req *r = &c->t->w->reqs[c->inf[c->ihead].req];
		if (XXH3_64bits_digest(c->xx) != r->expect_hash) {
			c->bad_body = true;
			note_err(c->t, LE_VERIFY, r->path, "the body differs from the docroot's file");
		}
	}
	return conn_complete(c);
}

static int head_done(struct run_conn *c, const struct load_http_head *h)
{
	const struct load_req *r = &c->t->w->reqs[c->inf[c->ihead].req];

	c->in_body = true;
	c->status = h->status;
	c->resp_close = h->close;
	c->body_left = h->content_length;
	c->bad_body = false;
	if (c->xx) {
		XXH3_64bits_reset(c->xx);
		if (h->status >= 200 && h->status <= 299 && (int64_t)h->content_length != r->expect_len) {
			c->bad_body = true;
			note_err(c->t, LE_VERIFY, r->path,
				 "Content-Length %llu, the docroot's file has %lld bytes",
				 (unsigned long long)h->content_length, (long long)r->expect_len);
		}
	}
	if (!c->body_left)
		return body_done(c);
	return 0;
}

/* bytes read from c: heads parsed, bodies counted; -1 when c went down */
static int conn_process(struct run_conn *c, const char *p, size_t n)
{
	while (n) {
		if (!c->icount) {
			load_conn_fail(c, LE_PARSE, "%zu bytes with no request outstanding", n);
			return -1;
		}
		if (!c->in_body) {
			struct load_http_head h;
			int r;
			size_t used;
			if (!c->hlen) {
				r = load_http_parse(p, n, &h);
				if (r == LH_INCOMPLETE) {
					memcpy(c->head, p, n);
					c->hlen = (uint32_t)n;
					c->resp_bytes += n;
					return 0;
				}
				used = r > 0 ? (size_t)r : 0;
			} else {
				size_t room = LOAD_HTTP_HEAD_MAX - c->hlen, take = n < room ? n : room;
				uint32_t old = c->hlen;
				memcpy(c->head + c->hlen, p, take);
				c->hlen += (uint32_t)take;
				r = load_http_parse(c->head, c->hlen, &h);
				if (r == LH_INCOMPLETE) {
					c->resp_bytes += take;
					return 0;
				}
				used = r > 0 ? (size_t)r - old : 0;
				c->hlen = 0;
			}
			if (r < 0) {
				load_conn_fail(c, LE_PARSE, "%s", load_http_strerror(r));
				return -1;
			}
			c->resp_bytes += used;
			p += used;
			n -= used;
			if (head_done(c, &h))
				return -1;
			continue;
		}
		size_t take = n < c->body_left ? n : (size_t)c->body_left;
		body_bytes(c, p, take);
		c->resp_bytes += take;
		p += take;
		n -= take;
		if (!c->body_left && body_done(c))
			return -1;
	}
	return 0;
}

static void conn_eof(struct run_conn *c)
{
	if (!c->icount) {
		load_conn_recycle(c, false); /* an idle keep-alive connection closed: not an error */
		return;
	}
	if (c->resp_bytes || c->hlen)
		load_conn_fail(c, LE_CLOSED, "the server closed mid-response (%llu bytes of it read)",
			       (unsigned long long)(c->resp_bytes + c->hlen));
	else
		load_conn_fail(c, LE_CLOSED, "the server closed before answering");
}

static void conn_read_err(struct run_conn *c, int err)
{
	if (err == ECONNRESET || err == EPIPE)
		load_conn_fail(c, LE_RESET, "connection reset (%llu bytes of the response read)",
			       (unsigned long long)(c->resp_bytes + c->hlen));
	else
		load_conn_fail(c, LE_READ, "read failed: %s", strerror(err));
}

static void conn_read_tls(struct run_conn *c)
{
	struct run_thread *t = c->t;

	for (;;) {
		int n = SSL_read(c->ssl, t->scratch, RUN_SCRATCH);
		if (n > 0) {
			if (conn_process(c, t->scratch, (size_t)n))
				return;
			continue;
		}
		switch (SSL_get_error(c->ssl, n)) {
		case SSL_ERROR_WANT_READ:
			return;
		case SSL_ERROR_WANT_WRITE:
			return;
		case SSL_ERROR_ZERO_RETURN:
			conn_eof(c);
			return;
		case SSL_ERROR_SYSCALL:
			if (!errno || errno == EPIPE) {
				ERR_clear_error();
				conn_eof(c);
			} else {
				ERR_clear_error();
				conn_read_err(c, errno);
			}
			return;
		default: {
			char e[160];
			load_tls_error(e, sizeof(e));
			load_conn_fail(c, LE_READ, "TLS read failed: %s", e);
			return;
		}
		}
	}
}

/* hup: the edge said the peer closed or failed, so read on to the EOF or
 * error even after a short read (it came with the same edge) */
static void conn_read(struct run_conn *c, bool hup)
{
	struct run_thread *t = c->t;

	if (c->ssl) {
		conn_read_tls(c);
		return;
	}
	for (;;) {
		ssize_t n;
		if (c->in_body && t->discard && c->body_left >= RUN_DISCARD_MIN) {
			/* counted, not copied: the kernel drops the bytes it returns */
			size_t want = (size_t)c->body_left;
			n = raw_recv(c->fd, NULL, want, MSG_TRUNC | MSG_DONTWAIT);
			if (n > 0) {
				c->body_left -= (uint64_t)n;
				t->st.body_bytes += (uint64_t)n;
				c->resp_bytes += (uint64_t)n;
				if (!c->body_left && body_done(c))
					return;
				if (!hup && ((size_t)n < want || !c->icount))
					return;
				continue;
			}
		} else {
			size_t want = t->discard ? RUN_HEAD_READ * (size_t)t->cfg->pipeline : RUN_SCRATCH;
			if (want > RUN_SCRATCH)
				want = RUN_SCRATCH;
			n = raw_recv(c->fd, t->scratch, want, MSG_DONTWAIT);
			if (n > 0) {
				if (conn_process(c, t->scratch, (size_t)n))
					return;
				if (hup)
					continue;
				/* a full read may have left more; a body to discard is likely there */
				if (!c->icount || ((size_t)n < want && !(c->in_body && t->discard &&
									 c->body_left >= RUN_DISCARD_MIN)))
					return;
				continue;
			}
		}
		if (n == 0) {
			conn_eof(c);
			return;
		}
		switch (errno) {
		case EAGAIN:
			return;
		case EINTR:
			continue;
		default:
			conn_read_err(c, errno);
			return;
		}
	}
}

static int conn_flush(struct run_conn *c)
{
	while (c->txoff < c->txlen) {
		ssize_t n;
		if (c->ssl) {
			int r = SSL_write(c->ssl, c->tx + c->txoff, (int)(c->txlen - c->txoff));
			if (r <= 0) {
				switch (SSL_get_error(c->ssl, r)) {
				case SSL_ERROR_WANT_WRITE:
					return 0;
				case SSL_ERROR_WANT_READ:
					return 0;
				case SSL_ERROR_SYSCALL:
					if (errno == ECONNRESET || errno == EPIPE) {
						ERR_clear_error();
						load_conn_fail(c, LE_RESET, "connection reset on write");
						return -1;
					}
					/* fall through */
				default:
					ERR_clear_error();
					load_conn_fail(c, LE_WRITE, "TLS write failed");
					return -1;
				}
			}
			n = r;
		} else {
			n = raw_send(c->fd, c->tx + c->txoff, c->txlen - c->txoff,
				     MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0) {
				switch (errno) {
				case EINTR:
					continue;
				case EAGAIN:
					return 0; /* the EPOLLOUT edge resumes it */
				case ECONNRESET:
				case EPIPE:
					load_conn_fail(c, LE_RESET, "connection reset on write");
					return -1;
				default:
					load_conn_fail(c, LE_WRITE, "write failed: %s", strerror(errno));
					return -1;
				}
			}
		}
		c->txoff += (uint32_t)n;
	}
	c->txoff = c->txlen = 0;
	return 0;
}

void load_conn_recycle(struct run_conn *c, bool backoff)
{
	struct run_thread *t = c->t;

	if (c->ssl) {
		/* no close_notify (the server sees the close either way), but marked
		 * shut down so OpenSSL keeps the session resumable */
		SSL_set_shutdown(c->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->gen++;
	c->state = C_DOWN;
	c->txlen = c->txoff = 0;
	c->in_body = false;
	c->hlen = 0;
	c->resp_bytes = 0;
	c->retry_at = backoff ? t->now + RUN_RETRY_NS : 0;
	if (backoff)
		return; /* the tick reconnects it */
	if (t->open)
		load_conn_ring_offer(t, c);
	else
		load_conn_fill(c);
}

void load_conn_event(struct run_conn *c, uint32_t ev)
{
	switch (c->state) {
	case C_CONNECTING: {
		int err = 0;
		socklen_t l = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err)
			load_conn_fail(c, LE_CONNECT, "connect: %s", strerror(err));
		else
			conn_connected(c);
		return;
	}
	case C_HANDSHAKE:
		conn_handshake(c);
		return;
	case C_READY:
		if (ev & EPOLLOUT && c->txoff < c->txlen && conn_flush(c))
			return;
		if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
			conn_read(c, ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR));
		return;
	}
}
