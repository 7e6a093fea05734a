/* unit: a tiny test harness; each CHECK prints PASS:/FAIL: lines for tests/run. */
#ifndef WL_UNIT_H
#define WL_UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_failed;

#define CHECK(name, cond)                                                                                    \
	do {                                                                                                 \
		if (cond) {                                                                                  \
			printf("PASS: %s\n", name);                                                          \
		} else {                                                                                     \
			printf("FAIL: %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond);                   \
			unit_failed++;                                                                       \
		}                                                                                            \
	} while (0)

#endif
