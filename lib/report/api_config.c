#include "report/api_config.h"

#include "platform/platform.h"
#include "util/json_strict.h"
#include "util/secret.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET_MAX_BYTES 4096u
#define CONFIG_MAX_BYTES (64u * 1024u)

ar_status config_read(const char *path, char **text, size_t *len, ar_error *err)
{
	unsigned char *data = NULL;
	ar_status st = platform_read_file(path, CONFIG_MAX_BYTES, &data, len, err);

	*text = (char *)data;
	return st == AR_OK ? AR_OK : ar_error_prefix(err, st, "configuration %s", path);
}

ar_status config_load(const char *path, config_parse_fn parse, void *ctx, ar_error *err)
{
	char *text = NULL;
	size_t len = 0;
	ar_status st = config_read(path, &text, &len, err);

	if (st == AR_OK && (st = parse(text, len, ctx, err)) != AR_OK)
		ar_error_prefix(err, st, "configuration %s", path);
	free(text);
	return st;
}

ar_status config_parse_object(const char *text, size_t len, cJSON **root, ar_error *err)
{
	ar_status st = json_parse_strict(text, len, root, err);

	if (st == AR_OK && !cJSON_IsObject(*root)) {
		cJSON_Delete(*root);
		*root = NULL;
		st = ar_error_set(err, AR_E_INVALID, "the configuration must be a JSON object");
	}
	return st;
}

ar_status config_check_keys(const cJSON *obj, const char *where, const char *const *allowed,
                            ar_error *err)
{
	const cJSON *it;
	char shown[65];

	cJSON_ArrayForEach (it, obj) {
		bool known = false;
		for (size_t i = 0; allowed[i] != NULL && !known; i++)
			known = strcmp(it->string, allowed[i]) == 0;
		if (!known)
			return ar_error_set(err, AR_E_INVALID, "unknown key %s%s", where,
			                    text_shown(shown, sizeof(shown), it->string));
	}
	return AR_OK;
}

ar_status config_get_string(const cJSON *obj, const char *key, const char *where, bool required,
                            char **out, ar_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (v == NULL)
		return required ? ar_error_set(err, AR_E_INVALID, "missing key %s%s", where, key)
		                : AR_OK;
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return ar_error_set(err, AR_E_INVALID, "%s%s must be a non-empty string", where,
		                    key);
	*out = strdup(v->valuestring);
	return *out ? AR_OK : ar_error_set(err, AR_E_NOMEM, "out of memory");
}

ar_status config_get_bool(const cJSON *obj, const char *key, const char *where, bool *out,
                          ar_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL)
		return AR_OK;
	if (!cJSON_IsBool(v))
		return ar_error_set(err, AR_E_INVALID, "%s%s must be true or false", where, key);
	*out = cJSON_IsTrue(v);
	return AR_OK;
}

ar_status config_get_int(const cJSON *obj, const char *key, const char *where, double lo, double hi,
                         long *out, ar_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL)
		return AR_OK;
	/* Range first: converting an out-of-range double to long is undefined. */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi) ||
	    v->valuedouble != (double)(long)v->valuedouble)
		return ar_error_set(err, AR_E_INVALID,
		                    "%s%s must be a whole number from %.0f to %.0f", where, key, lo,
		                    hi);
	*out = (long)v->valuedouble;
	return AR_OK;
}

/* The one rule for a file holding a secret (a password file, or the
 * configuration holding api.password): readable by its owner only (on
 * Windows: SYSTEM, Administrators and the account the program runs as), or
 * refused, named, with what to do (the platform's words). */
static ar_status check_secret_file(const char *path, const char *what, ar_error *err)
{
	bool private_file = false;
	char why[192] = "";
	ar_status st = platform_file_is_private(path, &private_file, why, sizeof(why), err);

	if (st != AR_OK)
		return ar_error_prefix(err, st, "%s", what);
	if (!private_file)
		return ar_error_set(err, AR_E_ACCESS,
		                    "%s %s is readable by others (%s): nothing is sent", what, path,
		                    why);
	return AR_OK;
}

ar_status api_settings_check_source(const api_settings *s, const char *config_path, ar_error *err)
{
	if (!s->password_inline)
		return AR_OK;
	return check_secret_file(config_path, "the configuration holding api.password", err);
}

