/* Sends results to the Wazuh server API (POST /events) through the spool,
 * with the API client (api_client.c).
 *
 * Every event is spooled first; then, within a fixed time budget, what waits
 * is sent oldest first in batches of at most 100 (the API's limit), and
 * removed only once a 200 answer counts the batch as affected. 429, 5xx and
 * network errors leave the spool as it is for a later run. One run at a time
 * sends from a spool (a lock file in it), so that runs started together do
 * not send the same events twice. The manager takes
 * 30 requests a minute on /events for the whole fleet, so the log line stays
 * the primary channel and the API a best-effort copy that is never lost. */
#include "report/report.h"

#include "report/api_client.h"
#include "report/api_items.h"
#include "util/json_strict.h"
#include "platform/platform.h"
#include "report/spool.h"
#include "util/path.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX     100
#define BUDGET_MS     4000u
#define JITTER_MAX_MS 300u
#define LOCK_POLL_MS  50u
/* The answer to POST /events lists back the events it took, as JSON
 * strings the API may write with \u escapes (up to three times the bytes
 * sent), beside a few counts; nothing more is read. */
#define EVENTS_ANSWER_SLACK (64u * 1024u)
#define EVENTS_ANSWER_MAX   (8u * 1024u * 1024u)
static const json_limits events_answer_limits = {.max_values = 4096, .max_depth = 16};
/* After a 404 on POST /events, a day before trying that server again. */
#define NO_EVENTS_RECHECK_S (24 * 3600)
#define NO_EVENTS_WARNING                                                                          \
	"this Wazuh server API has no POST /events (Wazuh 5.x removed it): reports are kept; "     \
	"the log line carries the result"

typedef struct session {
	const report_config *cfg;
	api_client *api;
	uint64_t deadline;
	bool no_events; /* the API answered that POST /events does not exist */
	report_warn_fn warn;
	void *warn_ctx;
} session;

static void warnf(session *s, const char *fmt, ...) AR_PRINTF(2, 3);

static void warnf(session *s, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (s->warn != NULL)
		s->warn(s->warn_ctx, text);
}

static long remaining_ms(const session *s)
{
	uint64_t now = platform_monotonic_ms();
	return now >= s->deadline ? 0 : (long)(s->deadline - now);
}

/* A file of the reporter's own in the spool folder (not an event). */
static char *spool_file(const report_config *cfg, const char *name)
{
	return path_join(cfg->spool_dir, name);
}

/* When the marker left by a 404 on POST /events is less than a day old,
 * sending is not tried at all: that server cannot take reports. */
static bool events_known_missing(const report_config *cfg)
{
	char *path = spool_file(cfg, "no-events-endpoint");
	unsigned char *data = NULL;
	size_t len = 0;
	bool missing = false;

	if (path != NULL && platform_read_file(path, 64, &data, &len, NULL) == AR_OK)
		missing = strtoll((char *)data, NULL, 10) + NO_EVENTS_RECHECK_S >
		          (long long)time(NULL);
	free(data);
	free(path);
	return missing;
}

/* The API has no POST /events: the marker is written (or renewed), and the
 * person told once, when it is first found. */
