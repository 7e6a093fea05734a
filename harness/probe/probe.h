/*
 * probe: the BPF cost counters as a library. `wirelab probe` and the sweep
 * use it the same way:
 *
 *	struct wl_probe *p;
 *	struct wl_probe_snap a, b, d;
 *	char err[256];
 *	if (wl_probe_open(pids, npids, &p, err, sizeof(err)) < 0)
 *		... print err ...
 *	wl_probe_read(p, &a);		// window opens
 *	... load ...
 *	wl_probe_read(p, &b);		// window closes
 *	wl_probe_diff(&a, &b, &d);	// what the window cost
 *	wl_probe_close(p);
 *
 * Counters are for the target processes (by tgid: every thread, io_uring
 * workers and SQPOLL threads included), cumulative since open; a window is
 * the difference of two snapshots. A snapshot is exact at the instant it is
 * taken, including CPU time of target threads running at that moment.
 * Functions return 0 or -errno; only wl_probe_open explains a failure in
 * words, since that is where the reasons (no root, no BTF, ...) show.
 */
#ifndef WL_PROBE_H
#define WL_PROBE_H
#include <stddef.h>
#include <stdint.h>

#include "probe_abi.h"

struct wl_probe;

struct wl_probe_snap {
	uint64_t t_ns;			 /* CLOCK_MONOTONIC when taken */
	uint64_t syscalls[WL_SYS_SLOTS]; /* by number; [WL_SYS_OTHER]: out of range */
	uint64_t syscalls_total;
	uint64_t cpu_ns;      /* on-CPU time of the targets' threads */
	uint64_t ctxsw_vol;   /* a target thread blocked */
	uint64_t ctxsw_invol; /* a target thread was preempted */
	uint64_t tx_packets;  /* skbs handed to a device for the targets' sockets */
	uint64_t tx_segments; /* wire segments (a TSO/GSO skb counts as its segments) */
	uint64_t tx_bytes;    /* link-layer bytes of those segments, headers included */
	uint64_t tx_payload;  /* TCP payload bytes in those segments, retransmits included */
	uint64_t tx_socks;    /* sockets attributed to the targets so far */
};

/*
 * wl_probe_open: load and attach the probes for npids processes (a thread
 * id stands for its process). Needs root (CAP_BPF + CAP_PERFMON) and a
 * kernel with BTF; no tracefs, kprobes or fentry. On failure returns
 * -errno and writes the reason, for a person, to err.
 */
int wl_probe_open(const int *pids, int npids, struct wl_probe **out, char *err, size_t errlen);

/*
 * wl_probe_read: a snapshot of every counter, summed over CPUs. It first
 * runs the calling thread once on each CPU its affinity allows, which
 * switches out any target thread running there (so its CPU time is exact
 * to this instant; each such visit is one involuntary context switch the
 * target really has). Call it from a thread allowed on the targets' CPUs;
 * elsewhere a running slice is still added, from the sched_switch
 * records, which now and then miss a switch-in. Costs a migration per
 * CPU and three map reads: fine at window edges, not per request.
 */
int wl_probe_read(struct wl_probe *p, struct wl_probe_snap *s);

/* wl_probe_diff: d = b - a, counter by counter; d->t_ns is the window's length. */
void wl_probe_diff(const struct wl_probe_snap *a, const struct wl_probe_snap *b, struct wl_probe_snap *d);

/*
 * wl_probe_alive: how many target processes still run; the first one found
 * gone since the last call (or 0) goes to *gone. Counters keep what a
 * process did before it exited.
 */
int wl_probe_alive(struct wl_probe *p, int *gone);

/* wl_probe_pids: the target tgids, n of them. */
const int *wl_probe_pids(const struct wl_probe *p, int *n);

/* wl_probe_close: detach and free (NULL is fine). */
void wl_probe_close(struct wl_probe *p);

/* wl_probe_syscall_name: the name of syscall nr, or NULL if this build's
 * kernel headers do not know it (WL_SYS_OTHER: "other"). */
const char *wl_probe_syscall_name(unsigned nr);

#endif
