#include "util/text.h"

#include "util/json_strict.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *text_dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		if (n > 0)
			memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

bool text_equal_ci_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (text_lower(a[i]) != text_lower(b[i]))
			return false;
		if (a[i] == '\0')
			return true;
	}
	return true;
}

bool text_equal_ci(const char *a, const char *b)
{
	return text_equal_ci_n(a, b, (size_t)-1);
}

char *text_cut(const char *s, size_t cap)
{
	strbuf sb = {0};

	if (s == NULL)
		return NULL;
	text_add_echoed(&sb, s, cap);
	return strbuf_take(&sb, NULL);
}

bool text_is_digits(const char *s, size_t max)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		if (n == max || s[n] < '0' || s[n] > '9')
			return false;
	}
	return n > 0;
}

/* The length of the UTF-8 character at p (1 to 4), 0 when p does not start
 * one (a stray or cut byte, an overlong form, a surrogate). */
static size_t char_len(const unsigned char *p)
{
	size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;

	for (size_t i = 1; i < n; i++)
		if (p[i] == '\0')
			return 0;
	return utf8_valid(p, n) ? n : 0;
}

/* One character (n bytes at p, 0: one byte that is not one) as echoed. */
static void add_char(strbuf *sb, const unsigned char *p, size_t n)
{
	if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)))
		strbuf_addf(sb, "\\x%02x", *p);
	else if (n == 2 && *p == 0xc2 && p[1] <= 0x9f) /* C1: U+0080..U+009F */
		strbuf_addf(sb, "\\u00%02x", p[1]);
	else
		strbuf_add(sb, p, n);
}

void text_add_echoed(strbuf *sb, const char *s, size_t cap)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "?");
	size_t mark = sizeof(TEXT_CUT_MARK) - 1;
	size_t start = sb->len, keep = cap > mark ? cap - mark : 0, fit = start;

	while (*p != '\0' && !sb->failed && sb->len - start <= cap) {
		size_t n = char_len(p);
		add_char(sb, p, n);
		p += n ? n : 1;
		if (sb->len - start <= keep)
			fit = sb->len; /* a whole character (or escape) ends here */
	}
	if (sb->failed || sb->len - start <= cap)
		return;
	/* Cut after the last whole character that leaves room for the mark. */
	sb->len = fit;
	sb->buf[fit] = '\0';
	strbuf_adds(sb, TEXT_CUT_MARK);
}

const char *text_shown(char *buf, size_t size, const char *s)
{
	strbuf sb = {0};

	if (size == 0)
		return buf;
	text_add_echoed(&sb, s, size - 1);
	/* An empty field is shown empty; only no memory shows "?". */
	snprintf(buf, size, "%s", sb.failed ? "?" : sb.buf != NULL ? sb.buf : "");
	strbuf_free(&sb);
	return buf;
}

void text_add_for_terminal(strbuf *sb, const char *s)
{
	text_add_echoed(sb, s, SIZE_MAX);
}
