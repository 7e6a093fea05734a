/*
 * sweep_zc: a zerocopy variant's copied share per window (sweep_zc.h).
 * The server prints "wirelab-httpd stats zc_sends N zc_copied M ..." on
 * stdout for every SIGUSR1 (server/main.c); the sweep sends one before the
 * window and one after and waits for the new line in the server's stdout
 * file. The kernel reports a copy per completion, a little after the
 * send, so a window's edges may move a few sends across; over thousands
 * of sends that is noise.
 */
#include "sweep_zc.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sweep_proc.h"

#define ZC_WAIT_MS 2000 /* generous: the machine may be busy */

/* The number of stats lines in path and the counters of the last one. */
static int stats_lines(const char *path, struct sweep_zc *last)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, " stats zc_sends ");
		unsigned long long s, c;
		if (p && sscanf(p, " stats zc_sends %llu zc_copied %llu", &s, &c) == 2) {
			last->sends = s;
			last->copied = c;
			n++;
		}
	}
	fclose(f);
	return n;
}

void sweep_zc_read(const struct sweep_srv *s, const struct variant *v, struct sweep_zc *z)
{
	char path[PATH_MAX + 8];
	int before;

	memset(z, 0, sizeof(*z));
	/* a peer would die of SIGUSR1; other send values count nothing */
	if (v->peer || !variant_is(v, "send", "zerocopy") || s->pid <= 0)
		return;
	snprintf(path, sizeof(path), "%s/out", s->dir);
	before = stats_lines(path, z);
	if (kill(s->pid, SIGUSR1))
		return;
	for (double end = sweep_now() + ZC_WAIT_MS / 1000.0; sweep_now() < end && !sweep_stop;
	     sweep_sleep_ms(5))
		if (stats_lines(path, z) > before) {
			z->ok = 1;
			return;
		}
}

double sweep_zc_share(const struct sweep_zc *a, const struct sweep_zc *b)
{
	if (!a->ok || !b->ok || b->sends <= a->sends)
		return NAN;
	double share = (double)(b->copied - a->copied) / (double)(b->sends - a->sends);
	/* copies reported late for sends before the window */
	return share > 1 ? 1 : share < 0 ? 0 : share;
}

const char *sweep_zc_note(const struct point_result *r)
{
	static char note[256];

	if (isnan(r->zc_share) || r->zc_share <= SWEEP_ZC_COPIED)
		return "";
	snprintf(note, sizeof(note),
		 "; NOT ZERO-COPY: the kernel copied %.0f%% of the zero-copy sends (loopback and veth "
		 "copy): measure zero-copy over a real NIC (--topology ssh)",
		 r->zc_share * 100);
	return note;
}
