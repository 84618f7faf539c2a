/* Which findings are ours: the message module's validation and the table. */
#include "ar_message.h"
#include "sca_match.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each level of JSON string doubles the backslashes: 8 here, 4 in the
 * outer JSON text, 2 in the inner list, 1 in the key. */
#define KEYJSON2                                                                                   \
	"HKEY_LOCAL_MACHINE\\\\\\\\System\\\\\\\\CurrentControlSet\\\\\\\\Services\\\\\\\\"        \
	"LanmanWorkstation\\\\\\\\Parameters"
#define KEYJSON                                                                                    \
	"HKEY_LOCAL_"                                                                              \
	"MACHINE\\\\System\\\\CurrentControlSet\\\\Services\\\\LanmanWorkstation\\\\Parameters"

/* A 4.x message around an alert built from the parts given. */
static char *msg4(const char *command, const char *id, const char *result, const char *policy,
                  const char *registry, const char *groups, const char *type)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf),
	         "{\"version\":1,\"origin\":{\"name\":\"n\",\"module\":\"wazuh-execd\"},"
	         "\"command\":\"%s\",\"parameters\":{\"extra_args\":[],\"alert\":{"
	         "\"rule\":{\"id\":\"19007\",\"groups\":%s},\"agent\":{\"id\":\"007\",\"name\":"
	         "\"ws\"},"
	         "\"data\":{\"sca\":{\"type\":\"%s\",\"policy\":\"%s\",\"check\":{\"id\":%s,"
	         "\"result\":\"%s\"%s%s}}}},\"program\":\"p\"}}",
	         command, groups, type, policy, id, result, registry ? ",\"registry\":" : "",
	         registry ? registry : "");
	return buf;
}

static const char *W11 = "CIS Microsoft Windows 11 Enterprise Benchmark v3.0.0";

static bool ours(const char *line, char *reason)
{
	ar_message m;
	ar_error err = {0};
	sca_match_result r;
	bool yes;

	ck_assert_msg(ar_message_parse(line, strlen(line), &m, &err) == AR_OK, "%s", err.msg);
	yes = sca_match(&m.finding, &r);
	if (reason != NULL)
		strcpy(reason, r.reason);
	ck_assert(yes == (r.row != NULL));
	ar_message_free(&m);
	return yes;
}

START_TEST(every_row_matches_its_own_policy)
{
	size_t n;
	const sca_check_row *rows = sca_check_rows(&n);
	char id[32], policy[160];

	ck_assert_uint_ge(n, 8);
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "\"%s\"", rows[i].check_id);
		snprintf(policy, sizeof(policy), "%s v9.9.9", rows[i].policy_name);
		ck_assert_msg(
		        ours(msg4("add", id, "failed", policy, NULL, "[\"sca\"]", "check"), NULL),
		        "row %zu", i);
		ck_assert_str_eq(rows[i].control->cis, "2.3.8.2");
		ck_assert_str_eq(rows[i].control->value_name, "EnableSecuritySignature");
		/* Another row's policy name with this id is someone else's check. */
		snprintf(policy, sizeof(policy), "%s v1", rows[(i + 1) % n].policy_name);
		ck_assert(
		        !ours(msg4("add", id, "failed", policy, NULL, "[\"sca\"]", "check"), NULL));
	}
}
END_TEST

