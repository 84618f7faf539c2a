/* The .reg file backend through the registry interface, as remediate sees
 * it: reads find keys whatever their case, a write creates what is missing
 * and replaces the file whole in its own encoding, and a write that changes
 * nothing leaves the file alone. */
#include "platform/platform.h"
#include "registry/registry.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef TESTS_DATA_DIR
#error "TESTS_DATA_DIR must name tests/data"
#endif

static char dir[64], regpath[128];

static void setup(void)
{
	unit_temp_dir(dir, sizeof(dir), "regbackend");
	snprintf(regpath, sizeof(regpath), "%s/registry.reg", dir);
}

static void teardown(void)
{
	unit_remove_tree(dir);
}

static void copy_sample(const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "registry/%s", name);
	unit_copy_sample(rel, regpath);
}

/* Sets NAME under KEY to REG_DWORD data through the interface. */
static ar_status write_dword(registry *reg, uint32_t data, ar_error *err)
{
	unsigned char le[4];
	reg_value v = unit_dword(data, le);

	return registry_write(reg, KEY, NAME, &v, err);
}

static registry *open_reg(void)
{
	registry *reg = NULL;
	ck_assert(registry_open_file(regpath, &reg, NULL) == AR_OK);
	ck_assert_str_eq(reg->ops->name, "regfile");
	return reg;
}

static reg_value read_value(registry *reg, const char *key)
{
	reg_value v = {0};
	ar_error err = {0};
	ck_assert_msg(registry_read(reg, key, NAME, &v, &err) == AR_OK, "%s", err.msg);
	return v;
}

/* The file's identity: an atomic replace gives it a new inode. */
static ino_t inode(void)
{
	struct stat sb;
	ck_assert_int_eq(stat(regpath, &sb), 0);
	return sb.st_ino;
}

START_TEST(missing_file_is_an_empty_registry_until_written)
{
	registry *reg = open_reg();
	reg_value v = read_value(reg, KEY);
	unsigned char *bytes;
	size_t len;

	ck_assert(!v.key_exists);
	ck_assert(!v.exists);
	ck_assert(!platform_exists(regpath)); /* reading creates nothing */
	ck_assert(write_dword(reg, 1, NULL) == AR_OK);
	v = read_value(reg, KEY);
	ck_assert(v.key_exists && v.exists);
	ck_assert(reg_value_is_dword(&v, 1));
	reg_value_free(&v);
	/* A new file is what Windows' regedit exports: UTF-16LE with a BOM. */
	bytes = (unsigned char *)unit_read_file(regpath, &len);
	ck_assert_uint_ge(len, 2);
	ck_assert_mem_eq(bytes, "\xff\xfe", 2);
	free(bytes);
	registry_close(reg);
}
END_TEST

START_TEST(reads_types_exactly_and_keys_in_any_case)
{
	registry *reg;
	reg_value v;

	copy_sample("value_sz_utf16.reg");
	reg = open_reg();
	v = read_value(reg, "hklm\\SYSTEM\\currentcontrolset\\services\\lanmanworkstation\\"
	                    "PARAMETERS");
	ck_assert(v.exists);
	/* REG_SZ "1" is not REG_DWORD 1: its bytes are UTF-16LE with a NUL. */
	ck_assert_uint_eq(v.type, REGV_SZ);
	ck_assert_uint_eq(v.len, 4);
	ck_assert_mem_eq(v.data, "1\0\0\0", 4);
	ck_assert(!reg_value_is_dword(&v, 1));
	reg_value_free(&v);
	registry_close(reg);
}
END_TEST

START_TEST(write_replaces_in_the_file_s_encoding)
{
	registry *reg;
	reg_value v;
	unsigned char *before, *after;
	size_t before_len, after_len;

	copy_sample("value_0_utf8.reg");
	before = (unsigned char *)unit_read_file(regpath, &before_len);
	reg = open_reg();
	ck_assert(write_dword(reg, 1, NULL) == AR_OK);
	v = read_value(reg, KEY);
	ck_assert(reg_value_is_dword(&v, 1));
	reg_value_free(&v);
	after = (unsigned char *)unit_read_file(regpath, &after_len);
	/* Still UTF-8 text, the same length: only the value's digits changed. */
	ck_assert_uint_eq(after_len, before_len);
	ck_assert_ptr_nonnull(strstr((char *)after, "\"" NAME "\"=dword:00000001"));
	{
		size_t diff = 0;
		for (size_t i = 0; i < after_len; i++)
			diff += before[i] != after[i];
		ck_assert_uint_eq(diff, 1);
	}
	free(before);
	free(after);
	registry_close(reg);
}
END_TEST

START_TEST(no_change_no_rewrite)
{
	registry *reg;
	ino_t ino;

	copy_sample("compliant_utf16.reg");
	ino = inode();
	reg = open_reg();
	ck_assert(write_dword(reg, 1, NULL) == AR_OK);
	ck_assert(registry_remove(reg, KEY, "NoSuchValue", NULL) == AR_OK);
	ck_assert(inode() == ino);
	/* A real change does replace it. */
	ck_assert(registry_remove(reg, KEY, NAME, NULL) == AR_OK);
	ck_assert(inode() != ino);
	{
		reg_value v = read_value(reg, KEY);
		ck_assert(v.key_exists);
		ck_assert(!v.exists);
	}
	registry_close(reg);
}
END_TEST

START_TEST(a_file_that_is_no_registry_names_itself)
{
	static const unsigned char binary[] = {0x00, 0x01, 0x02, 0xff, 0x00, 0x7f, 0x10};
	registry *reg;
	reg_value v = {0};
	ar_error err = {0};
	ino_t ino;

	ck_assert(platform_write_file_atomic(regpath, binary, sizeof(binary), false, NULL) ==
	          AR_OK);
	ino = inode();
	reg = open_reg();
	ck_assert(registry_read(reg, KEY, NAME, &v, &err) != AR_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, regpath));
	memset(&err, 0, sizeof(err));
	ck_assert(write_dword(reg, 1, &err) != AR_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, regpath));
	ck_assert(inode() == ino);
	registry_close(reg);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("registry_regfile");
	TCase *tc = tcase_create("backend");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, missing_file_is_an_empty_registry_until_written);
	tcase_add_test(tc, reads_types_exactly_and_keys_in_any_case);
	tcase_add_test(tc, write_replaces_in_the_file_s_encoding);
	tcase_add_test(tc, no_change_no_rewrite);
	tcase_add_test(tc, a_file_that_is_no_registry_names_itself);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
