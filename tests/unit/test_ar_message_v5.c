/* The Wazuh 5.x message: told apart from 4.x by its structure, validated,
 * reduced to the same finding, and matched on what the check tests: its
 * name (the title) and its rules, whatever its policy and check ids. */
#include "ar_message.h"
#include "sca_match.h"

#include "ar_message_checks.h"
#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TESTS_DATA_DIR
#error "TESTS_DATA_DIR must name tests/data"
#endif

/* The key as it appears inside a JSON string in the C source. */
#define KEY_J                                                                                      \
	"HKEY_LOCAL_"                                                                              \
	"MACHINE\\\\System\\\\CurrentControlSet\\\\Services\\\\LanmanWorkstation\\\\Parameters"
#define SRV_J                                                                                      \
	"HKEY_LOCAL_"                                                                              \
	"MACHINE\\\\System\\\\CurrentControlSet\\\\Services\\\\LanmanServer\\\\Parameters"
#define RULE_J(key) "\"r:" key " -> EnableSecuritySignature -> 1\""

#define AR_OBJ(extra)                                                                              \
	"\"wazuh\":{\"active_response\":{\"name\":\"smb-sign\",\"executable\":\"win_ms.exe\","     \
	"\"type\":\"stateless\",\"location\":\"local\",\"extra_arguments\":" extra "},"            \
	"\"agent\":{\"id\":\"001\",\"name\":\"win11-ws01\"}}"

static char *read_sample(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "v5/%s", name);
	return unit_sample_line(rel, len);
}

static ar_status parse_sample(const char *name, ar_message *m, ar_error *err)
{
	size_t len;
	char *line = read_sample(name, &len);
	ar_status st = ar_message_parse(line, len, m, err);
	free(line);
	return st;
}

/* Parses a sample that must be valid and says whether it is ours. */
static bool sample_is_ours(const char *name, char *reason, size_t reason_len)
{
	ar_message m;
	ar_error err = {0};
	sca_match_result r;
	bool yes;

	ck_assert_msg(parse_sample(name, &m, &err) == AR_OK, "%s: %s", name, err.msg);
	ck_assert_int_eq(message_major(&m), 5);
	yes = sca_match(&m.finding, &r);
	ck_assert(yes == (r.control != NULL));
	if (reason != NULL)
		snprintf(reason, reason_len, "%s", r.reason);
	ar_message_free(&m);
	return yes;
}

START_TEST(enable_fills_the_finding)
{
	ar_message m;
	ar_error err = {0};

	ck_assert_msg(parse_sample("ours_26032_enable.json", &m, &err) == AR_OK, "%s", err.msg);
	ck_assert_int_eq(message_major(&m), 5);
	ck_assert_int_eq(m.command, AR_CMD_ADD);
	ck_assert_str_eq(m.command_name, "enable");
	ck_assert(!m.dry_run);
	ck_assert(m.finding.in_sca_group);
	ck_assert_str_eq(m.finding.event_type, "check");
	ck_assert_str_eq(m.finding.check_id, "26032");
	/* The agent writes "Failed"; the matcher sees one spelling. */
	ck_assert_str_eq(m.finding.result, "failed");
	ck_assert_str_eq(m.finding.policy_id, "cis_win11_enterprise");
	ck_assert_str_eq(m.finding.policy_name,
	                 "CIS Microsoft Windows 11 Enterprise Benchmark v3.0.0");
	ck_assert(cJSON_IsArray(m.finding.rules));
	ck_assert_int_eq(cJSON_GetArraySize(m.finding.rules), 3);
	ck_assert_ptr_null(m.finding.registry);
	ck_assert_str_eq(m.finding.agent_id, "001");
	ck_assert_str_eq(m.finding.agent_name, "win11-ws01");
	ar_message_free(&m);
}
END_TEST

START_TEST(disable_dry_run_and_dotted)
{
	ar_message m;
	ar_error err = {0};

	ck_assert(parse_sample("ours_26032_disable.json", &m, &err) == AR_OK);
	ck_assert_int_eq(m.command, AR_CMD_DELETE);
	ck_assert_str_eq(m.command_name, "disable");
	ar_message_free(&m);

	ck_assert(parse_sample("ours_26032_dry_run.json", &m, &err) == AR_OK);
	ck_assert_int_eq(m.command, AR_CMD_ADD);
	ck_assert(m.dry_run);
	ar_message_free(&m);

	ck_assert_msg(parse_sample("ours_26032_dotted.json", &m, &err) == AR_OK, "%s", err.msg);
	ck_assert_str_eq(m.finding.policy_id, "cis_win11_enterprise");
	ck_assert_str_eq(m.finding.result, "failed");
	ck_assert(cJSON_IsArray(m.finding.rules));
	ar_message_free(&m);
}
END_TEST

