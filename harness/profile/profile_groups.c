/*
 * profile_groups: the table of function groups and the interrupt-enable
 * points. See profile_groups.h for the attribution rule and
 * docs/profile.md for what each group means.
 */
#include "profile_groups.h"

#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#define MAX_NAME 256

enum where {
	K,  /* kernel frames, at any depth */
	U,  /* user frames, at any depth */
	A,  /* either */
	KL, /* a kernel frame that is the leaf */
	UL, /* a user frame that is the leaf */
};

struct pattern_set {
	int group;
	enum where where;
	const char *globs; /* fnmatch(3) patterns, separated by spaces */
};

/*
 * The table. For one frame the first set that matches decides, so more
 * specific sets come first: copying and allocation before TCP (a copy or
 * a kmalloc under tcp_sendmsg is the copy's or the allocation's), the
 * scheduler before io_uring (io_schedule is a sleep, not io_uring).
 * Kernel names are 6.x x86_64's; a renamed function falls to its nearest
 * matching caller, so check `wirelab profile`'s top functions on a new
 * kernel.
 */
static const struct pattern_set wl_sets[] = {
	{WL_GROUP_COPY, A,
	 "memcpy* __memcpy* memmove* __memmove* mempcpy* __mempcpy* wmemcpy* __wmemcpy* bcopy"},
	{WL_GROUP_COPY, K,
	 "copy_user* __copy_user* rep_movs* _copy_to_iter* _copy_from_iter* copy_to_iter* copy_from_iter* "
	 "__copy_to_iter* __copy_from_iter* copy_page_to_iter* copy_page_from_iter* copy_folio_to_iter* "
	 "copy_folio_from_iter* skb_copy_datagram* __skb_datagram_iter simple_copy_to_iter skb_copy_bits "
	 "skb_copy_to_page* skb_do_copy_data* skb_copy_and_csum* csum_and_copy* csum_partial_copy* "
	 "copy_page copy_page_* copy_mc_* raw_copy_* _copy_to_user _copy_from_user copy_to_user* "
	 "copy_from_user* iov_iter_copy*"},
	{WL_GROUP_MEM, U,
	 "malloc free calloc realloc cfree __libc_malloc __libc_free __libc_calloc __libc_realloc "
	 "_int_malloc "
	 "_int_free* _int_realloc malloc_consolidate tcache_* posix_memalign aligned_alloc __libc_memalign "
	 "_mid_memalign CRYPTO_malloc CRYPTO_zalloc CRYPTO_free CRYPTO_realloc"},
	{WL_GROUP_MEM, K,
	 "kmalloc* __kmalloc* kmem_cache_* __kmem_cache_* kfree* __kfree* kvmalloc* kvfree* krealloc* "
	 "___slab_alloc* __slab_alloc* __slab_free* slab_* alloc_pages* __alloc_pages* alloc_frozen_pages* "
	 "__alloc_frozen_pages* get_page_from_freelist rmqueue* __rmqueue* free_pages* __free_pages* "
	 "free_unref_page* free_unref_folios __free_one_page free_pcppages_bulk free_frozen_pages* "
	 "__folio_alloc* folio_alloc* page_frag_* __page_frag_* skb_page_frag_refill sk_page_frag_refill "
	 "__alloc_skb alloc_skb* __napi_alloc_skb napi_alloc_skb __netdev_alloc_skb kmalloc_reserve* "
	 "kfree_skb* __kfree_skb sk_skb_reason_drop skb_release_* skb_free_head consume_skb napi_consume_skb "
	 "skb_attempt_defer_free mem_cgroup_charge_skmem mem_cgroup_uncharge_skmem __sk_mem_* sk_mem_* "
	 "__mod_memcg* mod_memcg* obj_cgroup_* __memcg_slab_* memcg_slab_* refill_obj_stock drain_obj_stock "
	 "consume_obj_stock put_page __put_page folio_put* __folio_put* release_pages"},
	{WL_GROUP_SCHED, K,
	 "schedule* __schedule* preempt_schedule* __cond_resched _cond_resched try_to_wake_up wake_up_* "
	 "__wake_up* ttwu_* pick_next_task* __pick_next_task* pick_next_entity pick_task_* put_prev_task* "
	 "set_next_task* finish_task_switch* __switch_to* switch_mm* context_switch enqueue_task* "
	 "dequeue_task* enqueue_entity dequeue_entit* update_curr* update_load_avg update_cfs_group "
	 "update_rq_clock* select_task_rq* select_idle_* resched_curr* check_preempt* wakeup_preempt* psi_* "
	 "autoremove_wake_function default_wake_function woken_wake_function schedule_hrtimeout* "
	 "schedule_timeout* do_nanosleep hrtimer_nanosleep futex_* __futex_* sched_* raw_spin_rq_lock* "
	 "update_min_vruntime place_entity reweight_entity set_next_entity __enqueue_entity "
	 "__dequeue_entity load_balance newidle_balance task_tick_* scheduler_tick cpuacct_charge "
	 "__update_load_avg_* io_schedule* prepare_to_wait* finish_wait add_wait_queue* remove_wait_queue"},
	{WL_GROUP_SCHED, U, "pthread_cond_* __pthread_cond_* sched_yield __sched_yield"},
	/* every syscall passes through these: they claim only a sample that ends in them */
	{WL_GROUP_SYSCALL, KL, "entry_SYSCALL* do_syscall_64 __x64_sys_* __do_sys_* __se_sys_*"},
	{WL_GROUP_SYSCALL, K,
	 "syscall_trace_enter* syscall_exit_work syscall_exit_to_user_mode* exit_to_user_mode* "
	 "syscall_enter_from_user_mode* __syscall_exit_to_user_mode_work"},
	/* a user-mode sample in a wrapper is the instruction after `syscall`,
	 * where a VM's timer sample held back by the exit path lands */
	{WL_GROUP_SYSCALL, UL,
	 "syscall writev __writev readv __readv read __read __libc_read write __write __libc_write recv "
	 "__libc_recv recvfrom __libc_recvfrom recvmsg __libc_recvmsg send __libc_send sendto __libc_sendto "
	 "sendmsg __libc_sendmsg sendfile sendfile64 epoll_wait __epoll_wait epoll_pwait epoll_ctl "
	 "setsockopt "
	 "__setsockopt accept4 __libc_accept4 close __close __libc_close io_uring_enter* "
	 "__sys_io_uring_enter*"},
	{WL_GROUP_EPOLL, K, "ep_* __ep_* do_epoll_* eventpoll_* sock_poll tcp_poll tcp_stream_is_readable"},
	{WL_GROUP_URING, K, "io_* __io_* tctx_task_work*"},
	{WL_GROUP_URING, U, "io_uring_* __io_uring_*"},
	{WL_GROUP_SPLICE, K,
	 "do_splice* __do_splice* splice_* __splice_* do_sendfile direct_splice_actor iter_file_splice_write "
	 "filemap_splice_read copy_splice_read generic_file_splice_read pipe_* anon_pipe_* __pipe_* do_pipe* "
	 "free_pipe_info alloc_pipe_info generic_pipe_buf_* page_cache_pipe_buf_* skb_splice_* "
	 "__skb_splice_* "
	 "vmsplice_* do_tee"},
	{WL_GROUP_TLS, K,
	 "tls_* crypto_* aesni_* _aesni_* aes_* gcm_* __gcm_* ghash_* chacha* poly1305* gf128mul_* "
	 "kernel_fpu_* scatterwalk_* skcipher_* aead_* sha1_* sha256* sha512*"},
	{WL_GROUP_TLS, U,
	 "SSL_* ssl3_* ssl_* tls1_* tls_* tls13_* ossl_* EVP_* CRYPTO_* aesni_* _aesni_* aes_* AES_* gcm_* "
	 "_gcm_* gcm128_* ghash_* sha1_* sha256_* sha512_* SHA* chacha20_* ChaCha20_* Poly1305_* poly1305_* "
	 "bn_* BN_* ecp_nistz256_* x25519_* X25519* RSA_* rsa_* EC_* ecdsa_* OPENSSL_cleanse HMAC* "
	 "x86_64_AES* bsaes_* vpaes_*"},
	{WL_GROUP_TCP_TX, K,
	 "tcp_sendmsg* tcp_sendpage* do_tcp_sendpages tcp_push* __tcp_push_pending_frames tcp_write_xmit "
	 "tcp_transmit_skb __tcp_transmit_skb tcp_xmit_* tcp_skb_entail tcp_stream_alloc_skb tcp_mtu_probe "
	 "tcp_tso_* tcp_mss_* tcp_current_mss tcp_send_mss tcp_wfree tcp_tsq_* tcp_small_queue_check "
	 "tcp_pacing_* tcp_rate_skb_sent tcp_event_new_data_sent tcp_init_tso_segs tcp_set_skb_tso_segs "
	 "tcp_options_write tcp_established_options tcp_v4_send_check __tcp_v4_send_check tcp_chrono_* "
	 "tcp_release_cb tcp_stream_memory_free sk_stream_wait_memory tcp_send_fin tcp_schedule_loss_probe "
	 "tcp_rearm_rto sock_sendmsg* __sock_sendmsg ____sys_sendmsg ___sys_sendmsg __sys_sendmsg "
	 "__sys_sendto sock_write_iter inet_sendmsg inet6_sendmsg ip_queue_xmit __ip_queue_xmit ip_local_out "
	 "__ip_local_out ip_output ip_finish_output* __ip_finish_output ip6_xmit ip6_output "
	 "ip6_finish_output* neigh_*output neigh_hh_output __dev_queue_xmit dev_queue_xmit* "
	 "dev_hard_start_xmit xmit_one sch_direct_xmit __qdisc_run qdisc_* pfifo_fast_* __dev_xmit_skb "
	 "validate_xmit_* loopback_xmit veth_xmit netif_rx* __netif_rx enqueue_to_backlog do_tcp_setsockopt "
	 "tcp_setsockopt tcp_sock_set_cork __tcp_sock_set_cork __sys_setsockopt do_sock_setsockopt"},
	{WL_GROUP_TCP_RX, K,
	 "tcp_v4_rcv tcp_v6_rcv tcp_v4_do_rcv tcp_v6_do_rcv tcp_rcv_* tcp_ack* tcp_clean_rtx_queue* "
	 "tcp_data_queue* tcp_queue_rcv tcp_event_data_recv tcp_recvmsg* tcp_cleanup_rbuf __tcp_cleanup_rbuf "
	 "tcp_rcv_space_adjust tcp_send_ack __tcp_send_ack tcp_send_delayed_ack tcp_delack_timer* "
	 "__tcp_ack_snd_check tcp_urg tcp_validate_incoming tcp_check_space tcp_new_space tcp_data_ready "
	 "tcp_add_backlog tcp_filter tcp_inbound_* tcp_rate_gen tcp_rack_* tcp_update_pacing_rate tcp_cong_* "
	 "*cong_avoid bictcp_* cubictcp_* tcp_slow_start tcp_sack_* tcp_parse_options __release_sock "
	 "sock_def_readable inet_recvmsg inet6_recvmsg sock_recvmsg* ____sys_recvmsg ___sys_recvmsg "
	 "__sys_recvmsg __sys_recvfrom sock_read_iter ip_rcv* ip_local_deliver* ip_protocol_deliver_rcu "
	 "ip_sublist_rcv* ip_list_rcv ip6_rcv* ip6_input* ip6_protocol_deliver_rcu __netif_receive_skb* "
	 "netif_receive_skb* process_backlog net_rx_action __napi_poll napi_poll napi_complete_done "
	 "napi_gro_* dev_gro_receive gro_* inet_gro_* tcp_gro_* tcp4_gro_* veth_poll veth_xdp_rcv* "
	 "sk_filter_trim_cap __skb_checksum_complete"},
	/* interrupt entry ends the walk: a handler's cost is not the interrupted code's */
	{WL_GROUP_OTHER, K, "asm_sysvec_* sysvec_* __sysvec_* asm_common_interrupt common_interrupt"},
};

