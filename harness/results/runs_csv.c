/* runs_csv: read a CSV file whole; rows keep pointers into one buffer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs_csv.h"

static int slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int ret = 0;

	if (!f)
		return -errno;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (!nb) {
				ret = -ENOMEM;
				goto cleanup;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (!r)
			break;
	}
	if (ferror(f))
		ret = -EIO;
cleanup:
	fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

static int push_field(char ***row, size_t *nf, size_t *cap, char *field)
{
	if (*nf == *cap) {
		char **nr = realloc(*row, (*cap = *cap * 2 + 16) * sizeof(**row));
		if (!nr)
			return -ENOMEM;
		*row = nr;
	}
	(*row)[(*nf)++] = field;
	return 0;
}

static int push_row(struct runs_csv *csv, char **row, size_t nf)
{
	char ***nr = realloc(csv->rows, (csv->nrows + 1) * sizeof(*nr));
	size_t *nn;

	if (!nr)
		return -ENOMEM;
	csv->rows = nr;
	nn = realloc(csv->nfields, (csv->nrows + 1) * sizeof(*nn));
	if (!nn)
		return -ENOMEM;
	csv->nfields = nn;
	csv->rows[csv->nrows] = row;
	csv->nfields[csv->nrows++] = nf;
	return 0;
}

int runs_csv_read(const char *path, struct runs_csv *csv, char *err, size_t errlen)
{
	size_t len = 0, line = 1;
	char *p, *w, *end;
	int ret;

	memset(csv, 0, sizeof(*csv));
	ret = slurp(path, &csv->buf, &len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = -EINVAL;
	if (!len) {
		snprintf(err, errlen, "%s: empty file (no header)", path);
		goto cleanup;
	}
	if (memchr(csv->buf, 0, len)) {
		snprintf(err, errlen, "%s: contains NUL bytes: not a CSV file (or a damaged one)", path);
		goto cleanup;
	}
	if (csv->buf[len - 1] != '\n') {
		/* every writer ends a row with a newline: the last one was cut off */
		for (size_t i = 0; i < len; i++)
			line += csv->buf[i] == '\n';
		snprintf(err, errlen,
			 "%s: truncated: line %zu has no newline at its end; the run was cut off mid-write",
			 path, line);
		goto cleanup;
	}
	p = w = csv->buf;
	end = csv->buf + len;
	while (p < end) {
		char **row = NULL;
		size_t nf = 0, cap = 0;
		size_t row_line = line;
		for (;;) {
			char *field = w;
			if (*p == '"') {
				p++;
				for (;;) {
					if (p >= end) {
						snprintf(err, errlen, "%s:%zu: unterminated quoted field",
							 path, row_line);
						free(row);
						goto cleanup;
					}
					if (*p == '"' && p + 1 < end && p[1] == '"') {
						*w++ = '"';
						p += 2;
					} else if (*p == '"') {
						p++;
						break;
					} else {
						if (*p == '\n')
							line++;
						*w++ = *p++;
					}
				}
				if (*p != ',' && *p != '\n' && *p != '\r') {
					snprintf(err, errlen, "%s:%zu: text after a closing quote", path,
						 row_line);
					free(row);
					goto cleanup;
				}
			} else {
				while (*p != ',' && *p != '\n' && *p != '\r')
					*w++ = *p++;
			}
			char sep = *p;
			if (sep == '\r')
				p++, sep = *p;
			*w++ = 0;
			p++;
			if (push_field(&row, &nf, &cap, field)) {
				free(row);
				ret = -ENOMEM;
				goto cleanup;
			}
			if (sep == '\n')
				break;
		}
		line++;
		if (nf == 1 && !row[0][0]) { /* blank line */
			free(row);
			continue;
		}
		if (csv->nrows && nf != csv->nfields[0]) {
			snprintf(err, errlen, "%s:%zu: %zu fields where the header has %zu", path, row_line,
				 nf, csv->nfields[0]);
			free(row);
			goto cleanup;
		}
		if (push_row(csv, row, nf)) {
			free(row);
			ret = -ENOMEM;
			goto cleanup;
		}
	}
	if (!csv->nrows) {
		snprintf(err, errlen, "%s: no header", path);
		goto cleanup;
	}
	return 0;
cleanup:
	runs_csv_free(csv);
	return ret;
}

int runs_csv_col(const struct runs_csv *csv, const char *name)
{
	for (size_t i = 0; i < csv->nfields[0]; i++)
		if (!strcmp(csv->rows[0][i], name))
			return (int)i;
	return -ENOENT;
}

void runs_csv_free(struct runs_csv *csv)
{
	for (size_t i = 0; i < csv->nrows; i++)
		free(csv->rows[i]);
	free(csv->rows);
	free(csv->nfields);
	free(csv->buf);
	memset(csv, 0, sizeof(*csv));
}