START_TEST(extra_arguments_words)
{
	static const struct {
		const char *value;
		bool dry, restore_last;
	} cases[] = {
	        {"\"dry-run\"", true, false},
	        {"\"--dry-run\"", true, false},
	        {"\"--verbose  dry-run\"", true, false},
	        {"\"x\\tdry-run\\ny\"", true, false},
	        {"\"\"", false, false},
	        {"null", false, false},
	        {"\"dry-runs\"", false, false},
	        {"\"no-dry-run\"", false, false},
	        {"\"-dry-run\"", false, false},
	        {"\"dry-run-now --x\"", false, false},
	        {"\"restore-last\"", false, true},
	        {"\"dry-run --restore-last\"", true, true},
	        {"\"restore-lasts\"", false, false},
	};
	char line[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ar_message m;
		ar_error err = {0};

		snprintf(line, sizeof(line), "{" AR_OBJ("%s") ",\"command\":\"enable\"}",
		         cases[i].value);
		ck_assert_msg(parse_text(line, &m, &err) == AR_OK, "%s: %s", line, err.msg);
		ck_assert_msg(m.dry_run == cases[i].dry, "extra_arguments %s", cases[i].value);
		ck_assert_msg(m.restore_last == cases[i].restore_last, "extra_arguments %s",
		              cases[i].value);
		/* No SCA fields: valid, but not a finding. */
		ck_assert(!m.finding.in_sca_group);
		ar_message_free(&m);
	}
}
END_TEST

START_TEST(shape_errors_name_the_field)
{
	size_t len;
	char *line;
	ar_message m;
	ar_error err = {0};

	text_fails("{\"command\":\"enable\",\"source\":{\"ip\":\"192.0.2.1\"}}",
	           "neither the 5.x shape");
	text_fails("{\"wazuh\":[],\"command\":\"enable\"}", "\"wazuh\" must be an object");
	text_fails("{\"wazuh\":{},\"command\":\"enable\"}",
	           "\"wazuh.active_response\" must be an object");
	text_fails("{\"wazuh\":{\"active_response\":\"x\"},\"command\":\"enable\"}",
	           "\"wazuh.active_response\" must be an object");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\"},\"agent\":\"001\"},"
	           "\"command\":\"enable\"}",
	           "\"wazuh.agent\" must be an object");
	/* The 4.x words are not 5.x commands, nor are the handshake replies. */
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\"}},\"command\":\"add\"}",
	           "unknown command \"add\"");
	text_fails(
	        "{\"wazuh\":{\"active_response\":{\"executable\":\"a\"}},\"command\":\"delete\"}",
	        "unknown command \"delete\"");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\"}},"
	           "\"command\":\"continue\"}",
	           "unknown command \"continue\"");
	text_fails(
	        "{\"wazuh\":{\"active_response\":{\"executable\":\"a\"}},\"command\":\"Enable\"}",
	        "unknown command \"Enable\"");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\"}}}",
	           "\"command\" must be a string");
	text_fails("{\"wazuh\":{\"active_response\":{}},\"command\":\"enable\"}",
	           "\"wazuh.active_response.executable\"");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"\"}},\"command\":\"enable\"}",
	           "\"wazuh.active_response.executable\"");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\",\"name\":1}},"
	           "\"command\":\"enable\"}",
	           "\"wazuh.active_response.name\" must be a string");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\",\"type\":\"x\"}},"
	           "\"command\":\"enable\"}",
	           "\"wazuh.active_response.type\"");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\",\"stateful_timeout\":"
	           "\"60\"}},\"command\":\"disable\"}",
	           "\"wazuh.active_response.stateful_timeout\"");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\",\"stateful_timeout\":"
	           "-1}},\"command\":\"disable\"}",
	           "\"wazuh.active_response.stateful_timeout\"");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\",\"agent_id\":1}},"
	           "\"command\":\"enable\"}",
	           "\"wazuh.active_response.agent_id\" must be a string");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\",\"extra_arguments\":"
	           "[\"dry-run\"]}},\"command\":\"enable\"}",
	           "\"wazuh.active_response.extra_arguments\" must be a string");
	/* A 4.x member turns the message into a 4.x one, judged as such. */
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\"}},\"parameters\":{},"
	           "\"command\":\"enable\"}",
	           "\"version\" must be a number");

	ck_assert(parse_sample("bad_no_wazuh_object.json", &m, &err) == AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "neither the 5.x shape"));
	ck_assert(parse_sample("bad_unknown_command.json", &m, &err) == AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown command"));
	ck_assert(parse_sample("bad_extra_arguments_not_string.json", &m, &err) == AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "extra_arguments"));
	line = read_sample("ours_26032_enable.json", &len);
	ck_assert(ar_message_parse(line, len, &m, &err) == AR_OK);
	ar_message_free(&m);
	free(line);
}
END_TEST

