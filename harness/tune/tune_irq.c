/*
 * tune_irq: the NIC's IRQs away from the server's CPUs. A NIC interrupt
 * and its softirq (the receive path, TCP's ACK processing) run on the CPU
 * the IRQ lands on; on a server CPU that work is counted as the server's
 * and steals its time, differently from run to run as the IRQ moves.
 *
 * A NIC is a /sys/class/net entry with a device (loopback, veth, ifb have
 * none). Its IRQs: the device's msi_irqs (for a virtio NIC, its PCI
 * parent's), and /proc/interrupts lines naming the interface
 * ("eth0-TxRx-0"), the virtio device ("virtio2-input.0") or the PCI
 * address ("mlx5_comp0@pci:0000:00:03.0").
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tune.h"

#define MAX_IRQS TUNE_MAX_WRITES

/* nr into nrs once, up to max */
static void add_nr(int *nrs, int *n, int max, int nr)
{
	for (int i = 0; i < *n; i++)
		if (nrs[i] == nr)
			return;
	if (*n < max)
		nrs[(*n)++] = nr;
}

static void add_msi(int *nrs, int *n, int max, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0]))
			add_nr(nrs, n, max, atoi(e->d_name));
	if (d)
		closedir(d);
}

/* A /proc/interrupts action name that belongs to the NIC. */
static int names_nic(const char *tok, const char *ifname, const char *dev)
{
	size_t li = strlen(ifname), ld = strlen(dev);

	if (!strncmp(tok, ifname, li) && (!tok[li] || strchr("-_@.", tok[li])))
		return 1;
	if (!strncmp(dev, "virtio", 6) && !strncmp(tok, dev, ld) && tok[ld] == '-')
		return 1;
	return strchr(dev, ':') && strstr(tok, dev) != NULL; /* a PCI address */
}

static void add_from_interrupts(int *nrs, int *n, int max, const char *ifname, const char *dev)
{
	char path[PATH_MAX], line[1024];
	FILE *f;

	if (tune_path(path, sizeof(path), "/proc/interrupts") || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *save = NULL, *tok;
		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p))
			continue; /* the header, NMI:, LOC: ... */
		int nr = atoi(p);
		p = strchr(p, ':');
		if (!p)
			continue;
		for (tok = strtok_r(p + 1, " \t\n,", &save); tok; tok = strtok_r(NULL, " \t\n,", &save))
			if (names_nic(tok, ifname, dev)) {
				add_nr(nrs, n, max, nr);
				break;
			}
	}
	fclose(f);
}

int tune_nic_irqs(const char *ifname, int *nrs, int max)
{
	char path[PATH_MAX], sub[2 * PATH_MAX], target[PATH_MAX], buf[32];
	const char *dev;
	int n = 0;
	ssize_t l;

	if (tune_path(path, sizeof(path), "/sys/class/net"))
		return 0;
	snprintf(sub, sizeof(sub), "%s/%s/device", path, ifname);
	l = readlink(sub, target, sizeof(target) - 1);
	if (l <= 0)
		return 0; /* no device: loopback, veth, a bridge */
	target[l] = 0;
	dev = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	snprintf(sub, sizeof(sub), "%s/%s/device/msi_irqs", path, ifname);
	add_msi(nrs, &n, max, sub);
	if (!strncmp(dev, "virtio", 6)) {
		snprintf(sub, sizeof(sub), "%s/%s/device/../msi_irqs", path, ifname);
		add_msi(nrs, &n, max, sub);
	}
	/* no MSI: the legacy line the device reports */
	snprintf(sub, sizeof(sub), "%s/%s/device/irq", path, ifname);
	if (!n && !tune_read_trim(sub, buf, sizeof(buf)) && atoi(buf) > 0)
		add_nr(nrs, &n, max, atoi(buf));
	add_from_interrupts(nrs, &n, max, ifname, dev);
	return n;
}

struct irq {
	int nr;
	char nic[32];
};

static void add_irq(struct irq *irqs, int *n, int nr, const char *nic)
{
	for (int i = 0; i < *n; i++)
		if (irqs[i].nr == nr)
			return;
	if (*n == MAX_IRQS)
		return;
	irqs[*n].nr = nr;
	snprintf(irqs[*n].nic, sizeof(irqs[*n].nic), "%.31s", nic); /* IFNAMSIZ is 16 */
	(*n)++;
}

