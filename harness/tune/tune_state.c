/*
 * tune_state: --apply and --restore. --apply writes every old value to the
 * state file before it changes anything, so that a crash halfway leaves
 * what --restore needs; it refuses to replace a state file no --restore
 * has consumed (a second --apply would remember the tuned values as the
 * originals). --restore writes the remembered bytes back exactly, in
 * reverse order, and removes the file once every one is back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tune.h"

#define STATE_FORMAT 1

void tune_state_default(char *buf, size_t len)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (geteuid() == 0) {
		if (tune_path(buf, len, "/var/lib/wirelab/tune.json"))
			snprintf(buf, len, "/var/lib/wirelab/tune.json");
	} else if (x && *x)
		snprintf(buf, len, "%s/wirelab/tune.json", x);
	else
		snprintf(buf, len, "%s/.local/state/wirelab/tune.json", home && *home ? home : ".");
}

static int mkdir_parents(const char *file)
{
	char d[PATH_MAX];

	snprintf(d, sizeof(d), "%s", file);
	for (char *p = d + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(d, 0755) && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	return 0;
}

/* state written atomically (tmp + rename): a torn file would lose the originals */
static int state_write(const char *state, json_t *j, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 16];
	int ret = mkdir_parents(state);

	if (ret) {
		snprintf(err, errlen, "%s: cannot make its folder: %s", state, strerror(-ret));
		return ret;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", state);
	if (json_dump_file(j, tmp, JSON_INDENT(2)) || rename(tmp, state)) {
		ret = errno ? -errno : -EIO;
		snprintf(err, errlen, "%s: cannot write it: %s", state, strerror(-ret));
		unlink(tmp);
		return ret;
	}
	return 0;
}

static void trimmed(const char *s, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%s", s);
	n = strlen(buf);
	while (n && strchr(" \t\n", buf[n - 1]))
		buf[--n] = 0;
}

static const char *write_why(int err, const char *path)
{
	if (err == -EIO && strstr(path, "/proc/irq/"))
		return " (the kernel manages this IRQ: its affinity is fixed)";
	if (err == -EACCES || err == -EPERM)
		return " (needs root)";
	return "";
}

int tune_apply(struct tune_result *r, const char *state, int force)
{
	json_t *j = json_object(), *files = json_array(), *ib = json_null();
	struct tune_setting *ibs = NULL;
	char err[PATH_MAX + 256], when[32], old[TUNE_VAL], why[256];
	int planned = 0, failed = 0, ret = 2;
	time_t now = time(NULL);

	if (!force && !access(state, F_OK)) {
		fprintf(stderr,
			"wirelab tune: %s is there from an earlier --apply that no --restore has undone: "
			"wirelab tune --restore first (or --apply --force, which forgets the values it "
			"remembers)\n",
			state);
		ret = 1;
		goto out;
	}
	for (int i = 0; i < r->n; i++) {
		struct tune_setting *s = &r->s[i];
		if (s->status != TUNE_NOT_OK)
			continue;
		if (!strcmp(s->name, "irqbalance")) {
			ibs = s;
			planned++;
			continue;
		}
		for (int k = 0; k < s->nw; k++) {
			json_t *f = json_object();
			json_object_set_new(f, "setting", json_string(s->name));
			json_object_set_new(f, "path", json_string(s->w[k].path));
			json_object_set_new(f, "old", json_string(s->w[k].old));
			json_object_set_new(f, "new", json_string(s->w[k].new));
			json_array_append_new(files, f);
			planned++;
		}
	}
	if (!planned) {
		printf("nothing to change: every setting that can be set here is as a measurement wants "
		       "it\n");
		ret = 0;
		goto out;
	}
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (ibs) {
		json_decref(ib);
		ib = json_object();
		json_object_set_new(ib, "systemd", json_boolean(ibs->ib_systemd));
		json_object_set_new(ib, "argv", tune_irqbalance_argv(ibs->ib_pid));
	}
	json_object_set_new(j, "wirelab_tune_state", json_integer(STATE_FORMAT));
	json_object_set_new(j, "root", json_string(r->root));
	json_object_set_new(j, "when", json_string(when));
	json_object_set(j, "files", files);
	json_object_set(j, "irqbalance", ib);
	if (state_write(state, j, err, sizeof(err))) {
		fprintf(stderr, "wirelab tune: %s; nothing changed\n", err);
		goto out;
	}
	/* irqbalance first, or it may move an IRQ back as soon as it is set */
	if (ibs && tune_irqbalance_stop(ibs, why, sizeof(why))) {
		printf("could not change: irqbalance: %s\n", why);
		json_object_set_new(j, "irqbalance", json_null());
		failed++;
	} else if (ibs)
		printf("changed: irqbalance stopped (%s)\n", ibs->ib_systemd ? "systemctl stop" : "its pid");
	for (size_t i = json_array_size(files); i-- > 0;) {
		json_t *f = json_array_get(files, i);
		const char *path = json_string_value(json_object_get(f, "path"));
		const char *new = json_string_value(json_object_get(f, "new"));
		int e = tune_write_file(path, new);
		trimmed(json_string_value(json_object_get(f, "old")), old, sizeof(old));
		if (e) {
			printf("could not change: %s: %s: %s%s\n",
			       json_string_value(json_object_get(f, "setting")), path, strerror(-e),
			       write_why(e, path));
			json_array_remove(files, i); /* nothing to put back */
			failed++;
		} else
			printf("changed: %s: %s: %s -> %s\n",
			       json_string_value(json_object_get(f, "setting")), path, old, new);
	}
	if (!json_array_size(files) && json_is_null(json_object_get(j, "irqbalance"))) {
		unlink(state);
		printf("nothing changed, so no state kept\n");
		ret = 1;
		goto out;
	}
	if (state_write(state, j, err, sizeof(err))) {
		/* the first state file holds these and more: --restore puts back
		 * the failed ones' values too, which is harmless */
		fprintf(stderr, "wirelab tune: %s (the first one written stays)\n", err);
	}
	printf("old values in %s (wirelab tune --restore puts them back)\n", state);
	ret = failed ? 1 : 0;
out:
	json_decref(j);
	json_decref(files);
	json_decref(ib);
	return ret;
}

