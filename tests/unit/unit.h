/* What every unit suite shares: its main(), which runs the suite and makes
 * the process fail when any check failed, the value under test, temporary
 * folders, reading, writing and counting files, and reading the samples in
 * tests/data. */
#ifndef UNIT_H
#define UNIT_H

#include "platform/platform.h"
#include "registry/registry.h"
#include "util/dword.h"

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The key and value this program remediates, as the suites spell them. */
#define KEY  "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters"
#define NAME "EnableSecuritySignature"

static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#define UNIT_MAIN(make_suite)                                                                      \
	int main(void)                                                                             \
	{                                                                                          \
		return unit_run(make_suite());                                                     \
	}

/* A fresh folder /tmp/ar-<suite>-<12 random hex digits>, owner-only, made
 * through the platform layer so that every system's suites can have one;
 * its path goes into dir. */
static inline void unit_temp_dir(char *dir, size_t len, const char *suite)
{
	unsigned char r[6];
	ar_error err = {0};

	do {
		ck_assert_int_eq(platform_random(r, sizeof(r), &err), AR_OK);
		ck_assert_int_lt(snprintf(dir, len, "/tmp/ar-%s-%02x%02x%02x%02x%02x%02x", suite,
		                          r[0], r[1], r[2], r[3], r[4], r[5]),
		                 (int)len);
	} while (platform_exists(dir));
	ck_assert_msg(platform_private_dir(dir, &err) == AR_OK, "%s", err.msg);
}

/* Removes a folder and everything in it. */
static inline void unit_remove_tree(const char *dir)
{
	char cmd[512];

	ck_assert_int_lt(snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir), (int)sizeof(cmd));
	ck_assert_int_eq(system(cmd), 0);
}

static inline void unit_write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static inline void unit_write_text(const char *path, const char *text)
{
	unit_write_bytes(path, text, strlen(text));
}

/* The whole file, NUL-terminated; *len (when not NULL) gets its size. */
static inline char *unit_read_file(const char *path, size_t *len)
{
	unsigned char *data = NULL;
	size_t n = 0;
	ar_error err = {0};

	ck_assert_msg(platform_read_file(path, 64u << 20, &data, &n, &err) == AR_OK, "%s", err.msg);
	if (len != NULL)
		*len = n;
	return (char *)data;
}

/* A REG_DWORD value over le, which must outlive it. */
static inline reg_value unit_dword(uint32_t data, unsigned char le[4])
{
	reg_value v = {
	        .key_exists = true, .exists = true, .type = REGV_DWORD, .data = le, .len = 4};

	dword_pack(data, le);
	return v;
}

/* Files in a folder, dot files left out (0 when there is no such folder). */
static inline size_t unit_count_files(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The backups (.reg files) in a backups folder, which also holds the
 * history and its lock. */
static inline size_t unit_count_backups(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0, len;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		n += len > 4 && strcmp(e->d_name + len - 4, ".reg") == 0;
	}
	closedir(d);
	return n;
}

#ifdef TESTS_DATA_DIR
/* A file under tests/data (rel: "forms/alert_26032.json"), whole and
 * NUL-terminated; *len (when not NULL) gets its size. */
static inline char *unit_read_sample(const char *rel, size_t *len)
{
	char path[1024];

	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", TESTS_DATA_DIR, rel),
	                 (int)sizeof(path));
	return unit_read_file(path, len);
}

/* A file under tests/data (rel: "registry/value_0_utf16.reg") copied to to. */
static inline void unit_copy_sample(const char *rel, const char *to)
{
	size_t len;
	char *data = unit_read_sample(rel, &len);

	unit_write_bytes(to, data, len);
	free(data);
}

/* A sample message under tests/data (rel: "ours_26032_failed.json",
 * "v5/..."): one newline-terminated line, as execd writes it. Returns it
 * NUL-terminated; *len gets its length without the newline. */
static inline char *unit_sample_line(const char *rel, size_t *len)
{
	size_t n;
	char *buf = unit_read_sample(rel, &n);

	ck_assert_msg(n > 0 && buf[n - 1] == '\n' && memchr(buf, '\n', n - 1) == NULL,
	              "%s is not one newline-terminated line", rel);
	buf[n - 1] = '\0';
	*len = n - 1;
	return buf;
}
#endif

#endif
