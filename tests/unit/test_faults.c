/* Faults the program must come through with the right outcome and never a
 * half-written file:
 * - a registry backend that fails on purpose, wrapped around the .reg
 *   backend and driving remediate_apply: access denied on read and on
 *   write, a read-back that differs or fails, a write that "succeeds" but
 *   changes nothing, the file vanishing or turning into a folder between
 *   the read and the write;
 * - file systems that refuse, driving app_main: a path under a regular file
 *   (ENOTDIR), a read-only tmpfs (EROFS), a full tmpfs (ENOSPC) for the
 *   log, the backup and the spool; /dev/full as the log is refused. Root cannot
 *   get past any of these. Mounting needs CAP_SYS_ADMIN: without it those
 *   tests say they were skipped and pass. */
#include "app.h"
#include "platform/platform.h"
#include "registry/regfile.h"
#include "remediate.h"
#include "sca_match.h"

#include "unit.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "win_ms_network_client_sign_if_server_agrees"

/* The control the program remediates: KEY, NAME, REG_DWORD 1. */
#define T sca_control_smb_client_signing
static const char WITH_0[] =
        "REGEDIT4\r\n\r\n[" KEY "]\r\n\"Other\"=\"x\"\r\n\"" NAME "\"=dword:00000000\r\n";

/* Made once by the parent process: the fixed mount points live here. */
static char base[64], full_mnt[96], ro_mnt[96];
/* Made for each test. */
static char dir[128], regpath[192], backups[192], log_path[192];

/* ---- helpers -------------------------------------------------------- */

static void suite_setup(void)
{
	unit_temp_dir(base, sizeof(base), "faults");
	snprintf(full_mnt, sizeof(full_mnt), "%s/full", base);
	snprintf(ro_mnt, sizeof(ro_mnt), "%s/ro", base);
	ck_assert_int_eq(mkdir(full_mnt, 0700), 0);
	ck_assert_int_eq(mkdir(ro_mnt, 0700), 0);
}

/* Detaches every mount below base that /proc/mounts lists: a test that
 * fails skips its own teardown, and a mount it left would stop the removal
 * of the tree and hide its failure. Returns how many it detached. */
static size_t detach_mounts_below_base(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[1024], where[512];
	size_t n = 0, len = strlen(base);

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%*s %511s", where) == 1 && strncmp(where, base, len) == 0 &&
		    where[len] == '/' && umount2(where, MNT_DETACH) == 0)
			n++;
	fclose(f);
	return n;
}

/* Runs in the parent after every test, passed or not: no mount outlives
 * the suite, even one a failed test left stacked. */
static void suite_teardown(void)
{
	while (detach_mounts_below_base() > 0)
		;
	unit_remove_tree(base);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/t-XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(regpath, sizeof(regpath), "%s/registry.reg", dir);
	snprintf(log_path, sizeof(log_path), "%s/active-responses.log", dir);
	snprintf(backups, sizeof(backups), "%s/" PROG "-backups", dir);
}

static void teardown(void)
{
	(void)umount2(backups, MNT_DETACH);
	(void)umount2(full_mnt, MNT_DETACH);
	(void)umount2(ro_mnt, MNT_DETACH);
}

static void assert_file_is(const char *path, const char *text)
{
	size_t len;
	char *now = unit_read_file(path, &len);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_mem_eq(now, text, len);
	free(now);
}

/* No temporary file of an interrupted atomic write is left in path. */
static void assert_no_temp(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		ck_assert_msg(strstr(e->d_name, ".tmp") == NULL, "temporary file left: %s/%s", path,
		              e->d_name);
	closedir(d);
}

/* The file holds before, byte for byte; frees before. */
static void assert_unchanged(const char *path, char *before, size_t before_len)
{
	size_t after_len;
	char *after = unit_read_file(path, &after_len);

	ck_assert_uint_eq(after_len, before_len);
	ck_assert_mem_eq(after, before, before_len);
	free(after);
	free(before);
}

/* The value in a .reg file, read with the program's own parser: proves the
 * file whole (it parses) and says what it holds. */
