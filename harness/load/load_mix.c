/*
 * load_mix: reads a workload file into files and weights (see load_mix.h),
 * derives them from a combined access log, and writes a docroot.
 *
 * From a log: every GET answered 200 with a byte count is a hit on its
 * path; a path's size is the largest count seen for it, its weight its
 * hits; the `files` most-hit paths are kept. Requests per connection: the
 * log has no connection id, so a client (address and user agent) is taken
 * to keep one connection while its requests come less than `keepalive`
 * seconds apart (Apache's KeepAliveTimeout default, 5 s), and every such
 * run of requests is one connection of that many requests.
 */
#include "load_mix.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "load.h"

#define MIX_WEIGHT_UNIT 1000000 /* weights are fixed point, so 0.5 works */

int load_mix_size(const char *s, uint64_t *out)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(s, &end);
	if (end == s || errno || x < 0 || !isfinite(x))
		return -EINVAL;
	if (!strcmp(end, "k") || !strcmp(end, "K") || !strcmp(end, "KiB") || !strcmp(end, "kiB"))
		x *= 1024;
	else if (!strcmp(end, "m") || !strcmp(end, "M") || !strcmp(end, "MiB"))
		x *= 1024 * 1024;
	else if (!strcmp(end, "g") || !strcmp(end, "G") || !strcmp(end, "GiB"))
		x *= 1024.0 * 1024 * 1024;
	else if (*end && strcmp(end, "B"))
		return -EINVAL;
	if (x != floor(x) || x > 64.0 * 1024 * 1024 * 1024)
		return -EINVAL;
	*out = (uint64_t)x;
	return 0;
}

static int add_file(struct load_mix *m, size_t *cap, int line, size_t i, uint64_t size, uint64_t weight)
{
	if (load_grow(&m->files, cap, m->nfiles, sizeof(*m->files)))
		return -ENOMEM;
	struct load_mix_file *f = &m->files[m->nfiles++];
	snprintf(f->name, sizeof(f->name), "w/L%d-%zu-%llu", line, i, (unsigned long long)size);
	f->size = size;
	f->weight = weight ? weight : 1;
	return 0;
}

/* a string -> index table for the log's paths and clients */
struct mix_map {
	char **keys;
	size_t *vals;
	size_t cap, n;
};

static size_t *map_get(struct mix_map *mp, const char *key, size_t len, int *fresh)
{
	if (mp->n * 2 >= mp->cap) {
		struct mix_map g = {.cap = mp->cap ? mp->cap * 2 : 1024};
		g.keys = calloc(g.cap, sizeof(*g.keys));
		g.vals = calloc(g.cap, sizeof(*g.vals));
		if (!g.keys || !g.vals) {
			free(g.keys);
			free(g.vals);
			return NULL;
		}
		for (size_t i = 0; i < mp->cap; i++) {
			if (!mp->keys[i])
				continue;
			size_t j = XXH3_64bits(mp->keys[i], strlen(mp->keys[i])) & (g.cap - 1);
			while (g.keys[j])
				j = (j + 1) & (g.cap - 1);
			g.keys[j] = mp->keys[i];
			g.vals[j] = mp->vals[i];
		}
		free(mp->keys);
		free(mp->vals);
		g.n = mp->n;
		*mp = g;
	}
	size_t j = XXH3_64bits(key, len) & (mp->cap - 1);
	while (mp->keys[j]) {
		if (!strncmp(mp->keys[j], key, len) && !mp->keys[j][len]) {
			*fresh = 0;
			return &mp->vals[j];
		}
		j = (j + 1) & (mp->cap - 1);
	}
	if (!(mp->keys[j] = strndup(key, len)))
		return NULL;
	mp->n++;
	*fresh = 1;
	mp->vals[j] = 0;
	return &mp->vals[j];
}

static void map_free(struct mix_map *mp)
{
	for (size_t i = 0; i < mp->cap; i++)
		free(mp->keys[i]);
	free(mp->keys);
	free(mp->vals);
}

struct log_path {
	uint64_t hits, size;
};
struct log_client {
	time_t last;
	uint32_t reqs;
};

static int cmp_hits(const void *a, const void *b)
{
	const struct log_path *x = a, *y = b;
	return x->hits < y->hits ? 1 : x->hits > y->hits ? -1 : (x->size > y->size) - (x->size < y->size);
}

