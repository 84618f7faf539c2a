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
