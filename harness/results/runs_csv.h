/* runs_csv: a whole CSV file (RFC 4180 quoting) read into rows of fields. */
#ifndef WL_RUNS_CSV_H
#define WL_RUNS_CSV_H
#include <stddef.h>

struct runs_csv {
	char ***rows; /* rows[0] is the header */
	size_t *nfields;
	size_t nrows;
	char *buf;
};

/* Read path. Every row must end in a newline (a row without one was cut off
 * mid-write) and have as many fields as the header. Returns 0, or -errno /
 * -EINVAL with a message in err. */
int runs_csv_read(const char *path, struct runs_csv *csv, char *err, size_t errlen);
/* Index of the header column named name, or -ENOENT. */
int runs_csv_col(const struct runs_csv *csv, const char *name);
void runs_csv_free(struct runs_csv *csv);
#endif
