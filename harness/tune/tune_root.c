/*
 * tune_root: the one root prefix every sysfs and procfs path of tune goes
 * through (WIRELAB_TUNE_ROOT, default "/"), the exact-bytes file reads and
 * writes that let --restore put a file back as it was, and CPU lists.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tune.h"

const char *tune_root(void)
{
	const char *r = getenv("WIRELAB_TUNE_ROOT");

	return r && *r ? r : "/";
}

int tune_path(char *buf, size_t len, const char *path)
{
	const char *root = tune_root();
	size_t n = strlen(root);

	/* "/" + "/sys/..." is just the path; "/tmp/x/" drops its slash */
	while (n && root[n - 1] == '/')
		n--;
	if ((size_t)snprintf(buf, len, "%.*s%s", (int)n, root, path) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int tune_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;
	size_t got = 0;

	buf[0] = 0;
	if (fd < 0)
		return -errno;
	while (got < len - 1) {
		ssize_t n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (!n)
			break;
		got += n;
	}
	buf[got] = 0;
	close(fd);
	return ret;
}

int tune_read_trim(const char *path, char *buf, size_t len)
{
	int ret = tune_read(path, buf, len);
	size_t n = strlen(buf);

	while (n && strchr(" \t\n", buf[n - 1]))
		buf[--n] = 0;
	return ret;
}

int tune_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), ret = 0;
	size_t len = strlen(s), done = 0;

	if (fd < 0)
		return -errno;
	/* sysfs and procfs take a value in one write */
	while (done < len) {
		ssize_t n = write(fd, s + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		done += n;
	}
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

int tune_cpus_parse(const char *s, unsigned char *cpus)
{
	const char *p = s;

	memset(cpus, 0, TUNE_MAX_CPUS);
	while (*p && strchr(" \t\n", *p))
		p++;
	if (!*p)
		return 0; /* an empty list (an IRQ with no CPU) */
	for (;;) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a < 0 || a >= TUNE_MAX_CPUS)
			return -EINVAL;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a || b >= TUNE_MAX_CPUS)
				return -EINVAL;
			p = end;
		}
		for (long c = a; c <= b; c++)
			cpus[c] = 1;
		while (*p && strchr(" \t\n", *p))
			p++;
		if (!*p)
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
}

void tune_cpus_format(const unsigned char *cpus, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int c = 0; c < TUNE_MAX_CPUS; c++) {
		int e = c;
		if (!cpus[c])
			continue;
		while (e + 1 < TUNE_MAX_CPUS && cpus[e + 1])
			e++;
		if (o < len)
			o += snprintf(buf + o, len - o, "%s%d", o ? "," : "", c);
		if (e > c && o < len)
			o += snprintf(buf + o, len - o, "-%d", e);
		c = e;
	}
}

void tune_add_write(struct tune_setting *s, const char *path, const char *old, const char *new)
{
	struct tune_write *w;

	if (s->nw == TUNE_MAX_WRITES || strlen(path) >= TUNE_PATH)
		return;
	w = &s->w[s->nw++];
	snprintf(w->path, sizeof(w->path), "%s", path);
	snprintf(w->old, sizeof(w->old), "%s", old);
	snprintf(w->new, sizeof(w->new), "%s", new);
}
