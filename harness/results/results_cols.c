/*
 * results_cols: the points.csv and syscalls.csv column tables (see
 * results_cols.h) and the code that prints a header, a row or the docs
 * from them.
 */
#include "results_cols.h"

#include <math.h>
#include <string.h>

#include "variant.h"

/* a new axis is a new column here, so a new RUNS_FORMAT */
_Static_assert(RESULTS_NAXES == VARIANT_NAXES,
	       "points.csv has a column per axis: add the new axis's column and raise RUNS_FORMAT");

#define P(field) offsetof(struct results_point, field)
#define WRK	 "wrk"
/* the figures both load generators give */
#define CLIENT	"wrk, or wirelab-load's JSON (--load closed or open)"
#define LOADGEN "wirelab-load's JSON (--load closed or open); empty for wrk"
#define PROBES	"BPF probes; empty with --no-probes or where they cannot load"

const struct results_col results_point_cols[RP_NCOLS] = {
	[RP_VARIANT] = {"variant", "",
			"the variant (loop-send-cork-tls), a floor (epoll-floor, ...: docs/floor.md) or a "
			"peer (a peer row of variants/table)",
			"--variants, --peers", RES_TEXT, 0, P(variant), 0},
	[RP_LOOP] = {"loop", "", "the variant's value on the loop axis; empty for a peer", "variants/table",
		     RES_TEXT, 0, P(axis[0]), 0},
	[RP_SEND] = {"send", "", "the variant's value on the send axis; empty for a peer", "variants/table",
		     RES_TEXT, 0, P(axis[1]), 0},
	[RP_CORK] = {"cork", "", "the variant's value on the cork axis; empty for a peer", "variants/table",
		     RES_TEXT, 0, P(axis[2]), 0},
	[RP_TLS] = {"tls", "", "the variant's value on the tls axis; empty for a peer", "variants/table",
		    RES_TEXT, 0, P(axis[3]), 0},
	[RP_TOPOLOGY] = {"topology", "", "where the window ran: loopback, netns, ssh or vm", "--topology",
			 RES_TEXT, 0, P(topology), 0},
	[RP_LOAD] = {"load", "",
		     "the load generator and its loop: wrk; closed (wirelab-load, closed loop); open "
		     "(wirelab-load at a fixed rate). Format 1 rows are wrk's",
		     "--load (open mode's capacity windows are closed)", RES_TEXT, 0, P(load), 0},
	[RP_SIZE] = {"size_bytes", "bytes",
		     "the size of the file every request fetched; for a workload mix, the mean body size of "
		     "its requests (by weight)",
		     "--sizes, --workload", RES_INT, 0, P(size), 0},
	[RP_WORKLOAD] = {"workload", "",
			 "empty: every request fetched one file of size_bytes; else the name of the "
			 "workload mix (its file's name without the extension), a cell like a size",
			 "--workload", RES_TEXT, 0, P(workload), 0},
	[RP_CONNS] = {"conns", "connections", "concurrent connections the client kept open", "--conns",
		      RES_INT, 0, P(conns), 0},
	[RP_RATE] = {"rate", "",
		     "open mode: the rate as asked, requests/s (20000) or a share of the cell's closed-mode "
		     "capacity (50%), a cell axis like conns; empty in closed loop",
		     "--rates", RES_TEXT, 0, P(rate), 0},
	[RP_THREADS] = {"threads", "threads",
			"client threads per client host: wrk's (--threads), or wirelab-load's (one per "
			"--client-cpus CPU); never more than conns",
			"--threads, --client-cpus", RES_INT, 0, P(threads), 0},
	[RP_SERVER_THREADS] = {"server_threads", "threads", "server loop threads, one per server CPU",
			       "--server-cpus", RES_INT, 0, P(server_threads), 0},
	[RP_CONN_CLOSE] = {"connection_close", "0 or 1", "1: a new connection per request",
			   "--connection-close", RES_INT, 0, P(connection_close), 0},
	[RP_REP] = {"rep", "", "the repetition, from 1", "--reps", RES_INT, 0, P(rep), 0},
	[RP_DURATION] = {"duration_s", "s", "the measured window as the client timed it", CLIENT, RES_REAL, 3,
			 P(duration_s), 1},
	[RP_REQUESTS] = {"requests", "requests",
			 "requests completed (wirelab-load: those meant to be sent in the window, answered "
			 "in it or in the drain after it); every per-request figure divides by it",
			 CLIENT, RES_COUNT, 0, P(requests), 1},
	[RP_BYTES] = {"bytes", "bytes", "response bytes the client read, headers included", CLIENT, RES_COUNT,
		      0, P(bytes), 1},
	[RP_RPS] = {"rps", "requests/s", "requests / duration_s", CLIENT, RES_REAL, 1, P(rps), 1},
	[RP_MBPS] = {"mbytes_per_s", "MB/s", "bytes / duration_s / 10^6", CLIENT, RES_REAL, 3,
		     P(mbytes_per_s), 1},
	[RP_OFFERED] = {"offered_rps", "requests/s",
			"open mode: the rate the schedule offered in the window (all client hosts); "
			"empty in closed loop",
			LOADGEN, RES_REAL, 1, P(offered_rps), 1},
	[RP_ACHIEVED] = {"achieved_rps", "requests/s",
			 "answers that arrived within the window / duration_s (wrk: rps); below 98% of "
			 "offered_rps the row is rate-missed",
			 CLIENT, RES_REAL, 1, P(achieved_rps), 1},
	[RP_P50] = {"lat_p50_us", "µs",
		    "median latency; open mode: corrected, from each request's intended send time (wrk "
		    "under ssh: weighted by requests over the hosts; wirelab-load: the hosts' histograms "
		    "merged exactly)",
		    CLIENT, RES_REAL, 0, P(lat_p50_us), 1},
	[RP_P90] = {"lat_p90_us", "µs", "90th percentile latency, corrected", LOADGEN, RES_REAL, 0,
		    P(lat_p90_us), 1},
	[RP_P99] = {"lat_p99_us", "µs",
		    "99th percentile latency, corrected (wrk under ssh: the worst host's, an upper bound)",
		    CLIENT, RES_REAL, 0, P(lat_p99_us), 1},
	[RP_P999] = {"lat_p999_us", "µs",
		     "99.9th percentile latency, corrected (wrk under ssh: the worst "
		     "host's)",
		     CLIENT, RES_REAL, 0, P(lat_p999_us), 1},
	[RP_P9999] = {"lat_p9999_us", "µs", "99.99th percentile latency, corrected", LOADGEN, RES_REAL, 0,
		      P(lat_p9999_us), 1},
	[RP_MEAN] = {"lat_mean_us", "µs", "mean latency, corrected (wrk under ssh: weighted by requests)",
		     CLIENT, RES_REAL, 1, P(lat_mean_us), 1},
	[RP_MAX] = {"lat_max_us", "µs", "the slowest request, corrected", CLIENT, RES_REAL, 0, P(lat_max_us),
		    1},
	[RP_U50] = {"lat_uncorrected_p50_us", "µs",
		    "median latency from the actual send time (what a closed-loop client sees; closed "
		    "mode: the same as lat_p50_us)",
		    LOADGEN, RES_REAL, 0, P(unc_p50_us), 1},
	[RP_U90] = {"lat_uncorrected_p90_us", "µs", "90th percentile, uncorrected", LOADGEN, RES_REAL, 0,
		    P(unc_p90_us), 1},
	[RP_U99] = {"lat_uncorrected_p99_us", "µs", "99th percentile, uncorrected", LOADGEN, RES_REAL, 0,
		    P(unc_p99_us), 1},
	[RP_U999] = {"lat_uncorrected_p999_us", "µs", "99.9th percentile, uncorrected", LOADGEN, RES_REAL, 0,
		     P(unc_p999_us), 1},
	[RP_U9999] = {"lat_uncorrected_p9999_us", "µs", "99.99th percentile, uncorrected", LOADGEN, RES_REAL,
		      0, P(unc_p9999_us), 1},
	[RP_UMAX] = {"lat_uncorrected_max_us", "µs", "the slowest request, uncorrected", LOADGEN, RES_REAL, 0,
		     P(unc_max_us), 1},
	[RP_SYSCALLS] = {"syscalls_per_req", "syscalls",
			 "the server's syscalls in the counting window / its requests (run.json "
			 "probe_window: same, the timing window; separate, a 1 s window right after it)",
			 PROBES, RES_REAL, 3, P(syscalls_per_req), 1},
	[RP_CPU] =
		{"cpu_us_per_req", "µs",
		 "the server's own CPU time in the window / requests (run.json cpu_source says which source)",
		 "BPF sum_exec_runtime (probe window same), /proc/PID/task/*/schedstat (separate), or "
		 "/proc/PID/stat (10 ms ticks) without probes",
		 RES_REAL, 3, P(cpu_us_per_req), 1},
	[RP_CORE] =
		{"core_us_per_req", "µs",
		 "busy time of the server's CPUs / requests: softirq and anyone else's work there included",
		 "/proc/stat", RES_REAL, 3, P(core_us_per_req), 1},
	[RP_CTXSW] = {"ctxsw_per_req", "switches",
		      "the server's context switches (voluntary + involuntary) in the counting window / its "
		      "requests",
		      PROBES, RES_REAL, 4, P(ctxsw_per_req), 1},
	[RP_SEGS] =
		{"tx_segments_per_req", "segments",
		 "TCP segments the server's sockets sent in the counting window / its requests (a TSO/GSO "
		 "packet counts as the segments it becomes)",
		 PROBES, RES_REAL, 3, P(tx_segments_per_req), 1},
	[RP_ZC_COPIED] = {"zc_copied_share", "0 to 1",
			  "of a zerocopy variant's zero-copy sends in the window, the share the kernel "
			  "reported it copied (SO_EE_CODE_ZEROCOPY_COPIED, IORING_NOTIF_USAGE_ZC_COPIED); "
			  "near 1 over loopback and veth, where zero-copy is not measured; empty for other "
			  "variants and peers",
			  "the server's SIGUSR1 stats line at the window's edges", RES_REAL, 3,
			  P(zc_copied_share), 1},
	[RP_ERRORS] = {"errors", "errors", "the sum of the errors_ columns", CLIENT, RES_COUNT, 0, P(errors),
		       1},
	[RP_ERR_CONNECT] = {"errors_connect", "errors",
			    "connections that could not be made (wirelab-load: TLS handshakes too)", CLIENT,
			    RES_COUNT, 0, P(errors_connect), 1},
	[RP_ERR_READ] = {"errors_read", "errors", "failed reads (wrk: resets and early closes too)", CLIENT,
			 RES_COUNT, 0, P(errors_read), 1},
	[RP_ERR_WRITE] = {"errors_write", "errors", "failed writes", CLIENT, RES_COUNT, 0, P(errors_write),
			  1},
	[RP_ERR_STATUS] = {"errors_status", "responses",
			   "responses with a status of 400 or more (wirelab-load: any but 2xx)", CLIENT,
			   RES_COUNT, 0, P(errors_status), 1},
	[RP_ERR_TIMEOUT] = {"errors_timeout", "requests", "requests that timed out (2 s)", CLIENT, RES_COUNT,
			    0, P(errors_timeout), 1},
	[RP_ERR_RESET] = {"errors_reset", "requests", "connections reset with a request outstanding", LOADGEN,
			  RES_REAL, 0, P(errors_reset), 1},
	[RP_ERR_CLOSED] = {"errors_closed", "requests", "the server closed mid-response or before answering",
			   LOADGEN, RES_REAL, 0, P(errors_closed), 1},
	[RP_ERR_PARSE] = {"errors_parse", "responses", "responses that did not parse", LOADGEN, RES_REAL, 0,
			  P(errors_parse), 1},
	[RP_CLIENT_BUSY] = {"client_busy_pct", "%",
			    "the client's CPU time (user + system) over the cores its threads could use "
			    "(ssh: the busiest host)",
			    "the shell's `times` after the client", RES_REAL, 1, P(client_busy_pct), 1},
	[RP_CLIENT_CPU] = {"client_cpu_us_per_req", "µs",
			   "the client's CPU time (user + system, every host) / requests: what a request "
			   "costs the load generator",
			   "the shell's `times` after the client", RES_REAL, 3, P(client_cpu_us_per_req), 1},
	[RP_STATUS] = {"status", "",
		       "ok; client-bound (client_busy_pct reached 90: the client, not the server, set the "
		       "pace); rate-missed (open mode: fewer than 98% of the offered requests were answered "
		       "in the window, so the row was not measured at the rate asked: \"client could not "
		       "keep the rate\"); skipped (the variant refused to start); failed",
		       "the sweep", RES_TEXT, 0, P(status), 0},
	[RP_REASON] = {"reason", "",
		       "why a window was skipped, failed, client-bound or rate-missed, and why a figure "
		       "of a measured row is empty (cpu_us_per_req unknown: /proc/PID/stat could not be "
		       "read); empty when ok and every figure known",
		       "the server's or the client's last message", RES_QUOTED, 0, P(reason), 0},
};

