/*
 * cmd_profile: `wirelab profile --pid PID ...`: sample running processes
 * for a while and write (or print) where their CPU went; `wirelab
 * profile diff A B` compares two profiles (profile_diff.c).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common_clock.h"
#include "common_pids.h"
#include "profile.h"
#include "profile_out.h"

#define PROG  "wirelab profile"
#define TOP_N 25

int wl_profile_diff_main(int argc, char **argv);

struct prof_opts {
	int pids[WL_PROF_MAX_TGIDS];
	int npids;
	double duration; /* 0: until Ctrl-C or every target exited */
	int hz;
	const char *out;
	const char *name;
	uint64_t requests;
};

static volatile sig_atomic_t prof_stop;

static void on_signal(int sig)
{
	prof_stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG
		" --pid PID [--pid PID ...] [--duration S] [--hz N] [--out DIR] [--name NAME]\n"
		"                       [--requests N]\n"
		"       " PROG
		" diff A.folded B.folded [--requests-a N --requests-b M] [--hz N] [--out DIR]\n"
		"       " PROG " diff RUN --cell SIZE/CONNS VARIANT_A VARIANT_B [--rep N] [--out DIR]\n"
		"\n"
		"Sample where running processes spend their CPU: kernel and user stacks of every\n"
		"thread (io_uring workers and SQPOLL threads count with their process), named\n"
		"from /proc/kallsyms and the binaries' ELF symbols, and added up by function\n"
		"group (copying, TCP transmit, TCP receive and ACK, syscall entry and exit, epoll,\n"
		"io_uring, splice, TLS crypto, scheduler, memory allocation, other).\n"
		"\n"
		"  --pid PID       a process to sample (repeat, or PID,PID,...)\n"
		"  --duration S    sample for S seconds (default: Ctrl-C, or until every pid exited)\n"
		"  --hz N          samples per second of CPU time, 1..10000 (default %d)\n"
		"  --out DIR       write DIR/NAME.folded (folded stacks, for FlameGraph, speedscope,\n"
		"                  inferno), NAME.svg (flame graph), NAME.groups.txt and .groups.json;\n"
		"                  without it the top functions and groups are printed\n"
		"  --name NAME     the files' name (default profile-PID)\n"
		"  --requests N    requests served in the window: adds us of CPU per request\n"
		"\n"
		"diff: a differential flame graph (DIR/diff.svg: width A + B, red where B spends more,\n"
		"blue where A does) and a table of functions and groups on each side (DIR/diff.txt,\n"
		"diff.json; printed without --out), per request in us when both request counts are\n"
		"given, else as shares of each side's samples. With RUN --cell: two variants of a sweep\n"
		"run with --profile at one cell (e.g. --cell 1m/64), each side's repetitions summed\n"
		"(--rep N: that one), per request.\n"
		"\n"
		"Needs root and perf events; see docs/profile.md (groups, virtual machines, overhead).\n",
		WL_PROFILE_HZ_DEFAULT);
}

/* wl_profile_parse_hz: --hz's value, 1..10000, or -EINVAL with a message */
int wl_profile_parse_hz(const char *prog, const char *arg, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*end || end == arg || v < 1 || v > WL_PROFILE_HZ_MAX) {
		fprintf(stderr, "%s: --hz wants a sampling rate from 1 to %d per second, not '%s'\n", prog,
			WL_PROFILE_HZ_MAX, arg);
		return -EINVAL;
	}
	*out = (int)v;
	return 0;
}

/* wl_profile_parse_count: a request count, >= 1 */
int wl_profile_parse_count(const char *prog, const char *name, const char *arg, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end || end == arg || errno || !v || arg[0] == '-') {
		fprintf(stderr, "%s: %s wants a positive number of requests, not '%s'\n", prog, name, arg);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* wl_profile_out_dir: DIR, created if missing; -errno with a message */
int wl_profile_out_dir(const char *prog, const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "%s: --out %s: %s\n", prog, dir, strerror(errno));
		return -errno;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: --out %s: not a directory\n", prog, dir);
		return -ENOTDIR;
	}
	return 0;
}

