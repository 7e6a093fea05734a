/*
 * runs_zc: notes for zero-copy cells the kernel copied (runs_zc.h). Over
 * loopback and veth the kernel copies every MSG_ZEROCOPY / SEND_ZC send
 * and says so (Documentation/networking/msg_zerocopy.rst, "deferred
 * copy"); the figures of such a cell are those of a copy made late, and
 * whoever reads them (wirelab table, report) is told: one note per
 * variant, naming its cells.
 */
#include "runs_zc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs_notes.h"

#define COL(c)	     (results_point_cols[c].name)
#define ZC_MAX_NAMED 8 /* cells a note names; the rest are counted */

struct zc_cell {
	const char *variant;
	long size, conns;
	int copied; /* a repetition above RUNS_ZC_COPIED */
	double max;
};

/* the note of variant v: its copied cells, in the order they were found */
static int note_variant(struct runs_run *run, const struct zc_cell *cells, size_t n, const char *v)
{
	char list[ZC_MAX_NAMED * 32 + 32] = "", sz[32];
	size_t k = 0, named = 0, copied = 0, all = 0;
	double max = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(cells[i].variant, v))
			continue;
		all++;
		if (!cells[i].copied)
			continue;
		copied++;
		if (cells[i].max > max)
			max = cells[i].max;
		if (named++ == ZC_MAX_NAMED)
			k += (size_t)snprintf(list + k, sizeof(list) - k, ", ...");
		if (named > ZC_MAX_NAMED)
			continue;
		runs_size_str(cells[i].size, sz, sizeof(sz));
		k += (size_t)snprintf(list + k, sizeof(list) - k, "%s%s c%ld", named > 1 ? ", " : "", sz,
				      cells[i].conns);
	}
	if (!copied)
		return 0;
	return runs_note(run,
			 "%s: NOT ZERO-COPY in %zu of its %zu zero-copy cells (%s): the kernel copied the "
			 "zero-copy sends (up to %.0f%% of them; loopback and veth always copy), so these "
			 "figures are a copy's; zero-copy must be measured over a real NIC (wirelab sweep "
			 "--topology ssh)",
			 v, copied, all, list, max * 100);
}

int runs_note_zc(struct runs_run *run, const struct runs_csv *csv)
{
	int cv = runs_csv_col(csv, COL(RP_VARIANT)), cs = runs_csv_col(csv, COL(RP_SIZE)),
	    cc = runs_csv_col(csv, COL(RP_CONNS)), cz = runs_csv_col(csv, COL(RP_ZC_COPIED));
	struct zc_cell *cells = NULL;
	size_t ncells = 0;
	int ret = 0;

	if (cv < 0 || cs < 0 || cc < 0 || cz < 0)
		return 0; /* a run without the column counted no zero-copy send */
	for (size_t r = 1; r < csv->nrows; r++) {
		char **row = csv->rows[r], *end;
		double share = strtod(row[cz], &end);
		long size = atol(row[cs]), conns = atol(row[cc]);
		size_t i;

		if (!row[cz][0] || *end || isnan(share))
			continue; /* not a zerocopy variant, or nothing counted */
		for (i = 0; i < ncells; i++)
			if (cells[i].size == size && cells[i].conns == conns &&
			    !strcmp(cells[i].variant, row[cv]))
				break;
		if (i == ncells) {
			struct zc_cell *nc = realloc(cells, (ncells + 1) * sizeof(*nc));
			if (!nc) {
				ret = -ENOMEM;
				goto cleanup;
			}
			cells = nc;
			cells[ncells++] = (struct zc_cell){row[cv], size, conns, 0, 0};
		}
		cells[i].copied |= share > RUNS_ZC_COPIED;
		if (share > cells[i].max)
			cells[i].max = share;
	}
	/* one note per variant, at its first cell */
	for (size_t i = 0; i < ncells && !ret; i++) {
		size_t j;
		for (j = 0; j < i && strcmp(cells[j].variant, cells[i].variant); j++)
			;
		if (j == i)
			ret = note_variant(run, cells, ncells, cells[i].variant);
	}
cleanup:
	free(cells);
	return ret;
}