/* [10/Oct/2000:13:55:36 -0700] -> seconds since the epoch */
static int log_time(const char *s, time_t *out)
{
	struct tm tm;
	const char *e;
	int off;

	memset(&tm, 0, sizeof(tm));
	e = strptime(s, "%d/%b/%Y:%H:%M:%S", &tm);
	if (!e || sscanf(e, " %d", &off) != 1)
		return -EINVAL;
	*out = timegm(&tm) - ((off / 100) * 3600 + (off % 100) * 60);
	return 0;
}

static int rpc_add(uint64_t **hist, size_t *n, uint32_t k)
{
	if (k >= *n) {
		size_t nn = k + 64;
		uint64_t *h = realloc(*hist, nn * sizeof(*h));
		if (!h)
			return -ENOMEM;
		memset(h + *n, 0, (nn - *n) * sizeof(*h));
		*hist = h;
		*n = nn;
	}
	(*hist)[k]++;
	return 0;
}

static int read_log(const char *wl, int wline, const char *path, size_t maxfiles, double keepalive,
		    struct load_mix *m, size_t *cap)
{
	FILE *f = fopen(path, "r");
	struct mix_map paths = {0}, clients = {0};
	struct log_path *pv = NULL;
	struct log_client *cv = NULL;
	size_t pcap = 0, ccap = 0, np = 0, nc = 0, lineno = 0, used = 0, nhist = 0;
	uint64_t *hist = NULL;
	char *line = NULL;
	size_t lcap = 0;
	int rc = -EINVAL, fresh;

	if (!f) {
		fprintf(stderr, LOAD_PROG ": %s:%d: log '%s': %s\n", wl, wline, path, strerror(errno));
		return -EINVAL;
	}
	while (getline(&line, &lcap, f) > 0) {
		char *q1, *q2, *br, *ua = NULL, *sp;
		char method[16], rpath[4096];
		int status;
		long long bytes = -1;
		time_t t;
		size_t *slot;

		lineno++;
		/* IP - USER [TIME] "METHOD PATH PROTO" STATUS BYTES "REF" "UA" */
		br = strchr(line, '[');
		q1 = strchr(line, '"');
		q2 = q1 ? strchr(q1 + 1, '"') : NULL;
		if (!br || !q1 || !q2 || br > q1 || log_time(br + 1, &t) ||
		    sscanf(q1 + 1, "%15s %4095s", method, rpath) != 2 ||
		    sscanf(q2 + 1, " %d %lld", &status, &bytes) < 1) {
			fprintf(stderr, LOAD_PROG ": %s:%zu: not a combined log line (from %s:%d)\n", path,
				lineno, wl, wline);
			goto cleanup;
		}
		/* the client: address and user agent (the last quoted field) */
		sp = strchr(line, ' ');
		char *last = strrchr(line, '"');
		if (last && last > q2) {
			*last = '\0';
			ua = strrchr(line, '"');
		}
		char key[512];
		int kl = snprintf(key, sizeof(key), "%.*s|%s", (int)(sp ? sp - line : 0), line,
				  ua && ua > q2 ? ua + 1 : "");
		if (kl >= (int)sizeof(key))
			kl = sizeof(key) - 1;
		if (!(slot = map_get(&clients, key, (size_t)kl, &fresh)))
			goto oom;
		if (fresh) {
			if (load_grow(&cv, &ccap, nc, sizeof(*cv)))
				goto oom;
			*slot = nc;
			cv[nc++] = (struct log_client){.last = t, .reqs = 0};
		}
		struct log_client *c = &cv[*slot];
		if (c->reqs && difftime(t, c->last) > keepalive) {
			if (rpc_add(&hist, &nhist, c->reqs))
				goto oom;
			c->reqs = 0;
		}
		c->reqs++;
		c->last = t;
		if (strcmp(method, "GET") || status != 200 || bytes < 0)
			continue;
		used++;
		if (!(slot = map_get(&paths, rpath, strlen(rpath), &fresh)))
			goto oom;
		if (fresh) {
			if (load_grow(&pv, &pcap, np, sizeof(*pv)))
				goto oom;
			*slot = np;
			pv[np++] = (struct log_path){0};
		}
		pv[*slot].hits++;
		if ((uint64_t)bytes > pv[*slot].size)
			pv[*slot].size = (uint64_t)bytes;
	}
	if (!used) {
		fprintf(stderr, LOAD_PROG ": %s:%d: log '%s' has no GET answered 200 with a size\n", wl,
			wline, path);
		goto cleanup;
	}
	for (size_t i = 0; i < nc; i++)
		if (cv[i].reqs && rpc_add(&hist, &nhist, cv[i].reqs))
			goto oom;
	qsort(pv, np, sizeof(*pv), cmp_hits);
	for (size_t i = 0; i < np && i < maxfiles; i++)
		if (add_file(m, cap, wline, i, pv[i].size, pv[i].hits * MIX_WEIGHT_UNIT))
			goto oom;
	for (size_t k = 1; k < nhist; k++) {
		if (!hist[k])
			continue;
		uint32_t *r = realloc(m->rpc, (m->nrpc + 1) * sizeof(*r));
		if (r)
			m->rpc = r;
		uint64_t *cu = realloc(m->rpc_cum, (m->nrpc + 1) * sizeof(*cu));
		if (cu)
			m->rpc_cum = cu;
		if (!r || !cu)
			goto oom;
		m->rpc[m->nrpc] = (uint32_t)k;
		m->rpc_cum[m->nrpc] = (m->nrpc ? m->rpc_cum[m->nrpc - 1] : 0) + hist[k];
		m->nrpc++;
	}
	rc = 0;
	goto cleanup;
oom:
	fprintf(stderr, LOAD_PROG ": out of memory reading '%s'\n", path);
	rc = -ENOMEM;
cleanup:
	free(line);
	free(pv);
	free(cv);
	free(hist);
	map_free(&paths);
	map_free(&clients);
	fclose(f);
	return rc;
}

