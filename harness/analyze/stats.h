/*
 * stats: what the harness says about repeated measurements. Medians with a
 * distribution-free interval (order statistics), and the Mann-Whitney U test
 * (exact for small samples, normal approximation with tie correction
 * otherwise). Sweeps take 2..5 repetitions, so every result carries what the
 * sample size lets it claim: the interval's real coverage and the smallest
 * p-value the test could ever return.
 */
#ifndef WL_STATS_H
#define WL_STATS_H
#include <stddef.h>

struct stats_summary {
	size_t n;
	double median;
	double lo, hi;	 /* interval for the median */
	double coverage; /* its real confidence: 0.95 or more when n >= 6, less below */
};

/* Summarise v[0..n) (NaNs skipped); v is left untouched. */
void stats_summary(const double *v, size_t n, struct stats_summary *s);

struct stats_mwu {
	double u;     /* U of the first sample */
	double p;     /* two-sided p-value */
	double p_min; /* the smallest two-sided p these sample sizes allow */
	int exact;    /* 1: exact distribution, 0: normal approximation */
};

/* Two-sided Mann-Whitney U test of a[0..na) against b[0..nb). Returns
 * -EINVAL when either sample is empty. */
int stats_mwu(const double *a, size_t na, const double *b, size_t nb, struct stats_mwu *r);

/* The smallest two-sided p-value of an exact test with samples of na and nb. */
double stats_mwu_p_min(size_t na, size_t nb);

/* Deterministic generator for tests and fixtures (xorshift64*, Box-Muller). */
struct stats_rng {
	unsigned long long s;
};
void stats_rng_seed(struct stats_rng *r, unsigned long long seed);
double stats_rng_uniform(struct stats_rng *r);
double stats_rng_normal(struct stats_rng *r);
#endif
