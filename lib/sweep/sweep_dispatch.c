#include "sweep/sweep_dispatch.h"

#include "platform/platform.h"
#include "report/api_items.h"
#include "sweep/sweep_alert.h"
#include "util/json_strict.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

#define BATCHES_MAX 64
#define PATH_HEAD   "/active-response?agents_list="
#define PATH_TAIL   "&wait_for_complete=true" /* else calls over 10 s answer 500 */
/* The answer to a PUT: the ids it reached and those it did not, by code,
 * for at most 500 ids; a refusal's title and detail. Nothing more is read. */
#define AR_ANSWER_MAX (1024u * 1024u)
static const json_limits ar_answer_limits = {.max_values = 8192, .max_depth = 16};

typedef struct batch {
	char *key; /* the alert as text: batches gather equal alerts */
	cJSON *alert;
	char **ids, **names;
	size_t n, cap;
	size_t list_len; /* bytes of "id,id,..." */
	uint64_t since;
} batch;

struct sweep_dispatch {
	api_client *api;
	const char *command;
	sweep_state *state;
	sweep_summary *sum;
	batch b[BATCHES_MAX];
	size_t n;
	cJSON *arguments; /* NULL: none */
	bool any_alert;
	sweep_settled_fn settled;
	void *settled_ctx;
};

