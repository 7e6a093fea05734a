/*
 * sweep_profile: the sweep's CPU profiles (see sweep_profile.h). The
 * profiler opens per window, for that window's server pids, after the
 * server started and before the warm-up (loading the BPF program takes a
 * moment), and samples only between start and stop, which bracket wrk's
 * run as the probes' reads do. A profiler that cannot open is said once,
 * on stderr and in run.json, and no later window tries again, as with
 * the probes.
 */
#include "sweep_profile.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results_profiles.h"
#include "sweep_load.h"
#include "sweep_point.h"

static struct {
	int failed; /* profiling stopped working: status says why */
	char status[512];
	int window_ok; /* this window's profile started and stopped */
	int windows;   /* windows profiled (this process) */
	struct wl_profile_info first;
	struct wl_vm vm; /* detected when the options are checked */
	int csv_open;
	int recorded; /* first holds a recorded window's facts (--resume) */
	char overhead[512];
} st;

int sweep_profile_check(struct sweep_opts *o, char *err, size_t errlen)
{
	if (o->profile_hz && !o->profile) {
		snprintf(err, errlen, "--profile-hz %d: applies with --profile only", o->profile_hz);
		return -EINVAL;
	}
	if (!o->profile)
		return 0;
	if (o->topology == TOPO_VM) {
		snprintf(err, errlen,
			 "--profile: not with --topology vm (only the CSV rows leave the VM; run the sweep "
			 "inside scripts/labvm to profile there)");
		return -EINVAL;
	}
	if (geteuid() != 0) {
		snprintf(err, errlen, "--profile: needs root (a BPF program on perf events)");
		return -EPERM;
	}
	if (!o->profile_hz)
		o->profile_hz = WL_PROFILE_HZ_DEFAULT;
	wl_vm_detect(&st.vm);
	return 0;
}

static void give_up(const char *why)
{
	st.failed = 1;
	snprintf(st.status, sizeof(st.status), "unavailable: %.480s", why);
	fprintf(stderr, "wirelab sweep: profiles %s; the windows after this one have none\n", st.status);
}

struct wl_profile *sweep_profile_open(const struct sweep_opts *o, const int *pids, int npids)
{
	struct wl_profile *prof = NULL;
	char err[400];

	st.window_ok = 0;
	if (!o->profile || st.failed)
		return NULL;
	if (wl_profile_open(pids, npids, o->profile_hz, &prof, err, sizeof(err)) < 0) {
		give_up(err);
		return NULL;
	}
	return prof;
}

void sweep_profile_start(struct wl_profile *prof)
{
	int rc = prof ? wl_profile_start(prof) : 0;

	if (rc < 0) {
		char why[128];
		snprintf(why, sizeof(why), "starting the perf events: %s", strerror(-rc));
		give_up(why);
	}
}

void sweep_profile_stop(struct wl_profile *prof)
{
	char err[256];

	if (!prof || st.failed)
		return;
	if (wl_profile_stop(prof, err, sizeof(err)) < 0)
		fprintf(stderr, "wirelab sweep: this window's profile is lost: %s\n", err);
	else
		st.window_ok = 1;
}

/* the window's key, as sweep_record.c makes it for points.csv */
static struct results_key key_of(const struct sweep_point *p)
{
	struct results_key k = {.variant = p->variant->name,
				.size = p->size,
				.workload = p->mix ? p->mix->name : "",
				.conns = p->conns,
				.rate = p->rate ? p->rate->label : "",
				.threads = p->threads,
				.rep = p->rep};
	return k;
}

void sweep_profile_finish(struct wl_profile *prof, const struct sweep_opts *o, const struct sweep_point *p,
			  uint64_t requests, struct sweep_prof_result *out)
{
	struct results_key k = key_of(p);
	const struct wl_profile_info *i;
	char dir[PATH_MAX], name[256], err[PATH_MAX + 128];

	memset(out, 0, sizeof(*out));
	if (!prof || !st.window_ok)
		return;
	results_profile_name(&k, name, sizeof(name));
	if (snprintf(dir, sizeof(dir), "%s/profiles", o->out) >= (int)sizeof(dir) ||
	    (mkdir(dir, 0755) && errno != EEXIST)) {
		fprintf(stderr, "wirelab sweep: %s: %s; this window's profile is lost\n", dir,
			strerror(errno ? errno : ENAMETOOLONG));
		return;
	}
	if (wl_profile_write(prof, dir, name, requests, err, sizeof(err)) < 0 ||
	    wl_profile_groups(prof, requests, &out->g) < 0) {
		fprintf(stderr, "wirelab sweep: %s; this window's profile is lost\n", err);
		return;
	}
	i = wl_profile_info(prof);
	if (!st.windows++)
		st.first = *i;
	out->done = 1;
}

