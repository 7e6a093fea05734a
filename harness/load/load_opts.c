/* load_opts: the command line, checked before anything starts; a bad
 * option or value is named and the exit status is 2. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <xxhash.h>

#include "load.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " LOAD_PROG " [--mode closed|open] [--rate R] [--connections N] [--cpus LIST]\n"
		"         [--duration S | --requests N] [--arrivals uniform|poisson] [--pipeline D]\n"
		"         [--verify DIR] [--json] [options] URL...\n"
		"       " LOAD_PROG " --make-docroot DIR --workload FILE [--seed N]\n"
		"       " LOAD_PROG " --describe --workload FILE [--seed N]\n"
		"       " LOAD_PROG " --merge FILE...\n"
		"\n"
		"An HTTP/1.1 load generator: closed loop (like wrk) or open loop at a rate, with\n"
		"latency measured from each request's intended send time (docs/load.md).\n"
		"\n"
		"  --mode closed|open    closed: each connection sends its next request on each\n"
		"                        answer; open: --rate requests/s whatever the answers\n"
		"                        (default closed)\n"
		"  --rate R              open mode: total requests/s, e.g. 20000 or 20k\n"
		"  --arrivals uniform|poisson  open mode: constant spacing or Poisson (default uniform)\n"
		"  --connections N       connections in total, split over the threads (default 64)\n"
		"  --cpus LIST           one pinned thread per CPU, e.g. 0,2-3 (default: the affinity mask)\n"
		"  --duration S          measured window, e.g. 10, 10s, 500ms, 2m (default 10 s)\n"
		"  --requests N          stop after N requests instead (answered or failed)\n"
		"  --time-limit S        with --requests: stop at S anyway, saying so (default 600 s)\n"
		"  --warmup S            load for S before the window; not counted (default 0)\n"
		"  --pipeline D          requests in flight per connection, 1-64 (default 1)\n"
		"  --connection-close    one request per connection (Connection: close)\n"
		"  --timeout S           a response not complete after S is an error (default 2 s)\n"
		"  --workload FILE       a mix of sizes (docs/load.md); the URL gives the server\n"
		"  --make-docroot DIR    write the files a --workload needs into DIR and exit\n"
		"  --describe            check a --workload and print what it holds (JSON), and exit\n"
		"  --seed N              the seed of URL picks, Poisson gaps and docroot files (default 1)\n"
		"  --verify DIR          check every body against the file under DIR\n"
		"  --copy                read bodies into user space (default: the kernel discards\n"
		"                        them, counted, with recv(MSG_TRUNC), unless TLS or --verify)\n"
		"  --tls-version 1.2|1.3 https only: pin the version (default: either)\n"
		"  --tls-resume          https only: resume sessions (default: a full handshake\n"
		"                        per connection)\n"
		"  --json                print one JSON object (default: a summary for people)\n"
		"  --interval            a line per second (stderr with --json, else stdout)\n"
		"  --merge FILE...       merge --json outputs of several clients exactly\n"
		"  --version             what it was built with\n"
		"  --help                this text\n");
}

static int bad(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, LOAD_PROG ": %s '%s': %s\n", opt, val, want);
	return -EINVAL;
}

/* a count or rate: a positive number, optionally k (10^3) or m (10^6) */
static int parse_amount(const char *opt, const char *v, double *out)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (end == v || errno)
		return bad(opt, v, "expected a positive number such as 20000 or 20k");
	if (*end == 'k' || *end == 'K')
		x *= 1e3, end++;
	else if (*end == 'm' || *end == 'M')
		x *= 1e6, end++;
	if (*end || !isfinite(x) || x <= 0)
		return bad(opt, v, "expected a positive number such as 20000 or 20k");
	*out = x;
	return 0;
}

