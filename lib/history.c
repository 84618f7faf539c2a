#include "history.h"

#include "platform/platform.h"
#include "report/api_config.h"
#include "util/json_strict.h"
#include "util/path.h"
#include "util/strbuf.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define LOCK_POLL_MS   10u
#define FORMAT_VERSION 1

static const char *const kind_names[] = {
        [HISTORY_SET] = "set",
        [HISTORY_REVERT] = "revert",
        [HISTORY_RESTORE] = "restore",
};

struct history {
	char *path;
	platform_dir *dir; /* the backups folder, checked once; NULL when missing */
	platform_lock *lock;
	history_event events[HISTORY_MAX_EVENTS];
	size_t count;
};

void history_settings_default(history_settings *s)
{
	s->revert_threshold = 3;
	s->revert_window_days = 7;
	s->write_when_contested = true;
}

static ar_status parse_settings(const cJSON *h, history_settings *s, ar_error *err)
{
	static const char *const keys[] = {"revert_threshold", "revert_window_days",
	                                   "write_when_contested", NULL};
	long threshold = s->revert_threshold, days = s->revert_window_days;
	ar_status st = config_check_keys(h, "history.", keys, err);

	if (st == AR_OK)
		st = config_get_int(h, "revert_threshold", "history.", 1, 1000, &threshold, err);
	if (st == AR_OK)
		st = config_get_int(h, "revert_window_days", "history.", 1, 3650, &days, err);
	if (st == AR_OK)
		st = config_get_bool(h, "write_when_contested", "history.",
		                     &s->write_when_contested, err);
	s->revert_threshold = (unsigned)threshold;
	s->revert_window_days = (unsigned)days;
	return st;
}

ar_status history_settings_parse(const char *text, size_t len, history_settings *s, ar_error *err)
{
	cJSON *root = NULL;
	const cJSON *h;
	ar_status st = config_parse_object(text, len, &root, err);

	history_settings_default(s);
	h = st == AR_OK ? cJSON_GetObjectItemCaseSensitive(root, "history") : NULL;
	if (h != NULL && !cJSON_IsObject(h))
		st = ar_error_set(err, AR_E_INVALID, "history must be an object");
	else if (h != NULL)
		st = parse_settings(h, s, err);
	if (st != AR_OK)
		history_settings_default(s);
	cJSON_Delete(root);
	return st;
}

#define HISTORY_NAME AR_PROGRAM_NAME "-history.json"
#define LOCK_NAME    AR_PROGRAM_NAME "-history.lock"

/* Waits for the lock name in dir, within HISTORY_LOCK_WAIT_MS. */
static ar_status wait_lock(platform_dir *dir, const char *name, platform_lock **out, ar_error *err)
{
	uint64_t deadline = platform_monotonic_ms() + HISTORY_LOCK_WAIT_MS;
	ar_status st = platform_dir_lock_wait(dir, name, deadline, LOCK_POLL_MS, out, err);

	if (st == AR_OK && *out == NULL)
		st = ar_error_set(err, AR_E_IO, "another run held %s in %s for %u ms", name,
		                  platform_dir_path(dir), HISTORY_LOCK_WAIT_MS);
	return st;
}

/* The backups folder holds the history and its lock: private, so that no
 * one but this program's runs can hold the lock or read the history. It is
 * opened once, checked, and every file in it reached through it. */
static ar_status take_lock(history *h, const char *folder, ar_error *err)
{
	ar_status st = platform_dir_open_private(folder, &h->dir, err);

	if (st == AR_OK)
		st = wait_lock(h->dir, LOCK_NAME, &h->lock, err);
	return st;
}

static bool parse_event(const cJSON *e, history_event *out)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(e, "event");

	if (!cJSON_IsString(kind) || !json_whole_number(cJSON_GetObjectItemCaseSensitive(e, "time"),
	                                                0, 9007199254740991.0, &out->time))
		return false;
	for (size_t k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++) {
		if (strcmp(kind->valuestring, kind_names[k]) == 0) {
			out->kind = (history_kind)k;
			return true;
		}
	}
	return false;
}

