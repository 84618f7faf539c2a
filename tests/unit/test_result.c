/* The result object, its one-line text and the exit status it maps to. */
#include "result.h"
#include "sca_match.h"

#include "unit.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const sca_control control = {.registry_key = "HKEY_LOCAL_MACHINE\\X",
                                    .value_name = "EnableSecuritySignature",
                                    .dword = 1};

static cJSON *render(const ar_result *r)
{
	char *json = result_to_json(r);
	cJSON *o;
	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_null(strchr(json, '\n'));
	o = cJSON_Parse(json);
	free(json);
	ck_assert_ptr_nonnull(o);
	return o;
}

START_TEST(remediated_object)
{
	ar_result r;
	unsigned char zero[4] = {0}, sz[] = {'1', 0, 0, 0};
	cJSON *o, *before, *after;

	result_init(&r);
	r.status = RESULT_REMEDIATED;
	r.check_id = strdup("26032");
	r.agent_id = strdup("001");
	r.control = &control;
	r.have_before = r.have_after = true;
	reg_value_set(&r.before, REGV_SZ, sz, sizeof(sz), NULL);
	reg_value_set(&r.after, REGV_DWORD, zero, 4, NULL);
	r.after.data[0] = 1;
	r.backup = strdup("C:\\b.reg");
	o = render(&r);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "status")->valuestring, "remediated");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "check_id")->valuestring, "26032");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "agent_id")->valuestring, "001");
	before = cJSON_GetObjectItem(o, "before");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(before, "exists")));
	ck_assert_str_eq(cJSON_GetObjectItem(before, "type")->valuestring, "REG_SZ");
	ck_assert_str_eq(cJSON_GetObjectItem(before, "data")->valuestring, "1");
	after = cJSON_GetObjectItem(o, "after");
	ck_assert_str_eq(cJSON_GetObjectItem(after, "type")->valuestring, "REG_DWORD");
	ck_assert_int_eq(cJSON_GetObjectItem(after, "data")->valueint, 1);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "backup")->valuestring, "C:\\b.reg");
	ck_assert_int_eq(result_exit_code(&r), 0);
	cJSON_Delete(o);
	result_free(&r);
}
END_TEST

START_TEST(unknown_values_are_null_and_missing_ones_say_so)
{
	ar_result r;
	cJSON *o;

	result_init(&r);
	result_set_error(&r, RESULT_INVALID_INPUT, "bad %s", "thing");
	o = render(&r);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "check_id")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "before")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "after")));
	ck_assert_str_eq(cJSON_GetObjectItem(o, "error")->valuestring, "bad thing");
	ck_assert_int_eq(result_exit_code(&r), 2);
	cJSON_Delete(o);
	r.have_before = true; /* a value that is not there */
	r.status = RESULT_WOULD_REMEDIATE;
	o = render(&r);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "before"), "exists")));
	ck_assert_int_eq(result_exit_code(&r), 4);
	cJSON_Delete(o);
	result_free(&r);
}
END_TEST

START_TEST(exit_codes)
{
	static const struct {
		result_status s;
		int code;
	} map[] = {{RESULT_REMEDIATED, 0},    {RESULT_COMPLIANT, 0},
	           {RESULT_KEPT, 0},          {RESULT_FAILED, 1},
	           {RESULT_INVALID_INPUT, 2}, {RESULT_NOT_APPLICABLE, 3},
	           {RESULT_ABORTED, 3},       {RESULT_WOULD_REMEDIATE, 4},
	           {RESULT_RESTORED, 0},      {RESULT_WOULD_RESTORE, 4}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		ar_result r;
		result_init(&r);
		r.status = map[i].s;
		ck_assert_int_eq(result_exit_code(&r), map[i].code);
	}
}
END_TEST

START_TEST(restore_and_several_messages)
{
	ar_result r;
	cJSON *o;
	char *text;

	result_init(&r);
	r.control = &control;
	r.status = RESULT_WOULD_RESTORE;
	r.dry_run = true;
	r.restored_from = strdup("C:\\b\\EnableSecuritySignature-x.reg");
	r.messages.read = 4;
	r.messages.used = 3;
	o = render(&r);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "status")->valuestring, "would_restore");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "restored_from")->valuestring, r.restored_from);
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "messages"), "read")->valueint,
	                 4);
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "messages"), "used")->valueint,
	                 3);
	cJSON_Delete(o);
	text = result_to_text(&r);
	ck_assert_ptr_nonnull(strstr(text, "would_restore (message 3 of the 4 on standard input)"));
	ck_assert_ptr_nonnull(strstr(text, "; would restore from C:"));
	free(text);
	r.status = RESULT_RESTORED;
	r.messages.read = 1;
	text = result_to_text(&r);
	ck_assert_ptr_nonnull(strstr(text, "; restored from C:"));
	free(text);
	o = render(&r);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "status")->valuestring, "restored");
	ck_assert_ptr_null(cJSON_GetObjectItem(o, "messages"));
	cJSON_Delete(o);
	result_free(&r);
}
END_TEST

START_TEST(text_is_one_line)
{
	ar_result r;
	char *t;

	result_init(&r);
	result_set_error(&r, RESULT_INVALID_INPUT, "unknown command \"a\nb\r\"");
	t = result_to_text(&r);
	ck_assert_ptr_null(strchr(t, '\n'));
	ck_assert_ptr_null(strchr(t, '\r'));
	ck_assert_ptr_nonnull(strstr(t, "invalid_input"));
	free(t);
	result_free(&r);
}
END_TEST

/* A message quoting a long path is kept whole, not cut at some buffer. */
START_TEST(long_messages_are_whole)
{
	ar_result r;
	char path[3000];
	cJSON *o;
	const char *error;

	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	result_init(&r);
	result_set_error(&r, RESULT_FAILED, "cannot open %s: %s", path, "denied");
	o = render(&r);
	error = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "error"));
	ck_assert_ptr_nonnull(error);
	ck_assert_uint_eq(strlen(error), strlen("cannot open : denied") + sizeof(path) - 1);
	ck_assert_ptr_nonnull(strstr(error, "p: denied"));
	cJSON_Delete(o);
	result_free(&r);
}
END_TEST

/* One rule for what a failure to take in an input makes of the run. */
START_TEST(status_for_a_failure)
{
	ck_assert_int_eq(result_status_for(AR_E_ACCESS), RESULT_FAILED);
	ck_assert_int_eq(result_status_for(AR_E_IO), RESULT_FAILED);
	ck_assert_int_eq(result_status_for(AR_E_NOMEM), RESULT_FAILED);
	ck_assert_int_eq(result_status_for(AR_E_INVALID), RESULT_INVALID_INPUT);
	ck_assert_int_eq(result_status_for(AR_E_TOO_LARGE), RESULT_INVALID_INPUT);
	ck_assert_int_eq(result_status_for(AR_E_NOT_FOUND), RESULT_INVALID_INPUT);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("result");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, remediated_object);
	tcase_add_test(tc, unknown_values_are_null_and_missing_ones_say_so);
	tcase_add_test(tc, exit_codes);
	tcase_add_test(tc, restore_and_several_messages);
	tcase_add_test(tc, text_is_one_line);
	tcase_add_test(tc, long_messages_are_whole);
	tcase_add_test(tc, status_for_a_failure);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