#define S(field) offsetof(struct results_syscall, field)

const struct results_col results_syscall_cols[RS_NCOLS] = {
	[RS_VARIANT] = {"variant", "", "as in points.csv", "--variants, --peers", RES_TEXT, 0, S(variant), 0},
	[RS_SIZE] = {"size_bytes", "bytes", "as in points.csv", "--sizes", RES_INT, 0, S(size), 0},
	[RS_WORKLOAD] = {"workload", "", "as in points.csv", "--workload", RES_TEXT, 0, S(workload), 0},
	[RS_CONNS] = {"conns", "connections", "as in points.csv", "--conns", RES_INT, 0, S(conns), 0},
	[RS_RATE] = {"rate", "", "as in points.csv", "--rates", RES_TEXT, 0, S(rate), 0},
	[RS_THREADS] = {"threads", "threads", "as in points.csv", "--threads", RES_INT, 0, S(threads), 0},
	[RS_REP] = {"rep", "", "as in points.csv", "--reps", RES_INT, 0, S(rep), 0},
	[RS_SYSCALL] = {"syscall", "", "the syscall's name (sys_N for one this build's kernel headers lack)",
			"bpf/gen-syscall-names", RES_TEXT, 0, S(syscall), 0},
	[RS_COUNT] = {"count", "syscalls",
		      "how many the server made in the counting window (as syscalls_per_req)", PROBES,
		      RES_COUNT, 0, S(count), 0},
	[RS_PER_REQ] = {"per_req", "syscalls", "count / the counting window's requests", PROBES, RES_REAL, 4,
			S(per_req), 0},
};