static reg_value value_in(const char *path)
{
	size_t len;
	char *bytes = unit_read_file(path, &len);
	regfile *rf = NULL;
	reg_value v = {0};
	ar_error err = {0};

	ck_assert_msg(regfile_parse((unsigned char *)bytes, len, &rf, &err) == AR_OK, "%s: %s",
	              path, err.msg);
	ck_assert(regfile_get(rf, KEY, NAME, &v, &err) == AR_OK);
	regfile_free(rf);
	free(bytes);
	return v;
}

static bool mount_tmpfs(const char *where, const char *opts)
{
	if (mount("tmpfs", where, "tmpfs", 0, opts) == 0)
		return true;
	printf("skipped: cannot mount a tmpfs on %s (%s); a full or read-only disk is tested "
	       "only where mounting is permitted (root with CAP_SYS_ADMIN)\n",
	       where, strerror(errno));
	return false;
}

/* Fills a file system until the next write of a new file gets ENOSPC. */
static void fill(const char *mnt)
{
	static const char zeros[4096];
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/filler", mnt);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	setvbuf(f, NULL, _IONBF, 0);
	while (fwrite(zeros, 1, sizeof(zeros), f) == sizeof(zeros))
		;
	ck_assert_int_eq(errno, ENOSPC);
	(void)fclose(f);
}

/* ---- a registry that fails on purpose ------------------------------- */

typedef enum fault {
	F_READ_DENIED,
	F_WRITE_DENIED,
	F_READBACK_DIFFERS, /* the write lands, the read-back sees another value */
	F_READBACK_FAILS,
	F_WRITE_NOOP,     /* the write "succeeds" and changes nothing */
	F_VANISH,         /* the file is deleted between the read and the write */
	F_FOLDER_IN_PLACE /* ... and a folder takes its name */
} fault;

typedef struct faulty {
	registry *inner;
	fault kind;
	int reads, writes;
} faulty;

static ar_status f_read(registry *reg, const char *key, const char *name, reg_value *out,
                        ar_error *err)
{
	static const unsigned char two[4] = {2, 0, 0, 0};
	faulty *f = reg->impl;
	ar_status st;

	f->reads++;
	if (f->kind == F_READ_DENIED)
		return ar_error_set(err, AR_E_ACCESS, "access denied reading %s", key);
	if (f->kind == F_READBACK_FAILS && f->writes > 0)
		return ar_error_set(err, AR_E_IO, "the device stopped answering");
	st = registry_read(f->inner, key, name, out, err);
	if (st == AR_OK && f->kind == F_READBACK_DIFFERS && f->writes > 0)
		st = reg_value_set(out, REGV_DWORD, two, sizeof(two), err);
	return st;
}

/* Writes meet the fault; removals go through. */
static ar_status f_set(registry *reg, const char *key, const char *name, const reg_value *v,
                       ar_error *err)
{
	faulty *f = reg->impl;

	if (v == NULL)
		return registry_remove(f->inner, key, name, err);
	f->writes++;
	switch (f->kind) {
	case F_WRITE_DENIED:
		return ar_error_set(err, AR_E_ACCESS, "access denied writing %s", key);
	case F_WRITE_NOOP:
		return AR_OK;
	case F_VANISH:
		ck_assert_int_eq(unlink(regpath), 0);
		break;
	case F_FOLDER_IN_PLACE:
		ck_assert_int_eq(unlink(regpath), 0);
		ck_assert_int_eq(mkdir(regpath, 0700), 0);
		break;
	default:
		break;
	}
	return registry_write(f->inner, key, name, v, err);
}

static void f_close(registry *reg)
{
	faulty *f = reg->impl;
	registry_close(f->inner);
}

static const registry_ops faulty_ops = {
        .name = "faulty", .read = f_read, .set = f_set, .close = f_close};

/* remediate_apply over the faulty backend, the .reg file holding WITH_0. */
static void apply_with(fault kind, ar_result *r)
{
	faulty f = {.kind = kind};
	registry reg = {.ops = &faulty_ops, .impl = &f};

	unit_write_text(regpath, WITH_0);
	ck_assert(registry_open_file(regpath, &f.inner, NULL) == AR_OK);
	result_init(r);
	remediate_apply(&reg, &T, false, backups, r);
	registry_close(&reg);
}