static void online_cpus(unsigned char *cpus)
{
	char path[PATH_MAX], buf[TUNE_VAL];

	if (!tune_path(path, sizeof(path), "/sys/devices/system/cpu/online") &&
	    !tune_read_trim(path, buf, sizeof(buf)) && !tune_cpus_parse(buf, cpus))
		return;
	memset(cpus, 0, TUNE_MAX_CPUS);
	for (long c = 0; c < sysconf(_SC_NPROCESSORS_ONLN) && c < TUNE_MAX_CPUS; c++)
		cpus[c] = 1;
}

static int cmp_irq(const void *a, const void *b)
{
	return ((const struct irq *)a)->nr - ((const struct irq *)b)->nr;
}

void tune_check_irqs(struct tune_setting *s, const unsigned char *server)
{
	char path[PATH_MAX], sub[2 * PATH_MAX], other_list[256], cur[TUNE_VAL], aff[256];
	unsigned char other[TUNE_MAX_CPUS], on[TUNE_MAX_CPUS];
	struct irq *irqs = calloc(MAX_IRQS, sizeof(*irqs));
	int n = 0, unread = 0, stuck = 0;
	size_t o = 0;
	DIR *d = NULL;
	struct dirent *e;

	s->name = "nic_irqs";
	online_cpus(other);
	for (int c = 0; c < TUNE_MAX_CPUS; c++)
		other[c] = other[c] && !server[c];
	tune_cpus_format(other, other_list, sizeof(other_list));
	snprintf(s->want, sizeof(s->want), "off the server's CPUs%s%.100s", other_list[0] ? ", on " : "",
		 other_list);
	if (!irqs || tune_path(path, sizeof(path), "/sys/class/net") || !(d = opendir(path))) {
		s->status = TUNE_CANNOT;
		snprintf(s->value, sizeof(s->value), "not available");
		snprintf(s->why, sizeof(s->why), "no /sys/class/net");
		goto out;
	}
	while ((e = readdir(d))) {
		int nrs[MAX_IRQS], got;
		if (e->d_name[0] == '.')
			continue;
		got = tune_nic_irqs(e->d_name, nrs, MAX_IRQS);
		for (int i = 0; i < got; i++)
			add_irq(irqs, &n, nrs[i], e->d_name);
	}
	if (!n) {
		s->status = TUNE_CANNOT;
		snprintf(s->value, sizeof(s->value), "no NIC IRQs");
		snprintf(s->why, sizeof(s->why),
			 "no network device with IRQs of its own (loopback and virtual devices only)");
		goto out;
	}
	qsort(irqs, n, sizeof(*irqs), cmp_irq);
	for (int i = 0; i < n; i++) {
		int hit = 0, new_nic = !i || strcmp(irqs[i].nic, irqs[i - 1].nic);
		snprintf(sub, sizeof(sub), "/proc/irq/%d/smp_affinity_list", irqs[i].nr);
		if (tune_path(path, sizeof(path), sub) || tune_read(path, cur, sizeof(cur)) < 0 ||
		    tune_cpus_parse(cur, on)) {
			unread++;
			if (o < sizeof(s->value))
				o += snprintf(s->value + o, sizeof(s->value) - o, "%s%s%s%d unreadable",
					      o ? ", " : "", new_nic ? irqs[i].nic : "",
					      new_nic ? ": IRQ " : "", irqs[i].nr);
			continue;
		}
		for (int c = 0; c < TUNE_MAX_CPUS; c++)
			hit |= on[c] && server[c];
		tune_cpus_format(on, aff, sizeof(aff));
		if (o < sizeof(s->value))
			o += snprintf(s->value + o, sizeof(s->value) - o, "%s%s%s%d on %s", o ? ", " : "",
				      new_nic ? irqs[i].nic : "", new_nic ? ": IRQ " : "", irqs[i].nr, aff);
		if (hit && other_list[0])
			tune_add_write(s, path, cur, other_list);
		else if (hit)
			stuck++;
	}
	if (stuck) {
		s->status = TUNE_CANNOT;
		snprintf(s->why, sizeof(s->why),
			 "every CPU is a server CPU: none is left to take the NIC's IRQs");
	} else if (s->nw) {
		s->status = TUNE_NOT_OK;
		snprintf(s->why, sizeof(s->why), "wirelab tune --apply moves %d IRQ(s) to CPU %s", s->nw,
			 other_list);
	} else if (unread) {
		s->status = TUNE_CANNOT;
		snprintf(s->why, sizeof(s->why), "%d IRQ's affinity cannot be read", unread);
	} else
		s->status = TUNE_OK;
out:
	if (d)
		closedir(d);
	free(irqs);
}
