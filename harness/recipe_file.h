/*
 * recipe_file: the recipe files (recipes/<name>.json, docs/recipes.md):
 * where they are, reading one with every key checked, and the sweep
 * options a run of one is made of.
 */
#ifndef WL_RECIPE_FILE_H
#define WL_RECIPE_FILE_H
#include <jansson.h>
#include <stddef.h>

#define RECIPE_FORMAT 1

/* The recipes folder of the tree build/wirelab was built from
 * (<exe's folder>/../recipes); 0 or -errno. */
int recipe_dir(char *buf, size_t len);
/* The recipe names there (the files' names without .json), sorted;
 * the count, or -errno with err written. Free with recipe_names_free. */
int recipe_names(char ***names, char *err, size_t errlen);
void recipe_names_free(char **names, int n);
/* NAME (recipes/NAME.json) or, when it has a '/', a path: its path, or
 * -ENOENT with a message naming it and listing the known recipes. */
int recipe_path(const char *name, char *path, size_t len, char *err, size_t errlen);
/* path read and checked: *out the recipe object; -EINVAL with a message
 * naming the file (and line and column of a JSON error, or the key that is
 * unknown or of the wrong type) in err. */
int recipe_load(const char *path, json_t **out, char *err, size_t errlen);
/* The sweep options of a run: the recipe's "sweep", with sub's keys
 * (one of its "sweeps", or NULL) replacing them, then "quick"'s when quick
 * (a null removes one), then overrides[0..n)
 * (sweep options as given on the command line: "--key value", "--key=value"
 * or a "--flag"), each replacing the same key. A new object; NULL with err
 * written. */
json_t *recipe_options(json_t *recipe, json_t *sub, int quick, char **overrides, int n, char *err,
		       size_t errlen);
/* options as an argv for the sweep ("sweep", "--key", "value", ...,
 * NULL): malloc'd strings, *argc set; free with recipe_argv_free. */
char **recipe_argv(json_t *options, int *argc);
void recipe_argv_free(char **argv);
/* One option value as the sweep's command line has it ("1k,64k", "2");
 * a static buffer. */
const char *recipe_value_str(json_t *v);
#endif