ar_status sweep_dispatch_new(api_client *api, const char *command, sweep_state *state,
                             sweep_summary *sum, sweep_dispatch **out, ar_error *err)
{
	sweep_dispatch *d = calloc(1, sizeof(*d));

	*out = d;
	if (d == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	d->api = api;
	d->command = command;
	d->state = state;
	d->sum = sum;
	return AR_OK;
}

ar_status sweep_dispatch_set_arguments(sweep_dispatch *d, const cJSON *arguments, ar_error *err)
{
	cJSON_Delete(d->arguments);
	if ((d->arguments = cJSON_Duplicate(arguments, true)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	return AR_OK;
}

void sweep_dispatch_take_any_alert(sweep_dispatch *d)
{
	d->any_alert = true;
}

void sweep_dispatch_on_settled(sweep_dispatch *d, sweep_settled_fn fn, void *ctx)
{
	d->settled = fn;
	d->settled_ctx = ctx;
}

/* Tells the caller how each agent of the batch fared. */
static void tell(const sweep_dispatch *d, const batch *b, const long *codes, long code)
{
	for (size_t i = 0; d->settled != NULL && i < b->n; i++)
		d->settled(d->settled_ctx, b->ids[i], b->names[i], codes ? codes[i] : code);
}

static void batch_clear(batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->ids[i]);
		free(b->names[i]);
	}
	free(b->ids);
	free(b->names);
	free(b->key);
	cJSON_Delete(b->alert);
	memset(b, 0, sizeof(*b));
}

void sweep_dispatch_read_answer(const char *body, size_t len, const char *const *ids, size_t n,
                                long *codes)
{
	cJSON *root = NULL;
	const cJSON *data, *it;

	for (size_t i = 0; i < n; i++)
		codes[i] = SWEEP_CODE_UNLISTED;
	if (body == NULL || json_parse_limited(body, len, &ar_answer_limits, &root, NULL) != AR_OK)
		return;
	data = json_get_object(root, "data");
	for (size_t i = 0; i < n; i++) {
		cJSON_ArrayForEach (it, json_get_array(data, "affected_items")) {
			if (cJSON_IsString(it) && strcmp(it->valuestring, ids[i]) == 0)
				codes[i] = 0;
		}
		if (codes[i] != 0) {
			long c = api_items_failed_code(root, ids[i]);
			codes[i] = c > 0 ? c : SWEEP_CODE_UNLISTED;
		}
	}
	cJSON_Delete(root);
}

/* {"command": ..., "arguments": [...], "alert": ...}; the alert of a batch
 * of one names its agent. What is sent is judged once more as sent:
 * *refused when the active response would not take it (never expected). */
static char *request_body(const sweep_dispatch *d, const batch *b, bool *refused)
{
	cJSON *body = cJSON_CreateObject();
	cJSON *alert = cJSON_Duplicate(b->alert, true);
	sca_match_result m;
	char *text = NULL;

	*refused = false;
	if (alert != NULL && b->n == 1 && !sweep_alert_set_agent(alert, b->ids[0], b->names[0])) {
		cJSON_Delete(alert);
		alert = NULL;
	}
	if (alert != NULL && !d->any_alert && !sweep_alert_is_ours(alert, d->command, &m)) {
		*refused = true;
		cJSON_Delete(alert);
		alert = NULL;
	}
	if (alert != NULL && cJSON_AddStringToObject(body, "command", d->command) &&
	    cJSON_AddItemToObject(body, "arguments",
	                          d->arguments ? cJSON_Duplicate(d->arguments, true)
	                                       : cJSON_CreateArray()) &&
	    cJSON_AddItemToObject(body, "alert", alert))
		text = cJSON_PrintUnformatted(body);
	else
		cJSON_Delete(alert);
	cJSON_Delete(body);
	return text;
}

static char *request_path(const batch *b)
{
	strbuf sb = {0};

	strbuf_adds(&sb, PATH_HEAD);
	for (size_t i = 0; i < b->n; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", b->ids[i]);
	strbuf_adds(&sb, PATH_TAIL);
	return strbuf_take(&sb, NULL);
}

/* Marks each agent by the code the answer gave it. */
static ar_status settle(sweep_dispatch *d, const batch *b, const long *codes, ar_error *err)
{
	const char **ok = calloc(b->n, sizeof(*ok)), **bad = calloc(b->n, sizeof(*bad));
	size_t n_ok = 0, n_bad = 0;
	ar_status st = AR_OK;

	if (ok == NULL || bad == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	for (size_t i = 0; st == AR_OK && i < b->n; i++) {
		if (codes[i] == 0) {
			ok[n_ok++] = b->ids[i];
		} else {
			bad[n_bad++] = b->ids[i];
			sweep_summary_failed(d->sum, codes[i], 1);
		}
	}
	d->sum->dispatched += n_ok;
	tell(d, b, codes, 0);
	if (st == AR_OK && n_ok > 0)
		st = sweep_state_mark(d->state, SWEEP_DISPATCHED, ok, n_ok, err);
	if (st == AR_OK && n_bad > 0)
		st = sweep_state_mark(d->state, SWEEP_FAILED, bad, n_bad, err);
	free(ok);
	free(bad);
	return st;
}

/* A refusal of the whole request: the API's own error code when the body
 * has one (4 digits and more), else the HTTP status, negated. */
static long refusal_code(const api_reply *r)
{
	cJSON *root = NULL;
	long long c = 0;
	bool coded =
	        r->body != NULL &&
	        json_parse_limited(r->body, r->len, &ar_answer_limits, &root, NULL) == AR_OK &&
	        (json_whole_number(cJSON_GetObjectItemCaseSensitive(root, "code"), 1000, 1e9, &c) ||
	         json_whole_number(cJSON_GetObjectItemCaseSensitive(root, "error"), 1000, 1e9, &c));

	cJSON_Delete(root);
	return coded ? (long)c : -r->code;
}

static ar_status answer(sweep_dispatch *d, const batch *b, const api_reply *r, ar_error *err)
{
	long *codes = calloc(b->n, sizeof(*codes));
	long refused = r->code == 200 ? 0 : refusal_code(r);

	ar_status st;

	if (codes == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (r->code == 200)
		sweep_dispatch_read_answer(r->body, r->len, (const char *const *)b->ids, b->n,
		                           codes);
	else
		for (size_t i = 0; i < b->n; i++)
			codes[i] = refused;
	st = settle(d, b, codes, err);
	free(codes);
	return st;
}

/* Sends one batch and empties it. The agents are marked "sending" first:
 * a sweep cut off before the answer never sends to them again. */
static ar_status send_batch(sweep_dispatch *d, batch *b, ar_error *err)
{
	bool refused;
	char *body = request_body(d, b, &refused), *path = request_path(b);
	api_reply reply = {0};
	ar_status st = body && path ? AR_OK : ar_error_set(err, AR_E_NOMEM, "out of memory");

	if (refused) {
		sweep_summary_failed(d->sum, SWEEP_CODE_NOT_OURS, b->n);
		tell(d, b, NULL, SWEEP_CODE_NOT_OURS);
		st = sweep_state_mark(d->state, SWEEP_FAILED, (const char *const *)b->ids, b->n,
		                      err);
		goto out;
	}
	if (st == AR_OK)
		st = sweep_state_mark(d->state, SWEEP_SENDING, (const char *const *)b->ids, b->n,
		                      err);
	if (st == AR_OK)
		st = api_client_call(d->api, "PUT", path, body, AR_ANSWER_MAX, &reply, err);
	if (st == AR_E_NETWORK) {
		sweep_summary_failed(d->sum, SWEEP_CODE_NO_ANSWER, b->n);
		tell(d, b, NULL, SWEEP_CODE_NO_ANSWER);
	} else if (st == AR_OK)
		st = answer(d, b, &reply, err);
out:
	api_reply_free(&reply);
	free(body);
	free(path);
	batch_clear(b);
	return st;
}

static void drop_batch(sweep_dispatch *d, size_t i)
{
	memmove(&d->b[i], &d->b[i + 1], (d->n - i - 1) * sizeof(d->b[0]));
	memset(&d->b[--d->n], 0, sizeof(d->b[0]));
}

ar_status sweep_dispatch_flush(sweep_dispatch *d, uint64_t max_wait_ms, ar_error *err)
{
	uint64_t now = platform_monotonic_ms();
	ar_status st = AR_OK;

	for (size_t i = 0; st == AR_OK && i < d->n;) {
		if (max_wait_ms != 0 && now - d->b[i].since < max_wait_ms) {
			i++;
			continue;
		}
		st = send_batch(d, &d->b[i], err);
		drop_batch(d, i);
	}
	return st;
}

/* The batch gathering alerts equal to key, a new one when none does (the
 * oldest sent first when there are too many). */
static batch *batch_for(sweep_dispatch *d, char *key, cJSON *alert, ar_error *err, ar_status *st)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->b[i].key, key) == 0) {
			free(key);
			cJSON_Delete(alert);
			return &d->b[i];
		}
	if (d->n == BATCHES_MAX) {
		*st = send_batch(d, &d->b[0], err);
		drop_batch(d, 0);
	}
	d->b[d->n] = (batch){.key = key, .alert = alert, .since = platform_monotonic_ms()};
	return &d->b[d->n++];
}

static bool batch_push(batch *b, const char *id, const char *name)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		char **ids = realloc(b->ids, cap * sizeof(*ids));
		char **names = ids ? realloc(b->names, cap * sizeof(*names)) : NULL;
		if (ids != NULL)
			b->ids = ids;
		if (names == NULL)
			return false;
		b->names = names;
		b->cap = cap;
	}
	b->ids[b->n] = strdup(id);
	b->names[b->n] = name ? strdup(name) : NULL;
	if (b->ids[b->n] == NULL)
		return false;
	b->list_len += strlen(id) + (b->n ? 1 : 0);
	b->n++;
	return true;
}

static bool batch_full(const batch *b)
{
	return b->n >= SWEEP_BATCH_IDS_MAX ||
	       strlen(PATH_HEAD) + b->list_len + strlen(PATH_TAIL) + 64 > SWEEP_PATH_MAX;
}

ar_status sweep_dispatch_add(sweep_dispatch *d, const char *agent_id, const char *agent_name,
                             cJSON *alert, ar_error *err)
{
	char *key = cJSON_PrintUnformatted(alert);
	ar_status st = AR_OK;
	batch *b;

	if (key == NULL) {
		cJSON_Delete(alert);
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	b = batch_for(d, key, alert, err, &st);
	if (st == AR_OK && !batch_push(b, agent_id, agent_name))
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (st == AR_OK && batch_full(b)) {
		st = send_batch(d, b, err);
		drop_batch(d, (size_t)(b - d->b));
	}
	return st;
}

void sweep_dispatch_free(sweep_dispatch *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++)
		batch_clear(&d->b[i]);
	cJSON_Delete(d->arguments);
	free(d);
}
