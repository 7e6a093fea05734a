/* runs_units: file sizes as people write them (see runs.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "runs.h"

void runs_size_str(long b, char *buf, size_t len)
{
	if (b >= 1048576 && b % 1048576 == 0)
		snprintf(buf, len, "%ld MiB", b / 1048576);
	else if (b >= 1024 && b % 1024 == 0)
		snprintf(buf, len, "%ld KiB", b / 1024);
	else if (b >= 1048576)
		snprintf(buf, len, "%.1f MiB", b / 1048576.0);
	else if (b >= 1024)
		snprintf(buf, len, "%.1f KiB", b / 1024.0);
	else
		snprintf(buf, len, "%ld B", b);
}

int runs_parse_size(const char *s, long *bytes)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	if (!strcasecmp(end, "k") || !strcasecmp(end, "kib") || !strcasecmp(end, "kb"))
		v *= 1024;
	else if (!strcasecmp(end, "m") || !strcasecmp(end, "mib") || !strcasecmp(end, "mb"))
		v *= 1048576;
	else if (!strcasecmp(end, "g") || !strcasecmp(end, "gib") || !strcasecmp(end, "gb"))
		v *= 1073741824.0;
	else if (*end && strcasecmp(end, "b"))
		return -EINVAL;
	*bytes = (long)v;
	return 0;
}