void results_header(const struct results_col *cols, int n, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = 0;
	for (int i = 0; i < n && k < len; i++)
		k += snprintf(buf + k, len - k, "%s%s", i ? "," : "", cols[i].name);
	if (k < len)
		snprintf(buf + k, len - k, "\n");
}

void results_field(FILE *f, const char *s, int quote)
{
	if (!s)
		s = "";
	if (!quote && !s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		/* a row is one line: readers and --resume go line by line */
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	fputc('"', f);
}

void results_row(FILE *f, const struct results_col *cols, int n, const void *row, int measured)
{
	const char *base = row;

	for (int i = 0; i < n; i++) {
		const struct results_col *c = &cols[i];
		const void *v = base + c->off;
		if (i)
			fputc(',', f);
		if (c->measured_only && !measured)
			continue;
		switch (c->type) {
		case RES_TEXT:
		case RES_QUOTED:
			results_field(f, *(const char *const *)v, c->type == RES_QUOTED);
			break;
		case RES_INT:
			fprintf(f, "%ld", *(const long *)v);
			break;
		case RES_COUNT:
			fprintf(f, "%llu", (unsigned long long)*(const uint64_t *)v);
			break;
		case RES_REAL: {
			double d = *(const double *)v;
			if (!isnan(d) && !isinf(d))
				fprintf(f, "%.*f", c->decimals, d);
			break;
		}
		}
	}
	fputc('\n', f);
}

void results_cols_markdown(FILE *f, const struct results_col *cols, int n)
{
	fprintf(f, "| column | unit | meaning | from | rows |\n| --- | --- | --- | --- | --- |\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "| `%s` | %s | %s | %s | %s |\n", cols[i].name, *cols[i].unit ? cols[i].unit : "-",
			cols[i].meaning, cols[i].source, cols[i].measured_only ? "measured" : "all");
}
