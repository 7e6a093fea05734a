/*
 * profile_int.h: the profile's state, shared by the files that make up
 * the library (profile_bpf.c captures, profile_fold.c names and folds,
 * profile_write.c writes). Not for callers: they use profile.h.
 */
#ifndef WL_PROFILE_INT_H
#define WL_PROFILE_INT_H
#include "profile.h"
#include "profile_abi.h"
#include "profile_sym.h"

struct profile_bpf;
struct bpf_link;

struct wl_profile {
	struct profile_bpf *skel;
	int ncpus; /* possible CPUs: a per-CPU map value's length */
	int *pfd;  /* perf events, one per online CPU */
	struct bpf_link **link;
	int npfd;
	int npids;
	int pids[WL_PROF_MAX_TGIDS];
	char gone[WL_PROF_MAX_TGIDS];
	int running;
	uint64_t t_start;
	uint64_t cpu_start; /* the targets' CPU time at start */
	int cpu_ok;	    /* ... which could be read */
	struct wl_usyms *usyms;
	struct wl_folded folded;
	struct wl_profile_info info;
};

/*
 * wl_profile_fold: read the BPF maps into p->folded, naming frames with
 * ksyms (NULL: kernel frames unnamed) and p->usyms.
 */
int wl_profile_fold(struct wl_profile *p, const struct wl_ksyms *ksyms);

#endif
