/*
 * load_hist: a latency histogram with fixed relative error, the scheme of
 * HdrHistogram: values are nanoseconds, exact below 2048 ns and within
 * 1/2048 (three significant digits) above, up to 60 s. Every histogram has
 * the same buckets, so two of them merge exactly by adding counts, whether
 * they came from two threads or, through load_hist_json, from two hosts.
 *
 * No allocation: a struct load_hist is about 220 KiB, counts included.
 */
#ifndef LOAD_HIST_H
#define LOAD_HIST_H

#include <stddef.h>
#include <stdint.h>

#define LOAD_HIST_SUB_BITS  11 /* 2048 sub-buckets: 2 * 10^3, three significant digits */
#define LOAD_HIST_SUB_COUNT (1u << LOAD_HIST_SUB_BITS)
#define LOAD_HIST_HALF	    (LOAD_HIST_SUB_COUNT / 2)
#define LOAD_HIST_HIGHEST   60000000000ull /* 60 s in ns; larger values are clamped to it */
#define LOAD_HIST_BUCKETS   26		   /* smallest B with 2048 << (B - 1) > LOAD_HIST_HIGHEST */
#define LOAD_HIST_LEN	    ((LOAD_HIST_BUCKETS + 1) * LOAD_HIST_HALF)

struct load_hist {
	uint64_t total;	   /* samples */
	uint64_t min, max; /* exact, ns (min is UINT64_MAX while empty) */
	uint64_t sum;	   /* ns, for the mean */
	uint64_t clamped;  /* samples above LOAD_HIST_HIGHEST, counted at it */
	uint64_t counts[LOAD_HIST_LEN];
};

void load_hist_reset(struct load_hist *h);
/* the bucket a value falls in; its range is [low, high] */
size_t load_hist_index(uint64_t ns);
uint64_t load_hist_low(size_t index);
uint64_t load_hist_high(size_t index);
void load_hist_record_n(struct load_hist *h, uint64_t ns, uint64_t n);
static inline void load_hist_record(struct load_hist *h, uint64_t ns)
{
	load_hist_record_n(h, ns, 1);
}
/* dst += src, exactly */
void load_hist_merge(struct load_hist *dst, const struct load_hist *src);
/* the smallest recorded value v such that pct% of samples are <= v, as
 * the highest value of its bucket (never above the exact max); 0 when empty */
uint64_t load_hist_percentile(const struct load_hist *h, double pct);
double load_hist_mean(const struct load_hist *h);
/* add count samples to the bucket whose low value is low: what a reader of
 * serialised buckets calls; -EINVAL when low is not a bucket boundary */
int load_hist_add_bucket(struct load_hist *h, uint64_t low, uint64_t count);

#endif
