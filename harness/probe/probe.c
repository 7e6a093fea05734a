/*
 * probe: load probe.bpf.c's skeleton for a set of processes and read its
 * per-CPU counters. See probe.h for the API and bpf/probe.bpf.c for what
 * each counter hooks.
 */
#include "probe.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe.skel.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

struct wl_probe {
	struct probe_bpf *skel;
	int ncpus; /* possible CPUs: the length of a per-CPU map value */
	int npids;
	int pids[WL_PROBE_MAX_TGIDS];
	char gone[WL_PROBE_MAX_TGIDS];
	struct wl_cpu_sched *sched; /* ncpus values, read buffers */
	struct wl_cpu_tx *tx;
	struct wl_sys_counts *sys;
};

static int libbpf_log_on;

/* libbpf's own messages (the verifier log) only when asked for */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!libbpf_log_on || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* tgid_of: the process a pid (or thread id) belongs to, -errno if none */
static int tgid_of(int pid)
{
	char path[64], line[256];
	int tgid = -ESRCH;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -ESRCH;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/* proc_gone: has the process exited (a zombie counts: it runs no more)? */
static int proc_gone(int pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	return p && (p[2] == 'Z' || p[2] == 'X');
}

/*
 * seed_threads: each existing target thread's se.sum_exec_runtime (the
 * first field of /proc/TID/schedstat), so its first switch-out after
 * attach counts only what it ran since. A thread that is running now has
 * a value up to one tick old: that much of its time before attach counts.
 */
static int seed_threads(struct wl_probe *p)
{
	int fd = bpf_map__fd(p->skel->maps.wl_thread_rt);

	for (int i = 0; i < p->npids; i++) {
		char path[64];
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "/proc/%d/task", p->pids[i]);
		d = opendir(path);
		if (!d)
			continue; /* gone already: wl_probe_alive says so */
		while ((de = readdir(d))) {
			unsigned long long rt;
			uint32_t tid = (uint32_t)atoi(de->d_name);
			uint64_t v;
			FILE *f;

			if (!tid)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%u/schedstat", p->pids[i], tid);
			f = fopen(path, "re");
			if (!f)
				continue;
			if (fscanf(f, "%llu", &rt) == 1) {
				v = rt;
				bpf_map_update_elem(fd, &tid, &v, BPF_ANY);
			}
			fclose(f);
		}
		closedir(d);
	}
	return 0;
}

/*
 * visit_cpus: run this thread once on every CPU it may use. Each visit is a
 * context switch on that CPU after the sched_switch program was attached:
 * a target thread running there is switched out (its time so far counts)
 * and back in (its record starts), so a snapshot sees its current slice
 * even if it is a busy loop that is never otherwise switched out.
 */
static void visit_cpus(void)
{
	cpu_set_t orig, one;

	if (sched_getaffinity(0, sizeof(orig), &orig) < 0)
		return;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &orig))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		/* returns running on c: its switch has happened */
		sched_setaffinity(0, sizeof(one), &one);
	}
	sched_setaffinity(0, sizeof(orig), &orig);
}

static void explain(char *err, size_t errlen, int rc, const char *what)
{
	switch (-rc) {
	case EPERM:
	case EACCES:
		if (geteuid() != 0)
			snprintf(err, errlen,
				 "%s: permission denied: the probes need root (or CAP_BPF and CAP_PERFMON)",
				 what);
		else /* the verifier also says EACCES */
			snprintf(err, errlen,
				 "%s: the kernel refused (%s): a lockdown, an LSM or the verifier; "
				 "WIRELAB_PROBE_DEBUG=1 prints libbpf's log",
				 what, strerror(-rc));
		break;
	case ENOENT:
	case ESRCH:
		snprintf(err, errlen, "%s: a tracepoint the probes need is missing in this kernel (%s)", what,
			 strerror(-rc));
		break;
	default:
		snprintf(err, errlen, "%s: %s (WIRELAB_PROBE_DEBUG=1 prints libbpf's log)", what,
			 strerror(-rc));
	}
}

