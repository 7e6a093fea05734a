/* report_sys: the report's syscall breakdown from syscalls.csv: per
 * variant, size and concurrency, each syscall's median count per request
 * over the repetitions, largest first. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct sys_row {
	const char *name;
	double per_req;
};

static int cmp_row(const void *a, const void *b)
{
	double x = ((const struct sys_row *)a)->per_req, y = ((const struct sys_row *)b)->per_req;

	return (x < y) - (x > y);
}

static const char *field(json_t *row, const char *name)
{
	const char *s = json_string_value(json_object_get(row, name));

	return s ? s : "";
}

void report_syscalls_html(FILE *f, const struct runs_run *run)
{
	json_t *cells = json_object(), *row, *sys;
	const char *key, *name;
	size_t i;

	if (!run->syscalls || !json_array_size(run->syscalls) || !cells)
		goto cleanup;
	/* cells: "variant|size|conns" -> {syscall: [per_req, ...]} (jansson
	 * objects are hash tables, so this stays linear in the rows) */
	json_array_foreach(run->syscalls, i, row)
	{
		char k[256];
		double v;
		char *end;
		snprintf(k, sizeof(k), "%s|%s|%s", field(row, "variant"), field(row, "size_bytes"),
			 field(row, "conns"));
		v = strtod(field(row, "per_req"), &end);
		if (end == field(row, "per_req") || !*field(row, "syscall"))
			continue;
		json_t *c = json_object_get(cells, k);
		if (!c)
			json_object_set_new(cells, k, c = json_object());
		json_t *vals = json_object_get(c, field(row, "syscall"));
		if (!vals)
			json_object_set_new(c, field(row, "syscall"), vals = json_array());
		json_array_append_new(vals, json_real(v));
	}
	fprintf(f, "<h2>Syscalls per request</h2>\n<p>From the probes (syscalls.csv): each syscall's median "
		   "count "
		   "per request over the repetitions, the largest first.</p>\n<table>\n"
		   "<tr><th>variant</th><th>size (bytes)</th><th>conns</th><th>syscalls per "
		   "request</th></tr>\n");
	json_object_foreach(cells, key, sys)
	{
		size_t n = json_object_size(sys), k = 0;
		struct sys_row *rows = calloc(n ? n : 1, sizeof(*rows));
		json_t *vals;
		char variant[128] = "", size[32] = "", conns[32] = "";
		if (!rows)
			break;
		sscanf(key, "%127[^|]|%31[^|]|%31s", variant, size, conns);
		json_object_foreach(sys, name, vals)
		{
			double v[256];
			size_t m = 0, j;
			json_t *x;
			struct stats_summary s;
			json_array_foreach(vals, j, x)
			{
				if (m < 256)
					v[m++] = json_real_value(x);
			}
			stats_summary(v, m, &s);
			rows[k].name = name;
			rows[k++].per_req = s.median;
		}
		qsort(rows, k, sizeof(*rows), cmp_row);
		fputs("<tr><td>", f);
		report_html_text(f, variant);
		fputs("</td><td>", f);
		report_html_text(f, size);
		fputs("</td><td>", f);
		report_html_text(f, conns);
		fputs("</td><td>", f);
		for (size_t j = 0; j < k && j < 8; j++)
			if (!isnan(rows[j].per_req)) {
				fputs(j ? ", " : "", f);
				report_html_text(f, rows[j].name);
				fprintf(f, " %.3g", rows[j].per_req);
			}
		fprintf(f, "</td></tr>\n");
		free(rows);
	}
	fprintf(f, "</table>\n");
cleanup:
	json_decref(cells);
}
