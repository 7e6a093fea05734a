/*
 * recipe: what a recipe (recipes/<name>.json, docs/recipes.md) measures in
 * a run, read with the run readers (runs.h) and the effect intervals
 * (effect.h), and the report's Recipe section. `wirelab recipe run` writes
 * RUN/recipe.json (the recipe as run and its result); the report reads it
 * and measures the run again, so a report drawn later says the same.
 */
#ifndef WL_RECIPE_H
#define WL_RECIPE_H
#include <jansson.h>
#include <stdio.h>

#include "runs.h"

/* One measure object ({"kind": "crossover"|"ratio"|"table", "metric", ...})
 * checked for its keys and types; 0, or -EINVAL naming the key in err. */
int recipe_measure_check(json_t *m, char *err, size_t errlen);
/* The result of every measure of the array measures on run: an array of
 * {"kind", "metric", "text" (a sentence), "rows": [...]}, one per measure
 * (a measure that finds no data says so in its text). NULL on -ENOMEM. */
json_t *recipe_measure_all(const struct runs_run *run, json_t *measures);
/* The report's Recipe section, when RUN/recipe.json exists (nothing
 * otherwise): the claim and its source beside the measured result, and
 * what differs between the source's setup and this run's. */
void report_recipe_html(FILE *f, const struct runs_run *run);
#endif
