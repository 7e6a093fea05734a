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
#endif
