/* stats: medians, their intervals, and the Mann-Whitney U test (see stats.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* Exact enumeration up to this many splits: C(10,5) = 252 for 5 repetitions
 * against 5; C(20,10) = 184756 still takes a few milliseconds. */
#define STATS_EXACT_MAX 200000.0

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Copy the non-NaN values of v into a sorted array; returns its length. */
static size_t sorted_copy(const double *v, size_t n, double **out)
{
	double *w = malloc((n ? n : 1) * sizeof(*w));
	size_t m = 0;

	*out = w;
	if (!w)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			w[m++] = v[i];
	qsort(w, m, sizeof(*w), cmp_double);
	return m;
}

static double binom_cdf_half(size_t n, size_t k)
{
	double c = 1, sum = 0;

	/* sum_{i<=k} C(n,i) / 2^n */
	for (size_t i = 0; i <= k && i <= n; i++) {
		sum += c;
		c = c * (double)(n - i) / (double)(i + 1);
	}
	return sum / pow(2.0, (double)n);
}

void stats_summary(const double *v, size_t n, struct stats_summary *s)
{
	double *w;
	size_t m = sorted_copy(v, n, &w);

	memset(s, 0, sizeof(*s));
	s->median = s->lo = s->hi = NAN;
	s->n = m;
	if (!m)
		goto cleanup;
	s->median = m % 2 ? w[m / 2] : (w[m / 2 - 1] + w[m / 2]) / 2;
	/* Distribution-free interval [x_(k), x_(m+1-k)]: it covers the median
	 * with probability 1 - 2 P(B <= k-1), B ~ Bin(m, 1/2). Take the
	 * narrowest with at least 95%; below 6 values none reaches 95%, so the
	 * range is the interval and its real coverage is reported. */
	size_t k = 1;
	while (k + 1 <= (m + 1) / 2 && 1 - 2 * binom_cdf_half(m, k) >= 0.95)
		k++;
	s->lo = w[k - 1];
	s->hi = w[m - k];
	s->coverage = m == 1 ? 0 : 1 - 2 * binom_cdf_half(m, k - 1);
cleanup:
	free(w);
}

static double choose(size_t n, size_t k)
{
	double c = 1;

	for (size_t i = 0; i < k; i++)
		c = c * (double)(n - i) / (double)(i + 1);
	return c;
}

double stats_mwu_p_min(size_t na, size_t nb)
{
	double p = 2 / choose(na + nb, na);

	return p > 1 ? 1 : p;
}

/* Midranks of x[0..n) (ties share the mean of their ranks), 1-based. */
static void midranks(const double *x, size_t n, double *rank)
{
	size_t *idx = malloc(n * sizeof(*idx));

	if (!idx)
		return;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	/* insertion sort of indices: n is a few dozen at most in practice */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && x[idx[j - 1]] > x[idx[j]]; j--) {
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && x[idx[j + 1]] == x[idx[i]])
			j++;
		for (size_t t = i; t <= j; t++)
			rank[idx[t]] = (double)(i + j) / 2 + 1;
		i = j + 1;
	}
	free(idx);
}

/* Exact two-sided p: every way of choosing na of the N midranks is equally
 * likely under the null, ties included. */
static double exact_p(const double *rank, size_t n, size_t na, double w_obs)
{
	size_t c[64];
	double le = 0, ge = 0, total = 0, eps = 1e-9;

	for (size_t i = 0; i < na; i++)
		c[i] = i;
	for (;;) {
		double w = 0;
		for (size_t i = 0; i < na; i++)
			w += rank[c[i]];
		total++;
		le += w <= w_obs + eps;
		ge += w >= w_obs - eps;
		/* next combination */
		size_t i = na;
		while (i > 0 && c[i - 1] == n - na + i - 1)
			i--;
		if (i == 0)
			break;
		c[i - 1]++;
		for (size_t j = i; j < na; j++)
			c[j] = c[j - 1] + 1;
	}
	double p = 2 * (le < ge ? le : ge) / total;
	return p > 1 ? 1 : p;
}

int stats_mwu(const double *a, size_t na, const double *b, size_t nb, struct stats_mwu *r)
{
	size_t n = na + nb;
	double *x = NULL, *rank = NULL;
	int ret = -EINVAL;

	memset(r, 0, sizeof(*r));
	r->p = 1;
	if (!na || !nb)
		goto cleanup;
	ret = -ENOMEM;
	x = malloc(n * sizeof(*x));
	rank = malloc(n * sizeof(*rank));
	if (!x || !rank)
		goto cleanup;
	memcpy(x, a, na * sizeof(*x));
	memcpy(x + na, b, nb * sizeof(*x));
	midranks(x, n, rank);
	double w = 0;
	for (size_t i = 0; i < na; i++)
		w += rank[i];
	r->u = w - (double)na * (double)(na + 1) / 2;
	r->p_min = stats_mwu_p_min(na, nb);
	if (na < 64 && choose(n, na) <= STATS_EXACT_MAX) {
		r->exact = 1;
		r->p = exact_p(rank, n, na, w);
	} else {
		/* normal approximation, tie-corrected variance, continuity 0.5 */
		double t = 0;
		for (size_t i = 0; i < n; i++) {
			double cnt = 0;
			for (size_t j = 0; j < n; j++)
				cnt += rank[j] == rank[i];
			t += (cnt * cnt * cnt - cnt) / cnt; /* summed once per member */
		}
		double mu = (double)na * (double)nb / 2;
		double nn = (double)n;
		double var = (double)na * (double)nb / 12 * ((nn + 1) - t / (nn * (nn - 1)));
		double z = var > 0 ? (fabs(r->u - mu) - 0.5) / sqrt(var) : 0;
		if (z < 0)
			z = 0;
		r->p = erfc(z / sqrt(2));
	}
	ret = 0;
cleanup:
	free(x);
	free(rank);
	return ret;
}

void stats_rng_seed(struct stats_rng *r, unsigned long long seed)
{
	r->s = seed * 2685821657736338717ULL + 0x9E3779B97F4A7C15ULL;
	if (!r->s)
		r->s = 1;
}

double stats_rng_uniform(struct stats_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return ((r->s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

double stats_rng_normal(struct stats_rng *r)
{
	double u1 = stats_rng_uniform(r), u2 = stats_rng_uniform(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}
