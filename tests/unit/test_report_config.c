/* The reporting configuration: strict, with messages that name the key. */
#include "report/report_config.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static ar_status parse(const char *text, report_config **cfg, char *msg)
{
	ar_error err = {0};
	ar_status st = report_config_parse(text, strlen(text), "/spool/default", cfg, &err);
	strcpy(msg, err.msg);
	return st;
}

START_TEST(minimal_with_defaults)
{
	report_config *cfg = NULL;
	char msg[AR_ERROR_MSG_MAX];

	ck_assert_int_eq(
	        parse("{\"api\":{\"url\":\"https://m:55000/\",\"user\":\"u\",\"password\":\"p\"}}",
	              &cfg, msg),
	        AR_OK);
	ck_assert_str_eq(cfg->api.url, "https://m:55000");
	ck_assert_str_eq(cfg->spool_dir, "/spool/default");
	ck_assert_int_eq(cfg->api.timeout_seconds, 10);
	ck_assert_ptr_null(cfg->api.ca_file);
	ck_assert(!cfg->api.allow_plain_http);
	ck_assert(cfg->reporting);
	report_config_free(cfg);
}
END_TEST

/* A file that only tunes the history sends nothing, and is no error. */
START_TEST(without_api_nothing_is_reported)
{
	report_config *cfg = NULL;
	char msg[AR_ERROR_MSG_MAX];

	ck_assert_int_eq(parse("{\"history\":{\"revert_threshold\":2}}", &cfg, msg), AR_OK);
	ck_assert(!cfg->reporting);
	ck_assert_ptr_null(cfg->api.url);
	report_config_free(cfg);
	ck_assert_int_eq(parse("{\"api\":null}", &cfg, msg), AR_E_INVALID);
}
END_TEST

START_TEST(errors_name_the_key)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	        {"{\"api\":{\"url\":\"https://m\",\"user\":\"u\",\"passwrd\":\"p\"}}",
	         "unknown key api.passwrd"},
	        {"{\"api\":{\"url\":\"https://m\",\"user\":\"u\",\"password\":\"p\"},\"x\":1}",
	         "unknown key x"},
	        {"{\"api\":{\"user\":\"u\",\"password\":\"p\"}}", "missing key api.url"},
	        {"{\"api\":{\"url\":\"https://m\",\"user\":\"u\"}}", "exactly one of password"},
	        {"{\"api\":{\"url\":\"https://"
	         "m\",\"user\":\"u\",\"password\":\"p\",\"password_file\":\"f\"}}",
	         "exactly one of password"},
	        {"{\"api\":{\"url\":\"http://m\",\"user\":\"u\",\"password\":\"p\"}}", "https://"},
	        {"{\"api\":{\"url\":\"https://m\",\"user\":7,\"password\":\"p\"}}",
	         "api.user must be"},
	        {"{\"api\":{\"url\":\"https://"
	         "m\",\"user\":\"u\",\"password\":\"p\",\"timeout_seconds\":0}}",
	         "api.timeout_seconds"},
	        {"{\"api\":{\"url\":\"https://"
	         "m\",\"user\":\"u\",\"password\":\"p\",\"timeout_seconds\":1e40}}",
	         "api.timeout_seconds"},
	        {"{\"api\":{\"url\":\"https://"
	         "m\",\"user\":\"u\",\"password\":\"p\"},\"spool_max_events\":2.5}",
	         "spool_max_events"},
	        {"{\"api\":[]}", "missing key api"},
	        {"[]", "must be a JSON object"},
	        {"{\"api\":{\"url\":\"https://m\",\"url\":\"https://n\"}}", "same key twice"},
	};
	char msg[AR_ERROR_MSG_MAX];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		report_config *cfg = NULL;
		ck_assert_int_ne(parse(cases[i].text, &cfg, msg), AR_OK);
		ck_assert_ptr_null(cfg);
		ck_assert_msg(strstr(msg, cases[i].want) != NULL, "case %zu: %s", i, msg);
	}
}
END_TEST

START_TEST(plain_http_only_when_allowed)
{
	report_config *cfg = NULL;
	char msg[AR_ERROR_MSG_MAX];
	ck_assert_int_eq(parse("{\"api\":{\"url\":\"http://m\",\"user\":\"u\",\"password\":\"p\","
	                       "\"allow_plain_http\":true}}",
	                       &cfg, msg),
	                 AR_OK);
	report_config_free(cfg);
	ck_assert_int_eq(
	        parse("{\"allow_plain_http\":true,\"api\":{\"url\":\"http://m\",\"user\":\"u\","
	              "\"password\":\"p\"}}",
	              &cfg, msg),
	        AR_OK);
	report_config_free(cfg);
}
END_TEST

/* Credentials in the URL would travel outside the password's rules (and
 * reach every message naming the URL): refused, the secret not repeated. */
START_TEST(credentials_in_url_refused)
{
	static const char *const urls[] = {"https://admin:s3cret-pw@m:55000", "https://admin@m",
	                                   "https://m:1@h/s3cret-pw@x"};
	report_config *cfg = NULL;
	char msg[AR_ERROR_MSG_MAX], text[256];

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		snprintf(text, sizeof(text),
		         "{\"api\":{\"url\":\"%s\",\"user\":\"u\",\"password\":\"p\"}}", urls[i]);
		ck_assert_int_eq(parse(text, &cfg, msg), AR_E_INVALID);
		ck_assert_ptr_nonnull(strstr(msg, "api.url"));
		ck_assert_ptr_null(strstr(msg, "s3cret-pw"));
	}
}
END_TEST

START_TEST(password_file_must_be_private)
{
	char dir[64], pw[96], text[256], msg[AR_ERROR_MSG_MAX];
	report_config *cfg = NULL;

	unit_temp_dir(dir, sizeof(dir), "cfg");
	snprintf(pw, sizeof(pw), "%s/secret", dir);
	unit_write_text(pw, "s3cret\r\n");
	snprintf(text, sizeof(text),
	         "{\"api\":{\"url\":\"https://m\",\"user\":\"u\",\"password_file\":\"%s\"}}", pw);
	chmod(pw, 0644);
	ck_assert_int_eq(parse(text, &cfg, msg), AR_E_ACCESS);
	ck_assert_ptr_nonnull(strstr(msg, "readable by others"));
	ck_assert_ptr_null(strstr(msg, "s3cret"));
	chmod(pw, 0600);
	ck_assert_int_eq(parse(text, &cfg, msg), AR_OK);
	ck_assert_str_eq(cfg->api.password, "s3cret");
	report_config_free(cfg);
	unit_remove_tree(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report_config");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, minimal_with_defaults);
	tcase_add_test(tc, without_api_nothing_is_reported);
	tcase_add_test(tc, errors_name_the_key);
	tcase_add_test(tc, plain_http_only_when_allowed);
	tcase_add_test(tc, credentials_in_url_refused);
	tcase_add_test(tc, password_file_must_be_private);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
