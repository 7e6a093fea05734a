/*
 * profile_tree: folded stacks as a tree of frames (the shape a flame
 * graph draws). Node 0 is the root, "all"; each node holds the inclusive
 * value of its stack prefix on up to two sides (a profile, or the A and
 * B of a difference).
 */
#ifndef WL_PROFILE_TREE_H
#define WL_PROFILE_TREE_H
#include <stddef.h>
#include <stdint.h>

#include "profile_pool.h"

struct wl_tree_node {
	uint32_t name; /* offset into wl_tree.names */
	uint32_t parent;
	uint32_t child; /* first child, 0 for none */
	uint32_t next;	/* next sibling, 0 for none */
	uint32_t depth; /* 0 for the root */
	double v[2];
};

struct wl_tree {
	struct wl_tree_node *n;
	size_t len, cap;
	struct wl_pool names;
	uint32_t *idx; /* (parent, name) -> node, open addressing */
	size_t idx_cap;
};

/* wl_tree_init: a tree holding only the root; 0 or -ENOMEM */
int wl_tree_init(struct wl_tree *t);

/* wl_tree_add: add value to side (0 or 1) of every prefix of a folded stack */
int wl_tree_add(struct wl_tree *t, const char *stack, size_t len, int side, double value);

static inline const char *wl_tree_name(const struct wl_tree *t, uint32_t node)
{
	return t->names.s + t->n[node].name;
}

void wl_tree_free(struct wl_tree *t);

#endif
