/*
 * load_out: the result, as one JSON object (--json) or a summary for
 * people; --interval lines; --merge, which adds several clients' JSON
 * objects into one with the histograms merged exactly. docs/load.md
 * lists the fields.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "load_hist_json.h"

const char *const load_err_names[LE_COUNT] = {
	"connect", "read", "write", "status", "timeout", "reset", "closed", "parse", "verify",
};

static json_t *us(uint64_t ns)
{
	return json_real(round((double)ns) / 1000.0);
}

static json_t *percentiles(const struct load_hist *h)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "p50", us(load_hist_percentile(h, 50)), "p90",
			 us(load_hist_percentile(h, 90)), "p99", us(load_hist_percentile(h, 99)), "p999",
			 us(load_hist_percentile(h, 99.9)), "p9999", us(load_hist_percentile(h, 99.99)),
			 "max", us(h->max), "min", us(h->total ? h->min : 0), "mean",
			 json_real(round(load_hist_mean(h)) / 1000.0));
}

static uint64_t err_total(const struct load_result *r)
{
	uint64_t n = 0;

	for (int k = 0; k < LE_COUNT; k++)
		n += r->s.errors[k];
	return n;
}

static double cpu_us_per_req(const struct load_result *r)
{
	return r->s.requests ? (r->cpu_user_s + r->cpu_sys_s) * 1e6 / (double)r->s.requests : 0;
}

/* every measured field: shared by a run's output and --merge */
static void set_measured(json_t *o, const struct load_result *r, bool open, bool tls, bool resume)
{
	json_t *e = json_object(), *fe = json_object();

	json_object_set_new(o, "requests", json_integer((json_int_t)r->s.requests));
	json_object_set_new(o, "requests_in_window", json_integer((json_int_t)r->s.in_window));
	json_object_set_new(o, "sent", json_integer((json_int_t)r->s.sent));
	json_object_set_new(o, "duration_s", json_real(r->window_s));
	json_object_set_new(o, "drain_s", json_real(r->drain_s));
	json_object_set_new(o, "achieved_rps", json_real(round(r->achieved_rps * 10) / 10));
	json_object_set_new(o, "offered_rps",
			    open ? json_real(round(r->offered_rps * 10) / 10) : json_null());
	json_object_set_new(o, "arrivals", open ? json_integer((json_int_t)r->s.arrivals) : json_null());
	json_object_set_new(o, "unsent", open ? json_integer((json_int_t)r->s.unsent) : json_null());
	json_object_set_new(o, "rate_kept", open ? json_boolean(r->rate_kept) : json_null());
	json_object_set_new(o, "time_limit_hit", json_boolean(r->time_limit_hit));
	json_object_set_new(o, "note",
			    open && !r->rate_kept ? json_string("client could not keep the rate")
			    : r->time_limit_hit
				    ? json_string("stopped at the time limit before --requests were done")
				    : json_null());
	json_object_set_new(o, "bytes", json_integer((json_int_t)r->s.bytes));
	json_object_set_new(o, "body_bytes", json_integer((json_int_t)r->s.body_bytes));
	json_object_set_new(
		o, "mbytes_per_s",
		json_real(r->window_s > 0 ? round((double)r->s.bytes / r->window_s / 1e4) / 100 : 0));
	json_object_set_new(e, "total", json_integer((json_int_t)err_total(r)));
	for (int k = 0; k < LE_COUNT; k++) {
		json_object_set_new(e, load_err_names[k], json_integer((json_int_t)r->s.errors[k]));
		if (r->first_err[k][0])
			json_object_set_new(fe, load_err_names[k], json_string(r->first_err[k]));
	}
	json_object_set_new(o, "errors", e);
	json_object_set_new(o, "first_errors", fe);
	json_object_set_new(o, "latency_us", percentiles(&r->s.lat));
	json_object_set_new(o, "latency_uncorrected_us", percentiles(&r->s.raw));
	json_object_set_new(o, "send_lag_us", open ? percentiles(&r->s.lag) : json_null());
	json_object_set_new(o, "cpu",
			    json_pack("{s:f,s:f,s:f}", "user_s", r->cpu_user_s, "sys_s", r->cpu_sys_s,
				      "us_per_req", round(cpu_us_per_req(r) * 1000) / 1000));
	json_object_set_new(o, "connects", json_integer((json_int_t)r->s.connects));
	if (tls)
		json_object_set_new(
			o, "tls",
			json_pack("{s:s,s:s,s:I,s:I,s:I,s:s}", "version",
				  r->tls_version[0] ? r->tls_version : "none", "cipher",
				  r->tls_cipher[0] ? r->tls_cipher : "none", "handshakes",
				  (json_int_t)r->s.handshakes, "resumed", (json_int_t)r->s.resumed, "full",
				  (json_int_t)(r->s.handshakes - r->s.resumed), "resumption",
				  resume ? "asked (--tls-resume)" : "off: a full handshake per connection"));
	else
		json_object_set_new(o, "tls", json_null());
	json_object_set_new(o, "histogram", load_hist_to_json(&r->s.lat));
	json_object_set_new(o, "histogram_uncorrected", load_hist_to_json(&r->s.raw));
	json_object_set_new(o, "histogram_send_lag", open ? load_hist_to_json(&r->s.lag) : json_null());
}

