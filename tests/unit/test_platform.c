/* The POSIX side of platform.h. */
#include "platform/platform.h"

#include "unit.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void setup(void)
{
	unit_temp_dir(dir, sizeof(dir), "platform");
}

static void teardown(void)
{
	unit_remove_tree(dir);
}

START_TEST(atomic_write_replaces_with_the_programs_mode)
{
	char path[128];
	unsigned char *data = NULL;
	size_t len = 0;
	struct stat sb;

	snprintf(path, sizeof(path), "%s/f.reg", dir);
	ck_assert(platform_write_file_atomic(path, "one", 3, false, NULL) == AR_OK);
	chmod(path, 04777);
	ck_assert(platform_write_file_atomic(path, "two!", 4, false, NULL) == AR_OK);
	ck_assert(platform_read_file(path, 100, &data, &len, NULL) == AR_OK);
	ck_assert_uint_eq(len, 4);
	ck_assert_str_eq((char *)data, "two!");
	free(data);
	ck_assert_int_eq(stat(path, &sb), 0);
	/* The program's mode, never the old file's bits. */
	ck_assert_uint_eq(sb.st_mode & 07777, 0644);
	ck_assert_uint_eq(unit_count_files(dir), 1); /* no temporary file left behind */
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

/* Files are read in pieces: a size cap holds across them, to the byte. */
START_TEST(read_cap_across_pieces)
{
	enum { SIZE = 40000 };
	char path[128], *big = malloc(SIZE);
	unsigned char *data = NULL;
	size_t len = 0;

	memset(big, 'z', SIZE);
	snprintf(path, sizeof(path), "%s/big", dir);
	unit_write_bytes(path, big, SIZE);
	ck_assert(platform_read_file(path, SIZE, &data, &len, NULL) == AR_OK);
	ck_assert_uint_eq(len, SIZE);
	ck_assert_mem_eq(data, big, SIZE);
	ck_assert_int_eq(data[SIZE], 0);
	free(data);
	ck_assert_int_eq(platform_read_file(path, SIZE - 1, &data, &len, NULL), AR_E_TOO_LARGE);
	ck_assert_ptr_null(data);
	snprintf(path, sizeof(path), "%s/empty", dir);
	unit_write_bytes(path, "", 0);
	ck_assert(platform_read_file(path, 0, &data, &len, NULL) == AR_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq((char *)data, "");
	free(data);
	free(big);
}
END_TEST

/* Dot files and folders are not listed, whatever their names end with. */
START_TEST(list_leaves_out_dot_files_and_folders)
{
	char path[160], **names = NULL;
	size_t n = 99;

	ck_assert(platform_list_dir(dir, ".event.json", &names, &n, NULL) == AR_OK);
	ck_assert_uint_eq(n, 0);
	platform_free_list(names, n);
	snprintf(path, sizeof(path), "%s/.hidden.event.json", dir);
	unit_write_text(path, "x");
	snprintf(path, sizeof(path), "%s/folder.event.json", dir);
	ck_assert(platform_mkdir_p(path, NULL) == AR_OK);
	snprintf(path, sizeof(path), "%s/b.event.json", dir);
	unit_write_text(path, "x");
	snprintf(path, sizeof(path), "%s/a.event.json", dir);
	unit_write_text(path, "x");
	ck_assert(platform_list_dir(dir, ".event.json", &names, &n, NULL) == AR_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(names[0], "a.event.json");
	ck_assert_str_eq(names[1], "b.event.json");
	platform_free_list(names, n);
	snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_eq(platform_list_dir(path, ".x", &names, &n, NULL), AR_E_NOT_FOUND);
}
END_TEST

/* A path with repeated and trailing separators makes the same folders. */
START_TEST(mkdir_walks_any_spelling)
{
	char path[160], check[160];
	struct stat sb;

	snprintf(path, sizeof(path), "%s//x///y/", dir);
	ck_assert(platform_mkdir_p(path, NULL) == AR_OK);
	snprintf(check, sizeof(check), "%s/x/y", dir);
	ck_assert_int_eq(stat(check, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	ck_assert(platform_mkdir_p("/", NULL) == AR_OK);
	ck_assert(platform_is_dir_sep('/') && !platform_is_dir_sep('\\'));
	ck_assert(platform_same_name("bin", "bin") && !platform_same_name("bin", "BIN"));
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

/* A folder opened up after it was made (as an agent upgrade resets the
 * ACLs of its tree) is made owner-only again; a missing one is made. */
START_TEST(private_dir_is_closed_again)
{
	char path[160];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/kept/backups", dir);
	ck_assert(platform_private_dir(path, NULL) == AR_OK);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0700);
	ck_assert_int_eq(chmod(path, 0755), 0);
	ck_assert(platform_private_dir(path, NULL) == AR_OK);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0700);
	ck_assert_int_ne(platform_private_dir("/dev/null/x", NULL), AR_OK);
}
END_TEST

/* Links the program did not make are never written through nor have their
 * target's permissions changed: a folder, a lock, the log, a temporary file
 * name planted as a link to a file elsewhere. */
START_TEST(links_are_not_followed)
{
	char target[96], link[160], file[160], tmp[200];
	platform_lock *lock = NULL;
	ar_error err = {0};
	struct stat sb;

	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	ck_assert_int_eq(mkdir(target, 0755), 0);
	snprintf(link, sizeof(link), "%s/backups", dir);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert(platform_private_dir(link, &err) != AR_OK);
	ck_assert_msg(strstr(err.msg, "link") != NULL, "%s", err.msg);
	ck_assert_int_eq(stat(target, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0755);

	snprintf(file, sizeof(file), "%s/victim", target);
	ck_assert(platform_write_file_atomic(file, "v", 1, false, NULL) == AR_OK);
	snprintf(link, sizeof(link), "%s/lock", dir);
	ck_assert_int_eq(symlink(file, link), 0);
	ck_assert(platform_lock_try(link, &lock, NULL) != AR_OK);
	ck_assert_ptr_null(lock);
	snprintf(link, sizeof(link), "%s/log", dir);
	ck_assert_int_eq(symlink(file, link), 0);
	ck_assert(platform_append_line(link, "x\n", 2, NULL) != AR_OK);
	snprintf(link, sizeof(link), "%s/out.reg", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp%lu", link, platform_pid());
	ck_assert_int_eq(symlink(file, tmp), 0);
	ck_assert(platform_write_file_atomic(link, "data", 4, true, NULL) != AR_OK);
	ck_assert_int_eq(stat(file, &sb), 0);
	ck_assert_int_eq(sb.st_size, 1);
	ck_assert_uint_eq(sb.st_mode & 0777, 0644);
}
END_TEST

/* A file of the program's own outside its private folders (an older
 * version's history): read when it is a regular file of this user that no
 * one else can write; a link, a FIFO (whose open would wait for a writer),
 * a file others can write or (as root) another user's file is not read. */
START_TEST(read_own_file_refuses_what_is_not_ours)
{
	static const char *const why_not[] = {"not followed", "not a regular file",
	                                      "not the program's own", "not the program's own"};
	char file[96], path[96];
	unsigned char *data = NULL;
	size_t len = 0;

	snprintf(file, sizeof(file), "%s/ours", dir);
	snprintf(path, sizeof(path), "%s/other", dir);
	unit_write_text(file, "ours");
	ck_assert(platform_read_own_file(file, 100, &data, &len, NULL) == AR_OK);
	ck_assert_str_eq((char *)data, "ours");
	free(data);
	for (int i = 0; i < 4; i++) {
		ar_error err = {0};

		(void)remove(path);
		if (i == 0)
			ck_assert_int_eq(symlink(file, path), 0);
		else if (i == 1)
			ck_assert_int_eq(mkfifo(path, 0600), 0);
		else
			unit_write_text(path, "theirs");
		if (i == 2)
			ck_assert_int_eq(chmod(path, 0620), 0);
		if (i == 3 && (geteuid() != 0 || chown(path, 65534, 65534) != 0))
			continue; /* only root can give a file away */
		ck_assert(platform_read_own_file(path, 100, &data, &len, &err) == AR_E_ACCESS);
		ck_assert_ptr_null(data);
		ck_assert_msg(strstr(err.msg, why_not[i]) != NULL && strstr(err.msg, path) != NULL,
		              "%d: %s", i, err.msg);
	}
}
END_TEST

/* A FIFO or a device where a file goes is refused, naming it, and never
 * waited on (the open of a FIFO for reading waits for a writer, and for
 * writing, for a reader): read, read as the program's own, appended to,
 * locked, looked at; the suite's time limit catches a wait. */
START_TEST(fifos_and_devices_are_refused_without_waiting)
{
	char fifo[96];
	unsigned char *data = NULL;
	size_t len = 0;
	platform_lock *lock = NULL;
	const char *const paths[] = {fifo, "/dev/zero"};

	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	for (size_t i = 0; i < 2; i++) {
		const char *p = paths[i];
		ar_error e[5] = {{0}};

		ck_assert_int_eq(platform_read_file(p, 100, &data, &len, &e[0]), AR_E_ACCESS);
		ck_assert_ptr_null(data);
		ck_assert_int_eq(platform_read_own_file(p, 100, &data, &len, &e[1]), AR_E_ACCESS);
		ck_assert_int_ne(platform_append_line(p, "x\n", 2, &e[2]), AR_OK);
		ck_assert_int_ne(platform_lock_try(p, &lock, &e[3]), AR_OK);
		ck_assert_ptr_null(lock);
		ck_assert_int_eq(platform_check_file(p, &e[4]), AR_E_ACCESS);
		for (size_t k = 0; k < 5; k++)
			ck_assert_msg(strstr(e[k].msg, p) != NULL &&
			                      strstr(e[k].msg, "not a regular file") != NULL,
			              "%zu: %s", k, e[k].msg);
	}
	ck_assert_int_eq(platform_check_file(fifo, NULL), AR_E_ACCESS);
	(void)remove(fifo);
	ck_assert_int_eq(platform_check_file(fifo, NULL), AR_OK); /* missing: fine */
}
END_TEST

/* A folder checked once is used through what was checked: renamed away and
 * replaced by a link after the check, its files are still written, read,
 * renamed and removed in the folder checked, never in the link's target. */
START_TEST(checked_folder_is_used_whatever_replaces_it)
{
	char path[96], moved[96], target[96], file[160];
	platform_dir *d = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	char **names = NULL;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/backups", dir);
	snprintf(moved, sizeof(moved), "%s/moved", dir);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	ck_assert_int_eq(mkdir(target, 0755), 0);
	ck_assert_int_eq(platform_dir_open_private(path, &d, NULL), AR_OK);
	ck_assert_int_eq(rename(path, moved), 0);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(platform_dir_write(d, "a.event.json", "A", 1, true, NULL), AR_OK);
	ck_assert_int_eq(platform_dir_append(d, "log", "l\n", 2, NULL), AR_OK);
	ck_assert_int_eq(platform_dir_read(d, "a.event.json", 10, &data, &len, NULL), AR_OK);
	ck_assert_str_eq((char *)data, "A");
	free(data);
	ck_assert_int_eq(platform_dir_list(d, ".event.json", &names, &n, NULL), AR_OK);
	ck_assert_uint_eq(n, 1);
	platform_free_list(names, n);
	ck_assert(platform_dir_has(d, "log"));
	ck_assert_int_eq(platform_dir_remove(d, "log", NULL), AR_OK);
	platform_dir_close(d);
	ck_assert_uint_eq(unit_count_files(target), 0);
	snprintf(file, sizeof(file), "%s/a.event.json", moved);
	ck_assert_int_eq(access(file, F_OK), 0);
	ck_assert_uint_eq(unit_count_files(moved), 1);
}
END_TEST

/* In a folder other users may write, a file that is not the program's own
 * (one another user put there in advance) is not appended to. */
START_TEST(shared_folder_files_must_be_our_own)
{
	char shared[96], file[160];
	ar_error err = {0};

	if (geteuid() != 0)
		return; /* only root can give a file away */
	snprintf(shared, sizeof(shared), "%s/shared", dir);
	ck_assert_int_eq(mkdir(shared, 0777), 0);
	ck_assert_int_eq(chmod(shared, 01777), 0);
	snprintf(file, sizeof(file), "%s/log", shared);
	unit_write_text(file, "theirs\n");
	ck_assert_int_eq(chown(file, 65534, 65534), 0);
	ck_assert_int_eq(platform_append_line(file, "x\n", 2, &err), AR_E_ACCESS);
	ck_assert_msg(strstr(err.msg, "not the program's own") != NULL, "%s", err.msg);
	ck_assert_int_eq(chown(file, 0, 0), 0);
	ck_assert_int_eq(platform_append_line(file, "x\n", 2, NULL), AR_OK);
	/* The same file in a folder of its own is fine. */
	ck_assert_int_eq(chmod(shared, 0700), 0);
	ck_assert_int_eq(chown(file, 65534, 65534), 0);
	ck_assert_int_eq(platform_append_line(file, "y\n", 2, NULL), AR_OK);
}
END_TEST

/* A folder someone else made (where the program's own would be) is not
 * taken over: making it owner-only would leave it in their hands. */
START_TEST(private_dir_of_another_owner_is_refused)
{
	char path[160];
	ar_error err = {0};

	if (geteuid() != 0)
		return; /* only root can give a folder away */
	snprintf(path, sizeof(path), "%s/theirs", dir);
	ck_assert_int_eq(mkdir(path, 0777), 0);
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert(platform_private_dir(path, &err) != AR_OK);
	ck_assert_msg(strstr(err.msg, "owned by") != NULL, "%s", err.msg);
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

START_TEST(lock_wait_gives_up_or_takes_it_once_free)
{
	char path[128], got;
	platform_lock *held = NULL, *waited = NULL;
	int ready[2];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/history.lock", dir);
	ck_assert(platform_lock_try(path, &held, NULL) == AR_OK);
	ck_assert_ptr_nonnull(held);
	/* Held to the deadline: no lock, and no error. */
	ck_assert(platform_lock_wait(path, platform_monotonic_ms() + 30, 10, &waited, NULL) ==
	          AR_OK);
	ck_assert_ptr_null(waited);
	platform_lock_release(held);
	/* A holder that lets go before the deadline: the waiter gets it. */
	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		platform_lock *lock = NULL;
		if (platform_lock_try(path, &lock, NULL) != AR_OK || lock == NULL)
			_exit(2);
		(void)!write(ready[1], "x", 1);
		platform_sleep_ms(100);
		_exit(0);
	}
	ck_assert_int_eq(read(ready[0], &got, 1), 1);
	ck_assert(platform_lock_wait(path, platform_monotonic_ms() + 10000, 10, &waited, NULL) ==
	          AR_OK);
	ck_assert_ptr_nonnull(waited);
	platform_lock_release(waited);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	close(ready[0]);
	close(ready[1]);
}
END_TEST

START_TEST(no_agent_dir_outside_its_layout)
{
	char *agent = NULL;
	ar_error err = {0};
	/* The test binary does not live in active-response/bin; the working
	 * folder is no agent either, whatever it holds. */
	ck_assert(platform_agent_dir(&agent, &err) == AR_E_NOT_FOUND);
	ck_assert_ptr_null(agent);
	ck_assert_ptr_nonnull(strstr(err.msg, "active-response/bin"));
	ck_assert_str_eq(platform_log_relpath(), "logs/active-responses.log");
}
END_TEST

/* What a crash would leave: no core file, and not dumpable (no crash
 * handler's copy, no other process of the account reading memory). */
START_TEST(secrets_are_kept_from_dumps)
{
	struct rlimit core = {1, 1};

	platform_keep_secrets_from_dumps();
	ck_assert_int_eq(getrlimit(RLIMIT_CORE, &core), 0);
	ck_assert_uint_eq(core.rlim_cur, 0);
	ck_assert_uint_eq(core.rlim_max, 0);
	ck_assert_int_eq(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("platform");
	TCase *tc = tcase_create("posix");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, atomic_write_replaces_with_the_programs_mode);
	tcase_add_test(tc, read_cap_and_missing_file);
	tcase_add_test(tc, read_cap_across_pieces);
	tcase_add_test(tc, list_leaves_out_dot_files_and_folders);
	tcase_add_test(tc, mkdir_walks_any_spelling);
	tcase_add_test(tc, mkdir_list_remove);
	tcase_add_test(tc, private_files);
	tcase_add_test(tc, private_dir_is_closed_again);
	tcase_add_test(tc, links_are_not_followed);
	tcase_add_test(tc, read_own_file_refuses_what_is_not_ours);
	tcase_add_test(tc, private_dir_of_another_owner_is_refused);
	tcase_add_test(tc, fifos_and_devices_are_refused_without_waiting);
	tcase_add_test(tc, checked_folder_is_used_whatever_replaces_it);
	tcase_add_test(tc, shared_folder_files_must_be_our_own);
	tcase_add_test(tc, lock_is_exclusive_until_released);
	tcase_add_test(tc, lock_wait_gives_up_or_takes_it_once_free);
	tcase_add_test(tc, no_agent_dir_outside_its_layout);
	tcase_add_test(tc, secrets_are_kept_from_dumps);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