int tune_restore(const char *state)
{
	json_error_t je;
	json_t *j, *files, *ib;
	char err[PATH_MAX + 256], old[TUNE_VAL], why[256];
	int failed = 0;

	if (access(state, F_OK)) {
		fprintf(stderr,
			"wirelab tune: no state file %s: nothing to restore (wirelab tune --apply writes "
			"it)\n",
			state);
		return 1;
	}
	j = json_load_file(state, 0, &je);
	files = json_object_get(j, "files");
	ib = json_object_get(j, "irqbalance");
	if (!j || json_integer_value(json_object_get(j, "wirelab_tune_state")) != STATE_FORMAT ||
	    !json_is_array(files)) {
		fprintf(stderr, "wirelab tune: %s: not a wirelab tune state file (format %d)%s%s\n", state,
			STATE_FORMAT, j ? "" : ": ", j ? "" : je.text);
		json_decref(j);
		return 2;
	}
	/* --apply went from the last entry to the first, so this order
	 * undoes the last change first */
	for (size_t i = 0; i < json_array_size(files);) {
		json_t *f = json_array_get(files, i);
		const char *path = json_string_value(json_object_get(f, "path"));
		const char *o = json_string_value(json_object_get(f, "old"));
		int e = path && o ? tune_write_file(path, o) : -EINVAL;
		trimmed(o ? o : "", old, sizeof(old));
		if (e) {
			printf("could not restore: %s: %s%s\n", path ? path : "(no path)", strerror(-e),
			       write_why(e, path ? path : ""));
			failed++;
			i++;
			continue;
		}
		printf("restored: %s: %s: %s\n", json_string_value(json_object_get(f, "setting")), path, old);
		json_array_remove(files, i);
	}
	if (json_is_object(ib)) {
		if (tune_irqbalance_start(json_is_true(json_object_get(ib, "systemd")),
					  json_object_get(ib, "argv"), why, sizeof(why))) {
			printf("could not restore: irqbalance: %s\n", why);
			failed++;
		} else {
			printf("restored: irqbalance started again\n");
			json_object_set_new(j, "irqbalance", json_null());
		}
	}
	if (failed) {
		if (state_write(state, j, err, sizeof(err)))
			fprintf(stderr, "wirelab tune: %s\n", err);
		printf("%d value(s) not restored; they stay in %s\n", failed, state);
	} else if (unlink(state))
		fprintf(stderr, "wirelab tune: %s: cannot remove it: %s\n", state, strerror(errno));
	else
		printf("every value restored; %s removed\n", state);
	json_decref(j);
	return failed ? 1 : 0;
}
