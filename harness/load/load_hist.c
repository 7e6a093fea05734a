/*
 * load_hist: HdrHistogram's bucket layout with a unit of 1 ns. Bucket b
 * (b >= 1) covers [1024 << b, 2048 << b) in 1024 steps of 1 << b; bucket 0
 * covers [0, 2048) in steps of 1. The counts array stores the upper half
 * of each bucket after the first, so no two indices cover the same values.
 */
#include "load_hist.h"

#include <errno.h>
#include <string.h>

void load_hist_reset(struct load_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

size_t load_hist_index(uint64_t ns)
{
	if (ns > LOAD_HIST_HIGHEST)
		ns = LOAD_HIST_HIGHEST;
	/* the power of two above ns, at least LOAD_HIST_SUB_COUNT */
	int top = 64 - __builtin_clzll(ns | (LOAD_HIST_SUB_COUNT - 1));
	int bucket = top - LOAD_HIST_SUB_BITS;
	size_t sub = (size_t)(ns >> bucket);
	return ((size_t)(bucket + 1) << (LOAD_HIST_SUB_BITS - 1)) + sub - LOAD_HIST_HALF;
}

uint64_t load_hist_low(size_t index)
{
	int bucket = (int)(index >> (LOAD_HIST_SUB_BITS - 1)) - 1;
	uint64_t sub = (index & (LOAD_HIST_HALF - 1)) + LOAD_HIST_HALF;

	if (bucket < 0) {
		sub -= LOAD_HIST_HALF;
		bucket = 0;
	}
	return sub << bucket;
}

uint64_t load_hist_high(size_t index)
{
	int bucket = (int)(index >> (LOAD_HIST_SUB_BITS - 1)) - 1;

	if (bucket < 0)
		bucket = 0;
	return load_hist_low(index) + (1ull << bucket) - 1;
}

void load_hist_record_n(struct load_hist *h, uint64_t ns, uint64_t n)
{
	if (!n)
		return;
	if (ns > LOAD_HIST_HIGHEST)
		h->clamped += n;
	h->counts[load_hist_index(ns)] += n;
	h->total += n;
	h->sum += ns * n;
	if (ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

void load_hist_merge(struct load_hist *dst, const struct load_hist *src)
{
	if (!src->total)
		return;
	for (size_t i = 0; i < LOAD_HIST_LEN; i++)
		dst->counts[i] += src->counts[i];
	dst->total += src->total;
	dst->sum += src->sum;
	dst->clamped += src->clamped;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t load_hist_percentile(const struct load_hist *h, double pct)
{
	uint64_t want, seen = 0;

	if (!h->total)
		return 0;
	if (pct >= 100.0)
		return h->max;
	/* the rank of the sample wanted, 1-based, rounded up as HdrHistogram does */
	want = (uint64_t)(pct / 100.0 * (double)h->total + 0.999999);
	if (want < 1)
		want = 1;
	for (size_t i = 0; i < LOAD_HIST_LEN; i++) {
		seen += h->counts[i];
		if (seen >= want) {
			uint64_t v = load_hist_high(i);
			/* the top bucket also holds the clamped samples: say the max */
			if (h->clamped && i == load_hist_index(LOAD_HIST_HIGHEST))
				return h->max;
			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}

double load_hist_mean(const struct load_hist *h)
{
	return h->total ? (double)h->sum / (double)h->total : 0.0;
}

int load_hist_add_bucket(struct load_hist *h, uint64_t low, uint64_t count)
{
	size_t i;

	if (low > LOAD_HIST_HIGHEST)
		return -EINVAL;
	i = load_hist_index(low);
	if (load_hist_low(i) != low)
		return -EINVAL;
	h->counts[i] += count;
	h->total += count;
	return 0;
}
