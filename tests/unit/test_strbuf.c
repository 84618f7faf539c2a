/* The growable buffer: bytes kept exactly, always NUL-terminated, and a
 * failure that sticks until the caller takes or frees the buffer. */
#include "util/strbuf.h"

#include "unit.h"

#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

START_TEST(grows_and_keeps_every_byte)
{
	strbuf sb = {0};
	char *text;
	size_t len = 0;

	/* Past several doublings, with a NUL byte inside. */
	for (int i = 0; i < 1000; i++)
		strbuf_add(&sb, "ab\0c", 4);
	strbuf_adds(&sb, "end");
	text = strbuf_take(&sb, &len);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(len, 4003);
	ck_assert_mem_eq(text + 3996, "ab\0cend", 8); /* the terminating NUL too */
	ck_assert_ptr_null(sb.buf);
	ck_assert_uint_eq(sb.len, 0);
	free(text);
}
END_TEST

START_TEST(formats)
{
	strbuf sb = {0};
	char *text;

	strbuf_addf(&sb, "%s=%d", "n", 42);
	strbuf_addf(&sb, "%s", "");
	strbuf_addf(&sb, ";%05.1f;%zu", 3.14159, (size_t)7);
	text = strbuf_take(&sb, NULL);
	ck_assert_str_eq(text, "n=42;003.1;7");
	free(text);
}
END_TEST

START_TEST(empty_is_a_string)
{
	strbuf sb = {0};
	size_t len = 99;
	char *text = strbuf_take(&sb, &len);

	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "");
	ck_assert_uint_eq(len, 0);
	free(text);
}
END_TEST

START_TEST(failure_sticks_until_taken)
{
	strbuf sb = {0};

	strbuf_adds(&sb, "before");
	/* A size no buffer can reach fails without touching the data. */
	strbuf_add(&sb, "x", SIZE_MAX / 2);
	ck_assert(sb.failed);
	strbuf_adds(&sb, "after");
	strbuf_addf(&sb, "%d", 1);
	ck_assert_uint_eq(sb.len, 6);
	ck_assert_ptr_null(strbuf_take(&sb, NULL));
	/* Taken (and freed): the buffer is usable again. */
	ck_assert(!sb.failed);
	strbuf_adds(&sb, "again");
	{
		char *text = strbuf_take(&sb, NULL);
		ck_assert_str_eq(text, "again");
		free(text);
	}
}
END_TEST

START_TEST(a_cap_is_its_own_failure)
{
	strbuf sb = STRBUF_CAPPED(8);
	char *text;
	size_t len = 0;

	strbuf_adds(&sb, "12345678"); /* exactly the cap */
	ck_assert_int_eq(strbuf_status(&sb), AR_OK);
	ck_assert_uint_le(sb.cap, 9); /* never more than the cap and the NUL */
	strbuf_adds(&sb, "9");
	ck_assert_int_eq(strbuf_status(&sb), AR_E_TOO_LARGE);
	ck_assert_uint_eq(sb.len, 8);
	ck_assert_ptr_null(strbuf_take(&sb, NULL));
	/* The cap outlives the failure: the buffer is capped when used again. */
	ck_assert_int_eq(strbuf_status(&sb), AR_OK);
	strbuf_addf(&sb, "%s", "123456789");
	ck_assert_int_eq(strbuf_status(&sb), AR_E_TOO_LARGE);
	strbuf_free(&sb);
	strbuf_addf(&sb, "%d", 42);
	text = strbuf_take(&sb, &len);
	ck_assert_str_eq(text, "42");
	ck_assert_uint_eq(len, 2);
	free(text);
}
END_TEST

START_TEST(no_memory_is_not_over_the_cap)
{
	strbuf sb = {0};

	/* A size no buffer can reach, refused before any allocation. */
	strbuf_adds(&sb, "x");
	strbuf_add(&sb, "x", SIZE_MAX / 2);
	ck_assert_int_eq(strbuf_status(&sb), AR_E_NOMEM);
	strbuf_free(&sb);
}
END_TEST

START_TEST(drop_front_keeps_the_rest)
{
	strbuf sb = STRBUF_CAPPED(6);
	char *text;
	size_t len = 0;

	strbuf_adds(&sb, "abcdef");
	strbuf_drop_front(&sb, 4);
	ck_assert_uint_eq(sb.len, 2);
	ck_assert_str_eq(sb.buf, "ef");
	/* What was dropped is room again under the cap. */
	strbuf_adds(&sb, "ghij");
	ck_assert_int_eq(strbuf_status(&sb), AR_OK);
	strbuf_drop_front(&sb, 99);
	ck_assert_uint_eq(sb.len, 0);
	strbuf_adds(&sb, "k");
	text = strbuf_take(&sb, &len);
	ck_assert_str_eq(text, "k");
	ck_assert_uint_eq(len, 1);
	free(text);
}
END_TEST

static void add_v(strbuf *sb, const char *fmt, ...) AR_PRINTF(2, 3);

static void add_v(strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

START_TEST(vaddf_keeps_long_text_whole)
{
	strbuf sb = {0};
	char *big = malloc(5000), *text;

	memset(big, 'y', 4999);
	big[4999] = '\0';
	add_v(&sb, "<%s|%d>", big, 7);
	text = strbuf_take(&sb, NULL);
	ck_assert_uint_eq(strlen(text), 5003); /* "<", the text, "|7>" */
	ck_assert_mem_eq(text + 4999, "y|7>", 5);
	free(text);
	free(big);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("strbuf");
	TCase *tc = tcase_create("strbuf");

	tcase_add_test(tc, grows_and_keeps_every_byte);
	tcase_add_test(tc, formats);
	tcase_add_test(tc, empty_is_a_string);
	tcase_add_test(tc, failure_sticks_until_taken);
	tcase_add_test(tc, a_cap_is_its_own_failure);
	tcase_add_test(tc, no_memory_is_not_over_the_cap);
	tcase_add_test(tc, vaddf_keeps_long_text_whole);
	tcase_add_test(tc, drop_front_keeps_the_rest);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
