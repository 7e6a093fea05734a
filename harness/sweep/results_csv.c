/*
 * results_csv: points.csv (one row per measured window) and syscalls.csv
 * (per-syscall counts per request), appended and fsync'ed as each point
 * ends, so a killed sweep keeps every finished row. A point's rows go out
 * whole or not at all: a write that fails (ENOSPC, EIO) is cut back to
 * where the file ended, syscalls.csv's rows too when points.csv's fails.
 * On --resume the rows already there say which points are done; a row cut
 * off mid-write (no newline, what a SIGKILL or a crash can leave) is
 * dropped first, and so are syscalls.csv rows of a point that has no
 * points.csv row (a kill between the two writes), which would otherwise
 * be written twice. A folder whose headers are not this version's is
 * refused: rows of two formats never mix.
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
#include "runs.h"
#include "runs_csv.h"
#include "sweep_results.h"

static const char points_header[] =
	"variant,loop,send,cork,tls,topology,size_bytes,conns,threads,server_threads,connection_close,rep,"
	"duration_s,requests,bytes,rps,mbytes_per_s,lat_p50_us,lat_p99_us,lat_p999_us,lat_mean_us,lat_max_us,"
	"syscalls_per_req,cpu_us_per_req,core_us_per_req,ctxsw_per_req,tx_segments_per_req,errors,"
	"errors_connect,errors_read,errors_write,errors_status,errors_timeout,client_busy_pct,status,"
	"reason\n";
static const char syscalls_header[] = "variant,size_bytes,conns,threads,rep,syscall,count,per_req\n";

struct res_file {
	int fd;
	char path[PATH_MAX + 32];
};
static struct res_file points_f = {.fd = -1}, syscalls_f = {.fd = -1};
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

/* Append len bytes and fsync; on failure cut the file back to where it
 * ended, so what a reader or --resume finds is whole rows only. *at gets
 * that offset (to undo a later failure of the other file). */
static int append_all(const struct res_file *rf, const char *buf, size_t len, off_t *at)
{
	off_t start = lseek(rf->fd, 0, SEEK_END);
	size_t done = 0;
	int ret = 0;

	if (start < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(rf->fd, buf + done, len - done);
		if (n < 0) {
			switch (errno) {
			case EINTR:
				continue;
			default:
				ret = -errno;
				goto undo;
			}
		}
		done += n;
	}
	if (fsync(rf->fd)) {
		ret = -errno;
		goto undo;
	}
	if (at)
		*at = start;
	return 0;
undo:
	if (ftruncate(rf->fd, start) || fsync(rf->fd)) {
		/* nothing more to do: trim_partial drops a torn row on --resume */
	}
	return ret;
}

/* The first line of path is want (a file of this results format), or the
 * file is empty or missing. */
static int header_is(const char *path, const char *want)
{
	char line[1024] = "";
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return errno == ENOENT;
	ok = !fgets(line, sizeof(line), f) || !strcmp(line, want);
	fclose(f);
	return ok;
}

static int open_append(const char *dir, const char *name, const char *header, struct res_file *rf, char *err,
		       size_t errlen)
{
	struct stat st;
	int ret;

	snprintf(rf->path, sizeof(rf->path), "%s/%s", dir, name);
	if ((ret = trim_partial(rf->path)))
		goto fail;
	rf->fd = open(rf->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (rf->fd < 0 || fstat(rf->fd, &st)) {
		ret = -errno;
		goto fail;
	}
	if (!st.st_size && (ret = append_all(rf, header, strlen(header), NULL)))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", rf->path, strerror(-ret));
	return ret;
}

/* A syscalls.csv data row of a point points.csv has (keep it), or not. */
static int orphan_row(const char *line)
{
	struct variant v = {.peer = 0};
	long size;
	int conns, threads, rep;

	if (sscanf(line, "%63[^,],%ld,%d,%d,%d,", v.name, &size, &conns, &threads, &rep) != 5)
		return 1;
	struct sweep_point p = {&v, size, conns, threads, rep};
	return !results_done(&p);
}

/* Keep syscalls.csv rows of points that points.csv has; drop the rest
 * (written just before a kill, their point is measured again). The file is
 * copied and replaced only when something is to be dropped, so resuming on
 * a nearly full disk needs no room for a copy. */
static int drop_orphans(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 40], *line = NULL;
	size_t cap = 0, dropped = 0, n = 0;
	FILE *in, *out = NULL;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/syscalls.csv", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	in = fopen(path, "r");
	if (!in) {
		ret = errno == ENOENT ? 0 : -errno;
		goto cleanup;
	}
	while (getline(&line, &cap, in) > 0)
		dropped += n++ && orphan_row(line);
	if (!dropped)
		goto cleanup;
	rewind(in);
	out = fopen(tmp, "w");
	if (!out) {
		ret = -errno;
		goto cleanup;
	}
	for (n = 0; getline(&line, &cap, in) > 0; n++)
		if (!n || !orphan_row(line))
			fputs(line, out);
	if (fflush(out) || fsync(fileno(out)) || rename(tmp, path))
		ret = -errno;
cleanup:
	if (out)
		fclose(out);
	if (ret && out)
		unlink(tmp);
	if (in)
		fclose(in);
	free(line);
	if (ret)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	else if (dropped)
		fprintf(stderr,
			"wirelab sweep: %s: dropped %zu rows of points not in points.csv (cut short)\n", path,
			dropped);
	return ret;
}

