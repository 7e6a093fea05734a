/*
 * sweep_machine: run.json's "machine" object (docs/machine.md). Everything
 * is read, never assumed: sysfs, /proc, ethtool, systemd-detect-virt. The
 * per-namespace sysctls are read in the namespace the server runs in (the
 * netns topology's server namespace), since that is where its sockets take
 * them from; a sysctl the kernel keeps only for the root namespace
 * (net.core.busy_poll, ...) is read there, and "namespace" says which.
 */
#include "sweep_machine.h"

#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profile.h"

static json_t *machine;

json_t *sweep_machine_na(const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return json_sprintf("not available: %s", why);
}

/* Cut trailing newlines and spaces; tabs (tcp_wmem's separators) as spaces. */
static void tidy(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
	for (; *s; s++)
		if (*s == '\t')
			*s = ' ';
}

int sweep_machine_sh(const char *ns, const char *cmd, char *out, size_t len)
{
	char full[1024];
	size_t n = 0, got;
	FILE *p;
	int st;

	if (ns && *ns)
		snprintf(full, sizeof(full), "ip netns exec %s sh -c '%s' 2>&1", ns, cmd);
	else
		snprintf(full, sizeof(full), "sh -c '%s' 2>&1", cmd);
	out[0] = 0;
	p = popen(full, "r");
	if (!p)
		return -errno;
	while (n + 1 < len && (got = fread(out + n, 1, len - 1 - n, p)) > 0)
		n += got;
	out[n] = 0;
	while (fgetc(p) != EOF) /* the rest, so the command is not killed by SIGPIPE */
		;
	st = pclose(p);
	tidy(out);
	return st < 0 ? -errno : WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int sweep_machine_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	buf[0] = 0;
	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	if (ferror(f)) { /* sysfs answers some files with an error (EINVAL) */
		int ret = -errno;
		fclose(f);
		return ret ? ret : -EIO;
	}
	fclose(f);
	tidy(buf);
	return 0;
}

/* A sysfs/proc file as a string, or "not available: <path>: <why>" */
static json_t *file_or_na(const char *path, const char *why_absent)
{
	char buf[4096];
	int ret = sweep_machine_read(path, buf, sizeof(buf));

	if (ret == -ENOENT && why_absent)
		return sweep_machine_na("%s", why_absent);
	if (ret)
		return sweep_machine_na("%s: %s", path, strerror(-ret));
	return json_string(buf);
}

/* The governor (or scaling driver) of every CPU: once when all agree, per
 * CPU when they do not. */
static json_t *per_cpu(const char *file)
{
	char path[256], val[128], first[128] = "";
	json_t *each = json_object();
	int n = 0, same = 1;

	for (int i = 0;; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", i);
		if (access(path, F_OK))
			break;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpufreq/%s", i, file);
		if (sweep_machine_read(path, val, sizeof(val)))
			snprintf(val, sizeof(val), "not available: no cpufreq/%s", file);
		if (!n++)
			snprintf(first, sizeof(first), "%s", val);
		same &= !strcmp(first, val);
		json_object_set_new(each, path + strlen("/sys/devices/system/cpu/"), json_string(val));
	}
	if (same) {
		json_decref(each);
		if (!n)
			return sweep_machine_na("no /sys/devices/system/cpu/cpu0");
		if (!strncmp(first, "not available", 13))
			return sweep_machine_na("no cpufreq in this machine "
						"(/sys/devices/system/cpu/cpu*/cpufreq absent; a VM "
						"usually has none)");
		return json_string(first);
	}
	/* keys "cpu3/cpufreq/scaling_governor" -> "cpu3" */
	json_t *cpus = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(each, k, v)
	{
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(k, "/"), k);
		json_object_set(cpus, name, v);
	}
	json_decref(each);
	return cpus;
}

static json_t *cpu_part(void)
{
	json_t *c = json_object();

	json_object_set_new(c, "governor", per_cpu("scaling_governor"));
	json_object_set_new(c, "scaling_driver", per_cpu("scaling_driver"));
	json_object_set_new(
		c, "intel_pstate_no_turbo",
		file_or_na("/sys/devices/system/cpu/intel_pstate/no_turbo",
			   "no intel_pstate driver (/sys/devices/system/cpu/intel_pstate absent)"));
	json_object_set_new(
		c, "cpufreq_boost",
		file_or_na("/sys/devices/system/cpu/cpufreq/boost",
			   "no cpufreq boost switch (/sys/devices/system/cpu/cpufreq/boost absent)"));
	json_object_set_new(c, "smt_control",
			    file_or_na("/sys/devices/system/cpu/smt/control",
				       "the kernel has no SMT control (/sys/devices/system/cpu/smt absent)"));
	json_object_set_new(c, "smt_active",
			    file_or_na("/sys/devices/system/cpu/smt/active",
				       "the kernel has no SMT control (/sys/devices/system/cpu/smt absent)"));
	return c;
}

