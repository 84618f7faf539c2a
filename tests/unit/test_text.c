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
	ck_assert_str_eq(sb.buf, "?\\xc2"); /* half a character: not UTF-8 */
	strbuf_free(&sb);
}
END_TEST

/* Bytes that are no UTF-8 character are escaped one by one: what is
 * echoed is always UTF-8, whatever came in. */
START_TEST(what_is_not_utf8_is_escaped)
{
	strbuf sb = {0};

	/* A stray continuation byte, an overlong '/', a surrogate, a byte
	 * that never starts a character, a character cut by the end. */
	text_add_for_terminal(&sb, "a\x80"
	                           "b\xc0\xaf"
	                           "c\xed\xa0\x80"
	                           "d\xff"
	                           "e\xe2\x82");
	ck_assert_str_eq(sb.buf, "a\\x80b\\xc0\\xafc\\xed\\xa0\\x80d\\xffe\\xe2\\x82");
	strbuf_free(&sb);
	/* Characters of two, three and four bytes stay as they are. */
	text_add_for_terminal(&sb, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	ck_assert_str_eq(sb.buf, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	strbuf_free(&sb);
}
END_TEST

/* A cut field has no control character either, and is never cut inside a
 * character nor inside an escape: C1 CSI (U+009B) and ESC become escapes,
 * and the cut falls after a whole one. */
START_TEST(cut_fields_are_escaped_and_cut_whole)
{
	char *c = text_cut("\xc2\x9b"
	                   "31m\x1b[2J",
	                   64);

	ck_assert_str_eq(c, "\\u009b31m\\x1b[2J");
	free(c);
	/* "ab" then an escape of 4 bytes that would pass the room left (cap
	 * 10, mark 5): cut before it, not inside. */
	c = text_cut("ab\x01\x02\x03", 10);
	ck_assert_str_eq(c, "ab" TEXT_CUT_MARK);
	free(c);
	/* A three-byte character across the cut: left out whole. */
	c = text_cut("abcd\xe2\x82\xacxxxxxxxx", 10);
	ck_assert_str_eq(c, "abcd" TEXT_CUT_MARK);
	free(c);
	c = text_cut("abc\xe2\x82\xacxxxxxxxx", 10);
	ck_assert_str_eq(c, "abc" TEXT_CUT_MARK);
	free(c);
	c = text_cut("ab\xe2\x82\xacxxxxxxxx", 10);
	ck_assert_str_eq(c, "ab\xe2\x82\xac" TEXT_CUT_MARK);
	free(c);
}
END_TEST

/* A field quoted in a message, in a buffer of the caller's: cut and
 * escaped alike; an empty field stays empty. */
START_TEST(shown_in_a_buffer)
{
	char buf[11];

	ck_assert_str_eq(text_shown(buf, sizeof(buf), ""), "");
	ck_assert_str_eq(text_shown(buf, sizeof(buf), "a\x1b"), "a\\x1b");
	ck_assert_str_eq(text_shown(buf, sizeof(buf), "abc\xe2\x82\xacxxxxxxxx"),
	                 "abc" TEXT_CUT_MARK);
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
	tcase_add_test(tc, what_is_not_utf8_is_escaped);
	tcase_add_test(tc, cut_fields_are_escaped_and_cut_whole);
	tcase_add_test(tc, shown_in_a_buffer);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
