#include "sweep/sweep_state.h"

#include "platform/platform.h"
#include "util/json_strict.h"
#include "util/path.h"
#include "util/strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STATE_MAX_BYTES (256u * 1024u * 1024u)

static const char *const mark_names[SWEEP_MARKS] = {"unseen",     "clean",  "sending",
                                                    "dispatched", "failed", "queued"};

typedef struct slot {
	char *id;
	sweep_mark mark;
} slot;

struct sweep_state {
	char *path;        /* NULL: memory only */
	platform_dir *dir; /* the file's folder, opened once; NULL: none yet */
	const char *name;  /* the file's name in it (points into path) */
	bool read_only;
	bool resumed;
	platform_lock *lock;
	slot *slots; /* open addressing, a power of two */
	size_t cap, used;
	size_t counts[SWEEP_MARKS];
};

static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

static slot *find(const sweep_state *s, const char *id)
{
	size_t i = hash(id) & (s->cap - 1);

	while (s->slots[i].id != NULL && strcmp(s->slots[i].id, id) != 0)
		i = (i + 1) & (s->cap - 1);
	return &s->slots[i];
}

static bool grow(sweep_state *s)
{
	slot *old = s->slots;
	size_t old_cap = s->cap;

	s->cap = old_cap ? old_cap * 2 : 1024;
	s->slots = calloc(s->cap, sizeof(*s->slots));
	if (s->slots == NULL) {
		s->slots = old;
		s->cap = old_cap;
		return false;
	}
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].id != NULL)
			*find(s, old[i].id) = old[i];
	free(old);
	return true;
}

static bool set_mark(sweep_state *s, const char *id, sweep_mark m)
{
	slot *e;

	if ((s->used + 1) * 4 > s->cap * 3 && !grow(s))
		return false;
	e = find(s, id);
	if (e->id == NULL) {
		if ((e->id = strdup(id)) == NULL)
			return false;
		s->used++;
	} else {
		s->counts[e->mark]--;
	}
	e->mark = m;
	s->counts[m]++;
	return true;
}

sweep_mark sweep_state_get(const sweep_state *s, const char *agent_id)
{
	return s->cap == 0 ? SWEEP_UNSEEN : find(s, agent_id)->mark;
}

static sweep_mark mark_named(const char *name)
{
	for (int m = SWEEP_CLEAN; name != NULL && m < SWEEP_QUEUED; m++)
		if (strcmp(name, mark_names[m]) == 0)
			return (sweep_mark)m;
	return SWEEP_UNSEEN;
}

/* One line of the file; false when it says the sweep was complete. A line
 * that does not read (the tail of a write cut by a kill) is skipped. */
static bool load_line(sweep_state *s, const char *line, size_t len)
{
	cJSON *root = NULL;
	const cJSON *it;
	sweep_mark m;
	bool more = true;

	if (json_parse_strict(line, len, &root, NULL) != AR_OK)
		return true;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "complete")))
		more = false;
	m = mark_named(json_get_string(root, "mark"));
	cJSON_ArrayForEach (it, json_get_array(root, "agents")) {
		if (m != SWEEP_UNSEEN && cJSON_IsString(it))
			(void)set_mark(s, it->valuestring, m);
	}
	cJSON_Delete(root);
	return more;
}

static void forget_all(sweep_state *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i].id);
	free(s->slots);
	s->slots = NULL;
	s->cap = s->used = 0;
	memset(s->counts, 0, sizeof(s->counts));
}

/* Reads the file; true when it ends with a complete sweep (or is empty). */
static ar_status load(sweep_state *s, bool *finished, bool *cut, ar_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	ar_status st;

	*finished = true;
	*cut = false;
	if (s->dir == NULL || !platform_dir_has(s->dir, s->name))
		return AR_OK;
	st = platform_dir_read(s->dir, s->name, STATE_MAX_BYTES, &data, &len, err);
	for (size_t at = 0; st == AR_OK && at < len;) {
		char *nl = memchr(data + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (char *)data) - at : len - at;
		*finished = !load_line(s, (char *)data + at, n);
		if (*finished)
			forget_all(s);
		at += n + 1;
	}
	*cut = st == AR_OK && len > 0 && data[len - 1] != '\n';
	free(data);
	return st;
}

