/*
 * cmd_probe: `wirelab probe --pid PID ...`: attach the probes to running
 * processes, print a line per interval (top syscalls, CPU %, segments) and
 * the totals at the end, or one JSON object with --json.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common_pids.h"
#include "probe.h"

#define PROG  "wirelab probe"
#define TOP_N 3

struct probe_opts {
	int pids[WL_PROBE_MAX_TGIDS];
	int npids;
	double duration; /* 0: until Ctrl-C or every target exited */
	double interval;
	int json;
};

static volatile sig_atomic_t probe_stop;

static void on_signal(int sig)
{
	probe_stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " --pid PID [--pid PID ...] [--duration S] [--interval S] [--json]\n"
		   "\n"
		   "Count what running processes cost: syscalls by name, on-CPU time, voluntary and\n"
		   "involuntary context switches, and the packets, wire segments (a TSO/GSO packet\n"
		   "counts as the segments it becomes) and bytes their sockets transmit. Threads,\n"
		   "io_uring workers and SQPOLL threads count with their process.\n"
		   "\n"
		   "  --pid PID       a process to watch (repeat, or PID,PID,...; nginx: its workers)\n"
		   "  --duration S    stop after S seconds (default: Ctrl-C, or when every pid exited)\n"
		   "  --interval S    one table line every S seconds (default 1)\n"
		   "  --json          print only the totals, as one JSON object\n"
		   "\n"
		   "Needs root and a kernel with BTF (/sys/kernel/btf/vmlinux); it uses BTF\n"
		   "tracepoints only, so it needs neither kprobes, fentry nor a mounted tracefs.\n");
}

