#include "report/api_items.h"

#include "util/json_strict.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_MAX 1e9

static const cJSON *failed_items(const cJSON *root)
{
	return json_get_array(json_get_object(root, "data"), "failed_items");
}

/* Whether the entry's "id" list names id. */
static bool lists(const cJSON *entry, const char *id)
{
	const cJSON *it;
	char num[32];

	cJSON_ArrayForEach (it, json_get_array(entry, "id")) {
		if (cJSON_IsString(it) && strcmp(it->valuestring, id) == 0)
			return true;
		if (cJSON_IsNumber(it) && json_whole_number(it, 0, CODE_MAX, NULL)) {
			snprintf(num, sizeof(num), "%.0f", it->valuedouble);
			if (strcmp(num, id) == 0)
				return true;
		}
	}
	return false;
}

static long entry_code(const cJSON *entry)
{
	long long c = 0;
	const cJSON *code =
	        cJSON_GetObjectItemCaseSensitive(json_get_object(entry, "error"), "code");

	return json_whole_number(code, 1, CODE_MAX, &c) ? (long)c : -1;
}

long api_items_failed_code(const cJSON *root, const char *id)
{
	const cJSON *entry;

	cJSON_ArrayForEach (entry, failed_items(root)) {
		if (lists(entry, id))
			return entry_code(entry);
	}
	return 0;
}

static void keep_message(const cJSON *entry, api_failure *out)
{
	const char *msg = json_get_string(json_get_object(entry, "error"), "message");
	char *cut = text_cut(msg, API_ITEMS_MESSAGE_MAX);
	strbuf sb = {0};

	out->message[0] = '\0';
	if (cut == NULL)
		return;
	text_add_for_terminal(&sb, cut);
	if (sb.buf != NULL)
		snprintf(out->message, sizeof(out->message), "%s", sb.buf);
	strbuf_free(&sb);
	free(cut);
}

bool api_items_failed(const cJSON *root, api_failure *out)
{
	const cJSON *items = failed_items(root), *entry;
	const cJSON *total = cJSON_GetObjectItemCaseSensitive(json_get_object(root, "data"),
	                                                      "total_failed_items");
	long long n = 0;
	size_t listed = 0;

	cJSON_ArrayForEach (entry, items)
		listed += (size_t)cJSON_GetArraySize(json_get_array(entry, "id"));
	if (!json_whole_number(total, 0, 1e12, &n) || (size_t)n < listed)
		n = (long long)listed;
	if (n == 0 && cJSON_GetArraySize(items) > 0)
		n = 1; /* an entry without ids still refuses */
	if (out != NULL) {
		memset(out, 0, sizeof(*out));
		out->count = (size_t)n;
		if (cJSON_GetArraySize(items) > 0) {
			out->code = entry_code(cJSON_GetArrayItem(items, 0));
			keep_message(cJSON_GetArrayItem(items, 0), out);
		}
	}
	return n > 0;
}

void api_failure_text(const api_failure *f, char *buf, size_t len)
{
	if (f->code > 0 && f->message[0] != '\0')
		snprintf(buf, len, "code %ld: %s", f->code, f->message);
	else if (f->code > 0)
		snprintf(buf, len, "code %ld", f->code);
	else
		snprintf(buf, len, "no reason given");
}