static void assert_failed_with(const ar_result *r, const char *text)
{
	ck_assert_int_eq(r->status, RESULT_FAILED);
	ck_assert_int_eq(result_exit_code(r), EXIT_FAILED);
	ck_assert_ptr_nonnull(r->error);
	ck_assert_msg(strstr(r->error, text) != NULL, "\"%s\" not in \"%s\"", text, r->error);
}

/* The backup names the state before: REG_DWORD 0. */
static void assert_backup_of_zero(const ar_result *r)
{
	reg_value v;

	ck_assert_ptr_nonnull(r->backup);
	ck_assert_uint_eq(unit_count_backups(backups), 1);
	v = value_in(r->backup);
	ck_assert(reg_value_is_dword(&v, 0));
	reg_value_free(&v);
}

START_TEST(read_denied)
{
	ar_result r;

	apply_with(F_READ_DENIED, &r);
	assert_failed_with(&r, "cannot read " KEY "\\" NAME ": access denied reading");
	ck_assert(!r.have_before && !r.have_after);
	assert_file_is(regpath, WITH_0);
	ck_assert_uint_eq(unit_count_backups(backups), 0);
	assert_no_temp(dir);
	result_free(&r);
}
END_TEST

START_TEST(write_denied)
{
	ar_result r;

	apply_with(F_WRITE_DENIED, &r);
	assert_failed_with(&r, "write failed: access denied writing " KEY);
	ck_assert(r.have_before && reg_value_is_dword(&r.before, 0));
	ck_assert(!r.have_after);
	assert_file_is(regpath, WITH_0);
	assert_backup_of_zero(&r); /* the backup comes before the write */
	assert_no_temp(dir);
	assert_no_temp(backups);
	result_free(&r);
}
END_TEST

START_TEST(read_back_differs)
{
	ar_result r;
	reg_value v;

	apply_with(F_READBACK_DIFFERS, &r);
	assert_failed_with(&r, "read-back differs from what was written");
	ck_assert(r.have_after && reg_value_is_dword(&r.after, 2));
	/* What did land is a whole file. */
	v = value_in(regpath);
	ck_assert(reg_value_is_dword(&v, 1));
	reg_value_free(&v);
	assert_backup_of_zero(&r);
	assert_no_temp(dir);
	result_free(&r);
}
END_TEST

START_TEST(read_back_fails)
{
	ar_result r;

	apply_with(F_READBACK_FAILS, &r);
	assert_failed_with(&r, "read-back failed: the device stopped answering");
	ck_assert(!r.have_after);
	assert_backup_of_zero(&r);
	assert_no_temp(dir);
	result_free(&r);
}
END_TEST

START_TEST(write_changes_nothing)
{
	ar_result r;

	apply_with(F_WRITE_NOOP, &r);
	assert_failed_with(&r, "read-back differs from what was written");
	ck_assert(r.have_after && reg_value_is_dword(&r.after, 0));
	assert_file_is(regpath, WITH_0);
	assert_backup_of_zero(&r);
	result_free(&r);
}
END_TEST

/* A .reg registry is "created when missing": a file gone between the read
 * and the write comes back whole, with the value, and the backup still
 * holds what was read. */
