/*
 * sweep_values: the values `wirelab sweep`'s options take: lists and
 * geometric or linear ranges of sizes and counts, whole numbers in a range, CPU
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
 * One range item "lo..hi*f" (geometric: lo, lo*f, ... up to hi) or
 * "lo..hi+step" (linear: lo, lo+step, ... up to hi, hi itself when the
 * steps land on it), its values appended to out[*n..max). hi must be
 * above lo (one value is written without a range), a geometric range
 * starts above 0 (0*f is 0 again), and the count is known before any
 * value is written, so a range of a million points is refused naming the
 * limit instead of filling it. 0 when added, 1 when refused (err said),
 * -EINVAL when it does not parse.
 */
static int parse_range(const char *opt, char *tok, char *dots, int sizes, long *out, int *n, int max,
		       long lo_ok, long hi_ok, char *err, size_t errlen)
{
	char *op = strpbrk(dots + 2, "*+"), *end, kind;
	const char *item = tok;
	long lo, hi, f = 0, step = 0, count = 0;

	if (!op)
		return -EINVAL;
	kind = *op;
	*dots = 0;
	*op = 0;
	if (parse_one(sizes, tok, &lo) || parse_one(sizes, dots + 2, &hi))
		return -EINVAL;
	/* the item as given, for the messages */
	*dots = '.';
	*op = kind;
	if (kind == '*') {
		errno = 0;
		f = strtol(op + 1, &end, 10);
		if (errno || *end || op[1] == 0 || f < 2) {
			snprintf(err, errlen,
				 "%s: range %s: the factor after * must be a whole number of 2 or more", opt,
				 item);
			return 1;
		}
	} else if (*(op + 1) == '-' || parse_one(sizes, op + 1, &step) || step <= 0) {
		snprintf(err, errlen, "%s: range %s: the step after + must be %s above 0", opt, item,
			 sizes ? "a size" : "a whole number");
		return 1;
	}
	if (hi <= lo) {
		snprintf(err, errlen,
			 "%s: range %s is not increasing (the end must be above the start; a single value is "
			 "written without ..)",
			 opt, item);
		return 1;
	}
	if (lo < lo_ok || hi > hi_ok) {
		snprintf(err, errlen, "%s: range %s: values must lie in %ld..%ld", opt, item, lo_ok, hi_ok);
		return 1;
	}
	if (f && lo <= 0) {
		snprintf(
			err, errlen,
			"%s: range %s: a geometric range must start above 0 (list 0 on its own: 0,1k..16m*4)",
			opt, item);
		return 1;
	}
	/* counted without overflow: v * f only while it stays <= hi */
	if (f)
		for (long v = lo; v <= hi; v = v > hi / f ? hi + 1 : v * f)
			count++;
	else
		count = (hi - lo) / step + 1;
	if (count > max - *n) {
		snprintf(err, errlen, "%s: range %s gives %ld values, more than the limit of %d%s", opt, item,
			 count, max, *n ? " (with the values before it)" : "");
		return 1;
	}
	for (long k = 0, v = lo; k < count; k++, v = f ? (k < count ? v * f : v) : lo + k * step) {
		int dup = 0;
		for (int i = 0; i < *n && !dup; i++)
			dup = out[i] == v;
		if (!dup)
			out[(*n)++] = v;
	}
	return 0;
}

/*
 * A list of positive numbers: "a,b,c", a geometric range "lo..hi*f" or a
 * linear one "lo..hi+step", or several of these comma-separated. Sizes
 * (the values and the step) take k/m/g suffixes (binary).
 */
int sweep_parse_list(const char *opt, const char *s, int sizes, long *out, int max, long lo_ok, long hi_ok,
		     char *err, size_t errlen)
{
	char *copy = strdup(s), *save = NULL, *tok;
	int n = 0, ret = -EINVAL;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dots = strstr(tok, "..");
		long v;

		if (dots) {
			int r = parse_range(opt, tok, dots, sizes, out, &n, max, lo_ok, hi_ok, err, errlen);
			if (r > 0)
				goto cleanup;
			if (r < 0)
				goto bad;
			continue;
		}
		if (parse_one(sizes, tok, &v))
			goto bad;
		if (v < lo_ok || v > hi_ok) {
			snprintf(err, errlen, "%s '%s': values must lie in %ld..%ld", opt, s, lo_ok, hi_ok);
			goto cleanup;
		}
		int dup = 0;
		for (int i = 0; i < n && !dup; i++)
			dup = out[i] == v;
		if (dup)
			continue;
		if (n == max) {
			snprintf(err, errlen, "%s '%s': more than the limit of %d values", opt, s, max);
			goto cleanup;
		}
		out[n++] = v;
	}
	if (!n)
		goto bad;
	ret = n;
	goto cleanup;
bad:
	snprintf(err, errlen, "%s '%s': expected a list such as %s or a range such as %s or %s", opt, s,
		 sizes ? "1k,64k,1m" : "1,64", sizes ? "1k..16m*4" : "1..256*4",
		 sizes ? "1m..100m+1m" : "1..64+8");
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