static int parse_seconds(const char *name, const char *arg, double *out)
{
	char *end;
	double v = strtod(arg, &end);

	if (*end || !(v > 0) || v > 1e6) {
		fprintf(stderr, PROG ": %s wants a positive number of seconds, not '%s'\n", name, arg);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* parse_opts: 0 to run, 1 when --help was printed, -EINVAL on a bad option */
static int parse_opts(int argc, char **argv, struct probe_opts *o)
{
	static const struct option lo[] = {
		{"pid", required_argument, NULL, 'p'},	    {"duration", required_argument, NULL, 'd'},
		{"interval", required_argument, NULL, 'i'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->interval = 1;
	while ((c = getopt_long(argc, argv, "p:d:i:jh", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (wl_pids_parse(PROG, optarg, o->pids, &o->npids, WL_PROBE_MAX_TGIDS) < 0)
				return -EINVAL;
			break;
		case 'd':
			if (parse_seconds("--duration", optarg, &o->duration) < 0)
				return -EINVAL;
			break;
		case 'i':
			if (parse_seconds("--interval", optarg, &o->interval) < 0)
				return -EINVAL;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!o->npids) {
		fprintf(stderr, PROG ": which process? --pid PID is required\n");
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static const char *sys_name(unsigned nr, char *buf, size_t len)
{
	const char *n = wl_probe_syscall_name(nr);

	if (n)
		return n;
	snprintf(buf, len, "sys_%u", nr); /* newer than this build's headers */
	return buf;
}

/* top_syscalls: the n busiest syscall numbers of s, busiest first */
static int top_syscalls(const struct wl_probe_snap *s, unsigned *top, int n)
{
	int k = 0;

	for (unsigned i = 0; i < WL_SYS_SLOTS; i++) {
		uint64_t c = s->syscalls[i];
		int j;

		if (!c || (k == n && c <= s->syscalls[top[n - 1]]))
			continue;
		if (k < n)
			k++;
		/* insertion into the sorted top, dropping the last when full */
		for (j = k - 1; j > 0 && s->syscalls[top[j - 1]] < c; j--)
			top[j] = top[j - 1];
		top[j] = i;
	}
	return k;
}

static void print_header(void)
{
	printf("%8s %11s %7s %9s %9s %10s %9s  %s\n", "time_s", "syscalls/s", "cpu_%", "ctxsw/s", "tx_pkt/s",
	       "tx_seg/s", "tx_MB/s", "top syscalls (count)");
}

static void print_interval(const struct wl_probe_snap *d, double at)
{
	double s = d->t_ns / 1e9;
	unsigned top[TOP_N];
	int n = top_syscalls(d, top, TOP_N);
	char line[256] = "", nb[32];
	size_t off = 0;

	if (s <= 0)
		return;
	for (int i = 0; i < n && off < sizeof(line); i++)
		off += snprintf(line + off, sizeof(line) - off, "%s%s %llu", i ? ", " : "",
				sys_name(top[i], nb, sizeof(nb)), (unsigned long long)d->syscalls[top[i]]);
	printf("%8.1f %11.0f %7.1f %9.0f %9.0f %10.0f %9.2f  %s\n", at, d->syscalls_total / s,
	       100.0 * d->cpu_ns / d->t_ns, (d->ctxsw_vol + d->ctxsw_invol) / s, d->tx_packets / s,
	       d->tx_segments / s, d->tx_bytes / s / 1e6, line);
	fflush(stdout);
}

static void print_totals(const struct wl_probe_snap *d, const int *pids, int npids)
{
	double s = d->t_ns / 1e9;
	unsigned top[WL_SYS_SLOTS];
	int n = top_syscalls(d, top, WL_SYS_SLOTS);
	char nb[32];

	printf("\ntotals over %.2f s for pid", s);
	for (int i = 0; i < npids; i++)
		printf("%s%d", i ? "," : " ", pids[i]);
	printf("\n  %-22s %12llu  %10.1f/s\n", "syscalls", (unsigned long long)d->syscalls_total,
	       s > 0 ? d->syscalls_total / s : 0);
	for (int i = 0; i < n; i++)
		printf("    %-20s %12llu  %10.1f/s  %5.1f%%\n", sys_name(top[i], nb, sizeof(nb)),
		       (unsigned long long)d->syscalls[top[i]], s > 0 ? d->syscalls[top[i]] / s : 0,
		       100.0 * d->syscalls[top[i]] / d->syscalls_total);
	printf("  %-22s %12.6f s  %8.1f%% of one CPU\n", "cpu", d->cpu_ns / 1e9,
	       d->t_ns ? 100.0 * d->cpu_ns / d->t_ns : 0);
	printf("  %-22s %12llu voluntary, %llu involuntary\n", "context switches",
	       (unsigned long long)d->ctxsw_vol, (unsigned long long)d->ctxsw_invol);
	printf("  %-22s %12llu packets, %llu segments, %llu bytes on the wire, %llu bytes of TCP payload\n",
	       "tx", (unsigned long long)d->tx_packets, (unsigned long long)d->tx_segments,
	       (unsigned long long)d->tx_bytes, (unsigned long long)d->tx_payload);
}

static int print_json(const struct wl_probe_snap *d, const int *pids, int npids, json_t *exited)
{
	json_t *o = json_object(), *sys = json_object(), *pa = json_array();
	unsigned top[WL_SYS_SLOTS];
	int n = top_syscalls(d, top, WL_SYS_SLOTS), rc = -ENOMEM;
	char nb[32];

	if (!o || !sys || !pa)
		goto cleanup;
	for (int i = 0; i < npids; i++)
		json_array_append_new(pa, json_integer(pids[i]));
	for (int i = 0; i < n; i++)
		json_object_set_new(sys, sys_name(top[i], nb, sizeof(nb)),
				    json_integer((json_int_t)d->syscalls[top[i]]));
	json_object_set_new(o, "pid", json_integer(pids[0]));
	json_object_set(o, "pids", pa);
	json_object_set_new(o, "duration_s", json_real(round(d->t_ns / 1e6) / 1e3));
	json_object_set_new(o, "syscalls_total", json_integer((json_int_t)d->syscalls_total));
	json_object_set(o, "syscalls", sys);
	json_object_set_new(o, "cpu_ns", json_integer((json_int_t)d->cpu_ns));
	json_object_set_new(o, "ctxsw", json_integer((json_int_t)(d->ctxsw_vol + d->ctxsw_invol)));
	json_object_set_new(o, "ctxsw_voluntary", json_integer((json_int_t)d->ctxsw_vol));
	json_object_set_new(o, "ctxsw_involuntary", json_integer((json_int_t)d->ctxsw_invol));
	json_object_set_new(o, "tx_packets", json_integer((json_int_t)d->tx_packets));
	json_object_set_new(o, "tx_segments", json_integer((json_int_t)d->tx_segments));
	json_object_set_new(o, "tx_bytes", json_integer((json_int_t)d->tx_bytes));
	json_object_set_new(o, "tx_payload_bytes", json_integer((json_int_t)d->tx_payload));
	json_object_set(o, "exited", exited);
	rc = json_dumpf(o, stdout, JSON_PRESERVE_ORDER | JSON_INDENT(1)) < 0 ? -EIO : 0;
	putchar('\n');
cleanup:
	json_decref(o);
	json_decref(sys);
	json_decref(pa);
	return rc;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* how often a target's exit is looked for, whatever the interval */
#define EXIT_POLL_NS 200000000u

/*
 * wait_until: sleep to time t (CLOCK_MONOTONIC), or less: a signal, or
 * the last target exiting, ends the wait. Reports exits as they happen.
 * Returns how many targets are still alive.
 */
static int wait_until(struct wl_probe *p, uint64_t t, uint64_t t0, json_t *exited)
{
	int alive = 1, gone;

	for (uint64_t now = mono_ns(); !probe_stop && now < t; now = mono_ns()) {
		uint64_t until = t - now > EXIT_POLL_NS ? now + EXIT_POLL_NS : t;
		struct timespec ts = {.tv_sec = (time_t)(until / 1000000000u),
				      .tv_nsec = (long)(until % 1000000000u)};

		/* a signal ends the sleep early (no SA_RESTART) */
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		while ((alive = wl_probe_alive(p, &gone), gone)) {
			fprintf(stderr, PROG ": pid %d exited after %.1f s; its counts up to then are kept\n",
				gone, (mono_ns() - t0) / 1e9);
			json_array_append_new(exited, json_integer(gone));
		}
		if (!alive) {
			fprintf(stderr, PROG ": every target exited; stopping\n");
			break;
		}
	}
	return alive;
}

/* run: the interval loop, until the duration, a signal, or every target exited */
static int run(struct wl_probe *p, const struct probe_opts *o, struct wl_probe_snap *first,
	       struct wl_probe_snap *last, json_t *exited)
{
	struct wl_probe_snap *prev = malloc(sizeof(*prev)), *d = malloc(sizeof(*d));
	uint64_t t0, end, next, step = (uint64_t)(o->interval * 1e9);
	int rc, alive = 1;

	if (!prev || !d) {
		rc = -ENOMEM;
		goto cleanup;
	}
	rc = wl_probe_read(p, first);
	if (rc < 0)
		goto cleanup;
	*prev = *last = *first;
	t0 = first->t_ns;
	end = o->duration > 0 ? t0 + (uint64_t)(o->duration * 1e9) : UINT64_MAX;
	if (!o->json)
		print_header();
	for (next = t0 + step; !probe_stop && alive; next += step) {
		alive = wait_until(p, next < end ? next : end, t0, exited);
		rc = wl_probe_read(p, last);
		if (rc < 0)
			goto cleanup;
		wl_probe_diff(prev, last, d);
		if (!o->json)
			print_interval(d, (last->t_ns - t0) / 1e9);
		*prev = *last;
		if (last->t_ns >= end)
			break;
	}
	rc = 0;
cleanup:
	free(prev);
	free(d);
	return rc;
}

int cmd_probe(int argc, char **argv)
{
	struct wl_probe_snap *first = malloc(sizeof(*first)), *last = malloc(sizeof(*last)),
			     *tot = malloc(sizeof(*tot));
	struct sigaction sa = {.sa_handler = on_signal};
	json_t *exited = json_array();
	struct wl_probe *p = NULL;
	struct probe_opts o;
	const int *pids;
	int rc = 1, npids;
	char err[512];

	if (!first || !last || !tot || !exited) {
		fprintf(stderr, PROG ": out of memory\n");
		goto cleanup;
	}
	switch (parse_opts(argc, argv, &o)) {
	case 0:
		break;
	case 1:
		rc = 0;
		goto cleanup;
	default:
		rc = 2;
		goto cleanup;
	}
	if (wl_probe_open(o.pids, o.npids, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		goto cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pids = wl_probe_pids(p, &npids);
	fprintf(stderr, PROG ": attached to %d process%s%s\n", npids, npids > 1 ? "es" : "",
		o.duration > 0 ? "" : " (Ctrl-C to stop)");
	int r = run(p, &o, first, last, exited);

	if (r < 0) {
		fprintf(stderr, PROG ": reading the counters: %s\n", strerror(-r));
		goto cleanup;
	}
	wl_probe_diff(first, last, tot);
	if (o.json ? print_json(tot, pids, npids, exited) < 0 : (print_totals(tot, pids, npids), 0)) {
		fprintf(stderr, PROG ": writing the JSON failed\n");
		goto cleanup;
	}
	rc = fflush(stdout) ? 1 : 0;
cleanup:
	wl_probe_close(p);
	json_decref(exited);
	free(first);
	free(last);
	free(tot);
	return rc;
}
