/*
 * sweep_record: a point's result as points.csv and syscalls.csv rows, and
 * the sweep's options and the host it ran on as run.json: when, host,
 * kernel, CPU model, cores, git commit, wrk's version, topology and its
 * settings, where the CPU figures came from, every option and the argv
 * (which --resume reuses). The layouts are the results layer's
 * (results_cols.c, results_meta.c); this file only fills them in.
 */
#include "sweep_record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "results_meta.h"
#include "results_points.h"
#include "runs.h"
#include "seq.h"
#include "sweep_machine.h"
#include "sweep_profile.h"
#include "sweep_window.h"

_Static_assert(RESULTS_NAXES == VARIANT_NAXES, "points.csv has a column per axis of the variant model");

int sweep_record_open(const struct sweep_opts *o, char *err, size_t errlen)
{
	if (mkdir(o->out, 0755) && errno != EEXIST) {
		int ret = -errno;
		snprintf(err, errlen, "--out %s: %s", o->out, strerror(-ret));
		return ret;
	}
	return results_points_open(o->out, o->resume, err, errlen);
}

static struct results_key key_of(const struct sweep_point *p)
{
	struct results_key k = {p->variant->name,
				p->size,
				p->mix ? p->mix->name : "",
				p->conns,
				p->rate ? p->rate->label : "",
				p->threads,
				p->rep};
	return k;
}

int sweep_record_done(const struct sweep_point *p)
{
	struct results_key k = key_of(p);

	return results_points_done(&k);
}

int sweep_record_point(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		       const struct point_result *r, char *err, size_t errlen)
{
	const struct wrk_result *w = &r->w;
	struct results_point rp = {
		.variant = p->variant->name,
		.topology = topo_names[t->kind],
		.size = p->size,
		.conns = p->conns,
		.threads = p->threads,
		.server_threads = o->nserver_cpus,
		.connection_close = o->conn_close,
		.rep = p->rep,
		.measured = PT_MEASURED(r->status),
		.duration_s = w->duration_s,
		.requests = w->requests,
		.bytes = w->bytes,
		.rps = r->rps,
		.mbytes_per_s = r->mbps,
		.lat_p50_us = w->p50_us,
		.lat_p99_us = w->p99_us,
		.lat_p999_us = w->p999_us,
		.lat_mean_us = w->mean_us,
		.lat_max_us = w->max_us,
		.syscalls_per_req = r->syscalls,
		.cpu_us_per_req = r->cpu_us,
		.core_us_per_req = r->core_us,
		.ctxsw_per_req = r->ctxsw,
		.tx_segments_per_req = r->segs,
		.zc_copied_share = r->zc_share,
		.errors = w->err_connect + w->err_read + w->err_write + w->err_status + w->err_timeout,
		.errors_connect = w->err_connect,
		.errors_read = w->err_read,
		.errors_write = w->err_write,
		.errors_status = w->err_status,
		.errors_timeout = w->err_timeout,
		.client_busy_pct = w->client_busy * 100,
		.status = point_status_names[r->status],
		.reason = r->reason,
	};
	struct results_syscall *sys = NULL;
	char(*names)[32] = NULL;
	size_t nsys = 0;
	int ret;

	uint64_t counted = r->count_requests ? r->count_requests : w->requests;

	for (int a = 0; a < VARIANT_NAXES; a++)
		rp.axis[a] = p->variant->value[a];
	sweep_load_record(o, p, r, &rp); /* load, workload, rate and the load generator's figures */
	if (r->sys_counts && rp.measured) {
		sys = calloc(WL_SYS_SLOTS, sizeof(*sys));
		names = calloc(WL_SYS_SLOTS, sizeof(*names));
		if (!sys || !names) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
			goto cleanup;
		}
		for (unsigned nr = 0; nr < WL_SYS_SLOTS; nr++) {
			const char *name = wl_probe_syscall_name(nr);
			if (!r->sys_counts[nr])
				continue;
			if (!name) /* newer than this build's kernel headers */
				snprintf(names[nsys], sizeof(names[nsys]), "sys_%u", nr);
			sys[nsys] = (struct results_syscall){rp.variant,
							     rp.size,
							     rp.workload,
							     rp.conns,
							     rp.rate,
							     rp.threads,
							     rp.rep,
							     name ? name : names[nsys],
							     r->sys_counts[nr],
							     r->sys_counts[nr] / (double)counted};
			nsys++;
		}
	}
	ret = results_points_write(&rp, sys, nsys, err, errlen);
	if (!ret && rp.measured)
		ret = sweep_profile_record(o, p, &r->prof, err, errlen);
cleanup:
	free(sys);
	free(names);
	return ret;
}

static void cmd_line(const char *cmd, char *buf, size_t len)
{
	FILE *p = popen(cmd, "r");

	buf[0] = 0;
	if (p) {
		if (fgets(buf, (int)len, p))
			buf[strcspn(buf, "\n")] = 0;
		pclose(p);
	}
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');
		if (!strncmp(line, "model name", 10) && c) {
			line[strcspn(line, "\n")] = 0;
			snprintf(buf, len, "%s", c + 2);
			break;
		}
	}
	if (f)
		fclose(f);
}

static const struct results_cell_stop *stops;
static size_t nstops;

void sweep_record_cells(const struct results_cell_stop *cells, size_t n)
{
	stops = cells;
	nstops = n;
}

static json_t *rec_tune, *rec_calibration;

void sweep_record_tune(json_t *tune, json_t *calibration)
{
	json_decref(rec_tune);
	json_decref(rec_calibration);
	rec_tune = tune;
	rec_calibration = calibration;
}

