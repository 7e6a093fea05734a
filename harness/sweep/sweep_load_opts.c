/*
 * sweep_load_opts: --load, --rates and --workload, checked with the other
 * options before a namespace or a process exists. A workload file is read
 * by the wirelab-load that will run it (--describe), so a line it cannot
 * parse is named as FILE:LINE by the parser that matters, and the sweep
 * learns the mix's mean size (its size_bytes) from the same reading.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep_load.h"
#include "sweep_opts.h"

const char *const sweep_load_names[3] = {"wrk", "closed", "open"};

/* Open mode's rates are at most this many times the closed-mode capacity
 * (a typo such as 1100% would only measure a queue) and this many
 * requests/s in absolute terms (far above what one client host sends). */
#define RATE_MAX_SHARE 10.0
#define RATE_MAX_RPS   1e8

/* One --rates item: 20000, 20k, 1.5m, or 50% (of the capacity). */
static int parse_rate(const char *s, struct sweep_rate *r, char *err, size_t errlen)
{
	char *end;
	double x;

	memset(r, 0, sizeof(*r));
	errno = 0;
	x = strtod(s, &end);
	if (end == s || errno || !isfinite(x) || strlen(s) >= sizeof(r->label))
		goto bad;
	snprintf(r->label, sizeof(r->label), "%s", s);
	if (!strcmp(end, "%")) {
		if (!(x > 0) || x / 100 > RATE_MAX_SHARE) {
			snprintf(err, errlen,
				 "--rates: '%s': a share of the closed-mode capacity must be above 0%% and "
				 "at most %.0f%%",
				 s, RATE_MAX_SHARE * 100);
			return -EINVAL;
		}
		r->share = x / 100;
		return 0;
	}
	if (*end == 'k' || *end == 'K')
		x *= 1e3, end++;
	else if (*end == 'm' || *end == 'M')
		x *= 1e6, end++;
	if (*end)
		goto bad;
	if (!(x >= 1) || x > RATE_MAX_RPS) {
		snprintf(err, errlen, "--rates: '%s': a rate must be at least 1 request/s (and at most %.0e)",
			 s, RATE_MAX_RPS);
		return -EINVAL;
	}
	r->rps = x;
	return 0;
bad:
	snprintf(err, errlen,
		 "--rates: '%s' is not a rate: expected requests/s (20000, 20k, 1.5m) or a share of the "
		 "cell's closed-mode capacity (50%%)",
		 s);
	return -EINVAL;
}

static int parse_rates(struct sweep_load_opts *l, const char *arg, char *err, size_t errlen)
{
	char *dup = strdup(arg), *save = NULL;
	int ret = 0;

	if (!dup)
		return -ENOMEM;
	l->nrates = 0;
	l->need_capacity = 0;
	if (!*arg || arg[strlen(arg) - 1] == ',' || *arg == ',' || strstr(arg, ",,")) {
		snprintf(err, errlen, "--rates '%s': an empty item (expected e.g. 20k,40k or 50%%,100%%)",
			 arg);
		ret = -EINVAL;
	}
	for (char *t = strtok_r(dup, ",", &save); !ret && t; t = strtok_r(NULL, ",", &save)) {
		struct sweep_rate r;
		if (l->nrates == SWEEP_MAX_RATES) {
			snprintf(err, errlen, "--rates: at most %d rates", SWEEP_MAX_RATES);
			ret = -EINVAL;
			break;
		}
		if ((ret = parse_rate(t, &r, err, errlen)))
			break;
		for (int i = 0; i < l->nrates; i++)
			if (!strcmp(l->rates[i].label, r.label) ||
			    (r.share ? r.share == l->rates[i].share : r.rps == l->rates[i].rps)) {
				snprintf(err, errlen, "--rates: '%s' is given twice", t);
				ret = -EINVAL;
			}
		if (ret)
			break;
		l->need_capacity |= r.share > 0;
		l->rates[l->nrates++] = r;
	}
	free(dup);
	return ret;
}

/* The mix's name: the file's name without its extension, which must be
 * fit for a CSV field, a folder and a plot's file name. */