/*
 * Interrupts are re-enabled in these (spin_unlock_irq*, the end of a
 * softirq run, the end of a context switch). A sampling timer that fired
 * while they were off is delivered here, so the sample stands for the
 * section that ran with interrupts off: the caller's work, not the
 * unlock's.
 */
static const char wl_irq_enable_globs[] =
	"_raw_spin_unlock_irqrestore _raw_spin_unlock_irq __raw_spin_unlock_irq* _raw_read_unlock_irq* "
	"_raw_write_unlock_irq* handle_softirqs __do_softirq do_softirq do_softirq_own_stack "
	"finish_task_switch* pv_native_irq_enable native_irq_enable";

static const struct {
	const char *key, *title;
} wl_group_names[] = {
#define WL_GROUP_NAME(id, key, title) {key, title},
	WL_GROUPS(WL_GROUP_NAME)
#undef WL_GROUP_NAME
};

const char *wl_group_key(int g)
{
	return g >= 0 && g < WL_GROUP_N ? wl_group_names[g].key : "?";
}

const char *wl_group_title(int g)
{
	return g >= 0 && g < WL_GROUP_N ? wl_group_names[g].title : "?";
}

/* bare: the name without "_[k]" and without a compiler suffix (".isra.0") */
static size_t bare(const char *frame, size_t len, char *out)
{
	size_t n = 0;

	if (wl_frame_is_kernel(frame, len))
		len -= WL_FOLDED_KSUFFIX_LEN;
	/* a leading '.' is a name, not a suffix */
	while (n < len && n < MAX_NAME - 1 && (frame[n] != '.' || n == 0))
		out[n] = frame[n], n++;
	out[n] = '\0';
	return n;
}

