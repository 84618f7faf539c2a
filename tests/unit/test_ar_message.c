/* The Wazuh 4.x message: validated field by field, and reduced to the
 * command, the options and the SCA finding the matcher reads; and the forms
 * a person has at hand (a bare alert, the dashboard's document, a 5.x SCA
 * state document), told apart by their structure. */
#include "ar_message.h"

#include "ar_message_checks.h"
#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TESTS_DATA_DIR
#error "TESTS_DATA_DIR must name tests/data"
#endif

/* A 4.x message around the given command, extra_args and check. */
#define MSG(command, extra, check)                                                                 \
	"{\"version\":1,\"origin\":{\"name\":\"wazuh-manager\",\"module\":\"wazuh-execd\"},"       \
	"\"command\":" command ",\"parameters\":{\"extra_args\":" extra ",\"alert\":{"             \
	"\"rule\":{\"id\":\"19007\",\"groups\":[\"sca\"]},\"agent\":{\"id\":\"042\","              \
	"\"name\":\"win11-ws42\"},\"data\":{\"sca\":{\"type\":\"check\",\"policy\":"               \
	"\"CIS Microsoft Windows 11 Enterprise Benchmark v3.0.0\",\"check\":" check "}}},"         \
	"\"program\":\"active-response/bin/win_ms_network_client_sign_if_server_agrees\"}}"

#define CHECK_26032 "{\"id\":\"26032\",\"result\":\"failed\"}"

static void sample_parses(const char *name, ar_message *m)
{
	size_t len;
	char *line = unit_sample_line(name, &len);
	ar_error err = {0};

	ck_assert_msg(ar_message_parse(line, len, m, &err) == AR_OK, "%s: %s", name, err.msg);
	ck_assert_int_eq(message_major(m), 4);
	free(line);
}

START_TEST(sample_fills_the_finding)
{
	ar_message m;

	sample_parses("ours_26032_failed.json", &m);
	ck_assert_int_eq(m.command, AR_CMD_ADD);
	ck_assert_str_eq(m.command_name, "add");
	ck_assert(!m.dry_run);
	ck_assert(m.finding.in_sca_group);
	ck_assert_str_eq(m.finding.event_type, "check");
	ck_assert_str_eq(m.finding.result, "failed");
	ck_assert_str_eq(m.finding.policy_name,
	                 "CIS Microsoft Windows 11 Enterprise Benchmark v3.0.0");
	ck_assert_str_eq(m.finding.check_id, "26032");
	ck_assert_str_eq(m.finding.agent_id, "001");
	ck_assert_ptr_nonnull(m.finding.registry);
	/* 4.x has no policy id and no rules: the matcher uses the name. */
	ck_assert_ptr_null(m.finding.policy_id);
	ck_assert_ptr_null(m.finding.rules);
	ar_message_free(&m);
	ck_assert_ptr_null(m.root);
}
END_TEST

