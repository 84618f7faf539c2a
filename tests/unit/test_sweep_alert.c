/* The alert the sweep builds from a check as the API returns it: the
 * fields of the 4.x decoder, in its forms, and judged by the active
 * response's own recognition. */
#include "sweep/sweep_alert.h"

#include "util/json_strict.h"
#include "unit.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define REG_KEY                                                                                    \
	"HKEY_LOCAL_"                                                                              \
	"MACHINE\\\\System\\\\CurrentControlSet\\\\Services\\\\LanmanWorkstation\\\\Parameters"
#define TITLE_OURS                                                                                 \
	"Ensure 'Microsoft network client: Digitally sign communications (if server agrees)' is "  \
	"set to 'Enabled'."
#define TITLE_ALWAYS                                                                               \
	"Ensure 'Microsoft network client: Digitally sign communications (always)' is set to "     \
	"'Enabled'."
#define POLICY  "CIS Microsoft Windows 11 Enterprise Benchmark v3.0.0"
#define COMMAND "!win_ms_network_client_sign_if_server_agrees.exe"

/* A check of GET /sca/{agent_id}/checks/{policy_id}, as 4.14 answers. */
static cJSON *api_check(long id, const char *title, const char *cis, const char *result)
{
	char text[4096];
	cJSON *c = NULL;

	snprintf(text, sizeof(text),
	         "{\"id\":%ld,\"policy_id\":\"cis_win11_enterprise\",\"title\":\"%s\","
	         "\"description\":\"What it does.\",\"rationale\":\"Why.\","
	         "\"remediation\":\"How.\",\"references\":\"https://www.cisecurity.org/\","
	         "\"registry\":\"" REG_KEY "," REG_KEY "\",\"command\":null,\"condition\":\"any\","
	         "\"result\":\"%s\",\"reason\":null,"
	         "\"compliance\":[{\"key\":\"cis\",\"value\":\"%s\"},"
	         "{\"key\":\"pci_dss_v4.0\",\"value\":\"2.2.7,4.1.1\"},"
	         "{\"key\":\"cis_csc_v8\",\"value\":\"3.10\"}],"
	         "\"rules\":[{\"type\":\"registry\",\"rule\":\"r:" REG_KEY
	         " -> EnableSecuritySignature -> 1\"}]}",
	         id, title, result, cis);
	ck_assert_int_eq(json_parse_strict(text, strlen(text), &c, NULL), AR_OK);
	return c;
}

static const cJSON *at(const cJSON *o, const char *a, const char *b, const char *c)
{
	o = cJSON_GetObjectItemCaseSensitive(o, a);
	if (b != NULL)
		o = cJSON_GetObjectItemCaseSensitive(o, b);
	if (c != NULL)
		o = cJSON_GetObjectItemCaseSensitive(o, c);
	ck_assert_msg(o != NULL, "%s.%s.%s missing", a, b ? b : "", c ? c : "");
	return o;
}

