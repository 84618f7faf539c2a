/* A durable queue of reports on disk: one file per event, written
 * atomically before any attempt to send, removed only once the API has
 * counted it. Names sort oldest first. */
#ifndef SPOOL_H
#define SPOOL_H

#include "util/ar_error.h"

#include <stddef.h>

typedef struct spool_entry {
	char *path;
	char *event; /* the JSON text */
	size_t len;
} spool_entry;

/* Writes one event; the folder is created owner-only when missing. */
ar_status spool_put(const char *dir, const char *event, ar_error *err);

/* Drops the oldest events until at most max_events and max_bytes remain;
 * *dropped says how many went (the caller warns). */
ar_status spool_trim(const char *dir, size_t max_events, size_t max_bytes, size_t *dropped,
                     ar_error *err);

/* Reads up to max events, oldest first. Unreadable files are skipped. */
ar_status spool_take(const char *dir, size_t max, spool_entry **entries, size_t *count,
                     ar_error *err);

/* How many events wait. */
size_t spool_count(const char *dir);

void spool_entries_free(spool_entry *entries, size_t count);

#endif
