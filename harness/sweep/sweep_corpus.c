/*
 * sweep_corpus: the docroot of a sweep, one file f<size> per size, with
 * deterministic contents (a fixed xorshift stream), so every run and every
 * resume serves the same bytes and nothing compresses them by accident.
 * Also a throwaway self-signed certificate for the TLS variants.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep_corpus.h"
#include "sweep_proc.h"

int sweep_corpus(const char *dir, const long *sizes, int n, char *err, size_t errlen)
{
	static uint64_t buf[8192];
	char path[PATH_MAX + 32];
	int ret;

	for (int i = 0; i < n; i++) {
		uint64_t x = 0x9e3779b97f4a7c15ULL ^ (uint64_t)sizes[i];
		struct stat st;
		int fd;

		snprintf(path, sizeof(path), "%s/f%ld", dir, sizes[i]);
		if (!stat(path, &st) && st.st_size == sizes[i])
			continue;
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			goto fail;
		for (long left = sizes[i]; left > 0;) {
			size_t chunk = left < (long)sizeof(buf) ? (size_t)left : sizeof(buf);
			for (size_t k = 0; k < sizeof(buf) / 8; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				buf[k] = x;
			}
			if (write(fd, buf, chunk) != (ssize_t)chunk) {
				close(fd);
				goto fail;
			}
			left -= (long)chunk;
		}
		if (close(fd))
			goto fail;
	}
	return 0;
fail:
	ret = errno ? -errno : -EIO;
	snprintf(err, errlen, "corpus %s: %s", path, strerror(-ret));
	return ret;
}

int sweep_tls_cert(const char *dir, char *err, size_t errlen)
{
	return sweep_sh(err, errlen,
			/* the lab VM has /etc/ssl/openssl.cnf but not Debian's link to it */
			"{ [ -r /usr/lib/ssl/openssl.cnf ] || export OPENSSL_CONF=/etc/ssl/openssl.cnf; }; "
			"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
			"-subj /CN=wirelab-sweep -keyout '%s/key.pem' -out '%s/cert.pem' >/dev/null 2>&1",
			dir, dir);
}