/* "files=N" or "keepalive=S" options after a line's fields */
static int line_opt(const char *tok, long *files, double *keepalive)
{
	char *end;

	if (!strncmp(tok, "files=", 6)) {
		*files = strtol(tok + 6, &end, 10);
		return (*end || *files < 1 || *files > 10000000) ? -EINVAL : 0;
	}
	if (keepalive && !strncmp(tok, "keepalive=", 10)) {
		*keepalive = strtod(tok + 10, &end);
		return (*end || !(*keepalive >= 0)) ? -EINVAL : 0;
	}
	return -EINVAL;
}

int load_mix_read(const char *path, uint64_t seed, struct load_mix *m)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t cap = 0;
	int lineno = 0, rc = -EINVAL;
	uint64_t rng = seed * 0x2545f4914f6cdd1dull + 1;

	memset(m, 0, sizeof(*m));
	if (!f) {
		fprintf(stderr, LOAD_PROG ": --workload '%s': %s\n", path, strerror(errno));
		return -EINVAL;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *tok[8], *save = NULL, *s;
		int nt = 0;

		lineno++;
		if (!strchr(buf, '\n') && !feof(f)) {
			fprintf(stderr, LOAD_PROG ": %s:%d: line longer than %zu bytes\n", path, lineno,
				sizeof(buf) - 2);
			goto cleanup;
		}
		if ((s = strchr(buf, '#')))
			*s = '\0';
		for (s = strtok_r(buf, " \t\r\n", &save); s && nt < 8; s = strtok_r(NULL, " \t\r\n", &save))
			tok[nt++] = s;
		if (!nt)
			continue;
		if (!strcmp(tok[0], "log:")) {
			long files = 10000;
			double keepalive = 5;
			if (nt < 2) {
				fprintf(stderr, LOAD_PROG ": %s:%d: 'log:' needs a file\n", path, lineno);
				goto cleanup;
			}
			for (int i = 2; i < nt; i++)
				if (line_opt(tok[i], &files, &keepalive)) {
					fprintf(stderr,
						LOAD_PROG
						": %s:%d: '%s': expected files=N or keepalive=SECONDS\n",
						path, lineno, tok[i]);
					goto cleanup;
				}
			if (m->nrpc) {
				fprintf(stderr,
					LOAD_PROG ": %s:%d: a second 'log:' line (one log per workload)\n",
					path, lineno);
				goto cleanup;
			}
			/* a relative log path is relative to the workload file */
			char lp[4096];
			const char *slash = strrchr(path, '/');
			if (tok[1][0] != '/' && slash)
				snprintf(lp, sizeof(lp), "%.*s/%s", (int)(slash - path), path, tok[1]);
			else
				snprintf(lp, sizeof(lp), "%s", tok[1]);
			if ((rc = read_log(path, lineno, lp, (size_t)files, keepalive, m, &cap)))
				goto cleanup;
			rc = -EINVAL;
			continue;
		}
		uint64_t lo, hi;
		char *dash = strchr(tok[0], '-'), *end;
		double weight;
		long files = -1;
		if (dash)
			*dash = '\0';
		if (load_mix_size(tok[0], &lo) || (dash && (load_mix_size(dash + 1, &hi) || hi < lo))) {
			if (dash)
				*dash = '-';
			fprintf(stderr,
				LOAD_PROG ": %s:%d: '%s': expected SIZE or SIZE-SIZE (bytes, or with k, m, "
					  "KiB, MiB), e.g. 1k or 4k-64k\n",
				path, lineno, tok[0]);
			goto cleanup;
		}
		if (!dash)
			hi = lo;
		if (nt < 2) {
			fprintf(stderr, LOAD_PROG ": %s:%d: expected 'SIZE WEIGHT', the weight is missing\n",
				path, lineno);
			goto cleanup;
		}
		weight = strtod(tok[1], &end);
		if (*end || !(weight > 0) || weight > 1e9) {
			fprintf(stderr, LOAD_PROG ": %s:%d: weight '%s': expected a number above 0\n", path,
				lineno, tok[1]);
			goto cleanup;
		}
		for (int i = 2; i < nt; i++)
			if (line_opt(tok[i], &files, NULL)) {
				fprintf(stderr, LOAD_PROG ": %s:%d: '%s': expected files=N\n", path, lineno,
					tok[i]);
				goto cleanup;
			}
		if (files < 0)
			files = dash ? 16 : 1;
		uint64_t each = (uint64_t)(weight * MIX_WEIGHT_UNIT / (double)files);
		for (long i = 0; i < files; i++) {
			uint64_t size = lo + (hi > lo ? load_rng_next(&rng) % (hi - lo + 1) : 0);
			if (add_file(m, &cap, lineno, (size_t)i, size, each)) {
				fprintf(stderr, LOAD_PROG ": out of memory reading '%s'\n", path);
				goto cleanup;
			}
		}
	}
	if (!m->nfiles) {
		fprintf(stderr, LOAD_PROG ": --workload '%s': no sizes (expected lines 'SIZE WEIGHT')\n",
			path);
		goto cleanup;
	}
	rc = 0;
