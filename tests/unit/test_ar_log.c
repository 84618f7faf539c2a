/* The log line in the format of Wazuh's own active responses. */
#include "ar_log.h"

#include "unit.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(wazuh_format)
{
	regex_t re;
	char *line = ar_log_format("prog", "{\"status\":\"kept\"}", 0);

	ck_assert_int_eq(regcomp(&re,
	                         "^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} "
	                         "active-response/bin/prog: \\{\"status\":\"kept\"\\}\n$",
	                         REG_EXTENDED),
	                 0);
	ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "%s", line);
	regfree(&re);
	free(line);
}
END_TEST

START_TEST(line_breaks_never_split_a_record)
{
	char *line = ar_log_format("prog", "a\nb\rc", 0);
	ck_assert_ptr_nonnull(strstr(line, "prog: a b c\n"));
	ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);
	free(line);
}
END_TEST

START_TEST(appends_and_creates_the_folder)
{
	char dir[64], path[128], *buf;

	unit_temp_dir(dir, sizeof(dir), "log");
	snprintf(path, sizeof(path), "%s/logs/active-responses.log", dir);
	ck_assert(ar_log_append(path, "prog", "one", NULL) == AR_OK);
	ck_assert(ar_log_append(path, "prog", "two", NULL) == AR_OK);
	buf = unit_read_file(path, NULL);
	ck_assert_ptr_nonnull(strstr(buf, "prog: one\n"));
	ck_assert_ptr_nonnull(strstr(buf, "prog: two\n"));
	ck_assert(strstr(buf, "one") < strstr(buf, "two"));
	free(buf);
	unit_remove_tree(dir);
}
END_TEST

START_TEST(full_disk_is_an_error)
{
	ar_error err = {0};
	/* /dev/full takes no byte: the failure must come back, not vanish. */
	ck_assert_int_ne(ar_log_append("/dev/full", "prog", "x", &err), AR_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, "/dev/full"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ar_log");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, wazuh_format);
	tcase_add_test(tc, line_breaks_never_split_a_record);
	tcase_add_test(tc, appends_and_creates_the_folder);
	tcase_add_test(tc, full_disk_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
