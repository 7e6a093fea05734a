/*
 * results_profiles: profiles.csv's column table, its writer (a window's
 * rows appended and fsync'ed, or cut back on failure) and its reader.
 * See results_profiles.h.
 */
#include "results_profiles.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runs_csv.h"

#define F(field) offsetof(struct results_profile, field)
#define PROF	 "the CPU profile of the window (wirelab sweep --profile; docs/profile.md)"

const struct results_col results_profile_cols[RF_NCOLS] = {
	[RF_VARIANT] = {"variant", "", "as in points.csv", "--variants, --peers", RES_TEXT, 0, F(key.variant),
			0},
	[RF_SIZE] = {"size_bytes", "bytes", "as in points.csv", "--sizes", RES_INT, 0, F(key.size), 0},
	[RF_WORKLOAD] = {"workload", "", "as in points.csv", "--workload", RES_TEXT, 0, F(key.workload), 0},
	[RF_CONNS] = {"conns", "connections", "as in points.csv", "--conns", RES_INT, 0, F(key.conns), 0},
	[RF_RATE] = {"rate", "", "as in points.csv", "--rates", RES_TEXT, 0, F(key.rate), 0},
	[RF_THREADS] = {"threads", "threads", "as in points.csv", "--threads", RES_INT, 0, F(key.threads), 0},
	[RF_REP] = {"rep", "", "as in points.csv", "--reps", RES_INT, 0, F(key.rep), 0},
	[RF_GROUP] = {"group", "",
		      "a function group (copying, tcp_tx, ...: docs/profile.md), or total: every sample",
		      "harness/profile/profile_groups.c", RES_TEXT, 0, F(group), 0},
	[RF_SAMPLES] = {"samples", "samples", "the window's samples in the group", PROF, RES_COUNT, 0,
			F(samples), 0},
	[RF_REQUESTS] = {"requests", "requests", "as in points.csv: what the per-request figures divide by",
			 "wrk", RES_COUNT, 0, F(requests), 0},
	[RF_SAMPLES_PER_REQ] = {"samples_per_req", "samples", "samples / requests", PROF, RES_REAL, 5,
				F(samples_per_req), 0},
	[RF_US_PER_REQ] = {"us_per_req", "µs",
			   "the group's CPU time per request: samples x the CPU time a sample stands for "
			   "(the server's measured CPU time over its samples) / requests",
			   PROF, RES_REAL, 3, F(us_per_req), 0},
	[RF_SHARE] = {"share_pct", "%", "samples / the window's samples", PROF, RES_REAL, 2, F(share_pct), 0},
};

static struct {
	int fd;
	char path[PATH_MAX + 16];
} pf = {.fd = -1};

/* s made safe for a file name into out (see results_profiles.h) */
static void name_part(const char *s, char *out, size_t len)
{
	size_t k = 0;

	for (; s && *s && k + 4 < len; s++) {
		if (*s == '%') {
			memcpy(out + k, "pct", 3);
			k += 3;
		} else
			out[k++] = isalnum((unsigned char)*s) || *s == '.' || *s == '-' ? *s : '-';
	}
	out[k] = 0;
}

void results_profile_name(const struct results_key *k, char *buf, size_t len)
{
	char size[32], mix[96] = "", rate[96] = "";

	if (k->size >= 1048576 && k->size % 1048576 == 0)
		snprintf(size, sizeof(size), "%ldm", k->size / 1048576);
	else if (k->size >= 1024 && k->size % 1024 == 0)
		snprintf(size, sizeof(size), "%ldk", k->size / 1024);
	else
		snprintf(size, sizeof(size), "%ld", k->size);
	if (k->workload && *k->workload) {
		mix[0] = '_', mix[1] = 'w';
		name_part(k->workload, mix + 2, sizeof(mix) - 2);
	}
	if (k->rate && *k->rate) {
		rate[0] = '_', rate[1] = 'o';
		name_part(k->rate, rate + 2, sizeof(rate) - 2);
	}
	snprintf(buf, len, "%s_%s%s_c%ld%s_t%ld_r%ld", k->variant, size, mix, k->conns, rate, k->threads,
		 k->rep);
}

/* The file ends after its last newline (a row cut off by a kill is
 * dropped), and starts with header or is empty. */
static int check_file(int fd, const char *header, char *err, size_t errlen)
{
	char first[1024] = "", c;
	struct stat st;
	off_t end;
	ssize_t n;

	if (fstat(fd, &st))
		return -errno;
	for (end = st.st_size; end > 0; end--) {
		if (pread(fd, &c, 1, end - 1) != 1)
			return -errno;
		if (c == '\n')
			break;
	}
	if (end != st.st_size && ftruncate(fd, end))
		return -errno;
	n = pread(fd, first, sizeof(first) - 1, 0);
	if (n < 0)
		return -errno;
	first[n] = 0;
	if (end && strncmp(first, header, strlen(header))) {
		snprintf(err, errlen,
			 "%s: its header is not this results format's; not resuming into it (rows of two "
			 "formats would mix): sweep into a new --out",
			 pf.path);
		return -EINVAL;
	}
	return end ? 0 : 1;
}

