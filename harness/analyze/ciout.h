/*
 * ciout: what a CI job shows of a check: JUnit XML (one testcase per cell
 * and metric, a <failure> per regression; Jenkins, GitLab and GitHub
 * reporters read it) and a Markdown summary a pull request can show.
 * Collected while the check runs, written at its end.
 */
#ifndef WL_CIOUT_H
#define WL_CIOUT_H
#include <stddef.h>

enum ciout_status { CIOUT_PASS, CIOUT_FAIL, CIOUT_SKIP };

struct ciout_failure {
	char *message, *detail;
};

struct ciout_case {
	char *classname, *name;
	enum ciout_status status;
	char *skip_reason;
	char *info; /* what passed, in a sentence (Markdown shows changes that are not failures) */
	struct ciout_failure *fails;
	size_t nfails;
};

struct ciout {
	char *title;
	struct ciout_case *cases;
	size_t n;
	char **notes; /* summary lines, in order */
	size_t nnotes;
	int oom; /* an allocation failed: the files say so rather than lie */
};

/* Every function but ciout_init takes c == NULL and does nothing: a check
 * run without --junit or --markdown passes NULL. */
void ciout_init(struct ciout *c, const char *title);
void ciout_free(struct ciout *c);
/* A testcase; returns its index for ciout_fail, or -1. */
int ciout_case(struct ciout *c, const char *classname, const char *name);
/* The testcase of one cell and metric: "VARIANT 64 KiB/100 rps". */
int ciout_cell(struct ciout *c, const char *classname, const char *variant, long size, long conns,
	       const char *metric);
/* Case i failed: message is one line; detail any text (NULL: the message). */
void ciout_fail(struct ciout *c, int i, const char *message);
void ciout_fail_detail(struct ciout *c, int i, const char *message, const char *detail);
void ciout_skip(struct ciout *c, int i, const char *reason);
/* A sentence Markdown lists for a case that passed (an improvement, a change too small). */
void ciout_info(struct ciout *c, int i, const char *text);
void ciout_note(struct ciout *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write the JUnit XML or the Markdown to path (via a temporary file renamed
 * over it). 0 or -errno with err written. */
int ciout_write_junit(const struct ciout *c, const char *path, char *err, size_t errlen);
int ciout_write_markdown(const struct ciout *c, const char *path, char *err, size_t errlen);
/* Both, each when its path is not NULL. */
int ciout_write_all(const struct ciout *c, const char *junit, const char *markdown, char *err, size_t errlen);
#endif
