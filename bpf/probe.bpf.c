// SPDX-License-Identifier: GPL-2.0
/*
 * probe.bpf.c: per-request cost counters for a set of target processes.
 *
 * Only BTF tracepoints (tp_btf): they attach by name through bpf(2), need
 * no kprobes, no fentry trampolines and no tracefs, and hand the program
 * typed kernel pointers, so reading skb->sk or task->tgid costs a load,
 * not a bpf_probe_read. Targets are matched by tgid, so io_uring workers
 * (iou-wrk) and SQPOLL threads count with their process. Every counter is
 * per CPU and written without atomics.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "probe_abi.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader through the mmap'd .bss before attach. */
__u32 wl_tgids[WL_PROBE_MAX_TGIDS];
__u32 wl_ntgids;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wl_sys_counts);
} wl_sys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wl_cpu_sched);
} wl_sched SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wl_cpu_tx);
} wl_tx SEC(".maps");

/*
 * The target's sockets: a mark in the socket's own BPF storage, which the
 * kernel frees with the socket (no stale addresses to reuse, no close to
 * catch) and which costs a pointer walk to look up, not a hash.
 */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32); /* the tgid that first sent on it */
} wl_sk SEC(".maps");

/*
 * is_target: a linear scan of at most wl_ntgids entries. Runs on every
 * syscall of every process; a few compares beat a hash lookup for the
 * handful of tgids one measures (a server, nginx's master and workers).
 */
static __always_inline int is_target(__u32 tgid)
{
	__u32 n = wl_ntgids;

	for (__u32 i = 0; i < WL_PROBE_MAX_TGIDS; i++) {
		if (i >= n)
			return 0;
		if (wl_tgids[i] == tgid)
			return 1;
	}
	return 0;
}

static __always_inline int current_is_target(void)
{
	return is_target(bpf_get_current_pid_tgid() >> 32);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(wl_sys_enter, struct pt_regs *regs, long id)
{
	__u32 zero = 0, slot;
	struct wl_sys_counts *c;

	if (!current_is_target())
		return 0;
	c = bpf_map_lookup_elem(&wl_sys, &zero);
	if (!c)
		return 0;
	slot = (id >= 0 && id < WL_SYS_OTHER) ? (__u32)id : WL_SYS_OTHER;
	if (slot < WL_SYS_SLOTS)
		c->n[slot]++;
	return 0;
}

#define barrier() asm volatile("" ::: "memory")

/*
 * On-CPU time comes from the scheduler's own clock: when a target thread
 * is switched out, prev->se.sum_exec_runtime is current (update_curr()
 * ran in put_prev_task), and the delta from the last value we saw is the
 * time it ran. This does not depend on seeing every switch-in, which
 * matters: on this 6.18 VM sched_switch occasionally shows a task switched
 * out on a CPU where no switch-in to it was ever traced (bpftrace sees the
 * same gaps), so a "switch-in timestamp" sum drifted by seconds.
 * The loader seeds wl_thread_rt with /proc/TID/schedstat before attach; a
 * thread born later starts from 0.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);   /* tid */
	__type(value, __u64); /* se.sum_exec_runtime when last seen */
} wl_thread_rt SEC(".maps");

#define WL_TASK_DEAD 0x80 /* TASK_DEAD in include/linux/sched.h */

