/*
 * tune_cpufreq: the CPU frequency settings. A governor other than
 * performance and turbo (or boost) make a CPU's speed follow its load and
 * temperature, so the same work takes a different time from one window to
 * the next (pyperf's `system tune` sets both the same way). SMT is only
 * reported: turning siblings off changes the machine, not a setting.
 */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "tune.h"

/* The CPU flags say hypervisor: a VM, whose host owns the frequency. */
static int is_vm(void)
{
	char path[PATH_MAX], buf[8192];

	if (tune_path(path, sizeof(path), "/proc/cpuinfo") || tune_read(path, buf, sizeof(buf)))
		return 0;
	return strstr(buf, " hypervisor") != NULL;
}

/* The CPU number in ".../cpu12/cpufreq/..." (-1 when none). */
static int cpu_of(const char *path)
{
	const char *p = strstr(path, "/cpu/cpu");

	return p ? atoi(p + 8) : -1;
}

void tune_check_governor(struct tune_setting *s)
{
	char pat[PATH_MAX], cur[TUNE_VAL], avail[TUNE_VAL], apath[PATH_MAX + 32], list[256];
	/* a few distinct governors at most: each with its CPUs */
	char names[8][64];
	unsigned char *sets = calloc(8, TUNE_MAX_CPUS);
	int nnames = 0, bad = 0, unsettable = 0;
	glob_t g = {0};

	s->name = "governor";
	snprintf(s->want, sizeof(s->want), "performance on every CPU");
	if (!sets ||
	    tune_path(pat, sizeof(pat), "/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor") ||
	    glob(pat, 0, NULL, &g) || !g.gl_pathc) {
		s->status = TUNE_CANNOT;
		snprintf(s->value, sizeof(s->value), "not available");
		snprintf(s->why, sizeof(s->why), "%s",
			 is_vm() ? "no cpufreq: a virtual machine's host sets the frequency"
				 : "no cpufreq driver: the firmware or the host sets the frequency");
		goto out;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		int c = cpu_of(g.gl_pathv[i]), k;
		char old[TUNE_VAL];
		if (tune_read(g.gl_pathv[i], old, sizeof(old)) < 0)
			continue;
		snprintf(cur, sizeof(cur), "%s", old);
		cur[strcspn(cur, " \t\n")] = 0;
		for (k = 0; k < nnames && strcmp(names[k], cur); k++)
			;
		if (k == nnames && nnames < 8)
			snprintf(names[nnames++], sizeof(names[0]), "%.63s", cur);
		if (k < 8 && c >= 0 && c < TUNE_MAX_CPUS)
			sets[k * TUNE_MAX_CPUS + c] = 1;
		if (!strcmp(cur, "performance"))
			continue;
		bad++;
		/* the governors offered sit beside scaling_governor */
		snprintf(apath, sizeof(apath), "%.*s/scaling_available_governors",
			 (int)(strrchr(g.gl_pathv[i], '/') - g.gl_pathv[i]), g.gl_pathv[i]);
		if (tune_read(apath, avail, sizeof(avail)) < 0 || !strstr(avail, "performance")) {
			unsettable++;
			continue;
		}
		tune_add_write(s, g.gl_pathv[i], old, "performance");
	}
	size_t o = 0;
	for (int k = 0; k < nnames; k++) {
		tune_cpus_format(sets + k * TUNE_MAX_CPUS, list, sizeof(list));
		if (o < sizeof(s->value))
			o += snprintf(s->value + o, sizeof(s->value) - o, "%s%s on cpu%s", k ? ", " : "",
				      names[k], list);
	}
	/* the CPUs that can be set are set even when others cannot */
	if (!bad)
		s->status = TUNE_OK;
	else if (s->nw) {
		s->status = TUNE_NOT_OK;
		snprintf(s->why, sizeof(s->why), "wirelab tune --apply sets performance%s",
			 unsettable ? " where it can" : "");
	} else
		s->status = TUNE_CANNOT;
	if (unsettable) {
		size_t n = strlen(s->why);
		snprintf(s->why + n, sizeof(s->why) - n,
			 "%sthe cpufreq driver offers no performance governor on %d CPU(s) "
			 "(scaling_available_governors)",
			 n ? "; " : "", unsettable);
	}
out:
	globfree(&g);
	free(sets);
}

