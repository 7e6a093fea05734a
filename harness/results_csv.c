/*
 * results_csv: points.csv (one row per measured window) and syscalls.csv
 * (per-syscall counts per request), appended, flushed and fsync'ed as each
 * point ends, so a killed sweep keeps every finished row. On --resume the
 * rows already there say which points are done; a row cut off mid-write
 * (no newline) is dropped first.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"
#include "runs_csv.h"
#include "sweep.h"

static const char points_header[] =
	"variant,loop,send,cork,tls,topology,size_bytes,conns,threads,server_threads,connection_close,rep,"
	"duration_s,requests,bytes,rps,mbytes_per_s,lat_p50_us,lat_p99_us,lat_p999_us,lat_mean_us,lat_max_us,"
	"syscalls_per_req,cpu_us_per_req,core_us_per_req,ctxsw_per_req,tx_segments_per_req,errors,"
	"errors_connect,errors_read,errors_write,errors_status,errors_timeout,client_busy_pct,status,"
	"reason\n";
static const char syscalls_header[] = "variant,size_bytes,conns,threads,rep,syscall,count,per_req\n";

static FILE *points_f, *syscalls_f;
static struct {
	char *variant;
	long size;
	int conns, threads, rep;
} * done_keys;
static size_t ndone;

/* Drop a last row that has no newline (the writer died mid-row). */
static int trim_partial(const char *path)
{
	int fd = open(path, O_RDWR);
	struct stat st;
	off_t end;
	char c;
	int ret = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) || !st.st_size)
		goto cleanup;
	for (end = st.st_size; end > 0; end--) {
		if (pread(fd, &c, 1, end - 1) != 1) {
			ret = -errno;
			goto cleanup;
		}
		if (c == '\n')
			break;
	}
	if (end != st.st_size && ftruncate(fd, end))
		ret = -errno;
cleanup:
	close(fd);
	return ret;
}

static int load_done(const char *path, char *err, size_t errlen)
{
	struct runs_csv csv;
	int cv, cs, cc, ct, cr;

	if (access(path, F_OK))
		return 0;
	if (runs_csv_read(path, &csv, err, errlen))
		return -EINVAL;
	cv = runs_csv_col(&csv, "variant");
	cs = runs_csv_col(&csv, "size_bytes");
	cc = runs_csv_col(&csv, "conns");
	ct = runs_csv_col(&csv, "threads");
	cr = runs_csv_col(&csv, "rep");
	if (cv < 0 || cs < 0 || cc < 0 || ct < 0 || cr < 0 || strcmp(csv.rows[0][0], "variant")) {
		snprintf(err, errlen, "%s: not a points.csv this sweep wrote", path);
		runs_csv_free(&csv);
		return -EINVAL;
	}
	done_keys = calloc(csv.nrows, sizeof(*done_keys));
	for (size_t i = 1; done_keys && i < csv.nrows; i++, ndone++) {
		done_keys[ndone].variant = strdup(csv.rows[i][cv]);
		done_keys[ndone].size = atol(csv.rows[i][cs]);
		done_keys[ndone].conns = atoi(csv.rows[i][cc]);
		done_keys[ndone].threads = atoi(csv.rows[i][ct]);
		done_keys[ndone].rep = atoi(csv.rows[i][cr]);
	}
	runs_csv_free(&csv);
	return 0;
}

