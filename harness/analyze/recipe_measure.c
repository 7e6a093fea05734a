/*
 * recipe_measure: a recipe's "measure" entries read from a run (runs.h):
 *   crossover: where variant a's metric crosses b's along the sizes (or the
 *              concurrencies), from the ratio of their typical values at
 *              each measured point, interpolated on a log scale between the
 *              two points it changes side at;
 *   ratio:     a/b per size and concurrency with its 95% interval
 *              (effect_compare: Yuen's interval on the trimmed logs);
 *   table:     each variant's typical value with its interval per cell.
 * One sentence per measure says the result, so that `recipe run` and the
 * report print the same words.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "effect.h"
#include "recipe.h"
#include "report.h"

static const char *const measure_keys[] = {"kind",  "metric", "a",     "b",	"variants",
					   "along", "size",   "conns", "label", NULL};

int recipe_measure_check(json_t *m, char *err, size_t errlen)
{
	const char *key, *kind = json_string_value(json_object_get(m, "kind"));
	const char *metric = json_string_value(json_object_get(m, "metric"));
	json_t *v;
	long sz;

	if (!json_is_object(m)) {
		snprintf(err, errlen, "measure: each entry must be an object");
		return -EINVAL;
	}
	json_object_foreach(m, key, v)
	{
		int known = 0;
		for (int i = 0; measure_keys[i]; i++)
			known |= !strcmp(key, measure_keys[i]);
		if (!known) {
			snprintf(err, errlen,
				 "measure: unknown key '%s' (expected kind, metric, a, b, variants, along, "
				 "size, "
				 "conns, label)",
				 key);
			return -EINVAL;
		}
	}
	if (!kind || (strcmp(kind, "crossover") && strcmp(kind, "ratio") && strcmp(kind, "table"))) {
		snprintf(err, errlen, "measure: key 'kind' must be \"crossover\", \"ratio\" or \"table\"");
		return -EINVAL;
	}
	if (!metric || runs_metric_find(metric) < 0) {
		snprintf(err, errlen, "measure: key 'metric' must be one of %s", runs_metric_keys());
		return -EINVAL;
	}
	if (strcmp(kind, "table") &&
	    (!json_is_string(json_object_get(m, "a")) || !json_is_string(json_object_get(m, "b")))) {
		snprintf(err, errlen, "measure: a %s needs keys 'a' and 'b' (variant names, strings)", kind);
		return -EINVAL;
	}
	if ((v = json_object_get(m, "variants")) && !json_is_array(v)) {
		snprintf(err, errlen, "measure: key 'variants' must be an array of variant names");
		return -EINVAL;
	}
	if ((v = json_object_get(m, "along")) &&
	    (!json_is_string(v) ||
	     (strcmp(json_string_value(v), "size") && strcmp(json_string_value(v), "conns")))) {
		snprintf(err, errlen, "measure: key 'along' must be \"size\" or \"conns\"");
		return -EINVAL;
	}
	if ((v = json_object_get(m, "size")) && !json_is_integer(v) &&
	    !(json_is_string(v) && !runs_parse_size(json_string_value(v), &sz))) {
		snprintf(err, errlen, "measure: key 'size' must be a size such as \"4k\" or a byte count");
		return -EINVAL;
	}
	if ((v = json_object_get(m, "conns")) && !json_is_integer(v)) {
		snprintf(err, errlen, "measure: key 'conns' must be an integer");
		return -EINVAL;
	}
	if ((v = json_object_get(m, "label")) && !json_is_string(v)) {
		snprintf(err, errlen, "measure: key 'label' must be a string");
		return -EINVAL;
	}
	return 0;
}

/* the measure's size filter in bytes, -1 for none */
static long filter_size(json_t *m)
{
	json_t *v = json_object_get(m, "size");
	long sz;

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v) && !runs_parse_size(json_string_value(v), &sz))
		return sz;
	return -1;
}

