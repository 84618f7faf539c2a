/* The sweep's summary line: the arguments and where they came from, the
 * agents named (escaped for a terminal, cut, the first 1000), and the
 * error of a sweep that could not go through. */
#include "sweep/sweep_summary.h"

#include "unit.h"
#include "util/json_strict.h"
#include "util/text.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <string.h>

static cJSON *summary_of(const sweep_summary *s)
{
	char *text = sweep_summary_json(s);
	cJSON *root = cJSON_Parse(text);

	ck_assert_ptr_nonnull(root);
	free(text);
	return root;
}

START_TEST(arguments_and_agents_named)
{
	static const char *const args[] = {"dry-run", "restore-last"};
	sweep_summary s = {.arguments = args, .arguments_n = 2, .arguments_from = "ossec.conf"};
	cJSON *root, *named;
	char *text;

	sweep_summary_name(&s, "001", "ws-001");
	sweep_summary_name(&s, "002", NULL);
	root = summary_of(&s);
	text = cJSON_PrintUnformatted(cJSON_GetObjectItem(root, "arguments"));
	ck_assert_str_eq(text, "[\"dry-run\",\"restore-last\"]");
	free(text);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "arguments_from")->valuestring, "ossec.conf");
	named = cJSON_GetObjectItem(root, "dispatched_to");
	text = cJSON_PrintUnformatted(named);
	ck_assert_str_eq(text, "[{\"id\":\"001\",\"name\":\"ws-001\"},{\"id\":\"002\"}]");
	free(text);
	ck_assert_ptr_null(cJSON_GetObjectItem(root, "would_dispatch_to"));
	ck_assert_ptr_null(cJSON_GetObjectItem(root, "error"));
	cJSON_Delete(root);
	/* A dry run names the agents it would have dispatched to. */
	s.dry_run = true;
	root = summary_of(&s);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "would_dispatch_to")), 2);
	ck_assert_ptr_null(cJSON_GetObjectItem(root, "dispatched_to"));
	cJSON_Delete(root);
	sweep_summary_clear(&s);
	ck_assert_uint_eq(s.named_n, 0);
}
END_TEST

START_TEST(names_escaped_cut_and_bounded)
{
	sweep_summary s = {0};
	char name[600], id[16];
	cJSON *root, *named;
	const char *got;

	/* Control characters escaped, cut to 256 bytes on a character. */
	strcpy(name, "host\x1b]0;x\x07\xc2\x9b");
	memset(name + strlen(name), 'n', 200);
	strcpy(name + 210, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	sweep_summary_name(&s, "001", name);
	for (int i = 2; i <= SWEEP_NAMED_MAX + 5; i++) {
		snprintf(id, sizeof(id), "%03d", i);
		sweep_summary_name(&s, id, "ws");
	}
	ck_assert_uint_eq(s.named_n, SWEEP_NAMED_MAX);
	root = summary_of(&s);
	named = cJSON_GetObjectItem(root, "dispatched_to");
	ck_assert_int_eq(cJSON_GetArraySize(named), SWEEP_NAMED_MAX);
	got = cJSON_GetObjectItem(cJSON_GetArrayItem(named, 0), "name")->valuestring;
	ck_assert_msg(strncmp(got, "host\\x1b]0;x\\x07\\u009bnnn", 25) == 0, "%s", got);
	ck_assert_uint_le(strlen(got), TEXT_ECHOED_MAX);
	ck_assert(utf8_valid((const unsigned char *)got, strlen(got)));
	ck_assert_ptr_nonnull(strstr(got, TEXT_CUT_MARK));
	cJSON_Delete(root);
	sweep_summary_clear(&s);
}
END_TEST

START_TEST(an_error_when_the_sweep_could_not_go_through)
{
	sweep_summary s = {0};
	cJSON *root;

	sweep_summary_error(&s, "logging in: login refused (HTTP 401)\x1b[2J");
	root = summary_of(&s);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "error")->valuestring,
	                 "logging in: login refused (HTTP 401)\\x1b[2J");
	cJSON_Delete(root);
	sweep_summary_clear(&s);
	ck_assert_ptr_null(s.error);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep_summary");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, arguments_and_agents_named);
	tcase_add_test(tc, names_escaped_cut_and_bounded);
	tcase_add_test(tc, an_error_when_the_sweep_could_not_go_through);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
