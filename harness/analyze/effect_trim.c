/* effect_trim: Yuen's trimmed-mean comparison on log values (see effect.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "effect.h"

/* What one sample contributes: its trimmed mean of logs, its winsorized
 * variance, how many values remain after trimming (h). */
struct trimmed {
	size_t n, g, h;
	double mean, wvar;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Values trimmed from each end of n: floor(trim * n), but never so many
 * that fewer than EFFECT_KEEP remain. Keeping 3 of 5 would leave 2 degrees
 * of freedom per variant, where t at a look's alpha of 0.00625 is 12.6
 * (6.9 at 3): unit_decide showed 10% found by 5 reps in 61% of cells with
 * it, 82% without, and the same power under stalls either way. */
static size_t trim_count(size_t n, double trim)
{
	size_t g = (size_t)floor(trim * (double)n + 1e-9);

	while (g && n - 2 * g < EFFECT_KEEP)
		g--;
	return g;
}

static int trimmed_of(const double *v, size_t n, double trim, struct trimmed *t)
{
	double *y = malloc((n ? n : 1) * sizeof(*y));
	size_t m = 0;
	int ret = -ENOMEM;

	memset(t, 0, sizeof(*t));
	if (!y)
		goto cleanup;
	ret = -EDOM;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		if (!(v[i] > 0) || isinf(v[i]))
			goto cleanup;
		y[m++] = log(v[i]);
	}
	ret = -EINVAL;
	if (m < 2)
		goto cleanup;
	qsort(y, m, sizeof(*y), cmp_double);
	t->n = m;
	t->g = trim_count(m, trim);
	t->h = m - 2 * t->g;
	double sum = 0, wsum = 0, wss = 0;
	for (size_t i = t->g; i < m - t->g; i++)
		sum += y[i];
	t->mean = sum / (double)t->h;
	/* winsorized: the trimmed values replaced by the nearest kept one */
	for (size_t i = 0; i < m; i++) {
		double w = y[i < t->g ? t->g : i >= m - t->g ? m - t->g - 1 : i];
		wsum += w;
	}
	double wmean = wsum / (double)m;
	for (size_t i = 0; i < m; i++) {
		double w = y[i < t->g ? t->g : i >= m - t->g ? m - t->g - 1 : i];
		wss += (w - wmean) * (w - wmean);
	}
	t->wvar = wss / (double)(m - 1);
	ret = 0;
cleanup:
	free(y);
	return ret;
}

/* Yuen's squared standard error term of one sample, (n-1) s_w^2 / (h(h-1)). */
static double yuen_d(size_t n, size_t h, double wvar)
{
	return (double)(n - 1) * wvar / ((double)h * (double)(h - 1));
}

/* Welch-Satterthwaite degrees of freedom of two Yuen terms; with no
 * variance at all the interval is a point and any df will do. */
static double yuen_df(double da, size_t ha, double db, size_t hb)
{
	double den = da * da / (double)(ha - 1) + db * db / (double)(hb - 1);

	return den > 0 ? (da + db) * (da + db) / den : (double)(ha + hb - 2);
}

int effect_compare_trim(const double *a, size_t na, const double *b, size_t nb, double alpha, double trim,
			struct effect *e)
{
	struct trimmed ta, tb;
	int ret;

	memset(e, 0, sizeof(*e));
	e->est = e->lo = e->hi = e->ratio = e->rlo = e->rhi = e->p = NAN;
	if (!(alpha > 0 && alpha < 1) || !(trim >= 0 && trim < 0.5))
		return -EINVAL;
	if ((ret = trimmed_of(a, na, trim, &ta)) || (ret = trimmed_of(b, nb, trim, &tb)))
		return ret;
	double da = yuen_d(ta.n, ta.h, ta.wvar), db = yuen_d(tb.n, tb.h, tb.wvar);
	e->na = ta.n;
	e->nb = tb.n;
	e->trim = trim;
	e->alpha = alpha;
	e->wva = ta.wvar;
	e->wvb = tb.wvar;
	e->est = ta.mean - tb.mean;
	e->se = sqrt(da + db);
	e->df = yuen_df(da, ta.h, db, tb.h);
	double q = effect_t_quantile(1 - alpha / 2, e->df);
	e->lo = e->est - q * e->se;
	e->hi = e->est + q * e->se;
	if (e->se > 0)
		e->p = 2 * effect_t_cdf(-fabs(e->est) / e->se, e->df);
	else
		e->p = e->est == 0 ? 1 : 0;
	e->ratio = exp(e->est);
	e->rlo = exp(e->lo);
	e->rhi = exp(e->hi);
	return 0;
}

int effect_compare(const double *a, size_t na, const double *b, size_t nb, double alpha, struct effect *e)
{
	return effect_compare_trim(a, na, b, nb, alpha, EFFECT_TRIM, e);
}

void effect_project(const struct effect *e, size_t na, size_t nb, double *se, double *df)
{
	if (na < 2 || nb < 2) {
		*se = *df = NAN;
		return;
	}
	size_t ha = na - 2 * trim_count(na, e->trim), hb = nb - 2 * trim_count(nb, e->trim);
	double da = yuen_d(na, ha, e->wva), db = yuen_d(nb, hb, e->wvb);
	*se = sqrt(da + db);
	*df = yuen_df(da, ha, db, hb);
}

int effect_location(const double *v, size_t n, double alpha, struct effect_loc *l)
{
	struct trimmed t;
	int ret;

	memset(l, 0, sizeof(*l));
	l->typical = l->lo = l->hi = NAN;
	l->alpha = alpha;
	if (!(alpha > 0 && alpha < 1))
		return -EINVAL;
	ret = trimmed_of(v, n, EFFECT_TRIM, &t);
	if (ret == -EINVAL) {
		/* one value: it is the typical value, with no interval */
		for (size_t i = 0; i < n; i++)
			if (!isnan(v[i])) {
				l->n = 1;
				l->typical = v[i];
				return v[i] > 0 ? 0 : -EDOM;
			}
	}
	if (ret)
		return ret;
	double se = sqrt(yuen_d(t.n, t.h, t.wvar)), q = effect_t_quantile(1 - alpha / 2, (double)(t.h - 1));
	l->n = t.n;
	l->typical = exp(t.mean);
	l->lo = exp(t.mean - q * se);
	l->hi = exp(t.mean + q * se);
	return 0;
}
