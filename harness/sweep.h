/*
 * sweep: `wirelab sweep`, every chosen variant measured over file size x
 * concurrency x repetition (DESIGN.md, "The harness" and "Results").
 *
 * Modules: sweep_opts (the command line, checked before anything runs),
 * topo_* (where the server and wrk run: loopback, netns, ssh), sweep_proc
 * (child processes: start, wait with a deadline, kill), sweep_srv (a server
 * or peer started fresh for a point), sweep_wrk (one wrk window and its Lua
 * JSON summary), sweep_point (one measured point), results_* (points.csv,
 * syscalls.csv, run.json, resume), peer_* (nginx, lighttpd, h2o configs).
 */
#ifndef WL_SWEEP_H
#define WL_SWEEP_H
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define SWEEP_MAX_VARIANTS 32
#define SWEEP_MAX_SIZES	   32
#define SWEEP_MAX_CONNS	   16
#define SWEEP_MAX_HOSTS	   8
#define SWEEP_MAX_CPUS	   256

enum topo_kind { TOPO_LOOPBACK, TOPO_NETNS, TOPO_SSH, TOPO_VM };
extern const char *const topo_names[];

struct sweep_opts {
	char *variants[SWEEP_MAX_VARIANTS]; /* resolved, built; peers last */
	int nvariants;
	long sizes[SWEEP_MAX_SIZES];
	int nsizes;
	int conns[SWEEP_MAX_CONNS];
	int nconns;
	int threads;   /* wrk threads (capped at the connections of a point) */
	int duration;  /* measured window, whole seconds (wrk's resolution) */
	double warmup; /* seconds */
	int reps;
	int conn_close; /* a new connection per request */
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
	int sqpoll; /* --sqpoll for uring variants */
	int quiet;  /* no per-point lines (the demo prints its own table) */
	char out[PATH_MAX];
	int resume;
	char build[PATH_MAX]; /* where build/<variant>/wirelab-httpd live */
	char lua[PATH_MAX];   /* wrk-summary.lua */
	int argc;	      /* the options as given, for run.json */
	char **argv;
};

/* sweep_opts.c */
int sweep_opts_parse(int argc, char **argv, struct sweep_opts *o, char *err, size_t errlen);
void sweep_opts_free(struct sweep_opts *o);
void sweep_usage(FILE *f);
int sweep_parse_cpus(const char *s, int *cpus, int max);
int sweep_variant_axes(const char *v, char axes[4][16]);
int sweep_is_peer(const char *v);
/* The directory build/wirelab runs from (for the Lua script and variants). */
int sweep_self_dir(char *buf, size_t len);

/* Ctrl-C / SIGTERM: set once, checked between steps; children are killed. */
extern volatile sig_atomic_t sweep_stop;
void sweep_signals(void);

/* sweep_proc.c: children in their own process group */
struct sweep_child_spec {
	const char *const *argv; /* argv[0] found on PATH */
	const char *netns;	 /* setns into /run/netns/<netns>, or NULL */
	const int *cpus;	 /* affinity, or NULL */
	int ncpus;
	const char *out_path, *err_path; /* stdout / stderr files (NULL: /dev/null) */
	const char *cwd;
};
pid_t sweep_spawn(const struct sweep_child_spec *s);
/* Wait for pid up to timeout_ms (or sweep_stop); 1 exited (*status set),
 * 0 still running. */
