/* The Wazuh server API over libcurl: one connection kept open, a login
 * token renewed before it runs out, the rate limit kept here so that the
 * server never has to refuse us, and 429/503 answers waited out within a
 * bound. The API counts every request against one limit for the whole
 * server (logins, 401s and 429s included), so every request counts here
 * too. Failed logins count towards the API's block of the source address
 * (50 in a row block it for 300 s): a refused login is never retried. */
#include "report/api_client.h"

#include "report/ca_bundle.h"
#include "report/curl_loader.h"
#include "platform/platform.h"
#include "util/json_strict.h"
#include "util/secret.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOGIN_ANSWER_MAX 8192u /* a JWT: a few hundred bytes */
#define TOKEN_CACHE_MAX  32768u
#define TOKEN_LIFETIME_S 900 /* the API's default auth_token_exp_timeout */
#define TOKEN_MARGIN_S   60  /* renew this long before it runs out, at most */
#define WINDOW_MS        60000u
#define BACKOFF_FIRST_MS 1000u
#define BACKOFF_MAX_MS   30000u
#define LOGIN_PATH       "/security/user/authenticate?raw=true"

struct api_client {
	const api_settings *s;
	api_client_opts o;
	curl_fns curl;
	CURL *h;
	/* the system's CA bundle when ca_file and libcurl name none */
	const char *ca_system;
	char *token;   /* secret */
	char *binding; /* the server and user a token is good for */
	long long token_exp;
	long long token_margin;
	uint64_t *stamps; /* when each of the last max_per_minute requests ended */
	size_t head, count;
	uint64_t last_start; /* when the last request was sent */
	size_t requests;
};

typedef struct api_request {
	const char *method;
	const char *path;
	const char *body; /* NULL: none */
	bool basic_auth;  /* the login: user and password instead of the token */
	size_t max_answer;
} api_request;

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	strbuf *sb = ctx;

	strbuf_add(sb, data, size * n);
	return sb->failed ? 0 : size * n; /* 0 makes curl stop with an error */
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

/* The JWT's middle part, decoded; NULL when it is not base64url. */
static char *jwt_claims_text(const char *token)
{
	const char *p = strchr(token, '.'), *end;
	strbuf sb = {0};
	unsigned acc = 0;
	int bits = 0;

	if (p == NULL || (end = strchr(p + 1, '.')) == NULL)
		return NULL;
	for (const char *q = p + 1; q < end; q++) {
		int v = b64url_value(*q);
		if (v < 0) {
			strbuf_free(&sb);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			char byte = (char)((acc >> (bits - 8)) & 0xFF);
			strbuf_add(&sb, &byte, 1);
			bits -= 8;
		}
	}
	return strbuf_take(&sb, NULL);
}

long long api_jwt_exp(const char *token)
{
	char *json = jwt_claims_text(token);
	cJSON *claims = NULL;
	long long exp = 0;

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

char *api_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	strbuf sb = {0};

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			strbuf_add(&sb, p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			strbuf_add(&sb, e, 3);
		}
	}
	return strbuf_take(&sb, NULL);
}

/* The token: in memory, and in token_file (owner-only) when there is one. */
static void set_token(api_client *c, char *token, long long exp, long long margin)
{
	secret_free(c->token);
	c->token = token;
	c->token_exp = exp;
	c->token_margin = margin;
}

char *api_token_binding(const api_settings *s)
{
	char *url = api_escape(s->url), *user = api_escape(s->user);
	strbuf sb = {0};

	if (url != NULL && user != NULL)
		strbuf_addf(&sb, "%s %s", url, user);
	else
		sb.failed = true;
	free(url);
	free(user);
	return strbuf_take(&sb, NULL);
}

char *api_token_cache_text(const char *token, long long exp, const char *binding)
{
	strbuf sb = {0};

	strbuf_addf(&sb, "%lld\n%s\n%s\n", exp, token, binding);
	return strbuf_take(&sb, NULL);
}

/* p past one line break (LF, CR LF or CR). */
static const char *past_break(const char *p)
{
	if (*p == '\r')
		p++;
	return *p == '\n' ? p + 1 : p;
}

/* The line at *p (up to the first CR or LF), *p moved past it and its
 * break; NULL when no line break ends it. */
