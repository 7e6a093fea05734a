/*
 * runs_zc: notes for zero-copy cells the kernel copied (runs_zc.h). Over
 * loopback and veth the kernel copies every MSG_ZEROCOPY / SEND_ZC send
 * and says so (Documentation/networking/msg_zerocopy.rst, "deferred
 * copy"); the figures of such a cell are those of a copy made late, and
 * whoever reads them (wirelab table, report) is told.
 */
#include "runs_zc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runs_notes.h"

#define COL(c) (results_point_cols[c].name)

struct zc_cell {
	const char *variant;
	long size, conns;
	size_t n, copied; /* repetitions with a share, of them above RUNS_ZC_COPIED */
	double max;
};

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
			cells[ncells++] = (struct zc_cell){row[cv], size, conns, 0, 0, 0};
		}
		cells[i].n++;
		cells[i].copied += share > RUNS_ZC_COPIED;
		if (share > cells[i].max)
			cells[i].max = share;
	}
	for (size_t i = 0; i < ncells && !ret; i++) {
		char sz[32];
		if (!cells[i].copied)
			continue;
		runs_size_str(cells[i].size, sz, sizeof(sz));
		ret = runs_note(
			run,
			"%s at %s, %ld connections: NOT ZERO-COPY: the kernel copied the zero-copy "
			"sends (up to %.0f%% of them, in %zu of %zu repetitions; loopback and veth always "
			"copy); these figures are a copy's, and zero-copy must be measured over a real NIC "
			"(wirelab sweep --topology ssh)",
			cells[i].variant, sz, cells[i].conns, cells[i].max * 100, cells[i].copied,
			cells[i].n);
	}
cleanup:
	free(cells);
	return ret;
}
