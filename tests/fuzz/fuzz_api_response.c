/* What the API sends back: the /events answer, matched against a batch,
 * the login's answer and the token in it; for the sweep, a PUT
 * /active-response answer and a check of GET /sca/{agent_id}/checks/
 * {policy_id} made into an alert and judged (the sweep's other answers:
 * fuzz_sweep_answers.c). */
#include "report/api_client.h"
#include "report/report.h"
#include "sweep/sweep_alert.h"
#include "sweep/sweep_dispatch.h"
#include "util/json_strict.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A token taken is one line of a JWT's characters, headed for an
 * Authorization header and the token cache; its renewal time is in range. */
static void login_answer(const char *text, size_t size)
{
	const long long now = 1700000000LL;
	char *token = NULL;
	long long exp = 0, margin = 0;

	if (api_login_read(text, size, now, &token, &exp, &margin, NULL) != AR_OK) {
		if (token != NULL)
			abort();
		return;
	}
	if (token[0] == '\0' || strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                                      "0123456789-_.") != strlen(token))
		abort();
	if (exp <= now || exp >= 1000000000000000LL || margin < 1 || margin > 60)
		abort();
	free(token);
}

static void sweep_answers(const char *text, size_t size)
{
	static const char *const ids[] = {"001", "002"};
	long codes[2];
	cJSON *check = NULL, *alert;
	sca_match_result m;

	sweep_dispatch_read_answer(text, size, ids, 2, codes);
	for (size_t i = 0; i < 2; i++)
		if (codes[i] < SWEEP_CODE_UNLISTED)
			abort(); /* taken, an API code, or not listed: nothing else */
	if (json_parse_strict(text, size, &check, NULL) != AR_OK)
		return;
	alert = sweep_alert_build(check, "CIS Microsoft Windows 11 Enterprise Benchmark v3.0.0");
	if (alert != NULL)
		(void)sweep_alert_is_ours(alert, "!x.exe", &m);
	cJSON_Delete(alert);
	cJSON_Delete(check);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const batch[] = {"{\"status\":\"remediated\"}",
	                                    "{\"status\":\"compliant\"}",
	                                    "{\"status\":\"remediated\"}"};
	bool taken[3];
	size_t n = sizeof(batch) / sizeof(batch[0]), marked = 0, took;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	took = report_events_taken(text, size, batch, n, taken);
	for (size_t i = 0; i < n; i++)
		marked += taken[i] ? 1 : 0;
	if (took != marked)
		abort(); /* the count is the number of events marked */
	(void)api_jwt_exp(text);
	login_answer(text, size);
	sweep_answers(text, size);
	free(text);
	return 0;
}
