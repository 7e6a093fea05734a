/*
 * sweep_machine: what the machine was, as run.json's "machine" object
 * (docs/machine.md): the NICs the run's traffic crosses and their IRQs
 * (sweep_machine_nic.c), the CPU frequency governor, turbo and SMT, the
 * kernel command line and mitigations, the sysctls that move the figures
 * (read in the server's network namespace) and whether this is a virtual
 * machine. A value the machine has not is "not available: why", never a
 * made-up one.
 */
#ifndef WL_SWEEP_MACHINE_H
#define WL_SWEEP_MACHINE_H
#include <jansson.h>
#include <stddef.h>

#include "topo.h"

/* The object, built at the first call of a sweep (the namespaces exist
 * then) and the same one after, so the end-of-sweep run.json says what
 * the start saw; NULL when out of memory. Borrowed: sweep_machine_free. */
json_t *sweep_machine(const struct topo *t);
void sweep_machine_free(void);

/* sweep_machine_nic.c: "nics" and "irqs" of the topology's interfaces */
void sweep_machine_nics(const struct topo *t, json_t *machine);

/* Shared by both files. */
/* "not available: why" */
json_t *sweep_machine_na(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run cmd (sh -c) in network namespace ns ("" : this one), its stdout and
 * stderr into out (NUL-terminated, trailing newlines cut). The exit
 * status, or -errno when it could not be started. */
int sweep_machine_sh(const char *ns, const char *cmd, char *out, size_t len);
/* A small file's contents into buf, trailing newline cut, tabs as spaces;
 * 0 or -errno. */
int sweep_machine_read(const char *path, char *buf, size_t len);
#endif
