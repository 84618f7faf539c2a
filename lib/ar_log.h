/* Lines in the agent's active-responses.log, in the format Wazuh's own
 * active responses use, so the manager's stock ar_log_json decoder reads
 * the JSON after the prefix:
 *   YYYY/MM/DD HH:MM:SS active-response/bin/<program>: <text> */
#ifndef AR_LOG_H
#define AR_LOG_H

#include "util/ar_error.h"

#include <time.h>

/* The whole line, '\n' included; caller frees. NULL on no memory. */
char *ar_log_format(const char *program, const char *text, time_t when);

/* Appends one line to path, creating the file (and its folder) if needed. */
ar_status ar_log_append(const char *path, const char *program, const char *text, ar_error *err);

#endif