START_TEST(file_vanishes_before_the_write)
{
	ar_result r;
	reg_value v;

	apply_with(F_VANISH, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	v = value_in(regpath);
	ck_assert(reg_value_is_dword(&v, 1));
	reg_value_free(&v);
	assert_backup_of_zero(&r);
	assert_no_temp(dir);
	result_free(&r);
}
END_TEST

START_TEST(folder_takes_the_file_name)
{
	ar_result r;
	struct stat sb;

	apply_with(F_FOLDER_IN_PLACE, &r);
	/* Each write loads the file afresh: the folder is found then. */
	assert_failed_with(&r, "write failed: ");
	ck_assert_ptr_nonnull(strstr(r.error, "registry.reg is not a regular file"));
	ck_assert_int_eq(stat(regpath, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	ck_assert_uint_eq(unit_count_files(regpath), 0);
	assert_backup_of_zero(&r);
	assert_no_temp(dir);
	result_free(&r);
}
END_TEST

/* ---- the whole program on file systems that refuse ------------------ */

typedef struct run_out {
	int code;
	char err[4096]; /* standard error */
} run_out;

/* app_main on a sample message with --registry-file regpath and
 * --log-file log, plus up to four more arguments (NULL-terminated). */
static void run_app(const char *sample, const char *log, run_out *o, const char *const *extra)
{
	char *argv[12] = {"prog", "--registry-file", regpath, "--log-file", (char *)log};
	int argc = 5;
	FILE *in = tmpfile(), *out = tmpfile(), *errf = tmpfile();
	char path[256];
	size_t n, len;
	char *msg;

	ck_assert(in != NULL && out != NULL && errf != NULL);
	for (; extra != NULL && *extra != NULL && argc < 11; extra++)
		argv[argc++] = (char *)*extra;
	snprintf(path, sizeof(path), "%s/%s", TESTS_DATA_DIR, sample);
	msg = unit_read_file(path, &len);
	ck_assert_uint_eq(fwrite(msg, 1, len, in), len);
	free(msg);
	rewind(in);
	o->code = app_main(argc, argv, in, out, errf);
	rewind(errf);
	n = fread(o->err, 1, sizeof(o->err) - 1, errf);
	o->err[n] = '\0';
	fclose(in);
	fclose(out);
	fclose(errf);
}

static void assert_has(const char *text, const char *part)
{
	ck_assert_msg(strstr(text, part) != NULL, "\"%s\" not in \"%s\"", part, text);
}

/* The log holds exactly one result line, with this status; returns the
 * whole log (caller frees). Warning lines carry a status of their own,
 * "warning", and are not results. */
static char *assert_one_result(const char *log, const char *status)
{
	static const char warning[] = "\"status\":\"warning\"";
	char *text = unit_read_file(log, NULL), *p = text;
	char want[64];
	size_t results = 0;

	while ((p = strstr(p, "\"status\":")) != NULL) {
		if (strncmp(p, warning, sizeof(warning) - 1) != 0)
			results++;
		p++;
	}
	ck_assert_uint_eq(results, 1);
	snprintf(want, sizeof(want), "\"status\":\"%s\"", status);
	assert_has(text, want);
	return text;
}

START_TEST(registry_under_a_regular_file)
{
	char plain[200];
	run_out o;
	char *log;

	snprintf(plain, sizeof(plain), "%s/plain", dir);
	unit_write_text(plain, "a file, not a folder");
	snprintf(regpath, sizeof(regpath), "%s/plain/registry.reg", dir);
	run_app("ours_26032_failed.json", log_path, &o, NULL);
	ck_assert_int_eq(o.code, 1);
	assert_has(o.err, "write failed");
	assert_has(o.err, "Not a directory");
	log = assert_one_result(log_path, "failed");
	assert_has(log, "Not a directory");
	free(log);
	assert_file_is(plain, "a file, not a folder");
	assert_no_temp(dir);
}
END_TEST

/* A read-only file in a writable folder is replaced whole, as an editor
 * saving through a temporary file would; the new file has the program's
 * mode (0644), never the old one's bits (setuid, world-write). */
START_TEST(read_only_file_gets_the_programs_mode)
{
	struct stat sb;
	reg_value v;
	run_out o;

	unit_copy_sample("registry/value_0_utf16.reg", regpath);
	ck_assert_int_eq(chmod(regpath, 04777), 0);
	run_app("ours_26032_failed.json", log_path, &o, NULL);
	ck_assert_int_eq(o.code, 0);
	ck_assert_int_eq(stat(regpath, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0644);
	v = value_in(regpath);
	ck_assert(reg_value_is_dword(&v, 1));
	reg_value_free(&v);
	free(assert_one_result(log_path, "remediated"));
	assert_no_temp(dir);
}
END_TEST

START_TEST(read_only_file_system)
{
	size_t before_len;
	char *before, *log;
	run_out o;

	if (!mount_tmpfs(ro_mnt, "size=64k"))
		return;
	snprintf(regpath, sizeof(regpath), "%s/registry.reg", ro_mnt);
	unit_copy_sample("registry/value_0_utf16.reg", regpath);
	ck_assert_int_eq(mount("tmpfs", ro_mnt, "tmpfs", MS_REMOUNT | MS_RDONLY, "size=64k"), 0);
	before = unit_read_file(regpath, &before_len);
	run_app("ours_26032_failed.json", log_path, &o, NULL);
	ck_assert_int_eq(o.code, 1);
	assert_has(o.err, "write failed");
	assert_has(o.err, "Read-only file system");
	log = assert_one_result(log_path, "failed");
	free(log);
	assert_unchanged(regpath, before, before_len);
	ck_assert_uint_eq(unit_count_files(ro_mnt), 1);
}
END_TEST

/* A log path on the full mount. Backups go beside the log: a folder with
 * room is mounted there (not linked: links are refused), so that only the
 * log meets the full disk. */
static void log_on_full_mount(char *log, size_t len)
{
	char room[200];

	snprintf(room, sizeof(room), "%s/" PROG "-backups", full_mnt);
	ck_assert_int_eq(mkdir(backups, 0700), 0);
	ck_assert_int_eq(mkdir(room, 0700), 0);
	ck_assert_int_eq(mount(backups, room, NULL, MS_BIND, NULL), 0);
	snprintf(log, len, "%s/active-responses.log", full_mnt);
}

/* The log on a full disk: the registry is still remediated and the exit
 * status says so; standard error says the log was not written. */
START_TEST(log_on_a_full_disk)
{
	char log[200];
	reg_value v;
	run_out o;

	if (!mount_tmpfs(full_mnt, "size=64k"))
		return;
	log_on_full_mount(log, sizeof(log));
	fill(full_mnt);
	unit_copy_sample("registry/value_0_utf16.reg", regpath);
	run_app("ours_26032_failed.json", log, &o, NULL);
	ck_assert_int_eq(o.code, 0);
	assert_has(o.err, "remediated");
	assert_has(o.err, "log not written");
	assert_has(o.err, "No space left on device");
	v = value_in(regpath);
	ck_assert(reg_value_is_dword(&v, 1));
	reg_value_free(&v);
	ck_assert_uint_eq(unit_count_backups(backups), 1);
	assert_no_temp(dir);
	assert_no_temp(full_mnt);
}
END_TEST

/* A disk with room for part of the line only: the log keeps no half line
 * (the next line would be glued to it). */
START_TEST(log_never_gets_half_a_line)
{
	char log[200], *prior;
	run_out o;

	if (!mount_tmpfs(full_mnt, "size=64k"))
		return;
	log_on_full_mount(log, sizeof(log));
	/* Earlier lines fill all but 100 bytes of the log's one page. */
	prior = malloc(4096 - 100 + 1);
	ck_assert_ptr_nonnull(prior);
	memset(prior, 'x', 4096 - 100);
	prior[4096 - 101] = '\n';
	prior[4096 - 100] = '\0';
	unit_write_text(log, prior);
	fill(full_mnt);
	unit_copy_sample("registry/value_0_utf16.reg", regpath);
	run_app("ours_26032_failed.json", log, &o, NULL);
	ck_assert_int_eq(o.code, 0);
	assert_has(o.err, "log not written");
	assert_unchanged(log, prior, strlen(prior));
}
END_TEST

/* A device where the log goes stops the run before anything is changed:
 * only a regular file takes the log. */
START_TEST(log_on_dev_full)
{
	char *before;
	size_t before_len;
	run_out o;

	unit_copy_sample("registry/value_0_utf16.reg", regpath);
	before = unit_read_file(regpath, &before_len);
	run_app("ours_26032_failed.json", "/dev/full", &o, NULL);
	ck_assert_int_eq(o.code, 1);
	assert_has(o.err, "log: /dev/full is not a regular file");
	assert_unchanged(regpath, before, before_len);
	ck_assert(!platform_exists("/dev/" PROG "-backups"));
}
END_TEST

/* The backup on a full disk: no backup, no write, exit 1. */
START_TEST(backup_on_a_full_disk)
{
	char target[200], *before, *log;
	size_t before_len;
	run_out o;

	if (!mount_tmpfs(full_mnt, "size=64k"))
		return;
	snprintf(target, sizeof(target), "%s/backups", full_mnt);
	ck_assert_int_eq(mkdir(target, 0700), 0);
	ck_assert_int_eq(mkdir(backups, 0700), 0);
	ck_assert_int_eq(mount(target, backups, NULL, MS_BIND, NULL), 0);
	fill(full_mnt);
	unit_copy_sample("registry/value_0_utf16.reg", regpath);
	before = unit_read_file(regpath, &before_len);
	run_app("ours_26032_failed.json", log_path, &o, NULL);
	ck_assert_int_eq(o.code, 1);
	assert_has(o.err, "no change made: cannot write the backup");
	assert_has(o.err, "No space left on device");
	log = assert_one_result(log_path, "failed");
	assert_has(log, "cannot write the backup");
	ck_assert_ptr_null(strstr(log, "\"backup\":"));
	free(log);
	assert_unchanged(regpath, before, before_len);
	ck_assert_uint_eq(unit_count_backups(target), 0);
	assert_no_temp(dir);
}
END_TEST

/* A spool that cannot take the report: a logged warning, and the exit
 * status still speaks of the registry alone. */
static void spool_refuses(const char *spool_dir, const char *why)
{
	char cfg[200], opt[220], json[512], *log;
	const char *extra[] = {opt, NULL};
	run_out o;

	snprintf(cfg, sizeof(cfg), "%s/report.json", dir);
	snprintf(json, sizeof(json),
	         "{\"api\":{\"url\":\"https://127.0.0.1:1\",\"user\":\"u\",\"password\":\"p\","
	         "\"timeout_seconds\":1},\"spool_dir\":\"%s\"}",
	         spool_dir);
	unit_write_text(cfg, json);
	/* It holds a password: readable by its owner only, or it is refused. */
	ck_assert_int_eq(chmod(cfg, 0600), 0);
	snprintf(opt, sizeof(opt), "--config=%s", cfg);
	unit_copy_sample("registry/value_0_utf16.reg", regpath);
	run_app("ours_26032_failed.json", log_path, &o, extra);
	ck_assert_int_eq(o.code, 0);
	assert_has(o.err, "remediated");
	assert_has(o.err, why);
	log = assert_one_result(log_path, "remediated");
	assert_has(log, "\"warning\":\"spool");
	assert_has(log, why);
	free(log);
}

START_TEST(spool_under_a_regular_file)
{
	char plain[200], spool[220];

	snprintf(plain, sizeof(plain), "%s/plain", dir);
	unit_write_text(plain, "a file, not a folder");
	snprintf(spool, sizeof(spool), "%s/spool", plain);
	spool_refuses(spool, "Not a directory");
}
END_TEST

START_TEST(spool_on_a_full_disk)
{
	char spool[200];

	if (!mount_tmpfs(full_mnt, "size=64k"))
		return;
	snprintf(spool, sizeof(spool), "%s/spool", full_mnt);
	ck_assert_int_eq(mkdir(spool, 0700), 0);
	fill(full_mnt);
	spool_refuses(spool, "No space left on device");
	ck_assert_uint_eq(unit_count_files(spool), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("faults");
	TCase *reg = tcase_create("registry");
	TCase *fs = tcase_create("file system");

	tcase_add_unchecked_fixture(reg, suite_setup, suite_teardown);
	tcase_add_checked_fixture(reg, setup, teardown);
	tcase_add_test(reg, read_denied);
	tcase_add_test(reg, write_denied);
	tcase_add_test(reg, read_back_differs);
	tcase_add_test(reg, read_back_fails);
	tcase_add_test(reg, write_changes_nothing);
	tcase_add_test(reg, file_vanishes_before_the_write);
	tcase_add_test(reg, folder_takes_the_file_name);
	suite_add_tcase(s, reg);

	tcase_add_unchecked_fixture(fs, suite_setup, suite_teardown);
	tcase_add_checked_fixture(fs, setup, teardown);
	tcase_add_test(fs, registry_under_a_regular_file);
	tcase_add_test(fs, read_only_file_gets_the_programs_mode);
	tcase_add_test(fs, read_only_file_system);
	tcase_add_test(fs, log_on_a_full_disk);
	tcase_add_test(fs, log_never_gets_half_a_line);
	tcase_add_test(fs, log_on_dev_full);
	tcase_add_test(fs, backup_on_a_full_disk);
	tcase_add_test(fs, spool_under_a_regular_file);
	tcase_add_test(fs, spool_on_a_full_disk);
	suite_add_tcase(s, fs);
	return s;
}

UNIT_MAIN(suite)
