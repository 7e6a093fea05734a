/*
 * profile_bpf: load profile.bpf.c's skeleton, open a sampling perf event
 * on every CPU, and start and stop a window. See profile.h for the API.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common_clock.h"
#include "profile.skel.h"
#include "profile_int.h"

static int libbpf_log_on;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!libbpf_log_on || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * proc_state: pid's process (Tgid) and its state letter from
 * /proc/PID/status; -ESRCH when there is no such pid.
 */
static int proc_state(int pid, int *tgid, char *state)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -ESRCH;
	*tgid = -1;
	*state = '?';
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "State: %c", state);
		sscanf(line, "Tgid: %d", tgid);
	}
	fclose(f);
	return *tgid > 0 ? 0 : -ESRCH;
}

/* cpu_now: the targets' CPU time so far, summed; -errno if one cannot be read */
static int cpu_now(const struct wl_profile *p, uint64_t *ns)
{
	*ns = 0;
	for (int i = 0; i < p->npids; i++) {
		struct timespec ts;
		clockid_t clk;

		/* a process's CPU clock: all its threads, live and exited */
		if (clock_getcpuclockid(p->pids[i], &clk) || clock_gettime(clk, &ts) < 0)
			return -ESRCH;
		*ns += (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	}
	return 0;
}

static int perf_open(int hw, int hz, int cpu)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.disabled = 1;
	if (hw) {
		/* cycles in frequency mode: the kernel tunes the period to hz
		 * samples per second of busy CPU */
		a.type = PERF_TYPE_HARDWARE;
		a.config = PERF_COUNT_HW_CPU_CYCLES;
		a.freq = 1;
		a.sample_freq = (uint64_t)hz;
	} else {
		/* the CPU clock: a sample every 1/hz s of time on the CPU, so
		 * a target's samples times the period is its CPU time */
		a.type = PERF_TYPE_SOFTWARE;
		a.config = PERF_COUNT_SW_CPU_CLOCK;
		a.sample_period = 1000000000ull / (uint64_t)hz;
	}
	return (int)syscall(__NR_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static void explain_perf(char *err, size_t errlen, int e, int hz)
{
	switch (e) {
	case ENOSYS:
		snprintf(err, errlen,
			 "perf_event_open: not implemented: this kernel has no perf events "
			 "(CONFIG_PERF_EVENTS), which sampling needs");
		break;
	case ENOENT:
	case EOPNOTSUPP:
		snprintf(
			err, errlen,
			"perf_event_open: this kernel has no CPU-clock perf event (%s), which sampling needs",
			strerror(e));
		break;
	case EACCES:
	case EPERM:
		snprintf(err, errlen,
			 "perf_event_open: permission denied: sampling every CPU needs root (or CAP_PERFMON; "
			 "kernel.perf_event_paranoid allows less)");
		break;
	case EINVAL:
		snprintf(err, errlen,
			 "perf_event_open: the kernel refused %d Hz (kernel.perf_event_max_sample_rate?)",
			 hz);
		break;
	default:
		snprintf(err, errlen, "perf_event_open: %s", strerror(e));
	}
}

static void explain_bpf(char *err, size_t errlen, int rc, const char *what)
{
	if ((rc == -EPERM || rc == -EACCES) && geteuid() != 0)
		snprintf(err, errlen,
			 "%s: permission denied: the profiler needs root (or CAP_BPF and CAP_PERFMON)", what);
	else
		snprintf(err, errlen, "%s: %s (WIRELAB_PROBE_DEBUG=1 prints libbpf's log)", what,
			 strerror(-rc));
}

/* open_events: one sampling event per online CPU, cycles if the PMU has them */
static int open_events(struct wl_profile *p, int hz, char *err, size_t errlen)
{
	int hw = 1, fd;

	p->pfd = calloc((size_t)p->ncpus, sizeof(*p->pfd));
	p->link = calloc((size_t)p->ncpus, sizeof(*p->link));
	if (!p->pfd || !p->link)
		return -ENOMEM;
	for (int cpu = 0; cpu < p->ncpus; cpu++) {
		fd = perf_open(hw, hz, cpu);
		if (fd < 0 && hw && p->npfd == 0 && errno != ENODEV) {
			/* no PMU (a VM without one): the timer, on every CPU */
			hw = 0;
			fd = perf_open(hw, hz, cpu);
		}
		if (fd < 0 && errno == ENODEV)
			continue; /* an offline CPU */
		if (fd < 0) {
			int e = errno;

			explain_perf(err, errlen, e, hz);
			return -e;
		}
		p->pfd[p->npfd++] = fd;
	}
	if (!p->npfd) {
		snprintf(err, errlen, "perf_event_open: no online CPU accepted a sampling event");
		return -ENODEV;
	}
	snprintf(p->info.event, sizeof(p->info.event), "%s", hw ? "cycles" : "cpu-clock");
	p->info.ncpus = p->npfd;
	return 0;
}

int wl_profile_open(const int *pids, int npids, int hz, struct wl_profile **out, char *err, size_t errlen)
{
	struct wl_profile *p = NULL;
	int rc = 0, n = 0;

	*out = NULL;
	snprintf(err, errlen, "no error");
	if (!hz)
		hz = WL_PROFILE_HZ_DEFAULT;
	if (hz < 1 || hz > WL_PROFILE_HZ_MAX) {
		snprintf(err, errlen, "a sampling rate of %d Hz is outside 1..%d", hz, WL_PROFILE_HZ_MAX);
		return -EINVAL;
	}
	if (npids < 1 || npids > WL_PROF_MAX_TGIDS) {
		snprintf(err, errlen, "between 1 and %d pids, not %d", WL_PROF_MAX_TGIDS, npids);
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (int i = 0; i < npids; i++) {
		int t, dup = 0;
		char st = '?';

		if (proc_state(pids[i], &t, &st) < 0 || st == 'Z' || st == 'X') {
			snprintf(err, errlen, "no process with pid %d%s", pids[i],
				 st == 'Z' || st == 'X' ? " (it has exited)" : "");
			rc = -ESRCH;
			goto cleanup;
		}
		for (int j = 0; j < n; j++)
			dup |= p->pids[j] == t;
		if (!dup)
			p->pids[n++] = t;
	}
	p->npids = n;
	p->info.hz = hz;
	p->info.period_us = 1e6 / hz;
	wl_vm_detect(&p->info.vm);
	libbpf_log_on = getenv("WIRELAB_PROBE_DEBUG") != NULL;
	libbpf_set_print(libbpf_log);
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus < 1) {
		rc = p->ncpus < 0 ? p->ncpus : -EINVAL;
		explain_bpf(err, errlen, rc, "counting CPUs");
		goto cleanup;
	}
	/* perf events first: without them nothing else matters */
	rc = open_events(p, hz, err, errlen);
	if (rc < 0)
		goto cleanup;
	/*
	 * A timer cannot fire while interrupts are off, so timer samples pile
	 * up where they are re-enabled; in a VM even cycles may be timer-like.
	 */
	p->info.irq_reattribute = p->info.vm.detected || !strcmp(p->info.event, "cpu-clock");
	p->skel = profile_bpf__open();
	if (!p->skel) {
		rc = -errno;
		explain_bpf(err, errlen, rc, "opening the BPF object");
		goto cleanup;
	}
	rc = profile_bpf__load(p->skel);
	if (rc < 0) {
		explain_bpf(err, errlen, rc, "loading the BPF program");
		goto cleanup;
	}
	for (int i = 0; i < n; i++)
		p->skel->bss->wl_tgids[i] = (uint32_t)p->pids[i];
	for (int i = 0; i < p->npfd; i++) {
		p->link[i] = bpf_program__attach_perf_event(p->skel->progs.wl_profile_sample, p->pfd[i]);
		if (!p->link[i]) {
			rc = -errno;
			explain_bpf(err, errlen, rc, "attaching the BPF program to a perf event");
			goto cleanup;
		}
		/* attaching enables the event; the window starts at wl_profile_start */
		ioctl(p->pfd[i], PERF_EVENT_IOC_DISABLE, 0);
	}
	p->usyms = wl_usyms_new();
	if (!p->usyms) {
		rc = -ENOMEM;
		goto cleanup;
	}
	*out = p;
	return 0;
cleanup:
	wl_profile_close(p);
	return rc;
}

/* clear_map: delete every key (a window starts empty) */
static void clear_map(int fd, size_t key_size)
{
	char key[64], next[64];

	if (key_size > sizeof(key))
		return;
	while (!bpf_map_get_next_key(fd, NULL, next)) {
		memcpy(key, next, key_size);
		if (bpf_map_delete_elem(fd, key) < 0)
			break;
	}
}

int wl_profile_start(struct wl_profile *p)
{
	struct wl_prof_stats *zero = calloc((size_t)p->ncpus, sizeof(*zero));
	uint32_t k = 0;

	if (!zero)
		return -ENOMEM;
	if (p->running) {
		free(zero);
		return -EBUSY;
	}
	clear_map(bpf_map__fd(p->skel->maps.wl_prof_samples), sizeof(struct wl_prof_key));
	bpf_map_update_elem(bpf_map__fd(p->skel->maps.wl_prof_stats), &k, zero, BPF_ANY);
	free(zero);
	wl_folded_free(&p->folded);
	/* names of what is mapped now, in case a target exits before stop */
	for (int i = 0; i < p->npids; i++)
		wl_usyms_read_maps(p->usyms, p->pids[i]);
	__atomic_store_n(&p->skel->bss->wl_ntgids, (uint32_t)p->npids, __ATOMIC_RELEASE);
	p->cpu_ok = cpu_now(p, &p->cpu_start) == 0;
	p->t_start = wl_mono_ns();
	for (int i = 0; i < p->npfd; i++)
		if (ioctl(p->pfd[i], PERF_EVENT_IOC_ENABLE, 0) < 0)
			return -errno;
	p->running = 1;
	return 0;
}

/* read_stats: the program's per-CPU counters, summed */
static int read_stats(struct wl_profile *p)
{
	struct wl_prof_stats *s = calloc((size_t)p->ncpus, sizeof(*s));
	uint32_t k = 0;
	int rc = 0;

	if (!s)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.wl_prof_stats), &k, s) < 0) {
		rc = -errno;
	} else {
		p->info.samples = p->info.kstack_errors = p->info.lost = p->info.prog_ns = 0;
		for (int c = 0; c < p->ncpus; c++) {
			p->info.samples += s[c].samples;
			p->info.prog_ns += s[c].prog_ns;
			p->info.kstack_errors += s[c].kstack_err;
			p->info.lost += s[c].counts_full;
		}
	}
	free(s);
	return rc;
}

