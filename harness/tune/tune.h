/*
 * tune: whether the machine is set up as a measurement wants it, in the
 * spirit of pyperf's `system tune` (docs/tune.md): the CPU frequency
 * governor, turbo, the NIC's IRQs away from the server's CPUs, irqbalance
 * (and SMT, reported only). tune_check reads; tune_apply sets what can be
 * set, remembering the old values in a state file first; tune_restore
 * writes them back. Every sysfs and procfs path is under one root prefix
 * (WIRELAB_TUNE_ROOT, default "/"), so tests run the logic on a fake tree.
 *
 * tune_calibrate is the sweep's calibration loop: a fixed CPU task timed
 * over and over on one CPU, whose spread is the machine's own noise.
 */
#ifndef WL_TUNE_H
#define WL_TUNE_H
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#define TUNE_MAX_CPUS	1024
#define TUNE_MAX_WRITES 256
#define TUNE_VAL	256

enum tune_status {
	TUNE_OK,     /* as a measurement wants it */
	TUNE_NOT_OK, /* not, and --apply can set it */
	TUNE_CANNOT, /* not settable here (why says why), or not as wanted and not settable */
	TUNE_INFO,   /* reported, never changed (SMT) */
};
extern const char *const tune_status_names[];

/* One file --apply writes: its old bytes exactly as read, the new value.
 * sysfs and procfs paths are short; 512 keeps a setting of 256 writes
 * (a NIC with many queues) near 200 KiB. */
#define TUNE_PATH 512
struct tune_write {
	char path[TUNE_PATH];
	char old[TUNE_VAL];
	char new[64];
};

struct tune_setting {
	const char *name; /* governor, turbo, nic_irqs, irqbalance, smt */
	enum tune_status status;
	char value[1024]; /* what it is now, in words ("powersave on cpu0-1") */
	char want[128];	  /* what a measurement wants ("performance") */
	char why[512];	  /* TUNE_CANNOT: why; TUNE_NOT_OK: what --apply does */
	struct tune_write w[TUNE_MAX_WRITES];
	int nw;
	/* irqbalance: running, how it runs (systemd unit or a pid) */
	int ib_pid, ib_systemd;
};

#define TUNE_NSETTINGS 5
struct tune_result {
	char root[PATH_MAX];
	char server_cpus[64];
	struct tune_setting s[TUNE_NSETTINGS];
	int n;
};

/* The root prefix: $WIRELAB_TUNE_ROOT or "/". */
const char *tune_root(void);
/* buf = root + path (path starts with '/'); -ENAMETOOLONG when it does not fit. */
int tune_path(char *buf, size_t len, const char *path);
/* The file's first len-1 bytes, exactly; -errno. */
int tune_read(const char *path, char *buf, size_t len);
/* The same with trailing whitespace cut. */
int tune_read_trim(const char *path, char *buf, size_t len);
/* Write s to path (truncating); -errno (EIO for an IRQ the kernel manages). */
int tune_write_file(const char *path, const char *s);
/* One more file for --apply to write (old: its bytes as read); a path
 * longer than TUNE_PATH is not taken (it would be written truncated). */
void tune_add_write(struct tune_setting *s, const char *path, const char *old, const char *new);
/* A CPU list ("0-3,8") into flags cpus[0..TUNE_MAX_CPUS); -EINVAL. */
int tune_cpus_parse(const char *s, unsigned char *cpus);
/* flags back to a list; "" when none. */
void tune_cpus_format(const unsigned char *cpus, char *buf, size_t len);

/* Each check fills one setting (tune_cpufreq.c, tune_irq.c, tune_irqbalance.c). */
void tune_check_governor(struct tune_setting *s);
void tune_check_turbo(struct tune_setting *s);
void tune_check_smt(struct tune_setting *s);
void tune_check_irqs(struct tune_setting *s, const unsigned char *server);
/* The IRQs of network interface ifname (paths under the root): its
 * device's MSI vectors (a virtio NIC's are its PCI parent's), else its
 * legacy line, and the /proc/interrupts lines naming the interface, its
 * virtio device or its PCI address. Up to max into nrs, each once; the
 * count (0: none, or no device: loopback, veth). run.json's machine
 * (sweep_machine_nic.c) reads the same IRQs. */
int tune_nic_irqs(const char *ifname, int *nrs, int max);
void tune_check_irqbalance(struct tune_setting *s);
/* irqbalance: stop it (0, or -errno with why), start it again. */
int tune_irqbalance_stop(const struct tune_setting *s, char *why, size_t len);
int tune_irqbalance_start(int systemd, json_t *argv, char *why, size_t len);
/* Its command line (run.json-style array), to start it as it ran. */
json_t *tune_irqbalance_argv(int pid);

/* Every setting against server_cpus (a CPU list; -EINVAL with err when it
 * is not one). */
int tune_check(const char *server_cpus, struct tune_result *r, char *err, size_t errlen);
/* 1 when every setting that can be set is as wanted. */
int tune_all_ok(const struct tune_result *r);
/* The findings as run.json's `tune` object (NULL when out of memory). */
json_t *tune_json(const struct tune_result *r);
/* One line per setting (check's output). */
void tune_print(FILE *f, const struct tune_result *r);

/* The default state file: ROOT/var/lib/wirelab/tune.json as root, else
 * $XDG_STATE_HOME (or ~/.local/state)/wirelab/tune.json. */
void tune_state_default(char *buf, size_t len);
/* --apply: refuse when state exists (unless force), write the old values
 * there, then set each; prints what it changed and what it could not.
 * Returns the exit status (0 all set, 1 some not, 2 refused/error). */
int tune_apply(struct tune_result *r, const char *state, int force);
/* --restore: write back what state remembers, remove it; exit status. */
int tune_restore(const char *state);

/* The calibration loop on CPU cpu: at most max_s seconds in all, and
 * no further loop once *stop (a signal handler's flag; may be NULL) is
 * set. The run.json `calibration` object, or NULL with err written. */
json_t *tune_calibrate(int cpu, double max_s, const volatile sig_atomic_t *stop, char *err, size_t errlen);
/* The loopback part of it: TCP round trips of one byte between a thread
 * on srv_cpu and one on cli_cpu, timed in batches; the object to put in
 * `calibration` as "loopback", or NULL with err written. */
json_t *tune_calibrate_loopback(int srv_cpu, int cli_cpu, double max_s, const volatile sig_atomic_t *stop,
				char *err, size_t errlen);
/* v[0..n) seconds into j: median, mean, min, max (in ms, or us when us),
 * CV, MAD/median, the robust CV (1.4826 MAD/median) and the noise floor
 * (twice the robust CV), each key with prefix, and prefix + times_ms|us. */
#define TUNE_STATS_MAX 64
void tune_put_stats(json_t *j, const char *prefix, const double *v, int n, int us);
/* The noise floor of a rate or latency: the larger of the CPU loop's
 * wall-time floor and the loopback round trip's (a request takes both). */
double tune_rate_floor(json_t *calibration);
/* One line on it ("median 31.2 ms, CV 1.2% ..."). */
void tune_calibration_line(json_t *c, char *buf, size_t len);
#endif
