/*
 * profile_usym: user addresses to names: /proc/PID/maps, then the mapped
 * ELF file's symbols (see profile_sym.h for the rules).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "profile_pool.h"
#include "profile_sym.h"

#define MAX_SEGS 16

struct usym {
	uint64_t addr, size;
	uint32_t name; /* offset into elf_syms.names */
	int rank;      /* for aliases at one address: lower wins */
};

/* one ELF file's PT_LOAD segments and function symbols */
struct elf_syms {
	char key[96]; /* "dev:ino" or "[vdso]" */
	char label[80];
	struct {
		uint64_t off, vaddr, filesz;
	} seg[MAX_SEGS];
	int nseg;
	struct usym *v;
	size_t n, cap;
	struct wl_pool names;
};

struct umap {
	uint64_t start, end, pgoff;
	char key[96];
	char *path;
	struct elf_syms *elf; /* looked up on first use */
	int tried;
};

struct upid {
	int pid;
	struct umap *m;
	size_t n;
};

struct wl_usyms {
	struct upid *p;
	size_t np;
	struct elf_syms **elf;
	size_t nelf;
};

struct wl_usyms *wl_usyms_new(void)
{
	elf_version(EV_CURRENT);
	return calloc(1, sizeof(struct wl_usyms));
}

static struct upid *find_pid(struct wl_usyms *u, int pid, int create)
{
	struct upid *p;

	for (size_t i = 0; i < u->np; i++)
		if (u->p[i].pid == pid)
			return &u->p[i];
	if (!create)
		return NULL;
	p = realloc(u->p, (u->np + 1) * sizeof(*p));
	if (!p)
		return NULL;
	u->p = p;
	p = &u->p[u->np++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	return p;
}

/* read_maps: pid's executable mappings, in address order as the kernel lists them */
static int read_maps(int pid, struct umap **out, size_t *nout)
{
	char path[64], *line = NULL;
	struct umap *m = NULL;
	size_t n = 0, cap = 0, lcap = 0;
	int rc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &lcap, f) > 0) {
		unsigned long long start, end, off, ino;
		unsigned maj, mnr;
		char perms[8];
		int at = 0;
		char *name;

		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &off, &maj, &mnr,
			   &ino, &at) < 7 ||
		    !strchr(perms, 'x'))
			continue;
		name = line + at;
		name[strcspn(name, "\n")] = '\0';
		if (n == cap) {
			struct umap *v = realloc(m, (cap = cap ? cap * 2 : 32) * sizeof(*v));

			if (!v) {
				rc = -ENOMEM;
				break;
			}
			m = v;
		}
		memset(&m[n], 0, sizeof(m[n]));
		m[n].start = start;
		m[n].end = end;
		m[n].pgoff = off;
		if (!strcmp(name, "[vdso]"))
			snprintf(m[n].key, sizeof(m[n].key), "[vdso]");
		else if (ino)
			snprintf(m[n].key, sizeof(m[n].key), "%x:%x:%llu", maj, mnr, ino);
		m[n].path = strdup(name);
		if (!m[n].path) {
			rc = -ENOMEM;
			break;
		}
		n++;
	}
	free(line);
	fclose(f);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			free(m[i].path);
		free(m);
		return rc;
	}
	*out = m;
	*nout = n;
	return 0;
}

int wl_usyms_read_maps(struct wl_usyms *u, int pid)
{
	struct upid *p = find_pid(u, pid, 1);
	struct umap *m = NULL, *all;
	size_t n = 0, keep = 0;
	int rc;

	if (!p)
		return -ENOMEM;
	rc = read_maps(pid, &m, &n);
	if (rc < 0)
		return rc;
	/* old mappings that no current one overlaps stay */
	for (size_t i = 0; i < p->n; i++) {
		int hit = 0;

		for (size_t j = 0; j < n && !hit; j++)
			hit = p->m[i].start < m[j].end && m[j].start < p->m[i].end;
		if (hit) {
			free(p->m[i].path);
			p->m[i].path = NULL;
		} else {
			p->m[keep++] = p->m[i];
		}
	}
	all = realloc(m, (n + keep) * sizeof(*all) + 1);
	if (!all) {
		for (size_t i = 0; i < n; i++)
			free(m[i].path);
		free(m);
		return -ENOMEM;
	}
	memcpy(all + n, p->m, keep * sizeof(*all));
	free(p->m);
	p->m = all;
	p->n = n + keep;
	return 0;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct usym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->rank - y->rank;
}