static const char *cache_line(const char **p, size_t *len)
{
	const char *line = *p;

	*len = strcspn(line, "\r\n");
	if (line[*len] == '\0')
		return NULL;
	*p = past_break(line + *len);
	return line;
}

ar_status api_token_cache_parse(const char *text, const char *binding, char **token, long long *exp,
                                ar_error *err)
{
	const char *p = text, *tok, *bound;
	size_t digits = strspn(text, "0123456789"), n = 0, m = 0;
	long long when = 0;

	*token = NULL;
	*exp = 0;
	/* Whole seconds below 1e15, as api_jwt_exp reads a token's: no sign and
	 * nothing that overflows when the renewal margin is taken off. */
	for (size_t i = 0; i < digits && digits <= 15; i++)
		when = when * 10 + (text[i] - '0');
	if (when == 0 || (text[digits] != '\n' && text[digits] != '\r'))
		return ar_error_set(err, AR_E_INVALID,
		                    "token cache: no expiry time on the first line");
	p = past_break(text + digits);
	tok = cache_line(&p, &n);
	if (tok == NULL || n == 0)
		return ar_error_set(err, AR_E_INVALID,
		                    "token cache: no token after the expiry line");
	/* A token is used only with the server (its URL: scheme, host, port)
	 * and the user it was issued for: not over http when it came over
	 * https, not to another server, not as another user. */
	bound = cache_line(&p, &m);
	if (bound == NULL || m != strlen(binding) || memcmp(bound, binding, m) != 0)
		return ar_error_set(err, AR_E_INVALID,
		                    "token cache: issued for another server or user");
	if ((*token = text_dup_n(tok, n)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	*exp = when;
	return AR_OK;
}

static void load_cached_token(api_client *c)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char *token;
	long long exp;

	if (c->o.token_file == NULL ||
	    platform_read_file(c->o.token_file, TOKEN_CACHE_MAX, &data, &len, NULL) != AR_OK)
		return;
	if (api_token_cache_parse((const char *)data, c->binding, &token, &exp, NULL) == AR_OK)
		set_token(c, token, exp, TOKEN_MARGIN_S);
	secret_wipe(data, len);
	free(data);
}

static void store_token(const api_client *c)
{
	char *text;

	if (c->o.token_file == NULL)
		return;
	text = api_token_cache_text(c->token, c->token_exp, c->binding);
	/* Owner-only: the token is a credential for its lifetime. */
	if (text != NULL)
		(void)platform_write_file_atomic(c->o.token_file, text, strlen(text), true, NULL);
	secret_free(text);
}

static void forget_token(api_client *c)
{
	if (c->o.token_file != NULL)
		(void)platform_remove(c->o.token_file, NULL);
	set_token(c, NULL, 0, 0);
}

static bool token_good(const api_client *c)
{
	return c->token != NULL && c->token_exp - c->token_margin > (long long)time(NULL);
}

/* Waits until one more request keeps to the limit: requests are spread
 * evenly (one every minute / max_per_minute, counted from the start of the
 * last), and the oldest of the last max_per_minute requests must have ended
 * a full minute ago. Ends are stamped, not starts, so the server, which
 * counts arrivals, sees the same spacing or more. */
static ar_status pace(api_client *c, ar_error *err)
{
	uint64_t now = platform_monotonic_ms(), free_at = 0;

	if (c->stamps == NULL)
		return AR_OK;
	if (c->last_start != 0)
		free_at = c->last_start + WINDOW_MS / c->o.max_per_minute;
	if (c->count == c->o.max_per_minute && c->stamps[c->head] + WINDOW_MS > free_at)
		free_at = c->stamps[c->head] + WINDOW_MS;
	if (free_at > now) {
		if (c->o.deadline_ms != 0 && free_at >= c->o.deadline_ms)
			return ar_error_set(err, AR_E_NETWORK, "time budget for the API used up");
		platform_sleep_ms((unsigned)(free_at - now));
	}
	c->last_start = platform_monotonic_ms();
	return AR_OK;
}

static void stamp(api_client *c)
{
	c->requests++;
	if (c->stamps == NULL)
		return;
	if (c->count == c->o.max_per_minute) {
		c->stamps[c->head] = platform_monotonic_ms();
		c->head = (c->head + 1) % c->o.max_per_minute;
		return;
	}
	c->stamps[(c->head + c->count) % c->o.max_per_minute] = platform_monotonic_ms();
	c->count++;
}

static long time_left_ms(const api_client *c)
{
	long per_request = c->s->timeout_seconds * 1000L;
	uint64_t now = platform_monotonic_ms();

	if (c->o.deadline_ms == 0)
		return per_request;
	if (now >= c->o.deadline_ms)
		return 0;
	return c->o.deadline_ms - now < (uint64_t)per_request ? (long)(c->o.deadline_ms - now)
	                                                      : per_request;
}

static struct curl_slist *headers(api_client *c, const api_request *rq, char **auth_line)
{
	struct curl_slist *h = NULL;
	strbuf sb = {0};

	*auth_line = NULL;
	/* No "Expect: 100-continue": it costs a round trip on every PUT. */
	h = c->curl.slist_append(h, "Expect:");
	if (h != NULL && rq->body != NULL)
		h = c->curl.slist_append(h, "Content-Type: application/json");
	if (h != NULL && !rq->basic_auth && c->token != NULL) {
		strbuf_addf(&sb, "Authorization: Bearer %s", c->token);
		*auth_line = strbuf_take(&sb, NULL);
		if (*auth_line == NULL) {
			c->curl.slist_free_all(h);
			return NULL;
		}
		h = c->curl.slist_append(h, *auth_line);
	}
	return h;
}

static void set_method(api_client *c, const api_request *rq)
{
	const curl_fns *f = &c->curl;

	if (rq->body != NULL) {
		f->easy_setopt(c->h, CURLOPT_POSTFIELDS, rq->body);
		f->easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, (long)strlen(rq->body));
	}
	if (strcmp(rq->method, "GET") == 0)
		f->easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
	else if (strcmp(rq->method, "POST") == 0)
		f->easy_setopt(c->h, CURLOPT_POST, 1L);
	else
		f->easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, rq->method);
	if (rq->body == NULL && strcmp(rq->method, "GET") != 0)
		f->easy_setopt(c->h, CURLOPT_POSTFIELDS, "");
	if (rq->basic_auth) {
		f->easy_setopt(c->h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		f->easy_setopt(c->h, CURLOPT_USERNAME, c->s->user);
		f->easy_setopt(c->h, CURLOPT_PASSWORD, c->s->password);
	}
}

