/*
 * machine: run.json's "machine" object (sweep_machine.c, docs/machine.md)
 * as check compares it (check_machine.c) and the report shows it
 * (report_machine.c).
 */
#ifndef WL_MACHINE_H
#define WL_MACHINE_H
#include <jansson.h>
#include <stdio.h>

/* One "warning: different ..." line per setting that differs between
 * BASE's machine object and NEW's; returns their count. A side without
 * the object (a run from before it existed): one warning saying so, and
 * *unknown is incremented (--strict refuses it, as other unknowns). */
int check_machine(json_t *base, json_t *new, int *unknown);
/* The report's "Machine" section: a compact table of the object, or a
 * line saying the run did not record it. */
void report_machine_html(FILE *f, json_t *machine);
#endif
