/*
 * variant: the variant model from build/gen/variants.h (see variant.h).
 * The rules are variants/gen's, so a name this refuses gets the reason
 * `variants/gen check` gives (tests/build/test_harness_variants compares
 * the two).
 */
#include "variant.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *const variant_axes[VARIANT_NAXES] = {WL_AXIS_NAMES};

static const struct value_row {
	int axis;
	const char *value, *about;
} values[] = {
#define X(axis, value, about) {axis, value, about},
	WL_VALUES(X)
#undef X
};
#define NVALUES (sizeof(values) / sizeof(values[0]))

/* f[0 .. NAXES-1]: a condition per axis ("" any, "v,w" one of, "!v,w" none
 * of); f[NAXES]: why; a row whose why is NULL ends the table */
static const struct invalid_row {
	const char *f[VARIANT_NAXES + 1];
} invalid[] = {
#define X(...) {{__VA_ARGS__}},
	WL_INVALID(X)
#undef X
		{{NULL}},
};

static const struct peer_row {
	const char *name, *package, *about;
} peers[] = {
#define X(name, package, about) {name, package, about},
	WL_PEERS(X)
#undef X
		{NULL, NULL, NULL},
};

int variant_axis(const char *name)
{
	for (int a = 0; a < VARIANT_NAXES; a++)
		if (!strcmp(name, variant_axes[a]))
			return a;
	return -ENOENT;
}

const char *variant_value(const struct variant *v, const char *axis)
{
	int a = variant_axis(axis);

	return a < 0 || !v->value[a] ? "" : v->value[a];
}

int variant_is(const struct variant *v, const char *axis, const char *value)
{
	return !strcmp(variant_value(v, axis), value);
}

