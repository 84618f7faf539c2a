/* Comparisons that ignore ASCII case only, and bounded copies. */
#include "util/text.h"

#include "unit.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(ascii_case_only)
{
	ck_assert(text_equal_ci("EnableSecuritySignature", "enablesecuritysignature"));
	ck_assert(text_equal_ci("FAILED", "failed"));
	ck_assert(text_equal_ci("", ""));
	ck_assert(!text_equal_ci("failed", "failed "));
	ck_assert(!text_equal_ci("fail", "failed"));
	ck_assert(!text_equal_ci("failed", "fail"));
	/* Only A-Z fold: '@' and '`' sit beside them, and UTF-8 stays as it is. */
	ck_assert(!text_equal_ci("@", "`"));
	ck_assert(!text_equal_ci("\xc3\x89", "\xc3\xa9"));
	ck_assert_int_eq(text_lower('Q'), 'q');
	ck_assert_int_eq(text_lower('['), '[');
}
END_TEST

START_TEST(first_n_bytes)
{
	ck_assert(text_equal_ci_n("HKLM\\System", "hklm", 4));
	ck_assert(!text_equal_ci_n("HKL", "hklm", 4)); /* shorter than n */
	ck_assert(text_equal_ci_n("ab", "AB", 10));    /* both end together */
	ck_assert(!text_equal_ci_n("ab", "ABc", 10));
	ck_assert(text_equal_ci_n("x", "y", 0));
}
END_TEST

START_TEST(copies_a_span)
{
	char *d = text_dup_n("abc\0def", 5);

	ck_assert_ptr_nonnull(d);
	ck_assert_mem_eq(d, "abc\0d\0", 6);
	free(d);
	d = text_dup_n(NULL, 0);
	ck_assert_str_eq(d, "");
	free(d);
}
END_TEST

START_TEST(cut_with_a_mark_never_inside_a_character)
{
	char *c = text_cut("short", 16);

	ck_assert_str_eq(c, "short");
	free(c);
	c = text_cut("0123456789abcdef", 16);
	ck_assert_str_eq(c, "0123456789abcdef");
	free(c);
	c = text_cut("0123456789abcdefg", 16);
	ck_assert_str_eq(c, "0123456789a" TEXT_CUT_MARK);
	free(c);
	/* "\xc3\xa9" is one character: never half of it. */
	c = text_cut("0123456789\xc3\xa9xxxxxx", 16);
	ck_assert_str_eq(c, "0123456789" TEXT_CUT_MARK);
	free(c);
	ck_assert_ptr_null(text_cut(NULL, 16));
}
END_TEST

START_TEST(digits_up_to_a_count)
{
	ck_assert(text_is_digits("26032", 20));
	ck_assert(text_is_digits("12345678901234567890", 20));
	ck_assert(!text_is_digits("123456789012345678901", 20));
	ck_assert(!text_is_digits("", 20));
	ck_assert(!text_is_digits("2603a", 20));
	ck_assert(!text_is_digits("-1", 20));
}
END_TEST

/* What reaches a terminal: control characters escaped, the rest as it is. */
START_TEST(escaped_for_a_terminal)
{
	strbuf sb = {0};

	text_add_for_terminal(&sb, "a\x1b]0;t\x07\x1b[2J\r\n\x7f\xc2\x9b\xc3\xa9 \\x27 ok");
	ck_assert_str_eq(sb.buf, "a\\x1b]0;t\\x07\\x1b[2J\\x0d\\x0a\\x7f\\u009b\xc3\xa9 \\x27 ok");
	strbuf_free(&sb);
	text_add_for_terminal(&sb, NULL);
	text_add_for_terminal(&sb, "");
	text_add_for_terminal(&sb, "\xc2");
	ck_assert_str_eq(sb.buf, "?\xc2");
	strbuf_free(&sb);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, ascii_case_only);
	tcase_add_test(tc, first_n_bytes);
	tcase_add_test(tc, copies_a_span);
	tcase_add_test(tc, cut_with_a_mark_never_inside_a_character);
	tcase_add_test(tc, digits_up_to_a_count);
	tcase_add_test(tc, escaped_for_a_terminal);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