SEC("tp_btf/sched_switch")
int BPF_PROG(wl_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u32 zero = 0, tid = prev->pid;
	int prev_t = is_target(prev->tgid), next_t = is_target(next->tgid);
	struct wl_cpu_sched *s;
	__u64 rt = 0, *last;

	s = bpf_map_lookup_elem(&wl_sched, &zero);
	if (!s)
		return 0;
	if (!prev_t && !next_t && !s->running_tid)
		return 0; /* the common case: nothing of ours on this CPU */
	if (prev_t) {
		rt = prev->se.sum_exec_runtime;
		last = bpf_map_lookup_elem(&wl_thread_rt, &tid);
		if (prev_state & WL_TASK_DEAD)
			bpf_map_delete_elem(&wl_thread_rt, &tid);
		else if (!last)
			bpf_map_update_elem(&wl_thread_rt, &tid, &rt, BPF_ANY);
	}
	s->seq_begin++;
	barrier();
	if (prev_t) {
		if (last) {
			if (rt > *last)
				s->run_ns += rt - *last;
			*last = rt;
		} else {
			s->run_ns += rt;
		}
		/* the rule __schedule() uses to pick nvcsw or nivcsw */
		if (!preempt && prev_state)
			s->nvcsw++;
		else
			s->nivcsw++;
	}
	/* for the part of a slice still running when a snapshot is taken */
	s->running_tid = next_t ? (__u32)next->pid : 0;
	s->start_ns = bpf_ktime_get_ns();
	barrier();
	s->seq_end = s->seq_begin;
	return 0;
}

/*
 * A TCP socket becomes the target's when one of its threads sends on it.
 * tcp_sendmsg_locked fires before TCP queues (and may transmit) the data,
 * so even the first response on a new connection is attributed. (An
 * earlier version also hooked sock_send_length and sock_recv_length: they
 * cost ~150 ns per call each and only added sockets that never send.)
 */
SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(wl_tcp_sendmsg, struct sock *sk, const struct msghdr *msg, const struct sk_buff *skb,
	     int size_goal)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, zero = 0, *mark;
	struct wl_cpu_tx *t;

	if (!is_target(tgid))
		return 0;
	if (bpf_sk_storage_get(&wl_sk, sk, NULL, 0))
		return 0;
	mark = bpf_sk_storage_get(&wl_sk, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (!mark)
		return 0;
	*mark = tgid;
	t = bpf_map_lookup_elem(&wl_tx, &zero);
	if (t)
		t->socks++;
	return 0;
}

/*
 * net_dev_start_xmit sees every skb a device is handed, after any software
 * segmentation (validate_xmit_skb), in whatever context transmits it
 * (the sender, softirq, a qdisc): so skb->sk, not current, says whose it
 * is. A TSO/GSO skb still whole here becomes gso_segs segments on the
 * wire, each carrying the headers again.
 */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(wl_xmit, const struct sk_buff *skb, const struct net_device *dev)
{
	struct sock *sk = skb->sk;
	__u64 len = skb->len, hdr, head = 0, data = 0;
	struct skb_shared_info *sh;
	__u32 zero = 0, segs;
	struct wl_cpu_tx *t;
	__u16 gso_segs = 0;
	__u8 doff = 0;

	/* NULL for request and timewait sockets: not full, not ours */
	if (!sk || !bpf_sk_storage_get(&wl_sk, sk, NULL, 0))
		return 0;
	t = bpf_map_lookup_elem(&wl_tx, &zero);
	if (!t)
		return 0;
	/* head and data as plain numbers: since Linux 6.x the verifier types
	 * them as untrusted memory and refuses arithmetic between the two */
	bpf_probe_read_kernel(&head, sizeof(head), &skb->head);
	bpf_probe_read_kernel(&data, sizeof(data), &skb->data);
	sh = (struct skb_shared_info *)(head + skb->end);
	bpf_probe_read_kernel(&gso_segs, sizeof(gso_segs), &sh->gso_segs);
	segs = gso_segs ? gso_segs : 1;
	/* link, IP and TCP headers: each segment carries its own copy */
	bpf_probe_read_kernel(&doff, 1, (void *)(head + skb->transport_header + 12));
	hdr = skb->transport_header - (data - head) + (doff >> 4) * 4;
	if (hdr > len)
		hdr = len;
	t->packets++;
	t->segments += segs;
	t->bytes += len + (__u64)(segs - 1) * hdr;
	t->payload += len - hdr;
	return 0;
}
