/*
 * recipe_file: finding, reading and checking recipes/<name>.json, and
 * turning one into the sweep's options. The keys are checked against the
 * table below, so a misspelt key is named rather than ignored: a recipe
 * that silently lost its "quick" would run for hours.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recipe.h"
#include "recipe_file.h"
#include "sweep_opts.h"

enum rk_type { RK_INT, RK_STR, RK_OBJ, RK_ARR };
static const char *const rk_type_names[] = {"an integer", "a string", "an object", "an array"};

struct recipe_key {
	const char *name;
	enum rk_type type;
	int required;
	/* an object's own keys (NULL: checked elsewhere: sweep, quick) */
	const char *const *keys;
};

static const char *const source_keys[] = {"title", "author", "url", "date", "where", NULL};
static const char *const claim_keys[] = {"text", "figures", NULL};
static const char *const setup_keys[] = {"hardware", "cpu", "cores",  "nic",	"link",	 "kernel",
					 "os",	     "vm",  "server", "client", "notes", NULL};

static const struct recipe_key recipe_keys[] = {
	{"recipe_format", RK_INT, 1, NULL}, {"name", RK_STR, 1, NULL},
	{"title", RK_STR, 1, NULL},	    {"source", RK_OBJ, 1, source_keys},
	{"claim", RK_OBJ, 1, claim_keys},   {"source_setup", RK_OBJ, 1, setup_keys},
	{"sweep", RK_OBJ, 1, NULL},	    {"quick", RK_OBJ, 1, NULL},
	{"plots", RK_ARR, 0, NULL},	    {"measure", RK_ARR, 1, NULL},
	{"sweeps", RK_ARR, 0, NULL},	    {"notes", RK_ARR, 0, NULL},
	{"machine_keys", RK_ARR, 0, NULL},  {NULL, 0, 0, NULL},
};

