// SPDX-License-Identifier: GPL-2.0
/*
 * profile.bpf.c: CPU sampling of a set of target processes, with kernel
 * and user stacks.
 *
 * The loader opens one sampling perf event per CPU (a CPU-clock timer, or
 * CPU cycles where the machine has a PMU) and attaches this program to
 * each. On every sample the program keeps only the targets' threads, by
 * tgid, so a process's threads, io_uring workers (iou-wrk) and SQPOLL
 * threads (iou-sqp) are all sampled with it: those kernel-created threads
 * share their process's tgid. Aggregation happens here (see
 * profile_abi.h), so user space reads the maps once, after the window.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "profile_abi.h"

char LICENSE[] SEC("license") = "GPL";

#define WL_EEXIST 17 /* include/uapi/asm-generic/errno-base.h; vmlinux.h has no errno */

/* Set by the loader through the mmap'd .bss; 0 targets samples nothing. */
__u32 wl_tgids[WL_PROF_MAX_TGIDS];
__u32 wl_ntgids;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* memory only for stacks seen */
	__uint(max_entries, WL_PROF_MAX_STACKS);
	__type(key, __u64);
	__type(value, struct wl_prof_stack);
} wl_prof_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, WL_PROF_MAX_COUNTS);
	__type(key, struct wl_prof_key);
	__type(value, __u64);
} wl_prof_counts SEC(".maps");

/* two stacks of scratch per CPU: too big for the BPF stack */
struct wl_prof_scratch {
	struct wl_prof_stack k, u;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wl_prof_scratch);
} wl_prof_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wl_prof_stats);
} wl_prof_stats SEC(".maps");

/* the same short scan as probe.bpf.c: a handful of tgids beats a hash */
static __always_inline int is_target(__u32 tgid)
{
	__u32 n = wl_ntgids;

	for (__u32 i = 0; i < WL_PROF_MAX_TGIDS; i++) {
		if (i >= n)
			return 0;
		if (wl_tgids[i] == tgid)
			return 1;
	}
	return 0;
}

/*
 * stack_hash: a 64-bit hash of the first n addresses. The multiply
 * spreads low bits up and the shift brings high bits down, so addresses
 * that differ anywhere land apart; with a few thousand distinct stacks
 * per profile a collision (two stacks counted as one) has odds of about
 * 1 in 10^12. 0 and 1 are reserved (profile_abi.h).
 */
static __always_inline __u64 stack_hash(const struct wl_prof_stack *s, __u32 n)
{
	__u64 h = 0xcbf29ce484222325ULL ^ n;

	for (__u32 i = 0; i < WL_PROF_DEPTH; i++) {
		if (i >= n)
			break;
		h ^= s->ip[i];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 31;
	}
	return h > WL_PROF_LOST ? h : h + 2;
}

/* store: keep stack s (len set) once; its hash, or WL_PROF_LOST if full */
static __always_inline __u64 store(struct wl_prof_stack *s, struct wl_prof_stats *st)
{
	__u64 h = stack_hash(s, s->len);
	long err;

	if (bpf_map_lookup_elem(&wl_prof_stacks, &h))
		return h;
	err = bpf_map_update_elem(&wl_prof_stacks, &h, s, BPF_NOEXIST);
	/* -EEXIST: another CPU stored the same stack just now, which is fine;
	 * anything else (-E2BIG: full) leaves it unstored */
	if (err && err != -WL_EEXIST) {
		st->stacks_full++;
		return WL_PROF_LOST;
	}
	return h;
}

SEC("perf_event")
int wl_profile_sample(struct bpf_perf_event_data *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, zero = 0;
	struct wl_prof_scratch *s;
	struct wl_prof_stats *st;
	struct wl_prof_key key;
	__u64 one = 1, *c, t0;
	long n;

	if (!tgid || !is_target(tgid))
		return 0;
	/* what a sample costs the target: from here to the end (the
	 * interrupt around the program and the tgid check are not in it) */
	t0 = bpf_ktime_get_ns();
	s = bpf_map_lookup_elem(&wl_prof_scratch, &zero);
	st = bpf_map_lookup_elem(&wl_prof_stats, &zero);
	if (!s || !st)
		return 0;
	st->samples++;
	__builtin_memset(&key, 0, sizeof(key));
	key.tgid = tgid;
	bpf_get_current_comm(key.comm, sizeof(key.comm));

	/* a sample taken in user mode has no kernel stack: 0 frames */
	n = bpf_get_stack(ctx, s->k.ip, sizeof(s->k.ip), 0);
	if (n > 0) {
		s->k.len = (__u32)(n / sizeof(__u64));
		key.kstack = store(&s->k, st);
	} else if (n < 0) {
		st->kstack_err++;
	}
	/* interrupted in the kernel, the user stack starts at the syscall's
	 * user registers; kernel-made threads have none */
	n = bpf_get_stack(ctx, s->u.ip, sizeof(s->u.ip), BPF_F_USER_STACK);
	if (n > 0) {
		s->u.len = (__u32)(n / sizeof(__u64));
		key.ustack = store(&s->u, st);
	}

	c = bpf_map_lookup_elem(&wl_prof_counts, &key);
	if (c) {
		__sync_fetch_and_add(c, 1);
		goto out;
	}
	if (!bpf_map_update_elem(&wl_prof_counts, &key, &one, BPF_NOEXIST))
		goto out;
	/* lost a race to insert the same key, or the map is full */
	c = bpf_map_lookup_elem(&wl_prof_counts, &key);
	if (c)
		__sync_fetch_and_add(c, 1);
	else
		st->counts_full++;
out:
	st->prog_ns += bpf_ktime_get_ns() - t0;
	return 0;
}
