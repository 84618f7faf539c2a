/* A growable byte buffer, optionally capped: one failure (no memory, or an
 * add that would pass the cap) makes it sticky-failed so callers check once
 * at the end, and strbuf_status tells the two apart. It also holds arrays
 * of any element type (the storage is malloc'ed, so suitably aligned). */
#ifndef STRBUF_H
#define STRBUF_H

#include "util/ar_error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
	char *buf;
	size_t len;
	size_t cap;    /* bytes allocated */
	size_t max;    /* the most len may reach; 0: no cap. Kept by take and free */
	bool failed;   /* an add failed: nothing more is added */
	bool over_max; /* it failed because of max, not for want of memory */
} strbuf;

/* A buffer that refuses to hold more than max bytes. */
#define STRBUF_CAPPED(limit) ((strbuf){.max = (limit)})

void strbuf_add(strbuf *sb, const void *data, size_t len);
void strbuf_adds(strbuf *sb, const char *s);
void strbuf_addf(strbuf *sb, const char *fmt, ...) AR_PRINTF(2, 3);
void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap) AR_PRINTF(2, 0);

/* Removes the first n bytes (all of them when n passes len), as a reader
 * does with what it has taken. */
void strbuf_drop_front(strbuf *sb, size_t n);

/* AR_OK, AR_E_TOO_LARGE (an add would have passed max) or AR_E_NOMEM. */
ar_status strbuf_status(const strbuf *sb);

/* Hands the NUL-terminated buffer to the caller (NULL if anything failed). */
char *strbuf_take(strbuf *sb, size_t *len);
void strbuf_free(strbuf *sb);

#endif
