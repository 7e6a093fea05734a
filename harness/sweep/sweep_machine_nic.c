/*
 * sweep_machine_nic: the "nics" and "irqs" of run.json's machine object:
 * for each interface the run's traffic crosses (loopback: lo; netns: the
 * two veth ends, each read inside its namespace; ssh: this machine's
 * interface holding --server-addr; vm: the guest's lo), its driver,
 * version, firmware, speed, MTU and offloads (ethtool -i, ethtool,
 * ethtool -k; sysfs when ethtool is missing), and the IRQs of its device
 * with their CPU affinity. Interface and namespace names are per run
 * (wl<pid>s0): they are recorded under "interface" and "namespace", which
 * check does not compare, and never inside a value.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_machine.h"
#include "tune.h"

/* ethtool -k's feature names, under the keys run.json uses */
static const char *const offloads[][2] = {
	{"tso", "tcp-segmentation-offload"},	{"gso", "generic-segmentation-offload"},
	{"gro", "generic-receive-offload"},	{"lro", "large-receive-offload"},
	{"tx_checksumming", "tx-checksumming"}, {"rx_checksumming", "rx-checksumming"},
	{"scatter_gather", "scatter-gather"},
};
#define NOFFLOADS (sizeof(offloads) / sizeof(offloads[0]))

/* The value after "key: " on a line of its own in text, or NULL. */
static const char *field(const char *text, const char *key, char *buf, size_t len)
{
	size_t k = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (!strncmp(l, key, k) && l[k] == ':') {
			const char *v = l + k + 1;
			while (*v == ' ')
				v++;
			snprintf(buf, len, "%.*s", (int)strcspn(v, "\n"), v);
			return buf;
		}
	}
	return NULL;
}

/* ethtool -i's driver, version, firmware-version (empty: the driver reports none) */
static void driver_info(json_t *n, const char *ns, const char *ifname, int ethtool)
{
	static const char *const keys[][2] = {
		{"driver", "driver"}, {"version", "version"}, {"firmware", "firmware-version"}};
	char cmd[128], out[2048], v[256];
	int ret;

	if (!ethtool) {
		snprintf(cmd, sizeof(cmd), "readlink /sys/class/net/%s/device/driver", ifname);
		ret = sweep_machine_sh(ns, cmd, out, sizeof(out));
		json_object_set_new(n, "driver",
				    !ret && out[0]
					    ? json_string(strrchr(out, '/') ? strrchr(out, '/') + 1 : out)
					    : sweep_machine_na("ethtool is not installed and sysfs names "
							       "no driver (a virtual interface)"));
		json_object_set_new(n, "version", sweep_machine_na("ethtool is not installed"));
		json_object_set_new(n, "firmware", sweep_machine_na("ethtool is not installed"));
		return;
	}
	snprintf(cmd, sizeof(cmd), "ethtool -i %s", ifname);
	ret = sweep_machine_sh(ns, cmd, out, sizeof(out));
	for (size_t i = 0; i < 3; i++) {
		if (ret)
			json_object_set_new(n, keys[i][0], sweep_machine_na("ethtool -i: %.200s", out));
		else if (!field(out, keys[i][1], v, sizeof(v)))
			json_object_set_new(n, keys[i][0],
					    sweep_machine_na("ethtool -i shows no %s", keys[i][1]));
		else
			json_object_set_new(n, keys[i][0],
					    v[0] ? json_string(v)
						 : sweep_machine_na("the driver reports no %s", keys[i][1]));
	}
}

static void speed(json_t *n, const char *ns, const char *ifname, int ethtool)
{
	char cmd[128], out[4096], v[64];
	int ret;

	if (ethtool) {
		snprintf(cmd, sizeof(cmd), "ethtool %s", ifname);
		ret = sweep_machine_sh(ns, cmd, out, sizeof(out));
		if (!ret && field(out, "Speed", v, sizeof(v)))
			json_object_set_new(n, "speed",
					    strstr(v, "Unknown")
						    ? sweep_machine_na("the driver reports no speed "
								       "(ethtool: %s)",
								       v)
						    : json_string(v));
		else
			json_object_set_new(
				n, "speed",
				sweep_machine_na("the driver reports no speed (ethtool shows none)"));
		return;
	}
	snprintf(cmd, sizeof(cmd), "cat /sys/class/net/%s/speed", ifname);
	ret = sweep_machine_sh(ns, cmd, out, sizeof(out));
	long mbps = ret ? -1 : strtol(out, NULL, 10);
	json_object_set_new(n, "speed",
			    mbps > 0 ? json_sprintf("%ldMb/s", mbps)
				     : sweep_machine_na("the driver reports no speed (sysfs speed: %s)",
							ret ? "unreadable" : out));
}

static json_t *offload_part(const char *ns, const char *ifname, int ethtool)
{
	char cmd[128], out[8192], v[64];
	json_t *o;

	if (!ethtool)
		return sweep_machine_na("ethtool is not installed (sysfs does not show offloads)");
	snprintf(cmd, sizeof(cmd), "ethtool -k %s", ifname);
	if (sweep_machine_sh(ns, cmd, out, sizeof(out)))
		return sweep_machine_na("ethtool -k: %.200s", out);
	o = json_object();
	for (size_t i = 0; i < NOFFLOADS; i++) {
		if (!field(out, offloads[i][1], v, sizeof(v))) {
			json_object_set_new(o, offloads[i][0],
					    sweep_machine_na("ethtool -k shows no %s", offloads[i][1]));
			continue;
		}
		v[strcspn(v, " ")] = 0; /* "on [fixed]": on */
		json_object_set_new(o, offloads[i][0], json_string(v));
	}
	return o;
}

