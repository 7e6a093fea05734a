/* history_check: change points over each series of the history (cpd.h),
 * each with the commits either side and its size; CI outputs (ciout.h).
 * The false-alarm rate alpha is for the whole check: each of the S series
 * tested gets alpha/S (Bonferroni), so a flat history of many series stays
 * quiet; docs/statistics.md says what that costs. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciout.h"
#include "cpd.h"
#include "effect.h"
#include "history.h"

#define CHECK_MAX_POINTS 16 /* change points per series, at most */

/* The run's typical value (effect.h) per point; 0, or -EDOM when a run has
 * no positive values. */
static int typicals(const struct history_series *s, double *t)
{
	for (size_t j = 0; j < s->npts; j++) {
		struct effect_loc l;
		if (effect_location(s->pts[j].v, s->pts[j].n, 0.05, &l) || !(l.typical > 0))
			return -EDOM;
		t[j] = l.typical;
	}
	return 0;
}

/* A seed per series from its key: adding other series to the history does
 * not change this one's permutations. */
static unsigned long long seed_of(const struct history_series *s)
{
	char key[1024];
	unsigned long long h = 0xcbf29ce484222325ULL;

	snprintf(key, sizeof(key), "%s|%s|%s|%s|%ld|%ld|%d", s->host_fp, s->kernel, s->topology, s->variant,
		 s->size, s->conns, s->metric);
	for (const char *c = key; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
	return h;
}

/* "wirelab.history.HOST.KERNEL.TOPOLOGY": JUnit readers split a class
 * name at its dots into packages, so the fields' own dots (6.1.0) become _. */
static void class_name(const struct history_series *s, char *buf, size_t len)
{
	const char *fields[] = {s->host, s->kernel, s->topology};
	size_t at = (size_t)snprintf(buf, len, "wirelab.history");

	for (int i = 0; i < 3; i++) {
		if (at + 1 < len)
			buf[at++] = '.';
		for (const char *c = fields[i]; *c && at + 1 < len; c++)
			buf[at++] = *c == '.' ? '_' : *c;
	}
	buf[at] = 0;
}

struct check_counts {
	size_t regressions, improvements, small, series, tested, short_series, unusable;
};

/* The change points of one series: printed, counted, into the CI case. */
static int check_series(const struct history_series *s, const struct cpd_opts *co, double min_effect,
			struct ciout *ci, struct check_counts *k)
{
	const struct runs_metric_info *mi = &runs_metrics[s->metric];
	struct cpd_point cp[CHECK_MAX_POINTS];
	char name[256], where[512], cls[600];
	double *t = malloc((s->npts ? s->npts : 1) * sizeof(*t));
	int n, ci_i;

	if (!t)
		return -ENOMEM;
	history_series_name(s, name, sizeof(name));
	history_series_where(s, where, sizeof(where));
	class_name(s, cls, sizeof(cls));
	ci_i = ciout_case(ci, cls, name);
	if (typicals(s, t)) {
		k->unusable++;
		ciout_skip(ci, ci_i, "a run has no positive values: no ratio on a log scale");
		free(t);
		return 0;
	}
	if (s->npts < 2 * co->min_size) {
		k->short_series++;
		ciout_skip(ci, ci_i, "fewer runs than a change point needs");
		free(t);
		return 0;
	}
	double *z = malloc(s->npts * sizeof(*z));
	if (!z) {
		free(t);
		return -ENOMEM;
	}
	for (size_t j = 0; j < s->npts; j++)
		z[j] = log(t[j]);
	k->tested++;
	n = cpd_edivisive(z, s->npts, co, cp, CHECK_MAX_POINTS);
	free(z);
	if (n < 0) {
		free(t);
		return n;
	}
	for (int i = 0; i < n; i++) {
		size_t from = i ? cp[i - 1].at : 0, to = i + 1 < n ? cp[i + 1].at : s->npts;
		struct effect e;
		char before[16], after[16], ph[256], msg[1024], detail[2048];
		/* size: the runs after the change against those before it, back to the
		 * change points on either side */
		if (effect_compare(t + cp[i].at, to - cp[i].at, t + from, cp[i].at - from, 0.05, &e))
			continue;
		int worse = mi->higher_better ? e.ratio < 1 : e.ratio > 1;
		int big = fabs(e.ratio - 1) >= min_effect;
		const char *what = !big ? "change      " : worse ? "REGRESSION  " : "improvement ";
		history_short_commit(&s->pts[cp[i].at], after, sizeof(after));
		history_short_commit(&s->pts[cp[i].at - 1], before, sizeof(before));
		effect_phrase(ph, sizeof(ph), s->metric, e.ratio, e.rlo, e.rhi);
		snprintf(msg, sizeof(msg),
			 "%s: from commit %s (after %s) %s %s than before (p=%.2g, %zu runs before, %zu "
			 "after)",
			 name, after, before, effect_words_of(s->metric)->verb, ph, cp[i].p, cp[i].at - from,
			 to - cp[i].at);
		printf("%s%s\n            %s; runs %zu..%zu against %zu..%zu; first run after: %s, started "
		       "%s\n",
		       what, msg, where, cp[i].at + 1, to, from + 1, cp[i].at, s->pts[cp[i].at].run_id,
		       s->pts[cp[i].at].when);
		snprintf(detail, sizeof(detail),
			 "%s\n%s\nchange point at run %zu of %zu (E-Divisive, permutation p=%.3g)\nfirst run "
			 "after: %s "
			 "(commit %s, started %s)\nlast run before: %s (commit %s, started %s)\n",
			 msg, where, cp[i].at + 1, s->npts, cp[i].p, s->pts[cp[i].at].run_id,
			 s->pts[cp[i].at].commit, s->pts[cp[i].at].when, s->pts[cp[i].at - 1].run_id,
			 s->pts[cp[i].at - 1].commit, s->pts[cp[i].at - 1].when);
		if (!big) {
			k->small++;
			ciout_info(ci, ci_i, msg);
		} else if (worse) {
			k->regressions++;
			ciout_fail_detail(ci, ci_i, msg, detail);
		} else {
			k->improvements++;
			ciout_info(ci, ci_i, msg);
		}
	}
	free(t);
	return 0;
}

int history_check(struct history *h, const struct history_filter *f, double alpha, double min_effect,
		  struct ciout *ci)
{
	struct history_series *s = NULL;
	struct check_counts k = {0};
	size_t ns = 0, testable = 0;
	char err[1024];
	int ret = 2;

	if (history_load(h, f, &s, &ns, err, sizeof(err))) {
		fprintf(stderr, "wirelab history check: %s\n", err);
		return 2;
	}
	if (!ns) {
		fprintf(stderr,
			"wirelab history check: no series in %s match the metrics and filters asked\n",
			h->path);
		goto cleanup;
	}
	for (size_t i = 0; i < ns; i++)
		testable += s[i].npts >= 2 * CPD_MIN_SIZE;
	struct cpd_opts co = {.alpha = alpha / (double)(testable ? testable : 1), .min_size = CPD_MIN_SIZE};
	co.perms = cpd_perms_for(co.alpha);
	k.series = ns;
	for (size_t i = 0; i < ns; i++) {
		co.seed = seed_of(&s[i]);
		if (check_series(&s[i], &co, min_effect, ci, &k)) {
			fprintf(stderr, "wirelab history check: out of memory\n");
			goto cleanup;
		}
	}
	size_t need = cpd_min_runs(co.alpha);
	char line[3][512];
	snprintf(line[0], sizeof(line[0]),
		 "%zu series, %zu tested for change points (E-Divisive means, %zu permutations each); alpha "
		 "%.3g "
		 "for the whole check, %.3g per series",
		 ns, k.tested, co.perms, alpha, co.alpha);
	snprintf(line[1], sizeof(line[1]),
		 "%zu regression%s, %zu improvement%s (at least %.1f%%), %zu change%s smaller than that",
		 k.regressions, k.regressions == 1 ? "" : "s", k.improvements, k.improvements == 1 ? "" : "s",
		 100 * min_effect, k.small, k.small == 1 ? "" : "s");
	snprintf(
		line[2], sizeof(line[2]),
		"at %.3g per series a change point needs about %zu runs in its series (half each side) to be "
		"found at all; %zu series have fewer than %d runs, %zu have runs without positive values",
		co.alpha, need, k.short_series, 2 * CPD_MIN_SIZE, k.unusable);
	printf("%s\n%s\nnote: %s\n", line[0], line[1], line[2]);
	for (int i = 0; i < 3; i++)
		ciout_note(ci, "%s", line[i]);
	ret = k.regressions ? 1 : 0;
cleanup:
	history_series_free(s, ns);
	return ret;
}
