/* Secrets (passwords, tokens) are wiped before their memory is given back,
 * in a way the compiler may not drop as a dead store. */
#ifndef SECRET_H
#define SECRET_H

#include <stddef.h>

/* Zeroes len bytes at p. */
void secret_wipe(void *p, size_t len);

/* Wipes a NUL-terminated secret and frees it; NULL is fine. */
void secret_free(char *s);

#endif
