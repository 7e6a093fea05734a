/* hdate: HTTP dates (IMF-fixdate, RFC 9110 5.6.7). */
#ifndef WL_HDATE_H
#define WL_HDATE_H
#include <stddef.h>
#include <time.h>

#define HDATE_LEN 29 /* "Sun, 06 Nov 1994 08:49:37 GMT" */

/* hdate_format: write the IMF-fixdate of t into out (HDATE_LEN + 1 bytes). */
void hdate_format(time_t t, char *out);

/* hdate_parse: IMF-fixdate, RFC 850 or asctime form; -1 when invalid. */
time_t hdate_parse(const char *p, size_t n);

#endif
