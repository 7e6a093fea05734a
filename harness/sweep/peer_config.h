/* peer_config: a peer's (nginx, lighttpd, h2o) config for a point. */
#ifndef WL_PEER_CONFIG_H
#define WL_PEER_CONFIG_H
#include <stddef.h>

struct sweep_opts;

/* The peer's binary (its path into bin): 0 installed, -ENOENT not,
 * -EINVAL no configuration here for that peer (bin says so). */
int peer_binary(const char *peer, char *bin, size_t len);
/* Write peer's config into dir and its argv (at most maxargv entries, NULL
 * ended); 0 or -errno with err written. */
int peer_config(const char *peer, const char *dir, const char *root, const char *addr, int port,
		const struct sweep_opts *o, const char **argv, int maxargv, char *err, size_t errlen);
#endif
