/*
 * peer_config: Debian's nginx, lighttpd and h2o, configured to be compared
 * fairly with our server: as many workers as the server gets CPUs (one by
 * default), pinned to the same CPUs (the spawn sets the affinity every
 * worker inherits), the same docroot, no access log, keep-alive without a
 * request limit that a window could reach, and each server's own advice
 * for static files (nginx: sendfile, tcp_nopush, open_file_cache;
 * lighttpd: its default sendfile backend and stat cache; h2o: its file
 * handler, which uses sendfile for plain HTTP).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "peer_config.h"
#include "sweep_opts.h"

/* The peers of variants/table this file configures, and where Debian
 * installs each. */
static const struct peer_kind {
	const char *name, *bin, *conf;
} peer_kinds[] = {
	{"nginx", "/usr/sbin/nginx", "nginx.conf"},
	{"lighttpd", "/usr/sbin/lighttpd", "lighttpd.conf"},
	{"h2o", "/usr/bin/h2o", "h2o.conf"},
};

static const struct peer_kind *kind_of(const char *peer)
{
	for (size_t i = 0; i < sizeof(peer_kinds) / sizeof(peer_kinds[0]); i++)
		if (!strcmp(peer, peer_kinds[i].name))
			return &peer_kinds[i];
	return NULL;
}

int peer_binary(const char *peer, char *bin, size_t len)
{
	const struct peer_kind *k = kind_of(peer);

	if (!k) {
		snprintf(bin, len, "harness/sweep/peer_config.c has no configuration for %s", peer);
		return -EINVAL;
	}
	snprintf(bin, len, "%s", k->bin);
	return access(k->bin, X_OK) ? -ENOENT : 0;
}

static int write_file(const char *path, const char *text, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f || fputs(text, f) < 0)
		ret = errno ? -errno : -EIO;
	if (f && fclose(f) && !ret)
		ret = errno ? -errno : -EIO;
	if (ret)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(-ret));
	return ret;
}

int peer_config(const char *peer, const char *dir, const char *root, const char *addr, int port,
		const struct sweep_opts *o, const char **argv, int maxargv, char *err, size_t errlen)
{
	static char conf[PATH_MAX + 32], errlog[PATH_MAX + 32], prefix[PATH_MAX + 8];
	const struct peer_kind *k = kind_of(peer);
	char text[16384];
	int n = 0;

	if (!k) {
		snprintf(err, errlen, "unknown peer %s", peer);
		return -EINVAL;
	}
	if (maxargv < 10)
		return -E2BIG;
	snprintf(errlog, sizeof(errlog), "%s/error.log", dir);
	snprintf(prefix, sizeof(prefix), "%s/", dir);
	snprintf(conf, sizeof(conf), "%s/%s", dir, k->conf);
	argv[n++] = k->bin;
	if (!strcmp(peer, "nginx")) {
		snprintf(text, sizeof(text),
			 "worker_processes %d;\ndaemon off;\npid %s/nginx.pid;\nerror_log %s warn;\n"
			 "events { worker_connections 16384; use epoll; }\n"
			 "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n"
			 "  open_file_cache max=1000 inactive=60s;\n  open_file_cache_valid 60s;\n"
			 "  keepalive_requests 100000000;\n  keepalive_timeout 65;\n"
			 "  default_type application/octet-stream;\n"
			 "  client_body_temp_path %s/body;\n  proxy_temp_path %s/proxy;\n"
			 "  fastcgi_temp_path %s/fcgi;\n  uwsgi_temp_path %s/uwsgi;\n  scgi_temp_path "
			 "%s/scgi;\n"
			 "  server { listen %s:%d; root %s; }\n}\n",
			 o->nserver_cpus, dir, errlog, dir, dir, dir, dir, dir, addr, port, root);
		argv[n++] = "-e";
		argv[n++] = errlog;
		argv[n++] = "-p";
		argv[n++] = prefix;
		argv[n++] = "-c";
		argv[n++] = conf;
	} else if (!strcmp(peer, "lighttpd")) {
		/* lighttpd is one process; max-worker 0 keeps it so */
		snprintf(text, sizeof(text),
			 "server.document-root = \"%s\"\nserver.bind = \"%s\"\nserver.port = %d\n"
			 "server.errorlog = \"%s\"\nserver.max-worker = 0\nserver.max-keep-alive-requests = "
			 "65535\n"
			 "server.max-keep-alive-idle = 65\nserver.stat-cache-engine = \"simple\"\n"
			 "server.max-fds = 16384\nserver.max-connections = 8192\n"
			 "mimetype.assign = (\"\" => \"application/octet-stream\")\n",
			 root, addr, port, errlog);
		argv[n++] = "-D";
		argv[n++] = "-f";
		argv[n++] = conf;
	} else if (!strcmp(peer, "h2o")) {
		snprintf(text, sizeof(text),
			 "listen:\n  host: %s\n  port: %d\nnum-threads: %d\nmax-connections: 16384\n"
			 "error-log: %s\nuser: root\nhosts:\n  default:\n    paths:\n      /:\n"
			 "        file.dir: %s\n",
			 addr, port, o->nserver_cpus, errlog, root);
		argv[n++] = "-c";
		argv[n++] = conf;
	}
	argv[n] = NULL;
	return write_file(conf, text, err, errlen);
}
