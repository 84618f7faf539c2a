/* REG_DWORD data: 4 bytes, little-endian, whatever the host's order. */
#include "util/dword.h"

#include "unit.h"

#include <check.h>
#include <stdint.h>

START_TEST(little_endian_bytes)
{
	unsigned char b[4];

	dword_pack(0x12345678u, b);
	ck_assert_mem_eq(b, "\x78\x56\x34\x12", 4);
	dword_pack(1, b);
	ck_assert_mem_eq(b, "\x01\0\0\0", 4);
	ck_assert_uint_eq(dword_unpack((const unsigned char *)"\xff\xff\xff\xff"), 0xFFFFFFFFu);
	ck_assert_uint_eq(dword_unpack((const unsigned char *)"\x01\x02\x03\x04"), 0x04030201u);
}
END_TEST

START_TEST(round_trip)
{
	static const uint32_t values[] = {0, 1, 0x80, 0xFF00FF00u, 0x7FFFFFFFu, 0xFFFFFFFFu};
	unsigned char b[4];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		dword_pack(values[i], b);
		ck_assert_uint_eq(dword_unpack(b), values[i]);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dword");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, little_endian_bytes);
	tcase_add_test(tc, round_trip);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