START_TEST(samples_of_every_kind)
{
	static const struct {
		const char *name;
		ar_command command;
		bool dry_run;
		const char *type; /* data.sca.type, or NULL */
		bool sca_group;
	} cases[] = {
	        {"ours_26032_delete.json", AR_CMD_DELETE, false, "check", true},
	        {"ours_26032_dry_run.json", AR_CMD_ADD, true, "check", true},
	        {"notours_summary.json", AR_CMD_ADD, false, "summary", true},
	        {"notours_not_sca.json", AR_CMD_ADD, false, NULL, false},
	        {"notours_no_sca_group.json", AR_CMD_ADD, false, "check", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ar_message m;

		sample_parses(cases[i].name, &m);
		ck_assert_int_eq(m.command, cases[i].command);
		ck_assert_int_eq(m.dry_run, cases[i].dry_run);
		ck_assert_int_eq(m.finding.in_sca_group, cases[i].sca_group);
		if (cases[i].type == NULL)
			ck_assert_ptr_null(m.finding.event_type);
		else
			ck_assert_str_eq(m.finding.event_type, cases[i].type);
		ar_message_free(&m);
	}
}
END_TEST

START_TEST(bad_samples_name_the_field)
{
	static const struct {
		const char *name;
		const char *want;
	} cases[] = {
	        {"bad_alert_not_object.json", "\"parameters.alert\" must be an object"},
	        {"bad_command_number.json", "\"command\" must be a string"},
	        {"bad_extra_args_not_strings.json", "extra_args must hold only strings"},
	        {"bad_origin_not_object.json", "\"origin\" must be an object"},
	        {"bad_parameters_array.json", "\"parameters\" must be an object"},
	        {"bad_truncated.json", "not valid JSON"},
	        {"bad_unknown_command.json", "unknown command \"restart\""},
	        {"bad_version_string.json", "\"version\" must be a number"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		char *line = unit_sample_line(cases[i].name, &len);
		ar_message m;
		ar_error err = {0};

		ck_assert_msg(ar_message_parse(line, len, &m, &err) == AR_E_INVALID, "%s accepted",
		              cases[i].name);
		ck_assert_msg(strstr(err.msg, cases[i].want) != NULL, "%s: \"%s\" lacks \"%s\"",
		              cases[i].name, err.msg, cases[i].want);
		ck_assert_ptr_null(m.root);
		free(line);
	}
}
END_TEST

START_TEST(shape_errors)
{
	text_fails("", "empty message");
	text_fails("[]", "not a JSON object");
	text_fails("{\"command\":\"add\"}", "neither the 5.x shape");
	text_fails("{\"version\":1,\"origin\":{},\"parameters\":{\"alert\":{}}}",
	           "\"command\" must be a string");
	text_fails("{\"version\":1,\"command\":\"add\",\"parameters\":{\"alert\":{}}}",
	           "\"origin\" must be an object");
	text_fails("{\"origin\":{},\"command\":\"add\",\"parameters\":{\"alert\":{}}}",
	           "\"version\" must be a number");
	text_fails("{\"version\":1,\"origin\":{},\"command\":\"add\"}",
	           "\"parameters\" must be an object");
	text_fails("{\"version\":1,\"origin\":{},\"command\":\"add\",\"parameters\":{}}",
	           "\"parameters.alert\" must be an object");
	text_fails("{\"version\":1,\"origin\":{},\"command\":\"add\",\"parameters\":"
	           "{\"alert\":{},\"program\":7}}",
	           "\"parameters.program\" must be a string");
	/* "wazuh" beside "parameters" is still the 4.x shape, checked as such. */
	text_fails("{\"wazuh\":{},\"command\":\"add\",\"parameters\":{\"alert\":{}}}",
	           "\"version\" must be a number");
	/* Strict JSON: what cJSON alone would let through. */
	text_fails(MSG("\"add\"", "[]", CHECK_26032) " trailing", "unexpected data after");
	text_fails("{\"command\":\"add\",\"command\":\"delete\"}", "the same key twice");
}
END_TEST

START_TEST(commands)
{
	ar_message m;

	ck_assert(parse_text(MSG("\"delete\"", "[]", CHECK_26032), &m, NULL) == AR_OK);
	ck_assert_int_eq(m.command, AR_CMD_DELETE);
	ar_message_free(&m);
	/* Case matters: execd sends lower case. */
	text_fails(MSG("\"ADD\"", "[]", CHECK_26032), "unknown command \"ADD\"");
	/* 5.x words in the 4.x shape are refused, not guessed. */
	text_fails(MSG("\"disable\"", "[]", CHECK_26032), "(expected add or delete)");
}
END_TEST

START_TEST(extra_args)
{
	static const struct {
		const char *extra;
		bool dry_run, restore_last;
	} ok[] = {
	        {"[]", false, false},
	        {"[\"dry-run\"]", true, false},
	        {"[\"--dry-run\"]", true, false},
	        {"[\"verbose\",\"dry-run\"]", true, false},
	        {"[\"dry-run-not\"]", false, false},
	        {"[\"DRY-RUN\"]", false, false},
	        {"[\"restore-last\"]", false, true},
	        {"[\"--restore-last\",\"dry-run\"]", true, true},
	        {"[\"restore-lastx\"]", false, false},
	        {"[\"restore\"]", false, false},
	};
	ar_message m;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char line[2048];
		ar_error err = {0};

		snprintf(line, sizeof(line), MSG("\"add\"", "%s", CHECK_26032), ok[i].extra);
		ck_assert_msg(parse_text(line, &m, &err) == AR_OK, "%s: %s", ok[i].extra, err.msg);
		ck_assert_msg(m.dry_run == ok[i].dry_run, "%s", ok[i].extra);
		ck_assert_msg(m.restore_last == ok[i].restore_last, "%s", ok[i].extra);
		ar_message_free(&m);
	}
	/* extra_args may be left out altogether. */
	ck_assert(parse_text("{\"version\":1,\"origin\":{},\"command\":\"add\",\"parameters\":"
	                     "{\"alert\":{}}}",
	                     &m, NULL) == AR_OK);
	ck_assert(!m.dry_run);
	ar_message_free(&m);
	text_fails(MSG("\"add\"", "\"dry-run\"", CHECK_26032), "extra_args must be an array");
	text_fails(MSG("\"add\"", "[null]", CHECK_26032), "extra_args must hold only strings");
}
END_TEST

START_TEST(check_id_forms)
{
	static const struct {
		const char *check;
		const char *id; /* NULL: no usable id */
	} cases[] = {
	        {"{\"id\":\"26032\",\"result\":\"failed\"}", "26032"},
	        {"{\"id\":26032,\"result\":\"failed\"}", "26032"},
	        {"{\"id\":26032.0,\"result\":\"failed\"}", "26032"},
	        {"{\"id\":26032.5,\"result\":\"failed\"}", NULL},
	        {"{\"id\":-26032,\"result\":\"failed\"}", NULL},
	        {"{\"id\":1e300,\"result\":\"failed\"}", NULL},
	        {"{\"id\":true,\"result\":\"failed\"}", NULL},
	        {"{\"id\":[26032],\"result\":\"failed\"}", NULL},
	        {"{\"result\":\"failed\"}", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char line[2048];
		ar_message m;
		const char *id;

		snprintf(line, sizeof(line), MSG("\"add\"", "[]", "%s"), cases[i].check);
		/* The id's form is the matcher's business: the message is valid. */
		ck_assert_msg(parse_text(line, &m, NULL) == AR_OK, "%s", cases[i].check);
		id = m.finding.check_id;
		if (cases[i].id == NULL)
			ck_assert_msg(id == NULL, "%s gave %s", cases[i].check, id);
		else
			ck_assert_str_eq(id, cases[i].id);
		ar_message_free(&m);
	}
}
END_TEST

START_TEST(finding_fields_of_the_wrong_type_are_absent)
{
	ar_message m;
	const char *line =
	        "{\"version\":1,\"origin\":{},\"command\":\"add\",\"parameters\":{\"alert\":{"
	        "\"rule\":{\"groups\":\"sca\"},\"agent\":{\"id\":42},\"data\":{\"sca\":{"
	        "\"type\":[\"check\"],\"policy\":1,\"check\":{\"id\":\"26032\",\"result\":0}}}}}}";

	ck_assert(parse_text(line, &m, NULL) == AR_OK);
	/* groups must be an array holding "sca": a bare string is not. */
	ck_assert(!m.finding.in_sca_group);
	ck_assert_ptr_null(m.finding.event_type);
	ck_assert_ptr_null(m.finding.policy_name);
	ck_assert_ptr_null(m.finding.result);
	ck_assert_ptr_null(m.finding.agent_id);
	ar_message_free(&m);
}
END_TEST

START_TEST(every_form_is_an_add_request)
{
	static const struct {
		const char *name;
		ar_input_form form;
		const char *form_name;
		int major;
	} cases[] = {
	        {"ours_26032_failed.json", AR_FORM_EXECD, "execd", 4},
	        {"forms/execd_26032_pretty.json", AR_FORM_EXECD, "execd", 4},
	        {"forms/alert_26032.json", AR_FORM_ALERT, "alert", 4},
	        {"forms/dashboard_26032.json", AR_FORM_INDEXER_DOCUMENT, "indexer_document", 4},
	        {"forms/sca_state_26032.json", AR_FORM_SCA_STATE, "sca_state", 5},
	        {"forms/dashboard_sca_state_26032.json", AR_FORM_INDEXER_DOCUMENT,
	         "indexer_document", 5},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		/* As it is on disk, over one line or several. */
		char *text = unit_read_sample(cases[i].name, &len);
		ar_message m;
		ar_error err = {0};

		ck_assert_msg(ar_message_parse(text, len, &m, &err) == AR_OK, "%s: %s",
		              cases[i].name, err.msg);
		ck_assert_int_eq(m.form, cases[i].form);
		ck_assert_str_eq(ar_input_form_name(m.form), cases[i].form_name);
		ck_assert_int_eq(message_major(&m), cases[i].major);
		ck_assert_int_eq(m.command, AR_CMD_ADD);
		ck_assert_str_eq(m.command_name, "add");
		ck_assert(!m.dry_run);
		ck_assert_str_eq(m.finding.check_id, "26032");
		ck_assert_str_eq(m.finding.agent_id, "001");
		ar_message_free(&m);
		free(text);
	}
}
END_TEST

START_TEST(form_is_told_by_structure)
{
	ar_message m;

	/* A state document carries a "wazuh" object of its own (agent,
	 * cluster): without "active_response" or a command it is no message
	 * of execd's. Flat dotted keys count as the nested ones. */
	ck_assert(parse_text("{\"check.id\":\"26032\",\"policy.id\":\"cis_win11_enterprise\","
	                     "\"wazuh\":{\"agent\":{\"id\":\"001\"}}}",
	                     &m, NULL) == AR_OK);
	ck_assert_int_eq(m.form, AR_FORM_SCA_STATE);
	ar_message_free(&m);
	/* A command makes it execd's, judged as such. */
	text_fails("{\"check\":{\"id\":\"26032\"},\"policy\":{\"id\":\"cis_win11_enterprise\"},"
	           "\"command\":\"enable\"}",
	           "neither the 5.x shape");
	text_fails("{\"wazuh\":{\"active_response\":{\"executable\":\"a\"}},\"check\":{},"
	           "\"policy\":{}}",
	           "\"command\" must be a string");
	text_fails("{}", "not a form this program reads; expected the message wazuh-execd writes "
	                 "(\"command\"), a Wazuh alert as alerts.json holds it (\"rule\" and "
	                 "\"agent\"), the dashboard's JSON of one (\"_source\"), or an SCA state "
	                 "document (\"check\" and \"policy\")");
	text_fails("{\"rule\":{\"id\":\"19007\"},\"agent\":\"001\"}", "not a form this program");
	text_fails("{\"check\":{\"id\":\"26032\"},\"policy\":\"cis\"}", "not a form this program");
	text_fails("{\"_source\":[]}", "\"_source\" must be an object");
	text_fails("{\"_index\":\"x\",\"_source\":{\"status\":\"active\"}}",
	           "the document's \"_source\" is neither a Wazuh alert");
	/* A document holds an alert or a state, never execd's message. */
	text_fails("{\"_source\":{\"version\":1,\"origin\":{},\"command\":\"add\","
	           "\"parameters\":{\"alert\":{}}}}",
	           "is neither a Wazuh alert");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ar_message");
	TCase *tc = tcase_create("4.x");
	TCase *forms = tcase_create("forms");

	tcase_add_test(tc, sample_fills_the_finding);
	tcase_add_test(tc, samples_of_every_kind);
	tcase_add_test(tc, bad_samples_name_the_field);
	tcase_add_test(tc, shape_errors);
	tcase_add_test(tc, commands);
	tcase_add_test(tc, extra_args);
	tcase_add_test(tc, check_id_forms);
	tcase_add_test(tc, finding_fields_of_the_wrong_type_are_absent);
	suite_add_tcase(s, tc);
	tcase_add_test(forms, every_form_is_an_add_request);
	tcase_add_test(forms, form_is_told_by_structure);
	suite_add_tcase(s, forms);
	return s;
}

UNIT_MAIN(suite)
