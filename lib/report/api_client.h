/* A small client of the Wazuh server API, shared by the reporter and the
 * sweep: HTTPS through libcurl with peer and host verification always on,
 * the login (POST /security/user/authenticate, basic auth) and its token,
 * renewed before it runs out and once more after a 401, and the API's rate
 * limit kept on the client side. The token kept between runs is bound to
 * the server and user it was issued for; no proxy but api.proxy; every
 * answer capped by its call. No secret ever reaches a message. */
#ifndef API_CLIENT_H
#define API_CLIENT_H

#include "report/api_config.h"
#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct api_client api_client;

typedef struct api_client_opts {
	const char *token_file;  /* the token kept here between runs (owner-only), or NULL */
	uint64_t deadline_ms;    /* platform_monotonic_ms() past which nothing is sent; 0: none */
	unsigned max_per_minute; /* never more requests in any 60 s than this; 0: unpaced */
	unsigned retry_ms;       /* how long 429 and 503 answers are waited out per call; 0: not */
} api_client_opts;

typedef struct api_reply {
	long code;  /* the HTTP status */
	char *body; /* NUL-terminated, possibly empty; owned */
	size_t len;
} api_reply;

/* Loads libcurl and prepares one connection, reused from call to call.
 * Nothing is sent yet. */
ar_status api_client_open(const api_settings *s, const api_client_opts *o, api_client **out,
                          ar_error *err);

/* One request with the login token: logs in first when there is no token
 * good for a while yet, and once more when the answer is 401. path holds
 * the query ("/agents?limit=500"); body is JSON or NULL. An answer over
 * max_answer bytes is refused as it comes (AR_E_NETWORK), before anything
 * reads it: each call takes what its answer needs. Every request counts
 * against max_per_minute, logins and retries included. AR_OK means an
 * HTTP answer came, whatever its status (in reply->code); a refused login
 * is AR_E_ACCESS. */
ar_status api_client_call(api_client *c, const char *method, const char *path, const char *body,
                          size_t max_answer, api_reply *reply, ar_error *err);

/* The requests sent so far (logins, 401s, 429s and retries included). */
size_t api_client_requests(const api_client *c);

void api_reply_free(api_reply *r);
void api_client_close(api_client *c);

/* The "exp" claim of a JWT (seconds since 1970), or 0 when unreadable. */
long long api_jwt_exp(const char *token);

/* The login's answer (?raw=true: the bare JWT, one line): the token
 * (allocated, a secret) and when to take it as expired, its expiry less
 * *margin (1 s to a minute); an expiry unreadable or past is taken as
 * now + 900 s (the API's default). AR_E_NETWORK when it is not a token. */
ar_status api_login_read(const char *body, size_t len, long long now, char **token, long long *exp,
                         long long *margin, ar_error *err);

/* What a token is bound to: the server (api.url: scheme, host, port) and
 * the user it was issued for, as the token cache's third line holds it
 * (both escaped as by api_escape, a space between); caller frees. */
char *api_token_binding(const api_settings *s);

/* The token file's text, "<exp>\n<token>\n<binding>\n" (a secret). */
char *api_token_cache_text(const char *token, long long exp, const char *binding);

/* The token file's text as the client writes it: the token (allocated, a
 * secret: free it with secret_free) and its expiry, in seconds since 1970
 * and below 1e15 as api_jwt_exp reads one. AR_E_INVALID when it holds no
 * token or no such time, or when it was issued for another binding than
 * the one given (another server, another scheme, another user). */
ar_status api_token_cache_parse(const char *text, const char *binding, char **token, long long *exp,
                                ar_error *err);

/* s with every byte but ALPHA / DIGIT / "-._~" percent-encoded, for a path
 * segment or a query value; caller frees (NULL when out of memory). */
char *api_escape(const char *s);

#endif
