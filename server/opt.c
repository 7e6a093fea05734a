/* opt: options, checked before anything starts; a bad one is named. */
#include "opt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cork.h"
#include "ev.h"
#include "srv.h"
#include "tx.h"

#define PROG "wirelab-httpd"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " --root DIR [--listen ADDR:PORT] [options]\n"
		"\n"
		"%s"
		"\n"
		"  --root DIR            serve files beneath DIR (required)\n"
		"  --listen ADDR:PORT    address to listen on (default 127.0.0.1:8080;\n"
		"                        port 0 picks a free port, printed at start-up)\n"
		"  --threads N           worker threads, one listener and loop each\n"
		"                        (default: one per CPU in --cpus or the affinity mask)\n"
		"  --cpus LIST           pin thread i to the i-th CPU of LIST, e.g. 0,2-3\n"
		"  --access-log FILE     append an access log (buffered, written in chunks)\n"
		"  --idle-timeout SEC    close idle keep-alive and stalled connections (default 15)\n"
		"  --header-timeout SEC  a request head must arrive within SEC (default 10)\n"
		"  --cache-entries N     open-file cache entries per thread (default 1024)\n"
		"  --cert FILE --key FILE [--tls-version 1.2|1.3] [--ciphers LIST]\n"
		"                        TLS (tls and ktls variants)\n"
		"  --sqpoll              io_uring SQPOLL thread (uring variants)\n"
		"  --zerocopy-min BYTES  zerocopy variants: bodies smaller than this are sent the\n"
		"                        ordinary way (default 10240; the kernel docs: zero-copy\n"
		"                        pays only above about 10 KB)\n"
		"                        SIGUSR1 prints a stats line (zero-copy sends, copied)\n"
		"  --version             print the variant's four axes\n"
		"  --help                this text\n",
		WL_FLOOR ? "A floor, built as " WL_VARIANT ": not a web server. It answers GET /f<N>\n"
			   "with N bytes from memory and 400 to anything else (--root is required\n"
			   "but not read).\n"
			 : "A static-file HTTP/1.1 server, built as variant " WL_VARIANT ".\n");
}

static void version(void)
{
	printf(PROG " " WL_VARIANT "\n");
	const char *send = tx_describe_send();

	if (WL_FLOOR) /* says what it is before anything reads it as a server */
		printf("floor: not a web server: answers GET /f<N> HTTP/1.1 with N bytes held in memory, "
		       "one response per request head (headers not read, no file, no Date), 400 and close "
		       "for anything else; the reference a variant's cost is measured against "
		       "(docs/floor.md)\n");

	printf("loop: %s\n", ev_describe_loop());
	/* a transport that builds the records itself has one send path whatever the loop */
	printf("send: %s\n", send ? send : ev_describe_send());
	printf("cork: %s\n", cork_describe());
	printf("tls: %s\n", tx_describe());
}

int opt_parse_cpus(const char *s, int *cpus, int max)
{
	int n = 0;

	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b;
		if (end == s || a < 0 || a >= CPU_SETSIZE)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b >= CPU_SETSIZE)
				return -1;
		}
		for (; a <= b; a++) {
			if (n >= max)
				return -1;
			cpus[n++] = (int)a;
		}
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return n;
}

static int parse_listen(const char *s)
{
	char host[256];
	const char *colon = strrchr(s, ':');
	char *end;
	long port;
	size_t hl;

	if (!colon)
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || *end || port < 0 || port > 65535)
		return -1;
	hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(&srv_cfg.addr, 0, sizeof(srv_cfg.addr));
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&srv_cfg.addr;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return -1;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		srv_cfg.addrlen = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&srv_cfg.addr;
		if (hl == 0 || !strcmp(host, "*"))
			strcpy(host, "0.0.0.0");
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -1;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		srv_cfg.addrlen = sizeof(*a4);
	}
	return 0;
}

static int parse_int(const char *opt, const char *v, int lo, int hi, int *out)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi) {
		fprintf(stderr, PROG ": %s '%s': expected a whole number from %d to %d\n", opt, v, lo, hi);
		return -1;
	}
	*out = (int)x;
	return 0;
}

enum {
	O_ROOT = 256,
	O_LISTEN,
	O_THREADS,
	O_CPUS,
	O_ALOG,
	O_IDLE,
	O_HDR,
	O_CACHE,
	O_CERT,
	O_KEY,
	O_TLSVER,
	O_CIPHERS,
	O_SQPOLL,
	O_ZCMIN,
	O_VERSION,
	O_HELP,
};

static const struct option longopts[] = {
	{"root", required_argument, 0, O_ROOT},
	{"listen", required_argument, 0, O_LISTEN},
	{"threads", required_argument, 0, O_THREADS},
	{"cpus", required_argument, 0, O_CPUS},
	{"access-log", required_argument, 0, O_ALOG},
	{"idle-timeout", required_argument, 0, O_IDLE},
	{"header-timeout", required_argument, 0, O_HDR},
	{"cache-entries", required_argument, 0, O_CACHE},
	{"cert", required_argument, 0, O_CERT},
	{"key", required_argument, 0, O_KEY},
	{"tls-version", required_argument, 0, O_TLSVER},
	{"ciphers", required_argument, 0, O_CIPHERS},
	{"sqpoll", no_argument, 0, O_SQPOLL},
	{"zerocopy-min", required_argument, 0, O_ZCMIN},
	{"version", no_argument, 0, O_VERSION},
	{"help", no_argument, 0, O_HELP},
	{0, 0, 0, 0},
};

