/* What the program remembers between runs on one agent: when it set the
 * value, when it found it put back, when a backup was restored. A small
 * JSON file beside the backup folder, replaced atomically, capped in size,
 * changed by one run at a time (a lock file beside it). A history that
 * cannot be used is ignored with a warning: it never fails a fix. */
#ifndef HISTORY_H
#define HISTORY_H

#include "platform/platform.h"
#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>

#define HISTORY_MAX_EVENTS   64
#define HISTORY_FILE_MAX     (64u * 1024u)
#define HISTORY_LOCK_WAIT_MS 2000u

typedef struct history_settings {
	unsigned revert_threshold;   /* reverts within the window that make it contested */
	unsigned revert_window_days; /* the window */
	bool write_when_contested;   /* keep the hardening (write) once contested */
} history_settings;

/* 3 reverts in 7 days; write when contested. */
void history_settings_default(history_settings *s);

/* The optional "history" object of a configuration file (JSON); what it
 * leaves out keeps its default. Unknown keys and wrong types are errors
 * naming the key; *s then holds the defaults. */
ar_status history_settings_parse(const char *text, size_t len, history_settings *s, ar_error *err);

typedef enum history_kind { HISTORY_SET, HISTORY_REVERT, HISTORY_RESTORE } history_kind;

typedef struct history_event {
	long long time; /* seconds since the epoch */
	history_kind kind;
} history_event;

typedef struct history history;

/* The history kept with the backups: "<program>-history.json" in
 * backup_dir. With lock, first makes backup_dir private (created when
 * missing; a link or a folder of another owner is an error) and takes
 * "<program>-history.lock" there, waiting at most HISTORY_LOCK_WAIT_MS (an
 * error when another run holds it longer: only another run can, as no one
 * else can open the folder). A missing file is an empty history; a file that cannot be used
 * (unreadable, not the format, over HISTORY_FILE_MAX) is one too, and
 * *warning (when not NULL) then says why. With lock and no file yet, the
 * history an older version kept in backup_dir's parent is taken over (read
 * without following a link, saved here, removed there); one that cannot be
 * is left there, and *warning says why. */
ar_status history_open(const char *backup_dir, bool lock, history **out, char **warning,
                       ar_error *err);

/* Appends an event; past HISTORY_MAX_EVENTS the oldest goes. */
void history_add(history *h, history_kind kind, long long when);

/* The newest set that no restore followed: the value this program set
 * still stands as its own. */
bool history_last_set(const history *h, long long *when);

/* True when the newest set, revert or restore is a set: a non-compliant
 * value found now is a new revert. */
bool history_armed(const history *h);

/* Reverts at or after since. */
unsigned history_reverts_since(const history *h, long long since);

const history_event *history_events(const history *h, size_t *count);
const char *history_file(const history *h);

/* The backups folder as a run that holds the lock opened it (private,
 * checked, not a link), for the run's other files there; NULL when h was
 * opened without the lock. Valid until history_close. */
platform_dir *history_folder(const history *h);

/* Writes the file atomically (owner-only). */
ar_status history_save(history *h, ar_error *err);

/* Releases the lock and frees; h may be NULL. */
void history_close(history *h);

#endif
