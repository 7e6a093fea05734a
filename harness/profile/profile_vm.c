/*
 * profile_vm: is this a virtual machine? In one, a CPU-clock profile's
 * samples pile up where interrupts are re-enabled (docs/profile.md), so
 * the profile says so.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"

/* read_line: the first line of a small file, without its newline; "" if none */
static void read_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "re");

	out[0] = '\0';
	if (!f)
		return;
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

/* cpu_flag: does /proc/cpuinfo's first "flags" line list flag? */
static int cpu_flag(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[8192];
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok;

		if (strncmp(line, "flags", 5))
			continue;
		for (tok = strtok_r(strchr(line, ':'), ": \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			found |= !strcmp(tok, flag);
		break;
	}
	fclose(f);
	return found;
}

void wl_vm_detect(struct wl_vm *vm)
{
	/* DMI strings of the common hypervisors and clouds */
	static const char *const known[] = {"QEMU",
					    "KVM",
					    "VMware",
					    "VirtualBox",
					    "innotek",
					    "Xen",
					    "Virtual Machine",
					    "Amazon EC2",
					    "Google",
					    "Parallels",
					    "Bochs",
					    "BHYVE",
					    "Cloud Hypervisor",
					    "Firecracker"};
	char xen[64];
	size_t o = 0;
	int dmi = 0;

	memset(vm, 0, sizeof(*vm));
	read_line("/sys/class/dmi/id/sys_vendor", vm->sys_vendor, sizeof(vm->sys_vendor));
	read_line("/sys/class/dmi/id/product_name", vm->product_name, sizeof(vm->product_name));
	read_line("/sys/hypervisor/type", xen, sizeof(xen));
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		dmi |= strstr(vm->sys_vendor, known[i]) || strstr(vm->product_name, known[i]);
	if (cpu_flag("hypervisor")) {
		vm->detected = 1;
		o += (size_t)snprintf(vm->how + o, sizeof(vm->how) - o, "cpuinfo flag 'hypervisor'");
	}
	if (dmi && o < sizeof(vm->how)) {
		vm->detected = 1;
		o += (size_t)snprintf(vm->how + o, sizeof(vm->how) - o, "%sDMI '%s' '%s'", o ? ", " : "",
				      vm->sys_vendor, vm->product_name);
	}
	if (xen[0] && o < sizeof(vm->how)) {
		vm->detected = 1;
		snprintf(vm->how + o, sizeof(vm->how) - o, "%s/sys/hypervisor/type '%s'", o ? ", " : "", xen);
	}
}
