/*
 * sweep_opts: `wirelab sweep`'s command line. Every option is checked here,
 * before a namespace or a process exists, and a bad one is named.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep_opts.h"
#include "sweep_profile.h"
#include "sweep_values.h"
#include "sweep_variants.h"
#include "sweep_window.h"

const char *const topo_names[] = {"loopback", "netns", "ssh", "vm"};

void sweep_usage(FILE *f)
{
	fprintf(f,
		"usage: wirelab sweep [options]\n"
		"\n"
		"Measure every chosen variant over file size x concurrency x repetition: each\n"
		"point starts the server fresh (pinned), warms up, then runs the client (wrk, or\n"
		"wirelab-load with --load) for the window with the probes and /proc/stat read at\n"
		"its edges. Rows go to OUT/points.csv and OUT/syscalls.csv as each point ends;\n"
		"OUT/run.json says how the run was made.\n"
		"\n"
		"  --variants LIST       names or globs (e.g. '*-sendfile-*-plain'), or all (default: all "
		"built)\n"
		"  --sizes LIST          file sizes: 1k,64k,1m, a geometric range 1k..16m*4 or a linear\n"
		"                        one 1m..100m+1m (0 allowed; at most %d sizes; default 1k,64k,1m)\n"
		"  --conns LIST          concurrent connections: 1,64 or 1..256*4 (default 1,64)\n"
		"  --threads N           wrk threads (default 1; never more than the connections)\n"
		"  --duration S          measured window, whole seconds (default 10)\n"
		"  --requests N          measured window: N requests in all (over the connections and\n"
		"                        client hosts) instead of --duration; needs --load closed\n"
		"  --warmup S            warm-up before each window, seconds (default 2; 0: none)\n"
		"  --reps MIN..MAX       repetitions: MIN of every point, then one more at a time of each\n"
		"                        variant of a cell whose decision is open, up to MAX (default\n"
		"                        3..10); --reps N: exactly N\n"
		"  --decide LIST         the metrics a cell's decision is read on (default "
		"rps,cpu,syscalls)\n"
		"  --baseline RUN        decide each cell as check against RUN does, not as pick does\n"
		"  --margin PCT          equivalent within +-PCT (default 3%%)\n"
		"  --min-effect PCT      better only by at least PCT (default 3%%)\n"
		"  --connection-close    a new connection per request\n"
		"  --load wrk|closed|open  the client: wrk (default), or build/wirelab-load in closed\n"
		"                        loop or open loop at --rates (latency from each request's\n"
		"                        intended send time); same namespace and CPUs as wrk\n"
		"  --rates LIST          open mode: requests/s (20k,40k) or shares of the cell's\n"
		"                        closed-mode capacity, measured first (25%%,50%%,100%%,110%%);\n"
		"                        a rate is a cell axis like conns\n"
		"  --workload FILE       a mix of sizes (wirelab-load's format, docs/load.md) as a\n"
		"                        cell beside --sizes (repeat for several; without --sizes,\n"
		"                        only the mixes); needs --load closed|open\n"
		"  --topology T          loopback, netns or ssh (default netns where namespaces can be\n"
		"                        made, else loopback); vm: the whole sweep inside scripts/labvm\n"
		"  --link-rate RATE      netns: tc tbf rate on the veth, e.g. 1gbit, 100mbit\n"
		"  --mtu N               netns: MTU of the veth pair (68..65535)\n"
		"  --offloads on|off     netns: TSO/GSO/GRO on the veth pair\n"
		"  --client-host HOST    ssh: a host wrk runs on (repeat for several; load is split)\n"
		"  --ssh-config FILE     ssh: ssh -F FILE (keys, ports, known hosts)\n"
		"  --server-addr ADDR    ssh: the server's address the clients connect to (required)\n"
		"  --server-cpus LIST    the server's CPUs, one thread each (default 0)\n"
		"  --client-cpus LIST    the client's CPUs (default 1, or 0 on a single core);\n"
		"                        wirelab-load: one thread per CPU, on each --client-host too\n"
		"  --peers LIST          also sweep %s (one worker, same CPUs and docroot)\n"
		"  --floor               also sweep the floor of each swept loop and tls (epoll-floor, "
		"...):\n"
		"                        the kernel's cost of one receive and one send per request, drawn\n"
		"                        as a reference; pick says each variant's distance (docs/floor.md)\n"
		"  --sqpoll              uring variants run with an SQPOLL thread (recorded in run.json)\n"
		"  --no-probes           no BPF probes (CPU time from /proc; syscall, context switch and\n"
		"                        segment columns stay empty)\n"
		"  --no-calibrate        no calibration loop (about 1 s before the first point that\n"
		"                        measures the machine's own noise; docs/tune.md)\n"
		"  --profile             a CPU profile of the server in every window: OUT/profiles/ (folded\n"
		"                        stacks, flame graphs) and OUT/profiles.csv (docs/profile.md)\n"
		"  --profile-hz N        samples per second of CPU time, 1..%d (default %d)\n"
		"  --probe-window W      separate (default): no probe during the timing window, counts from\n"
		"                        a 1 s window right after it; same: probes attached during it\n"
		"  --out DIR             the run's folder (default results/<run-id>)\n"
		"  --resume DIR          finish an interrupted run: its options, skipping finished points\n"
		"  --build DIR           where <variant>/wirelab-httpd are (default: next to wirelab)\n",
		SWEEP_MAX_SIZES, variant_peer_names(), WL_PROFILE_HZ_MAX, WL_PROFILE_HZ_DEFAULT);
}

enum {
	O_VARIANTS = 256,
	O_SIZES,
	O_CONNS,
	O_THREADS,
	O_DURATION,
	O_REQUESTS,
	O_WARMUP,
	O_CLOSE,
	O_TOPO,
	O_RATE,
	O_MTU,
	O_OFFLOADS,
	O_HOST,
	O_SSHCFG,
	O_SRVADDR,
	O_SCPUS,
	O_CCPUS,
	O_PEERS,
	O_NOPROBES,
	O_SQPOLL,
	O_FLOOR,
	O_PROFILE,
	O_PROFILE_HZ,
	O_OUT,
	O_RESUME,
	O_BUILD,
	O_QUIET,
	O_LOAD,
	O_RATES,
	O_WORKLOAD,
	O_HELP,
	O_ADAPT, /* sweep_adapt_opt: --reps, --baseline, --decide, --margin, --min-effect */
	O_PROBEWIN,
	O_NOCALIB,
};

