/*
 * results_meta: run.json's keys in one table, and the writer and reader
 * that walk it (see results_meta.h).
 */
#include "results_meta.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results_cols.h"

enum meta_type {
	MT_INT,	  /* long */
	MT_INT0,  /* long, 0 is null */
	MT_BOOL,  /* int */
	MT_REAL,  /* double */
	MT_STR,	  /* const char *, always a string (NULL: "") */
	MT_STRN,  /* const char *, NULL is null */
	MT_STRS,  /* const char **, its count a long at off_n */
	MT_INTS,  /* long *, its count a long at off_n */
	MT_STOPS, /* struct results_cell_stop *, its count a long at off_n */
	MT_JSON,  /* json_t *, an object its module builds and reads; NULL is null */
};

static const char *const type_names[] = {"integer", "integer or null", "boolean", "number",
					 "string",  "string or null",  "strings", "integers",
					 "objects", "object or null"};

#define M(f) offsetof(struct results_meta, f)
#define O(f) offsetof(struct results_meta, options.f)

/* In the order they are written; "options.x" is x in the "options" object. */
static const struct meta_key {
	const char *key;
	enum meta_type type;
	size_t off, off_n;
	const char *meaning;
} keys[] = {
	{"results_format", MT_INT, M(results_format), 0,
	 "the layout of the folder's files; --resume, check, pick, plot and report refuse another"},
	{"run_id", MT_STR, M(run_id), 0,
	 "the run's name: the last part of --out, or <time>-<topology>-<pid>"},
	{"when", MT_STR, M(when), 0, "when the sweep started (UTC)"},
	{"finished", MT_STRN, M(finished), 0, "when it ended; null while it runs or once interrupted"},
	{"host", MT_STR, M(host), 0, "the host's name (uname -n)"},
	{"kernel", MT_STR, M(kernel), 0, "the kernel release (uname -r)"},
	{"cpu_model", MT_STR, M(cpu_model), 0, "the CPU's model name (/proc/cpuinfo)"},
	{"cores", MT_INT, M(cores), 0, "online CPUs"},
	{"git_commit", MT_STRN, M(git_commit), 0,
	 "the commit the build folder's tree is at; null outside git"},
	{"git_dirty", MT_BOOL, M(git_dirty), 0, "the tree had uncommitted changes to tracked files"},
	{"wrk", MT_STR, M(wrk), 0, "wrk's version"},
	{"load_version", MT_STRN, M(load_version), 0,
	 "wirelab-load's --version (--load closed or open); null with wrk"},
	{"topology", MT_STR, M(topology), 0, "loopback, netns, ssh or vm"},
	{"topology_settings", MT_STR, M(topology_settings), 0,
	 "the topology as set up: namespaces, addresses, MTU, offloads, link rate; or the ssh hosts"},
	{"cpu_source", MT_STR, M(cpu_source), 0,
	 "where cpu_us_per_req came from: probe (BPF), schedstat (--probe-window separate) or proc"},
	{"probes", MT_STR, M(probes), 0, "whether the probes ran, or why not"},
	{"client_bound_rule", MT_STR, M(client_bound_rule), 0, "when a row's status is client-bound"},
	{"rate_rule", MT_STRN, M(rate_rule), 0,
	 "open mode: when a row's status is rate-missed; null in closed loop"},
	{"options.variants", MT_STRS, O(variants), O(nvariants), "the variants swept, the peers last"},
	{"options.sizes", MT_INTS, O(sizes), O(nsizes), "--sizes, bytes"},
	{"options.conns", MT_INTS, O(conns), O(nconns), "--conns"},
	{"options.threads", MT_INT, O(threads), 0, "--threads"},
	{"options.duration_s", MT_INT, O(duration_s), 0, "--duration, seconds"},
	{"options.warmup_s", MT_REAL, O(warmup_s), 0, "--warmup, seconds"},
	{"options.reps", MT_INT, O(reps), 0, "--reps MIN (or N): the repetitions every point gets"},
	{"options.reps_max", MT_INT, O(reps_max), 0,
	 "--reps ..MAX: a cell whose decision is open gets more repetitions, up to MAX (docs/statistics.md)"},
	{"options.connection_close", MT_BOOL, O(connection_close), 0, "--connection-close"},
	{"options.load", MT_STR, O(load), 0, "--load: wrk, closed or open (a run without it: wrk)"},
	{"options.rates", MT_STRS, O(rates), O(nrates), "--rates, as given: 20000, 50%"},
	{"options.workloads", MT_STRS, O(workloads), O(nworkloads), "--workload files, each"},
	{"options.topology", MT_STR, O(topology), 0, "--topology"},
	{"options.link_rate", MT_STRN, O(link_rate), 0, "--link-rate"},
	{"options.mtu", MT_INT0, O(mtu), 0, "--mtu"},
	{"options.offloads", MT_STRN, O(offloads), 0, "--offloads (on or off)"},
	{"options.client_hosts", MT_STRS, O(client_hosts), O(nclient_hosts), "--client-host, each"},
	{"options.server_addr", MT_STRN, O(server_addr), 0, "--server-addr"},
	{"options.server_cpus", MT_STR, O(server_cpus), 0, "--server-cpus"},
	{"options.client_cpus", MT_STR, O(client_cpus), 0, "--client-cpus"},
	{"options.peers", MT_INT, O(peers), 0, "how many of the variants are peers"},
	{"options.no_probes", MT_BOOL, O(no_probes), 0, "--no-probes"},
	{"options.sqpoll", MT_BOOL, O(sqpoll), 0,
	 "--sqpoll: a server option, so check warns when two runs differ in it"},
	{"options.out", MT_STR, O(out), 0, "--out"},
	{"options.build", MT_STR, O(build), 0, "--build"},
	{"options.profile", MT_BOOL, O(profile), 0, "--profile: CPU profiles of every window (profiles.csv)"},
	{"options.profile_hz", MT_INT0, O(profile_hz), 0, "--profile-hz; null without --profile"},
	{"profile.status", MT_STRN, M(profile.status), 0,
	 "on, off, or unavailable: why (the windows after it have no profile)"},
	{"profile.event", MT_STRN, M(profile.event), 0,
	 "what the samples counted: cycles (a PMU) or cpu-clock (a timer); null before a window"},
	{"profile.vm_detected", MT_BOOL, M(profile.vm_detected), 0,
	 "the profiles were taken in a virtual machine: read docs/profile.md on what samples miss there"},
	{"profile.vm", MT_STRN, M(profile.vm), 0, "the evidence of a virtual machine; null when none"},
	{"profile.irq_reattribution", MT_BOOL, M(profile.irq_reattribution), 0,
	 "samples at interrupt-enable points were given to their callers (timer sampling or a VM)"},
	{"profile.overhead", MT_STRN, M(profile.overhead), 0,
	 "what profiling cost the server, as measured (it is in cpu_us_per_req), and what that leaves out"},
	{"options.baseline", MT_STRN, O(baseline), 0,
	 "--baseline RUN: open cells are those whose check against RUN is open; null: pick among a cell's "
	 "variants"},
	{"options.decide", MT_STRS, O(decide), O(ndecide),
	 "--decide: the metrics a cell's decision is read on"},
	{"options.margin", MT_REAL, O(margin), 0, "--margin: equivalent within this fraction"},
	{"options.min_effect", MT_REAL, O(min_effect), 0,
	 "--min-effect: better only by at least this fraction"},
	{"options.probe_window", MT_STRN, O(probe_window), 0,
	 "--probe-window: same (probes attached during the timing window) or separate (counts from a "
	 "short window right after it); null: same"},
	{"look_alpha", MT_REAL, M(look_alpha), 0,
	 "the two-sided alpha of each look at a cell's decision: 0.05 / (MAX - MIN + 1)"},
	{"cells", MT_STOPS, M(cells), M(ncells),
	 "per cell: size, workload (a mix's name, or empty), conns, rate (open mode's, or empty), variant "
	 "(null: all of the cell's, as pick compares them), reps, stopped (decided, max, nothing to "
	 "compare, interrupted) and verdicts"},
	{"options.requests", MT_INT0, O(requests), 0,
	 "--requests N: each point's window is N requests in all (not --duration); null: timed windows"},
	{"machine", MT_JSON, M(machine), 0,
	 "what the machine was: NICs, IRQs, CPU frequency, SMT, kernel command line, sysctls, virtual "
	 "machine (docs/machine.md); a value it has not is \"not available\""},
	{"tune", MT_JSON, M(tune), 0,
	 "wirelab tune --check's findings before the sweep: each setting, its value and whether it is "
	 "as a measurement wants it (docs/tune.md)"},
	{"calibration", MT_JSON, M(calibration), 0,
	 "the calibration loop before the sweep: the machine's own noise (docs/tune.md)"},
	{"argv", MT_STRS, M(argv), M(argc), "the options as given, \"sweep\" first, which --resume reuses"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

#define AT(m, off, type) ((type *)((char *)(m) + (off)))

/* The object a key lives in (created when make is set) and its last name. */
static json_t *parent_of(json_t *j, const char *key, const char **name, int make)
{
	const char *dot = strchr(key, '.');
	char sub[64];
	json_t *o;

	*name = key;
	if (!dot)
		return j;
	snprintf(sub, sizeof(sub), "%.*s", (int)(dot - key), key);
	*name = dot + 1;
	o = json_object_get(j, sub);
	if (!o && make) {
		o = json_object();
		json_object_set_new(j, sub, o);
	}
	return json_is_object(o) ? o : NULL;
}

static json_t *to_json(const struct meta_key *k, const struct results_meta *m)
{
	const char *s;
	json_t *a;

	switch (k->type) {
	case MT_INT:
		return json_integer(*AT(m, k->off, const long));
	case MT_INT0:
		return *AT(m, k->off, const long) ? json_integer(*AT(m, k->off, const long)) : json_null();
	case MT_BOOL:
		return json_boolean(*AT(m, k->off, const int));
	case MT_REAL:
		return json_real(*AT(m, k->off, const double));
	case MT_STR:
		s = *AT(m, k->off, const char *const);
		return json_string(s ? s : "");
	case MT_STRN:
		s = *AT(m, k->off, const char *const);
		return s ? json_string(s) : json_null();
	case MT_STRS:
		a = json_array();
		for (long i = 0; i < *AT(m, k->off_n, const long); i++)
			json_array_append_new(a, json_string((*AT(m, k->off, const char **const))[i]));
		return a;
	case MT_INTS:
		a = json_array();
		for (long i = 0; i < *AT(m, k->off_n, const long); i++)
			json_array_append_new(a, json_integer((*AT(m, k->off, long *const))[i]));
		return a;
	case MT_STOPS:
		a = json_array();
		for (long i = 0; i < *AT(m, k->off_n, const long); i++) {
			const struct results_cell_stop *c =
				&(*AT(m, k->off, struct results_cell_stop *const))[i];
			json_array_append_new(
				a, json_pack("{s:I,s:s,s:I,s:s,s:s?,s:I,s:s,s:s}", "size",
					     (json_int_t)c->size, "workload", c->workload ? c->workload : "",
					     "conns", (json_int_t)c->conns, "rate", c->rate ? c->rate : "",
					     "variant", c->variant, "reps", (json_int_t)c->reps, "stopped",
					     c->stopped ? c->stopped : "", "verdicts",
					     c->verdicts ? c->verdicts : ""));
		}
		return a;
	case MT_JSON:
		a = *AT(m, k->off, json_t *const);
		return a ? json_deep_copy(a) : json_null();
	}
	return json_null();
}

int results_meta_write(const char *dir, const struct results_meta *m, char *err, size_t errlen)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 24], *text = NULL;
	json_t *j = json_object();
	FILE *f = NULL;
	int ret = -ENOMEM;

	for (size_t i = 0; j && i < NKEYS; i++) {
		const char *name;
		json_t *o = parent_of(j, keys[i].key, &name, 1);
		if (o)
			json_object_set_new(o, name, to_json(&keys[i], m));
	}
	snprintf(path, sizeof(path), "%s/run.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* a text file ends in a newline (the vm topology copies it line by line) */
	text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	if (!text)
		goto cleanup;
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s\n", text) < 0 || fflush(f) || fsync(fileno(f))) {
		ret = errno ? -errno : -EIO;
		goto cleanup;
	}
	ret = fclose(f) ? -errno : 0;
	f = NULL;
	if (!ret && rename(tmp, path))
		ret = -errno;
cleanup:
	if (f)
		fclose(f);
	if (ret) {
		unlink(tmp);
		snprintf(err, errlen, "writing %s: %s", path, strerror(-ret));
	}
	free(text);
	json_decref(j);
	return ret;
}

