/*
 * seq: decisions over adaptive repetitions. A cell's variants are measured
 * MIN times, then once more at a time while the decision is open, up to
 * MAX. Every look from MIN to MAX uses the interval of effect.h at level
 * 1 - alpha/K, K = MAX - MIN + 1 looks (a Bonferroni split): whatever the
 * looks' correlation, all of a cell's intervals cover the true ratio
 * together with probability >= 1 - alpha, so stopping at the first decided
 * look keeps each false decision (better, or equivalent) at alpha or less.
 * Rules and simulated figures: docs/statistics.md.
 */
#ifndef WL_SEQ_H
#define WL_SEQ_H
#include <stddef.h>

#include "effect.h"

#define SEQ_REPS_MIN   3
#define SEQ_REPS_MAX   10
#define SEQ_ALPHA      0.05
#define SEQ_MARGIN     0.03 /* equivalent within +-3% */
#define SEQ_MIN_EFFECT 0.03 /* better only by at least 3% */
#define SEQ_REPS_LIMIT 1000 /* a --reps MAX above this is a typo, not a plan */

/* The planned looks MIN..MAX and the error rate they share. */
struct seq_plan {
	int min, max;
	double alpha;
};

/* The verdict rules: better needs |ratio - 1| >= min_effect and an interval
 * excluding 1; equivalent needs the interval inside [1 - margin, 1 + margin]. */
struct seq_rule {
	double margin, min_effect;
};

/* "3..10" (or "5": 5..5) into p->min, p->max; alpha left as it is. Returns
 * 0, or -EINVAL with a message naming the bad text in err. */
int seq_parse_reps(const char *s, struct seq_plan *p, char *err, size_t errlen);
/* "3%", "3" (percent) or "0.03" (a fraction below 1) into *frac; what names
 * the option in the message. 0 or -EINVAL. */
int seq_parse_pct(const char *s, const char *what, double *frac, char *err, size_t errlen);

/* The two-sided alpha of one look: alpha / (max - min + 1). */
double seq_look_alpha(const struct seq_plan *p);

enum seq_verdict {
	SEQ_OPEN,	/* not decided yet */
	SEQ_BETTER,	/* a is better than b by at least min_effect */
	SEQ_WORSE,	/* a is worse than b by at least min_effect */
	SEQ_EQUIVALENT, /* within +-margin */
	SEQ_NODATA,	/* fewer than 2 values, or values <= 0 */
};
extern const char *const seq_verdict_names[];

struct seq_decision {
	enum seq_verdict verdict;
	struct effect e; /* a against b, interval at the look's level */
	/* SEQ_OPEN: repetitions per variant (in all) that would likely decide
	 * it if the observed ratio and variances held; 0 when no number of
	 * repetitions would (a ratio between margin and min_effect).
	 * beyond_max is 1 when that number is beyond the plan's max. */
	int reps_needed, beyond_max;
};

/* Decide a[0..na) against b[0..nb) for a metric where higher_better says
 * which way is better, at the look of min(na, nb) repetitions of plan p.
 * Returns 0 (SEQ_NODATA included) or -ENOMEM / -EINVAL. */
int seq_decide(const double *a, size_t na, const double *b, size_t nb, int higher_better,
	       const struct seq_plan *p, const struct seq_rule *r, struct seq_decision *d);
/* The same with another trimming fraction than EFFECT_TRIM (the estimator
 * comparison of unit_decide --compare). */
int seq_decide_trim(const double *a, size_t na, const double *b, size_t nb, int higher_better,
		    const struct seq_plan *p, const struct seq_rule *r, double trim, struct seq_decision *d);

/* pick: the best and runner-up of k variants (v[i][0..n[i]), by typical
 * value) and their decision. best/second are indices, -1 when absent
 * (second is -1 with one variant; the verdict is then SEQ_NODATA). */
struct seq_pick {
	int best, second;
	struct seq_decision d;
};
int seq_pick(const double *const *v, const size_t *n, size_t k, int higher_better, const struct seq_plan *p,
	     const struct seq_rule *r, struct seq_pick *out);

/* Whether a cell needs another repetition: its decision is open and the
 * plan's max is not reached (reps done: the fewest of its variants). */
int seq_open(const struct seq_decision *d, size_t reps_done, const struct seq_plan *p);
#endif
