/* Text for the Windows backends (platform_win32.c, registry_win32.c):
 * UTF-8 <-> UTF-16 and the system's own words for an error code.
 * win32_text.c; Windows builds only. */
#ifndef WIN32_TEXT_H
#define WIN32_TEXT_H

#include <stddef.h>
#include <wchar.h>

/* NULL for invalid UTF-8 or no memory; caller frees. */
wchar_t *win32_to_wide(const char *s);
char *win32_to_utf8(const wchar_t *w);

/* What the system says about error code (FormatMessage), without the final
 * period and line break, into text ("" when it has nothing to say). */
void win32_error_text(unsigned long code, char *text, size_t len);

#endif
