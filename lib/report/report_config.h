/* The reporting configuration file (schemas/report-config.schema.json). */
#ifndef REPORT_CONFIG_H
#define REPORT_CONFIG_H

#include "report/api_config.h"
#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct report_config {
	bool reporting;   /* false when the file has no "api" (history settings only) */
	api_settings api; /* where the API is and how to log in */
	char *spool_dir;
	size_t spool_max_events;
	size_t spool_max_bytes;
} report_config;

/* Parses strictly: unknown keys and wrong types are errors naming the key.
 * default_spool_dir is used when the text has no spool_dir. */
ar_status report_config_parse(const char *text, size_t len, const char *default_spool_dir,
                              report_config **out, ar_error *err);

void report_config_free(report_config *cfg);

#endif
