/* What every unit suite shares: its main(), which runs the suite and makes
 * the process fail when any check failed, counting files, and reading the
 * samples in tests/data. */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#ifdef TESTS_DATA_DIR
/* A sample message under tests/data (rel: "ours_26032_failed.json",
 * "v5/..."): one newline-terminated line, as execd writes it. Returns it
 * NUL-terminated; *len gets its length without the newline. */
static inline char *unit_sample_line(const char *rel, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", TESTS_DATA_DIR, rel);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 1);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	ck_assert_msg(buf[n - 1] == '\n' && memchr(buf, '\n', (size_t)n - 1) == NULL,
	              "%s is not one newline-terminated line", rel);
	*len = (size_t)n - 1;
	return buf;
}
#endif

#endif
