/*
 * load_run: one thread per CPU of --cpus, pinned, each with its own
 * connections and its own epoll loop; nothing is shared on the hot path and
 * nothing is allocated per request (requests are pre-rendered, responses
 * parsed in place, bodies counted, and discarded by the kernel unless
 * they must be read).
 *
 * Closed mode: each connection sends its next request when an answer
 * completes. Open mode: each thread has its share of --rate as a sequence
 * of intended send times (constant spacing or Poisson); a due request goes
 * to the next connection with room, and when every connection is busy it
 * waits, its latency still counted from its intended time. The queue is
 * implicit: the due requests are the schedule's times <= now not yet sent,
 * so it can never overflow.
 *
 * The window: warm-up (not counted), the measured window, then a drain in
 * which nothing new is sent and the requests in flight complete or time
 * out (so a stall at the window's end is measured, not dropped). A request
 * counts when its intended send time falls in the window.
 *
 * Why epoll and not io_uring: docs/load.md (scripts/load-loopcmp measures
 * both on a minimal closed loop).
 */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "load.h"
#include "load_http.h"
#include "load_tls.h"

#define RUN_SCRATCH	(256 * 1024) /* one read's buffer per thread: a 64 KiB body in one read */
#define RUN_HEAD_READ	4096	     /* discard mode: the first read of a response, head and a bit */
#define RUN_DISCARD_MIN 2048	     /* body left above which the kernel discards (recv MSG_TRUNC) */
#define RUN_TICK_NS	10000000ull  /* timeouts and reconnects checked every 10 ms */
#define RUN_RETRY_NS	10000000ull  /* a connection that failed waits 10 ms before reconnecting */
#define RUN_EVENTS	512

enum { C_DOWN, C_CONNECTING, C_HANDSHAKE, C_READY };

struct run_inf {
	uint64_t intended, sent;
	uint32_t req;
};

struct run_conn {
	struct run_thread *t;
	int fd, state;
	SSL *ssl;
	uint64_t started;  /* connect started, for its timeout */
	uint64_t retry_at; /* after a failure, not before */
	uint32_t reqs_left;
	unsigned gen; /* bumped when the connection is recycled */
	bool in_ring;
	struct run_inf inf[LOAD_MAX_PIPELINE];
	unsigned ihead, icount;
	char *tx;
	uint32_t txlen, txoff, txcap;
	/* the response being read */
	bool in_body, bad_body, resp_close;
	int status;
	uint64_t body_left, resp_bytes;
	uint32_t hlen;
	char *head; /* a head split over reads is gathered here */
	XXH3_state_t *xx;
};

struct run_shared {
	const struct load_cfg *cfg;
	const struct load_work *w;
	SSL_CTX *ctx;
	pthread_barrier_t ready, go;
	uint64_t t0, ws, we; /* start, window start, window end (UINT64_MAX with --requests) */
	int nthreads;
	bool abort; /* set before the go barrier when a thread could not start */
};

struct run_thread {
	struct run_shared *sh;
	const struct load_cfg *cfg;
	const struct load_work *w;
	int id, cpu, ep, nconns;
	struct run_conn *conns;
	char *scratch;
	uint64_t rng, ws, we, now;
	bool discard, open, stopping;
	unsigned inflight;
	/* open mode: the schedule */
	uint64_t next_arrival;
	double gap_ns;
	uint64_t arrivals_left, submits_left; /* --requests: this thread's share */
	struct run_conn **ring;
	unsigned rhead, rcount;
	uint64_t next_tick, next_sec, end;
	SSL_SESSION *sess;
	char tls_version[32], tls_cipher[80];
	struct load_stats st;
	struct load_tick ticks[4];
	_Atomic int published; /* seconds whose tick is complete */
	_Atomic bool finished;
	int rc;
	char first_err[LE_COUNT][200];
	pthread_t th;
};

static int run_ssl_idx = -1;

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void conn_recycle(struct run_conn *c, bool backoff);
static int conn_flush(struct run_conn *c);

static inline bool counted(const struct run_thread *t, uint64_t intended)
{
	return intended >= t->ws && intended < t->we;
}

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

