#include "util/json_strict.h"

#include <stdlib.h>
#include <string.h>

bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Objects this small are compared pair by pair, with no allocation. */
#define FEW_KEYS 16

static const char *key_of(const cJSON *c)
{
	return c->string ? c->string : "";
}

/* Sorting the names keeps a hostile object with many keys O(n log n). */
static bool object_has_duplicate(const cJSON *obj, bool *nomem)
{
	size_t n = 0, i = 0;
	const char **names;
	bool dup = false;

	for (const cJSON *c = obj->child; c != NULL; c = c->next)
		n++;
	if (n < 2)
		return false;
	if (n <= FEW_KEYS) {
		for (const cJSON *a = obj->child; a != NULL && !dup; a = a->next)
			for (const cJSON *b = a->next; b != NULL && !dup; b = b->next)
				dup = strcmp(key_of(a), key_of(b)) == 0;
		return dup;
	}
	names = malloc(n * sizeof(*names));
	if (names == NULL) {
		*nomem = true;
		return true;
	}
	for (const cJSON *c = obj->child; c != NULL; c = c->next)
		names[i++] = key_of(c);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 1; i < n && !dup; i++)
		dup = strcmp(names[i - 1], names[i]) == 0;
	free(names);
	return dup;
}

static bool has_duplicate_keys(const cJSON *node, bool *nomem)
{
	if (cJSON_IsObject(node) && object_has_duplicate(node, nomem))
		return true;
	for (const cJSON *c = node->child; c != NULL; c = c->next) {
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && has_duplicate_keys(c, nomem))
			return true;
	}
	return false;
}

ar_status json_parse_strict(const char *text, size_t len, cJSON **out, ar_error *err)
{
	const char *end = NULL;
	bool nomem = false;
	cJSON *root;

	*out = NULL;
	if (memchr(text, '\0', len) != NULL)
		return ar_error_set(err, AR_E_INVALID, "input contains a NUL byte");
	if (!utf8_valid((const unsigned char *)text, len))
		return ar_error_set(err, AR_E_INVALID, "input is not valid UTF-8");
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (root == NULL) {
		size_t at = (end != NULL && end >= text) ? (size_t)(end - text) : 0;
		return ar_error_set(err, AR_E_INVALID, "not valid JSON (near byte %zu)", at);
	}
	while (end != NULL && (size_t)(end - text) < len &&
	       (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end == NULL || (size_t)(end - text) != len) {
		cJSON_Delete(root);
		return ar_error_set(err, AR_E_INVALID, "unexpected data after the JSON value");
	}
	if (has_duplicate_keys(root, &nomem)) {
		cJSON_Delete(root);
		if (nomem)
			return ar_error_set(err, AR_E_NOMEM, "out of memory checking keys");
		return ar_error_set(err, AR_E_INVALID, "an object has the same key twice");
	}
	*out = root;
	return AR_OK;
}

/* An upper bound of the values (a value follows each ',' and may follow
 * each '[' and '{'), and the deepest nesting, outside strings. */
static ar_status check_counts(const char *text, size_t len, const json_limits *lim, ar_error *err)
{
	size_t values = 1;
	unsigned depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"')
			in_string = true;
		else if ((c == '[' || c == '{') && ++depth > lim->max_depth)
			return ar_error_set(err, AR_E_TOO_LARGE, "JSON nested deeper than %u",
			                    lim->max_depth);
		else if ((c == ']' || c == '}') && depth > 0)
			depth--;
		if ((c == ',' || c == '[' || c == '{') && ++values > lim->max_values)
			return ar_error_set(err, AR_E_TOO_LARGE, "JSON with more than %zu values",
			                    lim->max_values);
	}
	return AR_OK;
}

ar_status json_parse_limited(const char *text, size_t len, const json_limits *lim, cJSON **out,
                             ar_error *err)
{
	ar_status st = check_counts(text, len, lim, err);

	*out = NULL;
	return st != AR_OK ? st : json_parse_strict(text, len, out, err);
}

const cJSON *json_get_object(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsObject(v) ? v : NULL;
}

const cJSON *json_get_array(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsArray(v) ? v : NULL;
}

const char *json_get_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool json_whole_number(const cJSON *v, double min, double max, long long *out)
{
	double d;
	long long n;

	if (!cJSON_IsNumber(v))
		return false;
	d = v->valuedouble;
	/* NaN fails both comparisons; inside the range the cast is defined. */
	if (!(d >= min && d <= max))
		return false;
	n = (long long)d;
	if ((double)n != d)
		return false;
	if (out != NULL)
		*out = n;
	return true;
}