static FILE *open_append(const char *dir, const char *name, const char *header, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (trim_partial(path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	f = fopen(path, "a");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!fstat(fileno(f), &st) && !st.st_size)
		fputs(header, f);
	fflush(f);
	return f;
}

int results_open(const struct sweep_opts *o, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];

	if (mkdir(o->out, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "--out %s: %s", o->out, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/points.csv", o->out);
	if (!o->resume && !access(path, F_OK)) {
		snprintf(err, errlen, "%s already holds a run (points.csv); use --resume %s or another --out",
			 o->out, o->out);
		return -1;
	}
	if (o->resume && (trim_partial(path) || load_done(path, err, errlen)))
		return -1;
	points_f = open_append(o->out, "points.csv", points_header, err, errlen);
	syscalls_f = points_f ? open_append(o->out, "syscalls.csv", syscalls_header, err, errlen) : NULL;
	return syscalls_f ? 0 : -1;
}

int results_done(const struct sweep_point *p)
{
	for (size_t i = 0; i < ndone; i++)
		if (done_keys[i].size == p->size && done_keys[i].conns == p->conns &&
		    done_keys[i].threads == p->threads && done_keys[i].rep == p->rep &&
		    !strcmp(done_keys[i].variant, p->variant))
			return 1;
	return 0;
}

/* A number, or an empty field for unknown (NaN): never a made-up zero. */
static void num(FILE *f, double v, int decimals)
{
	if (isnan(v) || isinf(v))
		fputc(',', f);
	else
		fprintf(f, "%.*f,", decimals, v);
}

static void quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputc('"', f);
}

static int sync_file(FILE *f)
{
	return fflush(f) || fsync(fileno(f)) ? -errno : 0;
}

int results_write(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		  const struct point_result *r)
{
	char axes[4][16] = {{0}};
	const struct wrk_result *w = &r->w;
	int measured = r->status == PT_OK || r->status == PT_CLIENT_BOUND;
	uint64_t errors = w->err_connect + w->err_read + w->err_write + w->err_status + w->err_timeout;
	FILE *f = points_f;

	if (!sweep_is_peer(p->variant))
		sweep_variant_axes(p->variant, axes);
	fprintf(f, "%s,%s,%s,%s,%s,%s,%ld,%d,%d,%d,%d,%d,", p->variant, axes[0], axes[1], axes[2], axes[3],
		topo_names[t->kind], p->size, p->conns, p->threads, o->nserver_cpus, o->conn_close, p->rep);
	if (measured) {
		fprintf(f, "%.3f,%llu,%llu,", w->duration_s, (unsigned long long)w->requests,
			(unsigned long long)w->bytes);
		num(f, r->rps, 1);
		num(f, r->mbps, 3);
		num(f, w->p50_us, 0);
		num(f, w->p99_us, 0);
		num(f, w->p999_us, 0);
		num(f, w->mean_us, 1);
		num(f, w->max_us, 0);
		num(f, r->syscalls, 3);
		num(f, r->cpu_us, 3);
		num(f, r->core_us, 3);
		num(f, r->ctxsw, 4);
		num(f, r->segs, 3);
		fprintf(f, "%llu,%llu,%llu,%llu,%llu,%llu,", (unsigned long long)errors,
			(unsigned long long)w->err_connect, (unsigned long long)w->err_read,
			(unsigned long long)w->err_write, (unsigned long long)w->err_status,
			(unsigned long long)w->err_timeout);
		num(f, w->client_busy * 100, 1);
	} else
		fputs(",,,,,,,,,,,,,,,,,,,,,,", f);
	fprintf(f, "%s,", point_status_names[r->status]);
	quoted(f, r->reason);
	fputc('\n', f);
	if (r->sys_counts && measured) {
		for (unsigned nr = 0; nr < WL_SYS_SLOTS; nr++) {
			const char *name = wl_probe_syscall_name(nr);
			char fallback[32];
			if (!r->sys_counts[nr])
				continue;
			if (!name) {
				snprintf(fallback, sizeof(fallback), "sys_%u", nr);
				name = fallback;
			}
			fprintf(syscalls_f, "%s,%ld,%d,%d,%d,%s,%llu,%.4f\n", p->variant, p->size, p->conns,
				p->threads, p->rep, name, (unsigned long long)r->sys_counts[nr],
				r->sys_counts[nr] / (double)w->requests);
		}
	}
	/* syscalls first: a points row means the point is complete */
	int ret = sync_file(syscalls_f);
	return ret ? ret : sync_file(f);
}

void results_close(void)
{
	if (points_f)
		fclose(points_f);
	if (syscalls_f)
		fclose(syscalls_f);
	points_f = syscalls_f = NULL;
	for (size_t i = 0; i < ndone; i++)
		free(done_keys[i].variant);
	free(done_keys);
	done_keys = NULL;
	ndone = 0;
}
