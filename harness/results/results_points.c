/*
 * results_points: points.csv (one row per window) and syscalls.csv
 * (per-syscall counts of a window), their header and every row printed
 * from the column tables of results_cols.c. A write that fails (ENOSPC,
 * EIO) is cut back to where the file ended, syscalls.csv's rows too when
 * points.csv's fails, so a reader only ever sees whole rows. On resume
 * the rows already there say which windows are done; a row cut off
 * mid-write (no newline: what a SIGKILL or a crash can leave) is dropped
 * first, and so are syscalls.csv rows of a window that has no points.csv
 * row (a kill between the two writes), which would otherwise be written
 * twice. A folder whose headers are not this format's is refused: rows of
 * two formats never mix.
 */
#include "results_points.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results_meta.h"
#include "runs_csv.h"

struct res_file {
	int fd;
	char path[PATH_MAX + 32];
};
static struct res_file points_f = {.fd = -1}, syscalls_f = {.fd = -1};
static struct done_key {
	char *variant, *workload, *rate;
	long size, conns, threads, rep;
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

/* The columns that name a window, found by name in csv's header (the
 * same names in both files); -EINVAL when one is missing. */
#define NKEY 7
static int key_cols(const struct runs_csv *csv, const struct results_col *cols, const int *which, int *col)
{
	for (int i = 0; i < NKEY; i++)
		if ((col[i] = runs_csv_col(csv, cols[which[i]].name)) < 0)
			return -EINVAL;
	return 0;
}

static const int point_keys[NKEY] = {RP_VARIANT, RP_SIZE, RP_WORKLOAD, RP_CONNS, RP_RATE, RP_THREADS, RP_REP};
static const int syscall_keys[NKEY] = {RS_VARIANT, RS_SIZE,    RS_WORKLOAD, RS_CONNS,
				       RS_RATE,	   RS_THREADS, RS_REP};

static struct results_key key_of(char **row, const int *col)
{
	struct results_key k = {row[col[0]], atol(row[col[1]]), row[col[2]],	  atol(row[col[3]]),
				row[col[4]], atol(row[col[5]]), atol(row[col[6]])};
	return k;
}

static int load_done(const char *path, char *err, size_t errlen)
{
	struct runs_csv csv;
	int col[NKEY], ret;

	if (access(path, F_OK))
		return 0;
	if ((ret = runs_csv_read(path, &csv, err, errlen)))
		return ret;
	if (key_cols(&csv, results_point_cols, point_keys, col)) {
		snprintf(err, errlen, "%s: not a points.csv this sweep wrote", path);
		runs_csv_free(&csv);
		return -EINVAL;
	}
	done_keys = calloc(csv.nrows, sizeof(*done_keys));
	for (size_t i = 1; done_keys && i < csv.nrows; i++, ndone++) {
		struct results_key k = key_of(csv.rows[i], col);
		done_keys[ndone] =
			(struct done_key){strdup(k.variant), strdup(k.workload), strdup(k.rate), k.size,
					  k.conns,	     k.threads,		 k.rep};
	}
	runs_csv_free(&csv);
	return done_keys ? 0 : -ENOMEM;
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

/* Keep syscalls.csv rows of windows that points.csv has; drop the rest
 * (written just before a kill, their window is measured again). The file
 * is rewritten only when something is to be dropped, so resuming on a
 * nearly full disk needs no room for a copy. */
static int drop_orphans(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 40];
	size_t dropped = 0;
	struct runs_csv csv;
	FILE *out = NULL;
	int col[NKEY], ret;
	char *keep = NULL;

	snprintf(path, sizeof(path), "%s/syscalls.csv", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (access(path, F_OK))
		return 0;
	if ((ret = trim_partial(path)) || (ret = runs_csv_read(path, &csv, err, errlen)))
		return ret;
	ret = -EINVAL;
	if (key_cols(&csv, results_syscall_cols, syscall_keys, col)) {
		snprintf(err, errlen, "%s: not a syscalls.csv this sweep wrote", path);
		goto cleanup;
	}
	ret = -ENOMEM;
	if (!(keep = calloc(csv.nrows, 1)))
		goto cleanup;
	for (size_t r = 1; r < csv.nrows; r++) {
		struct results_key k = key_of(csv.rows[r], col);
		keep[r] = results_points_done(&k);
		dropped += !keep[r];
	}
	ret = 0;
	if (!dropped)
		goto cleanup;
	out = fopen(tmp, "w");
	if (!out) {
		ret = -errno;
		goto cleanup;
	}
	for (size_t r = 0; r < csv.nrows; r++) {
		if (r && !keep[r])
			continue;
		for (size_t i = 0; i < csv.nfields[r]; i++) {
			if (i)
				fputc(',', out);
			results_field(out, csv.rows[r][i], 0);
		}
		fputc('\n', out);
	}
	if (fflush(out) || fsync(fileno(out)) || rename(tmp, path))
		ret = errno ? -errno : -EIO;
	if (ret)
		unlink(tmp);
	if (ret)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	else
		fprintf(stderr,
			"wirelab sweep: %s: dropped %zu rows of points not in points.csv (cut short)\n", path,
			dropped);
cleanup:
	if (out)
		fclose(out);
	free(keep);
	runs_csv_free(&csv);
	return ret;
}

int results_points_open(const char *dir, int resume, char *err, size_t errlen)
{
	char path[PATH_MAX + 32], meta[PATH_MAX + 32], headers[2][1024];
	static const char *const names[] = {"points.csv", "syscalls.csv"};
	int ret;

	results_header(results_point_cols, RP_NCOLS, headers[0], sizeof(headers[0]));
	results_header(results_syscall_cols, RS_NCOLS, headers[1], sizeof(headers[1]));
	if (mkdir(dir, 0755) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-ret));
		return ret;
	}
	snprintf(path, sizeof(path), "%s/points.csv", dir);
	snprintf(meta, sizeof(meta), "%s/run.json", dir);
	if (!resume && (!access(path, F_OK) || !access(meta, F_OK))) {
		snprintf(err, errlen, "%s already holds a run (%s); use --resume %s or another --out", dir,
			 access(path, F_OK) ? "run.json" : "points.csv", dir);
		return -EEXIST;
	}
	for (int i = 0; resume && i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (header_is(path, headers[i]))
			continue;
		int fmt = results_saved_format(dir);
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
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/points.csv", dir);
	if (resume && (ret = trim_partial(path))) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (resume && ((ret = load_done(path, err, errlen)) || (ret = drop_orphans(dir, err, errlen))))
		return ret;
	if ((ret = open_append(dir, names[0], headers[0], &points_f, err, errlen)) ||
	    (ret = open_append(dir, names[1], headers[1], &syscalls_f, err, errlen)))
		return ret;
	return 0;
}

/* NULL and "" are the same key: one file size, closed loop */
static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

int results_points_done(const struct results_key *k)
{
	for (size_t i = 0; i < ndone; i++)
		if (done_keys[i].size == k->size && done_keys[i].conns == k->conns &&
		    done_keys[i].threads == k->threads && done_keys[i].rep == k->rep &&
		    !strcmp(done_keys[i].variant, k->variant) && same(done_keys[i].workload, k->workload) &&
		    same(done_keys[i].rate, k->rate))
			return 1;
	return 0;
}

int results_points_write(const struct results_point *p, const struct results_syscall *sys, size_t nsys,
			 char *err, size_t errlen)
{
	char *row = NULL, *rows = NULL;
	size_t rowlen = 0, syslen = 0;
	FILE *f = open_memstream(&row, &rowlen), *sf = open_memstream(&rows, &syslen);
	const struct res_file *failed = &points_f;
	off_t sys_at = -1;
	int ret = -ENOMEM;

	if (!f || !sf)
		goto cleanup;
	results_row(f, results_point_cols, RP_NCOLS, p, p->measured);
	for (size_t i = 0; i < nsys; i++)
		results_row(sf, results_syscall_cols, RS_NCOLS, &sys[i], 1);
	ret = fclose(f);
	ret |= fclose(sf);
	f = sf = NULL;
	if (ret) {
		ret = -ENOMEM;
		goto cleanup;
	}
	/* syscalls first: a points row means the window is complete */
	failed = &syscalls_f;
	if (syslen && (ret = append_all(&syscalls_f, rows, syslen, &sys_at)))
		goto cleanup;
	failed = &points_f;
	ret = append_all(&points_f, row, rowlen, NULL);
	if (ret && sys_at >= 0 && (ftruncate(syscalls_f.fd, sys_at) || fsync(syscalls_f.fd))) {
		/* left over rows of this window are dropped on --resume */
	}
cleanup:
	if (f)
		fclose(f);
	if (sf)
		fclose(sf);
	free(row);
	free(rows);
	if (ret)
		snprintf(err, errlen, "writing %s: %s", failed->path, strerror(-ret));
	return ret;
}

void results_points_close(void)
{
	if (points_f.fd >= 0)
		close(points_f.fd);
	if (syscalls_f.fd >= 0)
		close(syscalls_f.fd);
	points_f.fd = syscalls_f.fd = -1;
	for (size_t i = 0; i < ndone; i++) {
		free(done_keys[i].variant);
		free(done_keys[i].workload);
		free(done_keys[i].rate);
	}
	free(done_keys);
	done_keys = NULL;
	ndone = 0;
}
