/* ciout_cases: collecting testcases and notes (see ciout.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciout.h"
#include "runs.h"

static char *dup(struct ciout *c, const char *s)
{
	char *d = strdup(s ? s : "");

	c->oom |= !d;
	return d;
}

void ciout_init(struct ciout *c, const char *title)
{
	memset(c, 0, sizeof(*c));
	c->title = dup(c, title);
}

void ciout_free(struct ciout *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct ciout_case *k = &c->cases[i];
		for (size_t j = 0; j < k->nfails; j++) {
			free(k->fails[j].message);
			free(k->fails[j].detail);
		}
		free(k->fails);
		free(k->classname);
		free(k->name);
		free(k->skip_reason);
		free(k->info);
	}
	free(c->cases);
	for (size_t i = 0; i < c->nnotes; i++)
		free(c->notes[i]);
	free(c->notes);
	free(c->title);
	memset(c, 0, sizeof(*c));
}

int ciout_case(struct ciout *c, const char *classname, const char *name)
{
	if (!c)
		return -1;
	struct ciout_case *grown = realloc(c->cases, (c->n + 1) * sizeof(*grown));

	if (!grown) {
		c->oom = 1;
		return -1;
	}
	c->cases = grown;
	memset(&c->cases[c->n], 0, sizeof(c->cases[c->n]));
	c->cases[c->n].classname = dup(c, classname);
	c->cases[c->n].name = dup(c, name);
	return (int)c->n++;
}

int ciout_cell(struct ciout *c, const char *classname, const char *variant, long size, long conns,
	       const char *metric)
{
	char name[512], sz[32];

	runs_size_str(size, sz, sizeof(sz));
	snprintf(name, sizeof(name), "%s %s/%ld %s", variant, sz, conns, metric);
	return ciout_case(c, classname, name);
}

void ciout_fail(struct ciout *c, int i, const char *message)
{
	ciout_fail_detail(c, i, message, NULL);
}

void ciout_fail_detail(struct ciout *c, int i, const char *message, const char *detail)
{
	if (!c || i < 0 || (size_t)i >= c->n)
		return;
	struct ciout_case *k = &c->cases[i];
	struct ciout_failure *grown = realloc(k->fails, (k->nfails + 1) * sizeof(*grown));
	if (!grown) {
		c->oom = 1;
		return;
	}
	k->fails = grown;
	k->fails[k->nfails].message = dup(c, message);
	k->fails[k->nfails].detail = dup(c, detail ? detail : message);
	k->nfails++;
	k->status = CIOUT_FAIL;
}

void ciout_skip(struct ciout *c, int i, const char *reason)
{
	if (!c || i < 0 || (size_t)i >= c->n || c->cases[i].status == CIOUT_FAIL)
		return;
	free(c->cases[i].skip_reason);
	c->cases[i].skip_reason = dup(c, reason);
	c->cases[i].status = CIOUT_SKIP;
}

void ciout_info(struct ciout *c, int i, const char *text)
{
	if (!c || i < 0 || (size_t)i >= c->n)
		return;
	struct ciout_case *k = &c->cases[i];
	char *joined = NULL;
	if (k->info && asprintf(&joined, "%s; %s", k->info, text) < 0)
		joined = NULL, c->oom = 1;
	free(k->info);
	k->info = joined ? joined : dup(c, text);
}

void ciout_note(struct ciout *c, const char *fmt, ...)
{
	char **grown;
	va_list ap;

	if (!c)
		return;
	grown = realloc(c->notes, (c->nnotes + 1) * sizeof(*grown));
	if (!grown) {
		c->oom = 1;
		return;
	}
	c->notes = grown;
	va_start(ap, fmt);
	if (vasprintf(&c->notes[c->nnotes], fmt, ap) < 0)
		c->oom = 1;
	else
		c->nnotes++;
	va_end(ap);
}
