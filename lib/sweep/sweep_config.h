/* The sweep's configuration file (schemas/sweep-config.schema.json): the
 * same "api" block as the reporter's, the command to dispatch, the request
 * rate (max_requests_per_minute, or max_request_per_minute as Wazuh spells
 * it), where the sweep keeps its progress and where the manager's
 * ossec.conf is. */
#ifndef SWEEP_CONFIG_H
#define SWEEP_CONFIG_H

#include "report/api_config.h"
#include "util/ar_error.h"

#include <stddef.h>

#define SWEEP_DEFAULT_COMMAND "!win_ms_network_client_sign_if_server_agrees.exe"
#define SWEEP_DEFAULT_RATE    150 /* half the API's limit: the dashboard shares it */
#define SWEEP_MAX_RATE        100000
#define SWEEP_DEFAULT_SECONDS 86400  /* a day: 100,000 agents at the default rate */
#define SWEEP_MAX_SECONDS     604800 /* a week */

typedef struct sweep_config {
	api_settings api;
	char *command;       /* as PUT /active-response takes it: "!<file>" or "<name><timeout>" */
	long max_per_minute; /* every request counts, logins included */
	char *state_file;    /* NULL: not resumable */
	char *ossec_conf;    /* the manager's, for the <extra_args> dispatched */
	long time_limit_seconds; /* the whole sweep stops past it, resumable */
} sweep_config;

/* Parses strictly: unknown keys and wrong types are errors naming the key. */
ar_status sweep_config_parse(const char *text, size_t len, sweep_config **out, ar_error *err);
ar_status sweep_config_load(const char *path, sweep_config **out, ar_error *err);
void sweep_config_free(sweep_config *cfg);

#endif