static inline struct load_tick *cur_tick(struct run_thread *t)
{
	return &t->ticks[atomic_load_explicit(&t->published, memory_order_relaxed) % 4];
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

static void ring_offer(struct run_thread *t, struct run_conn *c)
{
	if (!t->open || c->in_ring || !conn_has_room(t, c))
		return;
	t->ring[(t->rhead + t->rcount++) % (unsigned)t->nconns] = c;
	c->in_ring = true;
}

/* the next connection with room, round robin; NULL when all are busy */
static struct run_conn *ring_take(struct run_thread *t)
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
__attribute__((format(printf, 3, 4))) static void conn_fail(struct run_conn *c, enum load_err k,
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
	conn_recycle(c, true);
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
		conn_fail(c, LE_CONNECT, "TLS handshake failed: %s", e);
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
		conn_fail(c, LE_CONNECT, "SSL_new failed");
		return;
	}
	SSL_set_ex_data(c->ssl, run_ssl_idx, t);
	SSL_set_tlsext_host_name(c->ssl, t->w->host);
	if (t->sess)
		SSL_set_session(c->ssl, t->sess);
	c->state = C_HANDSHAKE;
	conn_handshake(c);
}

static void conn_connect(struct run_conn *c)
{
	struct run_thread *t = c->t;
	int one = 1;

	c->fd = socket(t->w->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		conn_fail(c, LE_CONNECT, "socket: %s", strerror(errno));
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
		conn_fail(c, LE_CONNECT, "connect: %s", strerror(errno));
		return;
	}
	c->state = C_CONNECTING;
}

/* queue one request on c (connecting first when it is down) */
static void conn_submit(struct run_conn *c, uint64_t intended)
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
		conn_connect(c); /* picks the connection's request budget */
		if (c->state != C_DOWN)
			c->reqs_left--;
		return;
	}
	c->reqs_left--;
	if (c->state == C_READY)
		conn_flush(c);
}

/* closed mode: fill c up to the pipeline depth */
static void conn_fill(struct run_conn *c)
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
		conn_submit(c, t->now);
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
			conn_fail(c, LE_CLOSED, "the server said Connection: close with requests in flight");
			return -1;
		}
		conn_recycle(c, false);
		return -1;
	}
	unsigned gen = c->gen;
	if (t->open)
		ring_offer(t, c);
	else
		conn_fill(c);
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
			conn_fail(c, LE_PARSE, "%zu bytes with no request outstanding", n);
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
				conn_fail(c, LE_PARSE, "%s", load_http_strerror(r));
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
		conn_recycle(c, false); /* an idle keep-alive connection closed: not an error */
		return;
	}
	if (c->resp_bytes || c->hlen)
		conn_fail(c, LE_CLOSED, "the server closed mid-response (%llu bytes of it read)",
			  (unsigned long long)(c->resp_bytes + c->hlen));
	else
		conn_fail(c, LE_CLOSED, "the server closed before answering");
}

static void conn_read_err(struct run_conn *c, int err)
{
	if (err == ECONNRESET || err == EPIPE)
		conn_fail(c, LE_RESET, "connection reset (%llu bytes of the response read)",
			  (unsigned long long)(c->resp_bytes + c->hlen));
	else
		conn_fail(c, LE_READ, "read failed: %s", strerror(err));
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
			conn_fail(c, LE_READ, "TLS read failed: %s", e);
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
			n = recv(c->fd, NULL, want, MSG_TRUNC | MSG_DONTWAIT);
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
			n = recv(c->fd, t->scratch, want, MSG_DONTWAIT);
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
						conn_fail(c, LE_RESET, "connection reset on write");
						return -1;
					}
					/* fall through */
				default:
					ERR_clear_error();
					conn_fail(c, LE_WRITE, "TLS write failed");
					return -1;
				}
			}
			n = r;
		} else {
			n = send(c->fd, c->tx + c->txoff, c->txlen - c->txoff, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0) {
				switch (errno) {
				case EINTR:
					continue;
				case EAGAIN:
					return 0; /* the EPOLLOUT edge resumes it */
				case ECONNRESET:
				case EPIPE:
					conn_fail(c, LE_RESET, "connection reset on write");
					return -1;
				default:
					conn_fail(c, LE_WRITE, "write failed: %s", strerror(errno));
					return -1;
				}
			}
		}
		c->txoff += (uint32_t)n;
	}
	c->txoff = c->txlen = 0;
	return 0;
}

static void conn_recycle(struct run_conn *c, bool backoff)
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
		ring_offer(t, c);
	else
		conn_fill(c);
}