cleanup:
	fclose(f);
	if (rc)
		load_mix_free(m);
	return rc;
}

void load_mix_free(struct load_mix *m)
{
	free(m->files);
	free(m->rpc);
	free(m->rpc_cum);
	memset(m, 0, sizeof(*m));
}

int load_mix_make_docroot(const char *dir, const struct load_mix *m, uint64_t seed)
{
	char path[4096], buf[65536];
	uint64_t written = 0, kept = 0, bytes = 0;

	snprintf(path, sizeof(path), "%s/w", dir);
	if ((mkdir(dir, 0755) && errno != EEXIST) || (mkdir(path, 0755) && errno != EEXIST)) {
		fprintf(stderr, LOAD_PROG ": --make-docroot '%s': %s\n", path, strerror(errno));
		return -errno;
	}
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct load_mix_file *mf = &m->files[i];
		struct stat st;
		uint64_t rng = seed ^ XXH3_64bits(mf->name, strlen(mf->name)), left = mf->size;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, mf->name);
		bytes += mf->size;
		if (!stat(path, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_size == mf->size) {
			kept++;
			continue;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			goto fail;
		while (left) {
			size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
			for (size_t k = 0; k < n; k += 8) {
				uint64_t v = load_rng_next(&rng);
				memcpy(buf + k, &v, n - k < 8 ? n - k : 8);
			}
			if (write(fd, buf, n) != (ssize_t)n) {
				close(fd);
				goto fail;
			}
			left -= n;
		}
		if (close(fd))
			goto fail;
		written++;
	}
	printf("%s: %zu files, %llu bytes (%llu written, %llu already there)\n", dir, m->nfiles,
	       (unsigned long long)bytes, (unsigned long long)written, (unsigned long long)kept);
	return 0;
fail:
	fprintf(stderr, LOAD_PROG ": --make-docroot '%s': %s\n", path, strerror(errno ? errno : EIO));
	return -EIO;
}
