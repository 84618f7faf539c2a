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

/* Input from a server: counted before cJSON allocates anything. */
START_TEST(limited_values_and_depth)
{
	static const json_limits lim = {.max_values = 8, .max_depth = 3};
	static const char *const fits[] = {"[1,2,3,4,5,6,7]", "{\"a\":[[1]],\"b\":\"[,,,,{{{{\"}",
	                                   "[]", "0"};
	static const char *const over[] = {"[1,2,3,4,5,6,7,8]", "[[[[1]]]]", "[{},{},{},{}]",
	                                   "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"};
	cJSON *root = NULL;
	ar_error err = {0};

	for (size_t i = 0; i < sizeof(fits) / sizeof(fits[0]); i++) {
		ck_assert_msg(json_parse_limited(fits[i], strlen(fits[i]), &lim, &root, &err) ==
		                      AR_OK,
		              "%s: %s", fits[i], err.msg);
		cJSON_Delete(root);
	}
	for (size_t i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
		ck_assert_msg(json_parse_limited(over[i], strlen(over[i]), &lim, &root, &err) ==
		                      AR_E_TOO_LARGE,
		              "%s", over[i]);
		ck_assert_ptr_null(root);
	}
	ck_assert_str_eq(err.msg, "JSON with more than 8 values");
	/* The strict checks still apply within the limits. */
	ck_assert(json_parse_limited("{\"a\":1,\"a\":2}", 13, &lim, &root, &err) == AR_E_INVALID);
	/* An escaped quote does not end a string. */
	ck_assert(json_parse_limited("[\"\\\",,,,,,,,,,,\"]", 17, &lim, &root, &err) == AR_OK);
	cJSON_Delete(root);
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
	tcase_add_test(tc, limited_values_and_depth);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
