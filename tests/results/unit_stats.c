/* unit_stats: the statistics under check and pick. Exact p-values on small
 * known cases, and by simulation (fixed seeds): the false-alarm rate on two
 * samples of one distribution and the power against a 10% shift, for the
 * rank test alone and for check's rule (significant AND >= 5%). */
#include <math.h>
#include <stdio.h>

#include "stats.h"

static int fails;

static void ok(int cond, const char *name, double got)
{
	printf("%s: %s (%.4f)\n", cond ? "PASS" : "FAIL", name, got);
	fails += !cond;
}

/* Fraction of sims in which check's rule flags b vs a: a ~ N(1, cv), b ~
 * N(shift, cv), n each. rank_only: the test alone, no minimum effect. */
static double flag_rate(unsigned long long seed, int sims, size_t n, double cv, double shift,
			double min_effect)
{
	struct stats_rng r;
	int flagged = 0;

	stats_rng_seed(&r, seed);
	for (int s = 0; s < sims; s++) {
		double a[64], b[64];
		struct stats_summary sa, sb;
		struct stats_mwu t;
		for (size_t i = 0; i < n; i++) {
			a[i] = 1 + cv * stats_rng_normal(&r);
			b[i] = shift * (1 + cv * stats_rng_normal(&r));
		}
		stats_mwu(a, n, b, n, &t);
		stats_summary(a, n, &sa);
		stats_summary(b, n, &sb);
		flagged += t.p < 0.05 && fabs(sb.median - sa.median) / sa.median >= min_effect;
	}
	return (double)flagged / sims;
}

int main(void)
{
	double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10}, c[] = {3, 3, 3}, d[] = {3, 3, 3};
	struct stats_mwu t;
	struct stats_summary s;

	stats_mwu(a, 5, b, 5, &t);
	ok(t.exact && fabs(t.p - 2.0 / 252) < 1e-9 && t.u == 0, "5 vs 5 fully separated: exact p = 2/252",
	   t.p);
	stats_mwu(b, 5, a, 5, &t);
	ok(fabs(t.p - 2.0 / 252) < 1e-9 && t.u == 25, "the test is symmetric (U = 25 the other way)", t.p);
	stats_mwu(c, 3, d, 3, &t);
	ok(t.p == 1, "identical tied samples: p = 1", t.p);
	ok(fabs(stats_mwu_p_min(3, 3) - 0.1) < 1e-9, "3 vs 3 can never reach 0.05: smallest p = 0.1",
	   stats_mwu_p_min(3, 3));
	ok(fabs(stats_mwu_p_min(2, 2) - 1.0 / 3) < 1e-9, "2 vs 2: smallest p = 1/3", stats_mwu_p_min(2, 2));
	ok(stats_mwu(a, 0, b, 5, &t) < 0, "an empty sample is refused", 0);
	{
		double e[] = {1, 2, 2, 3}, f[] = {2, 3, 4, 4};
		stats_mwu(e, 4, f, 4, &t);
		/* ranks 1,3,3,5.5 vs 3,5.5,7.5,7.5: W = 12.5, U = 2.5; by enumeration
		 * of the 70 splits, P(W <= 12.5) = 0.1 */
		ok(t.u == 2.5 && fabs(t.p - 0.2) < 1e-9, "ties: midranks, exact p by enumeration", t.p);
	}
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
	/* normal approximation path (n = 30: C(60,30) splits is too many) */
	ok(flag_rate(7, 2000, 30, 0.03, 1.0, 0) <= 0.065,
	   "normal approximation, n=30, one distribution: false alarms <= alpha",
	   flag_rate(7, 2000, 30, 0.03, 1.0, 0));

	/* The figures check's output and the report quote: 5 repetitions,
	 * 3% noise (coefficient of variation), 20000 simulations each. */
	double fa_rank = flag_rate(1, 20000, 5, 0.03, 1.0, 0);
	double fa_rule = flag_rate(2, 20000, 5, 0.03, 1.0, 0.05);
	double pw3 = flag_rate(3, 20000, 5, 0.03, 0.9, 0.05);
	double pw5 = flag_rate(4, 20000, 5, 0.05, 0.9, 0.05);
	double pw3_3 = flag_rate(5, 20000, 3, 0.03, 0.9, 0.05);
	printf("INFO: 5 vs 5 reps, cv 3%%: rank test false alarms %.4f (exact size 8/252 = 0.0317)\n",
	       fa_rank);
	printf("INFO: 5 vs 5 reps, cv 3%%: check rule (p < 0.05 and >= 5%%) false alarms %.4f per cell and "
	       "metric\n",
	       fa_rule);
	printf("INFO: 5 vs 5 reps: power against a 10%% shift: %.3f at cv 3%%, %.3f at cv 5%%\n", pw3, pw5);
	printf("INFO: 3 vs 3 reps: power against a 10%% shift at cv 3%%: %.3f (smallest p is 0.1)\n", pw3_3);
	ok(fabs(fa_rank - 8.0 / 252) < 0.005,
	   "5 vs 5, one distribution: rank-test false-alarm rate is the exact size 0.032", fa_rank);
	ok(fa_rule <= fa_rank, "the minimum effect only lowers false alarms", fa_rule);
	ok(pw3 >= 0.9, "5 vs 5, cv 3%: a 10% regression is found at least 90% of the time", pw3);
	ok(pw3_3 == 0, "3 vs 3: nothing can be flagged at alpha 0.05, and nothing is", pw3_3);
	return fails ? 1 : 0;
}
