/*
 * sweep_load_ssh: --load closed|open over ssh. The same build/wirelab-load
 * that runs here is copied to every client host (so every host measures
 * with the same code and the same histogram scheme, which --merge needs),
 * and run once there (--version) so a host that cannot run it (no OpenSSL
 * 3, jansson or xxHash) is named before the first window; the workload
 * files go along. Everything is removed at the end.
 */
#include <stdio.h>
#include <unistd.h>

#include "sweep_load.h"
#include "sweep_opts.h"
#include "sweep_proc.h"

static void ssh_cfg(const struct sweep_opts *o, char *cfg, size_t len)
{
	cfg[0] = 0;
	if (o->ssh_config[0])
		snprintf(cfg, len, "-F '%s'", o->ssh_config);
}

int sweep_load_ssh_up(const struct sweep_opts *o, char *err, size_t errlen)
{
	char cfg[PATH_MAX + 8];
	int pid = (int)getpid(), ret;

	ssh_cfg(o, cfg, sizeof(cfg));
	for (int i = 0; i < o->nclient_hosts; i++) {
		const char *h = o->client_hosts[i];
		if ((ret = sweep_sh(
			     err, errlen,
			     "ssh %s -o BatchMode=yes %s 'cat > /tmp/wirelab-load-%d && chmod 755 "
			     "/tmp/wirelab-load-%d && /tmp/wirelab-load-%d --version >/dev/null || { echo "
			     "\"wirelab-load does not run on %s (it needs libssl3, libjansson4, "
			     "libxxhash0)\" >&2; exit 1; }' < '%s'",
			     cfg, h, pid, pid, pid, h, o->load.bin)))
			return ret;
		for (int m = 0; m < o->load.nmixes; m++)
			if ((ret = sweep_sh(
				     err, errlen,
				     "ssh %s -o BatchMode=yes %s 'cat > /tmp/wirelab-mix-%d-%d' < '%s'", cfg,
				     h, pid, m, o->load.mixes[m].path)))
				return ret;
	}
	return 0;
}

void sweep_load_ssh_down(const struct sweep_opts *o)
{
	char cfg[PATH_MAX + 8], err[256];
	int pid = (int)getpid();

	ssh_cfg(o, cfg, sizeof(cfg));
	for (int i = 0; i < o->nclient_hosts; i++)
		sweep_sh(err, sizeof(err),
			 "ssh %s -o BatchMode=yes %s 'rm -f /tmp/wirelab-load-%d /tmp/wirelab-mix-%d-*' "
			 "2>/dev/null; true",
			 cfg, o->client_hosts[i], pid, pid);
}
