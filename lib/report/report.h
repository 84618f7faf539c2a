/* Optional reporting of each result to the Wazuh server API (POST /events),
 * through a durable on-disk spool so that no report is lost when the API
 * cannot be reached. Never changes the exit status. */
#ifndef REPORT_H
#define REPORT_H

#include "util/ar_error.h"
#include "report/report_config.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct report_outcome {
	size_t sent;    /* events the API counted as affected in this run */
	size_t pending; /* events left in the spool for a later run */
} report_outcome;

/* Called for each warning worth a log line (no secret ever in text). */
typedef void (*report_warn_fn)(void *ctx, const char *text);

/* Spools event_json (one JSON object, our result), then sends what is
 * waiting, oldest first, in batches of at most 100, within the configured
 * time bound. Returns AR_OK when the event is safely spooled, whether or
 * not it could be sent yet. */
ar_status report_submit(const report_config *cfg, const char *event_json, report_warn_fn warn,
                        void *warn_ctx, report_outcome *out, ar_error *err);

/* Pieces of the API conversation, exposed for tests and fuzzing. */

/* Which of the n events a POST /events answer took: taken[i] is set when
 * events[i] is among data.affected_items (each listed item takes one
 * event, so repeated texts count as often as listed). An answer without
 * that list takes all only when it counts n affected and none failed.
 * Returns how many were taken. */
size_t report_events_taken(const char *body, size_t len, const char *const *events, size_t n,
                           bool *taken);

#endif