static ar_status take_lock(sweep_state *s, ar_error *err)
{
	strbuf sb = {0};
	char *path;
	ar_status st;

	strbuf_addf(&sb, "%s.lock", s->name);
	path = strbuf_take(&sb, NULL);
	if (path == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	st = platform_dir_lock_try(s->dir, path, &s->lock, err);
	if (st == AR_OK && s->lock == NULL)
		st = ar_error_set(err, AR_E_ACCESS, "another sweep is using %s", s->path);
	free(path);
	return st;
}

/* The folder is opened once: every file of the state is reached through
 * it, whatever is renamed meanwhile. A look (read_only) at a folder that
 * is not there finds nothing. */
static ar_status open_dir(sweep_state *s, ar_error *err)
{
	char *dir = path_dir(s->path);
	ar_status st = dir ? platform_dir_open(dir, &s->dir, err)
	                   : ar_error_set(err, AR_E_NOMEM, "out of memory");

	s->name = path_base(s->path);
	free(dir);
	return st == AR_E_NOT_FOUND && s->read_only ? AR_OK : st;
}

static ar_status open_file(sweep_state *s, ar_error *err)
{
	bool finished, cut;
	ar_status st = open_dir(s, err);

	if (st == AR_OK && !s->read_only)
		st = take_lock(s, err);

	if (st == AR_OK)
		st = load(s, &finished, &cut, err);
	if (st != AR_OK)
		return ar_error_prefix(err, st, "state file");
	s->resumed = !finished;
	if (s->read_only)
		return AR_OK;
	/* A new sweep starts on an empty file; a line cut by a kill is ended
	 * so that the next one stands on its own. */
	/* Owner-only: the fleet's agents are no one else's business. */
	if (finished)
		st = platform_dir_write(s->dir, s->name, "", 0, true, err);
	else if (cut)
		st = platform_dir_append(s->dir, s->name, "\n", 1, err);
	return st == AR_OK ? AR_OK : ar_error_prefix(err, st, "state file");
}

ar_status sweep_state_open(const char *path, bool read_only, sweep_state **out, ar_error *err)
{
	sweep_state *s = calloc(1, sizeof(*s));
	ar_status st = AR_OK;

	*out = NULL;
	if (s == NULL || (path != NULL && (s->path = strdup(path)) == NULL)) {
		free(s);
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	s->read_only = read_only;
	if (s->path != NULL)
		st = open_file(s, err);
	if (st != AR_OK) {
		sweep_state_close(s);
		return st;
	}
	*out = s;
	return AR_OK;
}

static ar_status append(sweep_state *s, const cJSON *line, ar_error *err)
{
	char *text;
	strbuf sb = {0};
	ar_status st;

	if (s->path == NULL || s->read_only)
		return AR_OK;
	text = cJSON_PrintUnformatted(line);
	if (text != NULL)
		strbuf_addf(&sb, "%s\n", text);
	free(text);
	text = strbuf_take(&sb, NULL);
	st = text ? platform_dir_append(s->dir, s->name, text, strlen(text), err)
	          : ar_error_set(err, AR_E_NOMEM, "out of memory");
	free(text);
	return st == AR_OK ? AR_OK : ar_error_prefix(err, st, "state file");
}

ar_status sweep_state_mark(sweep_state *s, sweep_mark m, const char *const *ids, size_t n,
                           ar_error *err)
{
	cJSON *line = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(line, "agents");
	ar_status st = AR_OK;

	cJSON_AddStringToObject(line, "mark", mark_names[m]);
	for (size_t i = 0; i < n && st == AR_OK; i++) {
		if (!set_mark(s, ids[i], m) ||
		    !cJSON_AddItemToArray(arr, cJSON_CreateString(ids[i])))
			st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	if (st == AR_OK)
		st = append(s, line, err);
	cJSON_Delete(line);
	return st;
}

void sweep_state_note(sweep_state *s, const char *agent_id, sweep_mark m)
{
	(void)set_mark(s, agent_id, m);
}

ar_status sweep_state_complete(sweep_state *s, ar_error *err)
{
	cJSON *line = cJSON_CreateObject();
	ar_status st = cJSON_AddTrueToObject(line, "complete")
	                       ? append(s, line, err)
	                       : ar_error_set(err, AR_E_NOMEM, "out of memory");

	cJSON_Delete(line);
	return st;
}

size_t sweep_state_count(const sweep_state *s, sweep_mark m)
{
	return s->counts[m];
}

bool sweep_state_resumed(const sweep_state *s)
{
	return s->resumed;
}

void sweep_state_close(sweep_state *s)
{
	if (s == NULL)
		return;
	forget_all(s);
	platform_lock_release(s->lock);
	platform_dir_close(s->dir);
	free(s->path);
	free(s);
}
