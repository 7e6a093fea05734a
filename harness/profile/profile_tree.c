/*
 * profile_tree: a frame tree from folded stacks, with a hash index on
 * (parent, name) so adding a stack costs a lookup per frame.
 */
#include "profile_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t key_hash(uint32_t parent, const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ parent;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

static size_t find_slot(const struct wl_tree *t, uint32_t parent, const char *s, size_t len)
{
	size_t mask = t->idx_cap - 1, i = key_hash(parent, s, len) & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t k = t->idx[i];
		const char *name;

		if (!k)
			return i;
		name = t->names.s + t->n[k].name;
		if (t->n[k].parent == parent && !strncmp(name, s, len) && name[len] == '\0')
			return i;
	}
}

static int grow_index(struct wl_tree *t)
{
	size_t cap = t->idx_cap ? t->idx_cap * 2 : 1024;
	uint32_t *idx = calloc(cap, sizeof(*idx));

	if (!idx)
		return -ENOMEM;
	free(t->idx);
	t->idx = idx;
	t->idx_cap = cap;
	for (uint32_t i = 1; i < t->len; i++) {
		const char *name = t->names.s + t->n[i].name;

		t->idx[find_slot(t, t->n[i].parent, name, strlen(name))] = i;
	}
	return 0;
}

/* child_of: parent's child called s, created (as the first child) if new */
static int child_of(struct wl_tree *t, uint32_t parent, const char *s, size_t len, uint32_t *out)
{
	struct wl_tree_node *n;
	size_t slot;

	if ((t->len + 1) * 2 > t->idx_cap && grow_index(t) < 0)
		return -ENOMEM;
	slot = find_slot(t, parent, s, len);
	if (t->idx[slot]) {
		*out = t->idx[slot];
		return 0;
	}
	if (t->len == t->cap) {
		size_t cap = t->cap * 2;

		n = realloc(t->n, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		t->n = n;
		t->cap = cap;
	}
	n = &t->n[t->len];
	memset(n, 0, sizeof(*n));
	if (wl_pool_put(&t->names, s, len, &n->name) < 0)
		return -ENOMEM;
	n->parent = parent;
	n->depth = t->n[parent].depth + 1;
	n->next = t->n[parent].child;
	t->n[parent].child = (uint32_t)t->len;
	t->idx[slot] = (uint32_t)t->len;
	*out = (uint32_t)t->len++;
	return 0;
}

int wl_tree_init(struct wl_tree *t)
{
	memset(t, 0, sizeof(*t));
	t->cap = 1024;
	t->n = calloc(t->cap, sizeof(*t->n));
	if (!t->n || wl_pool_put(&t->names, "all", 3, &t->n[0].name) < 0 || grow_index(t) < 0) {
		wl_tree_free(t);
		return -ENOMEM;
	}
	t->len = 1;
	return 0;
}

int wl_tree_add(struct wl_tree *t, const char *stack, size_t len, int side, double value)
{
	uint32_t node = 0;
	size_t at = 0;

	t->n[0].v[side] += value;
	while (at < len) {
		size_t end = at;
		int rc;

		while (end < len && stack[end] != ';')
			end++;
		rc = child_of(t, node, stack + at, end - at, &node);
		if (rc < 0)
			return rc;
		t->n[node].v[side] += value;
		at = end + 1;
	}
	return 0;
}

void wl_tree_free(struct wl_tree *t)
{
	free(t->n);
	wl_pool_free(&t->names);
	free(t->idx);
	memset(t, 0, sizeof(*t));
}
