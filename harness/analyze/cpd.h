/*
 * cpd: change points in a series of runs (one value per run, in time
 * order), by E-Divisive means (Matteson & James, JASA 2014), the method of
 * MongoDB's performance CI (Daly et al., ICPE 2020): split where the energy
 * distance between the two sides is largest, keep the split only when a
 * permutation test says chance alone rarely makes one as large, and repeat
 * within the segments. Distribution-free: runs' values need not be normal,
 * only exchangeable when nothing changed. Why: docs/statistics.md.
 */
#ifndef WL_CPD_H
#define WL_CPD_H
#include <stddef.h>

#define CPD_MIN_SIZE  2	     /* runs on each side of a change, at least */
#define CPD_MAX_PERMS 200000 /* permutations of one test, at most */

struct cpd_opts {
	double alpha;		 /* the series' significance level */
	size_t min_size;	 /* CPD_MIN_SIZE */
	size_t perms;		 /* permutations per test (curtailed when it cannot pass) */
	unsigned long long seed; /* permutations are reproducible for a seed */
};

struct cpd_point {
	size_t at;   /* index of the first value after the change */
	double stat; /* the split's energy statistic */
	double p;    /* its permutation p-value */
};

/* The change points of z[0..n) in index order, at most max of them, into
 * out; returns how many (0..max), or -EINVAL / -ENOMEM. */
int cpd_edivisive(const double *z, size_t n, const struct cpd_opts *o, struct cpd_point *out, size_t max);

/* The permutations a test at alpha needs so that a significant result is
 * not a matter of a few permutations: 5/alpha, at least 199, at most
 * CPD_MAX_PERMS. */
size_t cpd_perms_for(double alpha);

/* The fewest runs in a series (half on each side of a clean step) for
 * which the permutation test can reach alpha at all: 2/C(n, n/2) <= alpha. */
size_t cpd_min_runs(double alpha);
#endif
