/* The sweep's configuration: the reporter's api block, the command, the
 * rate and the state file, read strictly. */
#include "sweep/sweep_config.h"

#include "unit.h"

#include <check.h>
#include <string.h>

#define API "\"api\":{\"url\":\"https://m:55000/\",\"user\":\"u\",\"password\":\"p\"}"

static ar_status parse(const char *text, sweep_config **cfg, char *msg)
{
	ar_error err = {0};
	ar_status st = sweep_config_parse(text, strlen(text), cfg, &err);
	strcpy(msg, err.msg);
	return st;
}

START_TEST(defaults)
{
	sweep_config *cfg = NULL;
	char msg[AR_ERROR_MSG_MAX];

	ck_assert_int_eq(parse("{" API "}", &cfg, msg), AR_OK);
	ck_assert_str_eq(cfg->api.url, "https://m:55000");
	ck_assert_str_eq(cfg->command, "!win_ms_network_client_sign_if_server_agrees.exe");
	ck_assert_int_eq(cfg->max_per_minute, 150);
	ck_assert_ptr_null(cfg->state_file);
	ck_assert_str_eq(cfg->ossec_conf, "/var/ossec/etc/ossec.conf");
	ck_assert_int_eq(cfg->api.timeout_seconds, 10);
	ck_assert_int_eq(cfg->time_limit_seconds, 86400);
	ck_assert_ptr_null(cfg->api.proxy);
	sweep_config_free(cfg);
}
END_TEST

START_TEST(all_keys)
{
	sweep_config *cfg = NULL;
	char msg[AR_ERROR_MSG_MAX];

	ck_assert_int_eq(parse("{" API ",\"command\":\"win-ms-network-client-sign0\","
	                       "\"max_requests_per_minute\":300,\"state_file\":\"/var/s\","
	                       "\"ossec_conf\":\"/etc/o.conf\",\"time_limit_seconds\":600}",
	                       &cfg, msg),
	                 AR_OK);
	ck_assert_str_eq(cfg->command, "win-ms-network-client-sign0");
	ck_assert_int_eq(cfg->max_per_minute, 300);
	ck_assert_str_eq(cfg->state_file, "/var/s");
	ck_assert_int_eq(cfg->time_limit_seconds, 600);
	ck_assert_str_eq(cfg->ossec_conf, "/etc/o.conf");
	sweep_config_free(cfg);
	/* The rate as Wazuh's api.yaml spells its own. */
	ck_assert_int_eq(parse("{" API ",\"max_request_per_minute\":240}", &cfg, msg), AR_OK);
	ck_assert_int_eq(cfg->max_per_minute, 240);
	sweep_config_free(cfg);
	ck_assert_int_eq(parse("{\"api\":{\"url\":\"https://m\",\"user\":\"u\",\"password\":"
	                       "\"p\",\"proxy\":\"http://proxy.example:3128\"}}",
	                       &cfg, msg),
	                 AR_OK);
	ck_assert_str_eq(cfg->api.proxy, "http://proxy.example:3128");
	sweep_config_free(cfg);
}
END_TEST

START_TEST(errors_name_the_key)
{
	static const struct {
		const char *text, *words;
	} cases[] = {
	        {"{}", "missing key api"},
	        {"[]", "must be a JSON object"},
	        {"{" API ",\"spool_dir\":\"/x\"}", "unknown key spool_dir"},
	        {"{\"api\":{\"url\":\"https://m\",\"user\":\"u\",\"password\":\"p\",\"x\":1}}",
	         "unknown key api.x"},
	        {"{" API ",\"max_requests_per_minute\":0}", "max_requests_per_minute"},
	        {"{" API ",\"max_requests_per_minute\":100001}", "max_requests_per_minute"},
	        {"{" API ",\"max_requests_per_minute\":1.5}", "max_requests_per_minute"},
	        {"{" API ",\"max_request_per_minute\":0}", "max_request_per_minute must"},
	        {"{" API ",\"max_request_per_minute\":100,\"max_requests_per_minute\":100}",
	         "max_requests_per_minute and max_request_per_minute are the same setting"},
	        {"{" API ",\"ossec_conf\":\"\"}", "ossec_conf must be a non-empty string"},
	        {"{" API ",\"ossec_conf\":1}", "ossec_conf must be a non-empty string"},
	        {"{" API ",\"command\":\"\"}", "command must be a non-empty string"},
	        {"{" API ",\"command\":\"!\"}", "command must name a program"},
	        {"{" API ",\"command\":\"!a b.exe\"}", "command may hold only"},
	        {"{" API ",\"command\":\"!..\\\\x.exe\"}", "command may hold only"},
	        {"{" API ",\"state_file\":true}", "state_file must be a non-empty string"},
	        {"{\"api\":{\"url\":\"http://m\",\"user\":\"u\",\"password\":\"p\"}}", "https://"},
	        {"{" API ",\"time_limit_seconds\":0}", "time_limit_seconds"},
	        {"{" API ",\"time_limit_seconds\":604801}", "time_limit_seconds"},
	        {"{\"api\":{\"url\":\"https://m\",\"user\":\"u\",\"password\":\"p\",\"proxy\":"
	         "\"socks5://h:1\"}}",
	         "api.proxy must start with http:// or https://"},
	        {"{\"api\":{\"url\":\"https://m\",\"user\":\"u\",\"password\":\"p\",\"proxy\":"
	         "\"http://a:b@h:1\"}}",
	         "api.proxy must be a plain URL"},
	        {"{\"api\":{\"url\":\"https://"
	         "m\",\"user\":\"u\",\"password\":\"p\",\"proxy\":\"\"}}",
	         "api.proxy must be a non-empty string"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sweep_config *cfg = NULL;
		char msg[AR_ERROR_MSG_MAX];
		ck_assert_int_eq(parse(cases[i].text, &cfg, msg), AR_E_INVALID);
		ck_assert_ptr_null(cfg);
		ck_assert_msg(strstr(msg, cases[i].words) != NULL, "%s: %s", cases[i].text, msg);
	}
}
END_TEST

START_TEST(secret_never_in_messages)
{
	sweep_config *cfg = NULL;
	char msg[AR_ERROR_MSG_MAX];

	ck_assert_int_eq(parse("{\"api\":{\"url\":\"https://m\",\"user\":\"u\",\"password\":"
	                       "\"s3cret-pw\"},\"x\":1}",
	                       &cfg, msg),
	                 AR_E_INVALID);
	ck_assert_ptr_null(strstr(msg, "s3cret-pw"));
	ck_assert_int_eq(parse("{\"api\":{\"url\":\"https://a:s3cret-pw@m\",\"user\":\"u\","
	                       "\"password\":\"p\"}}",
	                       &cfg, msg),
	                 AR_E_INVALID);
	ck_assert_ptr_null(strstr(msg, "s3cret-pw"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep_config");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, all_keys);
	tcase_add_test(tc, errors_name_the_key);
	tcase_add_test(tc, secret_never_in_messages);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
