/*
 * effect: how much one variant differs from another, as the ratio of their
 * typical values with a confidence interval, and one variant's typical
 * value with its interval.
 *
 * The typical value is the 20%-trimmed mean of the logarithms (a trimmed
 * geometric mean), keeping at least 4 values: the geometric mean at 3..5
 * repetitions, the lowest and highest value dropped at 6..9, two of each at
 * 10..14. For noise that is symmetric on the log scale it estimates the same
 * ratio as the medians. The interval is Yuen's: Welch's t interval on the
 * trimmed means with the winsorized variances, so a stalled window among 6
 * or more repetitions neither moves the ratio nor widens the interval much,
 * and 3 against 3 repetitions still give a 95% interval (a rank interval
 * cannot: at most 90% there). Why this one: docs/statistics.md.
 */
#ifndef WL_EFFECT_H
#define WL_EFFECT_H
#include <stddef.h>

/* The fraction trimmed from each end (Wilcox's recommendation for small
 * samples; tests/decide/unit_decide --compare shows it against 0 and 0.1). */
#define EFFECT_TRIM 0.2
/* ... but never below this many kept values (see effect_trim.c) */
#define EFFECT_KEEP 4

/* The two-sample comparison of a against b on the log scale. */
struct effect {
	size_t na, nb;	 /* values used (NaNs dropped) */
	double est;	 /* log(typical a / typical b) */
	double se, df;	 /* its standard error and Welch-Satterthwaite degrees of freedom */
	double alpha;	 /* the interval is two-sided at 1 - alpha */
	double lo, hi;	 /* interval of est */
	double ratio;	 /* exp(est): typical a / typical b */
	double rlo, rhi; /* exp(lo), exp(hi) */
	double p;	 /* two-sided p-value of "no difference" */
	double wva, wvb; /* winsorized variances of the logs (per repetition), for planning */
	double trim;	 /* fraction trimmed from each end */
};

/* Compare a[0..na) with b[0..nb) (NaNs skipped) at level 1 - alpha.
 * Returns 0; -EINVAL when either has fewer than 2 values or alpha is not in
 * (0, 1); -EDOM when a value is 0 or negative (no ratio on a log scale);
 * -ENOMEM. */
int effect_compare(const double *a, size_t na, const double *b, size_t nb, double alpha, struct effect *e);
/* The same with another trimming fraction (0: Welch's t on the logs). */
int effect_compare_trim(const double *a, size_t na, const double *b, size_t nb, double alpha, double trim,
			struct effect *e);

/* The standard error and degrees of freedom the comparison would have with
 * na and nb values, if the winsorized variances stayed what e saw. */
void effect_project(const struct effect *e, size_t na, size_t nb, double *se, double *df);

/* One variant's typical value with its interval (one-sample Yuen). */
struct effect_loc {
	size_t n;
	double typical, lo, hi; /* exp(trimmed mean of logs) and its interval */
	double alpha;
};
/* Same returns as effect_compare; n == 1 gives typical with lo = hi = NaN. */
int effect_location(const double *v, size_t n, double alpha, struct effect_loc *l);

/* Student's t distribution with df degrees of freedom (df > 0, need not be
 * whole): P(T <= t), and the t with P(T <= t) = p, 0 < p < 1. */
double effect_t_cdf(double t, double df);
double effect_t_quantile(double p, double df);

/* How a metric's difference reads: "uses 27% less CPU per request than". */
struct effect_words {
	const char *verb;	 /* "uses" */
	const char *more, *less; /* "more", "less" */
	const char *what;	 /* "CPU per request" */
};
/* The words of metric m (enum runs_metric). */
const struct effect_words *effect_words_of(int m);

/* "A uses 27% less CPU per request than B [22%, 31%]" into buf, for the
 * ratio and interval of e (rlo/rhi) and metric m. An interval on both sides
 * of no difference reads "[1% more, 5% less]". Returns buf. */
char *effect_sentence(char *buf, size_t len, const char *a, const char *b, int m, const struct effect *e);
/* Just "27% less CPU per request [22%, 31%]" (no names). */
char *effect_phrase(char *buf, size_t len, int m, double ratio, double rlo, double rhi);
#endif