static int mix_name(const char *path, char *name, size_t len, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	if (!n || n >= len ||
	    strspn(base, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") < n) {
		snprintf(err, errlen,
			 "--workload '%s': the file's name without its extension names the mix (the "
			 "workload column): it must be letters, digits, _ or - (at most %zu)",
			 path, len - 1);
		return -EINVAL;
	}
	snprintf(name, len, "%.*s", (int)n, base);
	return 0;
}

/* wirelab-load --describe --workload path: its JSON, or its message */
static int describe(const char *bin, struct sweep_mix *m, char *err, size_t errlen)
{
	char out[4096] = "", line[1024];
	int fds[2], status, ret = -EINVAL;
	FILE *f;
	pid_t pid;

	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!pid) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execl(bin, bin, "--describe", "--workload", m->path, (char *)NULL);
		printf("cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	while (f && fgets(line, sizeof(line), f))
		strncat(out, line, sizeof(out) - strlen(out) - 1);
	if (f)
		fclose(f);
	waitpid(pid, &status, 0);
	json_t *j = WIFEXITED(status) && !WEXITSTATUS(status) ? json_loads(out, 0, NULL) : NULL;
	if (!j) {
		out[strcspn(out, "\n")] = 0;
		/* wirelab-load's message names FILE:LINE and what is wrong */
		snprintf(err, errlen, "--workload '%s': %s", m->path,
			 !strncmp(out, "wirelab-load: ", 14) ? out + 14 : out);
		return ret;
	}
	m->mean_bytes = (long)json_number_value(json_object_get(j, "mean_body_bytes"));
	m->files = (long)json_integer_value(json_object_get(j, "files"));
	m->from_log = json_is_string(json_object_get(j, "requests_per_connection"));
	json_decref(j);
	return 0;
}

int sweep_load_opt(struct sweep_opts *o, int which, const char *arg, char *err, size_t errlen)
{
	struct sweep_load_opts *l = &o->load;

	switch (which) {
	case SWEEP_LOAD_OPT_LOAD:
		for (int k = 0; k < 3; k++)
			if (!strcmp(arg, sweep_load_names[k])) {
				l->kind = k;
				return 0;
			}
		snprintf(err, errlen, "--load '%s': expected wrk, closed or open", arg);
		return -EINVAL;
	case SWEEP_LOAD_OPT_RATES:
		l->rates_given = 1;
		return parse_rates(l, arg, err, errlen);
	case SWEEP_LOAD_OPT_WORKLOAD: {
		struct sweep_mix *m = &l->mixes[l->nmixes];
		if (l->nmixes == SWEEP_MAX_MIXES) {
			snprintf(err, errlen, "--workload: at most %d mixes", SWEEP_MAX_MIXES);
			return -EINVAL;
		}
		memset(m, 0, sizeof(*m));
		if (!realpath(arg, m->path)) {
			snprintf(err, errlen, "--workload '%s': %s", arg, strerror(errno));
			return -EINVAL;
		}
		if (mix_name(arg, m->name, sizeof(m->name), err, errlen))
			return -EINVAL;
		for (int i = 0; i < l->nmixes; i++)
			if (!strcmp(l->mixes[i].name, m->name)) {
				snprintf(err, errlen,
					 "--workload '%s': a mix named %s is already given (%s); the name is "
					 "the file's, without its extension",
					 arg, m->name, l->mixes[i].path);
				return -EINVAL;
			}
		l->nmixes++;
		return 0;
	}
	}
	return -EINVAL;
}

int sweep_load_check(struct sweep_opts *o, char *err, size_t errlen)
{
	struct sweep_load_opts *l = &o->load;
	char self[PATH_MAX];

	if (l->kind != SWEEP_LOAD_OPEN && l->rates_given) {
		snprintf(err, errlen,
			 "--rates applies to --load open (--load %s sends each request when an answer comes)",
			 sweep_load_names[l->kind]);
		return -EINVAL;
	}
	if (l->kind == SWEEP_LOAD_OPEN && !l->nrates) {
		snprintf(err, errlen,
			 "--load open needs --rates LIST: requests/s (20k,40k) or shares of the closed-mode "
			 "capacity (50%%,100%%)");
		return -EINVAL;
	}
	if (l->kind == SWEEP_LOAD_WRK) {
		if (l->nmixes) {
			snprintf(err, errlen,
				 "--workload needs --load closed or open (wrk fetches one URL; wirelab-load "
				 "sends the mix)");
			return -EINVAL;
		}
		return 0;
	}
	if (l->threads_given) {
		snprintf(err, errlen,
			 "--threads is wrk's: wirelab-load runs one thread per --client-cpus CPU (give more "
			 "CPUs for more threads)");
		return -EINVAL;
	}
	if (!l->bin[0]) {
		if (sweep_self_dir(self, sizeof(self)))
			snprintf(self, sizeof(self), "build");
		snprintf(l->bin, sizeof(l->bin), "%.4000s/wirelab-load", self);
	}
	if (access(l->bin, X_OK)) {
		snprintf(err, errlen, "--load %s: %s is not built (make build/wirelab-load)",
			 sweep_load_names[l->kind], l->bin);
		return -ENOENT;
	}
	for (int i = 0; i < l->nmixes; i++) {
		struct sweep_mix *m = &l->mixes[i];
		if (describe(l->bin, m, err, errlen))
			return -EINVAL;
		/* the client hosts get a copy of the workload file, not of the log
		 * it names (nor would its relative path hold there) */
		if (m->from_log && o->topology == TOPO_SSH) {
			snprintf(err, errlen,
				 "--workload '%s': derives its mix from an access log (a log: line), which "
				 "--topology ssh does not copy to the client hosts; give the sizes as "
				 "'SIZE WEIGHT' lines",
				 m->path);
			return -ENOTSUP;
		}
		if (o->topology == TOPO_VM && m->from_log) {
			snprintf(err, errlen,
				 "--workload '%s': derives its mix from an access log (a log: line), which "
				 "--topology vm does not copy into the guest",
				 m->path);
			return -ENOTSUP;
		}
	}
	return 0;
}
