/*
 * profile_ksym: kernel addresses to names through /proc/kallsyms.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_pool.h"
#include "profile_sym.h"

struct ksym {
	uint64_t addr;
	uint32_t name; /* offset into names */
};

struct wl_ksyms {
	struct ksym *v;
	size_t n, cap;
	struct wl_pool names;
};

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int add(struct wl_ksyms *k, uint64_t addr, const char *name)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 65536;
		struct ksym *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n].addr = addr;
	return wl_pool_put(&k->names, name, strlen(name), &k->v[k->n++].name);
}

int wl_ksyms_load(struct wl_ksyms **out, char *err, size_t errlen)
{
	struct wl_ksyms *k = calloc(1, sizeof(*k));
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512];
	int rc = 0, nonzero = 0;

	*out = NULL;
	if (!k || !f) {
		rc = k ? -errno : -ENOMEM;
		snprintf(err, errlen, "/proc/kallsyms: %s", strerror(-rc));
		goto cleanup;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		/* text symbols only: a stack holds code addresses */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		nonzero |= addr != 0;
		rc = add(k, addr, name);
		if (rc < 0) {
			snprintf(err, errlen, "/proc/kallsyms: %s", strerror(-rc));
			goto cleanup;
		}
	}
	if (!nonzero) {
		/* kptr_restrict 1 hides them from a user without CAP_SYSLOG, 2 from everyone */
		snprintf(err, errlen,
			 "/proc/kallsyms shows every address as 0 (kernel.kptr_restrict, or no CAP_SYSLOG): "
			 "kernel frames cannot be named");
		rc = -EPERM;
		goto cleanup;
	}
	qsort(k->v, k->n, sizeof(*k->v), by_addr);
	*out = k;
	k = NULL;
cleanup:
	if (f)
		fclose(f);
	wl_ksyms_free(k);
	return rc;
}

const char *wl_ksyms_name(const struct wl_ksyms *k, uint64_t addr)
{
	size_t lo = 0, hi = k->n;

	/* the last symbol at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? k->names.s + k->v[lo - 1].name : NULL;
}

void wl_ksyms_free(struct wl_ksyms *k)
{
	if (!k)
		return;
	free(k->v);
	wl_pool_free(&k->names);
	free(k);
}
