/* platform_win32.c through the system's own calls (under Wine, Wine's):
 * who may read a secret file, as the file's security descriptor says; its
 * private folders; where the executable is. */
#include "unit.h"

#include "platform/platform_sys.h"
#include "util/path.h"

#include <aclapi.h>
#include <sddl.h>
#include <windows.h>

/* SYSTEM and Administrators only, as a secret file should be. */
#define PRIVATE_FILE "D:P(A;;FA;;;SY)(A;;FA;;;BA)"

/* path created empty with the security descriptor sddl gives. */
static void create_with(const char *path, const char *sddl)
{
	SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, FALSE};
	HANDLE h;

	ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorA(
	        sddl, SDDL_REVISION_1, &sa.lpSecurityDescriptor, NULL));
	h = CreateFileA(path, GENERIC_WRITE, 0, &sa, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
	LocalFree(sa.lpSecurityDescriptor);
	ck_assert_msg(h != INVALID_HANDLE_VALUE, "cannot create %s", path);
	CloseHandle(h);
}

/* Whether platform_file_is_private finds a file created with sddl private;
 * why (when not NULL) gets its words when not. */
static bool judged_private(const char *sddl, char *why, size_t why_len)
{
	char dir[256], *path;
	bool is_private = true;
	ar_error err = {0};

	unit_temp_dir(dir, sizeof(dir), "platform_win32");
	ck_assert_ptr_nonnull(path = path_join(dir, "secret"));
	create_with(path, sddl);
	ck_assert_int_eq(platform_file_is_private(path, &is_private, why, why_len, &err), AR_OK);
	ck_assert(DeleteFileA(path));
	ck_assert(RemoveDirectoryA(dir));
	free(path);
	return is_private;
}

START_TEST(a_secret_file_others_may_read_is_not_private)
{
	char why[192] = "";

	ck_assert(!judged_private(PRIVATE_FILE "(A;;FR;;;WD)", why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "other than SYSTEM, Administrators"));
}
END_TEST

START_TEST(a_secret_file_for_system_and_administrators_is_private)
{
	ck_assert(judged_private(PRIVATE_FILE, NULL, 0));
}
END_TEST

START_TEST(a_missing_secret_file_is_an_error)
{
	bool is_private = true;
	ar_error err = {0};

	ck_assert_int_eq(
	        platform_file_is_private("C:\\no\\such\\secret", &is_private, NULL, 0, &err),
	        AR_E_NOT_FOUND);
	ck_assert(!is_private);
	ck_assert_ptr_nonnull(strstr(err.msg, "C:\\no\\such\\secret"));
}
END_TEST

/* A file where a private folder should be is refused, not taken for one. */
START_TEST(private_dir_makes_a_folder_and_refuses_a_file)
{
	char dir[256];
	char *a, *sub, *file;
	ar_error err = {0};

	unit_temp_dir(dir, sizeof(dir), "platform_win32");
	ck_assert_ptr_nonnull(a = path_join(dir, "a"));
	ck_assert_ptr_nonnull(sub = path_join(a, "b"));
	ck_assert_ptr_nonnull(file = path_join(dir, "file"));
	ck_assert_msg(platform_private_dir(sub, &err) == AR_OK, "%s", err.msg);
	ck_assert(GetFileAttributesA(sub) & FILE_ATTRIBUTE_DIRECTORY);
	create_with(file, PRIVATE_FILE);
	ck_assert_int_ne(platform_private_dir(file, &err), AR_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a folder"));
	ck_assert(RemoveDirectoryA(sub));
	ck_assert(RemoveDirectoryA(a));
	ck_assert(DeleteFileA(file));
	ck_assert(RemoveDirectoryA(dir));
	free(file);
	free(sub);
	free(a);
}
END_TEST

/* The Unix path of a symbolic link to a folder, made by tests/unit/wine.sh
 * (AR_UNIT_LINK_DIR), as Wine names it on drive Z:. Wine shows such a link
 * as a reparse point; it cannot make a junction itself. */
static void link_dir(char *out, size_t len)
{
	const char *unix_path = getenv("AR_UNIT_LINK_DIR");

	ck_assert_msg(unix_path != NULL && unix_path[0] == '/',
	              "AR_UNIT_LINK_DIR: a link to a folder, made by tests/unit/wine.sh");
	ck_assert_int_lt(snprintf(out, len, "Z:%s", unix_path), (int)len);
	for (char *p = out; *p != '\0'; p++)
		*p = *p == '/' ? '\\' : *p;
}

START_TEST(a_link_where_a_private_folder_goes_is_refused)
{
	char link[512], *inside;
	ar_error err = {0};

	link_dir(link, sizeof(link));
	ck_assert(GetFileAttributesA(link) & FILE_ATTRIBUTE_REPARSE_POINT);
	ck_assert_int_eq(platform_private_dir(link, &err), AR_E_ACCESS);
	ck_assert_msg(strstr(err.msg, "is a link the program did not make") != NULL, "%s", err.msg);
	ck_assert_ptr_nonnull(inside = path_join(link, "history.lock"));
	ck_assert(!platform_exists(inside));
	free(inside);
}
END_TEST

/* From the system, not argv[0]: the suite's own .exe, which is in no
 * agent's active-response\bin, so there is no agent folder. */
START_TEST(agent_paths_come_from_the_executable)
{
	const char *me = "test_platform_win32.exe";
	char *exe = NULL, *agent = NULL;
	ar_error err = {0};
	size_t n;

	ck_assert_int_eq(sys_exe_path(&exe, &err), AR_OK);
	n = strlen(exe);
	ck_assert_uint_gt(n, strlen(me));
	ck_assert_msg(platform_same_name(exe + n - strlen(me), "TEST_PLATFORM_WIN32.EXE"), "%s",
	              exe);
	ck_assert_int_eq(platform_agent_dir(&agent, &err), AR_E_NOT_FOUND);
	ck_assert_ptr_null(agent);
	ck_assert_str_eq(platform_log_relpath(), "active-response\\active-responses.log");
	free(exe);
}
END_TEST

/* No crash dialog to hold the agent, which waits for the run. */
START_TEST(secrets_are_kept_from_dumps)
{
	ck_assert(!(GetErrorMode() & SEM_NOGPFAULTERRORBOX));
	platform_keep_secrets_from_dumps();
	ck_assert(GetErrorMode() & SEM_NOGPFAULTERRORBOX);
	ck_assert(GetErrorMode() & SEM_FAILCRITICALERRORS);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("platform_win32");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, a_secret_file_others_may_read_is_not_private);
	tcase_add_test(tc, a_secret_file_for_system_and_administrators_is_private);
	tcase_add_test(tc, a_missing_secret_file_is_an_error);
	tcase_add_test(tc, private_dir_makes_a_folder_and_refuses_a_file);
	tcase_add_test(tc, a_link_where_a_private_folder_goes_is_refused);
	tcase_add_test(tc, agent_paths_come_from_the_executable);
	tcase_add_test(tc, secrets_are_kept_from_dumps);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