/* Append len bytes and fsync, or cut the file back to where it ended. */
static int append(const char *buf, size_t len)
{
	off_t start = lseek(pf.fd, 0, SEEK_END);
	size_t done = 0;
	int ret = 0;

	if (start < 0)
		return -errno;
	while (done < len && !ret) {
		ssize_t n = write(pf.fd, buf + done, len - done);
		if (n >= 0)
			done += (size_t)n;
		else if (errno != EINTR)
			ret = -errno;
	}
	if (!ret && fsync(pf.fd))
		ret = -errno;
	if (ret && (ftruncate(pf.fd, start) || fsync(pf.fd))) {
		/* a torn row is dropped when the run is resumed */
	}
	return ret;
}

int results_profiles_open(const char *dir, int resume, char *err, size_t errlen)
{
	char header[1024];
	int ret;

	results_header(results_profile_cols, RF_NCOLS, header, sizeof(header));
	snprintf(pf.path, sizeof(pf.path), "%s/profiles.csv", dir);
	pf.fd = open(pf.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (pf.fd < 0) {
		ret = -errno;
		goto fail;
	}
	/* a new run starts the file afresh; a resumed one appends to its rows */
	ret = resume ? check_file(pf.fd, header, err, errlen) : 1;
	if (ret == -EINVAL)
		goto cleanup;
	if (ret == 1)
		ret = ftruncate(pf.fd, 0) ? -errno : append(header, strlen(header));
	if (!ret)
		return 0;
fail:
	snprintf(err, errlen, "%s: %s", pf.path, strerror(-ret));
cleanup:
	results_profiles_close();
	return ret;
}

int results_profiles_write(const struct results_profile *rows, size_t n, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = -ENOMEM;

	if (pf.fd < 0) {
		snprintf(err, errlen, "profiles.csv is not open");
		free(buf);
		if (f)
			fclose(f);
		return -EBADF;
	}
	if (!f)
		goto cleanup;
	for (size_t i = 0; i < n; i++)
		results_row(f, results_profile_cols, RF_NCOLS, &rows[i], 1);
	if (fclose(f))
		goto cleanup;
	ret = append(buf, len);
cleanup:
	if (ret)
		snprintf(err, errlen, "writing %s: %s", pf.path, strerror(-ret));
	free(buf);
	return ret;
}

void results_profiles_close(void)
{
	if (pf.fd >= 0)
		close(pf.fd);
	pf.fd = -1;
}

/* A field as a JSON number (empty: null), else NULL for not a number. */
static json_t *number(const char *s)
{
	char *end;
	double v;

	if (!*s)
		return json_null();
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || isnan(v))
		return NULL;
	return v == (double)(json_int_t)v && !strchr(s, '.') ? json_integer((json_int_t)v) : json_real(v);
}

int results_profiles_load(const char *dir, json_t **rows, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	struct runs_csv csv;
	int col[RF_NCOLS], ret;

	*rows = NULL;
	snprintf(path, sizeof(path), "%s/profiles.csv", dir);
	if (access(path, F_OK))
		return 0;
	if ((ret = runs_csv_read(path, &csv, err, errlen)))
		return ret;
	for (int c = 0; c < RF_NCOLS; c++)
		if ((col[c] = runs_csv_col(&csv, results_profile_cols[c].name)) < 0) {
			snprintf(err, errlen, "%s: header lacks %s", path, results_profile_cols[c].name);
			ret = -EINVAL;
			goto cleanup;
		}
	*rows = json_array();
	for (size_t r = 1; *rows && r < csv.nrows; r++) {
		json_t *o = json_object();
		for (int c = 0; o && c < RF_NCOLS; c++) {
			const char *s = csv.rows[r][col[c]];
			enum results_type t = results_profile_cols[c].type;
			json_t *v = t == RES_TEXT ? json_string(s) : number(s);
			if (!v || (t != RES_TEXT && json_is_null(v) && c < RF_SAMPLES_PER_REQ)) {
				snprintf(err, errlen, "%s:%zu: %s '%s' is not a number", path, r + 1,
					 results_profile_cols[c].name, s);
				json_decref(v);
				json_decref(o);
				ret = -EINVAL;
				goto cleanup;
			}
			json_object_set_new(o, results_profile_cols[c].name, v);
		}
		if (!o || json_array_append_new(*rows, o))
			ret = -ENOMEM;
	}
	if (!*rows)
		ret = -ENOMEM;
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
cleanup:
	if (ret) {
		json_decref(*rows);
		*rows = NULL;
	}
	runs_csv_free(&csv);
	return ret;
}

static const char *text(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));

	return s ? s : "";
}

struct results_key results_profile_key(json_t *row)
{
	struct results_key k = {
		.variant = text(row, "variant"),
		.size = (long)json_integer_value(json_object_get(row, "size_bytes")),
		.workload = text(row, "workload"),
		.conns = (long)json_integer_value(json_object_get(row, "conns")),
		.rate = text(row, "rate"),
		.threads = (long)json_integer_value(json_object_get(row, "threads")),
		.rep = (long)json_integer_value(json_object_get(row, "rep")),
	};
	return k;
}

int results_profile_at(json_t *row, const char *variant, long size, long conns)
{
	struct results_key k = results_profile_key(row);

	return !strcmp(k.variant, variant) && k.size == size && k.conns == conns && !*k.workload && !*k.rate;
}
