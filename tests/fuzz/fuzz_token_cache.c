/* The cached login token as the client reads it back from the spool
 * ("<exp>\n<token>\n<binding>\n"): no crash, no leak; a token kept is one
 * line, never empty, its expiry a time in range; it is taken only for the
 * binding (server and user) its file names, and what the client would
 * write for it reads back the same. */
#include "report/api_client.h"
#include "util/secret.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input's third line (the binding it claims), or a fixed one. */
static char *claimed_binding(const char *text)
{
	const char *p = text;
	size_t n;
	char *b;

	for (int line = 0; line < 2 && p != NULL; line++)
		p = (p = strchr(p, '\n')) != NULL ? p + 1 : NULL;
	if (p == NULL)
		p = "https%3A%2F%2Fh%3A55000 u\n";
	n = strcspn(p, "\r\n");
	b = malloc(n + 1);
	if (b == NULL)
		abort();
	memcpy(b, p, n);
	b[n] = '\0';
	return b;
}

static void must_refuse_other(const char *text, const char *bound)
{
	char *token = NULL;
	long long exp = 0;
	size_t n = strlen(bound) + 2;
	char *other = malloc(n);

	if (other == NULL)
		abort();
	snprintf(other, n, "%sx", bound);
	if (api_token_cache_parse(text, other, &token, &exp, NULL) == AR_OK)
		abort(); /* a token goes to no other server or user */
	free(other);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *token = NULL, *again = NULL, *line, *bound;
	long long exp = 0, exp2 = 0;
	ar_error err = {0};

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	bound = claimed_binding(text);
	if (api_token_cache_parse(text, bound, &token, &exp, &err) != AR_OK) {
		if (err.msg[0] == '\0' || token != NULL)
			abort();
		free(bound);
		free(text);
		return 0;
	}
	must_refuse_other(text, bound);
	if (token[0] == '\0' || strpbrk(token, "\r\n") != NULL)
		abort(); /* one line, headed for an Authorization header */
	if (exp <= 0 || exp >= 1000000000000000LL)
		abort(); /* a time the client can count with (less its margin) */
	line = api_token_cache_text(token, exp, bound);
	if (line == NULL)
		abort();
	if (api_token_cache_parse(line, bound, &again, &exp2, &err) != AR_OK || exp2 != exp ||
	    strcmp(again, token) != 0)
		abort();
	secret_free(line);
	secret_free(again);
	secret_free(token);
	free(bound);
	free(text);
	return 0;
}
