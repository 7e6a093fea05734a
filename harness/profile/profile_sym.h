/*
 * profile_sym: addresses to function names, for the profiler's stacks.
 *
 * Kernel: /proc/kallsyms (text symbols, modules and BPF programs
 * included), the nearest symbol at or below the address.
 *
 * User: a process's executable mappings from /proc/PID/maps, and each
 * mapped ELF file's symbols through libelf: .symtab, else the separate
 * debug file /usr/lib/debug/.build-id/xx/yyyy.debug (Debian's -dbg
 * packages, e.g. libc6-dbg, which names libc's memcpy variants), else
 * .dynsym. An address becomes a file offset (address - mapping start +
 * mapping offset) and then, through the PT_LOAD program headers, the
 * ELF's own virtual address, which undoes the load bias of a PIE or a
 * shared library. A symbol with a size claims only its range; an address
 * outside every range is named after its file, "[libfoo.so.1]". [vdso]
 * is read from this process's own vDSO, which is the same kernel image.
 * ELF files are read once per (device, inode) and kept.
 */
#ifndef WL_PROFILE_SYM_H
#define WL_PROFILE_SYM_H
#include <stddef.h>
#include <stdint.h>

struct wl_ksyms;
struct wl_usyms;

/* wl_ksyms_load: read /proc/kallsyms; -errno and a sentence in err */
int wl_ksyms_load(struct wl_ksyms **out, char *err, size_t errlen);
/* wl_ksyms_name: the function at addr, or NULL below every symbol */
const char *wl_ksyms_name(const struct wl_ksyms *k, uint64_t addr);
void wl_ksyms_free(struct wl_ksyms *k);

struct wl_usyms *wl_usyms_new(void);

/*
 * wl_usyms_read_maps: (re)read pid's executable mappings. Mappings seen
 * before and not overlapped by a current one are kept, so a process that
 * exits (or unmaps a library) keeps the names it had. 0, or -errno when
 * the maps cannot be read (the process is gone).
 */
int wl_usyms_read_maps(struct wl_usyms *u, int pid);

/*
 * wl_usyms_name: the function at addr in pid's address space: a symbol,
 * "[file]" for a mapped file without one there, or NULL when addr is in
 * no executable mapping (past the end of a stack walk that followed a
 * frame pointer the code did not keep). buf holds the name when needed.
 */
const char *wl_usyms_name(struct wl_usyms *u, int pid, uint64_t addr, char *buf, size_t len);

void wl_usyms_free(struct wl_usyms *u);

#endif
