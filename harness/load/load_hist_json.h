/*
 * load_hist_json: a load_hist as JSON (jansson), so histograms from several
 * client hosts merge exactly:
 *   {"unit": "ns", "sub_buckets": 2048, "highest": 60000000000,
 *    "count": N, "min": ns, "max": ns, "sum": ns, "clamped": N,
 *    "buckets": [[low_ns, count], ...]}      (non-empty buckets, ascending)
 * low_ns is the lowest value of a bucket; a reader adds each count to the
 * bucket of that value, which is the same bucket on every host.
 */
#ifndef LOAD_HIST_JSON_H
#define LOAD_HIST_JSON_H

#include <jansson.h>

#include "load_hist.h"

/* a new reference, NULL when out of memory */
json_t *load_hist_to_json(const struct load_hist *h);
/* h += the histogram in j; -EINVAL with a reason in err when j is not one
 * (another scheme, a bucket that is not a boundary, counts that disagree) */
int load_hist_merge_json(struct load_hist *h, const json_t *j, char *err, size_t errlen);

#endif