/* add_name: keep name, without a symbol version ("clock_gettime@@GLIBC_2.17") */
static int add_name(struct elf_syms *e, const char *name, uint32_t *off)
{
	return wl_pool_put(&e->names, name, strcspn(name, "@"), off);
}

/* load_symtab: the function symbols of section type `type`; count added, or -errno */
static int load_symtab(Elf *elf, struct elf_syms *e, Elf64_Word type)
{
	Elf_Scn *scn = NULL;
	int added = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;
			struct usym *v;
			int st;

			if (!gelf_getsym(d, (int)i, &s))
				break;
			st = GELF_ST_TYPE(s.st_info);
			if ((st != STT_FUNC && st != STT_GNU_IFUNC) || !s.st_value || s.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || !*name || *name == '@')
				continue;
			if (e->n == e->cap) {
				size_t cap = e->cap ? e->cap * 2 : 1024;

				v = realloc(e->v, cap * sizeof(*v));
				if (!v)
					return -ENOMEM;
				e->v = v;
				e->cap = cap;
			}
			v = &e->v[e->n];
			v->addr = s.st_value;
			v->size = s.st_size;
			/* sized before unsized, then GLOBAL, WEAK, LOCAL */
			v->rank = (s.st_size ? 0 : 8) + (GELF_ST_BIND(s.st_info) == STB_GLOBAL ? 0
							 : GELF_ST_BIND(s.st_info) == STB_WEAK ? 1
											       : 2);
			if (add_name(e, name, &v->name) < 0)
				return -ENOMEM;
			e->n++;
			added++;
		}
	}
	return added;
}

static int has_section(Elf *elf, Elf64_Word type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == type)
			return 1;
	return 0;
}

/* debug_path: /usr/lib/debug/.build-id/xx/rest.debug from the GNU build-id note */
static int debug_path(Elf *elf, char *out, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE || !(d = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			const unsigned char *id = (const unsigned char *)d->d_buf + doff;
			size_t o;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 || nh.n_descsz < 2 ||
			    memcmp((const char *)d->d_buf + noff, "GNU", 4))
				continue;
			o = (size_t)snprintf(out, len, "/usr/lib/debug/.build-id/%02x/", id[0]);
			for (size_t i = 1; i < nh.n_descsz && o + 3 < len; i++)
				o += (size_t)snprintf(out + o, len - o, "%02x", id[i]);
			snprintf(out + o, len - o, ".debug");
			return 0;
		}
	}
	return -ENOENT;
}

/* load_elf: segments and symbols of one ELF (fd, or an image in memory) */
static int load_elf(struct elf_syms *e, int fd, void *image, size_t size)
{
	Elf *elf = image ? elf_memory(image, size) : elf_begin(fd, ELF_C_READ_MMAP, NULL);
	size_t nph = 0;
	int rc = 0;

	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &nph) < 0) {
		rc = -ENOEXEC;
		goto cleanup;
	}
	for (size_t i = 0; i < nph && e->nseg < MAX_SEGS; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD) {
			e->seg[e->nseg].off = ph.p_offset;
			e->seg[e->nseg].vaddr = ph.p_vaddr;
			e->seg[e->nseg++].filesz = ph.p_filesz;
		}
	}
	if (has_section(elf, SHT_SYMTAB)) {
		rc = load_symtab(elf, e, SHT_SYMTAB);
	} else {
		char dbg[256];
		int dfd = -1;
		Elf *de = NULL;

		/* a stripped file: its debug file has the full table at the same addresses */
		if (!debug_path(elf, dbg, sizeof(dbg)) && (dfd = open(dbg, O_RDONLY | O_CLOEXEC)) >= 0 &&
		    (de = elf_begin(dfd, ELF_C_READ_MMAP, NULL)))
			rc = load_symtab(de, e, SHT_SYMTAB);
		if (de)
			elf_end(de);
		if (dfd >= 0)
			close(dfd);
		if (rc <= 0)
			rc = load_symtab(elf, e, SHT_DYNSYM);
	}
	if (rc < 0)
		goto cleanup;
	qsort(e->v, e->n, sizeof(*e->v), sym_cmp);
	/* aliases: keep the best ranked one at each address */
	{
		size_t k = 0;

		for (size_t i = 0; i < e->n; i++)
			if (!k || e->v[k - 1].addr != e->v[i].addr)
				e->v[k++] = e->v[i];
		e->n = k;
	}
	rc = 0;
cleanup:
	if (elf)
		elf_end(elf);
	return rc;
}

