/*
 * sweep_proc: the sweep's child processes (each in its own process group,
 * optionally in a network namespace and pinned), its clock, and the stop
 * flag Ctrl-C and SIGTERM set.
 */
#ifndef WL_SWEEP_PROC_H
#define WL_SWEEP_PROC_H
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* Ctrl-C / SIGTERM: set once, checked between steps; children are killed. */
extern volatile sig_atomic_t sweep_stop;
void sweep_signals(void);

struct sweep_child_spec {
	const char *const *argv; /* argv[0] found on PATH */
	const char *netns;	 /* setns into /run/netns/<netns>, or NULL */
	const int *cpus;	 /* affinity, or NULL */
	int ncpus;
	const char *out_path, *err_path; /* stdout / stderr files (NULL: /dev/null) */
	const char *cwd;
};
/* The child's pid, or -errno when fork failed. */
pid_t sweep_spawn(const struct sweep_child_spec *s);
/* Wait for pid up to timeout_ms (or sweep_stop); 1 exited (*status set),
 * 0 still running. */
int sweep_wait(pid_t pid, int timeout_ms, int *status);
/* SIGTERM the group, then SIGKILL after grace_ms; reaps. Returns the status. */
int sweep_kill(pid_t pid, int grace_ms);
/* Run a shell command; 0, or -errno with what failed in err (-EIO: the
 * command exited non-zero, its last stderr line in err). */
int sweep_sh(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The last non-empty line of a file (at most len-1 bytes). */
void sweep_tail(const char *path, char *buf, size_t len);
double sweep_now(void);
void sweep_sleep_ms(int ms);
/* "exit 3", "signal 11 (Segmentation fault)" */
void sweep_status_str(int status, char *buf, size_t len);
#endif
