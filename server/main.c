/* wirelab-httpd: start-up, listeners, threads, signals. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alog.h"
#include "conn.h"
#include "ev.h"
#include "fcache.h"
#include "opt.h"
#include "srv.h"
#include "tx.h"

#define PROG	       "wirelab-httpd"
#define LISTEN_BACKLOG 4096 /* capped by net.core.somaxconn */

static struct worker *workers;

/* SIGUSR1: one line of the counters the probes cannot see, for the
 * harness (it reads stdout at a window's edges) and for people */
static void print_stats(void)
{
	uint64_t sends = 0, copied = 0, refused = 0;
	int i;

	for (i = 0; i < srv_cfg.threads; i++) {
		sends += __atomic_load_n(&workers[i].zc_sends, __ATOMIC_RELAXED);
		copied += __atomic_load_n(&workers[i].zc_copied, __ATOMIC_RELAXED);
		refused += __atomic_load_n(&workers[i].tx_refused, __ATOMIC_RELAXED);
	}
	printf(PROG " stats zc_sends %llu zc_copied %llu tx_refused %llu\n", (unsigned long long)sends,
	       (unsigned long long)copied, (unsigned long long)refused);
	fflush(stdout);
}

/* One listener per thread, all on one port: the kernel spreads new
 * connections over them (SO_REUSEPORT), so threads share nothing. */
static int make_listener(struct sockaddr_storage *addr, socklen_t len)
{
	int fd, one = 1, defer = 1, err;

	fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		goto fail;
	/* wake us only when the request has arrived (seconds) */
	if (setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, sizeof(defer)) < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)addr, len) < 0 || listen(fd, LISTEN_BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	/* pinning is best effort: a CPU outside our cgroup is reported, not fatal */
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		fprintf(stderr, PROG ": thread %d: cannot pin to CPU %d\n", w->id, w->cpu);
	err = ev_worker_run(w);
	if (err)
		fprintf(stderr, PROG ": thread %d: %s\n", w->id, strerror(-err));
	return NULL;
}

static void addr_str(const struct sockaddr_storage *a, char *out, size_t n)
{
	char host[INET6_ADDRSTRLEN];

	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const void *)a;
		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof(host));
		snprintf(out, n, "[%s]:%u", host, ntohs(a6->sin6_port));
	} else {
		const struct sockaddr_in *a4 = (const void *)a;
		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		snprintf(out, n, "%s:%u", host, ntohs(a4->sin_port));
	}
}

/* open-file cache size: leave most descriptors to connections */
static int cache_bound(void)
{
	struct rlimit rl;
	int n = srv_cfg.cache_entries;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		long per = (long)rl.rlim_cur / 4 / 2 / srv_cfg.threads; /* 2 fds an entry */
		if (per < n)
			n = per < 8 ? 8 : (int)per;
	}
	return n;
}

int main(int argc, char **argv)
{
	char msg[512], where[96];
	sigset_t sigs;
	int r, i, sig, started = 0, status = 1;
	uint64_t one = 1;

	r = opt_parse(argc, argv);
	if (r)
		return r > 0 ? 0 : 2;

	if (ev_init(msg, sizeof(msg)) < 0) {
		fprintf(stderr, PROG ": %s loop unavailable: %s\n", WL_LOOP_NAME, msg);
		return 1;
	}
	msg[0] = '\0';
	if (tx_global_init(msg, sizeof(msg)) < 0) {
		fprintf(stderr, PROG ": %s\n", msg);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	/* only the main thread takes SIGINT/SIGTERM; workers get woken */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	workers = calloc((size_t)srv_cfg.threads, sizeof(*workers));
	if (!workers)
		goto cleanup;
	for (i = 0; i < srv_cfg.threads; i++) {
		struct worker *w = &workers[i];
		w->id = i;
		w->cpu = srv_cfg.cpus[i % srv_cfg.ncpus];
		w->lfd = w->wake_fd = w->reserve_fd = -1;
	}
	for (i = 0; i < srv_cfg.threads; i++) {
		struct worker *w = &workers[i];

		w->lfd = make_listener(&srv_cfg.addr, srv_cfg.addrlen);
		if (w->lfd < 0) {
			fprintf(stderr, PROG ": --listen '%s': %s\n", srv_cfg.listen, strerror(-w->lfd));
			goto cleanup;
		}
		if (i == 0) {
			/* port 0: the others bind the port the first one got */
			socklen_t l = sizeof(srv_cfg.addr);
			getsockname(w->lfd, (struct sockaddr *)&srv_cfg.addr, &l);
		}
		w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		w->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		w->fc = fc_new(srv_cfg.root_fd, cache_bound(), ev_send_maps_body());
		if (w->wake_fd < 0 || !w->fc || alog_init(w) < 0) {
			fprintf(stderr, PROG ": thread %d: %s\n", i, strerror(errno ? errno : ENOMEM));
			goto cleanup;
		}
		srv_clock(w);
	}
	addr_str(&srv_cfg.addr, where, sizeof(where));
	for (i = 0; i < srv_cfg.threads; i++) {
		if (pthread_create(&workers[i].tid, NULL, worker_main, &workers[i])) {
			fprintf(stderr, PROG ": cannot start thread %d\n", i);
			goto stop;
		}
		started++;
	}
	/* the harness and the tests wait for this line */
	printf(PROG " %s listening on %s threads %d cpus", WL_VARIANT, where, srv_cfg.threads);
	for (i = 0; i < srv_cfg.threads && i < srv_cfg.ncpus; i++)
		printf("%s%d", i ? "," : " ", srv_cfg.cpus[i]);
	if (srv_cfg.sqpoll) /* says what ran: the harness records this line */
		printf(" sqpoll");
	printf("%s", ev_describe_start());
	printf(" tls %s\n", tx_describe());
	fflush(stdout);

	while (sigwait(&sigs, &sig) == 0 && sig == SIGUSR1)
		print_stats();
	status = 0;
stop:
	for (i = 0; i < srv_cfg.threads; i++)
		if (workers[i].wake_fd >= 0 && write(workers[i].wake_fd, &one, sizeof(one)) < 0)
			status = 1;
	for (i = 0; i < started; i++)
		pthread_join(workers[i].tid, NULL);
cleanup:
	for (i = 0; workers && i < srv_cfg.threads; i++) {
		struct worker *w = &workers[i];
		conn_pool_free(w);
		alog_free(w);
		fc_free(w->fc);
		if (w->lfd >= 0)
			close(w->lfd);
		if (w->wake_fd >= 0)
			close(w->wake_fd);
		if (w->reserve_fd >= 0)
			close(w->reserve_fd);
	}
	free(workers);
	tx_global_free();
	ev_free();
	if (srv_cfg.alog_fd >= 0)
		close(srv_cfg.alog_fd);
	if (srv_cfg.root_fd >= 0)
		close(srv_cfg.root_fd);
	return status;
}
