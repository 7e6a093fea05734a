/*
 * variant: the variant model in C. Everything comes from variants/table
 * through the X-macros of the generated build/gen/variants.h (variants/gen
 * header): the axes, their values, the combinations that are not
 * variants and why, and the peers. A name is parsed once into a struct
 * variant; the sweep, the results writer and the plots read its fields
 * and never split the name again.
 *
 *	struct variant v;
 *	char why[256];
 *	if (variant_parse("epoll-writev-cork-plain", &v, why, sizeof(why)))
 *		... why says what is wrong, as `variants/gen check` does ...
 *	if (variant_is(&v, "tls", "plain")) ...
 */
#ifndef WL_VARIANT_H
#define WL_VARIANT_H
#include <stddef.h>

#include "variants.h"

#define VARIANT_NAXES	 WL_NAXES
#define VARIANT_NAME_MAX 64

struct variant {
	char name[VARIANT_NAME_MAX];
	int peer;			  /* a server from Debian swept beside ours (WL_PEERS) */
	int floor;			  /* a floor (WL_FLOORS): a reference, not a variant */
	const char *value[VARIANT_NAXES]; /* the value on each axis; "" for a peer */
	const char *package;		  /* a peer's Debian package; NULL for ours */
};

/* The axes in the order of a name: "loop", "send", "cork", "tls". */
extern const char *const variant_axes[VARIANT_NAXES];
/* The index of the axis named name, or -ENOENT. */
int variant_axis(const char *name);
/* v's value on the axis named axis ("" for a peer or an unknown axis). */
const char *variant_value(const struct variant *v, const char *axis);
/* 1 when v's value on axis is value. */
int variant_is(const struct variant *v, const char *axis, const char *value);

/*
 * variant_parse: one of our variants by name. 0, or -EINVAL with the
 * reason in why: the words `variants/gen check NAME` prints after
 * "variant 'NAME': " (the table's own reason for an invalid combination,
 * its {axis} placeholders filled in).
 */
int variant_parse(const char *name, struct variant *v, char *why, size_t whylen);
/* variant_peer: a peer by name; 0 or -ENOENT. */
int variant_peer(const char *name, struct variant *v);
/* variant_floor: a floor by name (its values: those it is built as); 0 or -ENOENT. */
int variant_floor(const char *name, struct variant *v);
/* The floor for v: same loop and tls, else the epoll one of v's tls (the
 * plain one for a peer); NULL when the table has none. */
const struct variant *variant_floor_for(const struct variant *v);
/* Every floor, in the table's order. */
int variant_nfloors(void);
const struct variant *variant_floor_nth(int i);
/* variant_lookup: ours, a floor or a peer; 0 or -EINVAL. */
int variant_lookup(const char *name, struct variant *v);

/* Every valid variant of ours, in the table's order (variants/gen list):
 * variant_nth(0 .. variant_count() - 1). */
int variant_count(void);
const struct variant *variant_nth(int i);
/* Every peer, in the table's order: variant_peer_nth(0 .. variant_npeers() - 1). */
int variant_npeers(void);
const struct variant *variant_peer_nth(int i);
/* "nginx, lighttpd, h2o": the peers' names for messages and --help. */
const char *variant_peer_names(void);
#endif