/* Fills h from the file's text; false (h left empty) when it is not a
 * history of this format. */
static bool parse_history(const char *text, size_t len, history *h, ar_error *err)
{
	cJSON *root = NULL;
	const cJSON *events, *e;
	long long format = 0;
	size_t n, i = 0;
	bool ok = false;

	if (json_parse_strict(text, len, &root, err) != AR_OK)
		goto out;
	events = cJSON_GetObjectItemCaseSensitive(root, "events");
	if (!cJSON_IsObject(root) || !cJSON_IsArray(events) ||
	    !json_whole_number(cJSON_GetObjectItemCaseSensitive(root, "format"), 1, 1e6, &format) ||
	    format != FORMAT_VERSION) {
		ar_error_set(err, AR_E_INVALID, "not a history of format %d", FORMAT_VERSION);
		goto out;
	}
	n = (size_t)cJSON_GetArraySize(events);
	ok = true;
	cJSON_ArrayForEach (e, events) {
		/* Past the cap, the newest events are kept. */
		if (i++ + HISTORY_MAX_EVENTS < n)
			continue;
		if (!parse_event(e, &h->events[h->count++])) {
			ok = false;
			ar_error_set(err, AR_E_INVALID,
			             "event %zu is not a set, revert or restore with a time",
			             i - 1);
			break;
		}
	}
out:
	if (!ok)
		h->count = 0;
	cJSON_Delete(root);
	return ok;
}

/* platform_dir_read, or platform_dir_read_own where a link may stand. */
typedef ar_status (*file_reader)(platform_dir *d, const char *name, size_t cap,
                                 unsigned char **data, size_t *len, ar_error *err);

/* Fills h from the history in dir, capped; h is left empty when it cannot. */
static ar_status read_events(history *h, platform_dir *dir, file_reader reader, ar_error *err)
{
	unsigned char *text = NULL;
	size_t len = 0;
	ar_status st = reader(dir, HISTORY_NAME, HISTORY_FILE_MAX, &text, &len, err);

	if (st == AR_OK && !parse_history((const char *)text, len, h, err))
		st = AR_E_INVALID;
	free(text);
	return st;
}

static void warn(char **warning, const char *path, const char *what, const char *why)
{
	strbuf sb = {0};

	strbuf_addf(&sb, "history %s %s: %s", path, what, why);
	if (warning != NULL)
		*warning = strbuf_take(&sb, NULL);
	strbuf_free(&sb);
}

static void load(history *h, char **warning)
{
	ar_error err = {0};
	ar_status st =
	        h->dir != NULL ? read_events(h, h->dir, platform_dir_read, &err) : AR_E_NOT_FOUND;

	if (st != AR_OK && st != AR_E_NOT_FOUND)
		warn(warning, h->path, "ignored and started anew", err.msg);
}

/* The history of an older version, in the folder old_dir: read without
 * following a link, saved in the new place, then removed. Under the old
 * lock, so that a run of that version still going cannot change it
 * meanwhile. */
static void move_old(history *h, platform_dir *old_dir, const char *old, char **warning)
{
	platform_lock *lock = NULL;
	ar_error err = {0};
	ar_status st = wait_lock(old_dir, LOCK_NAME, &lock, &err);

	if (st == AR_OK)
		st = read_events(h, old_dir, platform_dir_read_own, &err);
	if (st == AR_OK && (st = history_save(h, &err)) != AR_OK)
		h->count = 0;
	if (st != AR_OK)
		warn(warning, old, "of an older version left where it is (the history starts anew)",
		     err.msg);
	else if (platform_dir_remove(old_dir, HISTORY_NAME, &err) != AR_OK)
		warn(warning, old, "of an older version taken over but not removed", err.msg);
	if (lock != NULL)
		(void)platform_dir_remove(old_dir, LOCK_NAME, NULL); /* no run uses it any more */
	platform_lock_release(lock);
}

/* An older version kept the history and its lock in the backups folder's
 * parent. A run that may write, finding none in the backups folder, takes
 * that one over: the counts go on. True when there was one to take. */
