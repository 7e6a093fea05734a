/* ev_uring: one io_uring per thread.
 *
 * Every connection has at most one recv and one send chain in flight; the
 * loop queues what each completion calls for and one io_uring_enter per
 * turn submits it all and waits for the next completions, so at load one
 * syscall serves many connections. The listener has one multishot accept,
 * the wake-up eventfd one read.
 *
 * Ring set-up: SINGLE_ISSUER | DEFER_TASKRUN (completion work runs only
 * when this thread enters to wait, in one batch, and never interrupts it);
 * with --sqpoll, a kernel thread submits instead and the loop spins briefly
 * on the completion queue before it enters to wait. A connection's own
 * steps are ev_uring_conn.c; its sends, the send path's file. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "ev.h"
#include "ev_uring.h"
#include "srv.h"
#include "tx.h"

#define UR_SQ	   256
#define UR_CQ	   4096 /* multishot accept and many connections' completions */
#define UR_BATCH   256
#define UR_SPIN_NS 200000 /* --sqpoll: how long to watch the CQ before entering to wait */
/* IORING_FEAT_MIN_TIMEOUT (Linux 6.13), newer than liburing 2.3's header */
#define UR_FEAT_MIN_TIMEOUT (1U << 15)
/* How long a wait may hold out for more completions than the first. 50 us
 * is about a loopback client's turn-around (response read, next request
 * written) measured here with wrk at 1 connection; see scripts/bench-uring. */
#define UR_MIN_WAIT_US 50

static int ur_flags(int sqpoll)
{
	int f = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
	const char *tune = getenv("WIRELAB_URING_TUNE");

	/* WIRELAB_URING_TUNE=nodefer: measure what SINGLE_ISSUER|DEFER_TASKRUN buy */
	if (tune && strstr(tune, "nodefer"))
		return f | (sqpoll ? IORING_SETUP_SQPOLL : 0);
	if (sqpoll)
		return f | IORING_SETUP_SQPOLL | IORING_SETUP_SINGLE_ISSUER;
	return f | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
}

static void why(int err, char *msg, size_t msglen, const char *what)
{
	char dis[16] = "?";
	FILE *f;

	switch (err) {
	case EPERM:
	case EACCES:
		f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
		if (f) {
			if (!fgets(dis, sizeof(dis), f))
				strcpy(dis, "?");
			dis[strcspn(dis, "\n")] = '\0';
			fclose(f);
		}
		snprintf(msg, msglen, "%s: %s (kernel.io_uring_disabled=%s, or a seccomp filter)", what,
			 strerror(err), dis);
		break;
	case ENOSYS:
		snprintf(msg, msglen, "%s: %s (a kernel without io_uring, or a seccomp filter)", what,
			 strerror(err));
		break;
	case EINVAL:
		snprintf(msg, msglen, "%s: %s (kernel too old for the flags used; needs Linux >= 6.1)", what,
			 strerror(err));
		break;
	default:
		snprintf(msg, msglen, "%s: %s", what, strerror(err));
	}
}

/* The CPUs a thread's io-wq workers may run on: its own. io-wq runs every
 * splice of the sendfile path and whatever else cannot complete inline; a
 * worker left to the scheduler could run on the client's CPU and hand the
 * server CPU time nobody counts against it. (Only a subset of the loop
 * thread's own affinity takes: the kernel intersects the affinity it sets
 * on a new worker with the user mask the worker inherits from the thread,
 * so the thread's spare CPUs of --cpus cannot be given to its workers.) */
static void iowq_cpus(const struct worker *w, cpu_set_t *set)
{
	CPU_ZERO(set);
	CPU_SET(w->cpu, set);
}

/* At start-up: the kernel takes IORING_REGISTER_IOWQ_AFF (Linux 5.14),
 * tried on the probe ring with this thread's own mask, so a kernel that
 * refuses it stops the server here instead of leaving workers unpinned. */
static int iowq_check(struct io_uring *ring, char *msg, size_t msglen)
{
	cpu_set_t set;
	int r;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 0; /* nothing to hold it against; the threads register their own */
	r = io_uring_register_iowq_aff(ring, sizeof(set), &set);
	if (r < 0)
		snprintf(msg, msglen,
			 "IORING_REGISTER_IOWQ_AFF: %s (needs Linux >= 5.14; io-wq workers must run on "
			 "the server's CPUs)",
			 strerror(-r));
	return r;
}