int opt_parse(int argc, char **argv)
{
	int o, secs, threads = 0;
	const char *tls_opt = NULL;

	srv_cfg.listen = "127.0.0.1:8080";
	srv_cfg.alog_fd = -1;
	srv_cfg.root_fd = -1;
	srv_cfg.idle_timeout_ms = 15000;
	srv_cfg.header_timeout_ms = 10000;
	srv_cfg.cache_entries = 1024;
	srv_cfg.tls_version = 13;
	/* Documentation/networking/msg_zerocopy.rst: "MSG_ZEROCOPY is
	 * generally only effective at writes over around 10 KB" (page pinning
	 * and the notification cost more than a small copy) */
	srv_cfg.zerocopy_min = 10240;

	opterr = 0;
	while ((o = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (o) {
		case O_ROOT:
			srv_cfg.root = optarg;
			break;
		case O_LISTEN:
			srv_cfg.listen = optarg;
			break;
		case O_THREADS:
			if (parse_int("--threads", optarg, 1, SRV_MAX_THREADS, &threads))
				return -1;
			break;
		case O_CPUS:
			srv_cfg.ncpus = opt_parse_cpus(optarg, srv_cfg.cpus, SRV_MAX_THREADS);
			if (srv_cfg.ncpus <= 0) {
				fprintf(stderr, PROG ": --cpus '%s': expected a list such as 0,2-3\n",
					optarg);
				return -1;
			}
			break;
		case O_ALOG:
			srv_cfg.access_log = optarg;
			break;
		case O_IDLE:
			if (parse_int("--idle-timeout", optarg, 1, 86400, &secs))
				return -1;
			srv_cfg.idle_timeout_ms = secs * 1000;
			break;
		case O_HDR:
			if (parse_int("--header-timeout", optarg, 1, 3600, &secs))
				return -1;
			srv_cfg.header_timeout_ms = secs * 1000;
			break;
		case O_CACHE:
			if (parse_int("--cache-entries", optarg, 1, 1 << 20, &srv_cfg.cache_entries))
				return -1;
			break;
		case O_CERT:
			srv_cfg.cert = optarg;
			tls_opt = "--cert";
			break;
		case O_KEY:
			srv_cfg.key = optarg;
			tls_opt = "--key";
			break;
		case O_CIPHERS:
			srv_cfg.ciphers = optarg;
			tls_opt = "--ciphers";
			break;
		case O_TLSVER:
			tls_opt = "--tls-version";
			if (!strcmp(optarg, "1.2"))
				srv_cfg.tls_version = 12;
			else if (!strcmp(optarg, "1.3"))
				srv_cfg.tls_version = 13;
			else {
				fprintf(stderr, PROG ": --tls-version '%s': expected 1.2 or 1.3\n", optarg);
				return -1;
			}
			break;
		case O_SQPOLL:
			if (!WL_LOOP_URING) {
				fprintf(stderr, PROG
					": --sqpoll: only for uring variants (this is " WL_VARIANT ")\n");
				return -1;
			}
			srv_cfg.sqpoll = 1;
			break;
		case O_ZCMIN: {
			char *end;
			unsigned long long v;

			if (!WL_SEND_ZEROCOPY) {
				fprintf(stderr, PROG
					": --zerocopy-min: only for zerocopy variants (this is " WL_VARIANT
					")\n");
				return -1;
			}
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-') {
				fprintf(stderr, PROG ": --zerocopy-min '%s': expected a size in bytes\n",
					optarg);
				return -1;
			}
			srv_cfg.zerocopy_min = v;
			break;
		}
		case O_VERSION:
			version();
			return 1;
		case O_HELP:
			usage(stdout);
			return 1;
		case ':':
			fprintf(stderr, PROG ": option '%s' needs a value\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, PROG ": unknown option '%s' (see --help)\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s' (see --help)\n", argv[optind]);
		return -1;
	}
	if (tls_opt && WL_TLS_PLAIN) {
		fprintf(stderr, PROG ": %s: only for tls and ktls variants (this is " WL_VARIANT ")\n",
			tls_opt);
		return -1;
	}
	if (!WL_TLS_PLAIN && (!srv_cfg.cert || !srv_cfg.key)) {
		fprintf(stderr, PROG ": --cert and --key are required by " WL_VARIANT "\n");
		return -1;
	}
	if (!srv_cfg.root) {
		fprintf(stderr, PROG ": --root DIR is required (see --help)\n");
		return -1;
	}
	srv_cfg.root_fd = open(srv_cfg.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (srv_cfg.root_fd < 0) {
		fprintf(stderr, PROG ": --root '%s': %s\n", srv_cfg.root, strerror(errno));
		return -1;
	}
	if (faccessat(srv_cfg.root_fd, ".", R_OK | X_OK, 0) < 0) {
		fprintf(stderr, PROG ": --root '%s': %s\n", srv_cfg.root, strerror(errno));
		return -1;
	}
	if (parse_listen(srv_cfg.listen) < 0) {
		fprintf(stderr, PROG ": --listen '%s': expected ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:0\n",
			srv_cfg.listen);
		return -1;
	}
	if (!srv_cfg.ncpus) {
		/* the CPUs this process may run on (taskset, cgroups) */
		cpu_set_t set;
		int i;
		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			for (i = 0; i < CPU_SETSIZE && srv_cfg.ncpus < SRV_MAX_THREADS; i++)
				if (CPU_ISSET(i, &set))
					srv_cfg.cpus[srv_cfg.ncpus++] = i;
		if (!srv_cfg.ncpus)
			srv_cfg.cpus[srv_cfg.ncpus++] = 0;
	}
	srv_cfg.threads = threads ? threads : srv_cfg.ncpus;
	if (srv_cfg.access_log) {
		srv_cfg.alog_fd = open(srv_cfg.access_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (srv_cfg.alog_fd < 0) {
			fprintf(stderr, PROG ": --access-log '%s': %s\n", srv_cfg.access_log,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}
