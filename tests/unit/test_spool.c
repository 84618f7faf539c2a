/* The durable report queue: order, caps, atomic files, owner-only. */
#include "report/spool.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64], dir[96];

static void setup(void)
{
	unit_temp_dir(base, sizeof(base), "spool");
	snprintf(dir, sizeof(dir), "%s/spool", base);
}

static void teardown(void)
{
	unit_remove_tree(base);
}

START_TEST(put_then_take_in_order)
{
	spool_entry *e = NULL;
	size_t n = 0;
	struct stat sb;
	char name[128];

	ck_assert(spool_put(dir, "{\"n\":1}", NULL) == AR_OK);
	ck_assert(spool_put(dir, "{\"n\":2}", NULL) == AR_OK);
	ck_assert_int_eq(stat(dir, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0700);
	ck_assert_uint_eq(spool_count(dir), 2);
	ck_assert(spool_take(dir, 100, &e, &n, NULL) == AR_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(stat(e[0].path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	/* Same second: both kept, in name order; the names carry no temp suffix. */
	ck_assert_ptr_null(strstr(e[0].path, ".tmp"));
	snprintf(name, sizeof(name), "%s", e[0].event);
	ck_assert(strcmp(name, "{\"n\":1}") == 0 || strcmp(name, "{\"n\":2}") == 0);
	spool_entries_free(e, n);
	ck_assert(spool_take(dir, 1, &e, &n, NULL) == AR_OK);
	ck_assert_uint_eq(n, 1);
	spool_entries_free(e, n);
}
END_TEST

START_TEST(trim_drops_oldest_and_counts)
{
	size_t dropped = 0;
	char path[160];
	spool_entry *e = NULL;
	size_t n = 0;

	ck_assert(spool_put(dir, "x", NULL) == AR_OK);
	/* Older files sort first by name: plant two "older" events. */
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/000000000001-0000000%d-00000000.event.json", dir,
		         i);
		unit_write_text(path, i ? "old1" : "old0");
	}
	ck_assert(spool_trim(dir, 2, 1 << 20, &dropped, NULL) == AR_OK);
	ck_assert_uint_eq(dropped, 1);
	ck_assert(spool_take(dir, 10, &e, &n, NULL) == AR_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(e[0].event, "old1");
	ck_assert_str_eq(e[1].event, "x");
	spool_entries_free(e, n);
	ck_assert(spool_trim(dir, 10, 0, &dropped, NULL) == AR_OK);
	ck_assert_uint_eq(dropped, 2);
	ck_assert_uint_eq(spool_count(dir), 0);
}
END_TEST

START_TEST(unwritable_spool_is_an_error)
{
	ar_error err = {0};
	/* A folder under a regular file can never be created. */
	ck_assert_int_ne(spool_put("/dev/null/spool", "x", &err), AR_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, "spool"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, put_then_take_in_order);
	tcase_add_test(tc, trim_drops_oldest_and_counts);
	tcase_add_test(tc, unwritable_spool_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
