/* Wazuh's RBAC (4.x) refuses a policy whose rule is the same as an
 * existing one's (4009) and names that must be unique, inside an HTTP 200
 * answer (data.failed_items): so nothing is created before the listing has
 * been read, and every answer goes through api_items_failed. */
#include "sweep/sweep_api_user.h"

#include "platform/platform.h"
#include "report/api_client.h"
#include "report/api_config.h"
#include "report/api_items.h"
#include "util/json_strict.h"
#include "util/secret.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_DONE     0
#define EXIT_FAILED   1
#define EXIT_USAGE    2
#define NAME_MAX_LEN  32 /* the API's users table: String(32) */
#define ADMIN_MAX_LEN 64
#define RESERVED_MAX  99 /* ids up to here are Wazuh's own (MAX_ID_RESERVED) */
#define PAGE          500
#define PAGES_MAX     100 /* a listing of more than 50 000 objects is not believed */
#define UNDO_MAX      8
#define STDIN_MAX     1024
#define STDIN_WAIT_MS 60000u
#define RETRY_MS      60000u
#define TIMEOUT_S     30
/* An answer of the security endpoints: a page of 500 users, roles or
 * policies is some 200 KiB; more is refused unread. */
#define ANSWER_MAX (2u * 1024u * 1024u)

static const json_limits answer_limits = {.max_values = 200000, .max_depth = 16};

static const char usage[] =
        "usage: " AR_PROGRAM_NAME "_sweep --setup-api-user --url URL [--ca-file FILE]\n"
        "         [--admin USER] [--user NAME] [--sweep] [--reset-password] NEW_PASSWORD_FILE\n"
        "       " AR_PROGRAM_NAME "_sweep --setup-api-user --url URL [--ca-file FILE]\n"
        "         [--admin USER] [--user NAME] [--sweep] --remove\n"
        "The admin's password is read as one line from standard input.\n";

/* The rule each user needs; the role and the policy are named after the
 * user ("ar-sweep": role and policy "ar_sweep"). */
static const char rule_report[] =
        "{\"actions\":[\"event:ingest\"],\"resources\":[\"*:*:*\"],\"effect\":\"allow\"}";
static const char rule_sweep[] = "{\"actions\":[\"agent:read\",\"sca:read\","
                                 "\"active-response:command\"],\"resources\":[\"agent:id:*\"],"
                                 "\"effect\":\"allow\"}";

typedef struct undo_step {
	const char *method;
	char *path;
	char *what;
} undo_step;

typedef struct setup {
	const char *url, *ca_file, *admin, *user, *pwfile;
	bool sweep, remove, reset;
	char role[NAME_MAX_LEN + 1];
	cJSON *rule;
	api_settings api;
	api_client *client;
	char *new_password; /* secret */
	bool logged_in;
	int stopped; /* the signal that stopped the run, 0: none */
	undo_step undo[UNDO_MAX];
	size_t n_undo;
	size_t changes;
	FILE *out, *err;
} setup;

/* The reason of a refusal that is not a 200: the API's own error code and
 * detail ({"title", "detail", "error"}), cut and escaped. */
static void http_reason(const cJSON *root, long http, char *buf, size_t len)
{
	const char *detail = json_get_string(root, "detail");
	long long code = 0;
	char *cut = text_cut(detail ? detail : json_get_string(root, "title"), 160);
	strbuf sb = {0};

	strbuf_addf(&sb, "HTTP %ld", http);
	if (json_whole_number(cJSON_GetObjectItemCaseSensitive(root, "error"), 1, 1e9, &code))
		strbuf_addf(&sb, ", code %lld", code);
	if (cut != NULL) {
		strbuf_adds(&sb, ": ");
		text_add_for_terminal(&sb, cut);
	}
	snprintf(buf, len, "%s", sb.buf != NULL ? sb.buf : "out of memory");
	strbuf_free(&sb);
	free(cut);
}

/* One request: AR_OK with *root (caller deletes) when the API did it, an
 * HTTP 200 with data and nothing in failed_items. Else the message names
 * the step and the API's own error. */