/* Reads the password file, which must be private. */
static ar_status read_password_file(const char *path, api_settings *s, ar_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	ar_status st = check_secret_file(path, "api.password_file", err);

	if (st != AR_OK)
		return st;
	st = platform_read_file(path, SECRET_MAX_BYTES, &data, &len, err);
	if (st != AR_OK)
		return ar_error_prefix(err, st, "api.password_file");
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		data[--len] = '\0';
	if (len == 0 || memchr(data, '\0', len) != NULL) {
		secret_free((char *)data);
		return ar_error_set(err, AR_E_INVALID,
		                    "api.password_file holds no usable password");
	}
	s->password = (char *)data;
	return AR_OK;
}

static ar_status check_url(api_settings *s, ar_error *err)
{
	size_t n;

	if (strncmp(s->url, "https://", 8) != 0 &&
	    !(s->allow_plain_http && strncmp(s->url, "http://", 7) == 0))
		return ar_error_set(err, AR_E_INVALID,
		                    "api.url must start with https:// (http:// only with "
		                    "\"allow_plain_http\": true)");
	if (strpbrk(s->url, " \t\r\n?#") != NULL)
		return ar_error_set(err, AR_E_INVALID, "api.url must be a plain base URL");
	/* user:password@ would send a secret that no file rule guards and
	 * that every message naming the URL repeats: the URL is not quoted. */
	if (strchr(s->url, '@') != NULL)
		return ar_error_set(err, AR_E_INVALID,
		                    "api.url must not hold credentials (user:password@): use "
		                    "api.user and api.password_file");
	n = strlen(s->url);
	while (n > 0 && s->url[n - 1] == '/')
		s->url[--n] = '\0';
	return AR_OK;
}

/* A proxy is named in the configuration or not used at all: http:// or
 * https://, host and port, nothing the proxy's own login would need (a
 * secret no file rule guards). */
static ar_status check_proxy(const char *proxy, ar_error *err)
{
	if (proxy == NULL)
		return AR_OK;
	if (strncmp(proxy, "http://", 7) != 0 && strncmp(proxy, "https://", 8) != 0)
		return ar_error_set(err, AR_E_INVALID,
		                    "api.proxy must start with http:// or https://");
	if (strpbrk(proxy, " \t\r\n?#@") != NULL)
		return ar_error_set(err, AR_E_INVALID,
		                    "api.proxy must be a plain URL (scheme, host, port), without "
		                    "credentials");
	return AR_OK;
}

/* The members of the api block. */
static const char *const api_keys[] = {"url",     "user",  "password",        "password_file",
                                       "ca_file", "proxy", "timeout_seconds", "allow_plain_http",
                                       NULL};

ar_status api_settings_parse(const cJSON *api, api_settings *s, ar_error *err)
{
	char *password_file = NULL;
	ar_status st = cJSON_IsObject(api)
	                       ? config_check_keys(api, "api.", api_keys, err)
	                       : ar_error_set(err, AR_E_INVALID, "missing key api (an object)");

	if (s->timeout_seconds == 0)
		s->timeout_seconds = 10;
	if (st == AR_OK)
		st = config_get_string(api, "url", "api.", true, &s->url, err);
	if (st == AR_OK)
		st = config_get_string(api, "user", "api.", true, &s->user, err);
	if (st == AR_OK)
		st = config_get_string(api, "password", "api.", false, &s->password, err);
	if (st == AR_OK)
		st = config_get_string(api, "password_file", "api.", false, &password_file, err);
	if (st == AR_OK)
		st = config_get_string(api, "ca_file", "api.", false, &s->ca_file, err);
	if (st == AR_OK)
		st = config_get_string(api, "proxy", "api.", false, &s->proxy, err);
	if (st == AR_OK)
		st = check_proxy(s->proxy, err);
	if (st == AR_OK)
		st = config_get_int(api, "timeout_seconds", "api.", 1, 60, &s->timeout_seconds,
		                    err);
	if (st == AR_OK)
		st = config_get_bool(api, "allow_plain_http", "api.", &s->allow_plain_http, err);
	if (st == AR_OK && (s->password != NULL) == (password_file != NULL))
		st = ar_error_set(err, AR_E_INVALID,
		                  "api needs exactly one of password and password_file");
	s->password_inline = s->password != NULL;
	if (st == AR_OK && password_file != NULL)
		st = read_password_file(password_file, s, err);
	if (st == AR_OK)
		st = check_url(s, err);
	free(password_file);
	return st;
}

void api_settings_clear(api_settings *s)
{
	free(s->url);
	free(s->user);
	secret_free(s->password);
	free(s->ca_file);
	free(s->proxy);
	memset(s, 0, sizeof(*s));
}
