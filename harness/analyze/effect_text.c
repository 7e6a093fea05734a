/* effect_text: a ratio and its interval in words a person reads, with the
 * direction words of each metric (more req/s, less CPU, lower p99, fewer
 * syscalls). */
#include <math.h>
#include <stdio.h>

#include "effect.h"
#include "runs.h"

static const struct effect_words words[RUNS_NMETRICS] = {
	[RUNS_RPS] = {"serves", "more", "fewer", "requests per second"},
	[RUNS_MBPS] = {"moves", "more", "fewer", "MB/s"},
	[RUNS_CPU] = {"uses", "more", "less", "server CPU per request"},
	[RUNS_CORE] = {"uses", "more", "less", "core time per request"},
	[RUNS_SYSCALLS] = {"makes", "more", "fewer", "syscalls per request"},
	[RUNS_P50] = {"has a", "higher", "lower", "median latency"},
	[RUNS_P99] = {"has a", "higher", "lower", "p99 latency"},
	[RUNS_P999] = {"has a", "higher", "lower", "p99.9 latency"},
	[RUNS_CTXSW] = {"makes", "more", "fewer", "context switches per request"},
	[RUNS_SEGS] = {"sends", "more", "fewer", "TCP segments per request"},
	[RUNS_ACHIEVED] = {"sustains", "more", "fewer", "requests per second"},
	[RUNS_OFFERED] = {"was offered", "more", "fewer", "requests per second"},
	[RUNS_P90] = {"has a", "higher", "lower", "p90 latency"},
	[RUNS_P9999] = {"has a", "higher", "lower", "p99.99 latency"},
	[RUNS_MAX] = {"has a", "higher", "lower", "maximum latency"},
	[RUNS_CLIENT_CPU] = {"costs the client", "more", "less", "CPU per request"},
	[RUNS_U99] = {"has a", "higher", "lower", "uncorrected p99 latency"},
};

const struct effect_words *effect_words_of(int m)
{
	return m >= 0 && m < RUNS_NMETRICS ? &words[m] : &words[RUNS_RPS];
}

/* A percentage at the precision a benchmark supports: 2.4%, 27%. */
static void pct(char *buf, size_t len, double f)
{
	double p = 100 * fabs(f);

	snprintf(buf, len, p < 9.95 ? "%.1f%%" : "%.0f%%", p);
}

/* "27% less server CPU per request" into what, "[22%, 31%]" into iv (empty
 * without an interval). */
static void words_of(int m, double ratio, double rlo, double rhi, char *what, size_t wlen, char *iv,
		     size_t ilen)
{
	const struct effect_words *w = effect_words_of(m);
	int less = ratio < 1;
	char p[32], a[32], b[32];

	pct(p, sizeof(p), ratio - 1);
	snprintf(what, wlen, "%s %s %s", p, less ? w->less : w->more, w->what);
	iv[0] = 0;
	if (isnan(rlo) || isnan(rhi))
		return;
	if (less && rhi < 1) {
		pct(a, sizeof(a), 1 - rhi);
		pct(b, sizeof(b), 1 - rlo);
		snprintf(iv, ilen, "[%s, %s]", a, b);
	} else if (!less && rlo >= 1) {
		pct(a, sizeof(a), rlo - 1);
		pct(b, sizeof(b), rhi - 1);
		snprintf(iv, ilen, "[%s, %s]", a, b);
	} else {
		/* the interval holds no difference: each end says its direction,
		 * from the statement's opposite to the statement's side */
		pct(a, sizeof(a), less ? rhi - 1 : 1 - rlo);
		pct(b, sizeof(b), less ? 1 - rlo : rhi - 1);
		snprintf(iv, ilen, "[%s %s, %s %s]", a, less ? w->more : w->less, b,
			 less ? w->less : w->more);
	}
}

char *effect_phrase(char *buf, size_t len, int m, double ratio, double rlo, double rhi)
{
	char what[160], iv[96];

	words_of(m, ratio, rlo, rhi, what, sizeof(what), iv, sizeof(iv));
	snprintf(buf, len, "%s%s%s", what, *iv ? " " : "", iv);
	return buf;
}

char *effect_sentence(char *buf, size_t len, const char *a, const char *b, int m, const struct effect *e)
{
	char what[160], iv[96];

	words_of(m, e->ratio, e->rlo, e->rhi, what, sizeof(what), iv, sizeof(iv));
	snprintf(buf, len, "%s %s %s than %s%s%s", a, effect_words_of(m)->verb, what, b, *iv ? " " : "", iv);
	return buf;
}