/* Really set up a ring with the flags the loop uses and check the
 * operations it submits, so a kernel that lacks one refuses at start-up
 * instead of failing connections later. */
int ev_init(char *msg, size_t msglen)
{
	static const int ops[] = {IORING_OP_ACCEPT,	  IORING_OP_RECV,    IORING_OP_SEND,
				  IORING_OP_SENDMSG,	  IORING_OP_SPLICE,  IORING_OP_READ,
				  IORING_OP_ASYNC_CANCEL, IORING_OP_POLL_ADD};
	struct io_uring_params p = {.flags = (unsigned)ur_flags(srv_cfg.sqpoll), .cq_entries = UR_CQ};
	struct io_uring_probe *probe = NULL;
	struct io_uring ring;
	size_t i;
	int r;

	r = io_uring_queue_init_params(8, &ring, &p);
	if (r < 0) {
		why(-r, msg, msglen, "io_uring_setup");
		return r;
	}
	r = 0;
	if (!(p.features & IORING_FEAT_EXT_ARG) || !(p.features & IORING_FEAT_FAST_POLL)) {
		snprintf(msg, msglen, "io_uring lacks EXT_ARG or FAST_POLL (needs Linux >= 5.11)");
		r = -EOPNOTSUPP;
		goto cleanup;
	}
	probe = io_uring_get_probe_ring(&ring);
	if (!probe) {
		snprintf(msg, msglen, "io_uring_register(PROBE) failed");
		r = -EOPNOTSUPP;
		goto cleanup;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!io_uring_opcode_supported(probe, ops[i])) {
			snprintf(msg, msglen, "io_uring opcode %d unsupported by this kernel", ops[i]);
			r = -EOPNOTSUPP;
			goto cleanup;
		}
	}
	r = iowq_check(&ring, msg, msglen);
	if (r == 0)
		r = ur_send_check(probe, msg, msglen);
	if (r == 0)
		r = ur_tx_init(msg, msglen);
cleanup:
	if (probe)
		io_uring_free_probe(probe);
	io_uring_queue_exit(&ring);
	return r;
}

void ev_free(void)
{
	ur_tx_free();
}

const char *ev_describe_loop(void)
{
	static char d[512];

	snprintf(d, sizeof(d),
		 "uring (io_uring via liburing, one ring per thread; multishot accept, "
		 "SINGLE_ISSUER|DEFER_TASKRUN; io-wq workers pinned to their thread's CPU "
		 "(IORING_REGISTER_IOWQ_AFF); "
		 "--sqpoll for a submission thread%s)",
		 ur_tx_note());
	return d;
}

const char *ev_describe_start(void)
{
	static char d[32 + 8 * SRV_MAX_THREADS];
	size_t k = (size_t)snprintf(d, sizeof(d), " io-wq cpus");

	/* each thread's workers on its CPU, as the "cpus" list before it */
	for (int i = 0; i < srv_cfg.threads && i < srv_cfg.ncpus && k < sizeof(d); i++)
		k += (size_t)snprintf(d + k, sizeof(d) - k, "%s%d", i ? "," : " ", srv_cfg.cpus[i]);
	return d;
}

struct io_uring_sqe *ur_sqe(struct ur *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	while (!sqe) {
		io_uring_submit(&u->ring);
		sqe = io_uring_get_sqe(&u->ring);
	}
	return sqe;
}

/* ---- accepting ---------------------------------------------------------- */

static void arm_accept(struct ur *u, struct worker *w)
{
	struct io_uring_sqe *sqe = ur_sqe(u);

	io_uring_prep_multishot_accept(sqe, w->lfd, NULL, NULL, SOCK_CLOEXEC | ur_tx_accept_flags());
	io_uring_sqe_set_data64(sqe, UR_TAG_ACCEPT);
}

static void on_accept(struct worker *w, struct ur *u, int res, unsigned flags, int stop)
{
	if (!(flags & IORING_CQE_F_MORE) && !stop)
		arm_accept(u, w);
	if (res >= 0) {
		ur_new_conn(w, u, res);
		return;
	}
	switch (-res) {
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
	case ENOMEM:
		srv_shed_one(w);
		break;
	default: /* ECONNABORTED, EINTR, EAGAIN: the next one will come */
		break;
	}
}

