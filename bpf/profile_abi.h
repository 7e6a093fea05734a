/*
 * profile_abi.h: what the sampling profiler (profile.bpf.c) and its loader
 * (harness/profile/profile_bpf.c) both read.
 *
 * The program aggregates in the kernel: wl_prof_samples counts samples
 * per (tgid, comm, kernel stack, user stack), a stack named in the key by
 * a 64-bit hash of its addresses, and keeps the two stacks beside the
 * count. One map, one lookup per sample: in a VM every map lookup of a
 * sample that comes 1 ms after the last is a cache (and TLB) miss, and
 * phase 1's three lookups (two stacks, the count) cost more than the
 * stacks they looked up. Nothing is streamed to user space while
 * sampling; a window's cost to the machine is the program's.
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
 * A stack hash of 0 means "no stack" (a user-mode sample has no kernel
 * stack; a kernel thread or io_uring worker has no user stack).
 */
#define WL_PROF_NONE 0

/*
 * distinct (tgid, comm, kernel stack, user stack) kept, ~2 KiB each,
 * allocated as they are first seen: a busy server thread gives about 450
 * new ones a second at 999 Hz (the leaf address varies), so 16384 hold a
 * 10 s window of two busy threads; a sample that finds the map full is
 * counted in "lost"
 */
#define WL_PROF_MAX_SAMPLES 16384

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

/* what wl_prof_samples holds for a key */
struct wl_prof_value {
	__u64 count;
	struct wl_prof_stack k, u; /* kernel and user stack; len 0: none */
};

/* per-CPU, only ever grows while the program is attached */
struct wl_prof_stats {
	__u64 samples;	   /* target samples seen */
	__u64 kstack_err;  /* a kernel-mode sample whose kernel stack failed */
	__u64 counts_full; /* a sample not counted: wl_prof_samples was full */
	__u64 prog_ns;	   /* the program's own time on target samples (its cost) */
};

#endif
