/* report_machine: the report's "Machine" section, run.json's machine
 * object (docs/machine.md) as a compact table: a row per NIC and per
 * sysctl, one row for each other part with its items inline. */
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "report.h"

/* An object's items inline, "key value, key value" ((...) for a nested one) */
static void inline_value(FILE *f, json_t *v)
{
	const char *key;
	json_t *sub;
	int first = 1;

	if (json_is_string(v)) {
		report_html_text(f, json_string_value(v));
		return;
	}
	if (!json_is_object(v)) {
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		report_html_text(f, s);
		free(s);
		return;
	}
	json_object_foreach(v, key, sub)
	{
		fputs(first ? "" : ", ", f);
		first = 0;
		report_html_text(f, key);
		fputs(json_is_object(sub) ? " (" : " ", f);
		inline_value(f, sub);
		fputs(json_is_object(sub) ? ")" : "", f);
	}
}

static void row(FILE *f, const char *head, const char *sub, json_t *v)
{
	fputs("<tr><th>", f);
	report_html_text(f, head);
	if (sub) {
		fputc(' ', f);
		report_html_text(f, sub);
	}
	fputs("</th><td>", f);
	inline_value(f, v);
	fputs("</td></tr>\n", f);
}

/* Mitigations: each text once, with the vulnerabilities that have it
 * ("l1tf, mds, ...: Not affected"), which keeps twenty files to a few lines */
static void mitigations(FILE *f, json_t *m)
{
	const char *key, *k2;
	json_t *v, *v2;

	if (!json_is_object(m)) {
		row(f, "Mitigations", NULL, m);
		return;
	}
	fputs("<tr><th>Mitigations</th><td>", f);
	json_object_foreach(m, key, v)
	{
		int seen = 0;
		json_object_foreach(m, k2, v2)
		{
			if (k2 == key)
				break;
			seen |= json_equal(v, v2);
		}
		if (seen)
			continue;
		int first = 1;
		json_object_foreach(m, k2, v2) if (json_equal(v, v2))
		{
			fputs(first ? "" : ", ", f);
			first = 0;
			report_html_text(f, k2);
		}
		fputs(": ", f);
		report_html_text(f, json_string_value(v));
		fputs("<br>", f);
	}
	fputs("</td></tr>\n", f);
}

void report_machine_html(FILE *f, json_t *m)
{
	static const char *const parts[][2] = {
		{"irqs", "NIC IRQs"},
		{"cpu", "CPU frequency, SMT"},
		{"kernel_cmdline", "Kernel command line"},
		{"virtual_machine", "Virtual machine"},
	};
	const char *key;
	json_t *v;

	fprintf(f, "<h2>Machine</h2>\n");
	if (!m) {
		fprintf(f, "<p>Not recorded: this run is from before run.json had a machine object.</p>\n");
		return;
	}
	fprintf(f, "<p>What the machine was (run.json <code>machine</code>, docs/machine.md); "
		   "<code>wirelab check --strict</code> refuses runs whose settings here differ.</p>\n"
		   "<table>\n");
	json_object_foreach(json_object_get(m, "nics"), key, v) row(f, "NIC", key, v);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (json_object_get(m, parts[i][0]))
			row(f, parts[i][1], NULL, json_object_get(m, parts[i][0]));
	if (json_object_get(m, "mitigations"))
		mitigations(f, json_object_get(m, "mitigations"));
	json_object_foreach(json_object_get(m, "sysctls"), key, v)
		row(f, strcmp(key, "namespace") ? "sysctl" : "sysctls read in",
		    strcmp(key, "namespace") ? key : NULL, v);
	fprintf(f, "</table>\n");
}
