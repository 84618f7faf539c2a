/* Paths as text with this system's separators (POSIX here: '/' only). */
#include "util/path.h"

#include "unit.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static void joins(const char *dir, const char *name, const char *want)
{
	char *got = path_join(dir, name);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

static void dir_is(const char *path, const char *want)
{
	char *got = path_dir(path);

	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, want) == 0, "path_dir(\"%s\") = \"%s\", not \"%s\"", path, got,
	              want);
	free(got);
}

START_TEST(join_adds_one_separator)
{
	joins("/var/ossec", "logs", "/var/ossec/logs");
	joins("/var/ossec/", "logs", "/var/ossec/logs");
	joins("/", "x.log", "/x.log");
	joins("", "x.log", "/x.log");
	joins("a", "b/c", "a/b/c");
}
END_TEST

START_TEST(dir_of_a_path)
{
	dir_is("/var/ossec/logs/active-responses.log", "/var/ossec/logs");
	dir_is("logs/ar.log", "logs");
	dir_is("ar.log", ".");
	dir_is("/ar.log", "/");
	dir_is("/", "/");
	/* A backslash is a character of the name here, not a separator. */
	dir_is("a\\b/c\\d", "a\\b");
}
END_TEST

START_TEST(base_of_a_path)
{
	ck_assert_str_eq(path_base("/opt/agent/active-response/bin"), "bin");
	ck_assert_str_eq(path_base("bin"), "bin");
	ck_assert_str_eq(path_base("/a/"), "");
	ck_assert_str_eq(path_base("a\\b"), "a\\b");
}
END_TEST

START_TEST(dir_and_base_rebuild_the_path)
{
	static const char *const paths[] = {"/a/b/c.reg", "a/b", "/x"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *dir = path_dir(paths[i]);
		char *again = path_join(dir, path_base(paths[i]));
		ck_assert_str_eq(again, paths[i]);
		free(dir);
		free(again);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, join_adds_one_separator);
	tcase_add_test(tc, dir_of_a_path);
	tcase_add_test(tc, base_of_a_path);
	tcase_add_test(tc, dir_and_base_rebuild_the_path);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
