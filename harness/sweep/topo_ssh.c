/*
 * topo_ssh: wrk on one or more client hosts over ssh, against the server
 * running here on its real address (--server-addr). The Lua script is
 * copied to every host once; each point's load is split over the hosts and
 * their results summed (sweep_wrk.c).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sweep_proc.h"
#include "topo.h"

int topo_ssh_up(struct topo *t, const struct sweep_opts *o, char *err, size_t errlen)
{
	char cfg[PATH_MAX + 8] = "";
	int ret;

	if (o->ssh_config[0])
		snprintf(cfg, sizeof(cfg), "-F '%s'", o->ssh_config);
	/* --load closed|open: wirelab-load instead of wrk (sweep_load_ssh.c) */
	if (o->load.kind != SWEEP_LOAD_WRK && (ret = sweep_load_ssh_up(o, err, errlen)))
		return ret;
	for (int i = 0; o->load.kind == SWEEP_LOAD_WRK && i < o->nclient_hosts; i++)
		if ((ret = sweep_sh(
			     err, errlen,
			     "ssh %s -o BatchMode=yes %s 'command -v wrk >/dev/null || { echo no wrk on the "
			     "client >&2; exit 1; }; "
			     "cat > /tmp/wirelab-summary-%d.lua' < '%s'",
			     cfg, o->client_hosts[i], (int)getpid(), o->lua)))
			return ret;
	snprintf(t->srv_addr, sizeof(t->srv_addr), "%s", o->server_addr);
	snprintf(t->listen_addr, sizeof(t->listen_addr), "%s", o->server_addr);
	int n = snprintf(t->settings, sizeof(t->settings), "ssh: server %s here, %s on", o->server_addr,
			 o->load.kind == SWEEP_LOAD_WRK ? "wrk" : "wirelab-load");
	for (int i = 0; i < o->nclient_hosts && n < (int)sizeof(t->settings); i++)
		n += snprintf(t->settings + n, sizeof(t->settings) - n, " %s", o->client_hosts[i]);
	t->up = 1;
	return 0;
}

int topo_ssh_argv(const struct sweep_opts *o, int host, const char *cmd, const char **argv)
{
	int n = 0;

	argv[n++] = "ssh";
	if (o->ssh_config[0]) {
		argv[n++] = "-F";
		argv[n++] = o->ssh_config;
	}
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = o->client_hosts[host];
	argv[n++] = cmd;
	return n;
}

void topo_ssh_down(struct topo *t, const struct sweep_opts *o)
{
	char err[256], cfg[PATH_MAX + 8] = "";

	if (o->ssh_config[0])
		snprintf(cfg, sizeof(cfg), "-F '%s'", o->ssh_config);
	if (o->load.kind != SWEEP_LOAD_WRK)
		sweep_load_ssh_down(o);
	for (int i = 0; o->load.kind == SWEEP_LOAD_WRK && i < o->nclient_hosts; i++)
		sweep_sh(err, sizeof(err),
			 "ssh %s -o BatchMode=yes %s 'rm -f /tmp/wirelab-summary-%d.lua' 2>/dev/null; true",
			 cfg, o->client_hosts[i], (int)getpid());
}
