/* UTF-8 <-> UTF-16LE, strict both ways so a round trip is exact. */
#include "util/utf16.h"

#include "unit.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(round_trip_all_planes)
{
	const char *text = "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x92";
	unsigned char *w = NULL;
	size_t wl = 0, back_len = 0;
	char *back = NULL;

	ck_assert(utf8_to_utf16le(text, strlen(text), &w, &wl, NULL) == AR_OK);
	ck_assert_uint_eq(wl, 10); /* A, é, €: one unit each; U+1F512: a pair */
	ck_assert_mem_eq(w, "A\0\xe9\0\xac\x20\x3d\xd8\x12\xdd", 10);
	ck_assert(utf16le_to_utf8(w, wl, &back, &back_len, NULL) == AR_OK);
	ck_assert_str_eq(back, text);
	free(w);
	free(back);
}
END_TEST

START_TEST(refuses_broken_text)
{
	char *out = NULL;
	size_t n;
	unsigned char *w = NULL;

	ck_assert_int_eq(utf16le_to_utf8((const unsigned char *)"\x3d\xd8", 2, &out, &n, NULL),
	                 AR_E_INVALID); /* lone high surrogate */
	ck_assert_int_eq(
	        utf16le_to_utf8((const unsigned char *)"\x12\xdd\x41\x00", 4, &out, &n, NULL),
	        AR_E_INVALID); /* lone low surrogate */
	ck_assert_int_eq(utf16le_to_utf8((const unsigned char *)"A\0B", 3, &out, &n, NULL),
	                 AR_E_INVALID); /* odd length */
	ck_assert_int_eq(utf8_to_utf16le("\xc3", 1, &w, &n, NULL), AR_E_INVALID);
	ck_assert_ptr_null(out);
	ck_assert_ptr_null(w);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("utf16");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, round_trip_all_planes);
	tcase_add_test(tc, refuses_broken_text);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
