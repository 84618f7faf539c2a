/* The registry interface's shared half: key paths, types, values. */
#include "registry/registry.h"

#include "unit.h"

#include <check.h>
#include <string.h>

START_TEST(roots_and_key_paths)
{
	const char *root, *sub;

	ck_assert(registry_split_root("HKLM\\System\\X", &root, &sub));
	ck_assert_str_eq(root, "HKEY_LOCAL_MACHINE");
	ck_assert_str_eq(sub, "System\\X");
	ck_assert(registry_split_root("hkey_current_user", &root, &sub));
	ck_assert_str_eq(root, "HKEY_CURRENT_USER");
	ck_assert_str_eq(sub, "");
	ck_assert(!registry_split_root("HKLMX\\System", &root, &sub));
	ck_assert(!registry_split_root("System\\X", &root, &sub));
	ck_assert(registry_key_equal("HKLM\\SYSTEM\\CurrentControlSet",
	                             "HKEY_LOCAL_MACHINE\\System\\currentcontrolset\\"));
	ck_assert(!registry_key_equal("HKLM\\System\\A", "HKCU\\System\\A"));
	ck_assert(!registry_key_equal("HKLM\\System\\A", "HKLM\\System\\AB"));
}
END_TEST

START_TEST(values_and_types)
{
	reg_value v = {0};
	unsigned char one[4] = {1, 0, 0, 0};

	ck_assert(reg_value_set(&v, REGV_DWORD, one, 4, NULL) == AR_OK);
	ck_assert(v.exists && reg_value_is_dword(&v, 1) && !reg_value_is_dword(&v, 0));
	v.type = REGV_QWORD;
	ck_assert(!reg_value_is_dword(&v, 1));
	reg_value_free(&v);
	ck_assert(!v.exists && v.data == NULL);
	ck_assert_str_eq(reg_type_name(REGV_DWORD), "REG_DWORD");
	ck_assert_str_eq(reg_type_name(REGV_MULTI_SZ), "REG_MULTI_SZ");
	ck_assert_str_eq(reg_type_name(99), "REG_UNKNOWN");
}
END_TEST

START_TEST(no_live_registry_here)
{
	registry *reg = NULL;
	ar_error err = {0};
	ck_assert_int_eq(registry_open_live(&reg, &err), AR_E_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(err.msg, "--registry-file"));
	ck_assert_ptr_null(reg);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, roots_and_key_paths);
	tcase_add_test(tc, values_and_types);
	tcase_add_test(tc, no_live_registry_here);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
