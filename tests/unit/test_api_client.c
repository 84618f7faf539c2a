/* The pieces of the API client that need no server: the lifetime of a
 * login token, the token cache's text, and escaping for paths and queries. The conversation runs
 * against a real HTTPS server in tests/api/. */
#include "report/api_client.h"

#include "unit.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(jwt_expiry)
{
	/* Payloads: {"exp":1700000000}, {"exp":1e300}, {"exp":"1700000000"},
	 * {"sub":"u"}, {"exp":1700000000,"exp":1}, {"exp":-5}. */
	ck_assert_int_eq(api_jwt_exp("h.eyJleHAiOjE3MDAwMDAwMDB9.s"), 1700000000LL);
	ck_assert_int_eq(api_jwt_exp("h.eyJleHAiOjFlMzAwfQ.s"), 0);
	ck_assert_int_eq(api_jwt_exp("h.eyJleHAiOiIxNzAwMDAwMDAwIn0.s"), 0);
	ck_assert_int_eq(api_jwt_exp("h.eyJzdWIiOiJ1In0.s"), 0);
	ck_assert_int_eq(api_jwt_exp("h.eyJleHAiOjE3MDAwMDAwMDAsImV4cCI6MX0.s"), 0);
	ck_assert_int_eq(api_jwt_exp("h.eyJleHAiOi01fQ.s"), 0);
	/* Not a JWT: no dots, one dot, a character outside base64url. */
	ck_assert_int_eq(api_jwt_exp("eyJleHAiOjE3MDAwMDAwMDB9"), 0);
	ck_assert_int_eq(api_jwt_exp("h.eyJleHAiOjE3MDAwMDAwMDB9"), 0);
	ck_assert_int_eq(api_jwt_exp("h.eyJleHAiOjE3MDAw+DAwMDB9.s"), 0);
	ck_assert_int_eq(api_jwt_exp(""), 0);
}
END_TEST

/* The token cache as the client writes it, and what it must refuse: an
 * expiry that is not whole seconds in range (a sign, a number that would
 * overflow once the renewal margin is taken off, none), or no token. */
START_TEST(token_cache)
{
	static const char *const refused[] = {"-9223372036854775808\nabc\n",
	                                      "-5\nabc\n",
	                                      "1000000000000000\nabc\n",
	                                      "0\nabc\n",
	                                      "x1700000000\nabc\n",
	                                      "1700000000 \nabc\n",
	                                      "\nabc\n",
	                                      "1700000000\n\n",
	                                      "1700000000",
	                                      ""};
	char *token = NULL;
	long long exp = -1;
	ar_error err = {0};

	ck_assert(api_token_cache_parse("1700000000\na.b.c\n", &token, &exp, &err) == AR_OK);
	ck_assert_str_eq(token, "a.b.c");
	ck_assert_int_eq(exp, 1700000000LL);
	free(token);
	ck_assert(api_token_cache_parse("999999999999999\r\na.b.c\r\n", &token, &exp, &err) ==
	          AR_OK);
	ck_assert_str_eq(token, "a.b.c");
	ck_assert_int_eq(exp, 999999999999999LL);
	free(token);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err.msg[0] = '\0';
		ck_assert_msg(api_token_cache_parse(refused[i], &token, &exp, &err) == AR_E_INVALID,
		              "%zu: %s", i, refused[i]);
		ck_assert_ptr_null(token);
		ck_assert_int_eq(exp, 0);
		ck_assert_str_ne(err.msg, "");
	}
}
END_TEST

static void escapes(const char *in, const char *want)
{
	char *got = api_escape(in);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(escaping)
{
	escapes("cis_win11_enterprise", "cis_win11_enterprise");
	escapes("a-b.c~d", "a-b.c~d");
	escapes("", "");
	/* What would change the meaning of a path or a query. */
	escapes("a/b?c=d&e#f", "a%2Fb%3Fc%3Dd%26e%23f");
	escapes("x y,z;w", "x%20y%2Cz%3Bw");
	escapes("\xc3\xa9", "%C3%A9");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api_client");
	TCase *tc = tcase_create("offline");

	tcase_add_test(tc, jwt_expiry);
	tcase_add_test(tc, token_cache);
	tcase_add_test(tc, escaping);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
