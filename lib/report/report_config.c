#include "report/report_config.h"

#include <stdlib.h>
#include <string.h>

static ar_status parse_root(const cJSON *root, const char *default_spool_dir, report_config *cfg,
                            ar_error *err)
{
	/* "history" holds the history's settings (history.c reads them). */
	static const char *const keys[] = {
	        "api",     "spool_dir", "allow_plain_http", "spool_max_events", "spool_max_bytes",
	        "history", NULL};
	const cJSON *api = cJSON_GetObjectItemCaseSensitive(root, "api");
	long max_events = 10000, max_bytes = 50L * 1024 * 1024;
	ar_status st = config_check_keys(root, "", keys, err);

	if (st == AR_OK)
		st = config_get_bool(root, "allow_plain_http", "", &cfg->api.allow_plain_http, err);
	/* Without "api" the file only tunes the history: nothing is sent. */
	cfg->reporting = api != NULL;
	if (st == AR_OK && cfg->reporting)
		st = api_settings_parse(api, &cfg->api, err);
	if (st == AR_OK)
		st = config_get_string(root, "spool_dir", "", false, &cfg->spool_dir, err);
	if (st == AR_OK)
		st = config_get_int(root, "spool_max_events", "", 1, 1000000, &max_events, err);
	if (st == AR_OK)
		st = config_get_int(root, "spool_max_bytes", "", 4096, 1073741824.0, &max_bytes,
		                    err);
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
	st = config_parse_object(text, len, &root, err);
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

void report_config_free(report_config *cfg)
{
	if (cfg == NULL)
		return;
	api_settings_clear(&cfg->api);
	free(cfg->spool_dir);
	free(cfg);
}
