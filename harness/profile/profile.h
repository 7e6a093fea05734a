/*
 * profile: CPU sampling profiles of running processes, as a library.
 * `wirelab profile` uses it, and the sweep is meant to use it the same way
 * around a measured window:
 *
 *	struct wl_profile *p;
 *	char err[256];
 *	if (wl_profile_open(pids, npids, 999, &p, err, sizeof(err)) < 0)
 *		... print err ...
 *	wl_profile_start(p);				// window opens
 *	... load ...
 *	wl_profile_stop(p, err, sizeof(err));		// window closes, stacks named
 *	wl_profile_write(p, dir, "point", requests, err, sizeof(err));
 *	wl_profile_groups(p, requests, &g);		// per-group µs per request
 *	wl_profile_close(p);
 *
 * Sampling is a perf event per CPU (CPU cycles where the machine has a
 * PMU, else the CPU-clock timer) at hz samples per second of CPU time;
 * a BPF program (bpf/profile.bpf.c) keeps the targets' samples, by tgid,
 * so every thread of a target counts, io_uring workers and SQPOLL threads
 * included, with kernel and user stacks. Stacks are named at stop, while
 * the targets still run (their /proc/PID/maps are read at start too, so a
 * target that exits mid-window keeps its names).
 * Functions return 0 or -errno; open and stop explain a failure in err.
 */
#ifndef WL_PROFILE_H
#define WL_PROFILE_H
#include <stddef.h>
#include <stdint.h>

#include "profile_abi.h" /* WL_PROF_MAX_TGIDS */
#include "profile_folded.h"
#include "profile_groups.h"

#define WL_PROFILE_HZ_DEFAULT 999 /* not 1000: off the kernel's tick, as perf's default */
#define WL_PROFILE_HZ_MAX     10000

struct wl_profile;

struct wl_vm {
	int detected;
	char how[256]; /* the evidence, for a person */
	char sys_vendor[64];
	char product_name[64];
};

struct wl_profile_info {
	char event[16];	  /* "cycles" or "cpu-clock" */
	int hz;		  /* samples per second of CPU time */
	double period_us; /* CPU time one sample stands for: 1e6 / hz */
	/*
	 * The targets' CPU time in the window, from their process CPU clocks
	 * (every thread, exited ones included), 0 if a target could not be
	 * read at both ends. A timer misses samples when the (virtual) CPU
	 * does not run on time, so samples * period can fall short of it:
	 * per-request figures use us_per_sample = cpu_ns / 1000 / counted
	 * when cpu_ns is known, else period_us.
	 */
	uint64_t cpu_ns;
	double us_per_sample;
	int ncpus;		/* CPUs sampled */
	uint64_t t_ns;		/* the window's length */
	uint64_t samples;	/* target samples the program saw */
	uint64_t counted;	/* of those, in the folded stacks */
	uint64_t lost;		/* seen but not counted (a map was full) */
	uint64_t kstack_errors; /* kernel-mode samples whose kernel stack failed */
	uint64_t irq_moved;	/* samples at an interrupt-enable point given to their caller */
	uint64_t irq_unknown;	/* ... whose stack held no caller */
	int irq_reattribute;	/* whether the above was applied (timer sampling or a VM) */
	uint64_t prog_ns;	/* the BPF program's own time on target samples */
	struct wl_vm vm;
};

/* per-group totals of a window, for tables and the report's bars */
struct wl_profile_groups {
	uint64_t samples[WL_GROUP_N];
	uint64_t total;
	uint64_t requests;	       /* 0: not given, the per-request fields are 0 */
	double us_per_req[WL_GROUP_N]; /* samples * us_per_sample / requests */
	double samples_per_req;
};

/*
 * wl_profile_open: load the BPF program and open the perf events for
 * npids processes (a thread id stands for its process) at hz (1..10000;
 * 0 for the default). Sampling starts with wl_profile_start. Needs root
 * (CAP_BPF + CAP_PERFMON) and a kernel with perf events; on failure
 * returns -errno and writes the reason, naming what was wrong, to err.
 */
int wl_profile_open(const int *pids, int npids, int hz, struct wl_profile **out, char *err, size_t errlen);

/* wl_profile_start: forget any earlier window and start sampling */
int wl_profile_start(struct wl_profile *p);

/*
 * wl_profile_stop: stop sampling, read the samples and name every frame
 * (the result: wl_profile_folded). Call it before the targets exit, so
 * that libraries mapped during the window are named.
 */
int wl_profile_stop(struct wl_profile *p, char *err, size_t errlen);

/* the window's stacks (after stop), root first, "_[k]" on kernel frames */
const struct wl_folded *wl_profile_folded(const struct wl_profile *p);
const struct wl_profile_info *wl_profile_info(const struct wl_profile *p);

/* wl_profile_groups: samples per group; per request when requests > 0 */
int wl_profile_groups(const struct wl_profile *p, uint64_t requests, struct wl_profile_groups *g);

/*
 * wl_profile_write: DIR/NAME.folded, NAME.svg (flame graph), NAME.groups.txt
 * and NAME.groups.json (groups, top functions, the window's facts).
 * requests > 0 adds µs per request. DIR must exist.
 */
int wl_profile_write(const struct wl_profile *p, const char *dir, const char *name, uint64_t requests,
		     char *err, size_t errlen);

/*
 * wl_profile_alive: how many targets still run; the first found gone
 * since the last call (or 0) goes to *gone.
 */
int wl_profile_alive(struct wl_profile *p, int *gone);

/* wl_profile_pids: the target tgids */
const int *wl_profile_pids(const struct wl_profile *p, int *n);

/* wl_profile_close: stop, detach and free (NULL is fine) */
void wl_profile_close(struct wl_profile *p);

/* wl_vm_detect: the hypervisor CPU flag, DMI vendor/product, Xen */
void wl_vm_detect(struct wl_vm *vm);

#endif