/* parse_opts: 0 to run, 1 when --help was printed, -EINVAL on a bad option */
static int parse_opts(int argc, char **argv, struct prof_opts *o)
{
	static const struct option lo[] = {
		{"pid", required_argument, NULL, 'p'},	{"duration", required_argument, NULL, 'd'},
		{"hz", required_argument, NULL, 'z'},	{"out", required_argument, NULL, 'o'},
		{"name", required_argument, NULL, 'n'}, {"requests", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},	{NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->hz = WL_PROFILE_HZ_DEFAULT;
	while ((c = getopt_long(argc, argv, "p:d:z:o:n:r:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (wl_pids_parse(PROG, optarg, o->pids, &o->npids, WL_PROF_MAX_TGIDS) < 0)
				return -EINVAL;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || end == optarg || !(o->duration > 0) || o->duration > 1e6) {
				fprintf(stderr,
					PROG ": --duration wants a positive number of seconds, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'z':
			if (wl_profile_parse_hz(PROG, optarg, &o->hz) < 0)
				return -EINVAL;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'n':
			if (!*optarg || strchr(optarg, '/')) {
				fprintf(stderr, PROG ": --name wants a file name without '/', not '%s'\n",
					optarg);
				return -EINVAL;
			}
			o->name = optarg;
			break;
		case 'r':
			if (wl_profile_parse_count(PROG, "--requests", optarg, &o->requests) < 0)
				return -EINVAL;
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

/* how often a target's exit is looked for */
#define EXIT_POLL_NS 200000000u

/* wait_window: until the duration, a signal, or every target exited */
static void wait_window(struct wl_profile *p, double duration)
{
	uint64_t t0 = wl_mono_ns(), end = duration > 0 ? t0 + (uint64_t)(duration * 1e9) : UINT64_MAX;
	int gone;

	for (uint64_t now = t0; !prof_stop && now < end; now = wl_mono_ns()) {
		uint64_t until = end - now > EXIT_POLL_NS ? now + EXIT_POLL_NS : end;
		struct timespec ts = {.tv_sec = (time_t)(until / 1000000000u),
				      .tv_nsec = (long)(until % 1000000000u)};
		int alive;

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		while ((alive = wl_profile_alive(p, &gone), gone))
			fprintf(stderr,
				PROG ": pid %d exited after %.1f s; its samples up to then are kept\n", gone,
				(wl_mono_ns() - t0) / 1e9);
		if (!alive) {
			fprintf(stderr, PROG ": every target exited; stopping\n");
			break;
		}
	}
}

/* print: the window's facts, groups and top functions, to stdout */
static int print(struct wl_profile *p, uint64_t requests)
{
	const struct wl_profile_info *i = wl_profile_info(p);
	struct wl_folded leaves;
	struct wl_profile_groups g;
	int rc = wl_profile_groups(p, requests, &g);

	if (!rc)
		rc = wl_profile_leaves(wl_profile_folded(p), &leaves);
	if (rc < 0)
		return rc;
	wl_profile_print_facts(stdout, i);
	putchar('\n');
	wl_profile_print_groups(stdout, &g);
	putchar('\n');
	wl_profile_print_top(stdout, &leaves, g.total, i->us_per_sample, requests, TOP_N);
	wl_folded_free(&leaves);
	return 0;
}

int cmd_profile(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct wl_profile *p = NULL;
	struct prof_opts o;
	char err[512], name[64];
	int rc = 1, npids;

	if (argc > 1 && !strcmp(argv[1], "diff"))
		return wl_profile_diff_main(argc - 1, argv + 1);
	switch (parse_opts(argc, argv, &o)) {
	case 0:
		break;
	case 1:
		return 0;
	default:
		return 2;
	}
	if (o.out && wl_profile_out_dir(PROG, o.out) < 0)
		return 1;
	if (wl_profile_open(o.pids, o.npids, o.hz, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		goto cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = wl_profile_start(p);
	if (rc < 0) {
		fprintf(stderr, PROG ": starting the perf events: %s\n", strerror(-rc));
		rc = 1;
		goto cleanup;
	}
	rc = 1;
	wl_profile_pids(p, &npids);
	fprintf(stderr, PROG ": sampling %d process%s at %d Hz (%s)%s\n", npids, npids > 1 ? "es" : "", o.hz,
		wl_profile_info(p)->event, o.duration > 0 ? "" : "; Ctrl-C to stop");
	wait_window(p, o.duration);
	if (wl_profile_stop(p, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		goto cleanup;
	}
	if (!wl_profile_info(p)->counted)
		fprintf(stderr, PROG ": no samples: the targets did not run on a CPU in the window\n");
	if (o.out) {
		if (!o.name)
			snprintf(name, sizeof(name), "profile-%d", o.pids[0]);
		if (wl_profile_write(p, o.out, o.name ? o.name : name, o.requests, err, sizeof(err)) < 0) {
			fprintf(stderr, PROG ": %s\n", err);
			goto cleanup;
		}
		wl_profile_print_facts(stderr, wl_profile_info(p));
		fprintf(stderr, PROG ": wrote %s/%s.{folded,svg,groups.txt,groups.json}\n", o.out,
			o.name ? o.name : name);
	} else if (print(p, o.requests) < 0) {
		fprintf(stderr, PROG ": out of memory\n");
		goto cleanup;
	}
	rc = fflush(stdout) ? 1 : 0;
cleanup:
	wl_profile_close(p);
	return rc;
}