START_TEST(the_4x_shape_is_unchanged)
{
	const char *line =
	        "{\"version\":1,\"origin\":{\"name\":\"n\",\"module\":\"wazuh-execd\"},"
	        "\"command\":\"add\",\"parameters\":{\"extra_args\":[\"dry-run\"],\"alert\":{"
	        "\"rule\":{\"groups\":[\"sca\"]},\"agent\":{\"id\":\"007\"},\"data\":{\"sca\":{"
	        "\"type\":\"check\",\"policy\":\"CIS Microsoft Windows 11 Enterprise Benchmark "
	        "v3.0.0\",\"check\":{\"id\":\"26032\",\"result\":\"failed\",\"title\":"
	        "\"Ensure 'Microsoft network client: Digitally sign communications (if server "
	        "agrees)' is set to 'Enabled'.\",\"registry\":[\"" KEY_J "\"]}}}}}}";
	ar_message m;
	ar_error err = {0};
	sca_match_result r;

	ck_assert_msg(parse_text(line, &m, &err) == AR_OK, "%s", err.msg);
	ck_assert_int_eq(message_major(&m), 4);
	ck_assert_int_eq(m.command, AR_CMD_ADD);
	ck_assert(m.dry_run);
	ck_assert_ptr_null(m.finding.policy_id);
	ck_assert_ptr_null(m.finding.rules);
	ck_assert(sca_match(&m.finding, &r));
	ar_message_free(&m);
	/* "enable" is not a 4.x command. */
	text_fails("{\"version\":1,\"origin\":{},\"command\":\"enable\",\"parameters\":"
	           "{\"alert\":{}}}",
	           "unknown command \"enable\"");
}
END_TEST

START_TEST(samples_ours_and_not)
{
	static const struct {
		const char *name;
		bool ours;
		const char *reason;
	} cases[] = {
	        {"ours_26032_enable.json", true, ""},
	        {"ours_26032_disable.json", true, ""},
	        {"ours_26032_dry_run.json", true, ""},
	        {"ours_26032_dotted.json", true, ""},
	        {"ours_26032_hklm_rule.json", true, ""},
	        {"ours_26032_result_case.json", true, ""},
	        {"ours_16027_win2016.json", true, ""},
	        {"notours_other_check.json", false, "is not one this program remediates"},
	        {"notours_passed.json", false, "not \"failed\""},
	        {"notours_not_run.json", false, "not \"failed\""},
	        {"notours_not_sca.json", false, "not an SCA finding"},
	        {"notours_trap_16031.json", false, "is not one this program remediates"},
	        {"notours_wrong_policy.json", false, "is not one this program remediates"},
	        {"notours_wrong_rules.json", false, "rules do not test"},
	};
	char reason[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool yes = sample_is_ours(cases[i].name, reason, sizeof(reason));
		ck_assert_msg(yes == cases[i].ours, "%s: %s", cases[i].name, reason);
		ck_assert_msg(strstr(reason, cases[i].reason) != NULL, "%s: reason \"%s\"",
		              cases[i].name, reason);
	}
}
END_TEST

#define NAME_J                                                                                     \
	"\"Ensure 'Microsoft network client: Digitally sign communications (if server agrees)' "   \
	"is set to 'Enabled'.\""

/* A 5.x enable message for our control's name under check id and policy,
 * with the rules JSON given. */
static bool finding_is_ours(const char *id, const char *policy, const char *result,
                            const char *rules, char *reason)
{
	char line[2048];
	ar_message m;
	ar_error err = {0};
	sca_match_result r;
	bool yes;

	snprintf(line, sizeof(line),
	         "{" AR_OBJ("\"\"") ",\"check\":{\"id\":%s,\"name\":" NAME_J
	                            ",\"result\":\"%s\"%s%s},"
	                            "\"policy\":{\"id\":\"%s\",\"name\":\"Some Other Name "
	                            "v1\"},\"command\":\"enable\"}",
	         id, result, rules ? ",\"rules\":" : "", rules ? rules : "", policy);
	ck_assert_msg(parse_text(line, &m, &err) == AR_OK, "%s: %s", line, err.msg);
	yes = sca_match(&m.finding, &r);
	if (reason != NULL)
		strcpy(reason, r.reason);
	ar_message_free(&m);
	return yes;
}