START_TEST(fields_as_the_decoder_writes_them)
{
	cJSON *check = api_check(26032, TITLE_OURS, "2.3.8.2", "failed");
	cJSON *alert = sweep_alert_build(check, POLICY);
	const cJSON *sca = at(alert, "data", "sca", NULL);
	const cJSON *out = at(sca, "check", NULL, NULL);
	const cJSON *rule = at(alert, "rule", NULL, NULL);
	char *text;

	ck_assert_ptr_nonnull(alert);
	ck_assert_str_eq(at(sca, "type", NULL, NULL)->valuestring, "check");
	ck_assert_str_eq(at(sca, "policy", NULL, NULL)->valuestring, POLICY);
	ck_assert_str_eq(at(out, "id", NULL, NULL)->valuestring, "26032");
	ck_assert_str_eq(at(out, "title", NULL, NULL)->valuestring, TITLE_OURS);
	ck_assert_str_eq(at(out, "result", NULL, NULL)->valuestring, "failed");
	ck_assert_str_eq(at(out, "compliance", "cis", NULL)->valuestring, "2.3.8.2");
	/* Dotted keys nest, as in the alert analysisd writes. */
	ck_assert_str_eq(at(out, "compliance", "pci_dss_v4", "0")->valuestring, "2.2.7,4.1.1");
	ck_assert_str_eq(at(out, "registry", NULL, NULL)->valuestring,
	                 "[\"" REG_KEY "\",\"" REG_KEY "\"]");
	/* Not in a 4.x alert; nulls left out. */
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(out, "rules"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(out, "condition"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(out, "reason"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(out, "command"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(out, "policy_id"));
	ck_assert_str_eq(at(rule, "id", NULL, NULL)->valuestring, "19007");
	ck_assert_str_eq(cJSON_GetArrayItem(at(rule, "groups", NULL, NULL), 0)->valuestring, "sca");
	ck_assert_str_eq(cJSON_GetArrayItem(at(rule, "cis", NULL, NULL), 0)->valuestring,
	                 "2.3.8.2");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(rule, "pci_dss_v4.0"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(alert, "agent"));
	text = cJSON_PrintUnformatted(alert);
	ck_assert_ptr_null(strstr(text, "null"));
	free(text);
	ck_assert(sweep_alert_set_agent(alert, "001", "win-ws01"));
	ck_assert_str_eq(at(alert, "agent", "id", NULL)->valuestring, "001");
	ck_assert(sweep_alert_set_agent(alert, "002", NULL));
	ck_assert_str_eq(at(alert, "agent", "id", NULL)->valuestring, "002");
	ck_assert_ptr_null(
	        cJSON_GetObjectItemCaseSensitive(at(alert, "agent", NULL, NULL), "name"));
	cJSON_Delete(alert);
	cJSON_Delete(check);
}
END_TEST

static bool ours(long id, const char *title, const char *cis, const char *result)
{
	cJSON *check = api_check(id, title, cis, result);
	cJSON *alert = sweep_alert_build(check, POLICY);
	sca_match_result m;
	bool yes;

	ck_assert_ptr_nonnull(alert);
	yes = sweep_alert_is_ours(alert, COMMAND, &m);
	ck_assert_msg(yes || m.reason[0] != '\0', "a refusal says why");
	cJSON_Delete(alert);
	cJSON_Delete(check);
	return yes;
}

START_TEST(judged_by_the_active_response_recognition)
{
	ck_assert(ours(26032, TITLE_OURS, "2.3.8.2", "failed"));
	ck_assert(!ours(26032, TITLE_OURS, "2.3.8.2", "passed"));
	ck_assert(!ours(26032, TITLE_OURS, "2.3.8.2", "not applicable"));
	/* The decoys that test the same key. */
	ck_assert(!ours(26031, TITLE_ALWAYS, "2.3.8.1", "failed"));
	ck_assert(!ours(16031,
	                "Ensure 'Microsoft network server: Digitally sign communications (if "
	                "client agrees)' is set to 'Enabled'.",
	                "2.3.9.3", "failed"));
}
END_TEST

START_TEST(the_message_execd_makes_of_it)
{
	cJSON *check = api_check(26032, TITLE_OURS, "2.3.8.2", "failed");
	cJSON *alert = sweep_alert_build(check, POLICY);
	char *text = sweep_execd_message(alert, COMMAND);
	cJSON *msg = NULL;

	ck_assert_int_eq(json_parse_strict(text, strlen(text), &msg, NULL), AR_OK);
	ck_assert_int_eq(at(msg, "version", NULL, NULL)->valueint, 1);
	ck_assert(cJSON_IsNull(at(msg, "origin", "name", NULL)));
	ck_assert_str_eq(at(msg, "origin", "module", NULL)->valuestring, "wazuh-execd");
	ck_assert_str_eq(at(msg, "command", NULL, NULL)->valuestring, "add");
	ck_assert_int_eq(cJSON_GetArraySize(at(msg, "parameters", "extra_args", NULL)), 0);
	ck_assert_str_eq(at(msg, "parameters", "program", NULL)->valuestring,
	                 "active-response/bin/win_ms_network_client_sign_if_server_agrees.exe");
	ck_assert(cJSON_Compare(at(msg, "parameters", "alert", NULL), alert, true));
	cJSON_Delete(msg);
	free(text);
	cJSON_Delete(alert);
	cJSON_Delete(check);
}
END_TEST

START_TEST(a_check_without_id_gives_no_alert)
{
	cJSON *check = api_check(26032, TITLE_OURS, "2.3.8.2", "failed");
	cJSON *alert;

	cJSON_DeleteItemFromObject(check, "id");
	ck_assert_ptr_null(sweep_alert_build(check, POLICY));
	cJSON_AddStringToObject(check, "id", "x1");
	ck_assert_ptr_null(sweep_alert_build(check, POLICY));
	cJSON_ReplaceItemInObject(check, "id", cJSON_CreateString("26032"));
	alert = sweep_alert_build(check, POLICY);
	ck_assert_str_eq(at(alert, "data", "sca", "check")->child->valuestring, "26032");
	cJSON_Delete(alert);
	cJSON_Delete(check);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep_alert");
	TCase *tc = tcase_create("alert");

	tcase_add_test(tc, fields_as_the_decoder_writes_them);
	tcase_add_test(tc, judged_by_the_active_response_recognition);
	tcase_add_test(tc, the_message_execd_makes_of_it);
	tcase_add_test(tc, a_check_without_id_gives_no_alert);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
