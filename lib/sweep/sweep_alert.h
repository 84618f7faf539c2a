/* The alert the sweep sends with PUT /active-response: built from a check
 * as GET /sca/{agent_id}/checks/{policy_id} returns it, with the fields the
 * 4.x SCA decoder writes, and judged by the same recognition the active
 * response applies to it on the agent (ar_message_parse and sca_match on
 * the message execd will make of it). */
#ifndef SWEEP_ALERT_H
#define SWEEP_ALERT_H

#include "sca_match.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

/* The alert for check (an item of the API's answer) of the policy named
 * policy_name; NULL when out of memory or when the check has no id. agent
 * is added by sweep_alert_set_agent. */
cJSON *sweep_alert_build(const cJSON *check, const char *policy_name);

/* Adds (or replaces) the alert's "agent": {"id", "name"}. */
bool sweep_alert_set_agent(cJSON *alert, const char *agent_id, const char *agent_name);

/* The message wazuh-execd hands the program for this alert when command
 * was dispatched: version 1, origin name null, module wazuh-execd, command
 * add, no extra arguments, the alert, the program. Caller frees. */
char *sweep_execd_message(const cJSON *alert, const char *command);

/* True when the active response takes the alert as its own: a failed check
 * of its control. m says why not otherwise. */
bool sweep_alert_is_ours(const cJSON *alert, const char *command, sca_match_result *m);

#endif
