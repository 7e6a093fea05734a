/* effect_t: Student's t distribution, for intervals at the small and
 * fractional degrees of freedom that Welch-Satterthwaite gives (2..20 with
 * 3..10 repetitions) and the small per-look alphas of the sequential rule. */
#include <math.h>

#include "effect.h"

/* Continued fraction of the regularized incomplete beta function I_x(a,b),
 * evaluated with the modified Lentz method; converges fast for
 * x < (a+1)/(a+b+2), which the caller arranges. */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double c = 1, d = 1 - (a + b) * x / (a + 1), f;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	f = d;
	for (int m = 1; m < 500; m++) {
		/* even step: m(b-m)x / ((a+2m-1)(a+2m)) */
		double num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		if (fabs(c) < tiny)
			c = tiny;
		f *= d * c;
		/* odd step: -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) */
		num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		if (fabs(c) < tiny)
			c = tiny;
		double step = d * c;
		f *= step;
		if (fabs(step - 1) < eps)
			break;
	}
	return f;
}

static double beta_reg(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lfront) * beta_cf(a, b, x) / a;
	return 1 - exp(lfront) * beta_cf(b, a, 1 - x) / b;
}

double effect_t_cdf(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return t > 0 ? 1 : 0;
	/* P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2) */
	double tail = beta_reg(df / 2, 0.5, df / (df + t * t)) / 2;
	return t > 0 ? 1 - tail : tail;
}

/* The two-sided tail P(|T| > t) for t >= 0, accurate far out (no 1 - x). */
static double t_tail2(double t, double df)
{
	return beta_reg(df / 2, 0.5, df / (df + t * t));
}

/* The density of t with df degrees of freedom. */
static double t_pdf(double t, double df)
{
	return exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * M_PI) -
		   (df + 1) / 2 * log1p(t * t / df));
}

double effect_t_quantile(double p, double df)
{
	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	if (p == 0.5)
		return 0;
	/* Solve P(|T| > t) = q for t > 0: grow a bracket until it holds the
	 * root, then Newton steps (the tail's slope is -2 pdf), falling back
	 * to bisection whenever a step leaves the bracket, so it converges at
	 * 2 degrees of freedom and alpha 1e-6 as well as at 100 and 0.05. */
	double q = 2 * (p < 0.5 ? p : 1 - p), lo = 0, hi = 2;
	while (t_tail2(hi, df) > q && hi < 1e12)
		lo = hi, hi *= 2;
	double t = (lo + hi) / 2;
	for (int i = 0; i < 200; i++) {
		double f = t_tail2(t, df) - q;
		if (f > 0)
			lo = t;
		else
			hi = t;
		double next = t + f / (2 * t_pdf(t, df));
		if (!(next > lo && next < hi))
			next = (lo + hi) / 2;
		if (fabs(next - t) <= 1e-13 * t)
			break;
		t = next;
	}
	return p < 0.5 ? -t : t;
}
