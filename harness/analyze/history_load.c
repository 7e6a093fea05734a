/* history_load: the series a filter selects, read back from the history. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return strdup(t ? (const char *)t : "");
}

static int same_col(sqlite3_stmt *st, int i, const char *s)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return !strcmp(t ? (const char *)t : "", s);
}

/* The row belongs to series s (columns 0..9 are its key). */
static int same_series(sqlite3_stmt *st, const struct history_series *s)
{
	return same_col(st, 0, s->host_fp) && same_col(st, 4, s->kernel) && same_col(st, 5, s->topology) &&
	       same_col(st, 6, s->variant) && sqlite3_column_int64(st, 7) == s->size &&
	       sqlite3_column_int64(st, 8) == s->conns && same_col(st, 9, runs_metrics[s->metric].key);
}

static int push_value(struct history_point *p, double v)
{
	double *nv = realloc(p->v, (p->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	p->v = nv;
	p->v[p->n++] = v;
	return 0;
}

int history_load(struct history *h, const struct history_filter *f, struct history_series **out, size_t *n,
		 char *err, size_t errlen)
{
	static const char sql[] =
		"SELECT r.host_fp, r.host, r.cpu, r.cores, r.kernel, r.topology, c.variant, c.size, c.conns, "
		"c.metric, r.run_key, r.run_id, r.git_commit, r.git_dirty, r.started, s.value "
		"FROM cells c JOIN samples s ON s.cell = c.id JOIN runs r ON r.id = s.run "
		"WHERE c.metric = ?1 AND (?2 IS NULL OR c.variant = ?2) AND (?3 < 0 OR c.size = ?3) "
		"AND (?4 < 0 OR c.conns = ?4) "
		"ORDER BY r.host_fp, r.kernel, r.topology, c.variant, c.size, c.conns, r.started, r.run_key, "
		"s.rep";
	struct history_series *ss = NULL, *cur = NULL;
	size_t ns = 0;
	sqlite3_stmt *st = NULL;
	int rc, ret = -ENOMEM;

	*out = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto sqlerr;
	for (int k = 0; k < f->nmetrics; k++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, runs_metrics[f->metrics[k]].key, -1, SQLITE_STATIC);
		if (f->variant)
			sqlite3_bind_text(st, 2, f->variant, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 2);
		sqlite3_bind_int64(st, 3, f->size);
		sqlite3_bind_int64(st, 4, f->conns);
		cur = NULL;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (!cur || !same_series(st, cur)) {
				struct history_series *grown = realloc(ss, (ns + 1) * sizeof(*ss));
				if (!grown)
					goto cleanup;
				ss = grown;
				cur = &ss[ns++];
				memset(cur, 0, sizeof(*cur));
				cur->host_fp = dup_col(st, 0);
				cur->host = dup_col(st, 1);
				cur->cpu = dup_col(st, 2);
				cur->cores = (long)sqlite3_column_int64(st, 3);
				cur->kernel = dup_col(st, 4);
				cur->topology = dup_col(st, 5);
				cur->variant = dup_col(st, 6);
				cur->size = (long)sqlite3_column_int64(st, 7);
				cur->conns = (long)sqlite3_column_int64(st, 8);
				cur->metric = f->metrics[k];
				if (!cur->host_fp || !cur->host || !cur->cpu || !cur->kernel ||
				    !cur->topology || !cur->variant)
					goto cleanup;
			}
			struct history_point *p = cur->npts ? &cur->pts[cur->npts - 1] : NULL;
			if (!p || !same_col(st, 10, p->run_key)) {
				struct history_point *grown =
					realloc(cur->pts, (cur->npts + 1) * sizeof(*grown));
				if (!grown)
					goto cleanup;
				cur->pts = grown;
				p = &cur->pts[cur->npts++];
				memset(p, 0, sizeof(*p));
				p->run_key = dup_col(st, 10);
				p->run_id = dup_col(st, 11);
				p->commit = dup_col(st, 12);
				p->dirty = sqlite3_column_int(st, 13);
				p->when = dup_col(st, 14);
				if (!p->run_key || !p->run_id || !p->commit || !p->when)
					goto cleanup;
			}
			if (push_value(p, sqlite3_column_double(st, 15)))
				goto cleanup;
		}
		if (rc != SQLITE_DONE)
			goto sqlerr;
	}
	*out = ss;
	*n = ns;
	ss = NULL;
	ns = 0;
	ret = 0;
	goto cleanup;
sqlerr:
	snprintf(err, errlen, "%s: %s", h->path, sqlite3_errmsg(h->db));
	ret = -EIO;
cleanup:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", h->path);
	sqlite3_finalize(st);
	history_series_free(ss, ns);
	return ret;
}

void history_series_free(struct history_series *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < s[i].npts; j++) {
			struct history_point *p = &s[i].pts[j];
			free(p->run_key);
			free(p->run_id);
			free(p->commit);
			free(p->when);
			free(p->v);
		}
		free(s[i].pts);
		free(s[i].host_fp);
		free(s[i].host);
		free(s[i].cpu);
		free(s[i].kernel);
		free(s[i].topology);
		free(s[i].variant);
	}
	free(s);
}