static const struct option long_opts[] = {
	{"variants", required_argument, 0, O_VARIANTS},
	{"sizes", required_argument, 0, O_SIZES},
	{"conns", required_argument, 0, O_CONNS},
	{"threads", required_argument, 0, O_THREADS},
	{"duration", required_argument, 0, O_DURATION},
	{"requests", required_argument, 0, O_REQUESTS},
	{"warmup", required_argument, 0, O_WARMUP},
	{"reps", required_argument, 0, O_ADAPT},
	{"baseline", required_argument, 0, O_ADAPT},
	{"decide", required_argument, 0, O_ADAPT},
	{"margin", required_argument, 0, O_ADAPT},
	{"min-effect", required_argument, 0, O_ADAPT},
	{"probe-window", required_argument, 0, O_PROBEWIN},
	{"connection-close", no_argument, 0, O_CLOSE},
	{"topology", required_argument, 0, O_TOPO},
	{"link-rate", required_argument, 0, O_RATE},
	{"mtu", required_argument, 0, O_MTU},
	{"offloads", required_argument, 0, O_OFFLOADS},
	{"client-host", required_argument, 0, O_HOST},
	{"ssh-config", required_argument, 0, O_SSHCFG},
	{"server-addr", required_argument, 0, O_SRVADDR},
	{"server-cpus", required_argument, 0, O_SCPUS},
	{"client-cpus", required_argument, 0, O_CCPUS},
	{"peers", required_argument, 0, O_PEERS},
	{"no-probes", no_argument, 0, O_NOPROBES},
	{"no-calibrate", no_argument, 0, O_NOCALIB},
	{"sqpoll", no_argument, 0, O_SQPOLL},
	{"floor", no_argument, 0, O_FLOOR},
	{"profile", no_argument, 0, O_PROFILE},
	{"profile-hz", required_argument, 0, O_PROFILE_HZ},
	{"out", required_argument, 0, O_OUT},
	{"resume", required_argument, 0, O_RESUME},
	{"build", required_argument, 0, O_BUILD},
	{"quiet", no_argument, 0, O_QUIET},
	{"load", required_argument, 0, O_LOAD},
	{"rates", required_argument, 0, O_RATES},
	{"workload", required_argument, 0, O_WORKLOAD},
	{"help", no_argument, 0, O_HELP},
	{0, 0, 0, 0},
};

