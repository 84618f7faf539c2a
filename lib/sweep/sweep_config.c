#include "sweep/sweep_config.h"

#include "sweep/sweep_ossec_conf.h"

#include <stdlib.h>
#include <string.h>

/* What PUT /active-response runs: "!" and a file name in the agent's
 * active-response/bin, or a command name from the manager's ar.conf; no
 * path, no white space, nothing the agent's shell escaping would change. */
static ar_status check_command(const char *cmd, ar_error *err)
{
	const char *name = cmd[0] == '!' ? cmd + 1 : cmd;

	if (*name == '\0' || strlen(name) > 255)
		return ar_error_set(err, AR_E_INVALID, "command must name a program");
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			return ar_error_set(
			        err, AR_E_INVALID,
			        "command may hold only letters, digits, '_', '-' and '.' "
			        "after its optional '!'");
	}
	return AR_OK;
}

/* The rate, spelled as the sweep always has or as Wazuh's api.yaml spells
 * its own limit (max_request_per_minute); not both. */
static ar_status parse_rate(const cJSON *root, sweep_config *cfg, ar_error *err)
{
	const char *ours = "max_requests_per_minute", *wazuhs = "max_request_per_minute";
	bool has_wazuhs = cJSON_GetObjectItemCaseSensitive(root, wazuhs) != NULL;

	if (has_wazuhs && cJSON_GetObjectItemCaseSensitive(root, ours) != NULL)
		return ar_error_set(err, AR_E_INVALID, "%s and %s are the same setting: give one",
		                    ours, wazuhs);
	return config_get_int(root, has_wazuhs ? wazuhs : ours, "", 1, SWEEP_MAX_RATE,
	                      &cfg->max_per_minute, err);
}

/* Where the manager's ossec.conf is (the <extra_args> dispatched). */
static ar_status parse_ossec_conf(const cJSON *root, sweep_config *cfg, ar_error *err)
{
	ar_status st = config_get_string(root, "ossec_conf", "", false, &cfg->ossec_conf, err);

	if (st == AR_OK && cfg->ossec_conf == NULL &&
	    (cfg->ossec_conf = strdup(OSSEC_CONF_DEFAULT)) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	return st;
}

/* How long a whole sweep may take. */
static ar_status parse_limits(const cJSON *root, sweep_config *cfg, ar_error *err)
{
	return config_get_int(root, "time_limit_seconds", "", 1, SWEEP_MAX_SECONDS,
	                      &cfg->time_limit_seconds, err);
}

static ar_status parse_root(const cJSON *root, sweep_config *cfg, ar_error *err)
{
	static const char *const keys[] = {
	        "api",        "command",    "max_requests_per_minute", "max_request_per_minute",
	        "ossec_conf", "state_file", "time_limit_seconds",      NULL};
	ar_status st = config_check_keys(root, "", keys, err);

	if (st == AR_OK)
		st = api_settings_parse(cJSON_GetObjectItemCaseSensitive(root, "api"), &cfg->api,
		                        err);
	if (st == AR_OK)
		st = config_get_string(root, "command", "", false, &cfg->command, err);
	if (st == AR_OK && cfg->command == NULL &&
	    (cfg->command = strdup(SWEEP_DEFAULT_COMMAND)) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (st == AR_OK)
		st = check_command(cfg->command, err);
	if (st == AR_OK)
		st = parse_rate(root, cfg, err);
	if (st == AR_OK)
		st = parse_ossec_conf(root, cfg, err);
	if (st == AR_OK)
		st = config_get_string(root, "state_file", "", false, &cfg->state_file, err);
	if (st == AR_OK)
		st = parse_limits(root, cfg, err);
	return st;
}

ar_status sweep_config_parse(const char *text, size_t len, sweep_config **out, ar_error *err)
{
	sweep_config *cfg = calloc(1, sizeof(*cfg));
	cJSON *root = NULL;
	ar_status st;

	*out = NULL;
	if (cfg == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	cfg->max_per_minute = SWEEP_DEFAULT_RATE;
	cfg->time_limit_seconds = SWEEP_DEFAULT_SECONDS;
	st = config_parse_object(text, len, &root, err);
	if (st == AR_OK)
		st = parse_root(root, cfg, err);
	cJSON_Delete(root);
	if (st != AR_OK) {
		sweep_config_free(cfg);
		return st;
	}
	*out = cfg;
	return AR_OK;
}

static ar_status parse_loaded(const char *text, size_t len, void *out, ar_error *err)
{
	return sweep_config_parse(text, len, out, err);
}

ar_status sweep_config_load(const char *path, sweep_config **out, ar_error *err)
{
	ar_status st;

	*out = NULL;
	st = config_load(path, parse_loaded, out, err);
	if (st == AR_OK && (st = api_settings_check_source(&(*out)->api, path, err)) != AR_OK) {
		sweep_config_free(*out);
		*out = NULL;
	}
	return st;
}

void sweep_config_free(sweep_config *cfg)
{
	if (cfg == NULL)
		return;
	api_settings_clear(&cfg->api);
	free(cfg->command);
	free(cfg->state_file);
	free(cfg->ossec_conf);
	free(cfg);
}