/* No proxy unless the configuration names one: libcurl would otherwise
 * take one from the environment (https_proxy, ALL_PROXY, ...), where
 * whoever sets it sees and can block every request. A configured proxy
 * only carries a tunnel (CONNECT), never the requests themselves, and
 * no_proxy in the environment does not go around it. */
static void set_proxy(api_client *c)
{
	const curl_fns *f = &c->curl;

	f->easy_setopt(c->h, CURLOPT_PROXY, c->s->proxy != NULL ? c->s->proxy : "");
	if (c->s->proxy == NULL)
		return;
	f->easy_setopt(c->h, CURLOPT_NOPROXY, "");
	f->easy_setopt(c->h, CURLOPT_HTTPPROXYTUNNEL, 1L);
}

/* An answer over max bytes is refused as it comes: at once when its
 * Content-Length says so, else by the sink (capped) mid-way. */
static void set_answer_cap(api_client *c, size_t max)
{
	c->curl.easy_setopt(c->h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
}

static void set_options(api_client *c, const char *url, long timeout_ms, size_t max_answer,
                        struct curl_slist *hdrs, strbuf *sink, char *errbuf)
{
	const curl_fns *f = &c->curl;

	f->easy_reset(c->h); /* keeps the open connection */
	f->easy_setopt(c->h, CURLOPT_URL, url);
	f->easy_setopt(c->h, CURLOPT_PROTOCOLS_STR,
	               c->s->allow_plain_http ? "http,https" : "https");
	f->easy_setopt(c->h, CURLOPT_FOLLOWLOCATION, 0L);
	f->easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	f->easy_setopt(c->h, CURLOPT_SSL_VERIFYPEER, 1L);
	f->easy_setopt(c->h, CURLOPT_SSL_VERIFYHOST, 2L);
	/* ca_file is a pin: libcurl would keep its built-in CA folder beside it
	 * (Debian's OpenSSL build: /etc/ssl/certs), so that goes. Schannel
	 * takes CURLOPT_CAINFO as the only roots already. */
	if (c->s->ca_file != NULL) {
		f->easy_setopt(c->h, CURLOPT_CAINFO, c->s->ca_file);
		f->easy_setopt(c->h, CURLOPT_CAPATH, (char *)NULL);
	} else if (c->ca_system != NULL) {
		f->easy_setopt(c->h, CURLOPT_CAINFO, c->ca_system);
	}
	set_proxy(c);
	set_answer_cap(c, max_answer);
	f->easy_setopt(c->h, CURLOPT_TIMEOUT_MS, timeout_ms);
	f->easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	f->easy_setopt(c->h, CURLOPT_HTTPHEADER, hdrs);
	f->easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
	f->easy_setopt(c->h, CURLOPT_WRITEDATA, sink);
	f->easy_setopt(c->h, CURLOPT_ERRORBUFFER, errbuf);
	f->easy_setopt(c->h, CURLOPT_USERAGENT, AR_PROGRAM_NAME "/" AR_VERSION);
}

/* The answer into reply; nothing kept on failure. curl's messages name the
 * host and the TLS problem, never a secret. */
static ar_status collect(api_client *c, CURLcode rc, strbuf *sink, const char *errbuf,
                         api_reply *reply, ar_error *err)
{
	ar_status st = AR_OK;

	if (sink->over_max || rc == CURLE_FILESIZE_EXCEEDED)
		st = ar_error_set(err, AR_E_NETWORK,
		                  "the answer is over its limit of %zu bytes: "
		                  "refused unread",
		                  sink->max);
	else if (rc != CURLE_OK)
		st = ar_error_set(err, AR_E_NETWORK, "%s%s%s", c->curl.easy_strerror(rc),
		                  errbuf[0] ? ": " : "", errbuf);
	else
		c->curl.easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &reply->code);
	reply->body = strbuf_take(sink, &reply->len);
	if (st == AR_OK && reply->body == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (st != AR_OK)
		api_reply_free(reply);
	return st;
}

/* One HTTP exchange, no retry. AR_E_NETWORK on transport failure. */
static ar_status perform(api_client *c, const api_request *rq, api_reply *reply, ar_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	long timeout_ms = time_left_ms(c);
	strbuf sink = STRBUF_CAPPED(rq->max_answer);
	char *auth_line = NULL, *url = NULL;
	struct curl_slist *hdrs = NULL;
	strbuf u = {0};
	CURLcode rc;
	ar_status st;

	memset(reply, 0, sizeof(*reply));
	if (timeout_ms <= 0)
		return ar_error_set(err, AR_E_NETWORK, "time budget for the API used up");
	strbuf_addf(&u, "%s%s", c->s->url, rq->path);
	url = strbuf_take(&u, NULL);
	hdrs = url ? headers(c, rq, &auth_line) : NULL;
	if (hdrs == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	set_options(c, url, timeout_ms, rq->max_answer, hdrs, &sink, errbuf);
	set_method(c, rq);
	rc = c->curl.easy_perform(c->h);
	stamp(c);
	st = collect(c, rc, &sink, errbuf, reply, err);
out:
	c->curl.slist_free_all(hdrs);
	secret_free(auth_line);
	free(url);
	return st;
}

/* perform() within the rate limit, waiting out 429 (the limit, counted by
 * the server for all its clients) and 503 for up to retry_ms. */
static ar_status send_paced(api_client *c, const api_request *rq, api_reply *reply, ar_error *err)
{
	unsigned waited = 0, backoff = BACKOFF_FIRST_MS;
	ar_status st;

	for (;;) {
		st = pace(c, err);
		if (st == AR_OK)
			st = perform(c, rq, reply, err);
		if (st != AR_OK || (reply->code != 429 && reply->code != 503) ||
		    waited + backoff > c->o.retry_ms)
			return st;
		if (c->o.deadline_ms != 0 && platform_monotonic_ms() + backoff >= c->o.deadline_ms)
			return st;
		api_reply_free(reply);
		platform_sleep_ms(backoff);
		waited += backoff;
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
}

ar_status api_login_read(const char *body, size_t len, long long now, char **token, long long *exp,
                         long long *margin, ar_error *err)
{
	size_t n = strcspn(body, "\r\n");
	long long m;

	*token = NULL;
	*exp = *margin = 0;
	/* A JWT: base64url parts and dots, nothing an HTTP header or the
	 * token cache would take for more than a token. */
	if (n == 0 ||
	    strspn(body, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                 "0123456789-_.") != n ||
	    n + strspn(body + n, "\r\n") != len)
		return ar_error_set(err, AR_E_NETWORK, "login: the answer is not a token");
	if ((*token = text_dup_n(body, n)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	*exp = api_jwt_exp(*token);
	if (*exp <= now)
		*exp = now + TOKEN_LIFETIME_S;
	/* Renewed a little before it runs out: a fifth of its life, from a
	 * second (its expiry is in whole seconds) to a minute, so that a
	 * short-lived token is still used more than once. */
	m = (*exp - now) / 5;
	*margin = m < 1 ? 1 : m > TOKEN_MARGIN_S ? TOKEN_MARGIN_S : m;
	return AR_OK;
}

static ar_status login(api_client *c, ar_error *err)
{
	api_request rq = {.method = "POST",
	                  .path = LOGIN_PATH,
	                  .body = NULL,
	                  .basic_auth = true,
	                  .max_answer = LOGIN_ANSWER_MAX};
	api_reply reply;
	char *token = NULL;
	long long exp, margin;
	ar_status st = send_paced(c, &rq, &reply, err);

	if (st != AR_OK)
		return ar_error_prefix(err, st, "login");
	if (reply.code != 200 || reply.len == 0) {
		st = ar_error_set(err, reply.code == 401 ? AR_E_ACCESS : AR_E_NETWORK,
		                  "login refused (HTTP %ld)", reply.code);
		secret_free(reply.body);
		return st;
	}
	st = api_login_read(reply.body, reply.len, (long long)time(NULL), &token, &exp, &margin,
	                    err);
	secret_free(reply.body);
	if (st != AR_OK)
		return st;
	set_token(c, token, exp, margin);
	store_token(c);
	return AR_OK;
}

ar_status api_client_call(api_client *c, const char *method, const char *path, const char *body,
                          size_t max_answer, api_reply *reply, ar_error *err)
{
	api_request rq = {.method = method,
	                  .path = path,
	                  .body = body,
	                  .basic_auth = false,
	                  .max_answer = max_answer};
	bool renewed = false;
	ar_status st;

	memset(reply, 0, sizeof(*reply));
	for (;;) {
		if (!token_good(c)) {
			set_token(c, NULL, 0, 0);
			st = login(c, err);
			if (st != AR_OK)
				return st;
			renewed = true;
		}
		st = send_paced(c, &rq, reply, err);
		/* A 401 with a token we did not just get: expired or revoked
		 * early. One new login, then the answer stands. */
		if (st != AR_OK || reply->code != 401 || renewed)
			return st;
		api_reply_free(reply);
		forget_token(c);
	}
}

ar_status api_client_open(const api_settings *s, const api_client_opts *o, api_client **out,
                          ar_error *err)
{
	api_client *c = calloc(1, sizeof(*c));
	ar_status st;

	*out = NULL;
	if (c == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	c->s = s;
	c->o = *o;
	st = curl_loader_open(&c->curl, err);
	if (st != AR_OK) {
		free(c);
		return st;
	}
	if (c->curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c->h = c->curl.easy_init()) == NULL ||
	    (o->max_per_minute > 0 &&
	     (c->stamps = calloc(o->max_per_minute, sizeof(*c->stamps))) == NULL)) {
		api_client_close(c);
		return ar_error_set(err, AR_E_NETWORK, "libcurl failed to start");
	}
	if ((c->binding = api_token_binding(s)) == NULL) {
		api_client_close(c);
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	if (s->ca_file == NULL)
		c->ca_system = ca_bundle_default(&c->curl, c->h, stderr);
	load_cached_token(c);
	*out = c;
	return AR_OK;
}

size_t api_client_requests(const api_client *c)
{
	return c->requests;
}

void api_reply_free(api_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

void api_client_close(api_client *c)
{
	if (c == NULL)
		return;
	set_token(c, NULL, 0, 0);
	if (c->h != NULL)
		c->curl.easy_cleanup(c->h);
	if (c->curl.handle != NULL || c->curl.global_cleanup != NULL) {
		c->curl.global_cleanup();
		curl_loader_close(&c->curl);
	}
	free(c->stamps);
	free(c->binding);
	free(c);
}
