/* The "api" block that the reporter's and the sweep's configuration files
 * share (where the Wazuh server API is and how to log in), and the strict
 * readers every configuration goes through (the reporter's, the sweep's,
 * the history's settings): the file read with a cap and parsed as a JSON
 * object, its members checked; unknown keys and wrong types are errors
 * that name the key. */
#ifndef API_CONFIG_H
#define API_CONFIG_H

#include "util/ar_error.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct api_settings {
	char *url; /* base URL, no trailing '/' */
	char *user;
	char *password; /* secret: never printed; wiped when freed */
	char *ca_file;  /* NULL: the system's trust store */
	char *proxy;    /* NULL: no proxy, whatever the environment says */
	long timeout_seconds;
	bool allow_plain_http;
	bool password_inline; /* api.password: its file is the configuration */
} api_settings;

/* Reads the block (url, user, password or password_file, ca_file, proxy,
 * timeout_seconds, allow_plain_http) into s. s->allow_plain_http may be set
 * by the caller beforehand (a top-level switch); the block can only turn it
 * on. Errors name the key as "api.<key>". */
ar_status api_settings_parse(const cJSON *api, api_settings *s, ar_error *err);

/* Where the password stands in the configuration itself, that file must
 * be as private as a password file (the one rule for secrets); the
 * readers of a configuration file call this with its path once parsed. */
ar_status api_settings_check_source(const api_settings *s, const char *config_path, ar_error *err);

/* Frees the members (the password wiped first) and zeroes s. */
void api_settings_clear(api_settings *s);

/* Reads the configuration file at path (at most 64 KiB) into *text (NUL
 * after the end; caller frees); errors say "configuration PATH: ". */
ar_status config_read(const char *path, char **text, size_t *len, ar_error *err);

/* What config_load hands a configuration file's text to. */
typedef ar_status (*config_parse_fn)(const char *text, size_t len, void *ctx, ar_error *err);

/* Reads the configuration file at path (at most 64 KiB) and hands its text
 * to parse; every error, reading or parsing, says "configuration PATH: ". */
ar_status config_load(const char *path, config_parse_fn parse, void *ctx, ar_error *err);

/* The text strictly parsed, as the JSON object every configuration is;
 * the caller deletes *root. */
ar_status config_parse_object(const char *text, size_t len, cJSON **root, ar_error *err);

/* The members of obj must all be in allowed (NULL-terminated); where
 * prefixes the key in messages ("api."). */
ar_status config_check_keys(const cJSON *obj, const char *where, const char *const *allowed,
                            ar_error *err);

/* A non-empty string member, copied into *out (NULL when absent and not
 * required). */
ar_status config_get_string(const cJSON *obj, const char *key, const char *where, bool required,
                            char **out, ar_error *err);

/* A true/false member; *out is left as it is when absent. */
ar_status config_get_bool(const cJSON *obj, const char *key, const char *where, bool *out,
                          ar_error *err);

/* A whole-number member within [lo, hi]; *out is left as it is when
 * absent. */
ar_status config_get_int(const cJSON *obj, const char *key, const char *where, double lo, double hi,
                         long *out, ar_error *err);

#endif
