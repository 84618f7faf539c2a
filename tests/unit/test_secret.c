/* Secrets are zeroed before their memory goes back. */
#include "util/secret.h"

#include "unit.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(wipes_exactly_the_bytes_given)
{
	char buf[] = "password!tail";

	secret_wipe(buf, 9);
	ck_assert_mem_eq(buf, "\0\0\0\0\0\0\0\0\0tail", 14);
	secret_wipe(buf, 0);
	ck_assert_str_eq(buf + 9, "tail");
}
END_TEST

START_TEST(free_takes_null_and_secrets)
{
	char *s = strdup("a token");

	ck_assert_ptr_nonnull(s);
	secret_free(s);
	secret_free(NULL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("secret");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, wipes_exactly_the_bytes_given);
	tcase_add_test(tc, free_takes_null_and_secrets);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