static int print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(1) | JSON_REAL_PRECISION(12) | JSON_PRESERVE_ORDER);

	if (!s)
		return -ENOMEM;
	puts(s);
	free(s);
	return fflush(stdout) ? -EIO : 0;
}

static void print_lat(const char *name, const struct load_hist *h)
{
	printf("  %-22s p50 %9.1f  p90 %9.1f  p99 %9.1f  p99.9 %9.1f  p99.99 %9.1f  max %9.1f us\n", name,
	       load_hist_percentile(h, 50) / 1e3, load_hist_percentile(h, 90) / 1e3,
	       load_hist_percentile(h, 99) / 1e3, load_hist_percentile(h, 99.9) / 1e3,
	       load_hist_percentile(h, 99.99) / 1e3, h->max / 1e3);
}

static void print_text(const struct load_cfg *cfg, const struct load_work *w, const struct load_result *r)
{
	uint64_t ne = err_total(r);

	printf(LOAD_PROG ": %s mode, %d connections, %d threads, %s\n",
	       cfg->mode == LOAD_OPEN ? "open" : "closed", cfg->connections, r->threads, w->describe);
	printf("  %llu requests in %.2f s: %.1f req/s", (unsigned long long)r->s.requests, r->window_s,
	       r->achieved_rps);
	if (cfg->mode == LOAD_OPEN)
		printf(" of %.1f offered%s", r->offered_rps,
		       r->rate_kept ? "" : " (client could not keep the rate)");
	printf(", %.2f MB/s\n", r->window_s > 0 ? r->s.bytes / r->window_s / 1e6 : 0);
	if (r->time_limit_hit)
		printf("  stopped at the %g s time limit before the %llu requests asked were done\n",
		       cfg->time_limit_s, (unsigned long long)cfg->requests);
	print_lat(cfg->mode == LOAD_OPEN ? "latency (corrected)" : "latency", &r->s.lat);
	print_lat("latency (uncorrected)", &r->s.raw);
	if (cfg->mode == LOAD_OPEN)
		print_lat("send lag", &r->s.lag);
	if (!ne) {
		printf("  errors: none\n");
	} else {
		printf("  errors: %llu:", (unsigned long long)ne);
		for (int k = 0; k < LE_COUNT; k++)
			if (r->s.errors[k])
				printf(" %s %llu", load_err_names[k], (unsigned long long)r->s.errors[k]);
		printf("\n");
	}
	if (w->tls)
		printf("  tls: %s %s, %llu handshakes, %llu resumed%s\n", r->tls_version, r->tls_cipher,
		       (unsigned long long)r->s.handshakes, (unsigned long long)r->s.resumed,
		       cfg->tls_resume ? "" : " (resumption off)");
	printf("  client CPU: %.3f s user, %.3f s system, %.2f us per request\n", r->cpu_user_s, r->cpu_sys_s,
	       cpu_us_per_req(r));
}

/* what stderr says whatever the format: the rate not kept, the first error of each kind */
static void print_warnings(const struct load_result *r, bool open)
{
	if (open && !r->rate_kept)
		fprintf(stderr,
			LOAD_PROG
			": client could not keep the rate: %.1f req/s achieved of %.1f offered (%.1f%%)\n",
			r->achieved_rps, r->offered_rps,
			r->offered_rps ? 100 * r->achieved_rps / r->offered_rps : 0);
	for (int k = 0; k < LE_COUNT; k++)
		if (r->s.errors[k])
			fprintf(stderr, LOAD_PROG ": %llu %s error%s, the first: %s\n",
				(unsigned long long)r->s.errors[k], load_err_names[k],
				r->s.errors[k] == 1 ? "" : "s", r->first_err[k]);
}