/* ---- the loop ----------------------------------------------------------- */

static void arm_wake(struct ur *u, struct worker *w)
{
	struct io_uring_sqe *sqe = ur_sqe(u);

	io_uring_prep_read(sqe, w->wake_fd, &u->wake_val, sizeof(u->wake_val), 0);
	io_uring_sqe_set_data64(sqe, UR_TAG_WAKE);
}

static void on_cqe(struct worker *w, struct ur *u, const struct io_uring_cqe *cqe, int *stop)
{
	uint64_t ud = io_uring_cqe_get_data64(cqe);
	struct conn *c;
	int op;

	switch (ud) {
	case 0:
		return; /* a cancel's own completion */
	case UR_TAG_ACCEPT:
		on_accept(w, u, cqe->res, cqe->flags, *stop);
		return;
	case UR_TAG_WAKE:
		if (cqe->res == -EAGAIN || cqe->res == -EINTR)
			arm_wake(u, w);
		else
			*stop = 1;
		return;
	}
	c = (struct conn *)(uintptr_t)(ud & ~(uint64_t)UR_OPMASK);
	op = (int)(ud & UR_OPMASK);
	UR_C(c)->inflight--;
	switch (op) {
	case UR_RECV:
	case UR_LINGER:
	case UR_POLL:
		ur_conn_done(c, op, cqe->res);
		break;
	default:
		ur_send_done(c, op, cqe->res, cqe->flags);
		break;
	}
	ur_step(c);
}

/* SQPOLL thread beside the loop thread: on a CPU of --cpus that no loop
 * thread takes; where there is none, the scheduler places it. */
static int sqpoll_cpu(const struct worker *w)
{
	int spare = srv_cfg.ncpus - srv_cfg.threads;

	if (spare <= 0)
		return -1;
	return srv_cfg.cpus[srv_cfg.threads + w->id % spare];
}

static int ur_setup(struct ur *u, struct worker *w)
{
	struct io_uring_params p = {.flags = (unsigned)ur_flags(srv_cfg.sqpoll), .cq_entries = UR_CQ};
	const char *tune = getenv("WIRELAB_URING_TUNE");
	int r;

	if (srv_cfg.sqpoll) {
		int cpu = sqpoll_cpu(w);

		p.sq_thread_idle = 100; /* ms of idle spinning before the thread sleeps */
		if (cpu >= 0) {
			p.flags |= IORING_SETUP_SQ_AFF;
			p.sq_thread_cpu = (unsigned)cpu;
		}
	}
	r = io_uring_queue_init_params(UR_SQ, &u->ring, &p);
	if (r == 0) {
		cpu_set_t set;

		iowq_cpus(w, &set);
		r = io_uring_register_iowq_aff(&u->ring, sizeof(set), &set);
		if (r < 0) {
			fprintf(stderr, "wirelab-httpd: thread %d: IORING_REGISTER_IOWQ_AFF: %s\n", w->id,
				strerror(-r));
			io_uring_queue_exit(&u->ring);
			return r;
		}
	}
	/* WIRELAB_URING_TUNE=minwait: off by default. Measured here (wrk at 1
	 * connection, loopback) it halves the enters per request (2.0 -> 1.1)
	 * but costs 35-40% of req/s; at 16 and 64 connections the enters
	 * already batch and it changed neither figure beyond the noise. */
	if (r == 0 && (p.features & UR_FEAT_MIN_TIMEOUT) && !srv_cfg.sqpoll && tune &&
	    strstr(tune, "minwait"))
		u->min_wait_us = UR_MIN_WAIT_US;
	return r;
}

/* Submit what is queued and wait, in one io_uring_enter. liburing 2.3
 * cannot pass min_wait_usec (its getevents_arg calls the field pad), so
 * this flushes the SQ tail as liburing does and enters itself. wait_nr is
 * the sends just queued plus one: a send that completes during the submit
 * does not end the wait, so the request that follows its response is
 * reaped in the same enter; min_wait bounds what that costs when no
 * request follows (the kernel returns after it with what it has). */
