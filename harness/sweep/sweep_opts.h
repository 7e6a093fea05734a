/*
 * sweep_opts: `wirelab sweep`'s command line, checked before anything runs
 * (docs/sweep.md). The limits below bound every list an option takes.
 */
#ifndef WL_SWEEP_OPTS_H
#define WL_SWEEP_OPTS_H
#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "sweep_adapt.h"
#include "sweep_load.h"
#include "variant.h"

#define SWEEP_MAX_VARIANTS 64	/* 42 variants and the peers */
#define SWEEP_MAX_SIZES	   1024 /* a linear range such as 20k..10m+20k (512 sizes) */
#define SWEEP_MAX_CONNS	   16
#define SWEEP_MAX_HOSTS	   8
#define SWEEP_MAX_CPUS	   256
#define SWEEP_MAX_REQUESTS 100000000 /* --requests: 10^8, hours at any size */

enum topo_kind { TOPO_LOOPBACK, TOPO_NETNS, TOPO_SSH, TOPO_VM };
extern const char *const topo_names[];

struct sweep_opts {
	struct variant variants[SWEEP_MAX_VARIANTS]; /* resolved, built; peers last */
	int nvariants;
	long sizes[SWEEP_MAX_SIZES];
	int nsizes;
	int conns[SWEEP_MAX_CONNS];
	int nconns;
	int threads;		       /* wrk threads (capped at the connections of a point) */
	int duration;		       /* measured window, whole seconds (wrk's resolution) */
	long requests;		       /* --requests N: each window is N requests in all; 0: --duration */
	double warmup;		       /* seconds */
	int reps;		       /* --reps MIN (or N): every point gets this many */
	struct sweep_adapt_opts adapt; /* --reps ..MAX, --baseline, --decide, --margin, --min-effect */
	int probe_window;	       /* --probe-window: enum sweep_window */
	int conn_close;		       /* a new connection per request */
	enum topo_kind topology;
	char link_rate[32]; /* tc tbf rate, "" for none */
	int mtu;	    /* 0: leave */
	int offloads;	    /* -1 leave, 0 off, 1 on */
	char *client_hosts[SWEEP_MAX_HOSTS];
	int nclient_hosts;
	char ssh_config[PATH_MAX];
	char server_addr[64]; /* ssh: the address clients reach the server on */
	char server_cpus[64], client_cpus[64];
	int server_cpu_list[SWEEP_MAX_CPUS], nserver_cpus;
	int client_cpu_list[SWEEP_MAX_CPUS], nclient_cpus;
	int npeers; /* the last npeers of variants[] are peers */
	int no_probes;
	/* --no-calibrate: no calibration loop before the first point (sweep_tune.c) */
	int no_calibrate;
	int sqpoll; /* --sqpoll for uring variants */
	int floor;  /* --floor: the floors of the swept variants too (docs/floor.md) */
	int quiet;  /* no per-point lines (the demo prints its own table) */
	char out[PATH_MAX];
	int resume;
	char build[PATH_MAX]; /* where build/<variant>/wirelab-httpd live */
	char lua[PATH_MAX];   /* wrk-summary.lua */
	int argc;	      /* the options as given, for run.json */
	char **argv;

	int profile, profile_hz;     /* --profile [--profile-hz N]: sweep_profile.c */
	struct sweep_load_opts load; /* --load, --rates, --workload (sweep_load.h) */
};

/* 0 to run, 1 when --help was asked for, -errno with the bad option named
 * in err. */
int sweep_opts_parse(int argc, char **argv, struct sweep_opts *o, char *err, size_t errlen);
void sweep_opts_free(struct sweep_opts *o);
void sweep_usage(FILE *f);
int sweep_parse_cpus(const char *s, int *cpus, int max);
/* The directory build/wirelab runs from (for the Lua script and variants). */
int sweep_self_dir(char *buf, size_t len);
#endif
