#include "sca_rules.h"

#include "util/json_strict.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <string.h>

static bool all_strings(const cJSON *arr)
{
	const cJSON *it;

	if (!cJSON_IsArray(arr))
		return false;
	cJSON_ArrayForEach (it, arr) {
		if (!cJSON_IsString(it))
			return false;
	}
	return true;
}

static bool parse_list(const char *text, size_t len, sca_strings *out)
{
	cJSON *parsed = NULL;

	if (json_parse_strict(text, len, &parsed, NULL) != AR_OK)
		return false;
	if (!all_strings(parsed)) {
		cJSON_Delete(parsed);
		return false;
	}
	out->items = out->owned = parsed;
	return true;
}

/* The first piece starts with the list's own "[": no registry key or rule
 * does. */
static bool is_pieces(const cJSON *arr)
{
	const char *s = arr->child ? arr->child->valuestring : "";

	while (isspace((unsigned char)*s))
		s++;
	return *s == '[';
}

/* The agent cut the JSON text at each comma and trimmed the pieces; joined
 * with commas again it parses (a rule holding ", " would lose the space,
 * which no rule this program reads does). */
static bool join_pieces(const cJSON *arr, sca_strings *out)
{
	strbuf sb = {0};
	const cJSON *it;
	bool ok;

	cJSON_ArrayForEach (it, arr) {
		if (it != arr->child)
			strbuf_add(&sb, ",", 1);
		strbuf_adds(&sb, it->valuestring);
	}
	ok = strbuf_status(&sb) == AR_OK && sb.buf != NULL && parse_list(sb.buf, sb.len, out);
	strbuf_free(&sb);
	return ok;
}

bool sca_strings_read(const cJSON *v, sca_strings *out)
{
	memset(out, 0, sizeof(*out));
	if (cJSON_IsString(v))
		return parse_list(v->valuestring, strlen(v->valuestring), out);
	if (!all_strings(v))
		return false;
	if (is_pieces(v))
		return join_pieces(v, out);
	out->items = v;
	return true;
}

void sca_strings_free(sca_strings *s)
{
	cJSON_Delete(s->owned);
	memset(s, 0, sizeof(*s));
}

static bool copy_trimmed(const char *s, size_t n, char *dst, size_t cap)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= cap)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/* As the agent reads a rule: an optional "not " (or "NOT "), the type
 * "r:", then parts separated by " -> "; the last part keeps any further
 * arrows. */
sca_rule_kind sca_registry_rule_parse(const char *rule, sca_registry_rule *out)
{
	char *const parts[] = {out->key, out->value, out->data};
	const size_t caps[] = {sizeof(out->key), sizeof(out->value), sizeof(out->data)};

	memset(out, 0, sizeof(*out));
	while (isspace((unsigned char)*rule))
		rule++;
	if (strncmp(rule, "not ", 4) == 0 || strncmp(rule, "NOT ", 4) == 0) {
		out->negated = true;
		rule += 4;
	}
	if (strncmp(rule, "r:", 2) != 0)
		return SCA_RULE_OTHER;
	rule += 2;
	for (size_t i = 0; i < 3; i++) {
		const char *arrow = i < 2 ? strstr(rule, " -> ") : NULL;
		size_t n = arrow ? (size_t)(arrow - rule) : strlen(rule);

		if (!copy_trimmed(rule, n, parts[i], caps[i]))
			return SCA_RULE_TOO_LONG;
		if (arrow == NULL)
			break;
		rule = arrow + 4;
	}
	return SCA_RULE_REGISTRY;
}