static ar_status call(setup *s, const char *step, const char *method, const char *path,
                      const char *body, cJSON **root, ar_error *err)
{
	api_reply r = {0};
	api_failure f;
	char why[sizeof(f.message) + 64];
	ar_status st = api_client_call(s->client, method, path, body, ANSWER_MAX, &r, err);

	*root = NULL;
	if (st != AR_OK)
		return ar_error_prefix(err, st, "%s", step);
	s->logged_in = true;
	if (json_parse_limited(r.body, r.len, &answer_limits, root, NULL) != AR_OK) {
		*root = NULL;
		http_reason(NULL, r.code, why, sizeof(why));
	} else if (r.code != 200) {
		http_reason(*root, r.code, why, sizeof(why));
	} else if (api_items_failed(*root, &f)) {
		api_failure_text(&f, why, sizeof(why));
		st = AR_E_ACCESS;
	} else if (json_get_object(*root, "data") == NULL) {
		snprintf(why, sizeof(why), "an answer without data");
		st = AR_E_INVALID;
	}
	if (st == AR_OK && (*root == NULL || r.code != 200))
		st = AR_E_NETWORK;
	api_reply_free(&r);
	if (st == AR_OK)
		return AR_OK;
	cJSON_Delete(*root);
	*root = NULL;
	return ar_error_set(err, st, "%s: the API refused it (%s)", step, why);
}

/* A step of the run that changes something: not begun once a stop signal
 * came. */
static ar_status change(setup *s, const char *step, const char *method, const char *path,
                        const char *body, cJSON **root, ar_error *err)
{
	int sig = platform_stop_requested();

	*root = NULL;
	if (sig != 0) {
		s->stopped = sig;
		return ar_error_set(err, AR_E_INVALID, "%s: not done, stopped by signal %d", step,
		                    sig);
	}
	return call(s, step, method, path, body, root, err);
}

/* The id of an object in an answer (its "id"); 0 when it has none. */
static long item_id(const cJSON *item)
{
	long long id = 0;
	return json_whole_number(cJSON_GetObjectItemCaseSensitive(item, "id"), 1, 1e9, &id)
	               ? (long)id
	               : 0;
}

/* The id of the object a create answered with (data.affected_items[0]). */
static long created_id(const cJSON *root)
{
	const cJSON *items = json_get_array(json_get_object(root, "data"), "affected_items");
	return cJSON_GetArraySize(items) == 1 ? item_id(cJSON_GetArrayItem(items, 0)) : 0;
}

static bool holds(const cJSON *item, const char *key, long id)
{
	const cJSON *it;

	cJSON_ArrayForEach (it, json_get_array(item, key)) {
		long long v = 0;
		if (json_whole_number(it, 1, 1e9, &v) && v == id)
			return true;
	}
	return false;
}

/* Every element of a is a string that b holds. */
static bool contained(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;

	cJSON_ArrayForEach (x, a) {
		bool found = false;
		if (!cJSON_IsString(x))
			return false;
		cJSON_ArrayForEach (y, b)
			found = found ||
			        (cJSON_IsString(y) && strcmp(x->valuestring, y->valuestring) == 0);
		if (!found)
			return false;
	}
	return true;
}

/* Two lists of strings hold the same strings, order and repeats aside. */
static bool same_set(const cJSON *a, const cJSON *b)
{
	return cJSON_IsArray(a) && cJSON_IsArray(b) && contained(a, b) && contained(b, a);
}

typedef struct match {
	const char *key;  /* the member compared with name, or NULL: the rule */
	const char *name; /* or */
	const cJSON *rule;
} match;

static bool matches(const cJSON *item, const match *m)
{
	const cJSON *p = json_get_object(item, "policy");
	const char *effect = json_get_string(p, "effect");

	if (m->key != NULL) {
		const char *v = json_get_string(item, m->key);
		return v != NULL && strcmp(v, m->name) == 0;
	}
	return effect != NULL && strcmp(effect, json_get_string(m->rule, "effect")) == 0 &&
	       same_set(json_get_array(p, "actions"), json_get_array(m->rule, "actions")) &&
	       same_set(json_get_array(p, "resources"), json_get_array(m->rule, "resources"));
}

/* The first object of the listing at base that matches, read page by page
 * (a copy in *found, caller deletes; NULL when there is none). */
