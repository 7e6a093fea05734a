/*
 * topo: where the server and wrk run. loopback (topo.c), netns
 * (topo_netns.c), ssh (topo_ssh.c), and vm (topo_vm.c: the whole sweep
 * inside scripts/labvm).
 */
#ifndef WL_TOPO_H
#define WL_TOPO_H
#include <stddef.h>

#include "sweep_opts.h"

struct topo {
	enum topo_kind kind;
	char srv_ns[32], cli_ns[32]; /* netns names, "" for the root namespace */
	char srv_addr[64];	     /* the address wrk connects to */
	char listen_addr[64];	     /* what the server binds */
	char veth[2][16];
	char settings[512]; /* for run.json and the banner */
	const struct sweep_opts *o;
	int up;
};
/* 0, or -errno with what failed in err; topo_down cleans up either way. */
int topo_up(struct topo *t, const struct sweep_opts *o, char *err, size_t errlen);
void topo_down(struct topo *t);
int topo_netns_up(struct topo *t, const struct sweep_opts *o, char *err, size_t errlen);
void topo_netns_down(struct topo *t);
int topo_ssh_up(struct topo *t, const struct sweep_opts *o, char *err, size_t errlen);
void topo_ssh_down(struct topo *t, const struct sweep_opts *o);
/* argv (room for 8) of `ssh [-F CONFIG] -o BatchMode=yes HOST cmd` for
 * client host number host; the count, argv[count] not set. */
int topo_ssh_argv(const struct sweep_opts *o, int host, const char *cmd, const char **argv);

/* topo_vm.c: inside the lab VM (1) or on the host (0); on the host the
 * whole sweep is handed to the VM, and sweep_vm_run returns its exit status */
int topo_vm_inside(void);
int sweep_vm_run(const struct sweep_opts *o);
#endif
