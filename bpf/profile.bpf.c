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

/* Set by the loader through the mmap'd .bss; 0 targets samples nothing. */
__u32 wl_tgids[WL_PROF_MAX_TGIDS];
__u32 wl_ntgids;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	/* preallocated (WL_PROF_MAX_SAMPLES x ~2 KiB, at load): an insert
	 * then takes a free element instead of allocating one, which cut the
	 * map's share of a sample's cost by a third here */
	__uint(max_entries, WL_PROF_MAX_SAMPLES);
	__type(key, struct wl_prof_key);
	__type(value, struct wl_prof_value);
} wl_prof_samples SEC(".maps");

/* a sample's value is built here: too big for the BPF stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wl_prof_value);
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
 * 1 in 10^12. 0 is reserved for "no stack".
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
	return h ? h : 1;
}

/* take: one stack into s; its hash for the key (WL_PROF_NONE: none) */
static __always_inline __u64 take(struct bpf_perf_event_data *ctx, struct wl_prof_stack *s, __u64 flags,
				  struct wl_prof_stats *st)
{
	long n = bpf_get_stack(ctx, s->ip, sizeof(s->ip), flags);

	/* a sample taken in user mode has no kernel stack (0 frames);
	 * kernel-made threads have no user stack */
	if (n < 0 && !flags)
		st->kstack_err++;
	s->len = n > 0 ? (__u32)((__u64)n / sizeof(__u64)) : 0;
	return s->len ? stack_hash(s, s->len) : WL_PROF_NONE;
}

SEC("perf_event")
int wl_profile_sample(struct bpf_perf_event_data *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, zero = 0;
	struct wl_prof_value *s, *v;
	struct wl_prof_stats *st;
	struct wl_prof_key key;
	__u64 t0;

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
	key.kstack = take(ctx, &s->k, 0, st);
	/* interrupted in the kernel, the user stack starts at the syscall's
	 * user registers */
	key.ustack = take(ctx, &s->u, BPF_F_USER_STACK, st);

	v = bpf_map_lookup_elem(&wl_prof_samples, &key);
	if (v) {
		__sync_fetch_and_add(&v->count, 1);
		goto out;
	}
	s->count = 1;
	if (!bpf_map_update_elem(&wl_prof_samples, &key, s, BPF_NOEXIST))
		goto out;
	/* lost a race to insert the same key, or the map is full */
	v = bpf_map_lookup_elem(&wl_prof_samples, &key);
	if (v)
		__sync_fetch_and_add(&v->count, 1);
	else
		st->counts_full++;
out:
	st->prog_ns += bpf_ktime_get_ns() - t0;
	return 0;
}
