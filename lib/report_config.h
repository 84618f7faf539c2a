/* The reporting configuration file (schemas/report-config.schema.json). */
#ifndef REPORT_CONFIG_H
#define REPORT_CONFIG_H

#include "ar_error.h"

#include <stdbool.h>

typedef struct report_config report_config;

/* Parses strictly: unknown keys and wrong types are errors naming the key.
 * default_spool_dir is used when the file has no spool_dir. */
ar_status report_config_load(const char *path, const char *default_spool_dir,
                             report_config **out, ar_error *err);
void report_config_free(report_config *cfg);

#endif