static ar_status find(setup *s, const char *step, const char *base, const match *m, cJSON **found,
                      ar_error *err)
{
	size_t offset = 0;

	*found = NULL;
	for (int page = 0; page < PAGES_MAX; page++) {
		char path[256];
		cJSON *root;
		const cJSON *data, *items, *it;
		long long total = 0;
		size_t n;
		ar_status st;

		snprintf(path, sizeof(path), "%s?limit=%d&offset=%zu", base, PAGE, offset);
		st = call(s, step, "GET", path, NULL, &root, err);
		if (st != AR_OK)
			return st;
		data = json_get_object(root, "data");
		items = json_get_array(data, "affected_items");
		cJSON_ArrayForEach (it, items) {
			if (*found == NULL && matches(it, m))
				*found = cJSON_Duplicate(it, true);
		}
		(void)json_whole_number(
		        cJSON_GetObjectItemCaseSensitive(data, "total_affected_items"), 0, 1e9,
		        &total);
		n = (size_t)cJSON_GetArraySize(items);
		offset += n;
		cJSON_Delete(root);
		if (*found != NULL || n == 0 || offset >= (size_t)total)
			return AR_OK;
	}
	return ar_error_set(err, AR_E_TOO_LARGE, "%s: more than %d pages of %d", step, PAGES_MAX,
	                    PAGE);
}

static void forget_last(setup *s)
{
	undo_step *u = &s->undo[--s->n_undo];

	free(u->path);
	free(u->what);
}

/* What undoes a step this run made (method on path), kept until the run
 * ends. */