int load_out_print(const struct load_cfg *cfg, const struct load_work *w, struct load_result *r)
{
	bool open = cfg->mode == LOAD_OPEN;
	int rc = 0;

	print_warnings(r, open);
	if (!cfg->json) {
		print_text(cfg, w, r);
		return 0;
	}
	json_t *cpus = json_array(), *o = json_object();
	for (int i = 0; i < r->threads; i++)
		json_array_append_new(cpus, json_integer(cfg->cpus[i]));
	json_object_set_new(o, "tool", json_string(LOAD_PROG));
	json_object_set_new(o, "format", json_integer(LOAD_JSON_FORMAT));
	json_object_set_new(o, "mode", json_string(open ? "open" : "closed"));
	json_object_set_new(o, "arrivals",
			    open ? json_string(cfg->arrivals == LOAD_POISSON ? "poisson" : "uniform")
				 : json_null());
	json_object_set_new(o, "target", json_string(w->describe));
	json_object_set_new(o, "urls", json_integer((json_int_t)w->nreqs));
	json_object_set_new(o, "workload", cfg->workload ? json_string(cfg->workload) : json_null());
	json_object_set_new(o, "connections", json_integer(cfg->connections));
	json_object_set_new(o, "threads", json_integer(r->threads));
	json_object_set_new(o, "cpus", cpus);
	json_object_set_new(o, "pipeline", json_integer(cfg->pipeline));
	json_object_set_new(o, "connection_close", json_boolean(cfg->conn_close));
	json_object_set_new(o, "verify", json_boolean(cfg->verify_dir != NULL));
	json_object_set_new(o, "body_read",
			    json_string(!cfg->copy && !cfg->verify_dir && !w->tls
						? "discarded by the kernel (recv MSG_TRUNC), counted"
						: "copied to user space"));
	json_object_set_new(o, "rate", open ? json_real(cfg->rate) : json_null());
	json_object_set_new(o, "warmup_s", json_real(cfg->warmup_s));
	json_object_set_new(o, "timeout_s", json_real(cfg->timeout_s));
	json_object_set_new(o, "requests_asked",
			    cfg->requests ? json_integer((json_int_t)cfg->requests) : json_null());
	json_object_set_new(o, "time_limit_s", cfg->requests ? json_real(cfg->time_limit_s) : json_null());
	json_object_set_new(o, "seed", json_integer((json_int_t)cfg->seed));
	set_measured(o, r, open, w->tls, cfg->tls_resume);
	rc = print_json(o);
	json_decref(o);
	return rc;
}

void load_out_tick(const struct load_cfg *cfg, int sec, const struct load_tick *t)
{
	if (cfg->json) {
		json_t *o =
			json_pack("{s:i,s:I,s:I,s:I,s:o,s:o,s:o}", "t", sec, "requests",
				  (json_int_t)t->requests, "errors", (json_int_t)t->errors, "bytes",
				  (json_int_t)t->bytes, "p50_us", us(load_hist_percentile(&t->lat, 50)),
				  "p99_us", us(load_hist_percentile(&t->lat, 99)), "max_us", us(t->lat.max));
		char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10) | JSON_PRESERVE_ORDER);
		if (s)
			fprintf(stderr, "%s\n", s);
		free(s);
		json_decref(o);
		return;
	}
	printf("  %4d s  %9llu req/s  p50 %9.1f us  p99 %9.1f us  max %9.1f us  errors %llu\n", sec,
	       (unsigned long long)t->requests, load_hist_percentile(&t->lat, 50) / 1e3,
	       load_hist_percentile(&t->lat, 99) / 1e3, t->lat.max / 1e3, (unsigned long long)t->errors);
	fflush(stdout);
}

