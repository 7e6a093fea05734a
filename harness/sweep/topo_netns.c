/*
 * topo_netns: the server and wrk each in a network namespace this run
 * creates, joined by a veth pair with addresses from the RFC 2544
 * benchmarking range (198.18.0.0/15). Real TCP segmentation, unlike
 * loopback; optional tc tbf rate, MTU and offloads. Names carry the pid,
 * so parallel runs never collide; topo_netns_down deletes both namespaces
 * (which deletes the veth pair with them).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sweep_proc.h"
#include "topo.h"

/* Both ends are private to their namespaces, so the fixed /30 cannot clash. */
#define NETNS_SRV_ADDR "198.18.0.1"
#define NETNS_CLI_ADDR "198.18.0.2"

/* tbf's bucket must hold at least one timer tick of the rate and a full
 * GSO packet; 256 KiB covers 10 Gbit/s at HZ=1000 (tc-tbf(8)). */
#define NETNS_TBF "burst 256kb latency 100ms"

int topo_netns_up(struct topo *t, const struct sweep_opts *o, char *err, size_t errlen)
{
	const char *ns[2], *addr[2] = {NETNS_SRV_ADDR, NETNS_CLI_ADDR};
	int pid = (int)getpid(), ret;

	snprintf(t->srv_ns, sizeof(t->srv_ns), "wl%ds", pid);
	snprintf(t->cli_ns, sizeof(t->cli_ns), "wl%dc", pid);
	snprintf(t->veth[0], sizeof(t->veth[0]), "wl%ds0", pid);
	snprintf(t->veth[1], sizeof(t->veth[1]), "wl%dc0", pid);
	ns[0] = t->srv_ns;
	ns[1] = t->cli_ns;
	t->up = 1; /* from here on, topo_down cleans whatever exists */
	if ((ret = sweep_sh(err, errlen, "ip netns add %s && ip netns add %s", ns[0], ns[1])) ||
	    (ret = sweep_sh(err, errlen, "ip link add %s netns %s type veth peer name %s netns %s",
			    t->veth[0], ns[0], t->veth[1], ns[1])))
		return ret;
	for (int i = 0; i < 2; i++) {
		const char *on = o->offloads ? "on" : "off";
		if ((ret = sweep_sh(err, errlen, "ip -n %s addr add %s/30 dev %s && ip -n %s link set lo up",
				    ns[i], addr[i], t->veth[i], ns[i])))
			return ret;
		if (o->mtu &&
		    (ret = sweep_sh(err, errlen, "ip -n %s link set %s mtu %d", ns[i], t->veth[i], o->mtu)))
			return ret;
		if (o->offloads >= 0 &&
		    (ret = sweep_sh(err, errlen, "ip netns exec %s ethtool -K %s tso %s gso %s gro %s", ns[i],
				    t->veth[i], on, on, on)))
			return ret;
		if ((ret = sweep_sh(err, errlen, "ip -n %s link set %s up", ns[i], t->veth[i])))
			return ret;
		if (o->link_rate[0] &&
		    (ret = sweep_sh(err, errlen,
				    "ip netns exec %s tc qdisc replace dev %s root tbf rate %s " NETNS_TBF,
				    ns[i], t->veth[i], o->link_rate)))
			return ret;
	}
	snprintf(t->srv_addr, sizeof(t->srv_addr), NETNS_SRV_ADDR);
	snprintf(t->listen_addr, sizeof(t->listen_addr), NETNS_SRV_ADDR);
	char mtu[16] = "default";
	if (o->mtu)
		snprintf(mtu, sizeof(mtu), "%d", o->mtu);
	snprintf(t->settings, sizeof(t->settings),
		 "netns %s (server %s) <-veth-> %s (client %s), mtu %s, offloads %s, link rate %s", ns[0],
		 NETNS_SRV_ADDR, ns[1], NETNS_CLI_ADDR, mtu,
		 o->offloads < 0 ? "default"
		 : o->offloads	 ? "on"
				 : "off",
		 o->link_rate[0] ? o->link_rate : "unlimited");
	return 0;
}

void topo_netns_down(struct topo *t)
{
	char err[256];

	if (t->srv_ns[0])
		sweep_sh(err, sizeof(err), "ip netns del %s 2>/dev/null; true", t->srv_ns);
	if (t->cli_ns[0])
		sweep_sh(err, sizeof(err), "ip netns del %s 2>/dev/null; true", t->cli_ns);
}
