/* sweep_variants: --variants and --peers resolved (sweep_variants.c). */
#ifndef WL_SWEEP_VARIANTS_H
#define WL_SWEEP_VARIANTS_H
#include <stddef.h>

#include "sweep_opts.h"

/* Each name, glob or "all" of list into o->variants (built ones only);
 * 0 or -errno with the bad one named in err. */
int sweep_resolve_variants(struct sweep_opts *o, const char *list, char *err, size_t errlen);
/* Each peer of list, installed, after them (o->npeers counts them). */
int sweep_resolve_peers(struct sweep_opts *o, const char *list, char *err, size_t errlen);
/* --floor: the floor of each swept variant's loop and tls (variant_floor_for),
 * once each, placed before the peers; each must be built. */
int sweep_resolve_floors(struct sweep_opts *o, char *err, size_t errlen);
#endif
