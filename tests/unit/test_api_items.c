/* The API's per-item refusals (data.failed_items) as every caller reads
 * them: a 200 answer that refuses is a refusal, with its code and message;
 * the message from the server is cut and escaped. */
#include "report/api_items.h"

#include "util/json_strict.h"

#include "unit.h"

#include <check.h>
#include <string.h>

static cJSON *parse(const char *text)
{
	cJSON *root = NULL;
	ck_assert_int_eq(json_parse_strict(text, strlen(text), &root, NULL), AR_OK);
	return root;
}

START_TEST(a_200_that_refuses_is_a_refusal)
{
	/* As Wazuh 4.14 answers a policy whose rule exists already. */
	cJSON *root = parse("{\"data\":{\"affected_items\":[],\"total_affected_items\":0,"
	                    "\"total_failed_items\":1,\"failed_items\":[{\"error\":{\"code\":4009,"
	                    "\"message\":\"The specified name or policy already exists\"},"
	                    "\"id\":[\"ar_event_ingest\"]}]},\"message\":\"Policy was not "
	                    "created\",\"error\":1}");
	api_failure f;
	char text[256];

	ck_assert(api_items_failed(root, &f));
	ck_assert_uint_eq(f.count, 1);
	ck_assert_int_eq(f.code, 4009);
	api_failure_text(&f, text, sizeof(text));
	ck_assert_str_eq(text, "code 4009: The specified name or policy already exists");
	ck_assert_int_eq(api_items_failed_code(root, "ar_event_ingest"), 4009);
	ck_assert_int_eq(api_items_failed_code(root, "other"), 0);
	cJSON_Delete(root);
}
END_TEST

START_TEST(ids_as_numbers_and_counts)
{
	cJSON *root = parse("{\"data\":{\"affected_items\":[{\"id\":1}],\"total_failed_items\":3,"
	                    "\"failed_items\":[{\"error\":{\"code\":4011},\"id\":[100,101]},"
	                    "{\"error\":{\"code\":\"x\"},\"id\":[\"7\"]}]}}");
	api_failure f;

	ck_assert(api_items_failed(root, &f));
	ck_assert_uint_eq(f.count, 3);
	ck_assert_int_eq(f.code, 4011);
	ck_assert_str_eq(f.message, "");
	ck_assert_int_eq(api_items_failed_code(root, "101"), 4011);
	ck_assert_int_eq(api_items_failed_code(root, "7"), -1); /* listed, no readable code */
	cJSON_Delete(root);
}
END_TEST

START_TEST(nothing_refused)
{
	static const char all_taken[] = "{\"data\":{\"affected_items\":[\"a\"],"
	                                "\"total_failed_items\":0,\"failed_items\":[]}}";
	const char *answers[] = {all_taken, "{\"data\":{}}", "{}", "[]",
	                         "{\"data\":{\"failed_items\":{}}}"};

	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		cJSON *root = parse(answers[i]);
		ck_assert_msg(!api_items_failed(root, NULL), "%s", answers[i]);
		cJSON_Delete(root);
	}
	ck_assert(!api_items_failed(NULL, NULL));
}
END_TEST

START_TEST(a_count_alone_or_an_entry_without_ids_refuses)
{
	cJSON *a = parse("{\"data\":{\"total_failed_items\":2}}");
	cJSON *b = parse("{\"data\":{\"failed_items\":[{\"error\":{\"code\":1014}}]}}");
	api_failure f;

	ck_assert(api_items_failed(a, &f));
	ck_assert_uint_eq(f.count, 2);
	ck_assert(api_items_failed(b, &f));
	ck_assert_int_eq(f.code, 1014);
	cJSON_Delete(a);
	cJSON_Delete(b);
}
END_TEST

START_TEST(the_message_is_cut_and_escaped)
{
	char text[2048];
	cJSON *root;
	api_failure f;

	memset(text, 0, sizeof(text));
	strcpy(text,
	       "{\"data\":{\"failed_items\":[{\"error\":{\"code\":1,\"message\":\"\\u001b[2J");
	memset(text + strlen(text), 'x', 600);
	strcat(text, "\"},\"id\":[]}]}}");
	root = parse(text);
	ck_assert(api_items_failed(root, &f));
	ck_assert_ptr_null(strchr(f.message, 0x1b));
	ck_assert(strncmp(f.message, "\\x1b[2J", 7) == 0);
	ck_assert_uint_le(strlen(f.message), API_ITEMS_MESSAGE_MAX + 16);
	ck_assert_ptr_nonnull(strstr(f.message, "[...]"));
	cJSON_Delete(root);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("api_items");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, a_200_that_refuses_is_a_refusal);
	tcase_add_test(tc, ids_as_numbers_and_counts);
	tcase_add_test(tc, nothing_refused);
	tcase_add_test(tc, a_count_alone_or_an_entry_without_ids_refuses);
	tcase_add_test(tc, the_message_is_cut_and_escaped);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