/* seconds, with an optional unit: 10, 10s, 500ms, 2m */
static int parse_secs(const char *opt, const char *v, bool zero_ok, double *out)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (end == v || errno || !isfinite(x))
		goto fail;
	if (!strcmp(end, "ms"))
		x /= 1e3;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		x *= 60;
	else if (*end && strcmp(end, "s"))
		goto fail;
	if (x < 0 || (!zero_ok && x == 0) || x > 86400)
		goto fail;
	*out = x;
	return 0;
fail:
	return bad(opt, v,
		   zero_ok ? "expected seconds from 0 to 86400, e.g. 10, 10s, 500ms"
			   : "expected seconds above 0 (up to 86400), e.g. 10, 10s, 500ms");
}

static int parse_int(const char *opt, const char *v, long lo, long hi, long *out)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi) {
		char want[96];
		snprintf(want, sizeof(want), "expected a whole number from %ld to %ld", lo, hi);
		return bad(opt, v, want);
	}
	*out = x;
	return 0;
}

static int parse_cpus(const char *v, struct load_cfg *c)
{
	const char *s = v;

	c->ncpus = 0;
	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b;
		if (end == s || a < 0 || a >= CPU_SETSIZE)
			goto fail;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b >= CPU_SETSIZE)
				goto fail;
		}
		for (; a <= b; a++) {
			if (c->ncpus >= LOAD_MAX_THREADS)
				goto fail;
			c->cpus[c->ncpus++] = (int)a;
		}
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			goto fail;
		s = end;
	}
	if (c->ncpus)
		return 0;
fail:
	return bad("--cpus", v, "expected a list of CPUs such as 0,2-3");
}

enum {
	O_MODE = 256,
	O_RATE,
	O_CONNS,
	O_CPUS,
	O_DURATION,
	O_REQUESTS,
	O_TIMELIMIT,
	O_ARRIVALS,
	O_PIPELINE,
	O_VERIFY,
	O_JSON,
	O_WORKLOAD,
	O_CLOSE,
	O_TLSVER,
	O_TLSRESUME,
	O_WARMUP,
	O_INTERVAL,
	O_TIMEOUT,
	O_SEED,
	O_DOCROOT,
	O_COPY,
	O_MERGE,
	O_DESCRIBE,
	O_HELP,
	O_VERSION,
};

static const struct option opts[] = {
	{"mode", required_argument, 0, O_MODE},
	{"rate", required_argument, 0, O_RATE},
	{"connections", required_argument, 0, O_CONNS},
	{"cpus", required_argument, 0, O_CPUS},
	{"duration", required_argument, 0, O_DURATION},
	{"requests", required_argument, 0, O_REQUESTS},
	{"time-limit", required_argument, 0, O_TIMELIMIT},
	{"arrivals", required_argument, 0, O_ARRIVALS},
	{"pipeline", required_argument, 0, O_PIPELINE},
	{"verify", required_argument, 0, O_VERIFY},
	{"json", no_argument, 0, O_JSON},
	{"workload", required_argument, 0, O_WORKLOAD},
	{"connection-close", no_argument, 0, O_CLOSE},
	{"tls-version", required_argument, 0, O_TLSVER},
	{"tls-resume", no_argument, 0, O_TLSRESUME},
	{"warmup", required_argument, 0, O_WARMUP},
	{"interval", no_argument, 0, O_INTERVAL},
	{"timeout", required_argument, 0, O_TIMEOUT},
	{"seed", required_argument, 0, O_SEED},
	{"make-docroot", required_argument, 0, O_DOCROOT},
	{"copy", no_argument, 0, O_COPY},
	{"merge", no_argument, 0, O_MERGE},
	{"describe", no_argument, 0, O_DESCRIBE},
	{"help", no_argument, 0, O_HELP},
	{"version", no_argument, 0, O_VERSION},
	{0, 0, 0, 0},
};