/* One turbo switch file (rel, under the root), off when it reads off:
 * the setting's value from it and, when on, the write that turns it off
 * (old kept byte for byte for --restore). 0: no such switch here. */
static int turbo_switch(struct tune_setting *s, const char *rel, const char *off, const char *label)
{
	char path[PATH_MAX], old[TUNE_VAL], cur[TUNE_VAL];

	if (tune_path(path, sizeof(path), rel) || tune_read(path, old, sizeof(old)))
		return 0;
	snprintf(cur, sizeof(cur), "%s", old);
	cur[strcspn(cur, " \t\n")] = 0;
	snprintf(s->value, sizeof(s->value), "%s (%s %s)", !strcmp(cur, off) ? "off" : "on", label, cur);
	if (strcmp(cur, off))
		tune_add_write(s, path, old, off);
	return 1;
}

void tune_check_turbo(struct tune_setting *s)
{
	char path[PATH_MAX], old[TUNE_VAL], cur[TUNE_VAL];
	glob_t g = {0};

	s->name = "turbo";
	snprintf(s->want, sizeof(s->want), "off");
	/* intel_pstate: no_turbo 1 is off; acpi-cpufreq and amd: boost 0 */
	int found = turbo_switch(s, "/sys/devices/system/cpu/intel_pstate/no_turbo", "1",
				 "intel_pstate/no_turbo") ||
		    turbo_switch(s, "/sys/devices/system/cpu/cpufreq/boost", "0", "cpufreq/boost");
	if (!found && !tune_path(path, sizeof(path), "/sys/devices/system/cpu/cpufreq/policy[0-9]*/boost") &&
	    !glob(path, 0, NULL, &g) && g.gl_pathc) {
		int on = 0;
		found = 1;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			if (tune_read(g.gl_pathv[i], old, sizeof(old)) < 0)
				continue;
			snprintf(cur, sizeof(cur), "%s", old);
			cur[strcspn(cur, " \t\n")] = 0;
			if (strcmp(cur, "0")) {
				on++;
				tune_add_write(s, g.gl_pathv[i], old, "0");
			}
		}
		snprintf(s->value, sizeof(s->value), "%s (boost on %d of %zu cpufreq policies)",
			 on ? "on" : "off", on, g.gl_pathc);
	}
	if (!found) {
		s->status = TUNE_CANNOT;
		snprintf(s->value, sizeof(s->value), "not available");
		snprintf(s->why, sizeof(s->why), "%s",
			 is_vm() ? "no turbo control: a virtual machine's host decides turbo"
				 : "no turbo control (no intel_pstate/no_turbo, no cpufreq boost)");
		goto out;
	}
	s->status = s->nw ? TUNE_NOT_OK : TUNE_OK;
	if (s->nw)
		snprintf(s->why, sizeof(s->why), "wirelab tune --apply turns it off");
out:
	globfree(&g);
}

void tune_check_smt(struct tune_setting *s)
{
	char path[PATH_MAX], ctl[TUNE_VAL] = "", act[TUNE_VAL] = "";

	s->name = "smt";
	s->status = TUNE_INFO;
	snprintf(s->want, sizeof(s->want), "reported only");
	if (tune_path(path, sizeof(path), "/sys/devices/system/cpu/smt/control") ||
	    tune_read_trim(path, ctl, sizeof(ctl))) {
		snprintf(s->value, sizeof(s->value), "not available");
		snprintf(s->why, sizeof(s->why), "no /sys/devices/system/cpu/smt/control");
		return;
	}
	if (!tune_path(path, sizeof(path), "/sys/devices/system/cpu/smt/active"))
		tune_read_trim(path, act, sizeof(act));
	snprintf(s->value, sizeof(s->value), "%s%s%s", ctl, act[0] ? ", active " : "", act);
	snprintf(s->why, sizeof(s->why),
		 "not changed by tune: siblings of a core share its units, so a server thread beside a "
		 "busy sibling runs slower");
}