static bool take_over(history *h, const char *backup_dir, char **warning)
{
	char *dir = path_dir(backup_dir);
	char *old = dir != NULL ? path_join(dir, HISTORY_NAME) : NULL;
	platform_dir *old_dir = NULL;
	bool found = old != NULL && !platform_dir_has(h->dir, HISTORY_NAME) &&
	             platform_dir_open(dir, &old_dir, NULL) == AR_OK &&
	             platform_dir_has(old_dir, HISTORY_NAME);

	if (found)
		move_old(h, old_dir, old, warning);
	platform_dir_close(old_dir);
	free(old);
	free(dir);
	return found;
}

ar_status history_open(const char *backup_dir, bool lock, history **out, char **warning,
                       ar_error *err)
{
	history *h = calloc(1, sizeof(*h));
	char *folder = strdup(backup_dir);
	ar_status st = AR_OK;

	*out = NULL;
	if (warning != NULL)
		*warning = NULL;
	if (h == NULL || folder == NULL || (h->path = path_join(folder, HISTORY_NAME)) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (st == AR_OK && lock)
		st = take_lock(h, folder, err);
	else if (st == AR_OK)
		(void)platform_dir_open(folder, &h->dir, NULL); /* a look: missing is empty */
	free(folder);
	if (st != AR_OK) {
		history_close(h);
		return st;
	}
	if (!lock || !take_over(h, backup_dir, warning))
		load(h, warning);
	*out = h;
	return AR_OK;
}

void history_add(history *h, history_kind kind, long long when)
{
	if (h->count == HISTORY_MAX_EVENTS) {
		memmove(h->events, h->events + 1, (HISTORY_MAX_EVENTS - 1) * sizeof(h->events[0]));
		h->count--;
	}
	h->events[h->count++] = (history_event){.time = when, .kind = kind};
}

bool history_last_set(const history *h, long long *when)
{
	for (size_t i = h->count; i-- > 0;) {
		if (h->events[i].kind == HISTORY_RESTORE)
			return false;
		if (h->events[i].kind == HISTORY_SET) {
			*when = h->events[i].time;
			return true;
		}
	}
	return false;
}

bool history_armed(const history *h)
{
	return h->count > 0 && h->events[h->count - 1].kind == HISTORY_SET;
}

unsigned history_reverts_since(const history *h, long long since)
{
	unsigned n = 0;
	for (size_t i = 0; i < h->count; i++)
		n += h->events[i].kind == HISTORY_REVERT && h->events[i].time >= since;
	return n;
}

const history_event *history_events(const history *h, size_t *count)
{
	*count = h->count;
	return h->events;
}

const char *history_file(const history *h)
{
	return h->path;
}

platform_dir *history_folder(const history *h)
{
	return h->lock != NULL ? h->dir : NULL;
}

ar_status history_save(history *h, ar_error *err)
{
	strbuf sb = {0};
	char *text;
	size_t len = 0;
	ar_status st;

	strbuf_addf(&sb, "{\"format\":%d,\"program\":\"%s\",\"events\":[", FORMAT_VERSION,
	            AR_PROGRAM_NAME);
	for (size_t i = 0; i < h->count; i++)
		strbuf_addf(&sb, "%s{\"time\":%lld,\"event\":\"%s\"}", i ? "," : "",
		            h->events[i].time, kind_names[h->events[i].kind]);
	strbuf_adds(&sb, "]}\n");
	if ((text = strbuf_take(&sb, &len)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	st = h->dir != NULL ? platform_dir_write(h->dir, HISTORY_NAME, text, len, true, err)
	                    : ar_error_set(err, AR_E_NOT_FOUND, "%s is missing", h->path);
	free(text);
	return st == AR_OK ? AR_OK : ar_error_prefix(err, st, "history");
}

void history_close(history *h)
{
	if (h == NULL)
		return;
	platform_lock_release(h->lock);
	platform_dir_close(h->dir);
	free(h->path);
	free(h);
}
