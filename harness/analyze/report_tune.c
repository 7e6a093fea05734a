/*
 * report_tune: the report's "Machine noise and tuning" section, from
 * run.json's calibration (the loop the sweep ran before its first point)
 * and tune (wirelab tune's check then): how much of a difference this
 * machine can show today, and which settings were not as a measurement
 * wants them (docs/tune.md).
 */
#include <string.h>

#include "report.h"

#define NUM(o, k) json_real_value(json_object_get(o, k))

static void calibration_html(FILE *f, const struct runs_run *run)
{
	json_t *c = run->info.calibration;
	const char *skipped = json_string_value(json_object_get(c, "skipped"));
	json_t *net = json_object_get(c, "loopback");
	/* a rate's floor is the larger of the loop's and the round trip's */
	double rate_floor = json_object_get(c, "rate_noise_floor_pct") ? NUM(c, "rate_noise_floor_pct")
								       : NUM(c, "noise_floor_pct");
	double cpu_floor = NUM(c, "cpu_noise_floor_pct");
	double margin = run->info.options.margin * 100;

	if (!c) {
		fprintf(f, "<p>No calibration recorded (a run from before the calibration loop).</p>\n");
		return;
	}
	if (skipped || !json_object_get(c, "median_ms")) {
		fprintf(f, "<p>Calibration: not run (");
		report_html_text(f, skipped ? skipped : "no figures");
		fprintf(f, "): this run does not say how noisy the machine was.</p>\n");
		return;
	}
	fprintf(f, "<p>Before the first point the sweep timed a fixed CPU task (");
	report_html_text(f, json_string_value(json_object_get(c, "task")));
	fprintf(f,
		") %lld times on CPU %lld, pinned. On a quiet machine each loop takes the same time; "
		"the spread is the machine's own noise.</p>\n<table>\n"
		"<tr><th></th><th>median (ms)</th><th>min</th><th>max</th><th>CV</th>"
		"<th>robust CV (1.4826 MAD/median)</th><th>noise floor (2 robust CV)</th></tr>\n",
		json_integer_value(json_object_get(c, "loops")),
		json_integer_value(json_object_get(c, "cpu")));
	fprintf(f,
		"<tr><td>wall time (rates, latencies)</td><td>%.2f</td><td>%.2f</td><td>%.2f</td>"
		"<td>%.1f%%</td><td>%.1f%%</td><td>%.1f%%</td></tr>\n",
		NUM(c, "median_ms"), NUM(c, "min_ms"), NUM(c, "max_ms"), NUM(c, "cv_pct"),
		NUM(c, "robust_cv_pct"), NUM(c, "noise_floor_pct"));
	fprintf(f,
		"<tr><td>CPU time (CPU per request)</td><td>%.2f</td><td>%.2f</td><td>%.2f</td>"
		"<td>%.1f%%</td><td>%.1f%%</td><td>%.1f%%</td></tr>\n",
		NUM(c, "cpu_median_ms"), NUM(c, "cpu_min_ms"), NUM(c, "cpu_max_ms"), NUM(c, "cpu_cv_pct"),
		NUM(c, "cpu_robust_cv_pct"), NUM(c, "cpu_noise_floor_pct"));
	if (json_object_get(net, "median_us"))
		fprintf(f,
			"<tr><td>loopback TCP round trip (us; %lld batches)</td><td>%.1f</td><td>%.1f</td>"
			"<td>%.1f</td><td>%.1f%%</td><td>%.1f%%</td><td>%.1f%%</td></tr>\n",
			json_integer_value(json_object_get(net, "batches")), NUM(net, "median_us"),
			NUM(net, "min_us"), NUM(net, "max_us"), NUM(net, "cv_pct"), NUM(net, "robust_cv_pct"),
			NUM(net, "noise_floor_pct"));
	fprintf(f, "</table>\n");
	fprintf(f,
		"<p><b>One measurement on this machine moves by about %.1f%% in a rate or latency, and "
		"about %.1f%% in a CPU cost per request, from the machine's own noise today</b> (twice the "
		"robust spread of one loop, or for a rate of one batch of round trips if that is larger; a "
		"window of several seconds averages more, so this is the pessimistic side). A smaller "
		"difference cannot show in one window; it needs repetitions, and the intervals of the "
		"decisions below say whether those were enough.",
		rate_floor, cpu_floor);
	if (NUM(c, "cpu_share") < 0.9)
		fprintf(f,
			" The loop had the CPU only %.0f%% of its wall time: other tasks, or the VM's host, "
			"ran on the server's CPU.",
			NUM(c, "cpu_share") * 100);
	if (NUM(c, "cv_pct") > 2 * NUM(c, "robust_cv_pct"))
		fprintf(f, " The CV is well above the robust CV: a few loops were stalled (spikes).");
	if (margin > 0 && (rate_floor > margin || cpu_floor > margin))
		fprintf(f,
			" The noise is above the decisions' margin (%.0f%%): expect more repetitions and "
			"more "
			"cells left undecided.",
			margin);
	fprintf(f, "</p>\n");
}

static void tune_html(FILE *f, const struct runs_run *run)
{
	json_t *t = run->info.tune, *settings = json_object_get(t, "settings"), *s;
	size_t i;
	int bad = 0;

	if (!t) {
		fprintf(f, "<p>No tune check recorded (a run from before wirelab tune).</p>\n");
		return;
	}
	json_array_foreach(settings, i, s) bad +=
		!strcmp(json_string_value(json_object_get(s, "status")) ?: "", "not ok");
	if (bad)
		fprintf(f,
			"<p><b>%d setting(s) were not as a measurement wants them</b> (wirelab tune --apply "
			"sets them, --restore puts them back):</p>\n",
			bad);
	else
		fprintf(f, "<p>Every setting that can be set here was as a measurement wants it.</p>\n");
	fprintf(f, "<table>\n<tr><th>setting</th><th>status</th><th>value</th><th>wanted</th><th>why</th></"
		   "tr>\n");
	json_array_foreach(settings, i, s)
	{
		const char *st = json_string_value(json_object_get(s, "status"));
		const char *cols[] = {"name", "status", "value", "want", "why"};
		fprintf(f, "<tr%s>", st && !strcmp(st, "not ok") ? " style=\"font-weight:bold\"" : "");
		for (int k = 0; k < 5; k++) {
			const char *v = json_string_value(json_object_get(s, cols[k]));
			fputs("<td>", f);
			report_html_text(f, v ? v : "");
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fprintf(f, "</table>\n");
}

void report_tune_html(FILE *f, const struct runs_run *run)
{
	fprintf(f, "<h2>Machine noise and tuning</h2>\n");
	calibration_html(f, run);
	tune_html(f, run);
}
