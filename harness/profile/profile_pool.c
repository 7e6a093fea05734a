/* profile_pool: see profile_pool.h */
#include "profile_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int wl_pool_cat(struct wl_pool *p, const char *s, size_t n)
{
	if (p->len + n + 1 > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4096;
		char *b;

		while (cap < p->len + n + 1)
			cap *= 2;
		if (cap > UINT32_MAX)
			return -ENOMEM; /* offsets are 32-bit */
		b = realloc(p->s, cap);
		if (!b)
			return -ENOMEM;
		p->s = b;
		p->cap = cap;
	}
	memcpy(p->s + p->len, s, n);
	p->len += n;
	p->s[p->len] = '\0';
	return 0;
}

int wl_pool_put(struct wl_pool *p, const char *s, size_t n, uint32_t *off)
{
	size_t at = p->len;
	int rc = wl_pool_cat(p, s, n);

	if (rc < 0)
		return rc;
	p->len++; /* past the terminator: the next string starts after it */
	*off = (uint32_t)at;
	return 0;
}

void wl_pool_free(struct wl_pool *p)
{
	free(p->s);
	memset(p, 0, sizeof(*p));
}
