/* Sends results to the Wazuh server API (POST /events) through the spool.
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

#include "report/curl_loader.h"
#include "util/json_strict.h"
#include "platform/platform.h"
#include "report/spool.h"
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX        100
#define BUDGET_MS        4000u
#define RESPONSE_MAX     (1024u * 1024u)
#define TOKEN_LIFETIME_S 900 /* the API's default auth_token_exp_timeout */
#define TOKEN_MARGIN_S   60  /* renew a little before it runs out */
#define JITTER_MAX_MS    300u
#define LOCK_POLL_MS     50u

typedef struct http_reply {
	long code;
	strbuf body;
	bool too_large;
} http_reply;

typedef struct session {
	const report_config *cfg;
	curl_fns curl;
	uint64_t deadline;
	char *token; /* secret */
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

static void wipe_free(char *s)
{
	if (s != NULL) {
		volatile char *p = s;
		while (*p)
			*p++ = 0;
		free(s);
	}
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	http_reply *r = ctx;
	size_t len = size * n;

	if (r->body.len + len > RESPONSE_MAX) {
		r->too_large = true;
		return 0; /* makes curl stop with an error */
	}
	strbuf_add(&r->body, data, len);
	return r->body.failed ? 0 : len;
}

static long remaining_ms(const session *s)
{
	uint64_t now = platform_monotonic_ms();
	return now >= s->deadline ? 0 : (long)(s->deadline - now);
}

/* One POST. Returns AR_E_NETWORK with a message on transport failure. */
static ar_status post(session *s, const char *path, const char *body, struct curl_slist *hdrs,
                      bool basic_auth, http_reply *reply, ar_error *err)
{
	const curl_fns *c = &s->curl;
	CURL *h = c->easy_init();
	char *url = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	long left = remaining_ms(s);
	long per_request = s->cfg->timeout_seconds * 1000L;
	strbuf sb = {0};
	CURLcode rc;
	ar_status st = AR_OK;

	memset(reply, 0, sizeof(*reply));
	if (h == NULL)
		return ar_error_set(err, AR_E_NOMEM, "cannot start an HTTP request");
	if (left <= 0) {
		c->easy_cleanup(h);
		return ar_error_set(err, AR_E_NETWORK, "time budget for the API used up");
	}
	strbuf_addf(&sb, "%s%s", s->cfg->url, path);
	url = strbuf_take(&sb, NULL);
	if (url == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	c->easy_setopt(h, CURLOPT_URL, url);
	c->easy_setopt(h, CURLOPT_PROTOCOLS_STR, s->cfg->allow_plain_http ? "http,https" : "https");
	c->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	c->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	c->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	c->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (s->cfg->ca_file != NULL)
		c->easy_setopt(h, CURLOPT_CAINFO, s->cfg->ca_file);
	c->easy_setopt(h, CURLOPT_TIMEOUT_MS, left < per_request ? left : per_request);
	c->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, left < per_request ? left : per_request);
	c->easy_setopt(h, CURLOPT_POST, 1L);
	c->easy_setopt(h, CURLOPT_POSTFIELDS, body);
	c->easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	c->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	c->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	c->easy_setopt(h, CURLOPT_WRITEDATA, reply);
	c->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	c->easy_setopt(h, CURLOPT_USERAGENT, AR_PROGRAM_NAME "/" AR_VERSION);
	if (basic_auth) {
		c->easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		c->easy_setopt(h, CURLOPT_USERNAME, s->cfg->user);
		c->easy_setopt(h, CURLOPT_PASSWORD, s->cfg->password);
	}
	rc = c->easy_perform(h);
	if (rc != CURLE_OK) {
		/* curl's messages name the host and the TLS problem, never a secret. */
		st = ar_error_set(err, AR_E_NETWORK, "%s%s%s", c->easy_strerror(rc),
		                  errbuf[0] ? ": " : "", errbuf);
		goto out;
	}
	c->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply->code);
out:
	free(url);
	c->easy_cleanup(h);
	return st;
}

/* A file of the reporter's own in the spool folder (not an event). */
static char *spool_file(const report_config *cfg, const char *name)
{
	strbuf sb = {0};
	strbuf_addf(&sb, "%s%c%s", cfg->spool_dir, platform_dir_sep(), name);
	return strbuf_take(&sb, NULL);
}

