/*
 * wirelab-load: an HTTP/1.1 load generator, closed loop or open loop
 * (docs/load.md). Exit status: 0 when the run was measured and some
 * request succeeded, 1 when it could not be made (no server, nothing
 * answered), 2 for bad input.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "load.h"
#include "load_mix.h"

/* one blocking connect before the threads start, so a server that is not
 * there is said once, plainly, instead of as a storm of connect errors */
static int probe(const struct load_cfg *cfg, const struct load_work *w)
{
	int fd = socket(w->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err = 0;
	socklen_t l = sizeof(err);
	struct pollfd p;

	if (fd < 0) {
		fprintf(stderr, LOAD_PROG ": socket: %s\n", strerror(errno));
		return -errno;
	}
	if (connect(fd, (const struct sockaddr *)&w->addr, w->addrlen) && errno != EINPROGRESS)
		err = errno;
	if (!err) {
		p = (struct pollfd){.fd = fd, .events = POLLOUT};
		if (poll(&p, 1, (int)(cfg->timeout_s * 1000)) != 1)
			err = ETIMEDOUT;
		else
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
	}
	close(fd);
	if (err)
		fprintf(stderr, LOAD_PROG ": cannot connect to %s (%s): %s\n", w->authority, w->describe,
			strerror(err));
	return -err;
}

/* every connection is a descriptor: raise the soft limit to the hard one */
static void raise_nofile(int need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= (rlim_t)need + 64)
		return;
	rl.rlim_cur = rl.rlim_max < (rlim_t)need + 64 ? rl.rlim_max : (rlim_t)need + 64;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* --describe: what a workload holds, for the sweep (which names a mix and
 * gives its mean size) and for people checking a file before a run */
static int describe(const struct load_cfg *cfg)
{
	struct load_mix m;
	double wsum = 0, bsum = 0;
	uint64_t bytes = 0;

	if (load_mix_read(cfg->workload, cfg->seed, &m))
		return LOAD_EXIT_USAGE;
	for (size_t i = 0; i < m.nfiles; i++) {
		wsum += (double)m.files[i].weight;
		bsum += (double)m.files[i].weight * (double)m.files[i].size;
		bytes += m.files[i].size;
	}
	json_t *o =
		json_pack("{s:s,s:I,s:I,s:f,s:o}", "workload", cfg->workload, "files", (json_int_t)m.nfiles,
			  "bytes", (json_int_t)bytes, "mean_body_bytes", wsum > 0 ? round(bsum / wsum) : 0.0,
			  "requests_per_connection", m.nrpc ? json_string("from the log") : json_null());
	char *text = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
	if (text)
		puts(text);
	free(text);
	json_decref(o);
	load_mix_free(&m);
	return fflush(stdout) ? LOAD_EXIT_FAIL : 0;
}

int main(int argc, char **argv)
{
	struct load_cfg cfg;
	struct load_work w;
	struct load_result *r = NULL;
	int rc;

	if (load_opts_parse(argc, argv, &cfg))
		return LOAD_EXIT_USAGE;
	signal(SIGPIPE, SIG_IGN);
	if (cfg.nmerge)
		return load_merge_main(&cfg);
	if (cfg.describe)
		return describe(&cfg);
	if (cfg.make_docroot) {
		struct load_mix m;
		if (load_mix_read(cfg.workload, cfg.seed, &m))
			return LOAD_EXIT_USAGE;
		rc = load_mix_make_docroot(cfg.make_docroot, &m, cfg.seed);
		load_mix_free(&m);
		return rc ? LOAD_EXIT_FAIL : 0;
	}
	if (load_work_init(&cfg, &w)) {
		load_work_free(&w);
		return LOAD_EXIT_USAGE;
	}
	raise_nofile(cfg.connections);
	rc = LOAD_EXIT_FAIL;
	if (probe(&cfg, &w))
		goto cleanup;
	if (!(r = calloc(1, sizeof(*r)))) {
		fprintf(stderr, LOAD_PROG ": out of memory\n");
		goto cleanup;
	}
	if ((rc = load_run(&cfg, &w, r))) {
		rc = rc == -EINVAL ? LOAD_EXIT_USAGE : LOAD_EXIT_FAIL;
		goto cleanup;
	}
	if (load_out_print(&cfg, &w, r)) {
		fprintf(stderr, LOAD_PROG ": cannot write the result: %s\n", strerror(errno));
		rc = LOAD_EXIT_FAIL;
		goto cleanup;
	}
	rc = 0;
	if (r->time_limit_hit)
		fprintf(stderr,
			LOAD_PROG
			": --requests %llu: stopped at the %g s time limit (--time-limit) with %llu "
			"answered\n",
			(unsigned long long)cfg.requests, cfg.time_limit_s,
			(unsigned long long)r->s.requests);
	if (!r->s.requests) {
		fprintf(stderr, LOAD_PROG ": no request succeeded\n");
		rc = LOAD_EXIT_FAIL;
	}
cleanup:
	free(r);
	load_work_free(&w);
	return rc;
}