static ar_status remember(setup *s, const char *method, const char *path, const char *what,
                          ar_error *err)
{
	undo_step *u = &s->undo[s->n_undo];

	s->changes++;
	if (s->n_undo == UNDO_MAX)
		return ar_error_set(err, AR_E_INVALID, "too many steps to undo");
	u->method = method;
	u->path = strdup(path);
	u->what = strdup(what);
	if (u->path == NULL || u->what == NULL) {
		free(u->path);
		free(u->what);
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	s->n_undo++;
	return AR_OK;
}

static void say(setup *s, const char *fmt, ...) AR_PRINTF(2, 3);

static void say(setup *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(s->out, fmt, ap);
	va_end(ap);
	fputc('\n', s->out);
	fflush(s->out);
}

/* The name of an object found (from the API), for a terminal. */
static void say_found(setup *s, const char *kind, const cJSON *item, const char *key,
                      const char *tail)
{
	strbuf sb = {0};

	text_add_for_terminal(&sb, json_get_string(item, key));
	say(s, "%s %ld (%s) found%s", kind, item_id(item), sb.buf ? sb.buf : "?", tail);
	strbuf_free(&sb);
}

static ar_status ensure_policy(setup *s, long *id, ar_error *err)
{
	match by_rule = {.rule = s->rule}, by_name = {.key = "name", .name = s->role};
	cJSON *found = NULL, *root = NULL, *body = NULL;
	char *text = NULL;
	ar_status st = find(s, "reading the policies", "/security/policies", &by_rule, &found, err);

	if (st == AR_OK && found != NULL) {
		*id = item_id(found);
		say_found(s, "policy", found, "name", " with the rule needed: reused");
		cJSON_Delete(found);
		return AR_OK;
	}
	if (st == AR_OK)
		st = find(s, "reading the policies", "/security/policies", &by_name, &found, err);
	if (st == AR_OK && found != NULL)
		st = ar_error_set(err, AR_E_INVALID,
		                  "creating policy %s: a policy of that name holds another rule "
		                  "(remove it, or give another --user)",
		                  s->role);
	cJSON_Delete(found);
	if (st != AR_OK)
		return st;
	body = cJSON_CreateObject();
	if (cJSON_AddStringToObject(body, "name", s->role) &&
	    cJSON_AddItemToObject(body, "policy", cJSON_Duplicate(s->rule, true)))
		text = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	st = text ? change(s, "creating the policy", "POST", "/security/policies", text, &root, err)
	          : ar_error_set(err, AR_E_NOMEM, "out of memory");
	free(text);
	if (st == AR_OK && (*id = created_id(root)) == 0)
		st = ar_error_set(err, AR_E_INVALID, "creating the policy: no id in the answer");
	cJSON_Delete(root);
	if (st == AR_OK) {
		char path[64];
		snprintf(path, sizeof(path), "/security/policies?policy_ids=%ld", *id);
		say(s, "policy %ld (%s) created", *id, s->role);
		st = remember(s, "DELETE", path, "the policy it created", err);
	}
	return st;
}

/* The role or user of the name (*item, caller deletes), or one made now
 * (body: its JSON). base is "/security/roles" or "/security/users". */
static ar_status ensure_named(setup *s, const char *kind, const char *base, const char *key,
                              const char *name, const char *body, cJSON **item, bool *made,
                              ar_error *err)
{
	match by_name = {.key = key, .name = name};
	char step[64], undo[96], path[64];
	cJSON *root = NULL;
	long id = 0;
	ar_status st;

	*made = false;
	snprintf(step, sizeof(step), "reading the %ss", kind);
	st = find(s, step, base, &by_name, item, err);
	if (st == AR_OK && *item != NULL && item_id(*item) <= RESERVED_MAX)
		st = ar_error_set(err, AR_E_INVALID,
		                  "%s %s is one of Wazuh's own (id %ld): not used", kind, name,
		                  item_id(*item));
	if (st == AR_OK && *item != NULL)
		say_found(s, kind, *item, key, "");
	if (st != AR_OK || *item != NULL)
		return st;
	snprintf(step, sizeof(step), "creating the %s", kind);
	st = body != NULL ? change(s, step, "POST", base, body, &root, err)
	                  : ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (st == AR_OK && (id = created_id(root)) == 0)
		st = ar_error_set(err, AR_E_INVALID, "%s: no id in the answer", step);
	cJSON_Delete(root);
	if (st != AR_OK)
		return st;
	say(s, "%s %ld (%s) created", kind, id, name);
	*made = true;
	snprintf(path, sizeof(path), "%s?%s_ids=%ld", base, kind, id);
	snprintf(undo, sizeof(undo), "the %s it created", kind);
	*item = cJSON_CreateObject();
	if (*item == NULL || cJSON_AddNumberToObject(*item, "id", (double)id) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	return remember(s, "DELETE", path, undo, err);
}

/* The link from holder (a role or user, as found) to the object of id
 * (a policy or role), made unless it is there. */
static ar_status ensure_link(setup *s, const char *holder, const cJSON *item, const char *held,
                             long id, ar_error *err)
{
	const char *list = strcmp(held, "policy") == 0 ? "policies" : "roles";
	char path[96], step[96], what[128];
	long hid = item_id(item);
	cJSON *root = NULL;
	ar_status st;

	if (holds(item, list, id)) {
		say(s, "%s %ld holds %s %ld already", holder, hid, held, id);
		return AR_OK;
	}
	snprintf(path, sizeof(path), "/security/%ss/%ld/%s?%s_ids=%ld", holder, hid, list, held,
	         id);
	snprintf(step, sizeof(step), "linking %s %ld to %s %ld", held, id, holder, hid);
	st = change(s, step, "POST", path, NULL, &root, err);
	cJSON_Delete(root);
	if (st != AR_OK)
		return st;
	say(s, "%s %ld linked to %s %ld", held, id, holder, hid);
	snprintf(what, sizeof(what), "the link of %s %ld to %s %ld", held, id, holder, hid);
	return remember(s, "DELETE", path, what, err);
}

/* {"username": ..., "password": ...} or {"password": ...}; a secret. */
static char *user_body(const setup *s, bool with_name)
{
	cJSON *o = cJSON_CreateObject();
	char *text = NULL;

	if (o != NULL && (!with_name || cJSON_AddStringToObject(o, "username", s->user)) &&
	    cJSON_AddStringToObject(o, "password", s->new_password))
		text = cJSON_PrintUnformatted(o);
	if (o != NULL && cJSON_GetObjectItemCaseSensitive(o, "password") != NULL)
		secret_wipe(cJSON_GetObjectItemCaseSensitive(o, "password")->valuestring,
		            strlen(s->new_password));
	cJSON_Delete(o);
	return text;
}

/* The password of a user found, set when asked (--reset-password) and
 * left as it is otherwise. Last of the steps: it cannot be undone. */
static ar_status password(setup *s, const cJSON *user, bool created, ar_error *err)
{
	char path[64];
	char *body;
	cJSON *root = NULL;
	ar_status st;

	if (created)
		return AR_OK;
	if (!s->reset) {
		say(s, "user %ld: password left as it is (--reset-password sets it)",
		    item_id(user));
		return AR_OK;
	}
	snprintf(path, sizeof(path), "/security/users/%ld", item_id(user));
	body = user_body(s, false);
	st = body ? change(s, "setting the user's password", "PUT", path, body, &root, err)
	          : ar_error_set(err, AR_E_NOMEM, "out of memory");
	secret_free(body);
	cJSON_Delete(root);
	if (st == AR_OK) {
		s->changes++;
		say(s, "user %ld: password set", item_id(user));
	}
	return st;
}

static ar_status converge(setup *s, ar_error *err)
{
	cJSON *role = NULL, *user = NULL;
	char *body = NULL;
	long policy = 0;
	bool made = false;
	ar_status st = ensure_policy(s, &policy, err);
	cJSON *role_body = cJSON_CreateObject();

	if (st == AR_OK && cJSON_AddStringToObject(role_body, "name", s->role))
		body = cJSON_PrintUnformatted(role_body);
	cJSON_Delete(role_body);
	if (st == AR_OK)
		st = ensure_named(s, "role", "/security/roles", "name", s->role, body, &role, &made,
		                  err);
	free(body);
	if (st == AR_OK)
		st = ensure_link(s, "role", role, "policy", policy, err);
	body = st == AR_OK ? user_body(s, true) : NULL;
	if (st == AR_OK)
		st = ensure_named(s, "user", "/security/users", "username", s->user, body, &user,
		                  &made, err);
	secret_free(body);
	if (st == AR_OK)
		st = ensure_link(s, "user", user, "role", item_id(role), err);
	if (st == AR_OK)
		st = password(s, user, made, err);
	if (st == AR_OK)
		say(s, "user %s (id %ld) holds role %s (id %ld) with policy %ld: %s; %s", s->user,
		    item_id(user), s->role, item_id(role), policy,
		    s->sweep ? "agent:read, sca:read, active-response:command"
		             : "event:ingest only",
		    s->changes ? "done" : "nothing changed");
	cJSON_Delete(role);
	cJSON_Delete(user);
	return st;
}

/* DELETE base?<kind>_ids=id, said. */
static ar_status remove_one(setup *s, const char *kind, const char *base, long id, ar_error *err)
{
	char path[96], step[64];
	cJSON *root = NULL;
	ar_status st;

	snprintf(path, sizeof(path), "%s?%s_ids=%ld", base, kind, id);
	snprintf(step, sizeof(step), "removing %s %ld", kind, id);
	st = change(s, step, "DELETE", path, NULL, &root, err);
	cJSON_Delete(root);
	if (st == AR_OK) {
		s->changes++;
		say(s, "%s %ld removed", kind, id);
	}
	return st;
}

/* The user and role of the names, and the policy named after the role
 * once no role holds it: never one of Wazuh's own (ids up to 99), never a
 * policy of another name (a stock one this run's rule matched). */
static ar_status take_out(setup *s, ar_error *err)
{
	match user = {.key = "username", .name = s->user}, role = {.key = "name", .name = s->role};
	cJSON *found = NULL;
	ar_status st = find(s, "reading the users", "/security/users", &user, &found, err);

	if (st == AR_OK && found != NULL && item_id(found) > RESERVED_MAX)
		st = remove_one(s, "user", "/security/users", item_id(found), err);
	cJSON_Delete(found);
	if (st == AR_OK)
		st = find(s, "reading the roles", "/security/roles", &role, &found, err);
	if (st == AR_OK && found != NULL && item_id(found) > RESERVED_MAX)
		st = remove_one(s, "role", "/security/roles", item_id(found), err);
	cJSON_Delete(found);
	found = NULL;
	if (st == AR_OK)
		st = find(s, "reading the policies", "/security/policies", &role, &found, err);
	if (st == AR_OK && found != NULL && item_id(found) > RESERVED_MAX) {
		if (cJSON_GetArraySize(json_get_array(found, "roles")) == 0)
			st = remove_one(s, "policy", "/security/policies", item_id(found), err);
		else
			say(s, "policy %ld (%s) left: other roles hold it", item_id(found),
			    s->role);
	}
	cJSON_Delete(found);
	if (st == AR_OK && s->changes == 0)
		say(s, "nothing to remove: no user %s, no role or policy %s made by this script",
		    s->user, s->role);
	return st;
}

/* Takes back what this run made, last first; says what it could not. */
static void undo_all(setup *s)
{
	if (s->n_undo > 0)
		fprintf(s->err, "api-user: taking back what this run made\n");
	while (s->n_undo > 0) {
		undo_step *u = &s->undo[s->n_undo - 1];
		ar_error e = {0};
		cJSON *root = NULL;

		if (call(s, "undoing", u->method, u->path, NULL, &root, &e) == AR_OK)
			fprintf(s->err, "api-user: undone: %s\n", u->what);
		else
			fprintf(s->err, "api-user: could not undo %s (%s): %s\n", u->what, u->path,
			        e.msg);
		cJSON_Delete(root);
		forget_last(s);
	}
}

/* The admin's token revoked (DELETE /security/user/authenticate). */
static bool logout(setup *s)
{
	api_reply r = {0};
	ar_error e = {0};
	bool ok;

	if (!s->logged_in)
		return true;
	ok = api_client_call(s->client, "DELETE", "/security/user/authenticate", NULL, ANSWER_MAX,
	                     &r, &e) == AR_OK &&
	     r.code == 200;
	api_reply_free(&r);
	if (!ok)
		fprintf(s->err, "api-user: could not revoke the admin's token (it expires by "
		                "itself)\n");
	return ok;
}

/* The options; EXIT_USAGE (said) when they do not make a run. */
static int parse_args(int argc, char **argv, setup *s)
{
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char **value = strcmp(a, "--url") == 0       ? &s->url
		                     : strcmp(a, "--ca-file") == 0 ? &s->ca_file
		                     : strcmp(a, "--admin") == 0   ? &s->admin
		                     : strcmp(a, "--user") == 0    ? &s->user
		                                                   : NULL;
		bool *flag = strcmp(a, "--sweep") == 0            ? &s->sweep
		             : strcmp(a, "--remove") == 0         ? &s->remove
		             : strcmp(a, "--reset-password") == 0 ? &s->reset
		                                                  : NULL;
		if (value != NULL && i + 1 < argc)
			*value = argv[++i];
		else if (flag != NULL)
			*flag = true;
		else if (a[0] != '-' && s->pwfile == NULL)
			s->pwfile = a;
		else
			return fprintf(s->err, "api-user: %s: %s\n%s",
			               value ? "missing value for" : "unknown option", a, usage),
			       EXIT_USAGE;
	}
	if (s->user == NULL)
		s->user = s->sweep ? "ar-sweep" : "ar-reporter";
	if (s->admin == NULL)
		s->admin = "wazuh";
	if (s->url == NULL || (s->pwfile == NULL) != s->remove || (s->remove && s->reset))
		return fprintf(s->err, "api-user: %s\n%s",
		               s->url == NULL ? "--url is required"
		               : s->remove ? "--remove takes no password file nor --reset-password"
		                           : "the new user's password file is required",
		               usage),
		       EXIT_USAGE;
	return EXIT_DONE;
}

/* The user's name: what a role and a policy may be named too, once its
 * '-' are '_' ("ar-sweep": "ar_sweep"). */
static bool name_valid(setup *s)
{
	size_t n = strlen(s->user);

	if (n == 0 || n > NAME_MAX_LEN ||
	    strspn(s->user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                    "0123456789_-.") != n)
		return false;
	for (size_t i = 0; i <= n; i++)
		s->role[i] = s->user[i] == '-' ? '_' : s->user[i];
	return strcmp(s->user, s->admin) != 0 && strlen(s->admin) <= ADMIN_MAX_LEN;
}

/* The admin's password: one line of standard input, read within a bound. */
static ar_status read_admin_password(char *buf, size_t cap, ar_error *err)
{
	size_t len = 0, got = 0;
	uint64_t deadline = platform_monotonic_ms() + STDIN_WAIT_MS;

	do {
		uint64_t now = platform_monotonic_ms();
		ar_status st = now >= deadline
		                       ? ar_error_set(err, AR_E_TIMEOUT, "no password")
		                       : platform_read_timed(stdin, buf + len, cap - 1 - len,
		                                             (unsigned)(deadline - now), &got, err);
		if (st != AR_OK)
			return ar_error_prefix(err, st, "the admin's password on standard input");
		len += got;
		buf[len] = '\0';
	} while (got > 0 && len < cap - 1 && strchr(buf, '\n') == NULL);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0')
		return ar_error_set(err, AR_E_INVALID,
		                    "the admin's password: none on standard input");
	return AR_OK;
}

/* The admin's settings and the new user's password, read through the
 * configuration's own rules (https://, a private password file). */
static ar_status settings(setup *s, const char *admin_pw, ar_error *err)
{
	cJSON *api = cJSON_CreateObject(), *user = cJSON_CreateObject();
	api_settings new_user = {0};
	ar_status st = AR_OK;

	if (api == NULL || user == NULL || !cJSON_AddStringToObject(api, "url", s->url) ||
	    !cJSON_AddStringToObject(api, "user", s->admin) ||
	    !cJSON_AddStringToObject(api, "password", admin_pw) ||
	    !cJSON_AddNumberToObject(api, "timeout_seconds", TIMEOUT_S) ||
	    (s->ca_file && !cJSON_AddStringToObject(api, "ca_file", s->ca_file)) ||
	    !cJSON_AddStringToObject(user, "url", s->url) ||
	    !cJSON_AddStringToObject(user, "user", s->user) ||
	    (s->pwfile && !cJSON_AddStringToObject(user, "password_file", s->pwfile)))
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (st == AR_OK)
		st = api_settings_parse(api, &s->api, err);
	if (st == AR_OK && s->pwfile != NULL) {
		st = api_settings_parse(user, &new_user, err);
		if (st != AR_OK)
			ar_error_prefix(err, st, "the new user's password file");
		s->new_password = new_user.password;
		new_user.password = NULL;
		api_settings_clear(&new_user);
	}
	if (cJSON_GetObjectItemCaseSensitive(api, "password") != NULL)
		secret_wipe(cJSON_GetObjectItemCaseSensitive(api, "password")->valuestring,
		            strlen(admin_pw));
	cJSON_Delete(api);
	cJSON_Delete(user);
	return st;
}

static int run(setup *s)
{
	api_client_opts o = {.retry_ms = RETRY_MS};
	ar_error e = {0};
	ar_status st = api_client_open(&s->api, &o, &s->client, &e);
	int code;

	if (st == AR_OK)
		st = s->remove ? take_out(s, &e) : converge(s, &e);
	if (st != AR_OK) {
		strbuf line = {0};
		text_add_for_terminal(&line, e.msg);
		fprintf(s->err, "api-user: %s\n", line.buf != NULL ? line.buf : "out of memory");
		strbuf_free(&line);
	}
	if (st != AR_OK)
		undo_all(s);
	while (s->n_undo > 0)
		forget_last(s);
	code = st == AR_OK ? EXIT_DONE : EXIT_FAILED;
	if (!logout(s) && code == EXIT_DONE)
		code = EXIT_FAILED;
	if (s->stopped == 0)
		s->stopped = platform_stop_requested();
	return s->stopped != 0 ? 128 + s->stopped : code;
}

int sweep_api_user_main(int argc, char **argv, FILE *out, FILE *err)
{
	setup s = {.out = out, .err = err};
	char admin_pw[STDIN_MAX];
	ar_error e = {0};
	int code;

	platform_keep_secrets_from_dumps();
	platform_hold_stop_signals();
	code = parse_args(argc, argv, &s);
	if (code != EXIT_DONE)
		return code;
	if (!name_valid(&s)) {
		fprintf(err,
		        "api-user: the user's name must be 1 to %d letters, digits, '_', '-' or "
		        "'.', and not the admin's\n",
		        NAME_MAX_LEN);
		return EXIT_USAGE;
	}
	s.rule = cJSON_Parse(s.sweep ? rule_sweep : rule_report);
	if (read_admin_password(admin_pw, sizeof(admin_pw), &e) != AR_OK ||
	    settings(&s, admin_pw, &e) != AR_OK || s.rule == NULL) {
		secret_wipe(admin_pw, sizeof(admin_pw));
		fprintf(err, "api-user: %s\n", s.rule ? e.msg : "out of memory");
		cJSON_Delete(s.rule);
		api_settings_clear(&s.api);
		secret_free(s.new_password);
		return EXIT_USAGE;
	}
	secret_wipe(admin_pw, sizeof(admin_pw));
	code = run(&s);
	api_client_close(s.client);
	api_settings_clear(&s.api);
	secret_free(s.new_password);
	cJSON_Delete(s.rule);
	return code;
}
