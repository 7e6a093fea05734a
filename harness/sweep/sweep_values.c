/*
 * sweep_values: the values `wirelab sweep`'s options take: lists and
 * geometric ranges of sizes and counts, whole numbers in a range, CPU
 * lists and tc rates. Each names the option and what it expected.
 */
#include "sweep_values.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runs.h"
#include "sweep_opts.h"

static int parse_one(int sizes, const char *s, long *v)
{
	char *end;

	if (sizes)
		return runs_parse_size(s, v);
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || !*s || *end ? -EINVAL : 0;
}

/*
 * A list of positive numbers: "a,b,c" or a geometric range "lo..hi*f"
 * (lo, lo*f, ... up to hi). Sizes take k/m/g suffixes (binary).
 */
int sweep_parse_list(const char *opt, const char *s, int sizes, long *out, int max, long lo_ok, long hi_ok,
		     char *err, size_t errlen)
{
	char *copy = strdup(s), *save = NULL, *tok;
	int n = 0, ret = -EINVAL;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dots = strstr(tok, ".."), *star = NULL;
		long lo, hi, f = 0;

		if (dots) {
			*dots = 0;
			star = strchr(dots + 2, '*');
			if (!star)
				goto bad;
			*star = 0;
			char *end;
			f = strtol(star + 1, &end, 10);
			if (*end || f < 2)
				goto bad;
		}
		if (parse_one(sizes, tok, &lo))
			goto bad;
		hi = lo;
		if (dots && (parse_one(sizes, dots + 2, &hi) || hi < lo))
			goto bad;
		if (lo < lo_ok || hi > hi_ok) {
			snprintf(err, errlen, "%s '%s': values must lie in %ld..%ld", opt, s, lo_ok, hi_ok);
			goto cleanup;
		}
		for (long v = lo; v <= hi; v = f ? v * f : hi + 1) {
			if (n == max) {
				snprintf(err, errlen, "%s '%s': more than %d values", opt, s, max);
				goto cleanup;
			}
			for (int i = 0; i < n; i++)
				if (out[i] == v)
					goto dup;
			out[n++] = v;
		dup:
			if (!f)
				break;
		}
	}
	if (!n)
		goto bad;
	ret = n;
	goto cleanup;
bad:
	snprintf(err, errlen, "%s '%s': expected a list such as %s or a range such as %s", opt, s,
		 sizes ? "1k,64k,1m" : "1,64", sizes ? "1k..16m*4" : "1..256*4");
cleanup:
	free(copy);
	return ret;
}

int sweep_parse_int(const char *opt, const char *s, long lo, long hi, int *out, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || (*end && strcmp(end, "s")) || v < lo || v > hi) {
		snprintf(err, errlen, "%s '%s': expected a whole number in %ld..%ld", opt, s, lo, hi);
		return -EINVAL;
	}
	*out = (int)v;
	return 0;
}

int sweep_parse_cpus(const char *s, int *cpus, int max)
{
	int n = 0;
	const char *p = s;

	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;
		if (end == p || a < 0)
			return -EINVAL;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				return -EINVAL;
		}
		for (long c = a; c <= b; c++) {
			if (n == max || c >= CPU_SETSIZE)
				return -EINVAL;
			cpus[n++] = (int)c;
		}
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		p = end;
	}
	return n ? n : -EINVAL;
}

int sweep_check_cpus(const char *opt, const char *s, int *list, int *n, char *err, size_t errlen)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	*n = sweep_parse_cpus(s, list, SWEEP_MAX_CPUS);
	if (*n < 0) {
		snprintf(err, errlen, "%s '%s': expected a CPU list such as 0 or 0,2-3", opt, s);
		return -EINVAL;
	}
	for (int i = 0; i < *n; i++)
		if (list[i] >= online) {
			snprintf(err, errlen, "%s '%s': CPU %d is not online (%ld CPUs)", opt, s, list[i],
				 online);
			return -EINVAL;
		}
	return 0;
}

int sweep_check_rate(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	static const char *const units[] = {"bit", "kbit", "mbit", "gbit", "tbit",
					    "bps", "kbps", "mbps", "gbps"};

	if (end == s || v <= 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i]))
			return 0;
	return -EINVAL;
}
