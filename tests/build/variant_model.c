/*
 * variant_model: harness/common/variant.c on the command line, spoken like
 * variants/gen, so tests/build/test_harness_variants can hold the two
 * side by side:
 *   variant_model list          every valid variant, one per line
 *   variant_model peers         every peer, one per line
 *   variant_model check NAME    exit 0, or "variant 'NAME': why" and exit 1
 *   variant_model axes NAME     NAME's value on each axis, one per line
 */
#include <stdio.h>
#include <string.h>

#include "variant.h"

int main(int argc, char **argv)
{
	struct variant v;
	char why[512];

	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (int i = 0; i < variant_count(); i++)
			printf("%s\n", variant_nth(i)->name);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "peers")) {
		for (int i = 0; i < variant_npeers(); i++)
			printf("%s %s\n", variant_peer_nth(i)->name, variant_peer_nth(i)->package);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "check")) {
		if (!variant_parse(argv[2], &v, why, sizeof(why)))
			return 0;
		fprintf(stderr, "variant '%s': %s\n", argv[2], why);
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "axes")) {
		if (variant_lookup(argv[2], &v))
			return 1;
		for (int a = 0; a < VARIANT_NAXES; a++)
			printf("%s=%s\n", variant_axes[a], variant_value(&v, variant_axes[a]));
		return 0;
	}
	fprintf(stderr, "usage: variant_model list|peers|check NAME|axes NAME\n");
	return 2;
}
