/*
 * load_url: the target (one scheme://host:port for the whole run, resolved
 * once) and the request table: every URL, or every file of a --workload,
 * rendered once into the bytes sent. --verify hashes each file now, so the
 * run compares each body's hash as it streams in.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "load.h"
#include "load_mix.h"

struct url_parts {
	bool tls;
	char host[256], port[8];
	const char *path; /* into the URL: "/..." */
};

static int url_parse(const char *url, struct url_parts *u)
{
	const char *p, *h, *hend, *pend;
	size_t hl;

	memset(u, 0, sizeof(*u));
	if (!strncmp(url, "http://", 7)) {
		p = url + 7;
	} else if (!strncmp(url, "https://", 8)) {
		p = url + 8;
		u->tls = true;
	} else {
		fprintf(stderr, LOAD_PROG ": URL '%s': expected http:// or https://\n", url);
		return -EINVAL;
	}
	pend = p + strcspn(p, "/?#");
	if (*pend && *pend != '/') {
		fprintf(stderr, LOAD_PROG ": URL '%s': expected a path starting with / after the host\n",
			url);
		return -EINVAL;
	}
	h = p;
	if (*h == '[') {
		hend = memchr(h, ']', (size_t)(pend - h));
		if (!hend)
			goto bad;
		h++;
		p = hend + 1;
	} else {
		hend = memchr(h, ':', (size_t)(pend - h));
		if (!hend)
			hend = pend;
		p = hend;
	}
	hl = (size_t)(hend - h);
	if (!hl || hl >= sizeof(u->host))
		goto bad;
	memcpy(u->host, h, hl);
	if (strcspn(u->host, " @\t") != hl)
		goto bad;
	if (*p == ':') {
		size_t pl = (size_t)(pend - p - 1);
		char *end;
		long port;
		if (!pl || pl >= sizeof(u->port))
			goto bad;
		memcpy(u->port, p + 1, pl);
		port = strtol(u->port, &end, 10);
		if (*end || port < 1 || port > 65535)
			goto bad;
	} else if (p != pend) {
		goto bad;
	} else {
		strcpy(u->port, u->tls ? "443" : "80");
	}
	u->path = *pend ? pend : "/";
	if (strpbrk(u->path, " \t\r\n#")) {
		fprintf(stderr, LOAD_PROG ": URL '%s': the path has a space, control character or '#'\n",
			url);
		return -EINVAL;
	}
	return 0;
bad:
	fprintf(stderr, LOAD_PROG ": URL '%s': does not parse (expected http[s]://HOST[:PORT][/PATH])\n",
		url);
	return -EINVAL;
}

static int resolve(const char *url, const struct url_parts *u, struct load_work *w)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	int rc = getaddrinfo(u->host, u->port, &hints, &res);

	if (rc || !res) {
		fprintf(stderr, LOAD_PROG ": URL '%s': host '%s' does not resolve: %s\n", url, u->host,
			rc ? gai_strerror(rc) : "no address");
		return -EINVAL;
	}
	memcpy(&w->addr, res->ai_addr, res->ai_addrlen);
	w->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int add_req(struct load_work *w, size_t *cap, const char *path, uint64_t weight, bool conn_close)
{
	struct load_req *r;
	int n;

	if (load_grow(&w->reqs, cap, w->nreqs, sizeof(*w->reqs)))
		return -ENOMEM;
	r = &w->reqs[w->nreqs];
	memset(r, 0, sizeof(*r));
	r->expect_len = -1;
	r->path = strdup(path);
	n = asprintf(&r->text, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", path, w->authority,
		     conn_close ? "Connection: close\r\n" : "");
	if (!r->path || n < 0) {
		free(r->path);
		return -ENOMEM;
	}
	r->len = (uint32_t)n;
	w->total_weight += weight;
	r->cum = w->total_weight;
	w->nreqs++;
	return 0;
}

