/*
 * profile_folded: folded stack lines with a hash index (see
 * profile_folded.h), reading and writing the text format.
 */
#include "profile_folded.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a: stacks are short strings, and this only has to spread them */
static uint64_t str_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* slot: where stack sits in the index, or the empty slot it would take */
static size_t slot(const struct wl_folded *f, const char *stack, size_t len)
{
	size_t mask = f->idx_cap - 1, i = str_hash(stack, len) & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t k = f->idx[i];

		if (!k)
			return i;
		if (!strncmp(f->v[k - 1].stack, stack, len) && f->v[k - 1].stack[len] == '\0')
			return i;
	}
}

/* reindex: rebuild the index at twice the lines' room (load <= 1/2) */
static int reindex(struct wl_folded *f, size_t want)
{
	size_t cap = 64;
	uint32_t *idx;

	while (cap < want * 2)
		cap *= 2;
	idx = calloc(cap, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	free(f->idx);
	f->idx = idx;
	f->idx_cap = cap;
	for (size_t i = 0; i < f->n; i++)
		f->idx[slot(f, f->v[i].stack, strlen(f->v[i].stack))] = (uint32_t)(i + 1);
	return 0;
}

int wl_folded_add(struct wl_folded *f, const char *stack, size_t len, uint64_t count)
{
	size_t s;
	int rc;

	if (f->n >= UINT32_MAX - 1)
		return -E2BIG;
	if ((f->n + 1) * 2 > f->idx_cap) {
		rc = reindex(f, f->n + 1);
		if (rc < 0)
			return rc;
	}
	s = slot(f, stack, len);
	if (f->idx[s]) {
		f->v[f->idx[s] - 1].count += count;
		f->total += count;
		return 0;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		struct wl_folded_line *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n].stack = strndup(stack, len);
	if (!f->v[f->n].stack)
		return -ENOMEM;
	f->v[f->n].count = count;
	f->idx[s] = (uint32_t)++f->n;
	f->total += count;
	return 0;
}

uint64_t wl_folded_get(const struct wl_folded *f, const char *stack, size_t len)
{
	size_t s;

	if (!f->idx_cap)
		return 0;
	s = slot(f, stack, len);
	return f->idx[s] ? f->v[f->idx[s] - 1].count : 0;
}

static int by_stack(const void *a, const void *b)
{
	return strcmp(((const struct wl_folded_line *)a)->stack, ((const struct wl_folded_line *)b)->stack);
}

static int by_count(const void *a, const void *b)
{
	const struct wl_folded_line *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->stack, y->stack);
}

/* sorting moves lines: the index follows */
static void resort(struct wl_folded *f, int (*cmp)(const void *, const void *))
{
	if (!f->n)
		return;
	qsort(f->v, f->n, sizeof(*f->v), cmp);
	memset(f->idx, 0, f->idx_cap * sizeof(*f->idx));
	for (size_t i = 0; i < f->n; i++)
		f->idx[slot(f, f->v[i].stack, strlen(f->v[i].stack))] = (uint32_t)(i + 1);
}

void wl_folded_sort_stacks(struct wl_folded *f)
{
	resort(f, by_stack);
}

void wl_folded_sort_counts(struct wl_folded *f)
{
	resort(f, by_count);
}

/*
 * parse_line: "frame;frame;... count" -> the stack's length and the
 * count. The count is the last space-separated field (frames may hold
 * spaces); every frame must be non-empty.
 */
static int parse_line(const char *line, size_t len, size_t *stack_len, uint64_t *count)
{
	const char *sp = NULL;
	uint64_t c = 0;

	for (size_t i = len; i > 0; i--)
		if (line[i - 1] == ' ') {
			sp = line + i - 1;
			break;
		}
	if (!sp || sp == line || sp + 1 == line + len)
		return -EINVAL;
	for (const char *p = sp + 1; p < line + len; p++) {
		if (*p < '0' || *p > '9' || c > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		c = c * 10 + (uint64_t)(*p - '0');
	}
	*stack_len = (size_t)(sp - line);
	if (line[0] == ';' || line[*stack_len - 1] == ';' || memmem(line, *stack_len, ";;", 2))
		return -EINVAL;
	*count = c;
	return 0;
}

int wl_folded_read(const char *path, struct wl_folded *f, char *err, size_t errlen)
{
	FILE *in = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	if (!in) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	while ((n = getline(&line, &cap, in)) > 0) {
		size_t len = (size_t)n, slen;
		uint64_t count;

		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (memchr(line, '\0', len) || parse_line(line, len, &slen, &count) < 0) {
			snprintf(err, errlen,
				 "%s: line %zu is not a folded stack (\"frame;frame;... count\", as "
				 "`wirelab profile --out` or FlameGraph's stackcollapse scripts write): "
				 "'%.60s'",
				 path, lineno, line);
			rc = -EINVAL;
			goto cleanup;
		}
		rc = wl_folded_add(f, line, slen, count);
		if (rc < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
			goto cleanup;
		}
	}
	if (ferror(in)) {
		rc = -EIO;
		snprintf(err, errlen, "%s: read error", path);
	} else if (!f->total) {
		rc = -ENODATA;
		snprintf(err, errlen, "%s: %s", path,
			 lineno ? "has no samples (every count is 0)" : "is empty: no samples to compare");
	}
cleanup:
	free(line);
	fclose(in);
	if (rc < 0)
		wl_folded_free(f);
	return rc;
}

int wl_folded_write(const struct wl_folded *f, const char *path)
{
	FILE *out = fopen(path, "we");
	int rc = 0;

	if (!out)
		return -errno;
	for (size_t i = 0; i < f->n; i++)
		if (fprintf(out, "%s %llu\n", f->v[i].stack, (unsigned long long)f->v[i].count) < 0)
			rc = -EIO;
	if (fclose(out) && !rc)
		rc = -errno;
	return rc;
}

void wl_folded_free(struct wl_folded *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].stack);
	free(f->v);
	free(f->idx);
	memset(f, 0, sizeof(*f));
}

int wl_frame_is_kernel(const char *frame, size_t len)
{
	return len >= WL_FOLDED_KSUFFIX_LEN &&
	       !memcmp(frame + len - WL_FOLDED_KSUFFIX_LEN, WL_FOLDED_KSUFFIX, WL_FOLDED_KSUFFIX_LEN);
}

const char *wl_folded_leaf(const char *stack, size_t *len)
{
	const char *semi = strrchr(stack, ';'), *leaf = semi ? semi + 1 : stack;

	*len = strlen(leaf);
	return leaf;
}
