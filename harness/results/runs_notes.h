/* runs_notes: the notes of a run being read (runs.c); internal to results/. */
#ifndef WL_RUNS_NOTES_H
#define WL_RUNS_NOTES_H
#include <jansson.h>

#include "runs.h"

/* Add a note to run; 0 or -ENOMEM. */
int runs_note(struct runs_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Count a window that is not a measurement into map
 * ("variant\tstatus\treason" -> {"n": windows, "cells": [...]}). */
int runs_tally(json_t *map, const char *variant, const char *status, const char *why, long size, long conns);
/* A note per entry of map. */
int runs_note_tallied(struct runs_run *run, json_t *map);
/* A note per cell some repetition of which was client-bound. */
int runs_note_client_bound(struct runs_run *run);
#endif
