/* What the sweep reads from the API besides a dispatch's answer: a page of
 * GET /agents, an agent's GET /sca/{agent_id} policies, a page of
 * GET /sca/{agent_id}/checks/{policy_id}; each within its limits, none
 * trusted for its shape. An agent read has a usable id and a version of
 * small numbers; policies to examine are never more than the sweep walks;
 * an alert found is one the active response takes. */
#include "sweep/sweep_alert.h"
#include "sweep/sweep_fleet.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void agents(const char *text, size_t size)
{
	fleet_page page;
	const cJSON *item;
	fleet_agent a;

	if (!fleet_page_read(text, size, &page)) {
		if (page.root != NULL)
			abort();
		return;
	}
	cJSON_ArrayForEach (item, page.items) {
		if (!fleet_agent_read(item, &a))
			continue;
		if (a.id == NULL || strlen(a.id) == 0 || strlen(a.id) > 16 ||
		    strspn(a.id, "0123456789") != strlen(a.id))
			abort(); /* what goes into a path is digits */
		if ((a.major < 0) != (a.minor < 0) || a.major > 9999 || a.minor > 9999)
			abort();
	}
	fleet_page_free(&page);
}

static void policies(const char *text, size_t size)
{
	const cJSON *p = NULL;
	sweep_skip why;
	cJSON *root = fleet_policies_read(200, text, size, &p, &why);

	if (p != NULL && (cJSON_GetArraySize(p) > SWEEP_POLICIES_MAX || why != SKIP_REASONS))
		abort(); /* one agent never costs more requests than that */
	if (p == NULL && why != SKIP_SCA_UNREADABLE && why != SKIP_TOO_MANY_POLICIES &&
	    why != SKIP_NO_SCA)
		abort();
	cJSON_Delete(root);
}

static void checks(const char *text, size_t size)
{
	bool readable = false;
	sca_match_result m;
	cJSON *alert = fleet_checks_read(text, size, "CIS Microsoft Windows 11 Enterprise",
	                                 "!x.exe", &readable);

	if (alert != NULL && (!readable || !sweep_alert_is_ours(alert, "!x.exe", &m)))
		abort();
	cJSON_Delete(alert);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	agents(text, size);
	policies(text, size);
	checks(text, size);
	free(text);
	return 0;
}
