/* Remediation over the registry interface with the .reg backend: backups
 * that restore, no write when compliant, dry-run, restore's limits. The
 * failure paths through a registry that fails on purpose are in
 * test_faults.c. */
#include "platform/platform.h"
#include "registry/regfile.h"
#include "remediate.h"
#include "sca_match.h"

#include "unit.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The control the program remediates: KEY, NAME, REG_DWORD 1. */
#define T sca_control_smb_client_signing
static char dir[64], regpath[128], backups[128];

static void setup(void)
{
	unit_temp_dir(dir, sizeof(dir), "remediate");
	snprintf(regpath, sizeof(regpath), "%s/registry.reg", dir);
	snprintf(backups, sizeof(backups), "%s/backups", dir);
}

static void teardown(void)
{
	unit_remove_tree(dir);
}

static registry *open_file(void)
{
	registry *reg = NULL;
	ck_assert(registry_open_file(regpath, &reg, NULL) == AR_OK);
	return reg;
}

static const char *WITH_0 = "REGEDIT4\n\n[" KEY "]\n\"Other\"=\"x\"\n\"" NAME "\"=dword:00000000\n";

START_TEST(from_zero_with_backup_that_restores)
{
	registry *reg;
	ar_result r;
	char *after, *backup_text;
	ar_error err = {0};

	unit_write_text(regpath, WITH_0);
	reg = open_file();
	result_init(&r);
	remediate_apply(reg, &T, false, backups, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert(r.have_before && reg_value_is_dword(&r.before, 0));
	ck_assert(r.have_after && reg_value_is_dword(&r.after, 1));
	after = unit_read_file(regpath, NULL);
	ck_assert_str_eq(after,
	                 "REGEDIT4\n\n[" KEY "]\n\"Other\"=\"x\"\n\"" NAME "\"=dword:00000001\n");
	free(after);
	ck_assert_uint_eq(unit_count_backups(backups), 1);
	ck_assert_ptr_nonnull(r.backup);
	/* The backup is UTF-16LE with BOM, as reg export writes. */
	backup_text = unit_read_file(r.backup, NULL);
	ck_assert(backup_text[0] == '\xFF' && backup_text[1] == '\xFE');
	free(backup_text);
	{
		ar_result rr;
		char *restored;
		result_init(&rr);
		ck_assert(remediate_restore(reg, &T, r.backup, backups, &rr, &err) == AR_OK);
		ck_assert_int_eq(rr.status, RESULT_RESTORED);
		restored = unit_read_file(regpath, NULL);
		ck_assert_str_eq(restored, WITH_0);
		free(restored);
		ck_assert_uint_eq(unit_count_backups(backups), 2); /* a restore backs up too */
		result_free(&rr);
	}
	result_free(&r);
	registry_close(reg);
}
END_TEST

START_TEST(missing_value_backup_removes_it)
{
	const char *text = "REGEDIT4\n\n[" KEY "]\n\"Other\"=\"x\"\n";
	registry *reg;
	ar_result r, rr;
	ar_error err = {0};
	char *restored;

	unit_write_text(regpath, text);
	reg = open_file();
	result_init(&r);
	remediate_apply(reg, &T, false, backups, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert(!r.before.exists && r.before.key_exists);
	result_init(&rr);
	ck_assert(remediate_restore(reg, &T, r.backup, backups, &rr, &err) == AR_OK);
	restored = unit_read_file(regpath, NULL);
	ck_assert_str_eq(restored, text);
	free(restored);
	result_free(&r);
	result_free(&rr);
	registry_close(reg);
}
END_TEST

START_TEST(reg_sz_one_is_replaced)
{
	registry *reg;
	ar_result r;
	unit_write_text(regpath, "REGEDIT4\n[" KEY "]\n\"" NAME "\"=\"1\"\n");
	reg = open_file();
	result_init(&r);
	remediate_apply(reg, &T, false, backups, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert_uint_eq(r.before.type, REGV_SZ);
	ck_assert(reg_value_is_dword(&r.after, 1));
	result_free(&r);
	registry_close(reg);
}
END_TEST

START_TEST(compliant_writes_nothing)
{
	const char *text = "REGEDIT4\n[" KEY "]\n\"" NAME "\"=dword:1\n";
	struct stat before, after;
	registry *reg;
	ar_result r;

	unit_write_text(regpath, text);
	ck_assert_int_eq(stat(regpath, &before), 0);
	reg = open_file();
	result_init(&r);
	remediate_apply(reg, &T, false, backups, &r);
	ck_assert_int_eq(r.status, RESULT_COMPLIANT);
	ck_assert_int_eq(stat(regpath, &after), 0);
	ck_assert_uint_eq(before.st_ino, after.st_ino);
	ck_assert_uint_eq(unit_count_backups(backups), 0);
	ck_assert_ptr_null(r.backup);
	result_free(&r);
	registry_close(reg);
}
END_TEST

START_TEST(dry_run_writes_nothing)
{
	registry *reg;
	ar_result r;
	char *after;

	unit_write_text(regpath, WITH_0);
	reg = open_file();
	result_init(&r);
	remediate_apply(reg, &T, true, backups, &r);
	ck_assert_int_eq(r.status, RESULT_WOULD_REMEDIATE);
	ck_assert_int_eq(result_exit_code(&r), EXIT_WOULD_CHANGE);
	after = unit_read_file(regpath, NULL);
	ck_assert_str_eq(after, WITH_0);
	free(after);
	ck_assert_uint_eq(unit_count_backups(backups), 0);
	result_free(&r);
	registry_close(reg);
}
END_TEST

START_TEST(restore_refuses_other_keys_and_values)
{
	static const char *files[] = {
	        "REGEDIT4\n[HKLM\\Software\\Other]\n\"" NAME "\"=dword:0\n",
	        "REGEDIT4\n[" KEY "]\n\"RequireSecuritySignature\"=dword:0\n",
	        "REGEDIT4\n[-" KEY "]\n",
	        "REGEDIT4\n[" KEY "]\n",
	        "garbage",
	};
	char path[160];
	registry *reg;

	unit_write_text(regpath, WITH_0);
	reg = open_file();
	snprintf(path, sizeof(path), "%s/restore.reg", dir);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ar_result r;
		ar_error err = {0};
		char *after;
		unit_write_text(path, files[i]);
		result_init(&r);
		ck_assert_int_eq(remediate_restore(reg, &T, path, backups, &r, &err), AR_E_INVALID);
		ck_assert_int_eq(r.status, RESULT_INVALID_INPUT);
		after = unit_read_file(regpath, NULL);
		ck_assert_str_eq(after, WITH_0);
		free(after);
		result_free(&r);
	}
	ck_assert_uint_eq(unit_count_backups(backups), 0);
	registry_close(reg);
}
END_TEST

START_TEST(no_backup_no_write)
{
	ar_result r;
	registry *reg;
	char *after;

	unit_write_text(regpath, WITH_0);
	/* A backup folder under a regular file can never be made. */
	unit_write_text(backups, "a file, not a folder");
	reg = open_file();
	result_init(&r);
	remediate_apply(reg, &T, false, backups, &r);
	ck_assert_int_eq(r.status, RESULT_FAILED);
	ck_assert_ptr_nonnull(strstr(r.error, "cannot write the backup"));
	after = unit_read_file(regpath, NULL);
	ck_assert_str_eq(after, WITH_0);
	free(after);
	result_free(&r);
	registry_close(reg);
}
END_TEST

START_TEST(corrupt_registry_file_fails_cleanly)
{
	ar_result r;
	registry *reg;
	char *after;

	unit_write_text(regpath, "REGEDIT4\n[" KEY "\n");
	reg = open_file();
	result_init(&r);
	remediate_apply(reg, &T, false, backups, &r);
	ck_assert_int_eq(r.status, RESULT_FAILED);
	ck_assert_ptr_nonnull(strstr(r.error, "line 2"));
	after = unit_read_file(regpath, NULL);
	ck_assert_str_eq(after, "REGEDIT4\n[" KEY "\n");
	free(after);
	result_free(&r);
	registry_close(reg);
}
END_TEST

START_TEST(dry_run_restore_writes_nothing)
{
	registry *reg;
	ar_result r, rr;
	ar_error err = {0};
	char *after;

	unit_write_text(regpath, WITH_0);
	reg = open_file();
	result_init(&r);
	remediate_apply(reg, &T, false, backups, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	result_init(&rr);
	rr.dry_run = true;
	ck_assert(remediate_restore(reg, &T, r.backup, backups, &rr, &err) == AR_OK);
	ck_assert_int_eq(rr.status, RESULT_WOULD_RESTORE);
	ck_assert_int_eq(result_exit_code(&rr), EXIT_WOULD_CHANGE);
	ck_assert_ptr_null(rr.backup);
	ck_assert_str_eq(rr.restored_from, r.backup);
	after = unit_read_file(regpath, NULL);
	ck_assert_ptr_nonnull(strstr(after, "dword:00000001"));
	free(after);
	ck_assert_uint_eq(unit_count_backups(backups), 1);
	result_free(&rr);
	/* Restored for real, a dry run finds nothing to do: exit 0. */
	result_init(&rr);
	remediate_restore(reg, &T, r.backup, backups, &rr, &err);
	ck_assert_int_eq(rr.status, RESULT_RESTORED);
	result_free(&rr);
	result_init(&rr);
	rr.dry_run = true;
	remediate_restore(reg, &T, r.backup, backups, &rr, &err);
	ck_assert_int_eq(rr.status, RESULT_RESTORED);
	ck_assert_int_eq(result_exit_code(&rr), EXIT_COMPLIANT);
	ck_assert_ptr_nonnull(strstr(rr.reason, "nothing to write"));
	ck_assert_ptr_null(rr.backup);
	ck_assert_uint_eq(unit_count_backups(backups), 2);
	result_free(&rr);
	result_free(&r);
	registry_close(reg);
}
END_TEST

/* A backup as the program names them, planted with a time of our choosing. */
static void plant_backup(const char *stamp, const char *data)
{
	char path[256], text[512];

	mkdir(backups, 0700);
	snprintf(path, sizeof(path), "%s/" NAME "-%s-1-00000000.reg", backups, stamp);
	snprintf(text, sizeof(text),
	         "Windows Registry Editor Version 5.00\r\n\r\n[" KEY "]\r\n%s\r\n", data);
	unit_write_text(path, text);
}

static void restore_last(bool dry_run, ar_result *r)
{
	registry *reg = open_file();

	result_init(r);
	r->dry_run = dry_run;
	remediate_restore_last(reg, &T, backups, r);
	registry_close(reg);
}

START_TEST(restore_last_puts_back_the_last_change)
{
	ar_result r;
	char *after;

	unit_write_text(regpath, "REGEDIT4\n\n[" KEY "]\n\"" NAME "\"=dword:00000001\n");
	plant_backup("20260101T000000Z", "\"" NAME "\"=dword:00000000");
	plant_backup("20260102T000000Z", "\"" NAME "\"=dword:00000005"); /* the last change */
	/* Newer, but a restore's own backup (the compliant value it undid), and
	 * files that are no backup of the program's. */
	plant_backup("20260103T000000Z", "\"" NAME "\"=dword:00000001");
	{
		char other[200];
		snprintf(other, sizeof(other), "%s/zz-notes.reg", backups);
		unit_write_text(other, "garbage");
	}
	restore_last(true, &r);
	ck_assert_int_eq(r.status, RESULT_WOULD_RESTORE);
	ck_assert_ptr_nonnull(strstr(r.restored_from, "20260102T000000Z"));
	result_free(&r);
	restore_last(false, &r);
	ck_assert_int_eq(r.status, RESULT_RESTORED);
	ck_assert_int_eq(result_exit_code(&r), EXIT_COMPLIANT);
	ck_assert_ptr_nonnull(strstr(r.restored_from, "20260102T000000Z"));
	ck_assert_ptr_nonnull(r.backup);
	after = unit_read_file(regpath, NULL);
	ck_assert_ptr_nonnull(strstr(after, "dword:00000005"));
	free(after);
	result_free(&r);
	/* Again: the restore's own backup (1) is passed over, and the value
	 * already holds the last change's state: nothing written. */
	restore_last(false, &r);
	ck_assert_int_eq(r.status, RESULT_RESTORED);
	ck_assert_ptr_null(r.backup);
	ck_assert_ptr_nonnull(strstr(r.reason, "nothing written"));
	result_free(&r);
}
END_TEST

START_TEST(restore_last_without_a_backup_fails)
{
	ar_result r;
	char link[256], *after;

	unit_write_text(regpath, WITH_0);
	restore_last(false, &r); /* no folder */
	ck_assert_int_eq(r.status, RESULT_FAILED);
	ck_assert_int_eq(result_exit_code(&r), EXIT_FAILED);
	ck_assert_ptr_nonnull(strstr(r.error, "no backup of a change by this program"));
	result_free(&r);
	plant_backup("20260103T000000Z", "\"" NAME "\"=dword:00000001");
	restore_last(false, &r); /* only a restore's backup */
	ck_assert_int_eq(r.status, RESULT_FAILED);
	ck_assert_ptr_nonnull(strstr(r.error, "nothing to restore"));
	result_free(&r);
	/* The newest is a link: refused, not followed, nothing written. */
	plant_backup("20260101T000000Z", "\"" NAME "\"=dword:00000005");
	snprintf(link, sizeof(link), "%s/" NAME "-20260104T000000Z-1-00000000.reg", backups);
	ck_assert_int_eq(symlink("/etc/hostname", link), 0);
	restore_last(false, &r);
	ck_assert_int_eq(r.status, RESULT_FAILED);
	ck_assert_ptr_nonnull(strstr(r.error, "20260104T000000Z"));
	after = unit_read_file(regpath, NULL);
	ck_assert_str_eq(after, WITH_0);
	free(after);
	result_free(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("remediate");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, from_zero_with_backup_that_restores);
	tcase_add_test(tc, missing_value_backup_removes_it);
	tcase_add_test(tc, reg_sz_one_is_replaced);
	tcase_add_test(tc, compliant_writes_nothing);
	tcase_add_test(tc, dry_run_writes_nothing);
	tcase_add_test(tc, restore_refuses_other_keys_and_values);
	tcase_add_test(tc, no_backup_no_write);
	tcase_add_test(tc, corrupt_registry_file_fails_cleanly);
	tcase_add_test(tc, dry_run_restore_writes_nothing);
	tcase_add_test(tc, restore_last_puts_back_the_last_change);
	tcase_add_test(tc, restore_last_without_a_backup_fails);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