static ar_status events_missing(session *s, ar_error *err)
{
	char *path = spool_file(s->cfg, "no-events-endpoint");
	char text[32];
	bool known;

	s->no_events = true;
	if (path == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	known = platform_exists(path);
	snprintf(text, sizeof(text), "%lld\n", (long long)time(NULL));
	(void)platform_write_file_atomic(path, text, strlen(text), false, NULL);
	free(path);
	if (!known)
		warnf(s, "%s", NO_EVENTS_WARNING);
	return ar_error_set(err, AR_E_UNSUPPORTED, "%s", NO_EVENTS_WARNING);
}

static void events_found(session *s)
{
	char *path = spool_file(s->cfg, "no-events-endpoint");
	if (path != NULL)
		(void)platform_remove(path, NULL);
	free(path);
}

/* {"events":["<event>", ...]}: each result travels as a JSON string. */
static char *batch_body(const spool_entry *e, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "events");
	char *text = NULL;

	for (size_t i = 0; arr != NULL && i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(e[i].event));
	if (arr != NULL)
		text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* Marks the first untaken event equal to text; false when there is none. */
static bool take_one(const char *text, const char *const *events, size_t n, bool *taken)
{
	for (size_t i = 0; i < n; i++) {
		if (!taken[i] && strcmp(events[i], text) == 0) {
			taken[i] = true;
			return true;
		}
	}
	return false;
}

static bool counts_all(const cJSON *data, size_t n)
{
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(data, "total_affected_items");
	const cJSON *bad = cJSON_GetObjectItemCaseSensitive(data, "total_failed_items");

	return cJSON_IsNumber(ok) && ok->valuedouble == (double)n &&
	       (bad == NULL || (cJSON_IsNumber(bad) && bad->valuedouble == 0));
}

size_t report_events_taken(const char *body, size_t len, const char *const *events, size_t n,
                           bool *taken)
{
	cJSON *root = NULL;
	const cJSON *data, *items, *item;
	size_t count = 0;

	memset(taken, 0, n * sizeof(*taken));
	if (body == NULL ||
	    json_parse_limited(body, len, &events_answer_limits, &root, NULL) != AR_OK)
		goto out;
	data = json_get_object(root, "data");
	items = cJSON_GetObjectItemCaseSensitive(data, "affected_items");
	if (items == NULL && counts_all(data, n)) {
		for (count = 0; count < n; count++)
			taken[count] = true;
		goto out;
	}
	if (!cJSON_IsArray(items))
		goto out;
	cJSON_ArrayForEach (item, items) {
		if (cJSON_IsString(item) && take_one(item->valuestring, events, n, taken))
			count++;
	}
out:
	cJSON_Delete(root);
	return count;
}

/* Whether the answer to POST /events is one to read the events from. */
static ar_status answer_status(session *s, long code, ar_error *err)
{
	if (code == 404)
		return events_missing(s, err);
	if (code != 200)
		return ar_error_set(err, AR_E_NETWORK, "the API answered HTTP %ld%s", code,
		                    code == 429 ? " (rate limit): kept for a later run" : "");
	events_found(s);
	return AR_OK;
}

/* A 200 that did not take every event: the API's own reason, from
 * data.failed_items, in the message. */
static ar_status not_taken(const api_reply *reply, size_t took, size_t n, ar_error *err)
{
	cJSON *root = NULL;
	api_failure f = {0};
	char why[sizeof(f.message) + 32] = "no reason given";

	if (reply->body != NULL &&
	    json_parse_limited(reply->body, reply->len, &events_answer_limits, &root, NULL) ==
	            AR_OK &&
	    api_items_failed(root, &f))
		api_failure_text(&f, why, sizeof(why));
	cJSON_Delete(root);
	return ar_error_set(err, AR_E_NETWORK,
	                    "the API took %zu of %zu events (%s): the other %zu kept for a later "
	                    "run",
	                    took, n, why, n - took);
}

static size_t events_answer_max(size_t sent)
{
	return sent > (EVENTS_ANSWER_MAX - EVENTS_ANSWER_SLACK) / 3
	               ? EVENTS_ANSWER_MAX
	               : sent * 3 + EVENTS_ANSWER_SLACK;
}

/* Sends one batch and removes from the spool what the API took; AR_OK
 * when it took all of it. */
static ar_status send_batch(session *s, spool_entry *e, size_t n, report_outcome *out,
                            ar_error *err)
{
	char *body = batch_body(e, n);
	const char **texts = calloc(n, sizeof(*texts));
	bool *taken = calloc(n, sizeof(*taken));
	api_reply reply = {0};
	size_t took = 0;
	ar_status st = AR_OK;

	if (body == NULL || texts == NULL || taken == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	st = api_client_call(s->api, "POST", "/events", body, events_answer_max(strlen(body)),
	                     &reply, err);
	if (st == AR_OK)
		st = answer_status(s, reply.code, err);
	if (st != AR_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		texts[i] = e[i].event;
	took = report_events_taken(reply.body, reply.len, texts, n, taken);
	for (size_t i = 0; i < n; i++)
		if (taken[i])
			(void)platform_remove(e[i].path, NULL);
	out->sent += took;
	if (took != n)
		st = not_taken(&reply, took, n, err);
out:
	api_reply_free(&reply);
	free(taken);
	free(texts);
	free(body);
	return st;
}

static ar_status drain(session *s, report_outcome *out, ar_error *err)
{
	ar_status st = AR_OK;

	while (st == AR_OK && remaining_ms(s) > 0) {
		spool_entry *e = NULL;
		size_t n = 0;
		st = spool_take(s->cfg->spool_dir, BATCH_MAX, &e, &n, err);
		if (st == AR_OK && n == 0) {
			spool_entries_free(e, n);
			break;
		}
		if (st == AR_OK)
			st = send_batch(s, e, n, out, err);
		spool_entries_free(e, n);
	}
	return st;
}

/* A backlog means the API was out of reach for a while, likely for many
 * agents at once: a random pause keeps them from retrying in step. */
static void jitter(session *s, size_t waiting)
{
	uint16_t r = 0;
	if (waiting > 1 && platform_random(&r, sizeof(r), NULL) == AR_OK)
		platform_sleep_ms(r % JITTER_MAX_MS);
	(void)s;
}

static ar_status connect_and_drain(session *s, report_outcome *out, ar_error *err)
{
	char *token_file = spool_file(s->cfg, "token");
	api_client_opts o = {.token_file = token_file, .deadline_ms = s->deadline};
	ar_status st = token_file ? api_client_open(&s->cfg->api, &o, &s->api, err)
	                          : ar_error_set(err, AR_E_NOMEM, "out of memory");

	if (st == AR_OK)
		st = drain(s, out, err);
	api_client_close(s->api);
	s->api = NULL;
	free(token_file);
	return st;
}

/* The spool's sending lock, waited for within the time budget: a run
 * holding it sends what others spooled meanwhile, so a run that does not
 * get it leaves its event for that run or a later one. */
static platform_lock *send_lock(session *s, ar_error *err)
{
	char *path = spool_file(s->cfg, "sending.lock");
	platform_lock *lock = NULL;

	if (path == NULL) {
		ar_error_set(err, AR_E_NOMEM, "out of memory");
		return NULL;
	}
	if (platform_lock_wait(path, s->deadline, LOCK_POLL_MS, &lock, err) == AR_OK &&
	    lock == NULL)
		ar_error_set(err, AR_E_NETWORK, "another run is sending from the spool");
	free(path);
	return lock;
}

/* Sends what waits, within the time budget; a failure is one warning. */
static void send_waiting(session *s, report_outcome *out)
{
	ar_error send_err = {0};
	platform_lock *lock;

	jitter(s, spool_count(s->cfg->spool_dir));
	s->deadline = platform_monotonic_ms() + BUDGET_MS;
	lock = send_lock(s, &send_err);
	/* A missing POST /events was told once, in words of its own. */
	if ((lock == NULL || connect_and_drain(s, out, &send_err) != AR_OK) && !s->no_events)
		warnf(s, "report not sent, kept in %s: %s", s->cfg->spool_dir, send_err.msg);
	platform_lock_release(lock);
}

ar_status report_submit(const report_config *cfg, const char *event_json, report_warn_fn warn,
                        void *warn_ctx, report_outcome *out, ar_error *err)
{
	session s = {.cfg = cfg, .warn = warn, .warn_ctx = warn_ctx};
	size_t dropped = 0;
	ar_status st;

	memset(out, 0, sizeof(*out));
	st = spool_put(cfg->spool_dir, event_json, err);
	if (st != AR_OK)
		return st;
	if (spool_trim(cfg->spool_dir, cfg->spool_max_events, cfg->spool_max_bytes, &dropped,
	               NULL) == AR_OK &&
	    dropped > 0)
		warnf(&s, "report spool over its limit: dropped the %zu oldest reports", dropped);
	if (!events_known_missing(cfg))
		send_waiting(&s, out);
	out->pending = spool_count(cfg->spool_dir);
	return AR_OK;
}
