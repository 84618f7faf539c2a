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

/* Whether a line could be appended to path: AR_OK when it is missing or a
 * regular file (judged without waiting: a FIFO there would hold the run);
 * asked before anything is changed, so that a log that cannot be written
 * stops the run before it does anything. */
ar_status ar_log_check(const char *path, ar_error *err);

/* Appends one line to path, creating the file (and its folder) if needed. */
ar_status ar_log_append(const char *path, const char *program, const char *text, ar_error *err);

#endif
