/* deny_uring ERRNO CMD [ARG...]: run CMD with io_uring_setup(2) failing
 * with ERRNO (EPERM, ENOSYS), through a seccomp filter: what a container
 * runtime's profile or kernel.io_uring_disabled does to a server, without
 * touching the machine-wide sysctl. Built with -DDENY_NR=... -DDENY_NAME=...
 * it denies another syscall (tests/profile.mk: perf_event_open). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef DENY_NR
#define DENY_NR	  __NR_io_uring_setup
#define DENY_NAME "deny_uring"
#endif

int main(int argc, char **argv)
{
	unsigned err;

	if (argc < 3) {
		fprintf(stderr, "usage: " DENY_NAME " EPERM|ENOSYS CMD [ARG...]\n");
		return 2;
	}
	err = strcmp(argv[1], "ENOSYS") == 0 ? ENOSYS : EPERM;
	{
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DENY_NR, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
			perror(DENY_NAME ": seccomp");
			return 77;
		}
	}
	execvp(argv[2], argv + 2);
	perror(DENY_NAME ": exec");
	return 127;
}
