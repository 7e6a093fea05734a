/* history_add: runs into the history, all in one transaction (history.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history.h"

/* What identifies a run and what its series are keyed by. */
struct run_keys {
	char fp[17], key[512], content[17], dirname[256];
	const char *host, *cpu, *kernel, *topology, *run_id, *commit;
	int dirty;
};

static unsigned long long fnv_add(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int keys_of(struct runs_run *r, struct run_keys *k, char *err, size_t errlen)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	json_t *dirty = json_object_get(r->meta, "git_dirty");

	if (!r->info.when) {
		snprintf(err, errlen,
			 "%s/run.json has no start time (\"when\"): the history orders runs by it", r->dir);
		return -EINVAL;
	}
	k->host = r->info.host ? r->info.host : "unknown";
	k->cpu = r->info.cpu_model ? r->info.cpu_model : "unknown";
	k->kernel = r->info.kernel ? r->info.kernel : "unknown";
	k->topology = r->info.topology ? r->info.topology : "unknown";
	k->commit = r->info.git_commit ? r->info.git_commit : "unknown";
	k->dirty = json_is_true(dirty);
	/* a run without an id is named by its folder */
	size_t len = strlen(r->dir);
	while (len > 1 && r->dir[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && r->dir[start - 1] != '/')
		start--;
	snprintf(k->dirname, sizeof(k->dirname), "%.*s", (int)(len - start), r->dir + start);
	k->run_id = r->info.run_id ? r->info.run_id : k->dirname;
	history_fingerprint(k->host, k->cpu, r->info.cores, k->fp);
	snprintf(k->key, sizeof(k->key), "%s/%s/%s", k->fp, k->run_id, r->info.when);
	for (size_t i = 0; i < r->ncells; i++) {
		const struct runs_cell *c = &r->cells[i];
		h = fnv_add(h, c->variant, strlen(c->variant) + 1);
		h = fnv_add(h, &c->size, sizeof(c->size));
		h = fnv_add(h, &c->conns, sizeof(c->conns));
		for (int m = 0; m < RUNS_NMETRICS; m++)
			for (size_t j = 0; j < c->n; j++)
				if (!isnan(c->v[m][j]))
					h = fnv_add(fnv_add(h, &m, sizeof(m)), &c->v[m][j], sizeof(double));
	}
	snprintf(k->content, sizeof(k->content), "%016llx", h);
	return 0;
}

/* "unchanged", "updated" or "new": what the history holds of this run. */
static int stored_state(sqlite3 *db, const struct run_keys *k, int *state)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT content FROM runs WHERE run_key = ?", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, k->key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*state =
		rc == SQLITE_ROW ? (strcmp((const char *)sqlite3_column_text(st, 0), k->content) ? 1 : 2) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Run a statement bound by bind(st, arg); SQLITE_DONE becomes SQLITE_OK. */
static int exec1(sqlite3 *db, const char *sql, const char *text, sqlite3_int64 num)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, num);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The id of cell (variant, size, conns, metric), made when new. */
static int cell_id(sqlite3 *db, const struct runs_cell *c, int m, sqlite3_int64 *id)
{
	static const char *const sql[] = {
		"INSERT OR IGNORE INTO cells(metric, variant, size, conns) VALUES(?,?,?,?)",
		"SELECT id FROM cells WHERE metric = ? AND variant = ? AND size = ? AND conns = ?"};
	int rc = SQLITE_OK;

	for (int i = 0; i < 2 && rc == SQLITE_OK; i++) {
		sqlite3_stmt *st;
		if ((rc = sqlite3_prepare_v2(db, sql[i], -1, &st, NULL)) != SQLITE_OK)
			break;
		sqlite3_bind_text(st, 1, runs_metrics[m].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->variant, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, c->size);
		sqlite3_bind_int64(st, 4, c->conns);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
		sqlite3_finalize(st);
	}
	return rc;
}