/* /sys/devices/system/cpu/vulnerabilities/NAME -> its text */
static json_t *mitigations_part(void)
{
	glob_t g;
	json_t *m;

	if (glob("/sys/devices/system/cpu/vulnerabilities/*", 0, NULL, &g))
		return sweep_machine_na("no /sys/devices/system/cpu/vulnerabilities in this kernel");
	m = json_object();
	for (size_t i = 0; i < g.gl_pathc; i++)
		json_object_set_new(m, strrchr(g.gl_pathv[i], '/') + 1, file_or_na(g.gl_pathv[i], NULL));
	globfree(&g);
	return m;
}

/* The sysctls that move wirelab's figures (docs/machine.md says how each) */
static const char *const sysctls[] = {
	"net.ipv4.tcp_autocorking", "net.ipv4.tcp_wmem",  "net.ipv4.tcp_rmem",
	"net.core.busy_poll",	    "net.core.busy_read", "net.core.somaxconn",
	"net.core.wmem_max",	    "net.core.rmem_max",  "net.ipv4.tcp_congestion_control",
	"net.core.default_qdisc",
};

static json_t *sysctls_part(const struct topo *t)
{
	const char *ns = t->kind == TOPO_NETNS ? t->srv_ns : "";
	char global[512] = "", path[128], cmd[160], val[512];
	json_t *s = json_object();
	size_t g = 0;

	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++) {
		int ret = 1;
		snprintf(path, sizeof(path), "/proc/sys/%s", sysctls[i]);
		for (char *c = path + 10; *c; c++)
			if (*c == '.')
				*c = '/';
		if (*ns) {
			snprintf(cmd, sizeof(cmd), "cat %s", path);
			ret = sweep_machine_sh(ns, cmd, val, sizeof(val));
			/* not per namespace: only the root one has it */
			if (ret && !access(path, R_OK) && g < sizeof(global))
				g += (size_t)snprintf(global + g, sizeof(global) - g, "%s%s", g ? ", " : "",
						      sysctls[i]);
		}
		if (ret && (ret = sweep_machine_read(path, val, sizeof(val))))
			json_object_set_new(s, sysctls[i],
					    ret == -ENOENT
						    ? sweep_machine_na("this kernel has no %s", path)
						    : sweep_machine_na("%s: %s", path, strerror(-ret)));
		else
			json_object_set_new(s, sysctls[i], json_string(val));
	}
	if (*ns)
		json_object_set_new(s, "namespace",
				    json_sprintf("%s (the server's)%s%s%s", ns, g ? "; " : "", global,
						 g ? ": not per namespace, read in the root namespace" : ""));
	else
		json_object_set_new(s, "namespace", json_string("the root namespace (the server's)"));
	return s;
}

/* Reuses the profiler's detection (profile_vm.c) and adds systemd's word. */
static json_t *vm_part(void)
{
	struct wl_vm vm;
	char out[256];
	json_t *v = json_object();
	int ret;

	wl_vm_detect(&vm);
	json_object_set_new(v, "detected", json_string(vm.detected ? "yes" : "no"));
	json_object_set_new(v, "evidence",
			    json_string(vm.detected ? vm.how
						    : "none: no cpuinfo 'hypervisor' flag, DMI "
						      "names no hypervisor, no /sys/hypervisor"));
	ret = sweep_machine_sh("",
			       "command -v systemd-detect-virt >/dev/null || exit 127; systemd-detect-virt",
			       out, sizeof(out));
	json_object_set_new(v, "systemd_detect_virt",
			    ret == 127 ? sweep_machine_na("systemd-detect-virt is not installed")
			    : out[0]   ? json_string(out)
				       : sweep_machine_na("systemd-detect-virt printed nothing"));
	json_object_set_new(
		v, "sys_vendor",
		vm.sys_vendor[0]
			? json_string(vm.sys_vendor)
			: sweep_machine_na("no DMI vendor (/sys/class/dmi/id/sys_vendor absent or empty)"));
	json_object_set_new(
		v, "product_name",
		vm.product_name[0]
			? json_string(vm.product_name)
			: sweep_machine_na(
				  "no DMI product (/sys/class/dmi/id/product_name absent or empty)"));
	return v;
}

json_t *sweep_machine(const struct topo *t)
{
	if (machine)
		return machine;
	machine = json_object();
	if (!machine)
		return NULL;
	sweep_machine_nics(t, machine);
	json_object_set_new(machine, "cpu", cpu_part());
	json_object_set_new(machine, "kernel_cmdline", file_or_na("/proc/cmdline", NULL));
	json_object_set_new(machine, "mitigations", mitigations_part());
	json_object_set_new(machine, "sysctls", sysctls_part(t));
	json_object_set_new(machine, "virtual_machine", vm_part());
	return machine;
}

void sweep_machine_free(void)
{
	json_decref(machine);
	machine = NULL;
}
