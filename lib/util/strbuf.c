#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(strbuf *sb, size_t more)
{
	size_t need, cap;
	char *nb;

	if (sb->failed)
		return false;
	if (more > ((size_t)-1) / 2 - sb->len) {
		sb->failed = true;
		return false;
	}
	need = sb->len + more + 1;
	if (need <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	nb = realloc(sb->buf, cap);
	if (nb == NULL) {
		sb->failed = true;
		return false;
	}
	sb->buf = nb;
	sb->cap = cap;
	return true;
}

void strbuf_add(strbuf *sb, const void *data, size_t len)
{
	if (!grow(sb, len))
		return;
	if (len > 0)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_adds(strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if (!grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *strbuf_take(strbuf *sb, size_t *len)
{
	char *r;

	/* An empty buffer is still a string. */
	if (!sb->failed && sb->buf == NULL && grow(sb, 0))
		sb->buf[0] = '\0';
	if (sb->failed) {
		strbuf_free(sb);
		return NULL;
	}
	r = sb->buf;
	if (len != NULL)
		*len = sb->len;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return r;
}

void strbuf_free(strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
}
