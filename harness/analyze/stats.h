/*
 * stats: medians with a distribution-free interval (order statistics), as
 * the table and the plots show a cell, with the interval's real coverage
 * (below 6 repetitions none reaches 95%). Comparisons of two variants are
 * effect.h's and seq.h's (docs/statistics.md).
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

/* Deterministic generator for tests and fixtures (xorshift64*, Box-Muller). */
struct stats_rng {
	unsigned long long s;
};
void stats_rng_seed(struct stats_rng *r, unsigned long long seed);
double stats_rng_uniform(struct stats_rng *r);
double stats_rng_normal(struct stats_rng *r);
#endif
