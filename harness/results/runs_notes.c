/*
 * runs_notes: what a reader of a run should know besides its figures:
 * skipped and failed windows, tallied per variant, status and reason (a
 * variant the kernel cannot run is one note, not one per window), and
 * client-bound cells.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs.h"
#include "runs_notes.h"

int runs_note(struct runs_run *run, const char *fmt, ...)
{
	char **nn = realloc(run->notes, (run->nnotes + 1) * sizeof(*nn));
	va_list ap;
	int r;

	if (!nn)
		return -ENOMEM;
	run->notes = nn;
	va_start(ap, fmt);
	r = vasprintf(&run->notes[run->nnotes], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	run->nnotes++;
	return 0;
}

/* Rows that are not measurements (skipped, failed), tallied per variant,
 * status and reason: a variant the kernel cannot run is one note, not one
 * per window. map: "variant\tstatus\treason" -> {"n": windows, "cells": [...]} */
int runs_tally(json_t *map, const char *variant, const char *status, const char *why, long size, long conns)
{
	char *key = NULL, sz[32], cell[64];
	json_t *e;

	if (!map || asprintf(&key, "%s\t%s\t%s", variant, status, why) < 0)
		return -ENOMEM;
	e = json_object_get(map, key);
	if (!e) {
		e = json_pack("{s:i, s:[]}", "n", 0, "cells");
		json_object_set_new(map, key, e);
	}
	free(key);
	if (!e)
		return -ENOMEM;
	json_object_set_new(e, "n", json_integer(json_integer_value(json_object_get(e, "n")) + 1));
	runs_size_str(size, sz, sizeof(sz));
	snprintf(cell, sizeof(cell), "%s, %ld connections", sz, conns);
	json_t *cells = json_object_get(e, "cells");
	size_t i;
	json_t *c;
	json_array_foreach(cells, i, c)
	{
		if (!strcmp(json_string_value(c), cell))
			return 0;
	}
	json_array_append_new(cells, json_string(cell));
	return 0;
}

int runs_note_tallied(struct runs_run *run, json_t *map)
{
	const char *key;
	json_t *e;

	json_object_foreach(map, key, e)
	{
		char variant[256] = "", status[64] = "";
		const char *why = "";
		json_t *cells = json_object_get(e, "cells");
		size_t n = json_array_size(cells);
		sscanf(key, "%255[^\t]\t%63[^\t]", variant, status);
		/* the reason is everything after the second tab (a separate
		 * pointer: foreach steps on from key itself) */
		const char *t = strchr(key, '\t');
		if (t && (t = strchr(t + 1, '\t')))
			why = t + 1;
		long windows = (long)json_integer_value(json_object_get(e, "n"));
		if (runs_note(run, "%s: %s in %ld window%s (%s%s%s)%s%s", variant, status, windows,
			      windows == 1 ? "" : "s", json_string_value(json_array_get(cells, 0)),
			      n > 1 ? " and " : "",
			      n > 2   ? "other cells"
			      : n > 1 ? json_string_value(json_array_get(cells, 1))
				      : "",
			      *why ? ": " : "", why))
			return -ENOMEM;
	}
	return 0;
}

int runs_note_client_bound(struct runs_run *run)
{
	for (size_t i = 0; i < run->ncells + run->nload_cells; i++) {
		struct runs_cell *c = i < run->ncells ? &run->cells[i] : &run->load_cells[i - run->ncells];
		char sz[96], rate[64] = "";
		if (!c->client_bound && !c->rate_missed)
			continue;
		if (c->workload && *c->workload)
			snprintf(sz, sizeof(sz), "mix %s", c->workload);
		else
			runs_size_str(c->size, sz, sizeof(sz));
		if (c->rate && *c->rate)
			snprintf(rate, sizeof(rate), ", open mode at %s", c->rate);
		if (c->client_bound &&
		    runs_note(run,
			      "%s at %s, %ld connections%s: client-bound in %zu of %zu repetitions (the "
			      "client, not the server, was the limit)",
			      c->variant, sz, c->conns, rate, c->client_bound, c->n))
			return -ENOMEM;
		if (c->rate_missed &&
		    runs_note(run,
			      "%s at %s, %ld connections%s: rate-missed in %zu of %zu repetitions (client "
			      "could not keep the rate: fewer than 98%% of the offered requests answered in "
			      "the window; not a point measured at that rate)",
			      c->variant, sz, c->conns, rate, c->rate_missed, c->n))
			return -ENOMEM;
	}
	return 0;
}
