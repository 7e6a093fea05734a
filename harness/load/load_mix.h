/*
 * load_mix: a workload mix (--workload FILE, docs/load.md): lines of
 *   SIZE WEIGHT [files=N]          N distinct files of SIZE (default 1)
 *   SIZE-SIZE WEIGHT [files=N]     N files, sizes uniform in the range (default 16)
 *   log: PATH [files=N] [keepalive=S]
 *                                  sizes, weights and requests per connection from
 *                                  an nginx/Apache combined log (default 10000 files)
 * SIZE is bytes with an optional k, m (KiB, MiB) or KiB, MiB suffix; WEIGHT
 * a positive number; '#' starts a comment. A line's weight is shared by its
 * files. Files are named w/L<line>-<i>-<size>, so a docroot made with
 * another seed or workload answers 404 instead of the wrong size.
 */
#ifndef LOAD_MIX_H
#define LOAD_MIX_H

#include <stddef.h>
#include <stdint.h>

struct load_mix_file {
	char name[64]; /* relative to the docroot */
	uint64_t size;
	uint64_t weight; /* in millionths of a line weight unit */
};

struct load_mix {
	struct load_mix_file *files;
	size_t nfiles;
	/* requests per connection (from a log), with cumulative weights */
	uint32_t *rpc;
	uint64_t *rpc_cum;
	size_t nrpc;
};

/* -EINVAL after naming FILE:LINE and what is wrong on stderr */
int load_mix_read(const char *path, uint64_t seed, struct load_mix *m);
void load_mix_free(struct load_mix *m);
/* --make-docroot: write every file of the mix under dir (existing files of
 * the right size are kept); prints what it wrote */
int load_mix_make_docroot(const char *dir, const struct load_mix *m, uint64_t seed);
/* parse a size such as 1024, 1k, 64KiB, 1m; -EINVAL */
int load_mix_size(const char *s, uint64_t *out);

#endif