int sweep_record_run(const struct sweep_opts *o, const struct topo *t, const char *run_id,
		     const char *cpu_source, const char *probe_note, const char *finished, char *err,
		     size_t errlen)
{
	static char when[32];
	char commit[128], dirty[8], model[256], cmd[PATH_MAX + 128], wrkv[128];
	const char *variants[SWEEP_MAX_VARIANTS], *hosts[SWEEP_MAX_HOSTS], **argv,
		*decide[SWEEP_ADAPT_METRICS];
	const char *rates[SWEEP_MAX_RATES], *mixes[SWEEP_MAX_MIXES];
	long conns[SWEEP_MAX_CONNS], sizes[SWEEP_MAX_SIZES];
	struct utsname u;
	int ret, argc = 0;

	if (!when[0]) {
		time_t now = time(NULL);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	}
	uname(&u);
	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse HEAD 2>/dev/null", o->build);
	cmd_line(cmd, commit, sizeof(commit));
	snprintf(cmd, sizeof(cmd), "git -C '%s' status --porcelain -uno 2>/dev/null | head -n 1 | cut -c1-3",
		 o->build);
	cmd_line(cmd, dirty, sizeof(dirty));
	cmd_line("wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2", wrkv, sizeof(wrkv));
	cpu_model(model, sizeof(model));
	argv = calloc(o->argc + 1, sizeof(*argv));
	if (!argv) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < o->argc; i++) {
		if (!strcmp(o->argv[i], "--resume")) {
			i++; /* the run's own options, not how it was resumed */
			continue;
		}
		argv[argc++] = o->argv[i];
	}
	for (int i = 0; i < o->nvariants; i++)
		variants[i] = o->variants[i].name;
	for (int i = 0; i < o->nsizes; i++)
		sizes[i] = o->sizes[i];
	for (int i = 0; i < o->nconns; i++)
		conns[i] = o->conns[i];
	for (int i = 0; i < o->nclient_hosts; i++)
		hosts[i] = o->client_hosts[i];
	for (int i = 0; i < o->load.nrates; i++)
		rates[i] = o->load.rates[i].label;
	for (int i = 0; i < o->load.nmixes; i++)
		mixes[i] = o->load.mixes[i].path;
	for (int i = 0; i < o->adapt.nmetrics; i++)
		decide[i] = runs_metrics[o->adapt.metrics[i]].key;
	struct seq_plan plan = {o->reps, o->adapt.reps_max, SEQ_ALPHA};
	struct results_meta m = {
		.results_format = RUNS_FORMAT,
		.run_id = run_id,
		.when = when,
		.finished = finished,
		.host = u.nodename,
		.kernel = u.release,
		.cpu_model = model,
		.cores = sysconf(_SC_NPROCESSORS_ONLN),
		.git_commit = commit[0] ? commit : NULL,
		.git_dirty = dirty[0] != 0,
		.wrk = wrkv,
		.load_version = sweep_load_version(o),
		.topology = topo_names[t->kind],
		.topology_settings = t->settings,
		.cpu_source = cpu_source,
		.probes = probe_note,
		.client_bound_rule = "status client-bound when the client's (wrk's or wirelab-load's) CPU "
				     "time is >= 90% of the cores its threads could use",
		.rate_rule = o->load.kind == SWEEP_LOAD_OPEN
				     ? "status rate-missed when fewer than 98% of the requests open mode "
				       "offered in the window were answered in it (client could not keep the "
				       "rate)"
				     : NULL,
		.options =
			{
				.variants = variants,
				.nvariants = o->nvariants,
				.sizes = sizes,
				.nsizes = o->nsizes,
				.conns = conns,
				.nconns = o->nconns,
				.threads = o->threads,
				.duration_s = o->duration,
				.warmup_s = o->warmup,
				.reps = o->reps,
				.reps_max = o->adapt.reps_max,
				.connection_close = o->conn_close,
				.load = sweep_load_names[o->load.kind],
				.rates = rates,
				.nrates = o->load.nrates,
				.workloads = mixes,
				.nworkloads = o->load.nmixes,
				.topology = topo_names[o->topology],
				.link_rate = o->link_rate[0] ? o->link_rate : NULL,
				.mtu = o->mtu,
				.offloads = o->offloads < 0 ? NULL
					    : o->offloads   ? "on"
							    : "off",
				.client_hosts = hosts,
				.nclient_hosts = o->nclient_hosts,
				.server_addr = o->server_addr[0] ? o->server_addr : NULL,
				.server_cpus = o->server_cpus,
				.client_cpus = o->client_cpus,
				.peers = o->npeers,
				.no_probes = o->no_probes,
				/* a server option changes what a variant's rows mean: check compares it */
				.sqpoll = o->sqpoll,
				.out = o->out,
				.build = o->build,
				.baseline = o->adapt.baseline[0] ? o->adapt.baseline : NULL,
				.decide = decide,
				.ndecide = o->adapt.nmetrics,
				.margin = o->adapt.margin,
				.min_effect = o->adapt.min_effect,
				.probe_window = sweep_window_names[o->probe_window],
				.requests = o->requests,
			},
		/* pick's look; check against a baseline divides it by BASE's looks too */
		.look_alpha = seq_look_alpha(&plan),
		.cells = (struct results_cell_stop *)stops,
		.ncells = (long)nstops,
		.argv = argv,
		.argc = argc,
		.machine = sweep_machine(t), /* built at the first call, kept for the rewrites */
		.tune = rec_tune,
		.calibration = rec_calibration,
	};
	sweep_profile_meta(o, &m);
	ret = results_meta_write(o->out, &m, err, errlen);
	free(argv);
	return ret;
}

void sweep_record_close(void)
{
	sweep_record_tune(NULL, NULL);
	sweep_profile_end();
	sweep_machine_free();
	results_points_close();
}
