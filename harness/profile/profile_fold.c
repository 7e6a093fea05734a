/*
 * profile_fold: the BPF maps of a window to folded stacks: every address
 * named, frames root first, and samples at an interrupt-enable point
 * handed to their caller (docs/profile.md, "Virtual machines").
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.skel.h"
#include "profile_int.h"
#include "profile_pool.h"

#define IRQ_UNKNOWN "[irqs-off section, caller unknown]"

/* add_frame: ";name" (+ "_[k]"), with ';' and line breaks in the name made '_' */
static int add_frame(struct wl_pool *b, const char *name, int kernel)
{
	size_t at = b->len;
	int rc = wl_pool_cat(b, ";", 1);

	if (!rc)
		rc = wl_pool_cat(b, name, strlen(name));
	for (size_t i = at + 1; !rc && i < b->len; i++)
		if (b->s[i] == ';' || b->s[i] == '\n' || b->s[i] == '\r')
			b->s[i] = '_';
	if (!rc && kernel)
		rc = wl_pool_cat(b, WL_FOLDED_KSUFFIX, WL_FOLDED_KSUFFIX_LEN);
	return rc;
}

/* the address to name: a return address (every frame but the leaf) points
 * past its call, which may be the next function's first byte */
static uint64_t call_site(const struct wl_prof_stack *s, uint32_t i)
{
	return i ? s->ip[i] - 1 : s->ip[i];
}

/*
 * user_frames: names of the user stack, leaf first, into names[]. A frame
 * outside every executable mapping ends the walk: past it the kernel
 * followed a frame pointer the code did not keep (Debian builds without
 * them), and what follows is stack garbage.
 */
static int user_frames(struct wl_profile *p, int tgid, const struct wl_prof_stack *s, char (*names)[128],
		       uint32_t *n)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < s->len; i++) {
		const char *name = wl_usyms_name(p->usyms, tgid, call_site(s, i), names[k], sizeof(names[k]));

		if (!name) {
			if (i == 0)
				snprintf(names[k++], sizeof(names[0]), "[unknown]");
			break;
		}
		if (name != names[k])
			snprintf(names[k], sizeof(names[0]), "%s", name);
		k++;
	}
	*n = k;
	return 0;
}

static int fold_one(struct wl_profile *p, const struct wl_ksyms *ks, const struct wl_prof_key *key,
		    struct wl_prof_value *v, struct wl_pool *b, char (*names)[128])
{
	struct wl_prof_stack *kst = &v->k, *ust = &v->u;
	uint64_t count = v->count;
	int kh, uh, rc;
	char comm[17];
	uint32_t un = 0, kfirst = 0;

	kst->len = kst->len > WL_PROF_DEPTH ? WL_PROF_DEPTH : kst->len;
	ust->len = ust->len > WL_PROF_DEPTH ? WL_PROF_DEPTH : ust->len;
	kh = key->kstack != WL_PROF_NONE && kst->len > 0;
	uh = key->ustack != WL_PROF_NONE && ust->len > 0;
	memcpy(comm, key->comm, 16);
	comm[16] = '\0';
	b->len = 0;
	rc = wl_pool_cat(b, comm[0] ? comm : "[unknown]", strlen(comm[0] ? comm : "[unknown]"));
	for (size_t i = 0; !rc && i < b->len; i++)
		if (b->s[i] == ';' || b->s[i] == '\n')
			b->s[i] = '_';
	if (!rc && uh) {
		user_frames(p, key->tgid, ust, names, &un);
		for (uint32_t i = un; !rc && i > 0; i--)
			rc = add_frame(b, names[i - 1], 0);
	}
	if (rc || !kh)
		return rc ? rc : wl_folded_add(&p->folded, b->s, b->len, count);
	/* the interrupt-enable artefact: skip leaf frames that are such points */
	if (p->info.irq_reattribute) {
		while (kfirst < kst->len) {
			const char *n = ks ? wl_ksyms_name(ks, call_site(kst, kfirst)) : NULL;

			if (!n || !wl_irq_enable_point(n, strlen(n)))
				break;
			kfirst++;
		}
		if (kfirst)
			*(kfirst < kst->len ? &p->info.irq_moved : &p->info.irq_unknown) += count;
	}
	for (uint32_t i = kst->len; !rc && i > kfirst; i--) {
		const char *n = ks ? wl_ksyms_name(ks, call_site(kst, i - 1)) : NULL;

		rc = add_frame(b, n ? n : "[unknown]", 1);
	}
	if (!rc && kfirst == kst->len)
		rc = add_frame(b, IRQ_UNKNOWN, 1);
	return rc ? rc : wl_folded_add(&p->folded, b->s, b->len, count);
}

int wl_profile_fold(struct wl_profile *p, const struct wl_ksyms *ks)
{
	int fd = bpf_map__fd(p->skel->maps.wl_prof_samples), rc = 0, first = 1;
	struct wl_prof_value *v = malloc(sizeof(*v));
	char(*names)[128] = malloc(WL_PROF_DEPTH * sizeof(*names));
	struct wl_prof_key key, next;
	struct wl_pool b = {0};

	wl_folded_free(&p->folded);
	p->info.counted = p->info.irq_moved = p->info.irq_unknown = 0;
	if (!v || !names) {
		rc = -ENOMEM;
		goto cleanup;
	}
	while (!bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = 0;
		key = next;
		if (bpf_map_lookup_elem(fd, &key, v) < 0 || !v->count)
			continue;
		rc = fold_one(p, ks, &key, v, &b, names);
		if (rc < 0)
			goto cleanup;
		p->info.counted += v->count;
	}
	wl_folded_sort_stacks(&p->folded);
cleanup:
	free(v);
	free(names);
	wl_pool_free(&b);
	return rc;
}
