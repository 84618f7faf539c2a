/* cJSON with the checks an untrusted input needs and cJSON leaves out:
 * no NUL byte inside, valid UTF-8, nothing after the value, and no object
 * with the same key twice at any depth (two readers could disagree on it). */
#ifndef JSON_STRICT_H
#define JSON_STRICT_H

#include "util/ar_error.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

ar_status json_parse_strict(const char *text, size_t len, cJSON **out, ar_error *err);

/* What a text from a server may cost once parsed: cJSON allocates a node
 * (some 80 bytes) per value, so 16 MiB of "[0,0,..." would take 700 MB. */
typedef struct json_limits {
	size_t max_values;  /* members, items and the root together */
	unsigned max_depth; /* arrays and objects within each other */
} json_limits;

/* json_parse_strict, after a count of the text's values and nesting (a
 * scan that allocates nothing) within lim: more is refused before cJSON
 * allocates anything (AR_E_TOO_LARGE, saying which limit). The tree then
 * costs at most len bytes of text plus max_values nodes. */
ar_status json_parse_limited(const char *text, size_t len, const json_limits *lim, cJSON **out,
                             ar_error *err);

/* True when buf[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const unsigned char *buf, size_t len);

/* Object member lookups that accept only one JSON type; NULL otherwise. */
const cJSON *json_get_object(const cJSON *obj, const char *key);
const cJSON *json_get_array(const cJSON *obj, const char *key);
const char *json_get_string(const cJSON *obj, const char *key);

/* True when v is a JSON number holding a whole value in [min, max] (both
 * below 2^53, so exact as doubles); the value is stored in *out when out is
 * not NULL. */
bool json_whole_number(const cJSON *v, double min, double max, long long *out);

#endif