int load_opts_parse(int argc, char **argv, struct load_cfg *c)
{
	bool have_rate = false, have_arrivals = false, have_duration = false, merge = false,
	     have_limit = false;
	long x;
	double d;
	int o;

	memset(c, 0, sizeof(*c));
	c->mode = LOAD_CLOSED;
	c->arrivals = LOAD_UNIFORM;
	c->connections = 64;
	c->duration_s = 10;
	c->pipeline = 1;
	c->timeout_s = 2;
	c->time_limit_s = LOAD_TIME_LIMIT_S;
	c->seed = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (o) {
		case O_MODE:
			if (!strcmp(optarg, "closed"))
				c->mode = LOAD_CLOSED;
			else if (!strcmp(optarg, "open"))
				c->mode = LOAD_OPEN;
			else
				return bad("--mode", optarg, "expected closed or open");
			break;
		case O_RATE:
			if (parse_amount("--rate", optarg, &c->rate))
				return -EINVAL;
			have_rate = true;
			break;
		case O_CONNS:
			if (parse_int("--connections", optarg, 1, 1000000, &x))
				return -EINVAL;
			c->connections = (int)x;
			break;
		case O_CPUS:
			if (parse_cpus(optarg, c))
				return -EINVAL;
			break;
		case O_DURATION:
			if (parse_secs("--duration", optarg, false, &c->duration_s))
				return -EINVAL;
			have_duration = true;
			break;
		case O_REQUESTS:
			if (parse_amount("--requests", optarg, &d))
				return -EINVAL;
			if (d != floor(d) || d > 1e15)
				return bad("--requests", optarg, "expected a whole number of requests");
			c->requests = (uint64_t)d;
			break;
		case O_TIMELIMIT:
			if (parse_secs("--time-limit", optarg, false, &c->time_limit_s))
				return -EINVAL;
			have_limit = true;
			break;
		case O_ARRIVALS:
			if (!strcmp(optarg, "uniform"))
				c->arrivals = LOAD_UNIFORM;
			else if (!strcmp(optarg, "poisson"))
				c->arrivals = LOAD_POISSON;
			else
				return bad("--arrivals", optarg, "expected uniform or poisson");
			have_arrivals = true;
			break;
		case O_PIPELINE:
			if (parse_int("--pipeline", optarg, 1, LOAD_MAX_PIPELINE, &x))
				return -EINVAL;
			c->pipeline = (int)x;
			break;
		case O_VERIFY:
			c->verify_dir = optarg;
			break;
		case O_JSON:
			c->json = true;
			break;
		case O_WORKLOAD:
			c->workload = optarg;
			break;
		case O_CLOSE:
			c->conn_close = true;
			break;
		case O_TLSVER:
			if (!strcmp(optarg, "1.2"))
				c->tls_version = 12;
			else if (!strcmp(optarg, "1.3"))
				c->tls_version = 13;
			else
				return bad("--tls-version", optarg, "expected 1.2 or 1.3");
			break;
		case O_TLSRESUME:
			c->tls_resume = true;
			break;
		case O_WARMUP:
			if (parse_secs("--warmup", optarg, true, &c->warmup_s))
				return -EINVAL;
			break;
		case O_INTERVAL:
			c->interval = true;
			break;
		case O_TIMEOUT:
			if (parse_secs("--timeout", optarg, false, &c->timeout_s))
				return -EINVAL;
			break;
		case O_SEED:
			if (parse_int("--seed", optarg, 0, 0x7fffffffffffffffL, &x))
				return -EINVAL;
			c->seed = (uint64_t)x;
			break;
		case O_DOCROOT:
			c->make_docroot = optarg;
			break;
		case O_COPY:
			c->copy = true;
			break;
		case O_MERGE:
			merge = true;
			break;
		case O_DESCRIBE:
			c->describe = true;
			break;
		case O_HELP:
			usage(stdout);
			exit(0);
		case O_VERSION:
			/* what it was built with, as wrk -v says */
			printf(LOAD_PROG
			       " (JSON format %d)\nloop: epoll, edge-triggered, one pinned thread per CPU\n"
			       "tls: %s\nhash (--verify): XXH3-64 (xxHash %u)\nhistogram: 1 ns to %llu ns, "
			       "%u sub-buckets\n",
			       LOAD_JSON_FORMAT, OpenSSL_version(OPENSSL_VERSION), XXH_versionNumber(),
			       (unsigned long long)LOAD_HIST_HIGHEST, LOAD_HIST_SUB_COUNT);
			exit(0);
		default:
			if (optopt && optopt < 256)
				fprintf(stderr, LOAD_PROG ": unknown option '-%c' (see --help)\n", optopt);
			else if (optopt)
				fprintf(stderr, LOAD_PROG ": %s needs a value (see --help)\n",
					argv[optind - 1]);
			else
				fprintf(stderr, LOAD_PROG ": unknown option '%s' (see --help)\n",
					argv[optind - 1]);
			return -EINVAL;
		}
	}
	c->urls = argv + optind;
	c->nurls = argc - optind;
	if (merge) {
		c->merge = c->urls;
		c->nmerge = c->nurls;
		c->nurls = 0;
		if (!c->nmerge) {
			fprintf(stderr, LOAD_PROG ": --merge needs the JSON files to merge\n");
			return -EINVAL;
		}
		return 0;
	}
	if (c->make_docroot || c->describe) {
		if (!c->workload) {
			fprintf(stderr, LOAD_PROG ": %s needs --workload FILE\n",
				c->describe ? "--describe" : "--make-docroot");
			return -EINVAL;
		}
		return 0;
	}
	if (!c->nurls) {
		fprintf(stderr, LOAD_PROG ": no URL given (see --help)\n");
		return -EINVAL;
	}
	if (c->workload && c->nurls > 1) {
		fprintf(stderr, LOAD_PROG ": --workload takes one URL (the server and path prefix), got %d\n",
			c->nurls);
		return -EINVAL;
	}
	if (have_duration && c->requests) {
		fprintf(stderr, LOAD_PROG ": --duration and --requests together: give one\n");
		return -EINVAL;
	}
	if (have_limit && !c->requests) {
		fprintf(stderr,
			LOAD_PROG ": --time-limit applies to --requests (--duration is the window)\n");
		return -EINVAL;
	}
	if (c->requests)
		c->duration_s = 0;
	if (c->mode == LOAD_OPEN && !have_rate) {
		fprintf(stderr, LOAD_PROG ": --mode open needs --rate R\n");
		return -EINVAL;
	}
	if (c->mode == LOAD_CLOSED && have_rate) {
		fprintf(stderr, LOAD_PROG ": --rate applies to --mode open (closed mode sends as fast as "
					  "answers come)\n");
		return -EINVAL;
	}
	if (c->mode == LOAD_CLOSED && have_arrivals) {
		fprintf(stderr, LOAD_PROG ": --arrivals applies to --mode open\n");
		return -EINVAL;
	}
	if (c->conn_close && c->pipeline > 1) {
		fprintf(stderr,
			LOAD_PROG ": --pipeline %d with --connection-close: one request per "
				  "connection cannot be pipelined\n",
			c->pipeline);
		return -EINVAL;
	}
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set))
		CPU_ZERO(&set);
	for (int i = 0; i < c->ncpus; i++)
		if (!CPU_ISSET(c->cpus[i], &set)) {
			fprintf(stderr, LOAD_PROG ": --cpus: CPU %d is not one this process may run on\n",
				c->cpus[i]);
			return -EINVAL;
		}
	if (!c->ncpus) {
		for (int i = 0; i < CPU_SETSIZE && c->ncpus < LOAD_MAX_THREADS; i++)
			if (CPU_ISSET(i, &set))
				c->cpus[c->ncpus++] = i;
		if (!c->ncpus)
			c->cpus[c->ncpus++] = 0;
	}
	/* a thread without a connection would only spin */
	if (c->ncpus > c->connections)
		c->ncpus = c->connections;
	return 0;
}
