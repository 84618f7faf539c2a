/* The fleet as the Wazuh server API shows it (4.x): the active Windows
 * agents, page by page (GET /agents), and for one agent its SCA policies
 * (GET /sca/{agent_id}) and their failed checks that test the client
 * signing key (GET /sca/{agent_id}/checks/{policy_id}): one request per
 * agent and one per policy until one shows the control failed (two for an
 * agent with one policy, three for a Windows 11 host, which runs two). */
#ifndef SWEEP_FLEET_H
#define SWEEP_FLEET_H

#include "report/api_client.h"
#include "sweep/sweep_summary.h"
#include "util/ar_error.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define SWEEP_PAGE_MAX     500 /* the API's default and advised page size */
#define SWEEP_POLICIES_MAX 16  /* policies examined per agent (a stock agent has one) */

typedef struct fleet_page {
	cJSON *root;        /* owned */
	const cJSON *items; /* data.affected_items */
	size_t total;       /* data.total_affected_items */
} fleet_page;

typedef struct fleet_agent {
	const char *id; /* borrowed from the page */
	const char *name;
	bool windows, active;
	int major, minor; /* -1 when the version is unknown */
} fleet_agent;

/* One page of active Windows agents from offset; only those of ids (a
 * comma-separated list, at most 500) when ids is not NULL. */
ar_status fleet_list(api_client *api, const char *ids, size_t offset, fleet_page *page,
                     ar_error *err);
void fleet_page_free(fleet_page *page);

/* The agents of ids (a comma-separated list, at most 500), whatever their
 * system and status: the ids the API does not know are not in the page. */
ar_status fleet_lookup(api_client *api, const char *ids, fleet_page *page, ar_error *err);

/* A GET /agents answer (a 200's body) into page: false when it does not
 * read (not JSON, over its limits, no data object). */
bool fleet_page_read(const char *body, size_t len, fleet_page *page);

/* A GET /sca/{agent_id} answer with its HTTP status: the JSON (the caller
 * deletes it; NULL when it does not read) and in it the policies to
 * examine, NULL when there are none to examine; *why then says why
 * (SKIP_SCA_UNREADABLE, SKIP_NO_SCA, SKIP_TOO_MANY_POLICIES). */
cJSON *fleet_policies_read(long code, const char *body, size_t len, const cJSON **policies,
                           sweep_skip *why);

/* A GET /sca/{agent_id}/checks/{policy_id} answer (a 200's body): the
 * alert for the first check the active response takes as its own, or
 * NULL; *readable false when the answer does not read. */
cJSON *fleet_checks_read(const char *body, size_t len, const char *policy_name, const char *command,
                         bool *readable);

/* An agent's version as the API writes it ("Wazuh v4.14.7"): its major
 * and minor numbers, both -1 when it does not read. */
void fleet_version_read(const char *version, int *major, int *minor);

/* Reads an agent of a page; false when it has no usable id. */
bool fleet_agent_read(const cJSON *item, fleet_agent *a);

/* Why the agent cannot be dispatched to (not Windows, not active, its
 * version unknown or before 4.2); SKIP_REASONS when it can. */
sweep_skip fleet_agent_skip(const fleet_agent *a);

/* The alert for the agent's failed check of our control, recognised as
 * the active response recognises it, in whichever of its policies it is
 * (at most SWEEP_POLICIES_MAX); *alert is NULL when there is none, and
 * *why is then SKIP_NO_SCA, SKIP_SCA_UNREADABLE or SKIP_TOO_MANY_POLICIES
 * when the agent could not be judged (SKIP_REASONS otherwise). Errors are
 * those that stop the sweep. */
ar_status fleet_failing_alert(api_client *api, const char *command, const char *agent_id,
                              cJSON **alert, sweep_skip *why, ar_error *err);

#endif
