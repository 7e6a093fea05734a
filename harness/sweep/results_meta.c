/*
 * results_meta: run.json, how a run was made: when, host, kernel, CPU
 * model, cores, git commit, topology and its settings, where the CPU
 * figures came from, and every option (argv too, which --resume reuses).
 * Written at the start and again at the end (with "finished"), each time
 * to a temporary file renamed over the old one, so a full disk leaves the
 * previous run.json whole. "results_format" (RUNS_FORMAT) says which layout
 * the folder's files have; --resume refuses another.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "runs.h"
#include "sweep_results.h"

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

static json_t *json_ints(const long *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

int results_run_json(const struct sweep_opts *o, const struct topo *t, const char *run_id,
		     const char *cpu_source, const char *probe_note, const char *finished, char *err,
		     size_t errlen)
{
	static char when[32];
	char path[PATH_MAX + 16], tmp[PATH_MAX + 24], commit[128], dirty[8], model[256], cmd[PATH_MAX + 128],
		wrkv[128];
	struct utsname u;
	json_t *j = json_object(), *opts = json_object(), *argv = json_array(), *vs = json_array();
	long conns[SWEEP_MAX_CONNS];
	int ret;

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
	for (int i = 0; i < o->argc; i++) {
		if (!strcmp(o->argv[i], "--resume")) {
			i++; /* the run's own options, not how it was resumed */
			continue;
		}
		json_array_append_new(argv, json_string(o->argv[i]));
	}
	for (int i = 0; i < o->nvariants; i++)
		json_array_append_new(vs, json_string(o->variants[i].name));
	for (int i = 0; i < o->nconns; i++)
		conns[i] = o->conns[i];
	json_object_set_new(opts, "variants", vs);
	json_object_set_new(opts, "sizes", json_ints(o->sizes, o->nsizes));
	json_object_set_new(opts, "conns", json_ints(conns, o->nconns));
	json_object_set_new(opts, "threads", json_integer(o->threads));
	json_object_set_new(opts, "duration_s", json_integer(o->duration));
	json_object_set_new(opts, "warmup_s", json_real(o->warmup));
	json_object_set_new(opts, "reps", json_integer(o->reps));
	json_object_set_new(opts, "connection_close", json_boolean(o->conn_close));
	json_object_set_new(opts, "topology", json_string(topo_names[o->topology]));
	json_object_set_new(opts, "link_rate", o->link_rate[0] ? json_string(o->link_rate) : json_null());
	json_object_set_new(opts, "mtu", o->mtu ? json_integer(o->mtu) : json_null());
	json_object_set_new(opts, "offloads",
			    o->offloads < 0 ? json_null() : json_string(o->offloads ? "on" : "off"));
	json_t *hosts = json_array();
	for (int i = 0; i < o->nclient_hosts; i++)
		json_array_append_new(hosts, json_string(o->client_hosts[i]));
	json_object_set_new(opts, "client_hosts", hosts);
	json_object_set_new(opts, "server_addr",
			    o->server_addr[0] ? json_string(o->server_addr) : json_null());
	json_object_set_new(opts, "server_cpus", json_string(o->server_cpus));
	json_object_set_new(opts, "client_cpus", json_string(o->client_cpus));
	json_object_set_new(opts, "peers", json_integer(o->npeers));
	json_object_set_new(opts, "no_probes", json_boolean(o->no_probes));
	/* a server option changes what a variant's rows mean: check compares it */
	json_object_set_new(opts, "sqpoll", json_boolean(o->sqpoll));
	json_object_set_new(opts, "out", json_string(o->out));
	json_object_set_new(opts, "build", json_string(o->build));

	json_object_set_new(j, "results_format", json_integer(RUNS_FORMAT));
	json_object_set_new(j, "run_id", json_string(run_id));
	json_object_set_new(j, "when", json_string(when));
	json_object_set_new(j, "finished", finished ? json_string(finished) : json_null());
	json_object_set_new(j, "host", json_string(u.nodename));
	json_object_set_new(j, "kernel", json_string(u.release));
	json_object_set_new(j, "cpu_model", json_string(model));
	json_object_set_new(j, "cores", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(j, "git_commit", commit[0] ? json_string(commit) : json_null());
	json_object_set_new(j, "git_dirty", json_boolean(dirty[0] != 0));
	json_object_set_new(j, "wrk", json_string(wrkv));
	json_object_set_new(j, "topology", json_string(topo_names[t->kind]));
	json_object_set_new(j, "topology_settings", json_string(t->settings));
	json_object_set_new(j, "cpu_source", json_string(cpu_source));
	json_object_set_new(j, "probes", json_string(probe_note));
	json_object_set_new(j, "client_bound_rule",
			    json_string("status client-bound when wrk's CPU time is >= 90% of the cores its "
					"threads could use"));
	json_object_set_new(j, "options", opts);
	json_object_set_new(j, "argv", argv);
	snprintf(path, sizeof(path), "%s/run.json", o->out);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* a text file ends in a newline (the vm topology copies it line by line) */
	char *text = json_dumps(j, JSON_INDENT(2));
	FILE *f = NULL;
	ret = -ENOMEM;
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

int results_saved_format(const char *dir)
{
	char path[PATH_MAX + 16];
	json_t *j, *v;
	int fmt;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	j = json_load_file(path, 0, NULL);
	if (!j)
		return -EINVAL;
	v = json_object_get(j, "results_format");
	fmt = json_is_integer(v) ? (int)json_integer_value(v) : 0;
	json_decref(j);
	return fmt;
}

int results_saved_argv(const char *dir, char ***argv, int *argc, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	json_error_t je;
	json_t *j, *a;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	j = json_load_file(path, 0, &je);
	a = json_object_get(j, "argv");
	if (!json_is_array(a)) {
		snprintf(err, errlen, "--resume %s: no run.json with the run's options (%s)", dir,
			 j ? "no argv" : je.text);
		json_decref(j);
		return -EINVAL;
	}
	/* another version's options may not even parse here: the format first */
	json_t *fmt = json_object_get(j, "results_format");
	if (fmt && (!json_is_integer(fmt) || json_integer_value(fmt) != RUNS_FORMAT)) {
		snprintf(err, errlen,
			 "--resume %s: the run is in results format %lld, this wirelab writes format %d; not "
			 "resuming into it, rows of two formats would mix: finish it with the wirelab that "
			 "wrote it, or sweep into a new --out",
			 dir, json_is_integer(fmt) ? (long long)json_integer_value(fmt) : -1LL, RUNS_FORMAT);
		json_decref(j);
		return -EINVAL;
	}
	*argc = (int)json_array_size(a);
	*argv = calloc(*argc + 1, sizeof(char *));
	for (int i = 0; *argv && i < *argc; i++)
		(*argv)[i] = strdup(json_string_value(json_array_get(a, i)) ?: "");
	json_decref(j);
	return *argv ? 0 : -ENOMEM;
}
