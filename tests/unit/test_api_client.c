/* The pieces of the API client that need no server: the lifetime of a
 * login token, the login's answer, the token cache's text and what it is
 * bound to, and escaping for paths and queries. The conversation runs
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

#define BOUND "https%3A%2F%2Fh%3A55000 ar-reporter"

/* The token cache as the client writes it, and what it must refuse: an
 * expiry that is not whole seconds in range (a sign, a number that would
 * overflow once the renewal margin is taken off, none), or no token. */
START_TEST(token_cache)
{
	static const char *const refused[] = {"-9223372036854775808\nabc\n" BOUND "\n",
	                                      "-5\nabc\n" BOUND "\n",
	                                      "1000000000000000\nabc\n" BOUND "\n",
	                                      "0\nabc\n" BOUND "\n",
	                                      "x1700000000\nabc\n" BOUND "\n",
	                                      "1700000000 \nabc\n" BOUND "\n",
	                                      "\nabc\n" BOUND "\n",
	                                      "1700000000\n\n" BOUND "\n",
	                                      "1700000000\n\nabc\n" BOUND "\n",
	                                      "1700000000",
	                                      ""};
	char *token = NULL, *text;
	long long exp = -1;
	ar_error err = {0};

	ck_assert(api_token_cache_parse("1700000000\na.b.c\n" BOUND "\n", BOUND, &token, &exp,
	                                &err) == AR_OK);
	ck_assert_str_eq(token, "a.b.c");
	ck_assert_int_eq(exp, 1700000000LL);
	free(token);
	ck_assert(api_token_cache_parse("999999999999999\r\na.b.c\r\n" BOUND "\r\n", BOUND, &token,
	                                &exp, &err) == AR_OK);
	ck_assert_str_eq(token, "a.b.c");
	ck_assert_int_eq(exp, 999999999999999LL);
	free(token);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err.msg[0] = '\0';
		ck_assert_msg(api_token_cache_parse(refused[i], BOUND, &token, &exp, &err) ==
		                      AR_E_INVALID,
		              "%zu: %s", i, refused[i]);
		ck_assert_ptr_null(token);
		ck_assert_int_eq(exp, 0);
		ck_assert_str_ne(err.msg, "");
	}
	/* What the client writes reads back. */
	text = api_token_cache_text("a.b.c", 1700000000LL, BOUND);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "1700000000\na.b.c\n" BOUND "\n");
	ck_assert(api_token_cache_parse(text, BOUND, &token, &exp, &err) == AR_OK);
	ck_assert_str_eq(token, "a.b.c");
	free(token);
	free(text);
}
END_TEST

/* A token is used only with the server and user it was issued for: a
 * cache written for one is refused for another URL (scheme, host, port),
 * another user, and a cache of an older version that names neither. */
START_TEST(token_bound_to_server_and_user)
{
	static const struct {
		const char *url, *user;
	} others[] = {{"http://h:55000", "ar-reporter"},  {"https://h:55001", "ar-reporter"},
	              {"https://g:55000", "ar-reporter"}, {"https://h:55000", "ar-sweep"},
	              {"https://h", "ar-reporter"},       {"https://h:55000", "ar-reporter x"}};
	api_settings mine = {.url = "https://h:55000", .user = "ar-reporter"};
	char *bound = api_token_binding(&mine), *text, *token = NULL;
	long long exp = 0;
	ar_error err = {0};

	ck_assert_ptr_nonnull(bound);
	ck_assert_str_eq(bound, BOUND);
	text = api_token_cache_text("a.b.c", 1700000000LL, bound);
	ck_assert(api_token_cache_parse(text, bound, &token, &exp, &err) == AR_OK);
	free(token);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		api_settings s = {.url = (char *)others[i].url, .user = (char *)others[i].user};
		char *other = api_token_binding(&s);
		ck_assert_ptr_nonnull(other);
		ck_assert(api_token_cache_parse(text, other, &token, &exp, &err) == AR_E_INVALID);
		ck_assert_ptr_null(token);
		ck_assert_str_eq(err.msg, "token cache: issued for another server or user");
		free(other);
	}
	/* An older cache, "<exp>\n<token>\n", names no server: not used. */
	ck_assert(api_token_cache_parse("1700000000\na.b.c\n", bound, &token, &exp, &err) ==
	          AR_E_INVALID);
	/* A user name cannot forge the line: it is escaped. */
	mine.user = "ar-reporter\nx";
	free(bound);
	bound = api_token_binding(&mine);
	ck_assert_ptr_null(strchr(bound, '\n'));
	free(bound);
	free(text);
}
END_TEST

/* The login's answer: one line of base64url parts and dots, or refused. */
START_TEST(login_answer)
{
	static const char *const refused[] = {
	        "", "\n", "a b", "a.b\r\nc", "a.b\x01", "{\"token\":1}", "a\nb\n", "a:b"};
	char *token = NULL;
	long long exp = 0, margin = 0;
	ar_error err = {0};
	const char *jwt = "h.eyJleHAiOjE3MDAwMDA5MDB9.s"; /* exp 1700000900 */

	ck_assert(api_login_read(jwt, strlen(jwt), 1700000000LL, &token, &exp, &margin, &err) ==
	          AR_OK);
	ck_assert_str_eq(token, jwt);
	ck_assert_int_eq(exp, 1700000900LL);
	ck_assert_int_eq(margin, 60);
	free(token);
	/* Past or unreadable: the API's default lifetime. */
	ck_assert(api_login_read("a.b.c\r\n", 7, 1800000000LL, &token, &exp, &margin, &err) ==
	          AR_OK);
	ck_assert_str_eq(token, "a.b.c");
	ck_assert_int_eq(exp, 1800000900LL);
	free(token);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_msg(api_login_read(refused[i], strlen(refused[i]), 1, &token, &exp,
		                             &margin, &err) == AR_E_NETWORK,
		              "%zu", i);
		ck_assert_ptr_null(token);
	}
	/* A NUL inside: not the token it seems. */
	ck_assert(api_login_read("a.b\0c", 5, 1, &token, &exp, &margin, &err) == AR_E_NETWORK);
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
	tcase_add_test(tc, token_bound_to_server_and_user);
	tcase_add_test(tc, login_answer);
	tcase_add_test(tc, escaping);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