static long filter_conns(json_t *m)
{
	json_t *v = json_object_get(m, "conns");
	return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

static struct runs_cell *cell(const struct runs_run *run, const char *variant, long size, long conns)
{
	return runs_find((struct runs_run *)run, variant, size, conns);
}

/* a/b at one cell: the ratio of typical values and its interval (NaN
 * bounds when either side has fewer than 2 repetitions). 0, or -ENOENT
 * when either side has no value. */
static int cell_ratio(const struct runs_cell *a, const struct runs_cell *b, int m, double *r, double *lo,
		      double *hi)
{
	struct effect e;
	struct effect_loc la, lb;

	if (!effect_compare(a->v[m], a->n, b->v[m], b->n, REPORT_ALPHA, &e)) {
		*r = e.ratio, *lo = e.rlo, *hi = e.rhi;
		return 0;
	}
	if (effect_location(a->v[m], a->n, REPORT_ALPHA, &la) ||
	    effect_location(b->v[m], b->n, REPORT_ALPHA, &lb) || !(la.typical > 0) || !(lb.typical > 0))
		return -ENOENT;
	*r = la.typical / lb.typical;
	*lo = *hi = NAN;
	return 0;
}

static void point_str(char *buf, size_t len, int along_conns, long size, long conns)
{
	char sz[32];
	runs_size_str(size, sz, sizeof(sz));
	if (along_conns)
		snprintf(buf, len, "%ld connection%s", conns, conns == 1 ? "" : "s");
	else
		snprintf(buf, len, "%s", sz);
}

static json_t *row_ratio(long size, long conns, double r, double lo, double hi)
{
	json_t *row = json_pack("{s:I, s:I, s:f}", "size", (json_int_t)size, "conns", (json_int_t)conns,
				"ratio", r);
	if (row && isfinite(lo) && isfinite(hi)) {
		json_object_set_new(row, "lo", json_real(lo));
		json_object_set_new(row, "hi", json_real(hi));
	}
	return row;
}

/* crossover and ratio: the ratio a/b at every point where both were
 * measured, and for a crossover where it changes side of 1 */
static int measure_pair(const struct runs_run *run, json_t *m, int metric, const char *kind, json_t *res)
{
	const char *a = json_string_value(json_object_get(m, "a")),
		   *b = json_string_value(json_object_get(m, "b"));
	const char *along = json_string_value(json_object_get(m, "along"));
	int along_conns = along && !strcmp(along, "conns"), crossover = !strcmp(kind, "crossover");
	long *sizes = NULL, *conns = NULL, fs = filter_size(m), fc = filter_conns(m);
	int ns = runs_sizes(run, &sizes), nc = runs_conns(run, &conns), ret = 0;
	json_t *rows = json_array();
	char text[4096] = "", buf[512];
	size_t used = 0;

	if (ns < 0 || nc < 0 || !rows) {
		ret = -ENOMEM;
		goto out;
	}
	if (!crossover)
		used = snprintf(text, sizeof(text), "%s against %s: ", a, b);
	/* the fixed axis: each of its values is one line of points */
	for (int o = 0; o < (along_conns ? ns : nc); o++) {
		long prev_x = 0, first_x = 0, last_x = 0;
		double prev_r = NAN, prev_lo = NAN, prev_hi = NAN, rmin = INFINITY, rmax = 0;
		int points = 0, crossings = 0, undecided = 0;
		long fixed = along_conns ? sizes[o] : conns[o];
		char fixed_s[600];

		if ((along_conns ? fs : fc) >= 0 && fixed != (along_conns ? fs : fc))
			continue;
		if (along_conns) {
			runs_size_str(fixed, buf, sizeof(buf));
			snprintf(fixed_s, sizeof(fixed_s), "at %s", buf);
		} else
			snprintf(fixed_s, sizeof(fixed_s), "at %ld connection%s", fixed,
				 fixed == 1 ? "" : "s");
		for (int i = 0; i < (along_conns ? nc : ns); i++) {
			long size = along_conns ? fixed : sizes[i], cn = along_conns ? conns[i] : fixed;
			long x = along_conns ? cn : size;
			struct runs_cell *ca, *cb;
			double r, lo, hi;

			if ((!along_conns && fs >= 0 && size != fs) || (along_conns && fc >= 0 && cn != fc))
				continue;
			ca = cell(run, a, size, cn), cb = cell(run, b, size, cn);
			if (!ca || !cb || cell_ratio(ca, cb, metric, &r, &lo, &hi))
				continue;
			json_array_append_new(rows, row_ratio(size, cn, r, lo, hi));
			if (!crossover) {
				char p[256], pt[64];
				runs_size_str(size, pt, sizeof(pt));
				if (isfinite(lo))
					effect_phrase(p, sizeof(p), metric, r, lo, hi);
				else
					snprintf(p, sizeof(p), "ratio %.3f (one repetition: no interval)", r);
				if (used < sizeof(text))
					used += snprintf(text + used, sizeof(text) - used, "%s%s c%ld: %s",
							 json_array_size(rows) > 1 ? "; " : "", pt, cn, p);
				continue;
			}
			if (!points++)
				first_x = x;
			undecided += !(hi < 1 || lo > 1); /* NaN bounds count too */
			last_x = x;
			rmin = fmin(rmin, r), rmax = fmax(rmax, r);
			if (isfinite(prev_r) && (prev_r - 1) * (r - 1) < 0 && used < sizeof(text)) {
				/* log-linear in both the ratio and the size */
				double t = log(prev_r) / (log(prev_r) - log(r));
				double xc =
					exp(log((double)prev_x) + t * (log((double)x) - log((double)prev_x)));
				char s1[64], s2[64], sc[64];
				point_str(s1, sizeof(s1), along_conns, prev_x, prev_x);
				point_str(s2, sizeof(s2), along_conns, x, x);
				if (along_conns)
					snprintf(sc, sizeof(sc), "%.0f connections", xc);
				else
					runs_size_str((long)xc, sc, sizeof(sc));
				used += snprintf(
					text + used, sizeof(text) - used,
					"%s%s: %s's %s crosses %s's between %s and %s (about %s, "
					"interpolated on a log scale; %s is %s below it)%s",
					used ? "; " : "", fixed_s, a, runs_metrics[metric].key, b, s1, s2, sc,
					a, prev_r < 1 ? "lower" : "higher",
					/* a crossing is only measured when both sides of it are
					 * told apart from no difference */
					!(prev_hi < 1 || prev_lo > 1) || !(hi < 1 || lo > 1)
						? ", but the interval at one of the two points includes "
						  "no difference: a crossing within the noise"
						: "");
				json_object_set_new(json_array_get(rows, json_array_size(rows) - 1),
						    "crossing", json_real(xc));
				crossings++;
			}
			prev_r = r, prev_x = x, prev_lo = lo, prev_hi = hi;
		}
		if (crossover && points && !crossings && used < sizeof(text)) {
			char s1[64], s2[64], nd[96] = "";
			point_str(s1, sizeof(s1), along_conns, first_x, first_x);
			point_str(s2, sizeof(s2), along_conns, last_x, last_x);
			if (undecided)
				snprintf(nd, sizeof(nd),
					 "; the interval includes no difference at %d of %d points",
					 undecided, points);
			used += snprintf(
				text + used, sizeof(text) - used,
				"%s%s: no crossover between %s and %s: %s's %s is %s %s's at every point "
				"(ratio %.3f to %.3f%s)",
				used ? "; " : "", fixed_s, s1, s2, a, runs_metrics[metric].key,
				rmax < 1   ? "below"
				: rmin > 1 ? "above"
					   : "level with",
				b, rmin, rmax, nd);
		}
	}
	if (!json_array_size(rows))
		snprintf(text, sizeof(text), "no data: %s and %s were not both measured at any point", a, b);
	json_object_set_new(res, "text", json_string(text));
	json_object_set(res, "rows", rows);
out:
	json_decref(rows);
	free(sizes);
	free(conns);
	return ret;
}

static int wanted(json_t *m, const char *variant)
{
	json_t *vs = json_object_get(m, "variants"), *v;
	size_t i;

	if (!vs)
		return 1;
	json_array_foreach(vs, i,
			   v) if (json_is_string(v) && !strcmp(json_string_value(v), variant)) return 1;
	return 0;
}

/* v in a few significant digits, without an exponent for the req/s and
 * segment counts a table holds */
static const char *num(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "?");
	else if (fabs(v) >= 1000)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

/* table: each wanted variant's typical value and interval at each cell */
static int measure_table(const struct runs_run *run, json_t *m, int metric, json_t *res)
{
	long fs = filter_size(m), fc = filter_conns(m);
	json_t *rows = json_array();
	char text[4096] = "";
	size_t used = 0;

	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < run->ncells; i++) {
		const struct runs_cell *c = &run->cells[i];
		struct effect_loc l;
		char sz[32];
		json_t *row;

		if (!wanted(m, c->variant) || (fs >= 0 && c->size != fs) || (fc >= 0 && c->conns != fc) ||
		    effect_location(c->v[metric], c->n, REPORT_ALPHA, &l) || !isfinite(l.typical))
			continue;
		row = json_pack("{s:s, s:I, s:I, s:f, s:I}", "variant", c->variant, "size",
				(json_int_t)c->size, "conns", (json_int_t)c->conns, "typical", l.typical, "n",
				(json_int_t)l.n);
		if (row && isfinite(l.lo) && isfinite(l.hi)) {
			json_object_set_new(row, "lo", json_real(l.lo));
			json_object_set_new(row, "hi", json_real(l.hi));
		}
		json_array_append_new(rows, row);
		runs_size_str(c->size, sz, sizeof(sz));
		if (used < sizeof(text)) {
			char t[32], lo[32], hi[32];
			num(t, sizeof(t), l.typical), num(lo, sizeof(lo), l.lo), num(hi, sizeof(hi), l.hi);
			if (isfinite(l.lo))
				used += snprintf(text + used, sizeof(text) - used,
						 "%s%s %s c%ld: %s [%s, %s]", used ? "; " : "", c->variant,
						 sz, c->conns, t, lo, hi);
			else
				used += snprintf(text + used, sizeof(text) - used,
						 "%s%s %s c%ld: %s (one repetition)", used ? "; " : "",
						 c->variant, sz, c->conns, t);
		}
	}
	if (!json_array_size(rows))
		snprintf(text, sizeof(text), "no data: none of the variants was measured");
	json_object_set_new(res, "text", json_string(text));
	json_object_set_new(res, "rows", rows);
	return 0;
}

json_t *recipe_measure_all(const struct runs_run *run, json_t *measures)
{
	json_t *out = json_array(), *m;
	size_t i;

	if (!out)
		return NULL;
	json_array_foreach(measures, i, m)
	{
		const char *kind = json_string_value(json_object_get(m, "kind"));
		int metric = runs_metric_find(json_string_value(json_object_get(m, "metric")) ?: "");
		json_t *res;
		char err[256];
		int ret;

		if (recipe_measure_check(m, err, sizeof(err))) {
			json_array_append_new(out, json_pack("{s:s}", "text", err));
			continue;
		}
		res = json_pack("{s:s, s:s, s:s}", "kind", kind, "metric", runs_metrics[metric].key, "unit",
				runs_metrics[metric].label);
		if (!res)
			goto nomem;
		if (json_object_get(m, "label"))
			json_object_set(res, "label", json_object_get(m, "label"));
		ret = strcmp(kind, "table") ? measure_pair(run, m, metric, kind, res)
					    : measure_table(run, m, metric, res);
		if (ret || json_array_append_new(out, res))
			goto nomem;
	}
	return out;
nomem:
	json_decref(out);
	return NULL;
}