static void conn_event(struct run_conn *c, uint32_t ev)
{
	switch (c->state) {
	case C_CONNECTING: {
		int err = 0;
		socklen_t l = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err)
			conn_fail(c, LE_CONNECT, "connect: %s", strerror(err));
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

/* every 10 ms: requests past --timeout fail, failed connections reconnect */
static void run_tick(struct run_thread *t)
{
	uint64_t limit = (uint64_t)(t->cfg->timeout_s * 1e9);

	for (int i = 0; i < t->nconns; i++) {
		struct run_conn *c = &t->conns[i];
		if (c->icount && t->now - c->inf[c->ihead].sent > limit) {
			conn_fail(c, LE_TIMEOUT, "no complete response within %g s", t->cfg->timeout_s);
		} else if ((c->state == C_CONNECTING || c->state == C_HANDSHAKE) &&
			   t->now - c->started > limit) {
			conn_fail(c, LE_CONNECT, "connect or handshake took longer than %g s",
				  t->cfg->timeout_s);
		} else if (c->state == C_DOWN && c->retry_at && c->retry_at <= t->now) {
			c->retry_at = 0;
			if (t->open)
				ring_offer(t, c);
			else if (!t->stopping)
				conn_fill(c);
		}
	}
}

/* open mode: the next intended send time */
static void sched_advance(struct run_thread *t)
{
	double gap = t->gap_ns;

	if (t->cfg->arrivals == LOAD_POISSON) {
		double u = ((double)(load_rng_next(&t->rng) >> 11) + 0.5) / 9007199254740992.0;
		gap = -log(u) * t->gap_ns;
	}
	t->next_arrival += (uint64_t)gap;
}

static void sched_dispatch(struct run_thread *t)
{
	while (t->next_arrival <= t->now && !t->stopping) {
		bool mine = t->cfg->requests && t->next_arrival >= t->ws;
		if (mine && !t->arrivals_left) {
			t->next_arrival = UINT64_MAX; /* --requests: this thread's share is out */
			return;
		}
		struct run_conn *c = ring_take(t);
		if (!c)
			return; /* every connection busy: the due requests wait */
		if (mine)
			t->arrivals_left--;
		if (counted(t, t->next_arrival))
			t->st.arrivals++;
		conn_submit(c, t->next_arrival);
		ring_offer(t, c);
		sched_advance(t);
	}
}

/* --interval: close second k's tick */
static void tick_publish(struct run_thread *t)
{
	int k = atomic_load_explicit(&t->published, memory_order_relaxed);
	struct load_tick *n = &t->ticks[(k + 1) % 4];

	n->requests = n->errors = n->bytes = 0;
	load_hist_reset(&n->lat);
	atomic_store_explicit(&t->published, k + 1, memory_order_release);
	t->next_sec += 1000000000ull;
}

static bool run_done(struct run_thread *t)
{
	if (!t->stopping)
		return false;
	if (!t->inflight)
		return true;
	/* after the window, wait at most --timeout (every request then has timed out) */
	return t->we != UINT64_MAX && t->now >= t->we + (uint64_t)(t->cfg->timeout_s * 1e9) + RUN_TICK_NS;
}

static void run_loop(struct run_thread *t, uint64_t until)
{
	struct epoll_event evs[RUN_EVENTS];

	for (;;) {
		t->now = now_ns();
		if (until) {
			/* connecting before the start */
			bool all = true;
			for (int i = 0; i < t->nconns; i++)
				all &= t->conns[i].state == C_READY || t->conns[i].retry_at;
			if (all || t->now >= until)
				return;
		} else {
			if (!t->stopping && t->now >= t->we) {
				t->stopping = true;
				/* due in the window, never sent: the client fell behind */
				while (t->open && t->next_arrival < t->we) {
					if (t->next_arrival >= t->ws) {
						t->st.arrivals++;
						t->st.unsent++;
					}
					sched_advance(t);
				}
			}
			if (t->cfg->requests && !t->stopping && t->now >= t->ws && !t->inflight &&
			    (t->open ? t->next_arrival == UINT64_MAX : !t->submits_left)) {
				t->we = t->now;
				t->stopping = true;
			}
			while (t->now >= t->next_sec && t->next_sec <= t->we)
				tick_publish(t);
			if (run_done(t))
				return;
			if (t->open)
				sched_dispatch(t);
		}
		if (t->now >= t->next_tick) {
			run_tick(t);
			t->next_tick = t->now + RUN_TICK_NS;
		}
		uint64_t wake = t->next_tick;
		if (!until) {
			if (t->open && !t->stopping && t->rcount && t->next_arrival < wake)
				wake = t->next_arrival;
			if (!t->stopping && t->we < wake)
				wake = t->we;
			if (t->next_sec < wake && t->next_sec > t->now)
				wake = t->next_sec;
		}
		uint64_t d = wake > t->now ? wake - t->now : 0;
		struct timespec ts = {.tv_sec = (time_t)(d / 1000000000ull),
				      .tv_nsec = (long)(d % 1000000000ull)};
		int n = epoll_pwait2(t->ep, evs, RUN_EVENTS, &ts, NULL);
		if (n > 0)
			t->now = now_ns();
		for (int i = 0; i < n; i++)
			conn_event(evs[i].data.ptr, evs[i].events);
	}
}

static int new_session(SSL *ssl, SSL_SESSION *s)
{
	struct run_thread *t = SSL_get_ex_data(ssl, run_ssl_idx);

	if (!t)
		return 0;
	if (t->sess)
		SSL_SESSION_free(t->sess);
	t->sess = s;
	return 1; /* we keep the reference */
}

static int thread_setup(struct run_thread *t)
{
	const struct load_cfg *cfg = t->cfg;
	uint32_t maxreq = 0;

	t->ep = epoll_create1(EPOLL_CLOEXEC);
	t->conns = calloc((size_t)t->nconns, sizeof(*t->conns));
	t->ring = calloc((size_t)t->nconns, sizeof(*t->ring));
	t->scratch = malloc(RUN_SCRATCH);
	if (t->ep < 0 || !t->conns || !t->ring || !t->scratch)
		return -ENOMEM;
	for (size_t i = 0; i < t->w->nreqs; i++)
		if (t->w->reqs[i].len > maxreq)
			maxreq = t->w->reqs[i].len;
	for (int i = 0; i < t->nconns; i++) {
		struct run_conn *c = &t->conns[i];
		c->t = t;
		c->fd = -1;
		c->txcap = maxreq * (uint32_t)cfg->pipeline * 2;
		c->tx = malloc(c->txcap);
		c->head = malloc(LOAD_HTTP_HEAD_MAX);
		if (cfg->verify_dir)
			c->xx = XXH3_createState();
		if (!c->tx || !c->head || (cfg->verify_dir && !c->xx))
			return -ENOMEM;
	}
	load_hist_reset(&t->st.lat);
	load_hist_reset(&t->st.raw);
	load_hist_reset(&t->st.lag);
	for (int i = 0; i < 4; i++)
		load_hist_reset(&t->ticks[i].lat);
	return 0;
}

static void thread_free(struct run_thread *t)
{
	for (int i = 0; t->conns && i < t->nconns; i++) {
		struct run_conn *c = &t->conns[i];
		if (c->ssl)
			SSL_free(c->ssl);
		if (c->fd >= 0)
			close(c->fd);
		free(c->tx);
		free(c->head);
		XXH3_freeState(c->xx);
	}
	free(t->conns);
	free(t->ring);
	free(t->scratch);
	if (t->sess)
		SSL_SESSION_free(t->sess);
	if (t->ep >= 0)
		close(t->ep);
}

static void *thread_main(void *arg)
{
	struct run_thread *t = arg;
	struct run_shared *sh = t->sh;
	const struct load_cfg *cfg = t->cfg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		t->rc = -EINVAL;
	/* wake on time: the default 50 us slack would show as latency in open mode */
	prctl(PR_SET_TIMERSLACK, 1000UL);
	if (!t->rc)
		t->rc = thread_setup(t);
	t->ws = t->we = UINT64_MAX;
	t->now = now_ns();
	/* keep-alive connections are made before the start; one-request
	 * connections are made per request, their connect timed */
	if (!t->rc && !cfg->conn_close) {
		for (int i = 0; i < t->nconns; i++)
			conn_connect(&t->conns[i]);
		run_loop(t, t->now + (uint64_t)(cfg->timeout_s * 1e9));
	}
	pthread_barrier_wait(&sh->ready);
	pthread_barrier_wait(&sh->go);
	if (t->rc || sh->abort)
		return NULL;
	t->ws = sh->ws;
	t->we = sh->we;
	t->next_sec = t->ws + 1000000000ull;
	t->next_tick = 0;
	t->open = cfg->mode == LOAD_OPEN;
	struct timespec ts = {.tv_sec = (time_t)(sh->t0 / 1000000000ull),
			      .tv_nsec = (long)(sh->t0 % 1000000000ull)};
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	t->now = now_ns();
	for (int i = 0; i < t->nconns; i++)
		t->conns[i].retry_at = 0;
	if (t->open) {
		t->gap_ns = 1e9 * sh->nthreads / cfg->rate;
		/* threads' uniform schedules interleave instead of coinciding */
		t->next_arrival = sh->t0 + (uint64_t)(t->gap_ns * t->id / sh->nthreads);
		if (cfg->arrivals == LOAD_POISSON)
			sched_advance(t);
		for (int i = 0; i < t->nconns; i++)
			ring_offer(t, &t->conns[i]);
	} else {
		for (int i = 0; i < t->nconns; i++)
			conn_fill(&t->conns[i]);
	}
	run_loop(t, 0);
	t->end = t->now;
	if (t->we == UINT64_MAX)
		t->we = t->now;
	atomic_store_explicit(&t->finished, true, memory_order_release);
	return NULL;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* --interval: print each second as the threads close it */
static void run_intervals(struct run_shared *sh, struct run_thread *th, int n, uint64_t we)
{
	struct load_tick sum;

	for (int k = 1;; k++) {
		uint64_t at = sh->ws + (uint64_t)k * 1000000000ull;
		if (we != UINT64_MAX && at > we)
			return;
		struct timespec ts = {.tv_sec = (time_t)(at / 1000000000ull),
				      .tv_nsec = (long)(at % 1000000000ull)};
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		memset(&sum, 0, offsetof(struct load_tick, lat));
		load_hist_reset(&sum.lat);
		int done = 0;
		for (int i = 0; i < n; i++) {
			/* bounded: a thread closes its second within a tick or so */
			for (int w = 0;
			     w < 200 && atomic_load_explicit(&th[i].published, memory_order_acquire) < k &&
			     !atomic_load_explicit(&th[i].finished, memory_order_acquire);
			     w++)
				usleep(5000);
			if (atomic_load_explicit(&th[i].published, memory_order_acquire) < k) {
				done++;
				continue;
			}
			struct load_tick *tk = &th[i].ticks[(k - 1) % 4];
			sum.requests += tk->requests;
			sum.errors += tk->errors;
			sum.bytes += tk->bytes;
			load_hist_merge(&sum.lat, &tk->lat);
		}
		if (done == n)
			return;
		load_out_tick(sh->cfg, k, &sum);
	}
}

int load_run(const struct load_cfg *cfg, const struct load_work *w, struct load_result *r)
{
	struct run_shared sh = {.cfg = cfg, .w = w, .nthreads = cfg->ncpus};
	struct run_thread *th = NULL;
	struct rusage ru0, ru1;
	int rc = 0, n = cfg->ncpus;

	memset(r, 0, sizeof(*r));
	if (w->tls) {
		if (run_ssl_idx < 0)
			run_ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
		if (!(sh.ctx = load_tls_ctx(cfg, new_session)))
			return -EINVAL;
	}
	th = calloc((size_t)n, sizeof(*th));
	if (!th) {
		rc = -ENOMEM;
		goto cleanup;
	}
	pthread_barrier_init(&sh.ready, NULL, (unsigned)n + 1);
	pthread_barrier_init(&sh.go, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++) {
		struct run_thread *t = &th[i];
		t->sh = &sh;
		t->cfg = cfg;
		t->w = w;
		t->id = i;
		t->cpu = cfg->cpus[i];
		t->ep = -1;
		t->nconns = cfg->connections / n + (i < cfg->connections % n);
		t->rng = load_rng_next(&(uint64_t){cfg->seed * 1000003 + (uint64_t)i});
		t->discard = !cfg->copy && !cfg->verify_dir && !w->tls;
		if (cfg->requests) {
			uint64_t share =
				cfg->requests / (uint64_t)n + ((uint64_t)i < cfg->requests % (uint64_t)n);
			t->arrivals_left = t->submits_left = share;
		}
		if (pthread_create(&t->th, NULL, thread_main, t)) {
			fprintf(stderr, LOAD_PROG ": cannot start thread %d\n", i);
			exit(LOAD_EXIT_FAIL); /* the others wait on a barrier this one never reaches */
		}
	}
	pthread_barrier_wait(&sh.ready);
	for (int i = 0; i < n; i++) {
		if (th[i].rc == -EINVAL) {
			fprintf(stderr, LOAD_PROG ": --cpus: cannot pin a thread to CPU %d\n", th[i].cpu);
			rc = -EINVAL;
		} else if (th[i].rc) {
			fprintf(stderr, LOAD_PROG ": out of memory for %d connections\n", th[i].nconns);
			rc = th[i].rc;
		}
	}
	sh.abort = rc != 0;
	/* start a little later, so every thread is asleep at the line */
	sh.t0 = now_ns() + 5000000ull;
	sh.ws = sh.t0 + (uint64_t)(cfg->warmup_s * 1e9);
	sh.we = cfg->requests ? UINT64_MAX : sh.ws + (uint64_t)(cfg->duration_s * 1e9);
	pthread_barrier_wait(&sh.go);
	struct timespec ts = {.tv_sec = (time_t)(sh.ws / 1000000000ull),
			      .tv_nsec = (long)(sh.ws % 1000000000ull)};
	if (!rc)
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	getrusage(RUSAGE_SELF, &ru0);
	if (cfg->interval && !rc)
		run_intervals(&sh, th, n, sh.we);
	uint64_t end = 0, we = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i].th, NULL);
		if (th[i].end > end)
			end = th[i].end;
		if (th[i].we != UINT64_MAX && th[i].we > we)
			we = th[i].we;
	}
	getrusage(RUSAGE_SELF, &ru1);
	if (rc)
		goto cleanup;
	r->threads = n;
	load_hist_reset(&r->s.lat);
	load_hist_reset(&r->s.raw);
	load_hist_reset(&r->s.lag);
	for (int i = 0; i < n; i++) {
		struct load_stats *s = &th[i].st;
		r->s.requests += s->requests;
		r->s.in_window += s->in_window;
		r->s.arrivals += s->arrivals;
		r->s.sent += s->sent;
		r->s.unsent += s->unsent;
		r->s.bytes += s->bytes;
		r->s.body_bytes += s->body_bytes;
		r->s.connects += s->connects;
		r->s.handshakes += s->handshakes;
		r->s.resumed += s->resumed;
		for (int k = 0; k < LE_COUNT; k++) {
			r->s.errors[k] += s->errors[k];
			if (!r->first_err[k][0] && th[i].first_err[k][0])
				memcpy(r->first_err[k], th[i].first_err[k], sizeof(r->first_err[k]));
		}
		load_hist_merge(&r->s.lat, &s->lat);
		load_hist_merge(&r->s.raw, &s->raw);
		load_hist_merge(&r->s.lag, &s->lag);
		if (!r->tls_version[0] && th[i].tls_version[0]) {
			memcpy(r->tls_version, th[i].tls_version, sizeof(r->tls_version));
			memcpy(r->tls_cipher, th[i].tls_cipher, sizeof(r->tls_cipher));
		}
	}
	r->window_s = (double)(we - sh.ws) / 1e9;
	r->drain_s = end > we ? (double)(end - we) / 1e9 : 0;
	r->achieved_rps = r->window_s > 0 ? (double)r->s.in_window / r->window_s : 0;
	if (cfg->mode == LOAD_OPEN) {
		/* what the schedule offered in the window (Poisson arrivals vary
		 * around --rate); kept when 98% of it was answered in the window */
		r->offered_rps = r->window_s > 0 ? (double)r->s.arrivals / r->window_s : 0;
		r->rate_kept = r->s.in_window >= 0.98 * (double)r->s.arrivals;
	}
	r->cpu_user_s = tv_s(ru1.ru_utime) - tv_s(ru0.ru_utime);
	r->cpu_sys_s = tv_s(ru1.ru_stime) - tv_s(ru0.ru_stime);
cleanup:
	for (int i = 0; th && i < n; i++)
		thread_free(&th[i]);
	free(th);
	SSL_CTX_free(sh.ctx);
	return rc;
}