int results_open(const struct sweep_opts *o, char *err, size_t errlen)
{
	char path[PATH_MAX + 32], meta[PATH_MAX + 32];
	static const char *const names[] = {"points.csv", "syscalls.csv"};
	static const char *const headers[] = {points_header, syscalls_header};
	int ret;

	if (mkdir(o->out, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "--out %s: %s", o->out, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/points.csv", o->out);
	snprintf(meta, sizeof(meta), "%s/run.json", o->out);
	if (!o->resume && (!access(path, F_OK) || !access(meta, F_OK))) {
		snprintf(err, errlen, "%s already holds a run (%s); use --resume %s or another --out", o->out,
			 access(path, F_OK) ? "run.json" : "points.csv", o->out);
		return -1;
	}
	for (int i = 0; o->resume && i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", o->out, names[i]);
		if (header_is(path, headers[i]))
			continue;
		int fmt = results_saved_format(o->out);
		char theirs[64];
		if (fmt > 0)
			snprintf(theirs, sizeof(theirs), "run.json says results format %d", fmt);
		else
			snprintf(theirs, sizeof(theirs), "run.json records no results format: older than 1");
		snprintf(err, errlen,
			 "%s: its header is not results format %d's (%s); not resuming into it, rows of two "
			 "formats would mix: finish it with the wirelab that wrote it, or sweep into a new "
			 "--out",
			 path, RUNS_FORMAT, theirs);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/points.csv", o->out);
	if (o->resume && (ret = trim_partial(path))) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return -1;
	}
	if (o->resume && (load_done(path, err, errlen) || drop_orphans(o->out, err, errlen)))
		return -1;
	if (open_append(o->out, "points.csv", points_header, &points_f, err, errlen) ||
	    open_append(o->out, "syscalls.csv", syscalls_header, &syscalls_f, err, errlen))
		return -1;
	return 0;
}

int results_done(const struct sweep_point *p)
{
	for (size_t i = 0; i < ndone; i++)
		if (done_keys[i].size == p->size && done_keys[i].conns == p->conns &&
		    done_keys[i].threads == p->threads && done_keys[i].rep == p->rep &&
		    !strcmp(done_keys[i].variant, p->variant->name))
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

int results_write(const struct sweep_opts *o, const struct topo *t, const struct sweep_point *p,
		  const struct point_result *r, char *err, size_t errlen)
{
	const struct variant *v = p->variant;
	char *row = NULL, *sys = NULL;
	size_t rowlen = 0, syslen = 0;
	const struct wrk_result *w = &r->w;
	int measured = r->status == PT_OK || r->status == PT_CLIENT_BOUND, ret = -ENOMEM;
	uint64_t errors = w->err_connect + w->err_read + w->err_write + w->err_status + w->err_timeout;
	FILE *f = open_memstream(&row, &rowlen), *sf = open_memstream(&sys, &syslen);
	const struct res_file *failed = &points_f;
	off_t sys_at = -1;

	if (!f || !sf)
		goto cleanup;
	fprintf(f, "%s,%s,%s,%s,%s,%s,%ld,%d,%d,%d,%d,%d,", v->name, v->value[0], v->value[1], v->value[2],
		v->value[3], topo_names[t->kind], p->size, p->conns, p->threads, o->nserver_cpus,
		o->conn_close, p->rep);
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
			fprintf(sf, "%s,%ld,%d,%d,%d,%s,%llu,%.4f\n", v->name, p->size, p->conns, p->threads,
				p->rep, name, (unsigned long long)r->sys_counts[nr],
				r->sys_counts[nr] / (double)w->requests);
		}
	}
	ret = fclose(f);
	ret |= fclose(sf);
	f = sf = NULL;
	if (ret) {
		ret = -ENOMEM;
		goto cleanup;
	}
	/* syscalls first: a points row means the point is complete */
	failed = &syscalls_f;
	if (syslen && (ret = append_all(&syscalls_f, sys, syslen, &sys_at)))
		goto cleanup;
	failed = &points_f;
	ret = append_all(&points_f, row, rowlen, NULL);
	if (ret && sys_at >= 0 && (ftruncate(syscalls_f.fd, sys_at) || fsync(syscalls_f.fd))) {
		/* left over rows of this point are dropped on --resume */
	}
cleanup:
	if (f)
		fclose(f);
	if (sf)
		fclose(sf);
	free(row);
	free(sys);
	if (ret)
		snprintf(err, errlen, "writing %s: %s", failed->path, strerror(-ret));
	return ret;
}

void results_close(void)
{
	if (points_f.fd >= 0)
		close(points_f.fd);
	if (syscalls_f.fd >= 0)
		close(syscalls_f.fd);
	points_f.fd = syscalls_f.fd = -1;
	for (size_t i = 0; i < ndone; i++)
		free(done_keys[i].variant);
	free(done_keys);
	done_keys = NULL;
	ndone = 0;
}