int sweep_self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return -errno;
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
	return 0;
}

/* Namespaces need root and a working `ip netns`. */
static int can_netns(void)
{
	return geteuid() == 0 && !access("/usr/sbin/ip", X_OK) && !access("/proc/self/ns/net", R_OK);
}

/* name is an executable file in a folder of $PATH (what execvp and the
 * shell that starts wrk will find). */
static int on_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, file[PATH_MAX];
	int found = 0;

	copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		struct stat st;
		snprintf(file, sizeof(file), "%s/%s", *d ? d : ".", name);
		found = !stat(file, &st) && S_ISREG(st.st_mode) && !access(file, X_OK);
	}
	free(copy);
	return found;
}

/* --requests N: a whole number of requests, 1..SWEEP_MAX_REQUESTS */
static int parse_requests(const char *a, long *out, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(a, &end, 10);
	if (errno || end == a || *end || v < 1 || v > SWEEP_MAX_REQUESTS) {
		snprintf(err, errlen, "--requests '%s': expected a whole number of requests in 1..%d", a,
			 SWEEP_MAX_REQUESTS);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* --requests with the options it depends on: wirelab-load's closed loop
 * is the client that counts requests (wrk has no fixed count; open mode's
 * windows are a rate over a time) */
static int check_requests(const struct sweep_opts *o, int duration_given, char *err, size_t errlen)
{
	if (duration_given) {
		snprintf(err, errlen,
			 "--requests and --duration together: give one (--requests %ld makes each window "
			 "%ld requests, bounded at %d s)",
			 o->requests, o->requests, sweep_requests_limit_s());
		return -EINVAL;
	}
	if (o->load.kind == SWEEP_LOAD_WRK) {
		snprintf(err, errlen,
			 "--requests needs --load closed: wrk has no fixed request count (it runs for "
			 "--duration seconds)");
		return -EINVAL;
	}
	if (o->load.kind == SWEEP_LOAD_OPEN) {
		snprintf(err, errlen,
			 "--requests applies to --load closed: open mode's windows are a rate over "
			 "--duration seconds");
		return -EINVAL;
	}
	if (o->topology == TOPO_SSH && o->requests < o->nclient_hosts) {
		snprintf(err, errlen, "--requests %ld: fewer than the %d client hosts that share them",
			 o->requests, o->nclient_hosts);
		return -EINVAL;
	}
	return 0;
}

int sweep_opts_parse(int argc, char **argv, struct sweep_opts *o, char *err, size_t errlen)
{
	const char *variants = "all", *sizes = "1k,64k,1m", *conns = "1,64", *topo = NULL, *peers = NULL;
	long tmp[SWEEP_MAX_SIZES];
	int c, li = 0, ret = -EINVAL, duration_given = 0;

	memset(o, 0, sizeof(*o));
	o->threads = 1;
	o->duration = 10;
	o->warmup = 2;
	sweep_adapt_defaults(o);
	o->probe_window = SWEEP_WINDOW_DEFAULT;
	o->offloads = -1;
	o->argc = argc;
	o->argv = argv;
	snprintf(o->server_cpus, sizeof(o->server_cpus), "0");
	snprintf(o->client_cpus, sizeof(o->client_cpus), "%d", sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0);
	if (sweep_self_dir(o->build, sizeof(o->build)))
		snprintf(o->build, sizeof(o->build), "build");
	if (snprintf(o->lua, sizeof(o->lua), "%s/wrk-summary.lua", o->build) >= (int)sizeof(o->lua))
		o->lua[0] = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_opts, &li)) != -1) {
		const char *a = optarg;
		switch (c) {
		case O_VARIANTS:
			variants = a;
			break;
		case O_SIZES:
			sizes = a;
			o->load.sizes_given = 1;
			break;
		case O_CONNS:
			conns = a;
			break;
		case O_THREADS:
			if (sweep_parse_int("--threads", a, 1, 64, &o->threads, err, errlen))
				return -EINVAL;
			o->load.threads_given = 1;
			break;
		case O_DURATION:
			if (sweep_parse_int("--duration", a, 1, 3600, &o->duration, err, errlen))
				return -EINVAL;
			duration_given = 1;
			break;
		case O_REQUESTS:
			if (parse_requests(a, &o->requests, err, errlen))
				return -EINVAL;
			break;
		case O_WARMUP: {
			char *end;
			o->warmup = strtod(a, &end);
			if (end == a || (*end && strcmp(end, "s")) || o->warmup < 0 || o->warmup > 600) {
				snprintf(err, errlen, "--warmup '%s': expected seconds in 0..600, e.g. 0.5",
					 a);
				return -EINVAL;
			}
			break;
		}
		case O_ADAPT:
			if (sweep_adapt_opt(o, long_opts[li].name, a, err, errlen))
				return -EINVAL;
			break;
		case O_PROBEWIN:
			if (sweep_window_opt(o, a, err, errlen))
				return -EINVAL;
			break;
		case O_CLOSE:
			o->conn_close = 1;
			break;
		case O_TOPO:
			topo = a;
			break;
		case O_RATE:
			if (sweep_check_rate(a) || strlen(a) >= sizeof(o->link_rate)) {
				snprintf(err, errlen,
					 "--link-rate '%s': expected a rate such as 1gbit or 100mbit", a);
				return -EINVAL;
			}
			snprintf(o->link_rate, sizeof(o->link_rate), "%s", a);
			break;
		case O_MTU:
			if (sweep_parse_int("--mtu", a, 68, 65535, &o->mtu, err, errlen))
				return -EINVAL;
			break;
		case O_OFFLOADS:
			if (strcmp(a, "on") && strcmp(a, "off")) {
				snprintf(err, errlen, "--offloads '%s': expected on or off", a);
				return -EINVAL;
			}
			o->offloads = !strcmp(a, "on");
			break;
		case O_HOST:
			if (o->nclient_hosts == SWEEP_MAX_HOSTS || !*a || strpbrk(a, " '\"\\;&|$`")) {
				snprintf(err, errlen, "--client-host '%s': expected [user@]host (at most %d)",
					 a, SWEEP_MAX_HOSTS);
				return -EINVAL;
			}
			o->client_hosts[o->nclient_hosts++] = (char *)a;
			break;
		case O_SSHCFG:
			if (access(a, R_OK)) {
				snprintf(err, errlen, "--ssh-config '%s': cannot read it", a);
				return -EINVAL;
			}
			snprintf(o->ssh_config, sizeof(o->ssh_config), "%s", a);
			break;
		case O_SRVADDR:
			if (strlen(a) >= sizeof(o->server_addr) || strspn(a, "0123456789.") != strlen(a)) {
				snprintf(err, errlen, "--server-addr '%s': expected an IPv4 address", a);
				return -EINVAL;
			}
			snprintf(o->server_addr, sizeof(o->server_addr), "%s", a);
			break;
		case O_SCPUS:
			snprintf(o->server_cpus, sizeof(o->server_cpus), "%s", a);
			break;
		case O_CCPUS:
			snprintf(o->client_cpus, sizeof(o->client_cpus), "%s", a);
			break;
		case O_PEERS:
			peers = a;
			break;
		case O_FLOOR:
			o->floor = 1;
			break;
		case O_SQPOLL:
			o->sqpoll = 1;
			break;
		case O_NOPROBES:
			o->no_probes = 1;
			break;
		case O_NOCALIB:
			o->no_calibrate = 1;
			break;
		case O_PROFILE:
			o->profile = 1;
			break;
		case O_PROFILE_HZ:
			if (sweep_parse_int("--profile-hz", a, 1, WL_PROFILE_HZ_MAX, &o->profile_hz, err,
					    errlen))
				return -EINVAL;
			break;
		case O_OUT:
			snprintf(o->out, sizeof(o->out), "%s", a);
			break;
		case O_RESUME:
			snprintf(o->out, sizeof(o->out), "%s", a);
			o->resume = 1;
			break;
		case O_BUILD:
			snprintf(o->build, sizeof(o->build), "%s", a);
			break;
		case O_QUIET:
			o->quiet = 1;
			break;
		case O_LOAD:
		case O_RATES:
		case O_WORKLOAD:
			if (sweep_load_opt(o, c - O_LOAD, a, err, errlen))
				return -EINVAL;
			break;
		case O_HELP:
			return 1;
		case ':':
			snprintf(err, errlen, "%s needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	/* with --workload and no --sizes, the mixes are the only cells */
	if (o->load.nmixes && !o->load.sizes_given)
		ret = 0;
	else if ((ret = sweep_parse_list("--sizes", sizes, 1, o->sizes, SWEEP_MAX_SIZES, 0, 1L << 30, err,
					 errlen)) < 0)
		return ret;
	o->nsizes = ret;
	if ((ret = sweep_parse_list("--conns", conns, 0, tmp, SWEEP_MAX_CONNS, 1, 100000, err, errlen)) < 0)
		return ret;
	o->nconns = ret;
	for (int i = 0; i < ret; i++)
		o->conns[i] = (int)tmp[i];
	if (sweep_check_cpus("--server-cpus", o->server_cpus, o->server_cpu_list, &o->nserver_cpus, err,
			     errlen) ||
	    sweep_check_cpus("--client-cpus", o->client_cpus, o->client_cpu_list, &o->nclient_cpus, err,
			     errlen))
		return -EINVAL;
	if (!topo)
		o->topology = o->nclient_hosts ? TOPO_SSH : can_netns() ? TOPO_NETNS : TOPO_LOOPBACK;
	else {
		int found = 0;
		for (int i = 0; i < 4; i++)
			if (!strcmp(topo, topo_names[i]) && (found = 1))
				o->topology = i;
		if (!found) {
			snprintf(err, errlen, "--topology '%s': expected loopback, netns, ssh or vm", topo);
			return -EINVAL;
		}
	}
	if (o->topology == TOPO_VM && o->resume) {
		snprintf(err, errlen,
			 "--resume: not supported with --topology vm (rows leave the VM when it ends)");
		return -ENOTSUP;
	}
	if (o->topology == TOPO_NETNS && !can_netns()) {
		snprintf(err, errlen,
			 "--topology netns: needs root and iproute2 (ip netns); try --topology loopback");
		return -EPERM;
	}
	if (o->topology != TOPO_NETNS && (o->link_rate[0] || o->mtu || o->offloads >= 0)) {
		snprintf(err, errlen, "--%s applies to --topology netns only",
			 o->link_rate[0] ? "link-rate"
			 : o->mtu	 ? "mtu"
					 : "offloads");
		return -EINVAL;
	}
	if (o->topology == TOPO_SSH && (!o->nclient_hosts || !o->server_addr[0])) {
		snprintf(err, errlen, "--topology ssh: needs %s",
			 !o->nclient_hosts
				 ? "--client-host HOST"
				 : "--server-addr ADDR (the server's address as the clients see it)");
		return -EINVAL;
	}
	if (o->topology != TOPO_SSH && (o->nclient_hosts || o->server_addr[0] || o->ssh_config[0])) {
		snprintf(err, errlen, "--%s applies to --topology ssh only",
			 o->nclient_hosts    ? "client-host"
			 : o->server_addr[0] ? "server-addr"
					     : "ssh-config");
		return -EINVAL;
	}
	if (o->requests && (ret = check_requests(o, duration_given, err, errlen)))
		return ret;
	if ((ret = sweep_load_check(o, err, errlen)))
		return ret;
	/* without wrk every window would fail, each with the same message;
	 * ssh: wrk runs on the client hosts, which the first window tests */
	if (o->load.kind == SWEEP_LOAD_WRK && o->topology != TOPO_SSH && !on_path("wrk")) {
		snprintf(err, errlen,
			 "wrk is not installed (not found on PATH): run scripts/install-deps, or "
			 "apt-get install wrk");
		return -ENOENT;
	}
	if (o->load.kind == SWEEP_LOAD_WRK && access(o->lua, R_OK)) {
		snprintf(err, errlen, "%s: the wrk script is missing (make builds it next to wirelab)",
			 o->lua);
		return -ENOENT;
	}
	if (o->resume) {
		struct stat st;
		if (stat(o->out, &st) || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "--resume '%s': not a run folder", o->out);
			return -ENOENT;
		}
	}
	if ((ret = sweep_profile_check(o, err, errlen)))
		return ret;
	if ((ret = sweep_resolve_variants(o, variants, err, errlen)))
		return ret;
	if (peers && (ret = sweep_resolve_peers(o, peers, err, errlen)))
		return ret;
	if (o->floor && (ret = sweep_resolve_floors(o, err, errlen)))
		return ret;
	return sweep_adapt_check(o, err, errlen);
}

void sweep_opts_free(struct sweep_opts *o)
{
	o->nvariants = 0;
}