/* value is one of the comma-separated list */
static int in_list(const char *list, const char *value)
{
	size_t n = strlen(value);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, value, n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static int cond_holds(const char *cond, const char *value)
{
	if (!*cond)
		return 1;
	if (*cond == '!')
		return !in_list(cond + 1, value);
	return in_list(cond, value);
}

/* why with each {axis} replaced by v's value on it */
static void fill_in(const char *why, const struct variant *v, char *out, size_t len)
{
	size_t n = 0;

	while (*why && n + 1 < len) {
		int a = -1;
		for (int k = 0; *why == '{' && k < VARIANT_NAXES && a < 0; k++) {
			size_t al = strlen(variant_axes[k]);
			if (!strncmp(why + 1, variant_axes[k], al) && why[1 + al] == '}')
				a = k;
		}
		if (a < 0) {
			out[n++] = *why++;
			continue;
		}
		n += snprintf(out + n, len - n, "%s", v->value[a]);
		if (n >= len)
			n = len - 1;
		why += strlen(variant_axes[a]) + 2;
	}
	out[n] = 0;
}

/* The first invalid row v matches, or NULL. */
static const struct invalid_row *invalid_for(const struct variant *v)
{
	for (const struct invalid_row *r = invalid; r->f[VARIANT_NAXES]; r++) {
		int all = 1;
		for (int a = 0; a < VARIANT_NAXES && all; a++)
			all = cond_holds(r->f[a], v->value[a]);
		if (all)
			return r;
	}
	return NULL;
}

/* The table's value spelled like s[0..len), or NULL. */
static const char *find_value(int axis, const char *s, size_t len)
{
	for (size_t i = 0; i < NVALUES; i++)
		if (values[i].axis == axis && strlen(values[i].value) == len &&
		    !strncmp(values[i].value, s, len))
			return values[i].value;
	return NULL;
}

static void expected(char *why, size_t whylen)
{
	size_t n = snprintf(why, whylen, "expected ");

	for (int a = 0; a < VARIANT_NAXES && n < whylen; a++)
		n += snprintf(why + n, whylen - n, "%s%s", a ? "-" : "", variant_axes[a]);
	for (int a = 0; a < VARIANT_NAXES && n < whylen; a++)
		for (size_t i = 0; i < NVALUES; i++)
			if (values[i].axis == a) {
				n += snprintf(why + n, whylen - n, "%s%s", a ? "-" : ", e.g. ",
					      values[i].value);
				break;
			}
}

static void not_one_of(int axis, const char *s, size_t len, char *why, size_t whylen)
{
	size_t n = snprintf(why, whylen, "%s '%.*s' is not one of", variant_axes[axis], (int)len, s);
	int first = 1;

	for (size_t i = 0; i < NVALUES && n < whylen; i++)
		if (values[i].axis == axis) {
			n += snprintf(why + n, whylen - n, "%s %s", first ? "" : ",", values[i].value);
			first = 0;
		}
}

int variant_parse(const char *name, struct variant *v, char *why, size_t whylen)
{
	const char *p = name;
	int fields = *name ? 1 : 0;

	memset(v, 0, sizeof(*v));
	for (const char *c = name; *c; c++)
		fields += *c == '-';
	if (fields != VARIANT_NAXES) {
		expected(why, whylen);
		return -EINVAL;
	}
	for (int a = 0; a < VARIANT_NAXES; a++) {
		size_t len = strcspn(p, "-");
		v->value[a] = find_value(a, p, len);
		if (!v->value[a]) {
			not_one_of(a, p, len, why, whylen);
			return -EINVAL;
		}
		p += len + (p[len] == '-');
	}
	const struct invalid_row *r = invalid_for(v);
	if (r) {
		fill_in(r->f[VARIANT_NAXES], v, why, whylen);
		return -EINVAL;
	}
	if (snprintf(v->name, sizeof(v->name), "%s", name) >= (int)sizeof(v->name)) {
		snprintf(why, whylen, "longer than %zu characters", sizeof(v->name) - 1);
		return -EINVAL;
	}
	return 0;
}

int variant_peer(const char *name, struct variant *v)
{
	memset(v, 0, sizeof(*v));
	for (const struct peer_row *r = peers; r->name; r++)
		if (!strcmp(name, r->name)) {
			snprintf(v->name, sizeof(v->name), "%s", r->name);
			v->peer = 1;
			v->package = r->package;
			for (int a = 0; a < VARIANT_NAXES; a++)
				v->value[a] = "";
			return 0;
		}
	return -ENOENT;
}

static const struct floor_row {
	const char *name, *about;
	const char *value[VARIANT_NAXES];
} floors[] = {
#define X(name, about, ...) {name, about, {__VA_ARGS__}},
	WL_FLOORS(X)
#undef X
		{NULL, NULL, {NULL}},
};
static struct variant all_floors[sizeof(floors) / sizeof(floors[0])];

int variant_nfloors(void)
{
	return (int)(sizeof(floors) / sizeof(floors[0])) - 1;
}

const struct variant *variant_floor_nth(int i)
{
	if (i < 0 || i >= variant_nfloors())
		return NULL;
	if (!all_floors[i].floor) {
		struct variant *v = &all_floors[i];
		memset(v, 0, sizeof(*v));
		snprintf(v->name, sizeof(v->name), "%s", floors[i].name);
		v->floor = 1;
		for (int a = 0; a < VARIANT_NAXES; a++)
			v->value[a] = floors[i].value[a];
	}
	return &all_floors[i];
}

int variant_floor(const char *name, struct variant *v)
{
	for (int i = 0; i < variant_nfloors(); i++)
		if (!strcmp(floors[i].name, name)) {
			*v = *variant_floor_nth(i);
			return 0;
		}
	return -ENOENT;
}

const struct variant *variant_floor_for(const struct variant *v)
{
	const char *loop = v->peer ? "epoll" : variant_value(v, "loop");
	const char *tls = v->peer ? "plain" : variant_value(v, "tls");
	const struct variant *same_tls = NULL;

	for (int i = 0; i < variant_nfloors(); i++) {
		const struct variant *f = variant_floor_nth(i);
		if (!variant_is(f, "tls", tls))
			continue;
		if (variant_is(f, "loop", loop))
			return f;
		if (!same_tls || variant_is(f, "loop", "epoll"))
			same_tls = f;
	}
	return same_tls;
}

int variant_lookup(const char *name, struct variant *v)
{
	char why[8];

	if (!variant_peer(name, v) || !variant_floor(name, v) || !variant_parse(name, v, why, sizeof(why)))
		return 0;
	return -EINVAL;
}

static struct variant all[WL_NVARIANTS], all_peers[sizeof(peers) / sizeof(peers[0])];
static int nall = -1, nall_peers;

/* Every combination of values, in table order, the valid ones into all[]. */
static void enumerate(struct variant *v, int a)
{
	if (a == VARIANT_NAXES) {
		if (invalid_for(v) || nall == WL_NVARIANTS)
			return;
		all[nall] = *v;
		size_t n = 0;
		for (int k = 0; k < VARIANT_NAXES; k++)
			n += snprintf(all[nall].name + n, sizeof(all[nall].name) - n, "%s%s", k ? "-" : "",
				      v->value[k]);
		nall++;
		return;
	}
	for (size_t i = 0; i < NVALUES; i++)
		if (values[i].axis == a) {
			v->value[a] = values[i].value;
			enumerate(v, a + 1);
		}
}

static void load(void)
{
	struct variant v;

	if (nall >= 0)
		return;
	nall = 0;
	memset(&v, 0, sizeof(v));
	enumerate(&v, 0);
	for (nall_peers = 0; peers[nall_peers].name; nall_peers++)
		variant_peer(peers[nall_peers].name, &all_peers[nall_peers]);
}

int variant_count(void)
{
	load();
	return nall;
}

const struct variant *variant_nth(int i)
{
	load();
	return i >= 0 && i < nall ? &all[i] : NULL;
}

int variant_npeers(void)
{
	load();
	return nall_peers;
}

const struct variant *variant_peer_nth(int i)
{
	load();
	return i >= 0 && i < nall_peers ? &all_peers[i] : NULL;
}

const char *variant_peer_names(void)
{
	static char names[256];
	size_t n = 0;

	if (names[0])
		return names;
	for (const struct peer_row *r = peers; r->name && n < sizeof(names); r++)
		n += snprintf(names + n, sizeof(names) - n, "%s%s", n ? ", " : "", r->name);
	return names;
}
