#include "util/text.h"

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
	size_t n = s != NULL ? strnlen(s, cap + 1) : 0;
	char *d;

	if (s == NULL || n <= cap)
		return s != NULL ? text_dup_n(s, n) : NULL;
	n = cap > sizeof(TEXT_CUT_MARK) ? cap - (sizeof(TEXT_CUT_MARK) - 1) : 0;
	/* Back to the first byte of a character: never half of one. */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	if ((d = malloc(n + sizeof(TEXT_CUT_MARK))) != NULL) {
		memcpy(d, s, n);
		memcpy(d + n, TEXT_CUT_MARK, sizeof(TEXT_CUT_MARK));
	}
	return d;
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

void text_add_for_terminal(strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "?");
	const unsigned char *run = p;

	for (; *p != '\0'; p++) {
		bool c0 = *p < 0x20 || *p == 0x7f;
		bool c1 = *p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
		if (!c0 && !c1)
			continue;
		strbuf_add(sb, run, (size_t)(p - run));
		if (c0)
			strbuf_addf(sb, "\\x%02x", *p);
		else
			strbuf_addf(sb, "\\u00%02x", *++p);
		run = p + 1;
	}
	strbuf_add(sb, run, (size_t)(p - run));
}
