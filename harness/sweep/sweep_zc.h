/*
 * sweep_zc: how many of a zerocopy variant's zero-copy sends the kernel
 * copied anyway in a window (loopback and veth always do: "deferred copy",
 * Documentation/networking/msg_zerocopy.rst), from the server's SIGUSR1
 * stats line read at the window's edges, and what the sweep says when it
 * did: such a point is not a zero-copy result.
 */
#ifndef WL_SWEEP_ZC_H
#define WL_SWEEP_ZC_H

#include "sweep_point.h"
#include "sweep_srv.h"

/* a share above this is a copy, not a zero-copy send, in what we print */
#define SWEEP_ZC_COPIED 0.5

/* the server's counters: zero-copy sends and those the kernel copied */
struct sweep_zc {
	int ok; /* read; 0 for a variant that counts none, or no line came */
	unsigned long long sends, copied;
};

/* Ask the server (our zerocopy variants only: SIGUSR1) for its stats line
 * and read it from its stdout file; z->ok says whether one came. */
void sweep_zc_read(const struct sweep_srv *s, const struct variant *v, struct sweep_zc *z);
/* copied / sends between the two reads, or NaN (not counted, no sends) */
double sweep_zc_share(const struct sweep_zc *a, const struct sweep_zc *b);
/* The note a point's output line ends with: "" unless the kernel copied
 * more than SWEEP_ZC_COPIED of its zero-copy sends. */
const char *sweep_zc_note(const struct point_result *r);
#endif