static int from_json(const struct meta_key *k, json_t *v, struct results_meta *m)
{
	size_t i, n = json_array_size(v);
	json_t *x;

	switch (k->type) {
	case MT_INT:
	case MT_INT0:
		if (json_is_integer(v))
			*AT(m, k->off, long) = (long)json_integer_value(v);
		break;
	case MT_BOOL:
		if (json_is_boolean(v))
			*AT(m, k->off, int) = json_is_true(v);
		break;
	case MT_REAL:
		if (json_is_number(v))
			*AT(m, k->off, double) = json_number_value(v);
		break;
	case MT_STR:
	case MT_STRN:
		if (json_is_string(v))
			*AT(m, k->off, const char *) = json_string_value(v);
		break;
	case MT_JSON:
		/* borrowed from the JSON read, as strings are */
		if (json_is_object(v))
			*AT(m, k->off, json_t *) = v;
		break;
	case MT_STOPS:
		if (!json_is_array(v))
			break;
		{
			struct results_cell_stop *a = calloc(n + 1, sizeof(*a));
			if (!a)
				return -ENOMEM;
			json_array_foreach(v, i, x)
			{
				const char *w = json_string_value(json_object_get(x, "workload")),
					   *r = json_string_value(json_object_get(x, "rate"));
				a[i] = (struct results_cell_stop){
					.size = (long)json_integer_value(json_object_get(x, "size")),
					.conns = (long)json_integer_value(json_object_get(x, "conns")),
					.workload = w ? w : "",
					.rate = r ? r : "",
					.variant = json_string_value(json_object_get(x, "variant")),
					.reps = (long)json_integer_value(json_object_get(x, "reps")),
					.stopped = json_string_value(json_object_get(x, "stopped")),
					.verdicts = json_string_value(json_object_get(x, "verdicts")),
				};
			}
			*AT(m, k->off, struct results_cell_stop *) = a;
			*AT(m, k->off_n, long) = (long)n;
		}
		break;
	case MT_STRS:
	case MT_INTS:
		if (!json_is_array(v))
			break;
		if (k->type == MT_STRS) {
			const char **a = calloc(n + 1, sizeof(*a));
			if (!a)
				return -ENOMEM;
			json_array_foreach(v, i, x)
			{
				a[i] = json_is_string(x) ? json_string_value(x) : "";
			}
			*AT(m, k->off, const char **) = a;
		} else {
			long *a = calloc(n + 1, sizeof(*a));
			if (!a)
				return -ENOMEM;
			json_array_foreach(v, i, x)
			{
				a[i] = (long)json_integer_value(x);
			}
			*AT(m, k->off, long *) = a;
		}
		*AT(m, k->off_n, long) = (long)n;
		break;
	}
	return 0;
}

