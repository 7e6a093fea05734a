/* fcache: open files, their sizes, validators, mappings and pre-rendered
 * header fields, per thread (no locks). Entries are re-checked with one
 * stat per second per file (as nginx's open_file_cache_valid), so edits
 * show up without a syscall on every hit. */
#include "fcache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hdate.h"
#include "mime.h"
#include "path.h"

#define FC_BUCKETS    4096 /* power of two */
#define FC_RECHECK_MS 1000
#define PATH_MAX_GZ   (PATH_MAX_LEN + 32)

struct fcache {
	int root_fd;
	int max;
	int n;
	int want_map;
	struct fc_entry *lru_head, *lru_tail; /* head: most recent */
	struct fc_entry *b[FC_BUCKETS];
};

static uint32_t hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

struct fcache *fc_new(int root_fd, int max, int want_map)
{
	struct fcache *fc = calloc(1, sizeof(*fc));

	if (!fc)
		return NULL;
	fc->root_fd = root_fd;
	fc->max = max > 0 ? max : 1;
	fc->want_map = want_map;
	return fc;
}

static void rep_close(struct fc_rep *r)
{
	if (r->map)
		munmap(r->map, r->size);
	if (r->fd >= 0)
		close(r->fd);
	free(r->hdr);
	r->map = NULL;
	r->fd = -1;
	r->hdr = NULL;
}

static void entry_free(struct fc_entry *e)
{
	rep_close(&e->rep);
	rep_close(&e->gz);
	free(e);
}

static void lru_unlink(struct fcache *fc, struct fc_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		fc->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		fc->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void lru_push(struct fcache *fc, struct fc_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = fc->lru_head;
	if (fc->lru_head)
		fc->lru_head->lru_prev = e;
	fc->lru_head = e;
	if (!fc->lru_tail)
		fc->lru_tail = e;
}

/* take e out of the table; it is freed now or when its last response ends */
static void entry_remove(struct fcache *fc, struct fc_entry *e)
{
	struct fc_entry **pp = &fc->b[e->hash & (FC_BUCKETS - 1)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(fc, e);
	fc->n--;
	e->dead = 1;
	if (e->refs == 0)
		entry_free(e);
}

static int open_beneath(int root_fd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
		/* no "..", absolute or symlink step may leave the root */
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root_fd, path[0] ? path : ".", &how, sizeof(how));

	if (fd < 0)
		return errno == EXDEV || errno == ELOOP ? -ENOENT : -errno;
	return (int)fd;
}

static int rep_open(struct fcache *fc, struct fc_rep *r, const char *path, const char *type, int gz)
{
	struct stat st;
	char lm[HDATE_LEN + 1];
	int fd, n;

	r->fd = -1;
	fd = open_beneath(fc->root_fd, path);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -ENOENT; /* devices, fifos, sockets are not served */
	}
	r->fd = fd;
	r->size = (uint64_t)st.st_size;
	r->mtime = st.st_mtime;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->gz = (uint8_t)gz;
	r->map = NULL;
	if (fc->want_map && r->size) {
		void *m = mmap(NULL, r->size, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			n = -errno;
			rep_close(r);
			return n;
		}
		r->map = m;
	}
	r->etag_len = (uint8_t)snprintf(r->etag, sizeof(r->etag), "\"%" PRIx64 "-%" PRIx64 "%s\"",
					(uint64_t)st.st_mtime, r->size, gz ? "-gz" : "");
	hdate_format(st.st_mtime, lm);
	memcpy(r->lastmod, lm, sizeof(lm));
	(void)type;
	return 0;
}

/* the fields of a 200 that depend only on the file: rendered once */
static int rep_render(struct fc_entry *e, struct fc_rep *r)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf),
			 "Content-Type: %s\r\nContent-Length: %" PRIu64 "\r\nLast-Modified: %s\r\n"
			 "ETag: %.*s\r\nAccept-Ranges: bytes\r\n%s%s",
			 e->type, r->size, r->lastmod, r->etag_len, r->etag,
			 r->gz ? "Content-Encoding: gzip\r\n" : "",
			 e->gz.fd >= 0 ? "Vary: Accept-Encoding\r\n" : "");

	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	r->hdr = malloc((size_t)n);
	if (!r->hdr)
		return -ENOMEM;
	memcpy(r->hdr, buf, (size_t)n);
	r->hdr_len = (uint16_t)n;
	return 0;
}

