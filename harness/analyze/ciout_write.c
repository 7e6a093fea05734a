/* ciout_write: the JUnit XML and the Markdown summary (see ciout.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ciout.h"
#include "report.h"

/* s escaped for XML text and attribute values (report_html_text's
 * escapes); control characters other than tab and newline are not allowed
 * in XML 1.0 at all, so they are dropped first. */
static void xml(FILE *f, const char *s)
{
	char *clean = strdup(s ? s : ""), *o = clean;

	if (!clean)
		return;
	for (const char *c = clean; *c; c++)
		if ((unsigned char)*c >= 0x20 || *c == '\n' || *c == '\t')
			*o++ = *c;
	*o = 0;
	report_html_text(f, clean);
	free(clean);
}

/* One line of s for a Markdown table cell: pipes escaped, newlines as spaces. */
static void md_cell(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void count(const struct ciout *c, size_t *fail, size_t *skip)
{
	*fail = *skip = 0;
	for (size_t i = 0; i < c->n; i++) {
		*fail += c->cases[i].status == CIOUT_FAIL;
		*skip += c->cases[i].status == CIOUT_SKIP;
	}
}

static void junit(FILE *f, const struct ciout *c)
{
	size_t fail, skip;

	count(c, &fail, &skip);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	xml(f, c->title);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"%zu\">\n", c->n, fail, c->oom,
		skip);
	fprintf(f, "  <testsuite name=\"");
	xml(f, c->title);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"%zu\" time=\"0\">\n", c->n,
		fail, c->oom, skip);
	if (c->nnotes) {
		fprintf(f, "    <system-out>");
		for (size_t i = 0; i < c->nnotes; i++) {
			xml(f, c->notes[i]);
			fputc('\n', f);
		}
		fprintf(f, "</system-out>\n");
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct ciout_case *k = &c->cases[i];
		fprintf(f, "    <testcase classname=\"");
		xml(f, k->classname);
		fprintf(f, "\" name=\"");
		xml(f, k->name);
		fprintf(f, "\" time=\"0\"");
		if (k->status == CIOUT_PASS) {
			fprintf(f, "/>\n");
			continue;
		}
		fprintf(f, ">\n");
		if (k->status == CIOUT_SKIP) {
			fprintf(f, "      <skipped message=\"");
			xml(f, k->skip_reason);
			fprintf(f, "\"/>\n");
		}
		for (size_t j = 0; j < k->nfails; j++) {
			fprintf(f, "      <failure type=\"regression\" message=\"");
			xml(f, k->fails[j].message);
			fprintf(f, "\">");
			xml(f, k->fails[j].detail);
			fprintf(f, "</failure>\n");
		}
		fprintf(f, "    </testcase>\n");
	}
	if (c->oom)
		fprintf(f, "    <testcase classname=\"wirelab\" name=\"output complete\"><error "
			   "message=\"out of "
			   "memory while collecting the results: this file is incomplete\"/></testcase>\n");
	fprintf(f, "  </testsuite>\n</testsuites>\n");
}

static void markdown(FILE *f, const struct ciout *c)
{
	size_t fail, skip, info = 0;

	count(c, &fail, &skip);
	fprintf(f, "## %s\n\n", c->title);
	fprintf(f, "%s%zu failed%s of %zu (%zu skipped)\n\n", fail ? "**" : "", fail, fail ? "**" : "", c->n,
		skip);
	for (size_t i = 0; i < c->nnotes; i++)
		fprintf(f, "- %s\n", c->notes[i]);
	if (c->nnotes)
		fprintf(f, "\n");
	if (c->oom)
		fprintf(f, "**Incomplete: out of memory while collecting the results.**\n\n");
	for (size_t i = 0; i < c->n; i++)
		info += c->cases[i].status == CIOUT_PASS && c->cases[i].info;
	if (!fail && !info && !skip)
		return;
	fprintf(f, "| result | test | where | what |\n|---|---|---|---|\n");
	/* failures first: what the reader came for */
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < c->n; i++) {
			const struct ciout_case *k = &c->cases[i];
			if ((pass == 0 && k->status != CIOUT_FAIL) ||
			    (pass == 1 && !(k->status == CIOUT_PASS && k->info)) ||
			    (pass == 2 && k->status != CIOUT_SKIP))
				continue;
			for (size_t j = 0; j < (k->status == CIOUT_FAIL ? k->nfails : 1); j++) {
				fprintf(f, "| %s | ",
					pass == 0   ? "**FAIL**"
					: pass == 1 ? "pass"
						    : "skipped");
				md_cell(f, k->name);
				fprintf(f, " | ");
				md_cell(f, k->classname);
				fprintf(f, " | ");
				md_cell(f, pass == 0   ? k->fails[j].message
					   : pass == 1 ? k->info
						       : k->skip_reason);
				fprintf(f, " |\n");
			}
		}
}

static int write_file(const struct ciout *c, const char *path, void (*fn)(FILE *, const struct ciout *),
		      char *err, size_t errlen)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int ret = -ENOMEM;

	if (asprintf(&tmp, "%s.tmp", path) < 0) {
		tmp = NULL;
		goto cleanup;
	}
	f = fopen(tmp, "w");
	if (!f) {
		ret = -errno;
		goto cleanup;
	}
	fn(f, c);
	if (fflush(f) || ferror(f)) {
		ret = errno ? -errno : -EIO;
		goto cleanup;
	}
	ret = fclose(f) ? -errno : 0;
	f = NULL;
	if (!ret && rename(tmp, path))
		ret = -errno;
cleanup:
	if (f)
		fclose(f);
	if (ret) {
		if (tmp)
			unlink(tmp);
		snprintf(err, errlen, "writing %s: %s", path, strerror(-ret));
	}
	free(tmp);
	return ret;
}

int ciout_write_junit(const struct ciout *c, const char *path, char *err, size_t errlen)
{
	return write_file(c, path, junit, err, errlen);
}

int ciout_write_markdown(const struct ciout *c, const char *path, char *err, size_t errlen)
{
	return write_file(c, path, markdown, err, errlen);
}

int ciout_write_all(const struct ciout *c, const char *junit, const char *markdown, char *err, size_t errlen)
{
	int ret = 0;

	if (c && junit)
		ret = ciout_write_junit(c, junit, err, errlen);
	if (c && markdown && !ret)
		ret = ciout_write_markdown(c, markdown, err, errlen);
	return ret;
}