/* halt: stop every event; once the ioctl returns no sample is in flight on that CPU */
static void halt(struct wl_profile *p)
{
	for (int i = 0; i < p->npfd; i++)
		ioctl(p->pfd[i], PERF_EVENT_IOC_DISABLE, 0);
	if (p->skel && p->skel->bss)
		__atomic_store_n(&p->skel->bss->wl_ntgids, 0, __ATOMIC_RELEASE);
	p->running = 0;
}

int wl_profile_stop(struct wl_profile *p, char *err, size_t errlen)
{
	struct wl_ksyms *ks = NULL;
	char kerr[256];
	uint64_t cpu;
	int rc;

	if (!p->running) {
		snprintf(err, errlen, "the profile was not started");
		return -EINVAL;
	}
	halt(p);
	p->info.t_ns = wl_mono_ns() - p->t_start;
	p->info.cpu_ns = p->cpu_ok && !cpu_now(p, &cpu) && cpu > p->cpu_start ? cpu - p->cpu_start : 0;
	rc = read_stats(p);
	if (rc < 0) {
		snprintf(err, errlen, "reading the sample counters: %s", strerror(-rc));
		return rc;
	}
	for (int i = 0; i < p->npids; i++)
		wl_usyms_read_maps(p->usyms, p->pids[i]); /* a gone target keeps start's */
	if (wl_ksyms_load(&ks, kerr, sizeof(kerr)) < 0)
		fprintf(stderr, "wirelab profile: %s\n", kerr); /* frames stay "[unknown]" */
	rc = wl_profile_fold(p, ks);
	wl_ksyms_free(ks);
	p->info.us_per_sample = p->info.cpu_ns && p->info.counted
					? p->info.cpu_ns / 1e3 / (double)p->info.counted
					: p->info.period_us;
	if (rc < 0)
		snprintf(err, errlen, "reading the samples: %s", strerror(-rc));
	return rc;
}

