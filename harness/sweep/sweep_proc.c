/*
 * sweep_proc: the sweep's child processes. Each runs in its own process
 * group (so a kill reaches wrk's shell and its children, and a terminal's
 * Ctrl-C reaches only the harness, which tears down in order), optionally
 * inside a network namespace and pinned to CPUs.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sweep_proc.h"

volatile sig_atomic_t sweep_stop;

static void on_signal(int sig)
{
	sweep_stop = sig;
}

/* No SA_RESTART: a blocking wait returns at once so teardown starts. */
void sweep_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

double sweep_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sweep_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void redirect(int fd, const char *path, int flags)
{
	int f = open(path ? path : "/dev/null", flags, 0644);

	if (f >= 0 && f != fd) {
		dup2(f, fd);
		close(f);
	}
}

pid_t sweep_spawn(const struct sweep_child_spec *s)
{
	pid_t pid = fork();

	if (pid)
		return pid < 0 ? -errno : pid;
	/* child: default signals, own group, namespace, CPUs, files, exec */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	if (s->netns && *s->netns) {
		char path[128];
		snprintf(path, sizeof(path), "/run/netns/%s", s->netns);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET)) {
			fprintf(stderr, "wirelab sweep: setns %s: %s\n", path, strerror(errno));
			_exit(126);
		}
		close(fd);
	}
	if (s->cpus && s->ncpus > 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		for (int i = 0; i < s->ncpus; i++)
			CPU_SET(s->cpus[i], &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	if (s->cwd && chdir(s->cwd))
		_exit(126);
	redirect(0, NULL, O_RDONLY);
	redirect(1, s->out_path, O_WRONLY | O_CREAT | O_TRUNC);
	redirect(2, s->err_path, O_WRONLY | O_CREAT | O_TRUNC);
	execvp(s->argv[0], (char *const *)s->argv);
	fprintf(stderr, "wirelab sweep: exec %s: %s\n", s->argv[0], strerror(errno));
	_exit(127);
}

int sweep_wait(pid_t pid, int timeout_ms, int *status)
{
	double end = sweep_now() + timeout_ms / 1000.0;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))
			return 1;
		if (sweep_stop || sweep_now() >= end)
			return 0;
		sweep_sleep_ms(5);
	}
}

int sweep_kill(pid_t pid, int grace_ms)
{
	int status = 0;

	if (pid <= 0)
		return 0;
	kill(-pid, SIGTERM);
	kill(pid, SIGTERM);
	/* sweep_wait returns early while sweep_stop is set: wait by hand */
	for (double end = sweep_now() + grace_ms / 1000.0; sweep_now() < end; sweep_sleep_ms(5)) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD)) {
			kill(-pid, SIGKILL); /* stragglers of the group */
			return status;
		}
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

void sweep_tail(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	buf[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	fclose(f);
}

int sweep_sh(char *err, size_t errlen, const char *fmt, ...)
{
	char cmd[2048], errf[] = "/tmp/wirelab-sh-XXXXXX";
	int fd = mkstemp(errf), status;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (fd >= 0)
		close(fd);
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	struct sweep_child_spec s = {.argv = argv, .err_path = fd >= 0 ? errf : NULL};
	pid = sweep_spawn(&s);
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror((int)-pid));
		if (fd >= 0)
			unlink(errf);
		return (int)pid;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char tail[512];
		sweep_tail(errf, tail, sizeof(tail));
		snprintf(err, errlen, "'%s' failed: %s", cmd, tail[0] ? tail : "no message");
		unlink(errf);
		return -EIO;
	}
	unlink(errf);
	return 0;
}

void sweep_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "status 0x%x", status);
}
