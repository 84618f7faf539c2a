#include "sweep/sweep_fleet.h"

#include "report/api_items.h"
#include "sweep/sweep_alert.h"
#include "util/json_strict.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AGENT_FIELDS "id,name,version,status,os.platform"
/* Every title and registry of our control names this key; the rest of the
 * judgement is the active response's own. */
#define CHECK_QUERY "registry~LanmanWorkstation"
#define ID_MAX      16
#define NO_SCA_ENDPOINT                                                                            \
	"this Wazuh server API has no GET /sca (Wazuh 5.x removed it, and PUT /active-response): " \
	"in 5.x an Alerting monitor over the SCA states does the sweep's work (docs/wazuh5.md)"

/* What each answer may hold, refused past it before it is read: a page
 * of 500 agents of five fields each; an agent's policies (two fields
 * each); a page of checks on the key (each with its texts, compliance and
 * rules). Far above what a Wazuh server sends, far below what would cost
 * the sweep more than some tens of MiB. */
#define AGENTS_ANSWER_MAX   (2u * 1024u * 1024u)
#define POLICIES_ANSWER_MAX (256u * 1024u)
#define CHECKS_ANSWER_MAX   (4u * 1024u * 1024u)
static const json_limits agents_limits = {.max_values = 20000, .max_depth = 16};
static const json_limits policies_limits = {.max_values = 4096, .max_depth = 16};
static const json_limits checks_limits = {.max_values = 100000, .max_depth = 16};

/* GET the path built in sb (taken), the answer within max bytes. *code has
 * the HTTP status (0 when there was none to read). */