static char *token_path(const report_config *cfg)
{
	return spool_file(cfg, "token");
}

static int b64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : c == '_' ? 63 : -1;
}

long long report_jwt_exp(const char *token)
{
	const char *p = strchr(token, '.'), *end;
	strbuf sb = {0};
	unsigned acc = 0;
	int bits = 0;
	long long exp = 0;
	char *json;
	cJSON *claims = NULL;

	if (p == NULL || (end = strchr(p + 1, '.')) == NULL)
		return 0;
	for (const char *q = p + 1; q < end; q++) {
		int v = b64url_value(*q);
		if (v < 0) {
			strbuf_free(&sb);
			return 0;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			char byte = (char)((acc >> (bits - 8)) & 0xFF);
			strbuf_add(&sb, &byte, 1);
			bits -= 8;
		}
	}
	json = strbuf_take(&sb, NULL);
	if (json != NULL && json_parse_strict(json, strlen(json), &claims, NULL) == AR_OK) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(claims, "exp");
		/* In range before the cast: out of range it is undefined. */
		if (cJSON_IsNumber(e) && e->valuedouble > 0 && e->valuedouble < 1e15)
			exp = (long long)e->valuedouble;
	}
	cJSON_Delete(claims);
	free(json);
	return exp;
}

/* A cached token still good for a while, or NULL. */
static char *cached_token(const report_config *cfg)
{
	char *path = token_path(cfg);
	unsigned char *data = NULL;
	size_t len = 0;
	char *token = NULL, *nl;
	long long exp;

	if (path != NULL && platform_read_file(path, 8192, &data, &len, NULL) == AR_OK &&
	    (nl = strchr((char *)data, '\n')) != NULL) {
		*nl = '\0';
		exp = strtoll((char *)data, NULL, 10);
		if (exp - TOKEN_MARGIN_S > (long long)time(NULL)) {
			char *t = nl + 1;
			t[strcspn(t, "\r\n")] = '\0';
			if (*t != '\0')
				token = strdup(t);
		}
	}
	if (data != NULL) {
		memset(data, 0, len);
		free(data);
	}
	free(path);
	return token;
}

static void store_token(const report_config *cfg, const char *token)
{
	char *path = token_path(cfg);
	long long exp = report_jwt_exp(token);
	strbuf sb = {0};
	char *text;

	if (exp <= 0)
		exp = (long long)time(NULL) + TOKEN_LIFETIME_S;
	strbuf_addf(&sb, "%lld\n%s\n", exp, token);
	text = strbuf_take(&sb, NULL);
	/* Owner-only: the token is a credential for its lifetime. */
	if (path != NULL && text != NULL)
		(void)platform_write_file_atomic(path, text, strlen(text), true, NULL);
	wipe_free(text);
	free(path);
}

static void forget_token(session *s)
{
	char *path = token_path(s->cfg);
	if (path != NULL)
		(void)platform_remove(path, NULL);
	free(path);
	wipe_free(s->token);
	s->token = NULL;
}

