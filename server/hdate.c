/* hdate: HTTP date formatting and parsing without locale or libc tz state. */
#include "hdate.h"

#include <stdio.h>
#include <string.h>

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void hdate_format(time_t t, char *out)
{
	struct tm tm;

	int y;

	gmtime_r(&t, &tm);
	y = (tm.tm_year + 1900) % 10000;
	memcpy(out, days[tm.tm_wday], 3);
	memcpy(out + 3, ", 00 ", 5);
	out[5] = (char)('0' + tm.tm_mday / 10);
	out[6] = (char)('0' + tm.tm_mday % 10);
	memcpy(out + 8, months[tm.tm_mon], 3);
	out[11] = ' ';
	out[12] = (char)('0' + y / 1000);
	out[13] = (char)('0' + y / 100 % 10);
	out[14] = (char)('0' + y / 10 % 10);
	out[15] = (char)('0' + y % 10);
	out[16] = ' ';
	out[17] = (char)('0' + tm.tm_hour / 10);
	out[18] = (char)('0' + tm.tm_hour % 10);
	out[19] = ':';
	out[20] = (char)('0' + tm.tm_min / 10);
	out[21] = (char)('0' + tm.tm_min % 10);
	out[22] = ':';
	out[23] = (char)('0' + tm.tm_sec / 10);
	out[24] = (char)('0' + tm.tm_sec % 10);
	memcpy(out + 25, " GMT", 5);
}

static int month_of(const char *p)
{
	int i;

	for (i = 0; i < 12; i++)
		if (!memcmp(p, months[i], 3))
			return i;
	return -1;
}

/* days since 1970-01-01 of a civil date (Howard Hinnant's algorithm) */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

time_t hdate_parse(const char *p, size_t n)
{
	char buf[64], mon[4];
	int d, y, hh, mm, ss, m;
	char wd[16];

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	mon[3] = '\0';
	if (sscanf(buf, "%3s, %2d %3c %4d %2d:%2d:%2d GMT", wd, &d, mon, &y, &hh, &mm, &ss) == 7) {
		/* IMF-fixdate */
	} else if (sscanf(buf, "%15[A-Za-z], %2d-%3c-%2d %2d:%2d:%2d GMT", wd, &d, mon, &y, &hh, &mm, &ss) ==
		   7) {
		y += y < 70 ? 2000 : 1900; /* RFC 850 two-digit year */
	} else if (sscanf(buf, "%3s %3c %2d %2d:%2d:%2d %4d", wd, mon, &d, &hh, &mm, &ss, &y) == 7) {
		/* asctime */
	} else {
		return -1;
	}
	m = month_of(mon);
	if (m < 0 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 || y < 1970)
		return -1;
	return (time_t)(days_from_civil(y, (unsigned)m + 1, (unsigned)d) * 86400L + hh * 3600 + mm * 60 + ss);
}