/* Any policy, any check id: the name and the rules decide. */
START_TEST(matched_on_content_not_ids)
{
	static const char *const policies[] = {"cis_win11_enterprise", "cis_win2019", "cis_win2025",
	                                       "custom"};
	static const char *const ids[] = {"\"26032\"", "\"36537\"", "\"16031\"", "1"};
	const char *rules = "[" RULE_J(KEY_J) "]";

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		for (size_t j = 0; j < sizeof(ids) / sizeof(ids[0]); j++)
			ck_assert_msg(finding_is_ours(ids[j], policies[i], "Failed", rules, NULL),
			              "%s/%s", policies[i], ids[j]);
	}
	ck_assert(finding_is_ours("26032", "cis_win11_enterprise", "FAILED", rules, NULL));
	ck_assert(!finding_is_ours("\"26032\"", "cis_win11_enterprise", "Passed", rules, NULL));
	ck_assert(!finding_is_ours("\"26032\"", "cis_win11_enterprise", "Not applicable", rules,
	                           NULL));
	/* No rules: nothing confirms what the check tests. */
	ck_assert(!finding_is_ours("\"26032\"", "cis_win11_enterprise", "Failed", NULL, NULL));
}
END_TEST

START_TEST(rules_cross_check)
{
	char reason[256];
	const char *ok_rules[] = {
	        "[" RULE_J(KEY_J) "]",
	        "[\"not r:" KEY_J "\"," RULE_J(KEY_J) "]",
	        "[\"r:HKLM\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\LanmanWorkstation\\\\"
	        "Parameters -> EnableSecuritySignature -> 1\"]",
	        "[\"r:hkey_local_machine\\\\system\\\\currentcontrolset\\\\services\\\\"
	        "lanmanworkstation\\\\parameters -> enablesecuritysignature -> 1\"]",
	        "[\"c:reg query x -> r:y\"," RULE_J(KEY_J) "]",
	        /* The pieces 5.0 agents send before wazuh/wazuh pull request 38953. */
	        "[\"[\\\"not r:HKEY_LOCAL_MACHINE\\\\\\\\System\\\\\\\\CurrentControlSet"
	        "\\\\\\\\Services\\\\\\\\LanmanWorkstation\\\\\\\\Parameters\\\"\","
	        "\"\\\"r:HKEY_LOCAL_MACHINE\\\\\\\\System\\\\\\\\CurrentControlSet\\\\\\\\"
	        "Services\\\\\\\\LanmanWorkstation\\\\\\\\Parameters -> "
	        "EnableSecuritySignature -> 1\\\"]\"]",
	};
	const char *bad_rules[] = {
	        "[]",
	        "[\"r:" KEY_J "\"]",
	        "[" RULE_J(SRV_J) "]",
	        "[\"c:reg query " KEY_J "\"]",
	        "[\"r:" KEY_J "\\\\Security -> X\"]",
	        "[1,null,{}]",
	        "\"r:" KEY_J " -> EnableSecuritySignature -> 1\"",
	        "{}",
	        "1",
	};

	for (size_t i = 0; i < sizeof(ok_rules) / sizeof(ok_rules[0]); i++) {
		ck_assert_msg(finding_is_ours("\"26032\"", "cis_win11_enterprise", "Failed",
		                              ok_rules[i], reason),
		              "rules %s: %s", ok_rules[i], reason);
	}
	/* The agent's database keeps the list JSON-encoded in one string. */
	ck_assert(finding_is_ours(
	        "\"26032\"", "cis_win11_enterprise", "Failed",
	        "\"[\\\"r:HKEY_LOCAL_MACHINE\\\\\\\\System\\\\\\\\CurrentControlSet\\\\\\\\Services"
	        "\\\\\\\\LanmanWorkstation\\\\\\\\Parameters -> EnableSecuritySignature -> "
	        "1\\\"]\"",
	        reason));
	for (size_t i = 0; i < sizeof(bad_rules) / sizeof(bad_rules[0]); i++) {
		ck_assert_msg(!finding_is_ours("\"26032\"", "cis_win11_enterprise", "Failed",
		                               bad_rules[i], reason),
		              "rules %s accepted", bad_rules[i]);
		ck_assert_msg(strstr(reason, "rules do not test") != NULL, "%s", reason);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ar_message_v5");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, enable_fills_the_finding);
	tcase_add_test(tc, disable_dry_run_and_dotted);
	tcase_add_test(tc, extra_arguments_words);
	tcase_add_test(tc, shape_errors_name_the_field);
	tcase_add_test(tc, the_4x_shape_is_unchanged);
	tcase_add_test(tc, samples_ours_and_not);
	tcase_add_test(tc, matched_on_content_not_ids);
	tcase_add_test(tc, rules_cross_check);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
