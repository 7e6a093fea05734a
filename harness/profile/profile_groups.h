/*
 * profile_groups: the function groups a profile's samples add up to
 * (copying, TCP transmit, ...), and the interrupt-enable points where a
 * timer-sampled profile piles up samples. Both are tables in
 * profile_groups.c, the one place a function's group is decided.
 *
 * The rule: a sample belongs to the group of its innermost frame that
 * matches a pattern, looking from the leaf toward the root; if no frame
 * matches, to "other". A frame's name is matched without a compiler
 * suffix (".isra.0", ".part.0", ".cold"). Kernel patterns match only
 * kernel frames ("_[k]"), user patterns only user frames. A few patterns
 * match only as the leaf: the syscall entry code (every syscall's stack
 * passes through do_syscall_64, so it may not claim what lies above it)
 * and libc's syscall wrappers. Interrupt entry frames (asm_sysvec_*,
 * common_interrupt) match "other", so an interrupt handler's unmatched
 * work is not charged to the code it interrupted.
 */
#ifndef WL_PROFILE_GROUPS_H
#define WL_PROFILE_GROUPS_H
#include <stddef.h>
#include <stdint.h>

#include "profile_folded.h"

/* X(id, key for JSON and the text tables, title) */
#define WL_GROUPS(X)                                                                                         \
	X(COPY, "copying", "copying (copy_user, memcpy, iov_iter, skb datagram copies)")                     \
	X(TCP_TX, "tcp_tx", "TCP transmit (sendmsg, write_xmit, IP output, device xmit)")                    \
	X(TCP_RX, "tcp_rx_ack", "TCP receive and ACK (rcv, ack, recvmsg, IP input, NAPI)")                   \
	X(SYSCALL, "syscall", "syscall entry and exit")                                                      \
	X(EPOLL, "epoll", "epoll (epoll_wait, ep_poll, readiness checks)")                                   \
	X(URING, "io_uring", "io_uring (submission, completion, workers)")                                   \
	X(SPLICE, "splice", "splice, sendfile and pipes")                                                    \
	X(TLS, "tls_crypto", "TLS and crypto (OpenSSL, kernel tls_*, crypto_*)")                             \
	X(SCHED, "sched", "scheduler and wakeups")                                                           \
	X(MEM, "mem_alloc", "memory allocation (kmalloc, slab, pages, skb alloc/free, malloc)")              \
	X(OTHER, "other", "other")

enum wl_group {
#define WL_GROUP_ENUM(id, key, title) WL_GROUP_##id,
	WL_GROUPS(WL_GROUP_ENUM)
#undef WL_GROUP_ENUM
		WL_GROUP_N
};

const char *wl_group_key(int g);
const char *wl_group_title(int g);

/* a frame name -> group cache: patterns are matched once per distinct frame */
struct wl_groups {
	struct wl_folded cache;
};

/* wl_group_of_stack: the group of one folded stack line (count excluded) */
int wl_group_of_stack(struct wl_groups *g, const char *stack, size_t len);

/* wl_groups_sum: samples per group over a profile; 0 or -ENOMEM */
int wl_groups_sum(struct wl_groups *g, const struct wl_folded *f, uint64_t out[WL_GROUP_N]);

void wl_groups_free(struct wl_groups *g);

/*
 * wl_irq_enable_point: is this kernel function (bare name) one where
 * interrupts are re-enabled, so that a timer sample held back while they
 * were off lands in it? See docs/profile.md: in a VM (and with any
 * CPU-clock sampling) those samples stand for the caller's interrupts-off
 * section, not for the unlock itself.
 */
int wl_irq_enable_point(const char *name, size_t len);

#endif