int wl_probe_open(const int *pids, int npids, struct wl_probe **out, char *err, size_t errlen)
{
	struct wl_probe *p = NULL;
	int rc = 0, n = 0;

	*out = NULL;
	snprintf(err, errlen, "no error");
	if (npids < 1 || npids > WL_PROBE_MAX_TGIDS) {
		snprintf(err, errlen, "between 1 and %d pids, not %d", WL_PROBE_MAX_TGIDS, npids);
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (int i = 0; i < npids; i++) {
		int t = tgid_of(pids[i]), dup = 0;

		if (t < 0) {
			snprintf(err, errlen, "no process with pid %d", pids[i]);
			rc = -ESRCH;
			goto cleanup;
		}
		for (int j = 0; j < n; j++)
			dup |= p->pids[j] == t;
		if (!dup)
			p->pids[n++] = t;
	}
	p->npids = n;
	if (access(VMLINUX_BTF, R_OK) < 0) {
		snprintf(err, errlen,
			 VMLINUX_BTF
			 " is missing: this kernel exposes no BTF (it needs CONFIG_DEBUG_INFO_BTF=y), "
			 "and the probes read kernel structures through it");
		rc = -ENOENT;
		goto cleanup;
	}
	libbpf_log_on = getenv("WIRELAB_PROBE_DEBUG") != NULL;
	libbpf_set_print(libbpf_log);
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus < 1) {
		rc = p->ncpus < 0 ? p->ncpus : -EINVAL;
		explain(err, errlen, rc, "counting CPUs");
		goto cleanup;
	}
	p->sched = calloc(p->ncpus, sizeof(*p->sched));
	p->tx = calloc(p->ncpus, sizeof(*p->tx));
	p->sys = calloc(p->ncpus, sizeof(*p->sys));
	if (!p->sched || !p->tx || !p->sys) {
		rc = -ENOMEM;
		goto cleanup;
	}
	p->skel = probe_bpf__open();
	if (!p->skel) {
		rc = -errno;
		explain(err, errlen, rc, "opening the BPF object");
		goto cleanup;
	}
	rc = probe_bpf__load(p->skel);
	if (rc < 0) {
		explain(err, errlen, rc, "loading the BPF programs");
		goto cleanup;
	}
	/* .bss is mmap'd after load: the programs see these at once */
	for (int i = 0; i < n; i++)
		p->skel->bss->wl_tgids[i] = (uint32_t)p->pids[i];
	rc = seed_threads(p);
	if (rc < 0) {
		explain(err, errlen, rc, "reading the targets' threads");
		goto cleanup;
	}
	__atomic_store_n(&p->skel->bss->wl_ntgids, (uint32_t)n, __ATOMIC_RELEASE);
	rc = probe_bpf__attach(p->skel);
	if (rc < 0) {
		explain(err, errlen, rc, "attaching the BPF programs");
		goto cleanup;
	}
	visit_cpus();
	*out = p;
	return 0;
cleanup:
	wl_probe_close(p);
	return rc;
}

/* read_sched: every CPU's record, retried while the program was mid-update */
static int read_sched(struct wl_probe *p)
{
	uint32_t zero = 0;

	for (int tries = 0; tries < 1000; tries++) {
		int torn = 0;

		if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.wl_sched), &zero, p->sched) < 0)
			return -errno;
		for (int c = 0; c < p->ncpus; c++)
			torn |= p->sched[c].seq_end != p->sched[c].seq_begin;
		if (!torn)
			return 0;
	}
	return -EAGAIN;
}

int wl_probe_read(struct wl_probe *p, struct wl_probe_snap *s)
{
	uint32_t zero = 0;
	uint64_t now;
	int rc;

	memset(s, 0, sizeof(*s));
	/*
	 * Close every running target slice first: a visit switches each
	 * CPU, so run_ns below holds the scheduler's exact sum up to this
	 * moment, and the per-CPU "still running" records only have to
	 * cover the microseconds since. Those records miss a switch-in now
	 * and then (bpftrace misses the same events; most likely a CPU in
	 * the middle of a bpf() map call runs no tracing programs), which
	 * on a lone busy loop once cost a window 7% of its CPU time.
	 */
	visit_cpus();
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.wl_sys), &zero, p->sys) < 0 ||
	    bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.wl_tx), &zero, p->tx) < 0)
		return -errno;
	rc = read_sched(p);
	if (rc < 0)
		return rc;
	/* bpf_ktime_get_ns() is CLOCK_MONOTONIC: the running threads' share
	 * ends now */
	now = mono_ns();
	s->t_ns = now;
	for (int c = 0; c < p->ncpus; c++) {
		const struct wl_cpu_sched *k = &p->sched[c];
		const struct wl_cpu_tx *t = &p->tx[c];

		for (int i = 0; i < WL_SYS_SLOTS; i++)
			s->syscalls[i] += p->sys[c].n[i];
		s->cpu_ns += k->run_ns;
		if (k->running_tid && now > k->start_ns)
			s->cpu_ns += now - k->start_ns;
		s->ctxsw_vol += k->nvcsw;
		s->ctxsw_invol += k->nivcsw;
		s->tx_packets += t->packets;
		s->tx_segments += t->segments;
		s->tx_bytes += t->bytes;
		s->tx_payload += t->payload;
		s->tx_socks += t->socks;
	}
	for (int i = 0; i < WL_SYS_SLOTS; i++)
		s->syscalls_total += s->syscalls[i];
	return 0;
}

void wl_probe_diff(const struct wl_probe_snap *a, const struct wl_probe_snap *b, struct wl_probe_snap *d)
{
	/* the snapshot is all uint64_t: subtract it field by field */
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;
	uint64_t *z = (uint64_t *)d;

	_Static_assert(sizeof(*d) % sizeof(uint64_t) == 0, "wl_probe_snap holds only uint64_t");
	for (size_t i = 0; i < sizeof(*d) / sizeof(uint64_t); i++)
		z[i] = y[i] - x[i];
}

int wl_probe_alive(struct wl_probe *p, int *gone)
{
	int alive = 0;

	*gone = 0;
	for (int i = 0; i < p->npids; i++) {
		if (!p->gone[i] && proc_gone(p->pids[i])) {
			p->gone[i] = 1;
			if (!*gone)
				*gone = p->pids[i];
		}
		alive += !p->gone[i];
	}
	return alive;
}

const int *wl_probe_pids(const struct wl_probe *p, int *n)
{
	*n = p->npids;
	return p->pids;
}

void wl_probe_close(struct wl_probe *p)
{
	if (!p)
		return;
	probe_bpf__destroy(p->skel);
	free(p->sched);
	free(p->tx);
	free(p->sys);
	free(p);
}
