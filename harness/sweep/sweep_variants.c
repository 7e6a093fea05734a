/*
 * sweep_variants: --variants (names, globs such as '*-sendfile-*-plain',
 * or all) and --peers resolved against the variant model and the build:
 * a name that is not a variant gets variants/gen's reason, one that is not
 * built says how to build it, a peer must be installed.
 */
#include "sweep_variants.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer_config.h"

static int is_built(const struct sweep_opts *o, const char *v)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s/wirelab-httpd", o->build, v) >= (int)sizeof(path))
		return 0;
	return !access(path, X_OK);
}

static int add_variant(struct sweep_opts *o, const struct variant *v, char *err, size_t errlen)
{
	for (int i = 0; i < o->nvariants; i++)
		if (!strcmp(o->variants[i].name, v->name))
			return 0;
	if (o->nvariants == SWEEP_MAX_VARIANTS) {
		snprintf(err, errlen, "--variants: more than %d", SWEEP_MAX_VARIANTS);
		return -E2BIG;
	}
	o->variants[o->nvariants++] = *v;
	return 0;
}

/* One name, glob or "all" of --variants: every match that is built. */
static int resolve_one(struct sweep_opts *o, const char *tok, char *err, size_t errlen)
{
	int matched = 0, built = 0, ret = 0;
	struct variant v;
	char why[512];

	if (!strcmp(tok, "all") || strpbrk(tok, "*?[")) {
		for (int i = 0; i < variant_count() && !ret; i++) {
			const struct variant *c = variant_nth(i);
			if (strcmp(tok, "all") && fnmatch(tok, c->name, 0))
				continue;
			matched = 1;
			if (is_built(o, c->name) && (built = 1))
				ret = add_variant(o, c, err, errlen);
		}
		if (ret)
			return ret;
		if (!strcmp(tok, "all") && !built) {
			snprintf(err, errlen, "--variants all: no variant is built under %s (run make)",
				 o->build);
			return -ENOENT;
		}
		if (!matched) {
			snprintf(err, errlen, "--variants: '%s' matches no variant", tok);
			return -EINVAL;
		}
		if (!built) {
			snprintf(err, errlen,
				 "--variants: '%s' matches only variants that are not built (make)", tok);
			return -ENOENT;
		}
		return 0;
	}
	if (variant_floor(tok, &v) && variant_parse(tok, &v, why, sizeof(why))) {
		snprintf(err, errlen, "--variants: '%s' is not a variant: %s", tok, why);
		return -EINVAL;
	}
	if (!is_built(o, tok)) {
		snprintf(err, errlen,
			 "--variants: '%s' is a valid variant but is not built (%s/%s/wirelab-httpd missing; "
			 "make VARIANT=%s)",
			 tok, o->build, tok, tok);
		return -ENOENT;
	}
	return add_variant(o, &v, err, errlen);
}

int sweep_resolve_variants(struct sweep_opts *o, const char *list, char *err, size_t errlen)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save))
		ret = resolve_one(o, tok, err, errlen);
	free(copy);
	return ret;
}

/* --peers: each a peer of the table, installed */
int sweep_resolve_peers(struct sweep_opts *o, const char *list, char *err, size_t errlen)
{
	char *copy = strdup(list), *save = NULL, *tok, bin[PATH_MAX];
	struct variant v;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		if (variant_peer(tok, &v)) {
			snprintf(err, errlen, "--peers: '%s' is not a peer (%s)", tok, variant_peer_names());
			ret = -EINVAL;
		} else if (peer_binary(v.name, bin, sizeof(bin))) {
			snprintf(err, errlen, "--peers: %s is not installed (%s; scripts/install-deps)", tok,
				 bin);
			ret = -ENOENT;
		} else {
			int before = o->nvariants;
			ret = add_variant(o, &v, err, errlen);
			o->npeers += o->nvariants - before;
		}
	}
	free(copy);
	return ret;
}

int sweep_resolve_floors(struct sweep_opts *o, char *err, size_t errlen)
{
	const struct variant *need[SWEEP_MAX_VARIANTS];
	int n = 0, ours = o->nvariants - o->npeers;

	if (o->load.nmixes) {
		snprintf(err, errlen,
			 "--floor: a floor answers GET /f<N> only, not a workload mix (drop --floor or "
			 "--workload)");
		return -EINVAL;
	}
	for (int i = 0; i < o->nvariants; i++) {
		const struct variant *f = o->variants[i].floor ? NULL : variant_floor_for(&o->variants[i]);
		int have = 0;
		if (!f)
			continue;
		for (int k = 0; k < o->nvariants; k++)
			have |= !strcmp(o->variants[k].name, f->name);
		for (int k = 0; k < n; k++)
			have |= need[k] == f;
		if (have)
			continue;
		if (!is_built(o, f->name)) {
			snprintf(err, errlen, "--floor: %s is not built (%s/%s/wirelab-httpd missing; make)",
				 f->name, o->build, f->name);
			return -ENOENT;
		}
		need[n++] = f;
	}
	if (o->nvariants + n > SWEEP_MAX_VARIANTS) {
		snprintf(err, errlen, "--floor: more than %d variants with the floors", SWEEP_MAX_VARIANTS);
		return -E2BIG;
	}
	/* the peers stay last (sweep_opts.h): the floors go in before them */
	memmove(&o->variants[ours + n], &o->variants[ours], (size_t)o->npeers * sizeof(o->variants[0]));
	for (int k = 0; k < n; k++)
		o->variants[ours + k] = *need[k];
	o->nvariants += n;
	return 0;
}