int recipe_dir(char *buf, size_t len)
{
	char self[PATH_MAX], up[PATH_MAX + 16];
	int ret = sweep_self_dir(self, sizeof(self));

	if (ret)
		return ret;
	snprintf(up, sizeof(up), "%s/..", self);
	/* the tree's folder, without the "build/.." a person would not write */
	if (!realpath(up, self))
		return -errno;
	if (snprintf(buf, len, "%s/recipes", self) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void recipe_names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int recipe_names(char ***names, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	struct dirent *e;
	char **v = NULL;
	int n = 0, ret;
	DIR *d;

	*names = NULL;
	if ((ret = recipe_dir(dir, sizeof(dir)))) {
		snprintf(err, errlen, "cannot find the recipes folder: %s", strerror(-ret));
		return ret;
	}
	if (!(d = opendir(dir))) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return ret;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char **nv;
		if (e->d_name[0] == '.' || l <= 5 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		if (!(nv = realloc(v, (n + 1) * sizeof(*v))) || !(nv[n] = strndup(e->d_name, l - 5))) {
			if (nv)
				v = nv;
			recipe_names_free(v, n);
			closedir(d);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		v = nv;
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	return n;
}

int recipe_path(const char *name, char *path, size_t len, char *err, size_t errlen)
{
	char dir[PATH_MAX], **names;
	int n, ret;
	size_t used;

	if (strchr(name, '/')) {
		if (snprintf(path, len, "%s", name) >= (int)len)
			return -ENAMETOOLONG;
		return 0;
	}
	if ((ret = recipe_dir(dir, sizeof(dir))))
		return ret;
	if (snprintf(path, len, "%s/%s.json", dir, name) >= (int)len)
		return -ENAMETOOLONG;
	if (!access(path, R_OK) && *name && !strchr(name, '.'))
		return 0;
	n = recipe_names(&names, err, errlen);
	used = snprintf(err, errlen, "unknown recipe '%s' (known: ", name);
	for (int i = 0; i < n && used < errlen; i++)
		used += snprintf(err + used, errlen - used, "%s%s", i ? ", " : "", names[i]);
	if (used < errlen)
		snprintf(err + used, errlen - used, "%s; --file PATH for one elsewhere)",
			 n > 0 ? "" : "none");
	recipe_names_free(names, n > 0 ? n : 0);
	return -ENOENT;
}

/* a sweep or quick value: a string, a number, true/false, an array of
 * strings and numbers (a list: "1k,64k"), and in quick, null (remove) */
static int check_option(const char *where, const char *key, json_t *v, int allow_null, char *err,
			size_t errlen)
{
	json_t *x;
	size_t i;

	if (!*key || !strncmp(key, "-", 1) || strchr(key, '=')) {
		snprintf(err, errlen, "%s: key '%s': a sweep option's name without the leading --", where,
			 key);
		return -EINVAL;
	}
	if (json_is_string(v) || json_is_number(v) || json_is_boolean(v) || (allow_null && json_is_null(v)))
		return 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) if (!json_is_string(x) && !json_is_number(x)) goto bad;
		return 0;
	}
bad:
	snprintf(err, errlen,
		 "%s: key '%s' must be a string, a number, true, or an array of strings and numbers%s", where,
		 key, allow_null ? " (null: leave the full recipe's option out)" : "");
	return -EINVAL;
}

static int check_keys(const char *where, json_t *o, const char *const *keys, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v)
	{
		int known = 0;
		size_t used;
		for (int i = 0; keys[i]; i++)
			known |= !strcmp(key, keys[i]);
		if (known) {
			if (!json_is_string(v) && !(json_is_array(v) && !strcmp(key, "figures")) &&
			    !(json_is_integer(v) && !strcmp(key, "cores"))) {
				snprintf(err, errlen, "%s: key '%s' must be %s", where, key,
					 !strcmp(key, "figures") ? "an array of strings" : "a string");
				return -EINVAL;
			}
			continue;
		}
		used = snprintf(err, errlen, "%s: unknown key '%s' (expected ", where, key);
		for (int i = 0; keys[i] && used < errlen; i++)
			used += snprintf(err + used, errlen - used, "%s%s", i ? ", " : "", keys[i]);
		if (used < errlen)
			snprintf(err + used, errlen - used, ")");
		return -EINVAL;
	}
	return 0;
}

static int check_recipe(json_t *r, char *err, size_t errlen)
{
	const char *key;
	json_t *v, *x;
	size_t i;
	int ret;

	if (!json_is_object(r)) {
		snprintf(err, errlen, "a recipe is a JSON object");
		return -EINVAL;
	}
	json_object_foreach(r, key, v)
	{
		const struct recipe_key *k = recipe_keys;
		while (k->name && strcmp(k->name, key))
			k++;
		if (!k->name) {
			size_t used = snprintf(err, errlen, "unknown key '%s' (expected ", key);
			for (k = recipe_keys; k->name && used < errlen; k++)
				used += snprintf(err + used, errlen - used, "%s%s",
						 k == recipe_keys ? "" : ", ", k->name);
			if (used < errlen)
				snprintf(err + used, errlen - used, ")");
			return -EINVAL;
		}
		if ((k->type == RK_INT && !json_is_integer(v)) || (k->type == RK_STR && !json_is_string(v)) ||
		    (k->type == RK_OBJ && !json_is_object(v)) || (k->type == RK_ARR && !json_is_array(v))) {
			snprintf(err, errlen, "key '%s' must be %s", key, rk_type_names[k->type]);
			return -EINVAL;
		}
		if (k->keys && (ret = check_keys(key, v, k->keys, err, errlen)))
			return ret;
	}
	for (const struct recipe_key *k = recipe_keys; k->name; k++)
		if (k->required && !json_object_get(r, k->name)) {
			snprintf(err, errlen, "key '%s' is missing (it is required)", k->name);
			return -EINVAL;
		}
	if (json_integer_value(json_object_get(r, "recipe_format")) != RECIPE_FORMAT) {
		snprintf(err, errlen, "key 'recipe_format': %lld is not a format this wirelab reads (%d)",
			 (long long)json_integer_value(json_object_get(r, "recipe_format")), RECIPE_FORMAT);
		return -EINVAL;
	}
	if (!json_is_string(json_object_get(json_object_get(r, "claim"), "text"))) {
		snprintf(err, errlen, "claim: key 'text' is missing (the published claim, in words)");
		return -EINVAL;
	}
	json_object_foreach(json_object_get(r, "sweep"), key, v)
	{
		if ((ret = check_option("sweep", key, v, 0, err, errlen)))
			return ret;
	}
	json_object_foreach(json_object_get(r, "quick"), key, v)
	{
		if ((ret = check_option("quick", key, v, 1, err, errlen)))
			return ret;
	}
	json_array_foreach(json_object_get(r, "measure"), i, x)
	{
		if ((ret = recipe_measure_check(x, err, errlen)))
			return ret;
	}
	/* sweeps: one run per entry (a topology each, say), its options over
	 * sweep's; the label names its folder */
	json_array_foreach(json_object_get(r, "sweeps"), i, x)
	{
		const char *label = json_string_value(json_object_get(x, "label"));
		if (!json_is_object(x) || !label || !*label ||
		    strspn(label, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(label)) {
			snprintf(err, errlen,
				 "sweeps: each entry is an object with a \"label\" of a-z, 0-9 and -");
			return -EINVAL;
		}
		json_object_foreach(x, key, v)
		{
			if (strcmp(key, "label") && (ret = check_option("sweeps", key, v, 0, err, errlen)))
				return ret;
		}
	}
	if (!json_array_size(json_object_get(r, "measure"))) {
		snprintf(err, errlen, "key 'measure': at least one measure");
		return -EINVAL;
	}
	for (const char *const *a = (const char *const[]){"plots", "notes", "machine_keys", NULL}; *a; a++)
		json_array_foreach(json_object_get(r, *a), i, x) if (!json_is_string(x))
		{
			snprintf(err, errlen, "key '%s' must be an array of strings", *a);
			return -EINVAL;
		}
	return 0;
}

int recipe_load(const char *path, json_t **out, char *err, size_t errlen)
{
	char msg[768];
	json_error_t je;
	json_t *r;
	int ret;

	*out = NULL;
	if (!(r = json_load_file(path, JSON_REJECT_DUPLICATES, &je))) {
		if (je.line > 0)
			snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		else
			snprintf(err, errlen, "%s: %s", path, je.text);
		return -EINVAL;
	}
	if ((ret = check_recipe(r, msg, sizeof(msg)))) {
		snprintf(err, errlen, "%s: %s", path, msg);
		json_decref(r);
		return ret;
	}
	*out = r;
	return 0;
}

json_t *recipe_options(json_t *recipe, json_t *sub, int quick, char **ov, int n, char *err, size_t errlen)
{
	json_t *o = json_deep_copy(json_object_get(recipe, "sweep")), *v;
	const char *key;

	if (!o) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	json_object_foreach(sub, key, v) if (strcmp(key, "label")) json_object_set(o, key, v);
	if (quick)
		json_object_foreach(json_object_get(recipe, "quick"), key, v)
		{
			if (json_is_null(v))
				json_object_del(o, key);
			else
				json_object_set(o, key, v);
		}
	for (int i = 0; i < n; i++) {
		char k[128];
		const char *eq;
		if (strncmp(ov[i], "--", 2) || !ov[i][2]) {
			snprintf(err, errlen, "'%s': expected a sweep option (--name value)", ov[i]);
			json_decref(o);
			return NULL;
		}
		eq = strchr(ov[i], '=');
		snprintf(k, sizeof(k), "%.*s", (int)(eq ? eq - ov[i] - 2 : (long)strlen(ov[i] + 2)),
			 ov[i] + 2);
		/* the sweep has no positional arguments: a word after an option
		 * that does not start with -- is its value */
		if (eq)
			json_object_set_new(o, k, json_string(eq + 1));
		else if (i + 1 < n && strncmp(ov[i + 1], "--", 2))
			json_object_set_new(o, k, json_string(ov[++i]));
		else
			json_object_set_new(o, k, json_true());
	}
	return o;
}

const char *recipe_value_str(json_t *v)
{
	static char buf[4096];
	size_t used = 0, i;
	json_t *x;

	buf[0] = 0;
	if (json_is_string(v))
		snprintf(buf, sizeof(buf), "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, sizeof(buf), "%g", json_real_value(v));
	else if (json_is_array(v))
		json_array_foreach(v, i, x)
		{
			char one[256];
			if (json_is_string(x))
				snprintf(one, sizeof(one), "%s", json_string_value(x));
			else if (json_is_integer(x))
				snprintf(one, sizeof(one), "%lld", (long long)json_integer_value(x));
			else
				snprintf(one, sizeof(one), "%g", json_number_value(x));
			if (used < sizeof(buf))
				used += snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? "," : "", one);
		}
	return buf;
}

char **recipe_argv(json_t *options, int *argc)
{
	size_t cap = 2 * json_object_size(options) + 2;
	char **argv = calloc(cap, sizeof(*argv));
	const char *key;
	json_t *v;
	int n = 0;

	if (!argv)
		return NULL;
	if (!(argv[n++] = strdup("sweep")))
		goto nomem;
	json_object_foreach(options, key, v)
	{
		char opt[160];
		if (json_is_false(v))
			continue;
		snprintf(opt, sizeof(opt), "--%s", key);
		if (!(argv[n++] = strdup(opt)))
			goto nomem;
		if (!json_is_true(v) && !(argv[n++] = strdup(recipe_value_str(v))))
			goto nomem;
	}
	*argc = n;
	return argv;
nomem:
	recipe_argv_free(argv);
	return NULL;
}

void recipe_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}
