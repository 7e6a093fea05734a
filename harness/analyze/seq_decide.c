/* seq_decide: the three verdicts at one look, the repetitions an open
 * decision likely needs, and pick's best-against-runner-up (see seq.h). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "seq.h"

const char *const seq_verdict_names[] = {
	[SEQ_OPEN] = "not decided yet",	 [SEQ_BETTER] = "better",  [SEQ_WORSE] = "worse",
	[SEQ_EQUIVALENT] = "equivalent", [SEQ_NODATA] = "no data",
};

/* The verdict of an estimate est with half-width q*se on the log scale. */
static enum seq_verdict verdict_of(double est, double half, int higher_better, const struct seq_rule *r)
{
	double lo = est - half, hi = est + half, ratio = exp(est);

	if ((lo > 0 || hi < 0) && fabs(ratio - 1) >= r->min_effect)
		return (est > 0) == !!higher_better ? SEQ_BETTER : SEQ_WORSE;
	if (exp(lo) >= 1 - r->margin && exp(hi) <= 1 + r->margin)
		return SEQ_EQUIVALENT;
	return SEQ_OPEN;
}

/* Would n repetitions of each (a fixed side keeps its own count) decide it?
 * Asked of the t tail rather than its quantile: the same answer, for a
 * fraction of the cost, which the simulations of unit_decide notice. */
static int decides_at(const struct effect *e, size_t n, double alpha, const struct seq_rule *r)
{
	double se, df, lo = log(1 - r->margin), hi = log(1 + r->margin);

	effect_project(e, n > e->na ? n : e->na, n > e->nb ? n : e->nb, &se, &df);
	if (!(se > 0))
		return 1;
	/* better or worse: the interval excludes 0, the ratio passes min_effect */
	if (fabs(exp(e->est) - 1) >= r->min_effect && 2 * effect_t_cdf(-fabs(e->est) / se, df) < alpha)
		return 1;
	/* equivalent: q * se fits between the estimate and both margins */
	double room = fmin(e->est - lo, hi - e->est) / se;
	return room > 0 && 2 * effect_t_cdf(-room, df) <= alpha;
}

/* The fewest repetitions that decide it with the observed ratio and
 * variances: the half-width shrinks with n, so search by doubling, then
 * halve the bracket. 0: none up to SEQ_REPS_LIMIT. */
static int reps_needed(const struct effect *e, double alpha, const struct seq_rule *r)
{
	size_t lo = e->na > e->nb ? e->na : e->nb, hi = lo + 1;

	while (!decides_at(e, hi, alpha, r)) {
		lo = hi;
		if (hi >= SEQ_REPS_LIMIT)
			return 0;
		hi = hi * 2 > SEQ_REPS_LIMIT ? SEQ_REPS_LIMIT : hi * 2;
	}
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (decides_at(e, mid, alpha, r))
			hi = mid;
		else
			lo = mid;
	}
	return (int)hi;
}

int seq_decide_trim(const double *a, size_t na, const double *b, size_t nb, int higher_better,
		    const struct seq_plan *p, const struct seq_rule *r, double trim, struct seq_decision *d)
{
	double alpha = seq_look_alpha(p);
	int ret;

	memset(d, 0, sizeof(*d));
	ret = effect_compare_trim(a, na, b, nb, alpha, trim, &d->e);
	if (ret == -EINVAL || ret == -EDOM) {
		d->verdict = SEQ_NODATA;
		return alpha > 0 && alpha < 1 ? 0 : -EINVAL;
	}
	if (ret)
		return ret;
	d->verdict = verdict_of(d->e.est, d->e.hi - d->e.est, higher_better, r);
	if (d->verdict == SEQ_OPEN) {
		d->reps_needed = reps_needed(&d->e, alpha, r);
		d->beyond_max = d->reps_needed > p->max || !d->reps_needed;
	}
	return 0;
}

int seq_decide(const double *a, size_t na, const double *b, size_t nb, int higher_better,
	       const struct seq_plan *p, const struct seq_rule *r, struct seq_decision *d)
{
	return seq_decide_trim(a, na, b, nb, higher_better, p, r, EFFECT_TRIM, d);
}

int seq_pick(const double *const *v, const size_t *n, size_t k, int higher_better, const struct seq_plan *p,
	     const struct seq_rule *r, struct seq_pick *out)
{
	double tb = NAN, ts = NAN;

	memset(out, 0, sizeof(*out));
	out->best = out->second = -1;
	out->d.verdict = SEQ_NODATA;
	for (size_t i = 0; i < k; i++) {
		struct effect_loc l;
		if (effect_location(v[i], n[i], 0.05, &l) || l.n < 2)
			continue;
		double t = higher_better ? l.typical : -l.typical;
		if (out->best < 0 || t > tb) {
			out->second = out->best;
			ts = tb;
			out->best = (int)i;
			tb = t;
		} else if (out->second < 0 || t > ts) {
			out->second = (int)i;
			ts = t;
		}
	}
	if (out->second < 0)
		return 0;
	return seq_decide(v[out->best], n[out->best], v[out->second], n[out->second], higher_better, p, r,
			  &out->d);
}

int seq_open(const struct seq_decision *d, size_t reps_done, const struct seq_plan *p)
{
	return d->verdict == SEQ_OPEN && reps_done < (size_t)p->max;
}
