/*
 * topo_vm: `--topology vm` runs the whole sweep inside the lab VM
 * (scripts/labvm: Debian's stock kernel under QEMU, loopback only), for
 * kernel features the host lacks (kTLS). On the host, sweep_vm_run starts
 * the VM with build/wirelab and the wrk script added, runs the same sweep
 * there with --out in the guest, and copies the guest's points.csv,
 * syscalls.csv and run.json out of its console output into --out. Inside
 * the guest ($WL_ACCEL is set by labvm's init) the vm topology is loopback
 * with the figures labelled vm. Rows reach the host only when the VM ends,
 * so an interrupted vm sweep keeps nothing; resume is not supported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "topo.h"

int topo_vm_inside(void)
{
	return getenv("WL_ACCEL") != NULL && !access("/wl/.cmd", R_OK);
}

/* Append ' arg' single-quoted for the guest's sh. */
static int add_arg(char *cmd, size_t len, const char *a)
{
	size_t n = strlen(cmd);

	if (n + 4 + 4 * strlen(a) >= len)
		return -E2BIG;
	cmd[n++] = ' ';
	cmd[n++] = '\'';
	for (; *a; a++) {
		if (*a == '\'') {
			memcpy(cmd + n, "'\\''", 4);
			n += 4;
		} else
			cmd[n++] = *a;
	}
	cmd[n++] = '\'';
	cmd[n] = 0;
	return 0;
}

int sweep_vm_run(const struct sweep_opts *o)
{
	char cmd[8192] = "build/wirelab sweep", top[PATH_MAX], labvm[PATH_MAX + 32], line[8192],
	     path[PATH_MAX + 64];
	FILE *p, *out = NULL;
	int ret = 1, files = 0, status;

	if (snprintf(top, sizeof(top), "%s/..", o->build) >= (int)sizeof(top))
		return 2;
	if (snprintf(labvm, sizeof(labvm), "%s/scripts/labvm", top) >= (int)sizeof(labvm) ||
	    access(labvm, X_OK)) {
		fprintf(stderr,
			"wirelab sweep: --topology vm needs scripts/labvm next to the build folder\n");
		return 2;
	}
	/* the same options, minus where results go (the guest's /tmp) */
	for (int i = 1; i < o->argc; i++) {
		if (!strcmp(o->argv[i], "--out") || !strcmp(o->argv[i], "--build")) {
			i++;
			continue;
		}
		if (add_arg(cmd, sizeof(cmd), o->argv[i]))
			return 2;
		/* a workload file: labvm copies it to /wl/<its path> (below) */
		if (!strcmp(o->argv[i], "--workload") && i + 1 < o->argc) {
			char guest[PATH_MAX + 8];
			char *abs = realpath(o->argv[++i], NULL);
			snprintf(guest, sizeof(guest), "/wl%s", abs ? abs : o->argv[i]);
			free(abs);
			if (add_arg(cmd, sizeof(cmd), guest))
				return 2;
		}
	}
	strncat(cmd,
		" --out /tmp/run; s=$?; for f in points.csv syscalls.csv run.json; do echo \"WL-FILE $f\"; "
		"cat /tmp/run/$f 2>/dev/null; done; echo WL-FILE-END; exit $s",
		sizeof(cmd) - strlen(cmd) - 1);
	if (mkdir(o->out, 0755) && errno != EEXIST) {
		fprintf(stderr, "wirelab sweep: --out %s: %s\n", o->out, strerror(errno));
		return 2;
	}
	printf("wirelab sweep: --topology vm: the sweep runs inside scripts/labvm (minutes to boot under "
	       "TCG); "
	       "results copied to %s when it ends\n",
	       o->out);
	fflush(stdout);
	char run[PATH_MAX * 2 + 9000], adds[SWEEP_MAX_MIXES * (PATH_MAX + 16) + 64] = "";
	/* --load closed|open: the load generator and the workload files too */
	if (o->load.kind != SWEEP_LOAD_WRK)
		strcat(adds, " --add build/wirelab-load");
	for (int m = 0; m < o->load.nmixes; m++)
		snprintf(adds + strlen(adds), sizeof(adds) - strlen(adds), " --add '%s'",
			 o->load.mixes[m].path);
	snprintf(run, sizeof(run),
		 "cd '%s' && scripts/labvm --add build/wirelab --add build/wrk-summary.lua%s -- \"$0\"", top,
		 adds);
	const char *argv[] = {"/bin/sh", "-c", run, cmd, NULL};
	int fds[2];
	if (pipe(fds))
		return 1;
	pid_t pid = fork();
	if (!pid) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv("/bin/sh", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	p = fdopen(fds[0], "r");
	while (p && fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\r")] = 0; /* the serial console adds CRs */
		if (!strncmp(line, "WL-FILE", 7)) {
			if (out)
				fclose(out);
			out = NULL;
			if (!strncmp(line, "WL-FILE ", 8)) {
				char *nl = strchr(line, '\n');
				if (nl)
					*nl = 0;
				snprintf(path, sizeof(path), "%s/%.40s", o->out, line + 8);
				out = fopen(path, "w");
				files += out != NULL;
			}
			continue;
		}
		if (out) {
			/* the guest's loopback is the vm topology */
			fputs(line, out);
			if (!strchr(line, '\n'))
				fputc('\n', out);
		} else
			fputs(line, stdout);
	}
	if (out)
		fclose(out);
	if (p)
		fclose(p);
	waitpid(pid, &status, 0);
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	if (files < 3)
		fprintf(stderr, "wirelab sweep: the VM gave back %d of 3 result files\n", files);
	else if (!ret)
		printf("wirelab sweep: vm results in %s\n", o->out);
	return files < 3 && !ret ? 1 : ret;
}
