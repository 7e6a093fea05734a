/* sweep_values: parsers of option values (sweep_values.c). */
#ifndef WL_SWEEP_VALUES_H
#define WL_SWEEP_VALUES_H
#include <stddef.h>

/* "a,b,c", a geometric range "lo..hi*f" (lo, lo*f, ... up to hi) or a
 * linear one "lo..hi+step" (lo, lo+step, ... up to hi), or several, of
 * distinct values in lo_ok..hi_ok into out (at most max); sizes and steps
 * take k/m/g suffixes (binary). A range must increase, its step or factor
 * be above 0 or 1. The count, or -errno with opt and the item in err. */
int sweep_parse_list(const char *opt, const char *s, int sizes, long *out, int max, long lo_ok, long hi_ok,
		     char *err, size_t errlen);
/* A whole number in lo..hi (an "s" suffix is allowed); 0 or -EINVAL. */
int sweep_parse_int(const char *opt, const char *s, long lo, long hi, int *out, char *err, size_t errlen);
/* A CPU list of online CPUs ("0", "0,2-3") into list; 0 or -EINVAL. */
int sweep_check_cpus(const char *opt, const char *s, int *list, int *n, char *err, size_t errlen);
/* A tc rate such as 1gbit or 100mbit; 0 or -EINVAL. */
int sweep_check_rate(const char *s);
#endif