/* The names the stock policies really carry (ruleset/sca/windows, 4.14). */
START_TEST(real_policy_names)
{
	static const char *const names[][2] = {
	        {"\"26032\"", "CIS Microsoft Windows 11 Enterprise Benchmark v3.0.0"},
	        {"\"15535\"", "CIS Microsoft Windows 10 Enterprise Benchmark v4.0.0"},
	        {"\"15036\"", "CIS Microsoft Windows Server 2012 R2 Benchmark v3.0.0"},
	        {"\"34537\"", "CIS Microsoft Windows Server 2012 (non-R2) Benchmark v3.0.0."},
	        {"\"16027\"", "CIS Microsoft Windows Server 2016 v2.0.0"},
	        {"\"16535\"", "CIS Microsoft Windows Server 2019 Benchmark v2.0.0"},
	        {"\"27038\"", "CIS Microsoft Windows Server 2022 Benchmark v2.0.0"},
	        {"\"36537\"", "CIS Microsoft Windows Server 2025 Benchmark"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(ours(msg4("add", names[i][0], "failed", names[i][1], NULL,
		                        "[\"sca\"]", "check"),
		                   NULL),
		              "%s", names[i][1]);
}
END_TEST

START_TEST(id_as_number_or_string)
{
	ck_assert(ours(msg4("add", "26032", "failed", W11, NULL, "[\"sca\"]", "check"), NULL));
	ck_assert(ours(msg4("add", "\"26032\"", "failed", W11, NULL, "[\"sca\"]", "check"), NULL));
	ck_assert(!ours(msg4("add", "26032.5", "failed", W11, NULL, "[\"sca\"]", "check"), NULL));
	ck_assert(
	        !ours(msg4("add", "\"26032 \"", "failed", W11, NULL, "[\"sca\"]", "check"), NULL));
	ck_assert(
	        !ours(msg4("add", "\"026032\"", "failed", W11, NULL, "[\"sca\"]", "check"), NULL));
	ck_assert(!ours(msg4("add", "{}", "failed", W11, NULL, "[\"sca\"]", "check"), NULL));
}
END_TEST

START_TEST(traps_and_others_refused)
{
	char reason[256];
	ck_assert(!ours(msg4("add", "\"16031\"", "failed",
	                     "CIS Microsoft Windows Server 2016 Benchmark v2.0.0", NULL,
	                     "[\"sca\"]", "check"),
	                reason));
	ck_assert_ptr_nonnull(strstr(reason, "not one this program remediates"));
	ck_assert(!ours(msg4("add", "\"34541\"", "failed",
	                     "CIS Microsoft Windows Server 2012 (non-R2) Benchmark v3.0.0", NULL,
	                     "[\"sca\"]", "check"),
	                NULL));
	ck_assert(
	        !ours(msg4("add", "\"26032\"", "passed", W11, NULL, "[\"sca\"]", "check"), reason));
	ck_assert_ptr_nonnull(strstr(reason, "passed"));
	ck_assert(!ours(msg4("add", "\"26032\"", "not applicable", W11, NULL, "[\"sca\"]", "check"),
	                NULL));
	ck_assert(!ours(msg4("add", "\"26032\"", "failed", W11, NULL, "[\"syscheck\"]", "check"),
	                reason));
	ck_assert_ptr_nonnull(strstr(reason, "not an SCA finding"));
	ck_assert(
	        !ours(msg4("add", "\"26032\"", "failed", W11, NULL, "[\"sca\"]", "summary"), NULL));
	ck_assert(!ours(
	        msg4("add", "\"26032\"", "failed", "My own policy", NULL, "[\"sca\"]", "check"),
	        NULL));
	ck_assert(!ours(msg4("add", "\"26032\"", "failed",
	                     "CIS Microsoft Windows 11 EnterpriseX Benchmark", NULL, "[\"sca\"]",
	                     "check"),
	                NULL));
}
END_TEST

START_TEST(registry_cross_check)
{
	char reason[256];
	ck_assert(ours(
	        msg4("add", "\"26032\"", "failed", W11, "[\"" KEYJSON "\"]", "[\"sca\"]", "check"),
	        NULL));
	/* A string holding the JSON-encoded list, as the 4.x decoder stores it. */
	ck_assert(ours(msg4("add", "\"26032\"", "failed", W11, "\"[\\\"" KEYJSON2 "\\\"]\"",
	                    "[\"sca\"]", "check"),
	               NULL));
	ck_assert(ours(
	        msg4("add", "\"26032\"", "failed", W11,
	             "[\"hklm\\\\system\\\\currentcontrolset\\\\services\\\\lanmanworkstation\\\\"
	             "parameters\"]",
	             "[\"sca\"]", "check"),
	        NULL));
	ck_assert(
	        !ours(msg4("add", "\"26032\"", "failed", W11,
	                   "[\"HKLM\\\\System\\\\CurrentControlSet\\\\Services\\\\LanmanServer\\\\"
	                   "Parameters\"]",
	                   "[\"sca\"]", "check"),
	              reason));
	ck_assert_ptr_nonnull(strstr(reason, "does not name the registry key"));
	ck_assert(
	        !ours(msg4("add", "\"26032\"", "failed", W11, "\"not json\"", "[\"sca\"]", "check"),
	              NULL));
	ck_assert(!ours(msg4("add", "\"26032\"", "failed", W11, "[]", "[\"sca\"]", "check"), NULL));
	ck_assert(!ours(msg4("add", "\"26032\"", "failed", W11, "42", "[\"sca\"]", "check"), NULL));
}
END_TEST

static void parse_fails(const char *line, const char *want)
{
	ar_message m;
	ar_error err = {0};
	ck_assert_int_eq(ar_message_parse(line, strlen(line), &m, &err), AR_E_INVALID);
	ck_assert_msg(strstr(err.msg, want) != NULL, "wanted '%s' in '%s'", want, err.msg);
	ck_assert_ptr_null(m.root);
}

START_TEST(message_shape_errors_name_the_field)
{
	parse_fails("", "empty message");
	parse_fails("[]", "not a JSON object");
	parse_fails("{\"command\":1}", "\"command\" must be a string");
	parse_fails("{\"version\":\"1\",\"origin\":{},\"command\":\"add\",\"parameters\":{}}",
	            "\"version\"");
	parse_fails("{\"version\":1,\"origin\":[],\"command\":\"add\",\"parameters\":{}}",
	            "\"origin\"");
	parse_fails("{\"version\":1,\"origin\":{},\"command\":\"add\",\"parameters\":[]}",
	            "\"parameters\"");
	parse_fails("{\"version\":1,\"origin\":{},\"command\":\"restart\",\"parameters\":{"
	            "\"alert\":{}}}",
	            "unknown command \"restart\"");
	parse_fails(
	        "{\"version\":1,\"origin\":{},\"command\":\"add\",\"parameters\":{\"alert\":1}}",
	        "parameters.alert");
	parse_fails("{\"version\":1,\"origin\":{},\"command\":\"add\",\"parameters\":{\"alert\":{},"
	            "\"extra_args\":[1]}}",
	            "only strings");
	parse_fails("{\"version\":1,\"origin\":{},\"command\":\"add\",\"parameters\":{\"alert\":{},"
	            "\"program\":1}}",
	            "parameters.program");
	parse_fails(
	        "{\"version\":1,\"version\":1,\"origin\":{},\"command\":\"add\",\"parameters\":{}}",
	        "same key twice");
	parse_fails("{\"a\":1} x", "after the JSON value");
}
END_TEST

START_TEST(commands_and_extra_args)
{
	const char *line = "{\"version\":1,\"origin\":{},\"command\":\"delete\",\"parameters\":"
	                   "{\"alert\":{},\"extra_args\":[\"x\",\"dry-run\"]}}";
	ar_message m;
	ar_error err = {0};

	ck_assert(ar_message_parse(line, strlen(line), &m, &err) == AR_OK);
	ck_assert_int_eq(m.command, AR_CMD_DELETE);
	ck_assert(m.dry_run);
	ck_assert_int_eq(m.wazuh_major, 4);
	ar_message_free(&m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sca_match");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, every_row_matches_its_own_policy);
	tcase_add_test(tc, real_policy_names);
	tcase_add_test(tc, id_as_number_or_string);
	tcase_add_test(tc, traps_and_others_refused);
	tcase_add_test(tc, registry_cross_check);
	tcase_add_test(tc, message_shape_errors_name_the_field);
	tcase_add_test(tc, commands_and_extra_args);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
