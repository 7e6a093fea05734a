/*
 * pick_slo: which variant sustains the highest rate within a latency
 * objective (`wirelab pick RUN --slo p99=2ms`), from open mode's rates.
 *
 * A variant sustains a rate when, at that rate and at every lower one it
 * was offered, every repetition kept the rate (none rate-missed) and the
 * typical latency of the repetitions (effect.h: the trimmed geometric
 * mean) is within every objective. The first rate that fails ends the
 * walk, so one lucky window above a failing one does not count. Its
 * sustained rate is what it achieved there (typical, with the interval).
 * The best and the runner-up are compared by effect_compare on those
 * achieved rates: the ratio with its 95% interval. The rates are a grid,
 * so each variant's real limit lies between its sustained rate and the
 * next one it was offered, which pick says.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "effect.h"
#include "pick.h"
#include "stats.h"

#define PICK_ALPHA 0.05

static const int latency_metrics[] = {RUNS_P50, RUNS_P90, RUNS_P99, RUNS_P999, RUNS_P9999, RUNS_MAX};

static void us_str(double us, char *buf, size_t len)
{
	if (isnan(us))
		snprintf(buf, len, "?");
	else if (us >= 1e6)
		snprintf(buf, len, "%.3g s", us / 1e6);
	else if (us >= 1e3)
		snprintf(buf, len, "%.3g ms", us / 1e3);
	else
		snprintf(buf, len, "%.3g us", us);
}

static int parse_one(const char *item, struct pick_objective *o, char *err, size_t errlen)
{
	char key[12], *end;
	const char *eq = strchr(item, '=');
	double v, scale;
	int m = -1;

	if (!eq || eq == item || (size_t)(eq - item) >= sizeof(key)) {
		snprintf(err, errlen, "--slo '%s': expected METRIC=LIMIT, e.g. p99=2ms", item);
		return -EINVAL;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - item), item);
	/* p99.9 as people write it, p999 as the metric is named */
	if (!strcmp(key, "p99.9"))
		snprintf(key, sizeof(key), "p999");
	else if (!strcmp(key, "p99.99"))
		snprintf(key, sizeof(key), "p9999");
	for (size_t i = 0; i < sizeof(latency_metrics) / sizeof(latency_metrics[0]); i++)
		if (!strcmp(key, runs_metrics[latency_metrics[i]].key))
			m = latency_metrics[i];
	if (m < 0) {
		snprintf(err, errlen,
			 "--slo '%s': '%s' is not a latency percentile (p50, p90, p99, p99.9, p99.99, max)",
			 item, key);
		return -EINVAL;
	}
	errno = 0;
	v = strtod(eq + 1, &end);
	if (end == eq + 1 || errno || !isfinite(v) || !(v > 0)) {
		snprintf(err, errlen, "--slo '%s': the limit '%s' is not a positive time such as 2ms", item,
			 eq + 1);
		return -EINVAL;
	}
	if (!strcmp(end, "us") || !strcmp(end, "µs"))
		scale = 1;
	else if (!strcmp(end, "ms"))
		scale = 1e3;
	else if (!strcmp(end, "s"))
		scale = 1e6;
	else {
		snprintf(err, errlen, "--slo '%s': give the limit's unit: us, ms or s (e.g. %gms)", item, v);
		return -EINVAL;
	}
	o->m = m;
	o->limit_us = v * scale;
	char lim[32];
	us_str(o->limit_us, lim, sizeof(lim));
	snprintf(o->text, sizeof(o->text), "%s <= %s",
		 !strcmp(key, "p999")	 ? "p99.9"
		 : !strcmp(key, "p9999") ? "p99.99"
					 : key,
		 lim);
	return 0;
}

int pick_slo_parse(const char *s, struct pick_objective *obj, int max, char *err, size_t errlen)
{
	char *dup = strdup(s), *save = NULL;
	int n = 0;

	if (!dup)
		return -ENOMEM;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == max) {
			snprintf(err, errlen, "--slo: at most %d objectives", max);
			n = -EINVAL;
			break;
		}
		if (parse_one(t, &obj[n], err, errlen)) {
			n = -EINVAL;
			break;
		}
		for (int i = 0; i < n; i++)
			if (obj[i].m == obj[n].m) {
				snprintf(err, errlen, "--slo: %s is given twice", t);
				free(dup);
				return -EINVAL;
			}
		n++;
	}
	free(dup);
	if (n == 0) {
		snprintf(err, errlen, "--slo '%s': expected METRIC=LIMIT, e.g. p99=2ms", s);
		return -EINVAL;
	}
	return n;
}

/* one open-mode cell of a group: its rate's point on a variant's curve */
struct pt {
	const struct runs_cell *c;
	double offered;
};

