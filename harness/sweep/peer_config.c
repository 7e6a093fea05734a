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
#include <stdio.h>
#include <string.h>

#include "peer_config.h"
#include "sweep_opts.h"

static int write_file(const char *path, const char *text, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		snprintf(err, errlen, "cannot write %s", path);
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}

int peer_config(const char *peer, const char *dir, const char *root, const char *addr, int port,
		const struct sweep_opts *o, const char **argv, int maxargv, char *err, size_t errlen)
{
	static char conf[PATH_MAX + 32], errlog[PATH_MAX + 32], prefix[PATH_MAX + 8];
	char text[16384];
	int n = 0;

	if (maxargv < 10)
		return -1;
	snprintf(errlog, sizeof(errlog), "%s/error.log", dir);
	snprintf(prefix, sizeof(prefix), "%s/", dir);
	if (!strcmp(peer, "nginx")) {
		snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
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
		argv[n++] = "/usr/sbin/nginx";
		argv[n++] = "-e";
		argv[n++] = errlog;
		argv[n++] = "-p";
		argv[n++] = prefix;
		argv[n++] = "-c";
		argv[n++] = conf;
	} else if (!strcmp(peer, "lighttpd")) {
		snprintf(conf, sizeof(conf), "%s/lighttpd.conf", dir);
		/* lighttpd is one process; max-worker 0 keeps it so */
		snprintf(text, sizeof(text),
			 "server.document-root = \"%s\"\nserver.bind = \"%s\"\nserver.port = %d\n"
			 "server.errorlog = \"%s\"\nserver.max-worker = 0\nserver.max-keep-alive-requests = "
			 "65535\n"
			 "server.max-keep-alive-idle = 65\nserver.stat-cache-engine = \"simple\"\n"
			 "server.max-fds = 16384\nserver.max-connections = 8192\n"
			 "mimetype.assign = (\"\" => \"application/octet-stream\")\n",
			 root, addr, port, errlog);
		argv[n++] = "/usr/sbin/lighttpd";
		argv[n++] = "-D";
		argv[n++] = "-f";
		argv[n++] = conf;
	} else if (!strcmp(peer, "h2o")) {
		snprintf(conf, sizeof(conf), "%s/h2o.conf", dir);
		snprintf(text, sizeof(text),
			 "listen:\n  host: %s\n  port: %d\nnum-threads: %d\nmax-connections: 16384\n"
			 "error-log: %s\nuser: root\nhosts:\n  default:\n    paths:\n      /:\n"
			 "        file.dir: %s\n",
			 addr, port, o->nserver_cpus, errlog, root);
		argv[n++] = "/usr/bin/h2o";
		argv[n++] = "-c";
		argv[n++] = conf;
	} else {
		snprintf(err, errlen, "unknown peer %s", peer);
		return -1;
	}
	argv[n] = NULL;
	return write_file(conf, text, err, errlen);
}
