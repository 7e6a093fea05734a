/*
 * tune_check: every setting's check in one table, what `wirelab tune
 * --check` prints and what `wirelab sweep` records in run.json's `tune`.
 */
#include <errno.h>
#include <string.h>

#include "tune.h"

const char *const tune_status_names[] = {"ok", "not ok", "cannot change here", "reported"};

int tune_check(const char *server_cpus, struct tune_result *r, char *err, size_t errlen)
{
	unsigned char server[TUNE_MAX_CPUS];

	memset(r, 0, sizeof(*r));
	if (tune_cpus_parse(server_cpus, server) || !memchr(server, 1, sizeof(server))) {
		snprintf(err, errlen, "--server-cpus '%s': expected a CPU list such as 0 or 0-1,4",
			 server_cpus);
		return -EINVAL;
	}
	snprintf(r->root, sizeof(r->root), "%s", tune_root());
	tune_cpus_format(server, r->server_cpus, sizeof(r->server_cpus));
	tune_check_governor(&r->s[r->n++]);
	tune_check_turbo(&r->s[r->n++]);
	tune_check_irqs(&r->s[r->n++], server);
	tune_check_irqbalance(&r->s[r->n++]);
	tune_check_smt(&r->s[r->n++]);
	return 0;
}

int tune_all_ok(const struct tune_result *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->s[i].status == TUNE_NOT_OK)
			return 0;
	return 1;
}

json_t *tune_json(const struct tune_result *r)
{
	json_t *o = json_object(), *a = json_array();

	if (!o || !a) {
		json_decref(o);
		json_decref(a);
		return NULL;
	}
	json_object_set_new(o, "root", json_string(r->root));
	json_object_set_new(o, "server_cpus", json_string(r->server_cpus));
	json_object_set_new(o, "all_ok", json_boolean(tune_all_ok(r)));
	for (int i = 0; i < r->n; i++) {
		const struct tune_setting *s = &r->s[i];
		json_t *x = json_object();
		json_object_set_new(x, "name", json_string(s->name));
		json_object_set_new(x, "value", json_string(s->value));
		json_object_set_new(x, "want", json_string(s->want));
		json_object_set_new(x, "status", json_string(tune_status_names[s->status]));
		json_object_set_new(x, "why", s->why[0] ? json_string(s->why) : json_null());
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "settings", a);
	return o;
}

void tune_print(FILE *f, const struct tune_result *r)
{
	if (strcmp(r->root, "/"))
		fprintf(f, "root %s (WIRELAB_TUNE_ROOT)\n", r->root);
	fprintf(f, "server CPUs %s\n", r->server_cpus);
	for (int i = 0; i < r->n; i++) {
		const struct tune_setting *s = &r->s[i];
		fprintf(f, "%-10s %s: %s (wanted: %s)", s->name, tune_status_names[s->status], s->value,
			s->want);
		if (s->why[0])
			fprintf(f, "; %s", s->why);
		fputc('\n', f);
	}
}