/* --merge: one result from several clients' outputs */
static int merge_one(const char *path, json_t *j, struct load_result *r, char *err, size_t errlen)
{
	json_t *e = json_object_get(j, "errors"), *c = json_object_get(j, "cpu"),
	       *t = json_object_get(j, "tls");
	json_t *lag = json_object_get(j, "histogram_send_lag");
	int rc;

#define JI(o, k) ((uint64_t)json_integer_value(json_object_get(o, k)))
#define JN(o, k) (json_number_value(json_object_get(o, k)))
	if (strcmp(json_string_value(json_object_get(j, "tool")) ?: "", LOAD_PROG) ||
	    json_integer_value(json_object_get(j, "format")) != LOAD_JSON_FORMAT) {
		snprintf(err, errlen, "not a " LOAD_PROG " --json output of format %d", LOAD_JSON_FORMAT);
		return -EINVAL;
	}
	if ((rc = load_hist_merge_json(&r->s.lat, json_object_get(j, "histogram"), err, errlen)) ||
	    (rc = load_hist_merge_json(&r->s.raw, json_object_get(j, "histogram_uncorrected"), err,
				       errlen)) ||
	    (json_is_object(lag) && (rc = load_hist_merge_json(&r->s.lag, lag, err, errlen))))
		return rc;
	r->time_limit_hit |= json_is_true(json_object_get(j, "time_limit_hit"));
	r->s.requests += JI(j, "requests");
	r->s.in_window += JI(j, "requests_in_window");
	r->s.sent += JI(j, "sent");
	r->s.arrivals += JI(j, "arrivals");
	r->s.unsent += JI(j, "unsent");
	r->s.bytes += JI(j, "bytes");
	r->s.body_bytes += JI(j, "body_bytes");
	r->s.connects += JI(j, "connects");
	for (int k = 0; k < LE_COUNT; k++)
		r->s.errors[k] += JI(e, load_err_names[k]);
	for (int k = 0; k < LE_COUNT; k++) {
		const char *fe = json_string_value(
			json_object_get(json_object_get(j, "first_errors"), load_err_names[k]));
		if (fe && !r->first_err[k][0])
			snprintf(r->first_err[k], sizeof(r->first_err[k]), "%s (%s)", fe, path);
	}
	/* clients run side by side: rates add up, the window is the longest */
	r->achieved_rps += JN(j, "achieved_rps");
	r->offered_rps += JN(j, "offered_rps");
	if (JN(j, "duration_s") > r->window_s)
		r->window_s = JN(j, "duration_s");
	if (JN(j, "drain_s") > r->drain_s)
		r->drain_s = JN(j, "drain_s");
	r->cpu_user_s += JN(c, "user_s");
	r->cpu_sys_s += JN(c, "sys_s");
	r->threads += (int)json_integer_value(json_object_get(j, "threads"));
	if (json_is_object(t)) {
		r->s.handshakes += JI(t, "handshakes");
		r->s.resumed += JI(t, "resumed");
		if (!r->tls_version[0]) {
			snprintf(r->tls_version, sizeof(r->tls_version), "%s",
				 json_string_value(json_object_get(t, "version")) ?: "");
			snprintf(r->tls_cipher, sizeof(r->tls_cipher), "%s",
				 json_string_value(json_object_get(t, "cipher")) ?: "");
		}
	}
#undef JI
#undef JN
	return 0;
}

int load_merge_main(const struct load_cfg *cfg)
{
	struct load_result *r = calloc(1, sizeof(*r));
	json_t *out = NULL;
	int rc = LOAD_EXIT_USAGE;
	bool open = false, tls = false, resume = false;
	json_int_t conns = 0;

	if (!r)
		return LOAD_EXIT_FAIL;
	load_hist_reset(&r->s.lat);
	load_hist_reset(&r->s.raw);
	load_hist_reset(&r->s.lag);
	for (int i = 0; i < cfg->nmerge; i++) {
		json_error_t je;
		char err[256];
		json_t *j = json_load_file(cfg->merge[i], 0, &je);
		if (!j) {
			fprintf(stderr, LOAD_PROG ": --merge '%s': %s (line %d)\n", cfg->merge[i], je.text,
				je.line);
			goto cleanup;
		}
		if (merge_one(cfg->merge[i], j, r, err, sizeof(err))) {
			fprintf(stderr, LOAD_PROG ": --merge '%s': %s\n", cfg->merge[i], err);
			json_decref(j);
			goto cleanup;
		}
		const char *mode = json_string_value(json_object_get(j, "mode")) ?: "";
		if (!out) {
			out = json_deep_copy(j);
			open = !strcmp(mode, "open");
			tls = json_is_object(json_object_get(j, "tls"));
			resume = strstr(json_string_value(
						json_object_get(json_object_get(j, "tls"), "resumption"))
						?: "",
					"asked") != NULL;
		} else if (strcmp(mode, json_string_value(json_object_get(out, "mode")))) {
			fprintf(stderr, LOAD_PROG ": --merge '%s': mode %s, the first file's is %s\n",
				cfg->merge[i], mode, json_string_value(json_object_get(out, "mode")));
			json_decref(j);
			goto cleanup;
		}
		conns += json_integer_value(json_object_get(j, "connections"));
		json_decref(j);
	}
	r->rate_kept = r->s.in_window >= 0.98 * (double)r->s.arrivals;
	set_measured(out, r, open, tls, resume);
	json_object_set_new(out, "connections", json_integer(conns));
	json_object_set_new(out, "threads", json_integer(r->threads));
	json_object_set_new(out, "merged", json_integer(cfg->nmerge));
	json_object_del(out, "cpus");
	print_warnings(r, open);
	rc = print_json(out) ? LOAD_EXIT_FAIL : 0;
cleanup:
	json_decref(out);
	free(r);
	return rc;
}
