/* mime: Content-Type by file extension. */
#ifndef WL_MIME_H
#define WL_MIME_H
#include <stddef.h>

/* mime_type: the media type for a path's extension; application/octet-stream
 * when unknown. The string is static. */
const char *mime_type(const char *path, size_t len);

#endif
