/* What cJSON lets through and an untrusted input must not. */
#include "util/json_strict.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ar_status parse(const char *text, size_t len, char *msg)
{
	cJSON *root = NULL;
	ar_error err = {0};
	ar_status st = json_parse_strict(text, len, &root, &err);
	cJSON_Delete(root);
	strcpy(msg, err.msg);
	return st;
}

START_TEST(accepts_plain_json)
{
	char msg[AR_ERROR_MSG_MAX];
	const char *t = "{\"a\":[1,{\"b\":\"\xc3\xa9\"}],\"c\":{\"b\":1}}  \r\n";
	ck_assert_int_eq(parse(t, strlen(t), msg), AR_OK);
}
END_TEST

START_TEST(refuses_what_cjson_allows)
{
	char msg[AR_ERROR_MSG_MAX];
	ck_assert_int_eq(parse("{\"a\":1,\"a\":2}", 13, msg), AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(msg, "same key twice"));
	ck_assert_int_eq(parse("{\"x\":[{\"a\":1,\"b\":2,\"a\":3}]}", 27, msg), AR_E_INVALID);
	ck_assert_int_eq(parse("{\"a\":\"\0\"}", 9, msg), AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(msg, "NUL"));
	ck_assert_int_eq(parse("{\"a\":\"\xff\"}", 9, msg), AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(msg, "UTF-8"));
	ck_assert_int_eq(parse("{} {}", 5, msg), AR_E_INVALID);
	ck_assert_int_eq(parse("{\"a\":", 5, msg), AR_E_INVALID);
}
END_TEST

/* Small objects are checked pair by pair, larger ones sorted: the same
 * answer either way, wherever the two keys are. */
START_TEST(duplicates_in_small_and_large_objects)
{
	char msg[AR_ERROR_MSG_MAX], text[512];

	for (int keys = 2; keys <= 20; keys++) {
		for (int second = 1; second < keys; second++) {
			int n = snprintf(text, sizeof(text), "{");
			for (int i = 0; i < keys; i++)
				n += snprintf(text + n, sizeof(text) - (size_t)n, "%s\"k%d\":%d",
				              i ? "," : "", i == second ? 0 : i, i);
			n += snprintf(text + n, sizeof(text) - (size_t)n, "}");
			ck_assert_msg(parse(text, (size_t)n, msg) == AR_E_INVALID, "%s", text);
		}
		/* All distinct: accepted. */
		{
			int n = snprintf(text, sizeof(text), "{");
			for (int i = 0; i < keys; i++)
				n += snprintf(text + n, sizeof(text) - (size_t)n, "%s\"k%d\":%d",
				              i ? "," : "", i, i);
			n += snprintf(text + n, sizeof(text) - (size_t)n, "}");
			ck_assert_msg(parse(text, (size_t)n, msg) == AR_OK, "%s", text);
		}
	}
}
END_TEST

START_TEST(utf8_validation)
{
	ck_assert(utf8_valid((const unsigned char *)"\xf0\x9f\x94\x92", 4));
	ck_assert(!utf8_valid((const unsigned char *)"\xc0\xaf", 2));         /* overlong */
	ck_assert(!utf8_valid((const unsigned char *)"\xed\xa0\x80", 3));     /* surrogate */
	ck_assert(!utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	ck_assert(!utf8_valid((const unsigned char *)"\xe2\x82", 2));         /* truncated */
}
END_TEST

START_TEST(many_keys_stay_fast)
{
	/* 200,000 distinct keys: a quadratic duplicate check would take minutes. */
	size_t n = 200000, cap = n * 16 + 16, len = 0;
	char *t = malloc(cap);
	char msg[AR_ERROR_MSG_MAX];

	t[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len, "%s\"k%zu\":0", i ? "," : "", i);
	t[len++] = '}';
	ck_assert_int_eq(parse(t, len, msg), AR_OK);
	free(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("json_strict");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, accepts_plain_json);
	tcase_add_test(tc, duplicates_in_small_and_large_objects);
	tcase_add_test(tc, refuses_what_cjson_allows);
	tcase_add_test(tc, utf8_validation);
	tcase_add_test(tc, many_keys_stay_fast);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