/* in_globs: does name match one of the space-separated patterns? */
static int in_globs(const char *globs, const char *name)
{
	char pat[MAX_NAME];

	for (const char *p = globs; *p;) {
		size_t n = strcspn(p, " ");

		if (n && n < sizeof(pat)) {
			memcpy(pat, p, n);
			pat[n] = '\0';
			if (!fnmatch(pat, name, 0))
				return 1;
		}
		p += n;
		p += *p == ' ';
	}
	return 0;
}

int wl_irq_enable_point(const char *name, size_t len)
{
	char b[MAX_NAME];

	bare(name, len, b);
	return in_globs(wl_irq_enable_globs, b);
}

/*
 * classify: the frame's group when it is the leaf and when it is not,
 * each -1 for none, packed into one cached value (each plus one).
 */
static uint64_t classify(const char *frame, size_t len)
{
	int kernel = wl_frame_is_kernel(frame, len), leaf = -1, inner = -1;
	char b[MAX_NAME];

	bare(frame, len, b);
	for (size_t i = 0; i < sizeof(wl_sets) / sizeof(wl_sets[0]) && inner < 0; i++) {
		const struct pattern_set *s = &wl_sets[i];
		int leaf_only = s->where == KL || s->where == UL;
		int side = s->where == A ||
			   (kernel ? s->where == K || s->where == KL : s->where == U || s->where == UL);

		if (!side || (leaf_only && leaf >= 0) || !in_globs(s->globs, b))
			continue;
		if (leaf < 0)
			leaf = s->group;
		if (!leaf_only)
			inner = s->group;
	}
	return (uint64_t)(leaf + 1) << 8 | (uint64_t)(inner + 1);
}

