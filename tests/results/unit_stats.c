/* unit_stats: the medians and their distribution-free intervals the table
 * and the plots show (the comparisons of pick and check are unit_decide's),
 * and the seeded generator's range. */
#include <math.h>
#include <stdio.h>

#include "stats.h"

static int fails;

static void ok(int cond, const char *name, double got)
{
	printf("%s: %s (%.4f)\n", cond ? "PASS" : "FAIL", name, got);
	fails += !cond;
}

int main(void)
{
	double a[] = {1, 2, 3, 4, 5};
	struct stats_summary s;

	stats_summary(a, 5, &s);
	ok(s.median == 3 && s.lo == 1 && s.hi == 5 && fabs(s.coverage - 0.9375) < 1e-9,
	   "n=5: median 3, interval is the range, coverage 93.75%", s.coverage);
	{
		double v[20];
		for (int i = 0; i < 20; i++)
			v[i] = i;
		stats_summary(v, 20, &s);
		/* Bin(20, 1/2): P(B <= 5) = 0.0207, so [x(6), x(15)] covers 95.9% */
		ok(s.lo == 5 && s.hi == 14 && s.coverage >= 0.95,
		   "n=20: interval [x(6), x(15)], coverage >= 95%", s.coverage);
	}
	{
		double v[] = {NAN, 2, NAN, 4};
		stats_summary(v, 4, &s);
		ok(s.n == 2 && s.median == 3, "NaN values are missing, not zeros", s.median);
	}
	{
		double v[] = {7, 7, 7};
		stats_summary(v, 3, &s);
		/* the range of 3 covers the median with 1 - 2/8 = 75% */
		ok(s.median == 7 && fabs(s.coverage - 0.75) < 1e-9, "n=3: the range covers with 75%",
		   s.coverage);
	}
	{
		struct stats_rng r;
		double lo = 1, hi = 0;
		stats_rng_seed(&r, 1);
		for (int i = 0; i < 10000; i++) {
			double u = stats_rng_uniform(&r);
			lo = u < lo ? u : lo;
			hi = u > hi ? u : hi;
		}
		ok(lo >= 0 && hi < 1 && hi - lo > 0.99, "the generator's uniforms fill [0, 1)", hi - lo);
	}
	return fails ? 1 : 0;
}