static json_t *nic(const char *ns, const char *ifname, int ethtool)
{
	json_t *n = json_object();
	char cmd[128], out[64];

	json_object_set_new(n, "interface", json_string(ifname));
	json_object_set_new(n, "namespace", json_string(*ns ? ns : "root"));
	driver_info(n, ns, ifname, ethtool);
	speed(n, ns, ifname, ethtool);
	snprintf(cmd, sizeof(cmd), "cat /sys/class/net/%s/mtu", ifname);
	json_object_set_new(
		n, "mtu",
		sweep_machine_sh(ns, cmd, out, sizeof(out))
			? sweep_machine_na("sysfs has no mtu for it") /* out names the interface */
			: json_integer(strtol(out, NULL, 10)));
	json_object_set_new(n, "offloads", offload_part(ns, ifname, ethtool));
	return n;
}

/* /proc/interrupts' name of IRQ irq (its last field), "" if none. */
static void irq_name(const char *interrupts, long irq, char *buf, size_t len)
{
	buf[0] = 0;
	for (const char *l = interrupts; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *end;
		long n = strtol(l, &end, 10);
		if (end == l || *end != ':' || n != irq)
			continue;
		const char *e = l + strcspn(l, "\n"), *s = e;
		while (s > l && s[-1] != ' ')
			s--;
		snprintf(buf, len, "%.*s", (int)(e - s), s);
		return;
	}
}

static void add_irq(json_t *irqs, const char *interrupts, long irq, const char *ifname)
{
	char name[128], path[64], aff[256];
	json_t *i;

	irq_name(interrupts, irq, name, sizeof(name));
	if (!name[0])
		snprintf(name, sizeof(name), "irq %ld", irq);
	if (json_object_get(irqs, name))
		return;
	i = json_object();
	json_object_set_new(i, "irq", json_integer(irq));
	json_object_set_new(i, "interface", json_string(ifname));
	snprintf(path, sizeof(path), "/proc/irq/%ld/smp_affinity_list", irq);
	json_object_set_new(i, "affinity",
			    sweep_machine_read(path, aff, sizeof(aff))
				    ? sweep_machine_na("/proc/irq/N/smp_affinity_list unreadable")
				    : json_string(aff));
	json_object_set_new(irqs, name, i);
}

/* The IRQs of a root-namespace interface, found as wirelab tune finds
 * them (tune_nic_irqs), each with its /proc/interrupts name and affinity. */
static void nic_irqs(json_t *irqs, const char *ifname, const char *interrupts)
{
	int nrs[64], n = tune_nic_irqs(ifname, nrs, 64);

	for (int i = 0; i < n; i++)
		add_irq(irqs, interrupts, nrs[i], ifname);
}

void sweep_machine_nics(const struct topo *t, json_t *machine)
{
	json_t *nics = json_object(), *irqs = json_object();
	char out[256], *interrupts = calloc(1, 1 << 16);
	int ethtool = !sweep_machine_sh("", "command -v ethtool", out, sizeof(out));
	const char *why_none = "";

	if (interrupts)
		sweep_machine_read("/proc/interrupts", interrupts, 1 << 16);
	switch (t->kind) {
	case TOPO_NETNS:
		json_object_set_new(nics, "server", nic(t->srv_ns, t->veth[0], ethtool));
		json_object_set_new(nics, "client", nic(t->cli_ns, t->veth[1], ethtool));
		why_none = "the traffic crosses only a veth pair, which has no IRQs (a packet is delivered "
			   "in softirq on the sending CPU)";
		break;
	case TOPO_SSH: {
		char cmd[160], dev[64] = "";
		snprintf(cmd, sizeof(cmd), "ip -o addr show to %s", t->srv_addr);
		if (!sweep_machine_sh("", cmd, out, sizeof(out)))
			sscanf(out, "%*d: %63s", dev);
		if (dev[0]) {
			json_object_set_new(nics, "server", nic("", dev, ethtool));
			nic_irqs(irqs, dev, interrupts ? interrupts : "");
		} else
			json_object_set_new(nics, "server",
					    sweep_machine_na("no interface here holds --server-addr"));
		json_object_set_new(nics, "clients",
				    sweep_machine_na("ssh topology records the local side (the server's); "
						     "the client hosts' NICs are not read"));
		why_none = "the server's interface has no device IRQs (a virtual interface)";
		break;
	}
	default: /* loopback, and vm: the guest's loopback */
		json_object_set_new(nics, "loopback", nic("", "lo", ethtool));
		if (t->kind == TOPO_VM)
			json_object_set_new(
				nics, "host_side",
				sweep_machine_na("the sweep runs inside the lab VM on its "
						 "loopback; no interface of the host is crossed"));
		why_none = "the traffic crosses only lo, which has no IRQs";
	}
	json_object_set_new(machine, "nics", nics);
	if (!json_object_size(irqs)) {
		json_decref(irqs);
		irqs = sweep_machine_na("%s", why_none);
	}
	json_object_set_new(machine, "irqs", irqs);
	free(interrupts);
}
