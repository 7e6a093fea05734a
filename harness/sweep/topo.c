/*
 * topo: where the server and wrk run. loopback: both in this namespace on
 * 127.0.0.1 (the kernel's loopback shortcuts apply; the banner says so);
 * netns: topo_netns.c; ssh: topo_ssh.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

int topo_up(struct topo *t, const struct sweep_opts *o, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->kind = o->topology;
	t->o = o;
	switch (o->topology) {
	case TOPO_LOOPBACK:
		snprintf(t->srv_addr, sizeof(t->srv_addr), "127.0.0.1");
		snprintf(t->listen_addr, sizeof(t->listen_addr), "127.0.0.1");
		snprintf(t->settings, sizeof(t->settings),
			 "loopback 127.0.0.1 (64 KiB MTU, no real segmentation: the kernel's loopback "
			 "shortcut)");
		t->up = 1;
		return 0;
	case TOPO_VM: /* inside the lab VM: its loopback, labelled vm */
		snprintf(t->srv_addr, sizeof(t->srv_addr), "127.0.0.1");
		snprintf(t->listen_addr, sizeof(t->listen_addr), "127.0.0.1");
		snprintf(t->settings, sizeof(t->settings),
			 "vm: inside scripts/labvm (accel %s), loopback 127.0.0.1 in the guest",
			 getenv("WL_ACCEL") ? getenv("WL_ACCEL") : "?");
		t->up = 1;
		return 0;
	case TOPO_NETNS:
		return topo_netns_up(t, o, err, errlen);
	case TOPO_SSH:
		return topo_ssh_up(t, o, err, errlen);
	default:
		snprintf(err, errlen, "topology %s is not implemented", topo_names[o->topology]);
		return -ENOTSUP;
	}
}

void topo_down(struct topo *t)
{
	if (!t->up)
		return;
	if (t->kind == TOPO_NETNS)
		topo_netns_down(t);
	else if (t->kind == TOPO_SSH)
		topo_ssh_down(t, t->o);
	t->up = 0;
}
