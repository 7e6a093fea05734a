/* fcache: the per-thread open-file cache. A hit costs no syscall. */
#ifndef WL_FCACHE_H
#define WL_FCACHE_H
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* One representation of a resource: the file itself or its precompressed .gz. */
struct fc_rep {
	int fd;
	uint64_t size;
	time_t mtime;
	dev_t dev;
	ino_t ino;
	void *map; /* whole-file read-only mapping (writev builds), or NULL */
	char etag[48];
	uint8_t etag_len;
	char lastmod[32];
	char *hdr; /* pre-rendered fields of a 200: type, length, dates, ... */
	uint16_t hdr_len;
	uint8_t gz; /* Content-Encoding: gzip */
};

struct fc_entry {
	struct fc_entry *hnext; /* hash chain */
	struct fc_entry *lru_prev, *lru_next;
	uint32_t hash;
	uint32_t refs; /* responses in flight; freed when 0 and dead */
	uint8_t dead;  /* out of the table, waiting for refs to drop */
	int64_t checked_ms;
	const char *type;
	struct fc_rep rep;
	struct fc_rep gz; /* fd < 0 when there is no .gz beside the file */
	uint16_t path_len;
	char path[];
};

struct fcache;

/* fc_new: a cache of at most max entries; root_fd is the O_PATH root. */
struct fcache *fc_new(int root_fd, int max, int want_map);
void fc_free(struct fcache *fc);

/*
 * fc_get: the entry for path (root-relative, normalised), opened if needed,
 * with a reference taken (give it back with fc_put). now_ms decides when a
 * cached entry is re-checked against the file system (once a second).
 * Returns 0, or -ENOENT (no such file, not a regular file, or outside the
 * root), -EISDIR (a directory), -EMFILE/-ENFILE, another -errno.
 */
int fc_get(struct fcache *fc, const char *path, size_t len, int64_t now_ms, struct fc_entry **out);
void fc_put(struct fcache *fc, struct fc_entry *e);
/* fc_hold: one more reference to an entry already held (a zero-copy send
 * holds its body until the kernel has let go of the pages). */
static inline void fc_hold(struct fc_entry *e)
{
	e->refs++;
}

#endif
