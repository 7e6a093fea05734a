/*
 * tune_irqbalance: irqbalance moves IRQs between CPUs every few seconds,
 * so it would put the NIC's IRQs back on the server's CPUs in the middle
 * of a sweep. --apply stops it (its systemd unit, or its pid where systemd
 * is not init), --restore starts it again only when tune stopped it.
 * Under a fake root (WIRELAB_TUNE_ROOT) no real process is touched.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tune.h"

static int real_root(void)
{
	return !strcmp(tune_root(), "/");
}

/* A process that has exited but not been reaped (a zombie) is gone. */
static int zombie(const char *proc, const char *pid)
{
	char path[PATH_MAX + 300], buf[512], *p;

	snprintf(path, sizeof(path), "%s/%s/stat", proc, pid);
	if (tune_read(path, buf, sizeof(buf)) || !(p = strrchr(buf, ')')))
		return 0;
	return p[1] == ' ' && p[2] == 'Z';
}

static int find_pid(void)
{
	char path[PATH_MAX], sub[PATH_MAX + 300], comm[64];
	struct dirent *e;
	DIR *d;
	int pid = 0;

	if (tune_path(path, sizeof(path), "/proc") || !(d = opendir(path)))
		return 0;
	while (!pid && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s/comm", path, e->d_name);
		if (!tune_read_trim(sub, comm, sizeof(comm)) && !strcmp(comm, "irqbalance") &&
		    !zombie(path, e->d_name))
			pid = atoi(e->d_name);
	}
	closedir(d);
	return pid;
}

void tune_check_irqbalance(struct tune_setting *s)
{
	s->name = "irqbalance";
	snprintf(s->want, sizeof(s->want), "not running");
	s->ib_pid = find_pid();
	/* systemd as init: the unit is what starts it again, so stop the unit */
	s->ib_systemd = real_root() && !access("/run/systemd/system", F_OK) &&
			!system("systemctl is-active --quiet irqbalance 2>/dev/null");
	if (!s->ib_pid && !s->ib_systemd) {
		s->status = TUNE_OK;
		snprintf(s->value, sizeof(s->value), "not running");
		return;
	}
	snprintf(s->value, sizeof(s->value), "running (%s%.0d)", s->ib_systemd ? "systemd unit" : "pid ",
		 s->ib_systemd ? 0 : s->ib_pid);
	if (!real_root()) {
		s->status = TUNE_CANNOT;
		snprintf(s->why, sizeof(s->why),
			 "a fake root (WIRELAB_TUNE_ROOT): tune stops no real process");
		return;
	}
	s->status = TUNE_NOT_OK;
	snprintf(s->why, sizeof(s->why), "it would move the IRQs back; wirelab tune --apply stops it");
}

json_t *tune_irqbalance_argv(int pid)
{
	char path[64], buf[4096];
	json_t *a = json_array();
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if (!a || !(f = fopen(path, "r")))
		return a;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
		json_array_append_new(a, json_string(buf + i));
	return a;
}

int tune_irqbalance_stop(const struct tune_setting *s, char *why, size_t len)
{
	char pid[16];

	if (s->ib_systemd) {
		if (system("systemctl stop irqbalance")) {
			snprintf(why, len, "systemctl stop irqbalance failed");
			return -EIO;
		}
		return 0;
	}
	if (kill(s->ib_pid, SIGTERM)) {
		int ret = -errno;
		snprintf(why, len, "kill %d: %s", s->ib_pid, strerror(errno));
		return ret;
	}
	/* it exits within a moment; wait up to 2 s so the check after sees it gone */
	snprintf(pid, sizeof(pid), "%d", s->ib_pid);
	for (int i = 0; i < 200 && !kill(s->ib_pid, 0) && !zombie("/proc", pid); i++)
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	return 0;
}

int tune_irqbalance_start(int systemd, json_t *argv, char *why, size_t len)
{
	const char *args[64];
	size_t n = 0, i;
	json_t *v;
	int st;
	pid_t pid;

	if (systemd) {
		if (system("systemctl start irqbalance")) {
			snprintf(why, len, "systemctl start irqbalance failed");
			return -EIO;
		}
		return 0;
	}
	/* without --foreground it forks into the background itself, so the
	 * child returns at once (a supervisor that ran it in the foreground is
	 * not ours to replace) */
	json_array_foreach(argv, i, v)
	{
		const char *a = json_string_value(v);
		if (n < 63 && a && strcmp(a, "-f") && strcmp(a, "--foreground"))
			args[n++] = a;
	}
	if (!n)
		args[n++] = "irqbalance";
	args[n] = NULL;
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return -errno;
	}
	if (!pid) {
		/* a daemon holds none of our output: whoever reads it would wait
		 * for the daemon's end */
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			if (null > 2)
				close(null);
		}
		setsid();
		execvp(args[0], (char *const *)args);
		_exit(127);
	}
	/* a daemonizing irqbalance exits 0 at once; one that stays in the
	 * foreground is running after 2 s, which is started too */
	for (int k = 0; k < 200; k++) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid && WIFEXITED(st) && !WEXITSTATUS(st))
			return 0;
		if (w == pid || w < 0) {
			snprintf(why, len, "%s did not start (exit %d)", args[0],
				 w == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			return -EIO;
		}
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	}
	return 0;
}