static int put_run(sqlite3 *db, struct runs_run *r, const struct run_keys *k, const char *now,
		   size_t *samples)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 run, cell = 0;
	int rc;

	/* a run whose samples changed is replaced whole */
	rc = exec1(db, "DELETE FROM samples WHERE run IN (SELECT id FROM runs WHERE run_key = ?)", k->key, 0);
	if (rc == SQLITE_OK)
		rc = exec1(db, "DELETE FROM runs WHERE run_key = ?", k->key, 0);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(
		db,
		"INSERT INTO runs(run_key, host_fp, host, cpu, cores, kernel, topology, run_id, "
		"git_commit, git_dirty, started, added, results_format, dir, content) "
		"VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		goto cleanup;
	const char *text[] = {k->key,	 k->fp,	    k->host, k->cpu,	   NULL, k->kernel, k->topology,
			      k->run_id, k->commit, NULL,    r->info.when, now,	 NULL,	    r->dir};
	for (int i = 0; i < 14; i++)
		if (text[i])
			sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->info.cores);
	sqlite3_bind_int(st, 10, k->dirty);
	sqlite3_bind_int(st, 13, RUNS_FORMAT);
	sqlite3_bind_text(st, 15, k->content, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		goto cleanup;
	run = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	rc = sqlite3_prepare_v2(db, "INSERT INTO samples(run, cell, rep, value) VALUES(?,?,?,?)", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		goto cleanup;
	for (size_t i = 0; i < r->ncells; i++) {
		const struct runs_cell *c = &r->cells[i];
		for (int m = 0; m < RUNS_NMETRICS; m++) {
			size_t have = 0;
			for (size_t j = 0; j < c->n; j++)
				have += !isnan(c->v[m][j]);
			if (!have)
				continue;
			if ((rc = cell_id(db, c, m, &cell)) != SQLITE_OK)
				goto cleanup;
			for (size_t j = 0; j < c->n; j++) {
				if (isnan(c->v[m][j]))
					continue;
				sqlite3_reset(st);
				sqlite3_bind_int64(st, 1, run);
				sqlite3_bind_int64(st, 2, cell);
				sqlite3_bind_int64(st, 3, (sqlite3_int64)j);
				sqlite3_bind_double(st, 4, c->v[m][j]);
				if ((rc = sqlite3_step(st)) != SQLITE_DONE)
					goto cleanup;
				++*samples;
			}
		}
	}
	rc = SQLITE_OK;
cleanup:
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int history_add(struct history *h, struct runs_run *runs, size_t n, struct history_added *res, FILE *log,
		char *err, size_t errlen)
{
	struct run_keys *k = calloc(n ? n : 1, sizeof(*k));
	char now[32];
	time_t t = time(NULL);
	int rc, ret = -EINVAL;

	memset(res, 0, sizeof(*res));
	if (!k) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	/* every run checked before anything is written */
	for (size_t i = 0; i < n; i++)
		if (keys_of(&runs[i], &k[i], err, errlen))
			goto cleanup;
	rc = sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto sqlerr;
	for (size_t i = 0; i < n; i++) {
		int state;
		size_t samples = 0;
		if ((rc = stored_state(h->db, &k[i], &state)) != SQLITE_OK)
			goto rollback;
		if (state == 2) {
			res->unchanged++;
			fprintf(log, "%s: already in the history, unchanged\n", runs[i].dir);
			continue;
		}
		if ((rc = put_run(h->db, &runs[i], &k[i], now, &samples)) != SQLITE_OK)
			goto rollback;
		res->samples += samples;
		if (state == 1)
			res->updated++;
		else
			res->added++;
		fprintf(log, "%s: %s (commit %.12s, host %s, %zu values)\n", runs[i].dir,
			state == 1 ? "updated: its samples changed since it was added" : "added", k[i].commit,
			k[i].host, samples);
	}
	rc = sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto rollback;
	ret = 0;
	goto cleanup;
rollback:
	snprintf(err, errlen, "%s: %s: nothing added (rolled back)", h->path, sqlite3_errmsg(h->db));
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	memset(res, 0, sizeof(*res));
	goto cleanup;
sqlerr:
	snprintf(err, errlen, "%s: %s: nothing added", h->path, sqlite3_errmsg(h->db));
cleanup:
	free(k);
	return ret;
}
