/* load_hist_json: load_hist <-> JSON; see load_hist_json.h for the format. */
#include "load_hist_json.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

json_t *load_hist_to_json(const struct load_hist *h)
{
	json_t *j = json_object(), *b = json_array();

	if (!j || !b)
		goto fail;
	for (size_t i = 0; i < LOAD_HIST_LEN; i++) {
		if (!h->counts[i])
			continue;
		if (json_array_append_new(
			    b, json_pack("[II]", (json_int_t)load_hist_low(i), (json_int_t)h->counts[i])))
			goto fail;
	}
	if (json_object_set_new(j, "unit", json_string("ns")) ||
	    json_object_set_new(j, "sub_buckets", json_integer(LOAD_HIST_SUB_COUNT)) ||
	    json_object_set_new(j, "highest", json_integer((json_int_t)LOAD_HIST_HIGHEST)) ||
	    json_object_set_new(j, "count", json_integer((json_int_t)h->total)) ||
	    json_object_set_new(j, "min", json_integer(h->total ? (json_int_t)h->min : 0)) ||
	    json_object_set_new(j, "max", json_integer((json_int_t)h->max)) ||
	    json_object_set_new(j, "sum", json_integer((json_int_t)h->sum)) ||
	    json_object_set_new(j, "clamped", json_integer((json_int_t)h->clamped)))
		goto fail;
	json_object_set_new(j, "buckets", b);
	return j;
fail:
	json_decref(b);
	json_decref(j);
	return NULL;
}

int load_hist_merge_json(struct load_hist *h, const json_t *j, char *err, size_t errlen)
{
	json_t *b = json_object_get(j, "buckets"), *pair;
	const char *unit = json_string_value(json_object_get(j, "unit"));
	json_int_t sub = json_integer_value(json_object_get(j, "sub_buckets"));
	json_int_t hi = json_integer_value(json_object_get(j, "highest"));
	json_int_t count = json_integer_value(json_object_get(j, "count"));
	uint64_t got = 0, mn, mx;
	size_t i;

	if (!json_is_object(j) || !json_is_array(b)) {
		snprintf(err, errlen, "not a histogram (no \"buckets\" array)");
		return -EINVAL;
	}
	if (!unit || strcmp(unit, "ns") || sub != LOAD_HIST_SUB_COUNT ||
	    hi != (json_int_t)LOAD_HIST_HIGHEST) {
		snprintf(err, errlen, "histogram scheme differs (unit %s, %lld sub-buckets, highest %lld)",
			 unit ? unit : "?", (long long)sub, (long long)hi);
		return -EINVAL;
	}
	json_array_foreach(b, i, pair)
	{
		json_t *lo = json_array_get(pair, 0), *n = json_array_get(pair, 1);
		if (!json_is_integer(lo) || !json_is_integer(n) || json_integer_value(n) < 0 ||
		    json_integer_value(lo) < 0) {
			snprintf(err, errlen, "bucket %zu is not [low_ns, count]", i);
			return -EINVAL;
		}
		got += (uint64_t)json_integer_value(n);
	}
	if (got != (uint64_t)count) {
		snprintf(err, errlen, "bucket counts add up to %llu, \"count\" says %lld",
			 (unsigned long long)got, (long long)count);
		return -EINVAL;
	}
	/* checked, now add: a bad bucket must not leave h half merged */
	json_array_foreach(b, i, pair)
	{
		uint64_t lo = (uint64_t)json_integer_value(json_array_get(pair, 0));
		if (load_hist_index(lo) >= LOAD_HIST_LEN || load_hist_low(load_hist_index(lo)) != lo) {
			snprintf(err, errlen, "bucket %zu: %llu ns is not a bucket boundary", i,
				 (unsigned long long)lo);
			return -EINVAL;
		}
	}
	json_array_foreach(b, i, pair)
		load_hist_add_bucket(h, (uint64_t)json_integer_value(json_array_get(pair, 0)),
				     (uint64_t)json_integer_value(json_array_get(pair, 1)));
	h->sum += (uint64_t)json_integer_value(json_object_get(j, "sum"));
	h->clamped += (uint64_t)json_integer_value(json_object_get(j, "clamped"));
	mn = (uint64_t)json_integer_value(json_object_get(j, "min"));
	mx = (uint64_t)json_integer_value(json_object_get(j, "max"));
	if (count) {
		if (mn < h->min)
			h->min = mn;
		if (mx > h->max)
			h->max = mx;
	}
	return 0;
}
