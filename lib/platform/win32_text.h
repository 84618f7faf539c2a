/* UTF-8 <-> UTF-16 for the Windows backends (platform_win32.c has them;
 * registry_win32.c uses them too). Windows builds only. */
#ifndef WIN32_TEXT_H
#define WIN32_TEXT_H

#include <wchar.h>

/* NULL for invalid UTF-8 or no memory; caller frees. */
wchar_t *win32_to_wide(const char *s);
char *win32_to_utf8(const wchar_t *w);

#endif
