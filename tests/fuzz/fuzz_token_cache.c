/* The cached login token as the client reads it back from the spool
 * ("<exp>\n<token>\n"): no crash, no leak; a token kept is one line, never
 * empty, its expiry a time in range, and what the client would write for it
 * reads back the same. */
#include "report/api_client.h"
#include "util/secret.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *token = NULL, *again = NULL, *line;
	long long exp = 0, exp2 = 0;
	ar_error err = {0};
	size_t n;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (api_token_cache_parse(text, &token, &exp, &err) != AR_OK) {
		if (err.msg[0] == '\0' || token != NULL)
			abort();
		free(text);
		return 0;
	}
	if (token[0] == '\0' || strpbrk(token, "\r\n") != NULL)
		abort(); /* one line, headed for an Authorization header */
	if (exp <= 0 || exp >= 1000000000000000LL)
		abort(); /* a time the client can count with (less its margin) */
	n = (size_t)snprintf(NULL, 0, "%lld\n%s\n", exp, token) + 1;
	line = malloc(n);
	if (line == NULL)
		abort();
	snprintf(line, n, "%lld\n%s\n", exp, token);
	if (api_token_cache_parse(line, &again, &exp2, &err) != AR_OK || exp2 != exp ||
	    strcmp(again, token) != 0)
		abort();
	free(line);
	secret_free(again);
	secret_free(token);
	free(text);
	return 0;
}