int results_meta_read(json_t *j, struct results_meta *m)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const char *name;
		json_t *o = parent_of(j, keys[i].key, &name, 0), *v = json_object_get(o, name);
		if (v && from_json(&keys[i], v, m)) {
			results_meta_free(m);
			return -ENOMEM;
		}
	}
	/* a results_format that is not a number is no format this reads */
	if (json_object_get(j, "results_format") && !json_is_integer(json_object_get(j, "results_format")))
		m->results_format = -1;
	return 0;
}

void results_meta_free(struct results_meta *m)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].type == MT_STRS || keys[i].type == MT_INTS || keys[i].type == MT_STOPS) {
			free(*AT(m, keys[i].off, void *));
			*AT(m, keys[i].off, void *) = NULL;
			*AT(m, keys[i].off_n, long) = 0;
		}
}

json_t *results_meta_load(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	json_error_t je;
	json_t *j;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	j = json_load_file(path, 0, &je);
	if (!j)
		snprintf(err, errlen, "%s: %s (line %d, column %d)", path, je.text, je.line, je.column);
	else if (!json_is_object(j)) {
		snprintf(err, errlen, "%s: not a JSON object", path);
		json_decref(j);
		j = NULL;
	}
	return j;
}

int results_saved_format(const char *dir)
{
	struct results_meta m = {0};
	char err[PATH_MAX + 64];
	json_t *j = results_meta_load(dir, err, sizeof(err));

	if (!j)
		return -EINVAL;
	if (results_meta_read(j, &m)) {
		json_decref(j);
		return -ENOMEM;
	}
	results_meta_free(&m);
	json_decref(j);
	return m.results_format > 0 ? (int)m.results_format : 0;
}

