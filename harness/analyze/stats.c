/* stats: medians and their intervals, a seeded generator (see stats.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

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