int wl_group_of_stack(struct wl_groups *g, const char *stack, size_t len)
{
	size_t end = len;

	while (end > 0) {
		size_t start = end;
		uint64_t c;
		int grp;

		while (start > 0 && stack[start - 1] != ';')
			start--;
		/* the root frame is the thread's name, not a function */
		if (start == 0)
			break;
		c = wl_folded_get(&g->cache, stack + start, end - start);
		if (!c) {
			c = classify(stack + start, end - start) | 1ULL << 16; /* nonzero: cached */
			if (wl_folded_add(&g->cache, stack + start, end - start, c) < 0)
				return -ENOMEM;
		}
		grp = (int)(end == len ? (c >> 8) & 0xff : c & 0xff) - 1;
		if (grp >= 0)
			return grp;
		end = start - 1;
	}
	return WL_GROUP_OTHER;
}

int wl_groups_sum(struct wl_groups *g, const struct wl_folded *f, uint64_t out[WL_GROUP_N])
{
	memset(out, 0, WL_GROUP_N * sizeof(out[0]));
	for (size_t i = 0; i < f->n; i++) {
		int grp = wl_group_of_stack(g, f->v[i].stack, strlen(f->v[i].stack));

		if (grp < 0)
			return grp;
		out[grp] += f->v[i].count;
	}
	return 0;
}

void wl_groups_free(struct wl_groups *g)
{
	if (g)
		wl_folded_free(&g->cache);
}