int results_saved_argv(const char *dir, char ***argv, int *argc, char *err, size_t errlen)
{
	struct results_meta m = {0};
	json_t *j = results_meta_load(dir, err, errlen);
	int ret = -EINVAL;

	*argv = NULL;
	if (j && (ret = results_meta_read(j, &m)))
		goto cleanup;
	if (!j || !m.argv) {
		char why[256];
		snprintf(why, sizeof(why), "%s", j ? "no argv" : err);
		snprintf(err, errlen, "--resume %s: no run.json with the run's options (%s)", dir, why);
		ret = -EINVAL;
		goto cleanup;
	}
	/* another version's options may not even parse here: the format first */
	if (m.results_format && m.results_format != RUNS_FORMAT) {
		snprintf(err, errlen,
			 "--resume %s: the run is in results format %ld, this wirelab writes format %d; not "
			 "resuming into it, rows of two formats would mix: finish it with the wirelab that "
			 "wrote it, or sweep into a new --out",
			 dir, m.results_format, RUNS_FORMAT);
		ret = -EINVAL;
		goto cleanup;
	}
	*argc = (int)m.argc;
	*argv = calloc(*argc + 1, sizeof(char *));
	ret = *argv ? 0 : -ENOMEM;
	for (int i = 0; *argv && i < *argc; i++)
		if (!((*argv)[i] = strdup(m.argv[i])))
			ret = -ENOMEM;
cleanup:
	results_meta_free(&m);
	json_decref(j);
	return ret;
}

void results_meta_markdown(FILE *f)
{
	fprintf(f, "| key | type | meaning |\n| --- | --- | --- |\n");
	for (size_t i = 0; i < NKEYS; i++)
		fprintf(f, "| `%s` | %s | %s |\n", keys[i].key, type_names[keys[i].type], keys[i].meaning);
}
