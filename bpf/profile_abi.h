/*
 * profile_abi.h: what the sampling profiler (profile.bpf.c) and its loader
 * (harness/profile/profile_bpf.c) both read.
 *
 * The program aggregates in the kernel: a stack (kernel or user) is stored
 * once in wl_prof_stacks under a 64-bit hash of its addresses, and
 * wl_prof_counts counts samples per (tgid, comm, kernel stack, user stack).
 * So nothing is streamed to user space while sampling, and a window's cost
 * to the machine is the program's, not a reader's.
 */
#ifndef WL_BPF_PROFILE_ABI_H
#define WL_BPF_PROFILE_ABI_H
#ifndef __VMLINUX_H__
#include <linux/types.h> /* user space; BPF gets the types from vmlinux.h */
#endif

/* target processes (by tgid) one profile can sample */
#define WL_PROF_MAX_TGIDS 64

/* frames kept per stack: the kernel's default perf_event_max_stack */
#define WL_PROF_DEPTH 127

/*
 * Stack hashes: 0 means "no stack" (a user-mode sample has no kernel
 * stack; a kernel thread or io_uring worker has no user stack), 1 means
 * the stack was taken but could not be stored (wl_prof_stacks was full).
 */
#define WL_PROF_NONE 0
#define WL_PROF_LOST 1

/* distinct stacks kept: ~1 KiB each, allocated as they are first seen */
#define WL_PROF_MAX_STACKS 8192
/* distinct (tgid, comm, kernel stack, user stack) tuples counted */
#define WL_PROF_MAX_COUNTS 65536

struct wl_prof_key {
	__u32 tgid;
	__u32 pad; /* zero: the whole key is hashed */
	__u64 kstack;
	__u64 ustack;
	char comm[16];
};

struct wl_prof_stack {
	__u32 len; /* frames in ip[], leaf first */
	__u32 pad;
	__u64 ip[WL_PROF_DEPTH];
};

/* per-CPU, only ever grows while the program is attached */
struct wl_prof_stats {
	__u64 samples;	   /* target samples seen */
	__u64 kstack_err;  /* a kernel-mode sample whose kernel stack failed */
	__u64 stacks_full; /* a stack not stored: wl_prof_stacks was full */
	__u64 counts_full; /* a sample not counted: wl_prof_counts was full */
	__u64 prog_ns;	   /* the program's own time on target samples (its cost) */
};

#endif