/* what a variant sustains in a group */
struct verdict {
	const char *variant;
	int peer;
	const struct runs_cell *kept; /* the highest rate sustained, or NULL */
	const struct runs_cell *next; /* the first rate that failed, or NULL */
	struct effect_loc rate;	      /* achieved at kept */
	char why[160];		      /* why next failed */
};

static double median_of(const struct runs_cell *c, int m)
{
	struct stats_summary s;

	stats_summary(c->v[m], c->n, &s);
	return s.n ? s.median : NAN;
}

static int cmp_pt(const void *a, const void *b)
{
	double x = ((const struct pt *)a)->offered, y = ((const struct pt *)b)->offered;

	return (x > y) - (x < y);
}

static double typical(const struct runs_cell *c, int m)
{
	struct effect_loc l;

	return effect_location(c->v[m], c->n, PICK_ALPHA, &l) ? median_of(c, m) : l.typical;
}

/* Walk a variant's rates upwards until one fails. */
static void judge(struct pt *pts, size_t n, const struct pick_objective *obj, int nobj, struct verdict *v)
{
	qsort(pts, n, sizeof(*pts), cmp_pt);
	for (size_t i = 0; i < n; i++) {
		const struct runs_cell *c = pts[i].c;
		int ok = !c->rate_missed;
		if (!ok)
			snprintf(v->why, sizeof(v->why),
				 "the client could not keep the rate in %zu of %zu repetitions",
				 c->rate_missed, c->n);
		for (int k = 0; ok && k < nobj; k++) {
			double t = typical(c, obj[k].m);
			if (!(t <= obj[k].limit_us)) {
				char got[32];
				us_str(t, got, sizeof(got));
				snprintf(v->why, sizeof(v->why), "%s is %s, over %s",
					 runs_metrics[obj[k].m].key, got, obj[k].text);
				ok = 0;
			}
		}
		if (!ok) {
			v->next = c;
			break;
		}
		v->kept = c;
	}
	memset(&v->rate, 0, sizeof(v->rate));
	v->rate.typical = NAN;
	if (v->kept && effect_location(v->kept->v[RUNS_ACHIEVED], v->kept->n, PICK_ALPHA, &v->rate))
		v->rate.typical = median_of(v->kept, RUNS_ACHIEVED);
}

static int cmp_verdict(const void *a, const void *b)
{
	const struct verdict *x = a, *y = b;
	double rx = x->kept ? x->rate.typical : -1, ry = y->kept ? y->rate.typical : -1;

	if (x->peer != y->peer)
		return x->peer - y->peer;
	return (ry > rx) - (ry < rx);
}

static void say(const char *what, const struct verdict *v, const struct pick_objective *obj, int nobj)
{
	char lat[160] = "", iv[64] = "";

	if (!v->kept) {
		printf("%-10s %-30s sustains no rate measured: at its lowest, %s %s\n", what, v->variant,
		       v->next ? v->next->rate : "?", v->why);
		return;
	}
	for (int k = 0; k < nobj; k++) {
		char t[32];
		us_str(typical(v->kept, obj[k].m), t, sizeof(t));
		snprintf(lat + strlen(lat), sizeof(lat) - strlen(lat), "%s%s %s", k ? ", " : "",
			 runs_metrics[obj[k].m].key, t);
	}
	if (!isnan(v->rate.lo))
		snprintf(iv, sizeof(iv), " [%.0f, %.0f]", v->rate.lo, v->rate.hi);
	printf("%-10s %-30s sustains %.0f req/s%s (rate %s: %s; %zu repetitions)\n", what, v->variant,
	       v->rate.typical, iv, v->kept->rate, lat, v->kept->n);
	if (v->next)
		printf("%-10s %-30s   next rate %s (%.0f req/s offered): %s\n", "", "", v->next->rate,
		       median_of(v->next, RUNS_OFFERED), v->why);
	else
		printf("%-10s %-30s   and its highest rate measured: its limit may be higher\n", "", "");
}

