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
