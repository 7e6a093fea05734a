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
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "load.h"
#include "load_http.h"
#include "load_run.h"
#include "load_tls.h"

/* every 10 ms: requests past --timeout fail, failed connections reconnect */
static void run_tick(struct run_thread *t)
{
	uint64_t limit = (uint64_t)(t->cfg->timeout_s * 1e9);

	for (int i = 0; i < t->nconns; i++) {
		struct run_conn *c = &t->conns[i];
		if (c->icount && t->now - c->inf[c->ihead].sent > limit) {
			load_conn_fail(c, LE_TIMEOUT, "no complete response within %g s", t->cfg->timeout_s);
		} else if ((c->state == C_CONNECTING || c->state == C_HANDSHAKE) &&
			   t->now - c->started > limit) {
			load_conn_fail(c, LE_CONNECT, "connect or handshake took longer than %g s",
				       t->cfg->timeout_s);
		} else if (c->state == C_DOWN && c->retry_at && c->retry_at <= t->now) {
			c->retry_at = 0;
			if (t->open)
				load_conn_ring_offer(t, c);
			else if (!t->stopping)
				load_conn_fill(c);
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
		struct run_conn *c = load_conn_ring_take(t);
		if (!c)
			return; /* every connection busy: the due requests wait */
		if (mine)
			t->arrivals_left--;
		if (counted(t, t->next_arrival))
			t->st.arrivals++;
		load_conn_submit(c, t->next_arrival);
		load_conn_ring_offer(t, c);
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
				/* --requests: the window's end is only the time limit */
				t->hit_limit = t->cfg->requests != 0;
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
			load_conn_event(evs[i].data.ptr, evs[i].events);
	}
}

static int new_session(SSL *ssl, SSL_SESSION *s)
{
	struct run_thread *t = SSL_get_ex_data(ssl, load_run_ssl_idx);

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
			load_conn_connect(&t->conns[i]);
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
			load_conn_ring_offer(t, &t->conns[i]);
	} else {
		for (int i = 0; i < t->nconns; i++)
			load_conn_fill(&t->conns[i]);
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
		if (load_run_ssl_idx < 0)
			load_run_ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
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
	/* --requests: each thread ends the window when its share is answered,
	 * and at the time limit at the latest (a stalled server, a huge file) */
	sh.we = sh.ws + (uint64_t)((cfg->requests ? cfg->time_limit_s : cfg->duration_s) * 1e9);
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
		r->time_limit_hit |= th[i].hit_limit;
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