static int entry_load(struct fcache *fc, const char *path, size_t len, uint32_t h, struct fc_entry **out)
{
	struct fc_entry *e = calloc(1, sizeof(*e) + len + 4);
	int err;

	if (!e)
		return -ENOMEM;
	e->rep.fd = e->gz.fd = -1;
	memcpy(e->path, path, len);
	e->path[len] = '\0';
	e->path_len = (uint16_t)len;
	e->hash = h;
	e->type = mime_type(path, len);
	err = rep_open(fc, &e->rep, e->path, e->type, 0);
	if (err)
		goto fail;
	/* a precompressed sibling, used when the client accepts gzip */
	memcpy(e->path + len, ".gz", 4);
	err = rep_open(fc, &e->gz, e->path, e->type, 1);
	e->path[len] = '\0';
	if (err && err != -ENOENT && err != -EISDIR && err != -ENOTDIR)
		goto fail;
	if (e->gz.fd >= 0 && (err = rep_render(e, &e->gz)))
		goto fail;
	if ((err = rep_render(e, &e->rep)))
		goto fail;
	*out = e;
	return 0;
fail:
	entry_free(e);
	return err;
}

/* one stat per representation: same inode, size and mtime means still good */
static int entry_fresh(struct fcache *fc, struct fc_entry *e)
{
	struct stat st;
	char gzp[PATH_MAX_GZ];
	int has_gz;

	if (fstatat(fc->root_fd, e->path, &st, 0) < 0 || st.st_ino != e->rep.ino || st.st_dev != e->rep.dev ||
	    (uint64_t)st.st_size != e->rep.size || st.st_mtime != e->rep.mtime)
		return 0;
	snprintf(gzp, sizeof(gzp), "%s.gz", e->path);
	has_gz = fstatat(fc->root_fd, gzp, &st, 0) == 0 && S_ISREG(st.st_mode);
	if (has_gz != (e->gz.fd >= 0))
		return 0;
	if (has_gz &&
	    (st.st_ino != e->gz.ino || (uint64_t)st.st_size != e->gz.size || st.st_mtime != e->gz.mtime))
		return 0;
	return 1;
}

int fc_get(struct fcache *fc, const char *path, size_t len, int64_t now_ms, struct fc_entry **out)
{
	uint32_t h = hash(path, len);
	struct fc_entry *e;
	int err;

	for (e = fc->b[h & (FC_BUCKETS - 1)]; e; e = e->hnext)
		if (e->hash == h && e->path_len == len && !memcmp(e->path, path, len))
			break;
	if (e && now_ms - e->checked_ms >= FC_RECHECK_MS) {
		if (entry_fresh(fc, e)) {
			e->checked_ms = now_ms;
		} else {
			entry_remove(fc, e);
			e = NULL;
		}
	}
	if (!e) {
		err = entry_load(fc, path, len, h, &e);
		if (err == -EMFILE || err == -ENFILE) {
			/* give descriptors back: drop the least recent idle entries */
			struct fc_entry *v = fc->lru_tail, *p;
			int k = 0;
			for (; v && k < 16; v = p) {
				p = v->lru_prev;
				if (!v->refs) {
					entry_remove(fc, v);
					k++;
				}
			}
			if (k)
				err = entry_load(fc, path, len, h, &e);
		}
		if (err)
			return err;
		e->checked_ms = now_ms;
		e->hnext = fc->b[h & (FC_BUCKETS - 1)];
		fc->b[h & (FC_BUCKETS - 1)] = e;
		fc->n++;
		lru_push(fc, e);
		/* evict beyond the bound; entries in flight stay until put */
		while (fc->n > fc->max && fc->lru_tail && fc->lru_tail != e)
			entry_remove(fc, fc->lru_tail);
	} else if (fc->lru_head != e) {
		lru_unlink(fc, e);
		lru_push(fc, e);
	}
	e->refs++;
	*out = e;
	return 0;
}

void fc_put(struct fcache *fc, struct fc_entry *e)
{
	(void)fc;
	if (--e->refs == 0 && e->dead)
		entry_free(e);
}

void fc_free(struct fcache *fc)
{
	if (!fc)
		return;
	while (fc->lru_tail)
		entry_remove(fc, fc->lru_tail);
	free(fc);
}