const struct wl_folded *wl_profile_folded(const struct wl_profile *p)
{
	return &p->folded;
}

const struct wl_profile_info *wl_profile_info(const struct wl_profile *p)
{
	return &p->info;
}

int wl_profile_alive(struct wl_profile *p, int *gone)
{
	int alive = 0;

	*gone = 0;
	for (int i = 0; i < p->npids; i++) {
		int t;
		char st = '?';

		if (!p->gone[i] && (proc_state(p->pids[i], &t, &st) < 0 || st == 'Z' || st == 'X')) {
			p->gone[i] = 1;
			if (!*gone)
				*gone = p->pids[i];
		}
		alive += !p->gone[i];
	}
	return alive;
}

const int *wl_profile_pids(const struct wl_profile *p, int *n)
{
	*n = p->npids;
	return p->pids;
}

void wl_profile_close(struct wl_profile *p)
{
	if (!p)
		return;
	halt(p);
	for (int i = 0; i < p->npfd; i++) {
		/* an attached link owns (and closes) its perf event */
		if (p->link[i])
			bpf_link__destroy(p->link[i]);
		else
			close(p->pfd[i]);
	}
	profile_bpf__destroy(p->skel);
	free(p->pfd);
	free(p->link);
	wl_usyms_free(p->usyms);
	wl_folded_free(&p->folded);
	free(p);
}
