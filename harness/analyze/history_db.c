/* history_db: opening the history database and checking it is one (see
 * history.h); the series' names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history.h"

/* Samples refer to their run and cell by number: a history of a thousand
 * runs of a thousand values each stays tens of megabytes, not hundreds. */
static const char *const schema =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE runs("
	" id INTEGER PRIMARY KEY,"
	" run_key TEXT NOT NULL UNIQUE," /* host_fp/run_id/started: one run, wherever its folder is */
	" host_fp TEXT NOT NULL, host TEXT NOT NULL, cpu TEXT NOT NULL, cores INTEGER NOT NULL,"
	" kernel TEXT NOT NULL, topology TEXT NOT NULL, run_id TEXT NOT NULL,"
	" git_commit TEXT NOT NULL, git_dirty INTEGER NOT NULL, started TEXT NOT NULL,"
	" added TEXT NOT NULL, results_format INTEGER NOT NULL, dir TEXT NOT NULL,"
	" content TEXT NOT NULL);" /* hash of the samples: has a re-added run changed? */
	"CREATE TABLE cells("
	" id INTEGER PRIMARY KEY, variant TEXT NOT NULL, size INTEGER NOT NULL, conns INTEGER NOT NULL,"
	" metric TEXT NOT NULL, UNIQUE(metric, variant, size, conns));"
	"CREATE TABLE samples("
	" run INTEGER NOT NULL REFERENCES runs(id), cell INTEGER NOT NULL REFERENCES cells(id),"
	" rep INTEGER NOT NULL, value REAL NOT NULL,"
	" PRIMARY KEY(cell, run, rep)) WITHOUT ROWID;"
	"CREATE INDEX samples_run ON samples(run);";

/* One value of a single-row query, or an SQLite error code. */
static int query_text(sqlite3 *db, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	out[0] = 0;
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, len, "%s",
			 sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int history_open(struct history *h, const char *path, int writable, char *err, size_t errlen)
{
	char v[256];
	struct stat sb;
	int rc, ret = -EINVAL, exists = !stat(path, &sb);

	memset(h, 0, sizeof(*h));
	if (exists && S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s is a directory, not a history database", path);
		return -EISDIR;
	}
	if (!exists && !writable) {
		snprintf(err, errlen, "no history at %s (add runs first: wirelab history add RUN...)", path);
		return -ENOENT;
	}
	if (exists && access(path, writable ? R_OK | W_OK : R_OK)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	h->path = strdup(path);
	rc = sqlite3_open_v2(path, &h->db,
			     writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY,
			     NULL);
	if (rc != SQLITE_OK || !h->path)
		goto sqlerr;
	sqlite3_busy_timeout(h->db, 10000);
	/* SQLite opens lazily: the first read finds out what the file is */
	rc = query_text(h->db, "PRAGMA quick_check", v, sizeof(v));
	if (rc != SQLITE_OK)
		goto sqlerr;
	if (strcmp(v, "ok")) {
		snprintf(err, errlen,
			 "%s fails SQLite's integrity check (%s): not changed; restore it from a copy", path,
			 v);
		goto fail;
	}
	rc = query_text(h->db, "SELECT count(*) FROM sqlite_master", v, sizeof(v));
	if (rc != SQLITE_OK)
		goto sqlerr;
	if (!strcmp(v, "0")) {
		if (!writable) {
			snprintf(err, errlen, "%s is an empty database: no runs in it yet", path);
			goto fail;
		}
		char *msg = NULL;
		rc = sqlite3_exec(h->db, "BEGIN;", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(h->db, schema, NULL, NULL, &msg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(h->db,
					  "INSERT INTO meta VALUES('schema', '" HISTORY_SCHEMA "'); COMMIT;",
					  NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "%s: creating the tables: %s", path,
				 msg ? msg : sqlite3_errmsg(h->db));
			sqlite3_free(msg);
			sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		return 0;
	}
	rc = query_text(h->db, "SELECT value FROM meta WHERE key = 'schema'", v, sizeof(v));
	if (rc != SQLITE_OK || strcmp(v, HISTORY_SCHEMA)) {
		if (rc != SQLITE_OK)
			snprintf(err, errlen,
				 "%s is an SQLite database but not a wirelab history (no meta table): not "
				 "changed",
				 path);
		else
			snprintf(err, errlen,
				 "%s is a history of another format ('%s', this wirelab reads '%s'): not "
				 "changed",
				 path, v, HISTORY_SCHEMA);
		goto fail;
	}
	return 0;
sqlerr:
	if (rc == SQLITE_NOTADB)
		snprintf(err, errlen, "%s is not an SQLite database (SQLite: %s): not changed", path,
			 sqlite3_errmsg(h->db));
	else
		snprintf(err, errlen, "%s: %s: not changed", path,
			 h->db ? sqlite3_errmsg(h->db) : "cannot open");
	ret = rc == SQLITE_CANTOPEN ? -ENOENT : -EINVAL;
fail:
	history_close(h);
	return ret;
}

void history_close(struct history *h)
{
	if (h->db)
		sqlite3_close(h->db);
	free(h->path);
	memset(h, 0, sizeof(*h));
}

/* FNV-1a, 64 bits: stable across versions and machines, which is all a
 * series key needs of it (not a security boundary). */
static unsigned long long fnv(unsigned long long hsh, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hsh ^= (unsigned char)s[i];
		hsh *= 0x100000001b3ULL;
	}
	return hsh;
}

void history_fingerprint(const char *host, const char *cpu, long cores, char *out)
{
	char c[32];
	unsigned long long hsh = 0xcbf29ce484222325ULL;

	snprintf(c, sizeof(c), "%ld", cores);
	/* the NULs separate the fields: "ab" + "c" is not "a" + "bc" */
	hsh = fnv(hsh, host, strlen(host) + 1);
	hsh = fnv(hsh, cpu, strlen(cpu) + 1);
	hsh = fnv(hsh, c, strlen(c));
	snprintf(out, 17, "%016llx", hsh);
}

void history_series_name(const struct history_series *s, char *buf, size_t len)
{
	char sz[32];

	runs_size_str(s->size, sz, sizeof(sz));
	snprintf(buf, len, "%s %s/%ld %s", s->variant, sz, s->conns, runs_metrics[s->metric].key);
}

void history_series_where(const struct history_series *s, char *buf, size_t len)
{
	snprintf(buf, len, "host %s [fp %.8s], kernel %s, %s", s->host, s->host_fp, s->kernel, s->topology);
}

void history_short_commit(const struct history_point *p, char *buf, size_t len)
{
	snprintf(buf, len, "%.7s%s", p->commit, p->dirty ? "+" : "");
}

int history_parse_cell(const char *s, long *size, long *conns)
{
	char head[64], *end;
	const char *slash = strchr(s, '/');

	if (!slash || (size_t)(slash - s) >= sizeof(head))
		return -EINVAL;
	snprintf(head, sizeof(head), "%.*s", (int)(slash - s), s);
	if (runs_parse_size(head, size))
		return -EINVAL;
	*conns = strtol(slash + 1, &end, 10);
	return *end || end == slash + 1 || *conns < 1 ? -EINVAL : 0;
}
