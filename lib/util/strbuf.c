#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool fail(strbuf *sb, bool over_max)
{
	sb->failed = true;
	sb->over_max = over_max;
	return false;
}

static bool grow(strbuf *sb, size_t more)
{
	size_t need, cap;
	char *nb;

	if (sb->failed)
		return false;
	if (sb->max != 0 && (more > sb->max || sb->len > sb->max - more))
		return fail(sb, true);
	if (more > ((size_t)-1) / 2 - sb->len)
		return fail(sb, false);
	need = sb->len + more + 1;
	if (need <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	/* A capped buffer never allocates past its cap (and the terminator). */
	if (sb->max != 0 && cap > sb->max + 1)
		cap = sb->max + 1;
	nb = realloc(sb->buf, cap);
	if (nb == NULL)
		return fail(sb, false);
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

void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		fail(sb, false);
	else if (grow(sb, (size_t)n)) {
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, again);
		sb->len += (size_t)n;
	}
	va_end(again);
}

void strbuf_addf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_drop_front(strbuf *sb, size_t n)
{
	if (n > sb->len)
		n = sb->len;
	if (n == 0)
		return;
	memmove(sb->buf, sb->buf + n, sb->len - n);
	sb->len -= n;
	sb->buf[sb->len] = '\0';
}

ar_status strbuf_status(const strbuf *sb)
{
	if (!sb->failed)
		return AR_OK;
	return sb->over_max ? AR_E_TOO_LARGE : AR_E_NOMEM;
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
	sb->failed = sb->over_max = false;
}