int sweep_profile_record(const struct sweep_opts *o, const struct sweep_point *p,
			 const struct sweep_prof_result *r, char *err, size_t errlen)
{
	struct results_profile rows[WL_GROUP_N + 1];
	struct results_key key = key_of(p);
	const struct wl_profile_groups *g = &r->g;
	double n = (double)g->requests, total_us = 0;
	int ret;

	if (!r->done || !g->requests)
		return 0;
	if (!st.csv_open && (ret = results_profiles_open(o->out, o->resume, err, errlen)))
		return ret;
	st.csv_open = 1;
	for (int k = 0; k <= WL_GROUP_N; k++) {
		int all = k == WL_GROUP_N;
		uint64_t samples = all ? g->total : g->samples[k];
		double us = all ? total_us : g->us_per_req[k];

		total_us += all ? 0 : us;
		/* the total first: a reader finds a window's figures on its first row */
		rows[all ? 0 : k + 1] = (struct results_profile){
			.key = key,
			.group = all ? RESULTS_PROFILE_TOTAL : wl_group_key(k),
			.samples = samples,
			.requests = g->requests,
			.samples_per_req = (double)samples / n,
			.us_per_req = us,
			.share_pct = g->total ? 100.0 * (double)samples / (double)g->total : 0,
		};
	}
	return results_profiles_write(rows, WL_GROUP_N + 1, err, errlen);
}

/* what the program measured of itself over the run's recorded windows
 * (their NAME.groups.json), a resumed run's earlier ones included */
static int program_cost(const struct sweep_opts *o, uint64_t *prog_ns, uint64_t *samples, uint64_t *cpu_ns,
			int *windows)
{
	char err[256], path[PATH_MAX + 300], name[256];
	json_t *rows = NULL, *r;
	size_t i;

	*prog_ns = *samples = *cpu_ns = 0;
	*windows = 0;
	if (results_profiles_load(o->out, &rows, err, sizeof(err)) || !rows)
		return -ENOENT;
	json_array_foreach(rows, i, r)
	{
		struct results_key k = results_profile_key(r);
		json_t *j;
		if (strcmp(json_string_value(json_object_get(r, "group")) ?: "", RESULTS_PROFILE_TOTAL))
			continue;
		results_profile_name(&k, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/profiles/%s.groups.json", o->out, name);
		if (!(j = json_load_file(path, 0, NULL)))
			continue;
		if (!*windows && !st.windows) {
			/* a resumed run that profiled nothing yet: the facts of its first window */
			json_t *vm = json_object_get(j, "vm");
			snprintf(st.first.event, sizeof(st.first.event), "%s",
				 json_string_value(json_object_get(j, "event")) ?: "");
			st.first.irq_reattribute = json_is_true(
				json_object_get(json_object_get(j, "irq_reattribution"), "applied"));
			st.first.vm.detected = json_is_true(json_object_get(vm, "detected"));
			snprintf(st.first.vm.how, sizeof(st.first.vm.how), "%s",
				 json_string_value(json_object_get(vm, "how")) ?: "");
			st.recorded = 1;
		}
		*prog_ns += (uint64_t)json_integer_value(json_object_get(j, "program_ns"));
		*samples += (uint64_t)json_integer_value(json_object_get(j, "samples_seen"));
		*cpu_ns += (uint64_t)json_integer_value(json_object_get(j, "cpu_ns"));
		++*windows;
		json_decref(j);
	}
	json_decref(rows);
	return 0;
}

void sweep_profile_meta(const struct sweep_opts *o, struct results_meta *m)
{
	uint64_t prog_ns, samples, cpu_ns;
	int windows, cost = o->profile ? program_cost(o, &prog_ns, &samples, &cpu_ns, &windows) : -ENOENT;
	int known = st.windows || st.recorded;
	const struct wl_vm *vm = known ? &st.first.vm : &st.vm;

	m->options.profile = o->profile;
	m->options.profile_hz = o->profile ? o->profile_hz : 0;
	m->profile.status = !o->profile ? "off" : st.failed ? st.status : "on";
	if (!o->profile)
		return;
	m->profile.event = known ? st.first.event : NULL;
	m->profile.vm_detected = vm->detected;
	m->profile.vm = vm->detected ? vm->how : NULL;
	m->profile.irq_reattribution = known ? st.first.irq_reattribute : 0;
	m->profile.overhead = NULL;
	if (cost || !samples)
		return;
	snprintf(st.overhead, sizeof(st.overhead),
		 "the sampling program took %.1f us per sample, %.2f%% of the server's CPU time over %d "
		 "profiled windows at %d Hz (interrupt time is charged to the task it interrupts unless the "
		 "kernel has CONFIG_IRQ_TIME_ACCOUNTING, so cpu_us_per_req includes it); not in that figure: "
		 "the timer interrupt of each sample and what it evicts from the "
		 "caches: scripts/bench-profile measures the whole cost (docs/profile.md)",
		 prog_ns / 1e3 / (double)samples, cpu_ns ? 100.0 * (double)prog_ns / (double)cpu_ns : 0.0,
		 windows, o->profile_hz);
	m->profile.overhead = st.overhead;
}

void sweep_profile_end(void)
{
	results_profiles_close();
	st.csv_open = 0;
}
