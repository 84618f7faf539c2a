/* A growable byte buffer; one allocation failure makes it sticky-failed so
 * callers check once at the end. */
#ifndef STRBUF_H
#define STRBUF_H

#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool failed;
} strbuf;

void strbuf_add(strbuf *sb, const void *data, size_t len);
void strbuf_adds(strbuf *sb, const char *s);
void strbuf_addf(strbuf *sb, const char *fmt, ...) AR_PRINTF(2, 3);
/* Hands the NUL-terminated buffer to the caller (NULL if anything failed). */
char *strbuf_take(strbuf *sb, size_t *len);
void strbuf_free(strbuf *sb);

#endif
