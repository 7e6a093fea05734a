/* cpd_edivisive: E-Divisive means with a permutation test (see cpd.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpd.h"
#include "stats.h"

/* The best split of z[s..e) with at least min values each side: returns
 * the statistic (mk/(m+k)) * (2/(mk) B - A_x/C(m,2) - A_y/C(k,2)) with
 * alpha = 1 (absolute differences), and its position in *tau; -1 when the
 * segment is too short. The sums move one value from the right to the left
 * side per step, so a segment costs O(L^2). */
static double best_split(const double *z, size_t s, size_t e, size_t min, size_t *tau)
{
	double ax = 0, ay = 0, b = 0, best = -1;
	size_t t = s + min;

	if (e - s < 2 * min)
		return -1;
	for (size_t i = s; i < t; i++)
		for (size_t j = i + 1; j < t; j++)
			ax += fabs(z[i] - z[j]);
	for (size_t i = t; i < e; i++)
		for (size_t j = i + 1; j < e; j++)
			ay += fabs(z[i] - z[j]);
	for (size_t i = s; i < t; i++)
		for (size_t j = t; j < e; j++)
			b += fabs(z[i] - z[j]);
	for (;;) {
		double m = (double)(t - s), k = (double)(e - t);
		double within = (m > 1 ? 2 * ax / (m * (m - 1)) : 0) + (k > 1 ? 2 * ay / (k * (k - 1)) : 0);
		double q = m * k / (m + k) * (2 * b / (m * k) - within);
		if (q > best) {
			best = q;
			*tau = t;
		}
		if (t + 1 > e - min)
			break;
		/* z[t] moves from the right side to the left */
		double dx = 0, dy = 0;
		for (size_t i = s; i < t; i++)
			dx += fabs(z[t] - z[i]);
		for (size_t j = t + 1; j < e; j++)
			dy += fabs(z[t] - z[j]);
		ax += dx;
		ay -= dy;
		b += dy - dx;
		t++;
	}
	return best;
}

/* The best split over every segment between the cuts bounds[0..nb). */
static double best_over(const double *z, const size_t *bounds, size_t nb, size_t min, size_t *tau)
{
	double best = -1;

	for (size_t i = 0; i + 1 < nb; i++) {
		size_t t;
		double q = best_split(z, bounds[i], bounds[i + 1], min, &t);
		if (q > best) {
			best = q;
			*tau = t;
		}
	}
	return best;
}

static void shuffle(double *v, size_t n, struct stats_rng *r)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(stats_rng_uniform(r) * (double)i);
		if (j >= i)
			j = i - 1;
		double t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

int cpd_edivisive(const double *z, size_t n, const struct cpd_opts *o, struct cpd_point *out, size_t max)
{
	size_t *bounds = malloc((n + 2) * sizeof(*bounds)), nb = 2, found = 0;
	double *w = malloc((n ? n : 1) * sizeof(*w));
	struct stats_rng rng;
	int ret = -ENOMEM;

	if (!bounds || !w)
		goto cleanup;
	ret = -EINVAL;
	if (!(o->alpha > 0 && o->alpha < 1) || o->min_size < 1 || !o->perms)
		goto cleanup;
	stats_rng_seed(&rng, o->seed);
	bounds[0] = 0;
	bounds[1] = n;
	while (found < max) {
		size_t tau = 0, t2;
		double q = best_over(z, bounds, nb, o->min_size, &tau);
		if (q < 0)
			break;
		/* Permute within each current segment, as Matteson & James do:
		 * the null is "no further change", the changes found so far
		 * stay. Stop as soon as the test cannot pass any more. */
		size_t over = 0, r, stop = (size_t)floor(o->alpha * (double)(o->perms + 1));
		for (r = 0; r < o->perms; r++) {
			memcpy(w, z, n * sizeof(*w));
			for (size_t i = 0; i + 1 < nb; i++)
				shuffle(w + bounds[i], bounds[i + 1] - bounds[i], &rng);
			/* an arrangement with the same sides as the observed one gives the
			 * same statistic up to rounding: count it as the tie it is, or
			 * the p-value comes out too small */
			over += best_over(w, bounds, nb, o->min_size, &t2) >= q - 1e-9 * fabs(q);
			if (over + 1 > stop)
				break;
		}
		if (r < o->perms)
			break; /* curtailed: (over + 1) / (perms + 1) > alpha already */
		double p = (double)(over + 1) / (double)(o->perms + 1);
		if (p > o->alpha)
			break;
		out[found].at = tau;
		out[found].stat = q;
		out[found].p = p;
		found++;
		bounds[nb++] = tau;
		qsort(bounds, nb, sizeof(*bounds), cmp_size);
	}
	/* in index order */
	for (size_t i = 1; i < found; i++)
		for (size_t j = i; j > 0 && out[j - 1].at > out[j].at; j--) {
			struct cpd_point t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	ret = (int)found;
cleanup:
	free(bounds);
	free(w);
	return ret;
}

size_t cpd_perms_for(double alpha)
{
	double r = ceil(5 / alpha);

	return r < 199 ? 199 : r > CPD_MAX_PERMS ? CPD_MAX_PERMS : (size_t)r;
}

size_t cpd_min_runs(double alpha)
{
	for (size_t n = 2 * CPD_MIN_SIZE;; n++) {
		/* C(n, n/2) */
		double c = 1;
		for (size_t i = 0; i < n / 2; i++)
			c = c * (double)(n - i) / (double)(i + 1);
		if (2 / c <= alpha || n > 200)
			return n;
	}
}
