/* plot_gp: shared pieces of the generated gnuplot scripts. */
#ifndef WL_PLOT_GP_H
#define WL_PLOT_GP_H
#include <stdio.h>

#include "runs.h"

/* Line colour of our variant number i; peers get greys (plot_peer_style). */
const char *plot_color(int i);
void plot_series_style(FILE *f, const struct runs_run *run, const char *variant, int i);
/* terminal header and the SVG + PNG outputs: plot_begin sets SVG, the
 * script's plot command follows, plot_end replots into the PNG. */
void plot_begin(FILE *f, const char *dir, const char *name, int wide);
void plot_end(FILE *f, const char *dir, const char *name);
/* "set xtics (...)" with a label per measured size (past a dozen sizes,
 * every (n/10)th on a linear axis, those 1.4x past the last labelled on a
 * log one; and the last) */
void plot_size_tics(FILE *f, const char *axis, const long *sizes, int n, int linear);
/* Run gnuplot on RUN/plots/name.gp; 0 or -EIO with err written. */
int plot_gnuplot(const char *dir, const char *name, char *err, size_t errlen);
/* dir/name.dat and dir/name.gp opened for writing; 0, or -errno with err
 * written and neither left open. */
int plot_open_files(const char *dir, const char *name, FILE **dat, FILE **gp, char *err, size_t errlen);
/* Quote s for a gnuplot double-quoted string. */
void plot_quote(FILE *f, const char *s);
#endif