/* vdso_image: a copy of this process's vDSO (the same for every process of this kernel) */
static void *vdso_image(size_t *size)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	char line[256];
	void *copy = NULL;
	FILE *f;

	if (!base || !(f = fopen("/proc/self/maps", "re")))
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;

		if (strstr(line, "[vdso]") && sscanf(line, "%llx-%llx", &s, &e) == 2 && s == base) {
			*size = (size_t)(e - s);
			copy = malloc(*size);
			if (copy)
				memcpy(copy, (void *)base, *size);
			break;
		}
	}
	fclose(f);
	return copy;
}

/* elf_for: the cached symbols of mapping m of pid, loading them on first use */
static struct elf_syms *elf_for(struct wl_usyms *u, int pid, struct umap *m)
{
	struct elf_syms *e, **v;
	const char *base;
	char path[4200];
	int fd = -1, rc;

	if (m->tried)
		return m->elf;
	m->tried = 1;
	if (!m->key[0])
		return NULL; /* anonymous executable memory: a JIT, a trampoline */
	for (size_t i = 0; i < u->nelf; i++)
		if (!strcmp(u->elf[i]->key, m->key))
			return m->elf = u->elf[i];
	e = calloc(1, sizeof(*e));
	v = realloc(u->elf, (u->nelf + 1) * sizeof(*v));
	if (!e || !v) {
		free(e);
		free(v);
		return NULL;
	}
	u->elf = v;
	snprintf(e->key, sizeof(e->key), "%s", m->key);
	base = strrchr(m->path, '/');
	if (m->path[0] == '[')
		snprintf(e->label, sizeof(e->label), "%s", m->path); /* [vdso] */
	else
		snprintf(e->label, sizeof(e->label), "[%.*s]", 76, base ? base + 1 : m->path);
	if (!strcmp(m->key, "[vdso]")) {
		size_t size = 0;
		void *img = vdso_image(&size);

		rc = img ? load_elf(e, -1, img, size) : -ENOENT;
		free(img);
	} else {
		/* map_files opens the very file mapped, even deleted or in another
		 * mount namespace, while the process lives; then by path */
		snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", pid,
			 (unsigned long long)m->start, (unsigned long long)m->end);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(path, sizeof(path), "/proc/%d/root%s", pid, m->path);
			fd = open(path, O_RDONLY | O_CLOEXEC);
		}
		if (fd < 0)
			fd = open(m->path, O_RDONLY | O_CLOEXEC);
		rc = fd >= 0 ? load_elf(e, fd, NULL, 0) : -errno;
		if (fd >= 0)
			close(fd);
	}
	if (rc < 0)
		e->nseg = 0; /* unreadable: named by its label only */
	u->elf[u->nelf++] = e;
	return m->elf = e;
}

/* lookup: the symbol covering vaddr, or NULL */
static const char *lookup(const struct elf_syms *e, uint64_t vaddr)
{
	size_t lo = 0, hi = e->n;
	const struct usym *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->v[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &e->v[lo - 1];
	if (s->size && vaddr >= s->addr + s->size)
		return NULL;
	return e->names.s + s->name;
}

const char *wl_usyms_name(struct wl_usyms *u, int pid, uint64_t addr, char *buf, size_t len)
{
	struct upid *p = find_pid(u, pid, 0);
	struct elf_syms *e;
	struct umap *m = NULL;

	for (size_t i = 0; p && i < p->n && !m; i++)
		if (addr >= p->m[i].start && addr < p->m[i].end)
			m = &p->m[i];
	if (!m)
		return NULL;
	e = elf_for(u, pid, m);
	if (!e) {
		snprintf(buf, len, "[anon]");
		return buf;
	}
	{
		uint64_t off = addr - m->start + m->pgoff;

		for (int i = 0; i < e->nseg; i++)
			if (off >= e->seg[i].off && off < e->seg[i].off + e->seg[i].filesz) {
				const char *name = lookup(e, off - e->seg[i].off + e->seg[i].vaddr);

				if (name)
					return name;
				break;
			}
	}
	snprintf(buf, len, "%s", e->label);
	return buf;
}

void wl_usyms_free(struct wl_usyms *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->np; i++) {
		for (size_t j = 0; j < u->p[i].n; j++)
			free(u->p[i].m[j].path);
		free(u->p[i].m);
	}
	for (size_t i = 0; i < u->nelf; i++) {
		free(u->elf[i]->v);
		wl_pool_free(&u->elf[i]->names);
		free(u->elf[i]);
	}
	free(u->elf);
	free(u->p);
	free(u);
}
