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

/* GET the path built in sb (taken); the answer's JSON when it is a 200 with
 * a data object. *code has the HTTP status (0 when there was none to read);
 * a refusal leaves *root NULL. */
static ar_status get_json(api_client *api, strbuf *sb, cJSON **root, long *code, ar_error *err)
{
	char *path = strbuf_take(sb, NULL);
	api_reply r = {0};
	ar_status st;

	*root = NULL;
	*code = 0;
	if (path == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	st = api_client_call(api, "GET", path, NULL, &r, err);
	free(path);
	*code = r.code;
	if (st == AR_OK && r.code == 200 &&
	    (json_parse_strict(r.body, r.len, root, NULL) != AR_OK ||
	     json_get_object(*root, "data") == NULL)) {
		cJSON_Delete(*root);
		*root = NULL;
		*code = 0; /* a 200 that does not read */
	}
	api_reply_free(&r);
	return st;
}

ar_status fleet_list(api_client *api, const char *ids, size_t offset, fleet_page *page,
                     ar_error *err)
{
	strbuf sb = {0};
	long code;
	ar_status st;
	const cJSON *data, *total;
	long long n = 0;

	memset(page, 0, sizeof(*page));
	strbuf_addf(&sb, "/agents?os.platform=windows&status=active&select=%s&limit=%d&offset=%zu",
	            AGENT_FIELDS, SWEEP_PAGE_MAX, offset);
	if (ids != NULL)
		strbuf_addf(&sb, "&agents_list=%s", ids);
	st = get_json(api, &sb, &page->root, &code, err);
	if (st == AR_OK && page->root == NULL)
		st = ar_error_set(err, AR_E_NETWORK, "listing agents: the API answered HTTP %ld%s",
		                  code, code == 403 ? " (the user needs agent:read)" : "");
	if (st != AR_OK)
		return st;
	data = json_get_object(page->root, "data");
	page->items = json_get_array(data, "affected_items");
	total = cJSON_GetObjectItemCaseSensitive(data, "total_affected_items");
	page->total = json_whole_number(total, 0, 1e12, &n) ? (size_t)n : 0;
	return AR_OK;
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

bool fleet_agent_read(const cJSON *item, fleet_agent *a)
{
	const char *version = json_get_string(item, "version");
	const char *status = json_get_string(item, "status");
	const char *platform = json_get_string(json_get_object(item, "os"), "platform");

	memset(a, 0, sizeof(*a));
	a->id = json_get_string(item, "id");
	a->name = json_get_string(item, "name");
	/* Fields left out are taken from the filter the list was asked with. */
	a->windows = platform == NULL || strcmp(platform, "windows") == 0;
	a->active = status == NULL || strcmp(status, "active") == 0;
	a->major = a->minor = -1;
	/* "Wazuh v4.14.7" */
	if (version != NULL &&
	    sscanf(version + strcspn(version, "0123456789"), "%d.%d", &a->major, &a->minor) != 2)
		a->major = a->minor = -1;
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

static ar_status policy_alert(api_client *api, const char *command, const char *agent_id,
                              const cJSON *policy, cJSON **alert, sweep_skip *why, ar_error *err)
{
	const char *pid = json_get_string(policy, "policy_id");
	const char *name = json_get_string(policy, "name");
	char *escaped = pid ? api_escape(pid) : NULL;
	strbuf sb = {0};
	cJSON *root = NULL;
	long code;
	ar_status st;

	if (escaped == NULL || name == NULL) {
		free(escaped);
		return AR_OK; /* a policy without id or name cannot be asked about */
	}
	strbuf_addf(&sb, "/sca/%s/checks/%s?result=failed&q=%s&limit=%d", agent_id, escaped,
	            CHECK_QUERY, SWEEP_PAGE_MAX);
	st = get_json(api, &sb, &root, &code, err);
	/* An agent removed since its policies were read comes back in
	 * failed_items of a 200: not read, so not judged compliant. */
	if (st == AR_OK && (root == NULL || api_items_failed(root, NULL)))
		*why = SKIP_SCA_UNREADABLE;
	else if (st == AR_OK)
		*alert = ours_among(json_get_array(json_get_object(root, "data"), "affected_items"),
		                    name, command);
	cJSON_Delete(root);
	free(escaped);
	return st;
}

ar_status fleet_failing_alert(api_client *api, const char *command, const char *agent_id,
                              cJSON **alert, sweep_skip *why, ar_error *err)
{
	strbuf sb = {0};
	cJSON *root = NULL;
	const cJSON *policies, *p;
	long code;
	ar_status st;

	*alert = NULL;
	*why = SKIP_REASONS;
	strbuf_addf(&sb, "/sca/%s?select=policy_id,name&limit=%d", agent_id, SWEEP_PAGE_MAX);
	st = get_json(api, &sb, &root, &code, err);
	if (st == AR_OK && code == 404)
		st = ar_error_set(err, AR_E_UNSUPPORTED, "%s", NO_SCA_ENDPOINT);
	policies = json_get_array(json_get_object(root, "data"), "affected_items");
	/* An agent the API does not know (removed since the listing) comes
	 * back in failed_items. */
	if (api_items_failed(root, NULL))
		policies = NULL;
	if (st == AR_OK && policies == NULL)
		*why = SKIP_SCA_UNREADABLE;
	else if (st == AR_OK && cJSON_GetArraySize(policies) == 0)
		*why = SKIP_NO_SCA;
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
	long code;
	ar_status st;

	memset(page, 0, sizeof(*page));
	strbuf_addf(&sb, "/agents?agents_list=%s&select=%s&limit=%d", ids, AGENT_FIELDS,
	            SWEEP_PAGE_MAX);
	st = get_json(api, &sb, &page->root, &code, err);
	if (st == AR_OK && page->root == NULL)
		st = ar_error_set(err, AR_E_NETWORK,
		                  "looking agents up: the API answered HTTP %ld%s", code,
		                  code == 403 ? " (the user needs agent:read)" : "");
	if (st == AR_OK)
		page->items = json_get_array(json_get_object(page->root, "data"), "affected_items");
	return st;
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
