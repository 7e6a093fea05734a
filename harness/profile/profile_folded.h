/*
 * profile_folded: folded stacks, the format FlameGraph, speedscope and
 * inferno read: one line per distinct stack, frames root first joined by
 * ';', a space, the sample count:
 *
 *	wirelab-httpd;main;srv_run;writev;entry_SYSCALL_64_[k];do_syscall_64_[k] 12
 *
 * The root frame is the thread's name (comm); kernel frames end in "_[k]"
 * (FlameGraph's convention, which its colour schemes read). A set of
 * lines is kept with an index, so adding a stack already present adds to
 * its count: the same structure serves as a string -> count table.
 */
#ifndef WL_PROFILE_FOLDED_H
#define WL_PROFILE_FOLDED_H
#include <stddef.h>
#include <stdint.h>

#define WL_FOLDED_KSUFFIX     "_[k]"
#define WL_FOLDED_KSUFFIX_LEN 4

struct wl_folded_line {
	char *stack;
	uint64_t count;
};

struct wl_folded {
	struct wl_folded_line *v;
	size_t n, cap;
	uint32_t *idx; /* open addressing: line index + 1, 0 for empty */
	size_t idx_cap;
	uint64_t total; /* sum of the counts */
};

/* wl_folded_add: count more samples of stack (len bytes); 0 or -ENOMEM */
int wl_folded_add(struct wl_folded *f, const char *stack, size_t len, uint64_t count);

/* wl_folded_get: the count of stack, 0 if absent */
uint64_t wl_folded_get(const struct wl_folded *f, const char *stack, size_t len);

/* wl_folded_sort_stacks: lines by stack, as FlameGraph's tools write them */
void wl_folded_sort_stacks(struct wl_folded *f);

/* wl_folded_sort_counts: lines by count, largest first (ties by stack) */
void wl_folded_sort_counts(struct wl_folded *f);

/*
 * wl_folded_read: load a folded file. A missing or unreadable file, an
 * empty one (no samples) and a line that is not "frames count" are each
 * refused with -errno and a sentence naming the file (and line) in err.
 */
int wl_folded_read(const char *path, struct wl_folded *f, char *err, size_t errlen);

/* wl_folded_write: the lines as they are ordered now; 0 or -errno */
int wl_folded_write(const struct wl_folded *f, const char *path);

void wl_folded_free(struct wl_folded *f);

/* wl_frame_is_kernel: does this frame (len bytes) end in "_[k]"? */
int wl_frame_is_kernel(const char *frame, size_t len);

/*
 * wl_folded_leaf: the last frame of a stack line: *len gets its length.
 * Frames are separated by ';' and never contain one.
 */
const char *wl_folded_leaf(const char *stack, size_t *len);

#endif
