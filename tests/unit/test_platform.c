/* The POSIX side of platform.h. */
#include "platform/platform.h"

#include "unit.h"

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/ar-platform-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(atomic_write_replaces_and_keeps_mode)
{
	char path[128];
	unsigned char *data = NULL;
	size_t len = 0;
	struct stat sb;
	DIR *d;
	struct dirent *e;
	int files = 0;

	snprintf(path, sizeof(path), "%s/f.reg", dir);
	ck_assert(platform_write_file_atomic(path, "one", 3, false, NULL) == AR_OK);
	chmod(path, 0640);
	ck_assert(platform_write_file_atomic(path, "two!", 4, false, NULL) == AR_OK);
	ck_assert(platform_read_file(path, 100, &data, &len, NULL) == AR_OK);
	ck_assert_uint_eq(len, 4);
	ck_assert_str_eq((char *)data, "two!");
	free(data);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0640);
	d = opendir(dir);
	while ((e = readdir(d)) != NULL)
		files += e->d_name[0] != '.';
	closedir(d);
	ck_assert_int_eq(files, 1); /* no temporary file left behind */
	snprintf(path, sizeof(path), "%s/secret", dir);
	ck_assert(platform_write_file_atomic(path, "s", 1, true, NULL) == AR_OK);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
}
END_TEST

START_TEST(read_cap_and_missing_file)
{
	char path[128];
	unsigned char *data = NULL;
	size_t len;
	ar_error err = {0};

	snprintf(path, sizeof(path), "%s/big", dir);
	ck_assert(platform_write_file_atomic(path, "0123456789", 10, false, NULL) == AR_OK);
	ck_assert_int_eq(platform_read_file(path, 5, &data, &len, &err), AR_E_TOO_LARGE);
	ck_assert_ptr_null(data);
	snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_eq(platform_read_file(path, 5, &data, &len, &err), AR_E_NOT_FOUND);
}
END_TEST

START_TEST(mkdir_list_remove)
{
	char path[160], file[200], **names = NULL;
	size_t n = 0;
	struct stat sb;

	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	ck_assert(platform_mkdir_p(path, NULL) == AR_OK);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0700);
	ck_assert(platform_mkdir_p(path, NULL) == AR_OK); /* existing is fine */
	for (int i = 3; i > 0; i--) {
		snprintf(file, sizeof(file), "%s/%d.event.json", path, i);
		ck_assert(platform_write_file_atomic(file, "x", 1, true, NULL) == AR_OK);
	}
	snprintf(file, sizeof(file), "%s/other.txt", path);
	ck_assert(platform_write_file_atomic(file, "x", 1, true, NULL) == AR_OK);
	ck_assert(platform_list_dir(path, ".event.json", &names, &n, NULL) == AR_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(names[0], "1.event.json");
	ck_assert_str_eq(names[2], "3.event.json");
	platform_free_list(names, n);
	ck_assert(platform_remove(file, NULL) == AR_OK);
	ck_assert(!platform_exists(file));
	ck_assert(platform_remove(file, NULL) == AR_OK); /* already gone is fine */
	snprintf(file, sizeof(file), "%s/x", "/dev/null");
	ck_assert_int_ne(platform_mkdir_p(file, NULL), AR_OK);
}
END_TEST

START_TEST(private_files)
{
	char path[128], why[128] = "";
	bool priv = true;

	snprintf(path, sizeof(path), "%s/pw", dir);
	ck_assert(platform_write_file_atomic(path, "p", 1, true, NULL) == AR_OK);
	ck_assert(platform_file_is_private(path, &priv, why, sizeof(why), NULL) == AR_OK);
	ck_assert(priv);
	chmod(path, 0640);
	ck_assert(platform_file_is_private(path, &priv, why, sizeof(why), NULL) == AR_OK);
	ck_assert(!priv);
	ck_assert_ptr_nonnull(strstr(why, "0640"));
}
END_TEST

/* Exit status of a child that tries the lock: 0 when it got it, 1 when
 * another holds it, 2 on error. */
static int child_tries(const char *path, bool crash_holding)
{
	pid_t pid = fork();
	int status = 0;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		platform_lock *lock = NULL;
		if (platform_lock_try(path, &lock, NULL) != AR_OK)
			_exit(2);
		if (lock != NULL && crash_holding)
			raise(SIGKILL); /* the lock must not outlive the process */
		platform_lock_release(lock);
		_exit(lock != NULL ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(lock_is_exclusive_until_released)
{
	char path[128], missing[128];
	platform_lock *held = NULL, *again = NULL;
	ar_error err = {0};
	struct stat sb;

	snprintf(path, sizeof(path), "%s/sending.lock", dir);
	ck_assert(platform_lock_try(path, &held, NULL) == AR_OK);
	ck_assert_ptr_nonnull(held);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	/* Another process, and another attempt in this one, both find it held. */
	ck_assert_int_eq(child_tries(path, false), 1);
	ck_assert(platform_lock_try(path, &again, NULL) == AR_OK);
	ck_assert_ptr_null(again);
	platform_lock_release(held);
	ck_assert_int_eq(child_tries(path, false), 0);
	/* A holder that dies leaves it free. */
	ck_assert_int_eq(child_tries(path, true), -1);
	ck_assert(platform_lock_try(path, &held, NULL) == AR_OK);
	ck_assert_ptr_nonnull(held);
	platform_lock_release(held);
	platform_lock_release(NULL);
	/* A folder that is not there is an error, not "held by another". */
	snprintf(missing, sizeof(missing), "%s/missing/sending.lock", dir);
	ck_assert(platform_lock_try(missing, &held, &err) == AR_E_NOT_FOUND);
	ck_assert_ptr_null(held);
	ck_assert_ptr_nonnull(strstr(err.msg, missing));
}
END_TEST

START_TEST(agent_dir_is_the_working_folder_here)
{
	char *agent = NULL, cwd[512];
	/* The test binary does not live in active-response/bin. */
	ck_assert(platform_agent_dir("x", &agent, NULL) == AR_OK);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_str_eq(agent, cwd);
	free(agent);
	ck_assert_str_eq(platform_log_relpath(), "logs/active-responses.log");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("platform");
	TCase *tc = tcase_create("posix");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, atomic_write_replaces_and_keeps_mode);
	tcase_add_test(tc, read_cap_and_missing_file);
	tcase_add_test(tc, mkdir_list_remove);
	tcase_add_test(tc, private_files);
	tcase_add_test(tc, lock_is_exclusive_until_released);
	tcase_add_test(tc, agent_dir_is_the_working_folder_here);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