static ar_status authenticate(session *s, ar_error *err)
{
	http_reply reply;
	ar_status st = post(s, "/security/user/authenticate?raw=true", "", NULL, true, &reply, err);
	char *body;
	size_t len = 0;

	if (st != AR_OK) {
		strbuf_free(&reply.body);
		return ar_error_prefix(err, st, "login");
	}
	body = strbuf_take(&reply.body, &len);
	if (reply.code != 200 || body == NULL || len == 0) {
		st = ar_error_set(err, reply.code == 401 ? AR_E_ACCESS : AR_E_NETWORK,
		                  "login refused (HTTP %ld)", reply.code);
		wipe_free(body);
		return st;
	}
	body[strcspn(body, "\r\n")] = '\0';
	s->token = body;
	store_token(s->cfg, s->token);
	return AR_OK;
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

static ar_status post_events(session *s, const char *body, http_reply *reply, ar_error *err)
{
	struct curl_slist *hdrs = NULL;
	strbuf auth = {0};
	char *auth_line;
	ar_status st;

	strbuf_addf(&auth, "Authorization: Bearer %s", s->token);
	auth_line = strbuf_take(&auth, NULL);
	if (auth_line == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	hdrs = s->curl.slist_append(hdrs, "Content-Type: application/json");
	hdrs = s->curl.slist_append(hdrs, auth_line);
	st = hdrs ? post(s, "/events", body, hdrs, false, reply, err)
	          : ar_error_set(err, AR_E_NOMEM, "out of memory");
	s->curl.slist_free_all(hdrs);
	wipe_free(auth_line);
	return st;
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
	if (body == NULL || json_parse_strict(body, len, &root, NULL) != AR_OK)
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

/* Sends one batch and removes from the spool what the API took; AR_OK
 * when it took all of it. */
static ar_status send_batch(session *s, spool_entry *e, size_t n, report_outcome *out,
                            ar_error *err)
{
	char *body = batch_body(e, n);
	const char **texts = calloc(n, sizeof(*texts));
	bool *taken = calloc(n, sizeof(*taken));
	http_reply reply = {0};
	size_t took = 0;
	ar_status st = AR_OK;

	if (body == NULL || texts == NULL || taken == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	st = post_events(s, body, &reply, err);
	if (st == AR_OK && reply.code == 401) {
		/* The cached token expired or was revoked: log in once more. */
		strbuf_free(&reply.body);
		forget_token(s);
		st = authenticate(s, err);
		if (st == AR_OK)
			st = post_events(s, body, &reply, err);
	}
	if (st == AR_OK && reply.code != 200)
		st = ar_error_set(err, AR_E_NETWORK, "the API answered HTTP %ld%s", reply.code,
		                  reply.code == 429 ? " (rate limit): kept for a later run" : "");
	if (st != AR_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		texts[i] = e[i].event;
	took = report_events_taken(reply.body.buf, reply.body.len, texts, n, taken);
	for (size_t i = 0; i < n; i++)
		if (taken[i])
			(void)platform_remove(e[i].path, NULL);
	out->sent += took;
	if (took != n)
		st = ar_error_set(
		        err, AR_E_NETWORK,
		        "the API took %zu of %zu events: the other %zu kept for a later run", took,
		        n, n - took);
out:
	strbuf_free(&reply.body);
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
	ar_status st = curl_loader_open(&s->curl, err);

	if (st != AR_OK)
		return st;
	if (s->curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		curl_loader_close(&s->curl);
		return ar_error_set(err, AR_E_NETWORK, "libcurl failed to start");
	}
	s->token = cached_token(s->cfg);
	if (s->token == NULL)
		st = authenticate(s, err);
	if (st == AR_OK)
		st = drain(s, out, err);
	wipe_free(s->token);
	s->token = NULL;
	s->curl.global_cleanup();
	curl_loader_close(&s->curl);
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
	while (platform_lock_try(path, &lock, err) == AR_OK && lock == NULL) {
		if (remaining_ms(s) <= (long)LOCK_POLL_MS) {
			ar_error_set(err, AR_E_NETWORK, "another run is sending from the spool");
			break;
		}
		platform_sleep_ms(LOCK_POLL_MS);
	}
	free(path);
	return lock;
}

ar_status report_submit(const report_config *cfg, const char *event_json, report_warn_fn warn,
                        void *warn_ctx, report_outcome *out, ar_error *err)
{
	session s = {.cfg = cfg, .warn = warn, .warn_ctx = warn_ctx};
	platform_lock *lock;
	ar_error send_err = {0};
	size_t dropped = 0;
	ar_status st;

	memset(out, 0, sizeof(*out));
	if (cfg->warning[0] != '\0')
		warnf(&s, "%s", cfg->warning);
	st = spool_put(cfg->spool_dir, event_json, err);
	if (st != AR_OK)
		return st;
	if (spool_trim(cfg->spool_dir, cfg->spool_max_events, cfg->spool_max_bytes, &dropped,
	               NULL) == AR_OK &&
	    dropped > 0) {
		out->dropped = dropped;
		warnf(&s, "report spool over its limit: dropped the %zu oldest reports", dropped);
	}
	jitter(&s, spool_count(cfg->spool_dir));
	s.deadline = platform_monotonic_ms() + BUDGET_MS;
	lock = send_lock(&s, &send_err);
	if (lock == NULL || connect_and_drain(&s, out, &send_err) != AR_OK)
		warnf(&s, "report not sent, kept in %s: %s", cfg->spool_dir, send_err.msg);
	platform_lock_release(lock);
	out->pending = spool_count(cfg->spool_dir);
	return AR_OK;
}