/* the hash --verify compares: XXH3-64 over the body, streamed */
static int hash_file(const char *dir, struct load_req *r)
{
	char path[4096];
	const char *p = r->path;
	size_t pl = strcspn(p, "?");
	struct stat st;
	int fd = -1, rc = -EINVAL;
	void *m = NULL;

	if (strstr(p, "/..") || strchr(p, '%')) {
		fprintf(stderr, LOAD_PROG ": --verify: cannot map '%s' to a file (.. or %%-escapes)\n", p);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s%.*s%s", dir, (int)pl, p, p[pl - 1] == '/' ? "index.html" : "");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, LOAD_PROG ": --verify: '%s' (for %s): %s\n", path, p,
			fd < 0 ? strerror(errno) : "not a regular file");
		goto cleanup;
	}
	if (st.st_size) {
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			m = NULL;
			fprintf(stderr, LOAD_PROG ": --verify: '%s': %s\n", path, strerror(errno));
			goto cleanup;
		}
	}
	r->expect_len = st.st_size;
	r->expect_hash = XXH3_64bits(m, (size_t)st.st_size);
	rc = 0;
cleanup:
	if (m)
		munmap(m, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	return rc;
}

int load_work_init(const struct load_cfg *cfg, struct load_work *w)
{
	struct url_parts first, u;
	size_t cap = 0;
	int rc;

	memset(w, 0, sizeof(*w));
	for (int i = 0; i < cfg->nurls; i++) {
		if ((rc = url_parse(cfg->urls[i], i ? &u : &first)))
			return rc;
		if (i && (u.tls != first.tls || strcmp(u.host, first.host) || strcmp(u.port, first.port))) {
			fprintf(stderr,
				LOAD_PROG ": URL '%s': every URL must name the same server as '%s' "
					  "(one scheme://host:port per run)\n",
				cfg->urls[i], cfg->urls[0]);
			return -EINVAL;
		}
	}
	w->tls = first.tls;
	snprintf(w->host, sizeof(w->host), "%s", first.host);
	snprintf(w->port, sizeof(w->port), "%s", first.port);
	snprintf(w->authority, sizeof(w->authority), strchr(first.host, ':') ? "[%s]:%s" : "%s:%s",
		 first.host, first.port);
	if ((rc = resolve(cfg->urls[0], &first, w)))
		return rc;
	if (cfg->workload) {
		struct load_mix mix;
		size_t bl = strlen(first.path);
		snprintf(w->base, sizeof(w->base), "%.*s", (int)(first.path[bl - 1] == '/' ? bl - 1 : bl),
			 first.path);
		if ((rc = load_mix_read(cfg->workload, cfg->seed, &mix)))
			return rc;
		for (size_t i = 0; i < mix.nfiles && !rc; i++) {
			char path[1200];
			snprintf(path, sizeof(path), "%s/%s", w->base, mix.files[i].name);
			rc = add_req(w, &cap, path, mix.files[i].weight, cfg->conn_close);
		}
		w->rpc = mix.rpc;
		w->rpc_cum = mix.rpc_cum;
		w->nrpc = mix.nrpc;
		mix.rpc = NULL;
		mix.rpc_cum = NULL;
		load_mix_free(&mix);
		snprintf(w->describe, sizeof(w->describe), "%s", cfg->workload);
	} else {
		for (int i = 0; i < cfg->nurls && !rc; i++) {
			url_parse(cfg->urls[i], &u);
			rc = add_req(w, &cap, u.path, 1, cfg->conn_close);
		}
		snprintf(w->describe, sizeof(w->describe), "%s", cfg->urls[0]);
	}
	if (rc) {
		fprintf(stderr, LOAD_PROG ": out of memory for the request table\n");
		return rc;
	}
	for (size_t i = 0; cfg->verify_dir && i < w->nreqs; i++)
		if ((rc = hash_file(cfg->verify_dir, &w->reqs[i])))
			return rc;
	return 0;
}

void load_work_free(struct load_work *w)
{
	for (size_t i = 0; i < w->nreqs; i++) {
		free(w->reqs[i].path);
		free(w->reqs[i].text);
	}
	free(w->reqs);
	free(w->rpc);
	free(w->rpc_cum);
	memset(w, 0, sizeof(*w));
}