int sweep_wait(pid_t pid, int timeout_ms, int *status);
/* SIGTERM the group, then SIGKILL after grace_ms; reaps. Returns the status. */
int sweep_kill(pid_t pid, int grace_ms);
/* Run a shell command, stderr captured into err; 0 or -1. */
int sweep_sh(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The last non-empty line of a file (at most len-1 bytes). */
void sweep_tail(const char *path, char *buf, size_t len);
double sweep_now(void);
void sweep_sleep_ms(int ms);
/* "exit 3", "signal 11 (Segmentation fault)" */
void sweep_status_str(int status, char *buf, size_t len);

/* topo_*.c: where things run */
struct topo {
	enum topo_kind kind;
	char srv_ns[32], cli_ns[32]; /* netns names, "" for the root namespace */
	char srv_addr[64];	     /* the address wrk connects to */
	char listen_addr[64];	     /* what the server binds */
	char veth[2][16];
	char settings[512]; /* for run.json and the banner */
	const struct sweep_opts *o;
	int up;
};
int topo_up(struct topo *t, const struct sweep_opts *o, char *err, size_t errlen);
void topo_down(struct topo *t);
int topo_netns_up(struct topo *t, const struct sweep_opts *o, char *err, size_t errlen);
void topo_netns_down(struct topo *t);
int topo_ssh_up(struct topo *t, const struct sweep_opts *o, char *err, size_t errlen);
void topo_ssh_down(struct topo *t, const struct sweep_opts *o);

/* topo_vm.c: inside the lab VM (1) or on the host (0); on the host the
 * whole sweep is handed to the VM */
int topo_vm_inside(void);
int sweep_vm_run(const struct sweep_opts *o);

/* A measured point's key and outcome. */
struct sweep_point {
	const char *variant;
	long size;
	int conns;
	int threads; /* wrk threads actually used */
	int rep;
};

enum point_status { PT_OK, PT_CLIENT_BOUND, PT_SKIPPED, PT_FAILED };
extern const char *const point_status_names[];

struct wrk_result {
	uint64_t requests, bytes;
	uint64_t err_connect, err_read, err_write, err_status, err_timeout;
	double duration_s;
	double p50_us, p99_us, p999_us, mean_us, max_us;
	double client_cpu_s; /* wrk's user+sys */
	double client_busy;  /* of the cores it could use, 0..1 (max over hosts) */
};

struct point_result {
	enum point_status status;
	char reason[512];
	struct wrk_result w;
	double rps, mbps;
	double cpu_us, core_us, syscalls, ctxsw, segs; /* per request; NaN: unknown */
	uint64_t *sys_counts;			       /* WL_SYS_SLOTS counts in the window, or NULL */
};

/* sweep_srv.c: a server (ours or a peer) started fresh */
struct sweep_srv {
	pid_t pid;
	int port;
	char dir[PATH_MAX]; /* scratch: logs, peer config */
	char err_path[PATH_MAX];
	int pids[64];
	int npids;
};
/* 0 ready; 1 refused to start (reason in err: skipped); -1 failed. */
int sweep_srv_start(struct sweep_srv *s, const struct sweep_opts *o, const struct topo *t,
		    const char *variant, const char *root, const char *tls_dir, char *err, size_t errlen);
/* 1 still running; 0 gone (what happened in err). */
int sweep_srv_alive(struct sweep_srv *s, char *err, size_t errlen);
void sweep_srv_stop(struct sweep_srv *s);
/* the server's on-CPU seconds from /proc (every pid, every thread) */
double sweep_srv_proc_cpu(const struct sweep_srv *s);

/* peer_*.c: a peer's config in dir and its argv; pids found after start */
int peer_config(const char *peer, const char *dir, const char *root, const char *addr, int port,
		const struct sweep_opts *o, const char **argv, int maxargv, char *err, size_t errlen);

/* sweep_wrk.c */
int sweep_wrk_run(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p, int port,
		  int tls, int seconds, double stop_after, struct wrk_result *r, char *err, size_t errlen);

/* sweep_point.c */
int sweep_point_run(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		    const char *root, const char *tls_dir, struct point_result *r, char *probe_note,
		    size_t notelen);

/* results_*.c */
int results_open(const struct sweep_opts *o, char *err, size_t errlen);
int results_done(const struct sweep_point *p); /* already recorded (resume) */
/* A point's rows, whole or not at all; -errno with the file named in err. */
int results_write(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		  const struct point_result *r, char *err, size_t errlen);
void results_close(void);
/* run.json, replaced atomically; -errno with the path named in err. */
int results_run_json(const struct sweep_opts *o, const struct topo *t, const char *run_id,
		     const char *cpu_source, const char *probe_note, const char *finished, char *err,
		     size_t errlen);
/* The options run.json saved, for --resume: argv to parse before the new
 * ones. Refuses a run of another results format (RUNS_FORMAT, runs.h). */
int results_saved_argv(const char *dir, char ***argv, int *argc, char *err, size_t errlen);
/* dir/run.json's results_format; 0 when it records none; -errno unreadable. */
int results_saved_format(const char *dir);

/* corpus: f<size> files in dir, deterministic bytes */
int sweep_corpus(const char *dir, const long *sizes, int n, char *err, size_t errlen);
/* a throwaway self-signed certificate for the tls variants */
int sweep_tls_cert(const char *dir, char *err, size_t errlen);

/* sweep_run.c: the whole sweep; returns the exit status */
int sweep_main(struct sweep_opts *o, char *run_dir_out, size_t len);
#endif
