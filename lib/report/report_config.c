#include "report/report_config.h"

#include "util/json_strict.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX_BYTES (64u * 1024u)
#define SECRET_MAX_BYTES 4096u

/* Secrets are wiped before their memory is given back. */
static void free_secret(char *s)
{
	if (s != NULL) {
		volatile char *p = s;
		while (*p)
			*p++ = 0;
		free(s);
	}
}

static ar_status check_keys(const cJSON *obj, const char *where, const char *const *allowed,
                            ar_error *err)
{
	const cJSON *it;
	cJSON_ArrayForEach (it, obj) {
		bool known = false;
		for (size_t i = 0; allowed[i] != NULL && !known; i++)
			known = strcmp(it->string, allowed[i]) == 0;
		if (!known)
			return ar_error_set(err, AR_E_INVALID, "unknown key %s%.64s", where,
			                    it->string);
	}
	return AR_OK;
}

static ar_status get_string(const cJSON *obj, const char *key, const char *where, bool required,
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

static ar_status get_bool(const cJSON *obj, const char *key, const char *where, bool *out,
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

static ar_status get_int(const cJSON *obj, const char *key, const char *where, double lo, double hi,
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

/* Reads the password file: owner-only on POSIX, or it is refused. */
static ar_status read_password_file(const char *path, report_config *cfg, ar_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	bool private_file = false;
	char why[128] = "";
	ar_status st = platform_file_is_private(path, &private_file, why, sizeof(why), err);

	if (st != AR_OK)
		return ar_error_prefix(err, st, "api.password_file");
	if (!private_file && platform_dir_sep() == '/')
		return ar_error_set(err, AR_E_ACCESS,
		                    "api.password_file %s is readable by others (%s): make it 0600",
		                    path, why);
	if (!private_file)
		snprintf(
		        cfg->warning, sizeof(cfg->warning),
		        "api.password_file is readable by more than Administrators and SYSTEM (%s)",
		        why);
	st = platform_read_file(path, SECRET_MAX_BYTES, &data, &len, err);
	if (st != AR_OK)
		return ar_error_prefix(err, st, "api.password_file");
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		data[--len] = '\0';
	if (len == 0 || memchr(data, '\0', len) != NULL) {
		free_secret((char *)data);
		return ar_error_set(err, AR_E_INVALID,
		                    "api.password_file holds no usable password");
	}
	cfg->password = (char *)data;
	return AR_OK;
}

static ar_status parse_api(const cJSON *api, report_config *cfg, ar_error *err)
{
	static const char *const keys[] = {"url",
	                                   "user",
	                                   "password",
	                                   "password_file",
	                                   "ca_file",
	                                   "timeout_seconds",
	                                   "allow_plain_http",
	                                   NULL};
	char *password_file = NULL;
	ar_status st = check_keys(api, "api.", keys, err);

	if (st == AR_OK)
		st = get_string(api, "url", "api.", true, &cfg->url, err);
	if (st == AR_OK)
		st = get_string(api, "user", "api.", true, &cfg->user, err);
	if (st == AR_OK)
		st = get_string(api, "password", "api.", false, &cfg->password, err);
	if (st == AR_OK)
		st = get_string(api, "password_file", "api.", false, &password_file, err);
	if (st == AR_OK)
		st = get_string(api, "ca_file", "api.", false, &cfg->ca_file, err);
	if (st == AR_OK)
		st = get_int(api, "timeout_seconds", "api.", 1, 60, &cfg->timeout_seconds, err);
	if (st == AR_OK)
		st = get_bool(api, "allow_plain_http", "api.", &cfg->allow_plain_http, err);
	if (st == AR_OK && (cfg->password != NULL) == (password_file != NULL))
		st = ar_error_set(err, AR_E_INVALID,
		                  "api needs exactly one of password and password_file");
	if (st == AR_OK && password_file != NULL)
		st = read_password_file(password_file, cfg, err);
	free(password_file);
	return st;
}

static ar_status check_url(report_config *cfg, ar_error *err)
{
	size_t n;

	if (strncmp(cfg->url, "https://", 8) != 0 &&
	    !(cfg->allow_plain_http && strncmp(cfg->url, "http://", 7) == 0))
		return ar_error_set(err, AR_E_INVALID,
		                    "api.url must start with https:// (http:// only with "
		                    "\"allow_plain_http\": true)");
	if (strpbrk(cfg->url, " \t\r\n?#") != NULL)
		return ar_error_set(err, AR_E_INVALID, "api.url must be a plain base URL");
	n = strlen(cfg->url);
	while (n > 0 && cfg->url[n - 1] == '/')
		cfg->url[--n] = '\0';
	return AR_OK;
}

static ar_status parse_root(const cJSON *root, const char *default_spool_dir, report_config *cfg,
                            ar_error *err)
{
	static const char *const keys[] = {
	        "api", "spool_dir", "allow_plain_http", "spool_max_events", "spool_max_bytes",
	        NULL};
	const cJSON *api = cJSON_GetObjectItemCaseSensitive(root, "api");
	long max_events = 10000, max_bytes = 50L * 1024 * 1024;
	ar_status st;

	if (!cJSON_IsObject(root))
		return ar_error_set(err, AR_E_INVALID, "the configuration must be a JSON object");
	st = check_keys(root, "", keys, err);
	if (st == AR_OK && !cJSON_IsObject(api))
		st = ar_error_set(err, AR_E_INVALID, "missing key api (an object)");
	if (st == AR_OK)
		st = get_bool(root, "allow_plain_http", "", &cfg->allow_plain_http, err);
	if (st == AR_OK)
		st = parse_api(api, cfg, err);
	if (st == AR_OK)
		st = get_string(root, "spool_dir", "", false, &cfg->spool_dir, err);
	if (st == AR_OK)
		st = get_int(root, "spool_max_events", "", 1, 1000000, &max_events, err);
	if (st == AR_OK)
		st = get_int(root, "spool_max_bytes", "", 4096, 1073741824.0, &max_bytes, err);
	if (st == AR_OK)
		st = check_url(cfg, err);
	if (st == AR_OK && cfg->spool_dir == NULL &&
	    (cfg->spool_dir = strdup(default_spool_dir)) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	cfg->spool_max_events = (size_t)max_events;
	cfg->spool_max_bytes = (size_t)max_bytes;
	return st;
}

ar_status report_config_parse(const char *text, size_t len, const char *default_spool_dir,
                              report_config **out, ar_error *err)
{
	report_config *cfg = calloc(1, sizeof(*cfg));
	cJSON *root = NULL;
	ar_status st;

	*out = NULL;
	if (cfg == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	cfg->timeout_seconds = 10;
	st = json_parse_strict(text, len, &root, err);
	if (st == AR_OK)
		st = parse_root(root, default_spool_dir, cfg, err);
	cJSON_Delete(root);
	if (st != AR_OK) {
		report_config_free(cfg);
		return st;
	}
	*out = cfg;
	return AR_OK;
}

ar_status report_config_load(const char *path, const char *default_spool_dir, report_config **out,
                             ar_error *err)
{
	unsigned char *text = NULL;
	size_t len = 0;
	ar_status st = platform_read_file(path, CONFIG_MAX_BYTES, &text, &len, err);

	*out = NULL;
	if (st == AR_OK)
		st = report_config_parse((const char *)text, len, default_spool_dir, out, err);
	if (st != AR_OK)
		ar_error_prefix(err, st, "configuration %s", path);
	free(text);
	return st;
}

void report_config_free(report_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->url);
	free(cfg->user);
	free_secret(cfg->password);
	free(cfg->ca_file);
	free(cfg->spool_dir);
	free(cfg);
}
