/* plot_map: the decision map, file size x concurrency coloured by the
 * winning variant for one metric; each cell's second line says how much
 * better it is than the runner-up, or that they are equivalent, or that
 * it is not decided yet. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plot_gp.h"
#include "report.h"

int plot_decision_map(const struct runs_run *run, int m, char *err, size_t errlen)
{
	const struct runs_metric_info *mi = &runs_metrics[m];
	char dir[PATH_MAX], path[PATH_MAX + 256], name[64], title[512];
	const char **vars = NULL, **mixes = NULL;
	long *sizes = NULL, *conns = NULL, *mconns = NULL;
	FILE *dat = NULL, *gp = NULL;
	int *used = NULL, ret = -ENOMEM;
	int nv = runs_variants(run, &vars), ns = runs_sizes(run, &sizes), nc = runs_conns(run, &conns);
	/* workload mixes (closed loop) are columns after the sizes */
	int nm = runs_workloads(run, &mixes, &mconns), nx = ns;

	if (nv < 0 || ns < 0 || nc < 0 || nm < 0 || !(used = calloc(nv + 1, sizeof(*used)))) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	snprintf(dir, sizeof(dir), "%s/plots", run->dir);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto cleanup;
	}
	snprintf(name, sizeof(name), "decision_%s", mi->key);
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	dat = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/%s.gp", dir, name);
	gp = fopen(path, "w");
	if (!dat || !gp) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		goto cleanup;
	}
	/* a mix's concurrencies are rows too */
	for (int i = 0; i < nm; i++) {
		int j;
		for (j = 0; j < nc && conns[j] != mconns[i]; j++)
			;
		if (j == nc) {
			long *nconns = realloc(conns, (nc + 1) * sizeof(*nconns));
			if (!nconns)
				goto cleanup;
			conns = nconns;
			for (j = nc++; j > 0 && conns[j - 1] > mconns[i]; j--)
				conns[j] = conns[j - 1];
			conns[j] = mconns[i];
		}
	}
	for (int i = 0; i < nm; i++) {
		int k;
		for (k = 0; k < i && strcmp(mixes[k], mixes[i]); k++)
			;
		if (k == i)
			mixes[nx++ - ns] = mixes[i];
	}
	/* x = size (then mix) index, y = conns index, colour slot, cell label */
	int cells = 0;
	struct seq_plan plan;
	report_plan(run, &plan);
	for (int i = 0; i < nx; i++)
		for (int j = 0; j < nc; j++) {
			struct report_decision d;
			int k;
			if (!(i < ns ? report_decide(run, sizes[i], conns[j], m, &plan, NULL, &d)
				     : report_decide_mix(run, mixes[i - ns], conns[j], m, &plan, NULL, &d)) ||
			    !d.best)
				continue;
			for (k = 0; k < nv && strcmp(vars[k], d.best->variant); k++)
				;
			used[k] = 1;
			char lab[400], eff[256];
			if (!d.second)
				snprintf(lab, sizeof(lab), "only one");
			else if (d.paced)
				snprintf(lab, sizeof(lab), "client-bound: compares the client");
			else if (d.d.verdict == SEQ_BETTER)
				snprintf(
					lab, sizeof(lab), "%s than %s",
					effect_phrase(eff, sizeof(eff), m, d.d.e.ratio, d.d.e.rlo, d.d.e.rhi),
					d.second->variant);
			else if (d.d.verdict == SEQ_EQUIVALENT)
				snprintf(lab, sizeof(lab), "equivalent to %s (±%.0f%%)", d.second->variant,
					 100 * report_rule_default.margin);
			else
				snprintf(lab, sizeof(lab), "not decided against %s", d.second->variant);
			/* two lines: the winner, then how sure */
			fprintf(dat, "%d %d %d \"%s\" \"%s\"\n", i, j, k + 1, d.best->variant, lab);
			cells++;
		}
	if (!cells) {
		snprintf(err, errlen, "%s: no cell has a %s value for our variants", run->dir,
			 runs_metric_column(m));
		ret = -ENOENT;
		goto cleanup;
	}
	plot_begin(gp, dir, name, 1);
	snprintf(title, sizeof(title),
		 "Best variant by %s (%s is better)\\n{/*0.8 colour and first line: the winner; second "
		 "line: how much better than the runner-up [interval], equivalent, or not decided yet "
		 "(docs/statistics.md)}",
		 mi->label, mi->higher_better ? "higher" : "lower");
	fprintf(gp, "set title ");
	plot_quote(gp, title);
	fprintf(gp, " enhanced\nset xlabel '%s'\nset ylabel 'concurrent connections'\nunset grid\n",
		nm ? "file size or workload mix" : "file size");
	fprintf(gp, "set xrange [-0.5:%d.5]\nset yrange [-0.5:%d.5]\n", nx - 1, nc - 1);
	fprintf(gp, "set xtics (");
	for (int i = 0; i < nx; i++) {
		char s[80];
		if (i < ns)
			runs_size_str(sizes[i], s, sizeof(s));
		else
			snprintf(s, sizeof(s), "mix %s", mixes[i - ns]);
		fprintf(gp, "%s\"%s\" %d", i ? ", " : "", s, i);
	}
	fprintf(gp, ")\nset ytics (");
	for (int j = 0; j < nc; j++)
		fprintf(gp, "%s\"%ld\" %d", j ? ", " : "", conns[j], j);
	fprintf(gp, ")\nset style fill solid 0.55 border lc rgb '#ffffff'\nset key outside bottom center "
		    "horizontal font ',9' width 2\n");
	/* one colour per variant, the same as in the line plots: lc variable
	 * picks linetype k+1, so those carry our colours */
	for (int k = 0; k < nv; k++)
		fprintf(gp, "set linetype %d lc rgb '%s'\n", k + 1, plot_color(k));
	fprintf(gp, "plot '%s.dat' using 1:2:(0.5):(0.5):3 with boxxy lc variable notitle", name);
	for (int k = 0; k < nv; k++)
		if (used[k]) {
			fprintf(gp, ", \\\n     keyentry with boxes fc rgb '%s' title ", plot_color(k));
			plot_quote(gp, vars[k]);
		}
	fprintf(gp,
		", \\\n     '%s.dat' using 1:($2+0.06):4 with labels font ',9' notitle"
		", \\\n     '%s.dat' using 1:($2-0.06):5 with labels font ',8' notitle\n",
		name, name);
	plot_end(gp, dir, name);
	fclose(dat);
	dat = NULL;
	fclose(gp);
	gp = NULL;
	ret = plot_gnuplot(dir, name, err, errlen);
cleanup:
	if (dat)
		fclose(dat);
	if (gp)
		fclose(gp);
	free(used);
	free(vars);
	free(sizes);
	free(conns);
	free(mixes);
	free(mconns);
	return ret;
}
