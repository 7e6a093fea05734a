/* probe_sys: syscall names, generated from the kernel headers at build time. */
#include "probe.h"

#include "syscall_names.h"

_Static_assert(WL_SYSCALL_NR_MAX < WL_SYS_OTHER, "a syscall number reaches the probe's 'other' slot");

const char *wl_probe_syscall_name(unsigned nr)
{
	if (nr == WL_SYS_OTHER)
		return "other";
	if (nr > WL_SYSCALL_NR_MAX)
		return NULL;
	return wl_syscall_names[nr];
}
