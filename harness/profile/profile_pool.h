/*
 * profile_pool: a growing byte buffer, for the profiler's string tables
 * (names stored once, referred to by offset) and for building a stack
 * line. It is always NUL-terminated after its len bytes.
 */
#ifndef WL_PROFILE_POOL_H
#define WL_PROFILE_POOL_H
#include <stddef.h>
#include <stdint.h>

struct wl_pool {
	char *s;
	size_t len, cap;
};

/* wl_pool_cat: append n bytes of s; 0 or -ENOMEM */
int wl_pool_cat(struct wl_pool *p, const char *s, size_t n);

/* wl_pool_put: append s[0..n) as a string of its own, its offset to *off */
int wl_pool_put(struct wl_pool *p, const char *s, size_t n, uint32_t *off);

void wl_pool_free(struct wl_pool *p);

#endif