/* One group: a size or mix at a concurrency. */
static void pick_group(const struct runs_run *run, const struct runs_cell *g,
		       const struct pick_objective *obj, int nobj)
{
	const char **vars = NULL;
	int nv = runs_variants(run, &vars);
	struct verdict *vs = calloc(nv > 0 ? nv : 1, sizeof(*vs));
	struct pt *pts = calloc(run->nload_cells + 1, sizeof(*pts));
	char what[96], objs[256] = "";
	int nvs = 0;

	if (nv < 0 || !vs || !pts) {
		fprintf(stderr, "wirelab pick: out of memory\n");
		goto cleanup;
	}
	if (*g->workload)
		snprintf(what, sizeof(what), "mix %s", g->workload);
	else
		runs_size_str(g->size, what, sizeof(what));
	for (int k = 0; k < nobj; k++)
		snprintf(objs + strlen(objs), sizeof(objs) - strlen(objs), "%s%s", k ? " and " : "",
			 obj[k].text);
	printf("workload:  %s%s, %ld connections, open mode\nobjective: %s (corrected latency; the typical "
	       "of "
	       "the repetitions)\n",
	       what, *g->workload ? "" : " files", g->conns, objs);
	for (int k = 0; k < nv; k++) {
		size_t np = 0;
		for (size_t i = 0; i < run->nload_cells; i++) {
			const struct runs_cell *c = &run->load_cells[i];
			if (!*c->rate || c->conns != g->conns || strcmp(c->workload, g->workload) ||
			    (!*g->workload && c->size != g->size) || strcmp(c->variant, vars[k]) || !c->n)
				continue;
			pts[np++] = (struct pt){c, median_of(c, RUNS_OFFERED)};
		}
		if (!np)
			continue;
		vs[nvs] = (struct verdict){.variant = vars[k], .peer = runs_is_peer(run, vars[k])};
		judge(pts, np, obj, nobj, &vs[nvs++]);
	}
	qsort(vs, nvs, sizeof(*vs), cmp_verdict);
	int ours = 0;
	while (ours < nvs && !vs[ours].peer)
		ours++;
	if (!ours)
		printf("no variant of ours was measured here\n");
	else if (!vs[0].kept)
		printf("verdict:   no variant sustains any rate measured within the objective\n");
	for (int k = 0; k < ours; k++)
		say(!vs[0].kept ? "variant:"
		    : !k	? "best:"
		    : k == 1	? "runner-up:"
				: "then:",
		    &vs[k], obj, nobj);
	if (ours > 1 && vs[0].kept && vs[1].kept) {
		struct effect e;
		char s[400];
		if (!effect_compare(vs[0].kept->v[RUNS_ACHIEVED], vs[0].kept->n, vs[1].kept->v[RUNS_ACHIEVED],
				    vs[1].kept->n, PICK_ALPHA, &e))
			printf("apart:     %s (95%% interval, over the repetitions at the two rates)%s\n",
			       effect_sentence(s, sizeof(s), vs[0].variant, vs[1].variant, RUNS_ACHIEVED, &e),
			       e.rlo <= 1 && e.rhi >= 1 ? ": not told apart" : "");
		else
			printf("apart:     %s sustains %.1f%% more requests per second than %s (too few "
			       "repetitions for an interval)\n",
			       vs[0].variant, 100 * (vs[0].rate.typical / vs[1].rate.typical - 1),
			       vs[1].variant);
	} else if (ours == 1 && vs[0].kept)
		printf("only one variant was measured here: nothing to compare\n");
	else if (ours > 1 && vs[0].kept)
		printf("apart:     the runner-up sustains no rate within the objective\n");
	for (int k = ours; k < nvs; k++)
		say("peer:", &vs[k], obj, nobj);
	if (ours && vs[0].kept)
		printf("note:      the rates are a grid: each limit lies between the rate sustained and the "
		       "next one offered\n");
cleanup:
	free(vs);
	free(pts);
	free(vars);
}

int pick_slo(const struct runs_run *run, const struct pick_objective *obj, int nobj, const char *workload,
	     long size, long conns)
{
	const struct runs_cell **groups = calloc(run->nload_cells + 1, sizeof(*groups));
	int ng = 0, any_open = 0;

	if (!groups) {
		fprintf(stderr, "wirelab pick: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < run->nload_cells; i++) {
		const struct runs_cell *c = &run->load_cells[i];
		int k;
		if (!*c->rate)
			continue;
		any_open = 1;
		if ((workload && strcmp(c->workload, workload)) ||
		    (!workload && size >= 0 && (*c->workload || c->size != size)) ||
		    (conns > 0 && c->conns != conns))
			continue;
		for (k = 0; k < ng; k++)
			if (groups[k]->conns == c->conns && !strcmp(groups[k]->workload, c->workload) &&
			    (*c->workload || groups[k]->size == c->size))
				break;
		if (k == ng)
			groups[ng++] = c;
	}
	if (!ng) {
		fprintf(stderr, "wirelab pick: %s: %s\n", run->dir,
			any_open ? "no open-mode cell matches --size/--workload/--conns"
				 : "no open-mode rates in this run: --slo needs a sweep with --load open "
				   "--rates");
		free(groups);
		return 2;
	}
	for (int k = 0; k < ng; k++) {
		if (k)
			printf("\n");
		pick_group(run, groups[k], obj, nobj);
	}
	free(groups);
	return 0;
}