static ar_status get(api_client *api, strbuf *sb, size_t max, api_reply *r, ar_error *err)
{
	char *path = strbuf_take(sb, NULL);
	ar_status st;

	memset(r, 0, sizeof(*r));
	if (path == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	st = api_client_call(api, "GET", path, NULL, max, r, err);
	free(path);
	return st;
}

/* The answer's JSON when it is a 200 with a data object within lim; NULL
 * otherwise (a 200 that does not read). */
static cJSON *answer_json(long code, const char *body, size_t len, const json_limits *lim)
{
	cJSON *root = NULL;

	if (code != 200 || body == NULL ||
	    json_parse_limited(body, len, lim, &root, NULL) != AR_OK ||
	    json_get_object(root, "data") == NULL) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

bool fleet_page_read(const char *body, size_t len, fleet_page *page)
{
	const cJSON *data, *total;
	long long n = 0;

	memset(page, 0, sizeof(*page));
	page->root = answer_json(200, body, len, &agents_limits);
	if (page->root == NULL)
		return false;
	data = json_get_object(page->root, "data");
	page->items = json_get_array(data, "affected_items");
	total = cJSON_GetObjectItemCaseSensitive(data, "total_affected_items");
	page->total = json_whole_number(total, 0, 1e12, &n) ? (size_t)n : 0;
	return true;
}

/* GETs a page of agents (the path in sb, taken) into page; what names the
 * step in an error. */
static ar_status get_page(api_client *api, strbuf *sb, const char *what, fleet_page *page,
                          ar_error *err)
{
	api_reply r;
	ar_status st;

	memset(page, 0, sizeof(*page));
	st = get(api, sb, AGENTS_ANSWER_MAX, &r, err);
	if (st != AR_OK)
		ar_error_prefix(err, st, "%s", what);
	else if (r.code != 200 || !fleet_page_read(r.body, r.len, page))
		st = ar_error_set(err, AR_E_NETWORK, "%s: the API answered HTTP %ld%s", what,
		                  r.code == 200 ? 0 : r.code,
		                  r.code == 403 ? " (the user needs agent:read)" : "");
	api_reply_free(&r);
	return st;
}

ar_status fleet_list(api_client *api, const char *ids, size_t offset, fleet_page *page,
                     ar_error *err)
{
	strbuf sb = {0};

	strbuf_addf(&sb, "/agents?os.platform=windows&status=active&select=%s&limit=%d&offset=%zu",
	            AGENT_FIELDS, SWEEP_PAGE_MAX, offset);
	if (ids != NULL)
		strbuf_addf(&sb, "&agents_list=%s", ids);
	return get_page(api, &sb, "listing agents", page, err);
}

void fleet_page_free(fleet_page *page)
{
	cJSON_Delete(page->root);
	memset(page, 0, sizeof(*page));
}

static bool id_valid(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > ID_MAX)
		return false;
	return strspn(id, "0123456789") == n;
}

/* A part of a version: 1 to 4 digits (no overflow), else -1. */
static int version_part(const char *s, const char **end)
{
	size_t n = strspn(s, "0123456789");
	int v = 0;

	*end = s + n;
	if (n == 0 || n > 4)
		return -1;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

void fleet_version_read(const char *version, int *major, int *minor)
{
	const char *p;

	*major = *minor = -1;
	if (version == NULL)
		return;
	/* "Wazuh v4.14.7": the first number, a dot, the second. */
	p = version + strcspn(version, "0123456789");
	*major = version_part(p, &p);
	*minor = *major >= 0 && *p == '.' ? version_part(p + 1, &p) : -1;
	if (*minor < 0)
		*major = -1;
}

bool fleet_agent_read(const cJSON *item, fleet_agent *a)
{
	const char *status = json_get_string(item, "status");
	const char *platform = json_get_string(json_get_object(item, "os"), "platform");

	memset(a, 0, sizeof(*a));
	a->id = json_get_string(item, "id");
	a->name = json_get_string(item, "name");
	/* Fields left out are taken from the filter the list was asked with. */
	a->windows = platform == NULL || strcmp(platform, "windows") == 0;
	a->active = status == NULL || strcmp(status, "active") == 0;
	fleet_version_read(json_get_string(item, "version"), &a->major, &a->minor);
	return id_valid(a->id);
}

/* The first check of the answer the active response takes as its own. */
static cJSON *ours_among(const cJSON *checks, const char *policy_name, const char *command)
{
	const cJSON *check;
	sca_match_result m;

	cJSON_ArrayForEach (check, checks) {
		cJSON *alert = sweep_alert_build(check, policy_name);
		if (alert != NULL && sweep_alert_is_ours(alert, command, &m))
			return alert;
		cJSON_Delete(alert);
	}
	return NULL;
}

cJSON *fleet_checks_read(const char *body, size_t len, const char *policy_name, const char *command,
                         bool *readable)
{
	cJSON *root = answer_json(200, body, len, &checks_limits), *alert;

	/* An agent removed since its policies were read comes back in
	 * failed_items of a 200: not read, so not judged compliant. */
	*readable = root != NULL && !api_items_failed(root, NULL);
	alert = !*readable ? NULL
	                   : ours_among(json_get_array(json_get_object(root, "data"),
	                                               "affected_items"),
	                                policy_name, command);
	cJSON_Delete(root);
	return alert;
}

static ar_status policy_alert(api_client *api, const char *command, const char *agent_id,
                              const cJSON *policy, cJSON **alert, sweep_skip *why, ar_error *err)
{
	const char *pid = json_get_string(policy, "policy_id");
	const char *name = json_get_string(policy, "name");
	char *escaped = pid ? api_escape(pid) : NULL;
	strbuf sb = {0};
	api_reply r;
	bool readable = false;
	ar_status st;

	if (escaped == NULL || name == NULL) {
		free(escaped);
		return AR_OK; /* a policy without id or name cannot be asked about */
	}
	strbuf_addf(&sb, "/sca/%s/checks/%s?result=failed&q=%s&limit=%d", agent_id, escaped,
	            CHECK_QUERY, SWEEP_PAGE_MAX);
	st = get(api, &sb, CHECKS_ANSWER_MAX, &r, err);
	if (st == AR_OK && r.code == 200)
		*alert = fleet_checks_read(r.body, r.len, name, command, &readable);
	if (st == AR_OK && !readable)
		*why = SKIP_SCA_UNREADABLE;
	api_reply_free(&r);
	free(escaped);
	return st;
}

cJSON *fleet_policies_read(long code, const char *body, size_t len, const cJSON **policies,
                           sweep_skip *why)
{
	cJSON *root = answer_json(code, body, len, &policies_limits);
	const cJSON *data = json_get_object(root, "data");
	long long total = 0;

	*policies = json_get_array(data, "affected_items");
	*why = SKIP_REASONS;
	/* An agent the API does not know (removed since the listing) comes
	 * back in failed_items. */
	if (api_items_failed(root, NULL))
		*policies = NULL;
	if (*policies == NULL) {
		*why = SKIP_SCA_UNREADABLE;
	} else if (cJSON_GetArraySize(*policies) > SWEEP_POLICIES_MAX ||
	           (json_whole_number(
	                    cJSON_GetObjectItemCaseSensitive(data, "total_affected_items"), 0, 1e12,
	                    &total) &&
	            total > SWEEP_POLICIES_MAX)) {
		/* One agent holds up the fleet no longer than this many
		 * requests; a stock agent has one policy. */
		*policies = NULL;
		*why = SKIP_TOO_MANY_POLICIES;
	} else if (cJSON_GetArraySize(*policies) == 0) {
		*policies = NULL;
		*why = SKIP_NO_SCA;
	}
	return root;
}

ar_status fleet_failing_alert(api_client *api, const char *command, const char *agent_id,
                              cJSON **alert, sweep_skip *why, ar_error *err)
{
	strbuf sb = {0};
	cJSON *root = NULL;
	const cJSON *policies = NULL, *p;
	api_reply r;
	ar_status st;

	*alert = NULL;
	*why = SKIP_REASONS;
	/* One more than examined: an agent with more is told apart. */
	strbuf_addf(&sb, "/sca/%s?select=policy_id,name&limit=%d", agent_id,
	            SWEEP_POLICIES_MAX + 1);
	st = get(api, &sb, POLICIES_ANSWER_MAX, &r, err);
	if (st == AR_OK && r.code == 404)
		st = ar_error_set(err, AR_E_UNSUPPORTED, "%s", NO_SCA_ENDPOINT);
	if (st == AR_OK)
		root = fleet_policies_read(r.code, r.body, r.len, &policies, why);
	api_reply_free(&r);
	cJSON_ArrayForEach (p, policies) {
		if (st != AR_OK || *alert != NULL)
			break;
		st = policy_alert(api, command, agent_id, p, alert, why, err);
	}
	/* The control found failed: whatever another policy said. */
	if (*alert != NULL)
		*why = SKIP_REASONS;
	cJSON_Delete(root);
	return st;
}

ar_status fleet_lookup(api_client *api, const char *ids, fleet_page *page, ar_error *err)
{
	strbuf sb = {0};

	strbuf_addf(&sb, "/agents?agents_list=%s&select=%s&limit=%d", ids, AGENT_FIELDS,
	            SWEEP_PAGE_MAX);
	return get_page(api, &sb, "looking agents up", page, err);
}

sweep_skip fleet_agent_skip(const fleet_agent *a)
{
	if (!a->windows)
		return SKIP_NOT_WINDOWS;
	if (!a->active)
		return SKIP_NOT_ACTIVE;
	if (a->major < 0)
		return SKIP_VERSION_UNKNOWN;
	/* Older agents are sent a legacy string without the alert. */
	if (a->major < 4 || (a->major == 4 && a->minor < 2))
		return SKIP_OLD_AGENT;
	return SKIP_REASONS;
}
