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
#define PROBES	 "BPF probes; empty with --no-probes or where they cannot load"

const struct results_col results_point_cols[RP_NCOLS] = {
	[RP_VARIANT] = {"variant", "",
			"the variant (loop-send-cork-tls) or a peer (a peer row of variants/table)",
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
	[RP_SIZE] = {"size_bytes", "bytes", "the size of the file every request fetched", "--sizes", RES_INT,
		     0, P(size), 0},
	[RP_CONNS] = {"conns", "connections", "concurrent connections wrk kept open", "--conns", RES_INT, 0,
		      P(conns), 0},
	[RP_THREADS] = {"threads", "threads", "wrk threads (--threads, never more than conns)", "--threads",
			RES_INT, 0, P(threads), 0},
	[RP_SERVER_THREADS] = {"server_threads", "threads", "server loop threads, one per server CPU",
			       "--server-cpus", RES_INT, 0, P(server_threads), 0},
	[RP_CONN_CLOSE] = {"connection_close", "0 or 1", "1: a new connection per request",
			   "--connection-close", RES_INT, 0, P(connection_close), 0},
	[RP_REP] = {"rep", "", "the repetition, from 1", "--reps", RES_INT, 0, P(rep), 0},
	[RP_DURATION] = {"duration_s", "s", "the measured window as wrk timed it", WRK, RES_REAL, 3,
			 P(duration_s), 1},
	[RP_REQUESTS] = {"requests", "requests",
			 "requests wrk completed in the window; every per-request "
			 "figure divides by it",
			 WRK, RES_COUNT, 0, P(requests), 1},
	[RP_BYTES] = {"bytes", "bytes", "response bytes wrk read, headers included", WRK, RES_COUNT, 0,
		      P(bytes), 1},
	[RP_RPS] = {"rps", "requests/s", "requests / duration_s", WRK, RES_REAL, 1, P(rps), 1},
	[RP_MBPS] = {"mbytes_per_s", "MB/s", "bytes / duration_s / 10^6", WRK, RES_REAL, 3, P(mbytes_per_s),
		     1},
	[RP_P50] = {"lat_p50_us", "µs", "median latency (ssh: weighted by requests over the client hosts)",
		    WRK, RES_REAL, 0, P(lat_p50_us), 1},
	[RP_P99] = {"lat_p99_us", "µs", "99th percentile latency (ssh: the worst host's)", WRK, RES_REAL, 0,
		    P(lat_p99_us), 1},
	[RP_P999] = {"lat_p999_us", "µs", "99.9th percentile latency (ssh: the worst host's)", WRK, RES_REAL,
		     0, P(lat_p999_us), 1},
	[RP_MEAN] = {"lat_mean_us", "µs", "mean latency (ssh: weighted by requests)", WRK, RES_REAL, 1,
		     P(lat_mean_us), 1},
	[RP_MAX] = {"lat_max_us", "µs", "the slowest request (ssh: the worst host's)", WRK, RES_REAL, 0,
		    P(lat_max_us), 1},
	[RP_SYSCALLS] = {"syscalls_per_req", "syscalls",
			 "the server's syscalls in the counting window / its requests (run.json "
			 "probe_window: same, the "
			 "timing window; separate, a 1 s window right after it)",
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
	[RP_ERRORS] = {"errors", "errors", "the sum of the five errors_ columns", WRK, RES_COUNT, 0,
		       P(errors), 1},
	[RP_ERR_CONNECT] = {"errors_connect", "errors", "connections that could not be made", WRK, RES_COUNT,
			    0, P(errors_connect), 1},
	[RP_ERR_READ] = {"errors_read", "errors", "failed reads", WRK, RES_COUNT, 0, P(errors_read), 1},
	[RP_ERR_WRITE] = {"errors_write", "errors", "failed writes", WRK, RES_COUNT, 0, P(errors_write), 1},
	[RP_ERR_STATUS] = {"errors_status", "responses", "responses with a status of 400 or more", WRK,
			   RES_COUNT, 0, P(errors_status), 1},
	[RP_ERR_TIMEOUT] = {"errors_timeout", "requests", "requests that timed out (wrk: 2 s)", WRK,
			    RES_COUNT, 0, P(errors_timeout), 1},
	[RP_CLIENT_BUSY] =
		{"client_busy_pct", "%",
		 "wrk's CPU time (user + system) over the cores its threads could use (ssh: the busiest "
		 "host)",
		 "the shell's `times` after wrk", RES_REAL, 1, P(client_busy_pct), 1},
	[RP_STATUS] = {"status", "",
		       "ok; client-bound (client_busy_pct reached 90: wrk, not the server, set the pace); "
		       "skipped (the variant refused to start); failed",
		       "the sweep", RES_TEXT, 0, P(status), 0},
	[RP_REASON] = {"reason", "", "why a window was skipped, failed or client-bound; empty when ok",
		       "the server's or wrk's last message", RES_QUOTED, 0, P(reason), 0},
};

#define S(field) offsetof(struct results_syscall, field)

const struct results_col results_syscall_cols[RS_NCOLS] = {
	[RS_VARIANT] = {"variant", "", "as in points.csv", "--variants, --peers", RES_TEXT, 0, S(variant), 0},
	[RS_SIZE] = {"size_bytes", "bytes", "as in points.csv", "--sizes", RES_INT, 0, S(size), 0},
	[RS_CONNS] = {"conns", "connections", "as in points.csv", "--conns", RES_INT, 0, S(conns), 0},
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