static int ur_enter(struct ur *u, int64_t timeout_ms)
{
	struct io_uring_sq *sq = &u->ring.sq;
	struct __kernel_timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000};
	struct io_uring_getevents_arg arg = {
		.sigmask_sz = _NSIG / 8,
		.pad = timeout_ms > 0 ? u->min_wait_us : 0, /* min_wait_usec */
		.ts = (uint64_t)(uintptr_t)&ts,
	};
	unsigned tail = sq->sqe_tail, submit, wait_nr = u->min_wait_us ? u->nsend + 1 : 1;
	long r;

	if (sq->sqe_head != tail) {
		sq->sqe_head = tail;
		io_uring_smp_store_release(sq->ktail, tail);
	}
	submit = tail - io_uring_smp_load_acquire(sq->khead);
	u->nsend = 0;
	r = syscall(__NR_io_uring_enter, u->ring.ring_fd, submit, wait_nr,
		    IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, sizeof(arg));
	return r < 0 ? -errno : (int)r;
}

/* --sqpoll: completions land without a syscall, so watch the CQ for a
 * while before entering to wait: under load the next completion comes
 * well within UR_SPIN_NS and the loop never enters the kernel; idle, it
 * costs one wait per UR_SPIN_NS. The clock is a vDSO read. */
static int ur_spin(struct ur *u)
{
	struct timespec t0, t;
	int k;

	io_uring_submit(&u->ring); /* enters only to wake a sleeping SQ thread */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		for (k = 0; k < 64; k++) {
			if (io_uring_cq_ready(&u->ring))
				return 1;
			__builtin_ia32_pause();
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) > UR_SPIN_NS)
			return 0;
	}
}

static void ur_drain(struct worker *w, struct ur *u, int *stop)
{
	struct io_uring_cqe *cqes[UR_BATCH];
	unsigned n, i;

	do {
		n = io_uring_peek_batch_cqe(&u->ring, cqes, UR_BATCH);
		for (i = 0; i < n; i++)
			on_cqe(w, u, cqes[i], stop);
		io_uring_cq_advance(&u->ring, n);
	} while (n == UR_BATCH);
}

/* At stop: cancel every connection, collect completions for up to 2 s;
 * the ring's teardown then waits for whatever is left, after which no
 * completion can touch a connection. */
static void ur_shutdown(struct worker *w, struct ur *u, int ring_ok)
{
	struct conn *c, *next;
	int stop = 1, k;

	for (c = w->conns; c; c = c->next)
		if (c->ev_ptr && c->fd >= 0)
			ur_close(c);
	for (k = 0; ring_ok && u->nlive > 0 && k < 20; k++) {
		struct __kernel_timespec ts = {0, 100 * 1000 * 1000};
		struct io_uring_cqe *cqe;

		io_uring_submit_and_wait_timeout(&u->ring, &cqe, 1, &ts, NULL);
		ur_drain(w, u, &stop);
	}
	if (ring_ok)
		io_uring_queue_exit(&u->ring);
	for (c = w->conns; c; c = next) {
		next = c->next;
		if (c->ev_ptr && c->fd >= 0) {
			struct ur_conn *uc = UR_C(c);
			uc->inflight = 0;
			ur_finish(c);
		}
	}
	ur_free_dead(u);
	ur_tx_thread_end();
	ur_send_fini(u);
}

int ev_worker_run(struct worker *w)
{
	struct ur *u = calloc(1, sizeof(*u));
	int err = 0, stop = 0, ring_ok = 0;

	if (!u)
		return -ENOMEM;
	w->loop = u;
	err = ur_setup(u, w);
	if (err < 0)
		goto cleanup;
	ring_ok = 1;
	err = ur_send_init(u);
	if (err < 0)
		goto cleanup;
	arm_accept(u, w);
	arm_wake(u, w);

	srv_clock(w);
	w->next_tick_ms = w->now_ms + 1000;
	while (!stop) {
		int64_t t = w->next_tick_ms - w->now_ms;
		int r = 0;

		if (t < 0)
			t = 0;
		if (!srv_cfg.sqpoll || !ur_spin(u))
			r = ur_enter(u, t);
		if (r < 0 && r != -ETIME && r != -EINTR && r != -EAGAIN && r != -EBUSY) {
			err = r;
			break;
		}
		srv_clock(w);
		ur_drain(w, u, &stop);
		ur_send_turn(w, u);
		if (w->now_ms >= w->next_tick_ms)
			srv_tick(w, ur_close);
		ur_free_dead(u);
	}
cleanup:
	ur_shutdown(w, u, ring_ok);
	w->loop = NULL;
	free(u);
	return err;
}
