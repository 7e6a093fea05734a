/* seq_plan: the planned looks (--reps MIN..MAX) and their alpha split. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seq.h"

/* A whole number in [0, SEQ_REPS_LIMIT] filling s[0..len); -1 otherwise. */
static int whole(const char *s, size_t len)
{
	long v = 0;

	if (!len || len > 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return (int)v;
}

int seq_parse_reps(const char *s, struct seq_plan *p, char *err, size_t errlen)
{
	const char *dots = strstr(s, "..");
	size_t llen = dots ? (size_t)(dots - s) : strlen(s);
	const char *r = dots ? dots + 2 : s;
	int min = whole(s, llen), max = whole(r, strlen(r));

	if (!*s || min < 0 || max < 0) {
		snprintf(err, errlen,
			 "--reps '%s' is not a repetition range: give MIN..MAX (e.g. 3..10) or one number, "
			 "whole numbers of at most 6 digits",
			 s);
		return -EINVAL;
	}
	if (max < min) {
		snprintf(err, errlen, "--reps '%s' is an empty range: MAX %d is below MIN %d", s, max, min);
		return -EINVAL;
	}
	if (min < 2) {
		snprintf(err, errlen,
			 "--reps '%s': MIN %d is below 2: an interval needs at least 2 repetitions of each "
			 "variant",
			 s, min);
		return -EINVAL;
	}
	if (max > SEQ_REPS_LIMIT) {
		snprintf(err, errlen, "--reps '%s': MAX %d is above %d repetitions per cell", s, max,
			 SEQ_REPS_LIMIT);
		return -EINVAL;
	}
	p->min = min;
	p->max = max;
	return 0;
}

int seq_parse_pct(const char *s, const char *what, double *frac, char *err, size_t errlen)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || (*end && strcmp(end, "%")) || !(v >= 0) || v >= 100) {
		snprintf(err, errlen, "%s '%s' is not a percentage from 0 to 100 (3%%, 3 or 0.03)", what, s);
		return -EINVAL;
	}
	/* "3%" and "3" mean 3%; a bare value below 1 is a fraction (0.03) */
	*frac = *end || v >= 1 ? v / 100 : v;
	return 0;
}

double seq_look_alpha(const struct seq_plan *p)
{
	int looks = p->max - p->min + 1;

	return p->alpha / (looks > 1 ? looks : 1);
}
