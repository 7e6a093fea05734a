/*
 * probe_abi.h: what the BPF probes (probe.bpf.c) and their loader
 * (harness/probe/probe.c) both read. Every counter is per CPU and only ever
 * grows; the loader sums the CPUs and diffs two snapshots.
 */
#ifndef WL_BPF_PROBE_ABI_H
#define WL_BPF_PROBE_ABI_H
#ifndef __VMLINUX_H__
#include <linux/types.h> /* user space; BPF gets the types from vmlinux.h */
#endif

/* target processes (by tgid) one probe can watch */
#define WL_PROBE_MAX_TGIDS 64

/*
 * Syscall counters by number: x86_64 numbers stay below 512 (the highest
 * is ~470 in 6.18); anything at or above, or negative, lands in the last
 * slot, WL_SYS_OTHER, so no syscall is ever dropped from the total.
 */
#define WL_SYS_SLOTS 513
#define WL_SYS_OTHER (WL_SYS_SLOTS - 1)

struct wl_sys_counts {
	__u64 n[WL_SYS_SLOTS];
};

/*
 * Per-CPU scheduler accounting, written only by the sched_switch program
 * (interrupts off, so never nested). The loader reads a CPU's copy in
 * address order: seq_end first, seq_begin last; the program writes
 * seq_begin first and seq_end last, so equal values mean no update
 * overlapped the read (a seqlock without a shared lock).
 */
struct wl_cpu_sched {
	__u64 seq_end;
	__u64 run_ns;	   /* on-CPU time of target threads up to their last switch-out */
	__u64 start_ns;	   /* bpf_ktime_get_ns() when running_tid was switched in */
	__u32 running_tid; /* target thread on this CPU now, 0 for none */
	__u32 pad;
	__u64 nvcsw;  /* voluntary switches (the thread blocked) */
	__u64 nivcsw; /* involuntary switches (the thread was preempted) */
	__u64 seq_begin;
};

/* Per-CPU transmit counters (TCP), written by the net_dev_start_xmit program
 * (and socks by tcp_sendmsg_locked). */
struct wl_cpu_tx {
	__u64 packets;	/* skbs handed to a device for a target socket */
	__u64 segments; /* wire segments: a GSO/TSO skb counts gso_segs */
	__u64 bytes;	/* link-layer bytes on the wire, headers of every segment */
	__u64 payload;	/* TCP payload bytes in those segments (retransmits included) */
	__u64 socks;	/* target sockets registered (first seen) */
};

#endif
