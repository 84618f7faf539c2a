/* The Wazuh server API's "affected items" answers, as every caller reads
 * them: an answer may be HTTP 200 and still refuse what was asked, item by
 * item, in data.failed_items ([{"error": {"code", "message"}, "id": [...]}],
 * with data.total_failed_items counting them). A caller never takes a 200
 * for success without asking here. Nothing in an answer is trusted for its
 * size or shape: what is echoed is cut and escaped for a terminal. */
#ifndef API_ITEMS_H
#define API_ITEMS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define API_ITEMS_MESSAGE_MAX 160 /* bytes of the API's message kept, before escaping */

typedef struct api_failure {
	size_t count; /* items refused: data.total_failed_items, else the ids listed */
	long code;    /* the first entry's error.code (the API's own, e.g. 4009); 0: none */
	char message[4 * API_ITEMS_MESSAGE_MAX + 8]; /* its error.message, cut, escaped */
} api_failure;

/* Whether the parsed answer refuses anything (data.failed_items not empty,
 * or data.total_failed_items above 0); *out says what, when out is not
 * NULL. An answer without data refuses nothing here: the caller looks at
 * what it expected in affected_items. */
bool api_items_failed(const cJSON *root, api_failure *out);

/* The code data.failed_items gives id (listed as a string or a number),
 * 0 when it does not list it, -1 when it lists it without a readable code. */
long api_items_failed_code(const cJSON *root, const char *id);

/* "code 4009: The specified name or policy already exists" into buf, or
 * "no reason given" when f names none. */
void api_failure_text(const api_failure *f, char *buf, size_t len);

#endif
