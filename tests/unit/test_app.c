/* The whole flow in one process (app_main with its streams), so that the
 * sanitizer build sees every path the program takes. */
#include "app.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64], reg[128], log_path[128];

static void setup(void)
{
	unit_temp_dir(dir, sizeof(dir), "app");
	snprintf(reg, sizeof(reg), "%s/r.reg", dir);
	snprintf(log_path, sizeof(log_path), "%s/ar.log", dir);
	unit_copy_sample("registry/value_0_utf16.reg", reg);
}

static void teardown(void)
{
	unit_remove_tree(dir);
}

static FILE *file_with(const char *sample, const char *after)
{
	FILE *in = tmpfile();

	if (sample != NULL) {
		size_t n;
		char *data = unit_read_sample(sample, &n);
		ck_assert_uint_eq(fwrite(data, 1, n, in), n);
		free(data);
	}
	if (after != NULL)
		fputs(after, in);
	rewind(in);
	return in;
}

static int run(const char *sample, const char *after, const char *extra, char *out, size_t cap)
{
	char *argv[8] = {"prog", "--registry-file", reg, "--log-file", log_path, NULL, NULL, NULL};
	int argc = 5, code;
	FILE *in = file_with(sample, after), *o = tmpfile(), *e = tmpfile();
	size_t n;

	if (extra != NULL)
		argv[argc++] = (char *)extra;
	code = app_main(argc, argv, in, o, e);
	rewind(o);
	n = fread(out, 1, cap - 1, o);
	out[n] = '\0';
	fclose(in);
	fclose(o);
	fclose(e);
	return code;
}

static char *last_log_line(void)
{
	static char line[8192];
	FILE *f = fopen(log_path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		;
	fclose(f);
	return line;
}

START_TEST(remediates_with_handshake)
{
	char out[1024];
	ck_assert_int_eq(run("ours_26032_failed.json", NULL, NULL, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"command\":\"check_keys\""));
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1); /* one line */
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"remediated\""));
	ck_assert_int_eq(run("ours_26032_failed.json", NULL, NULL, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"compliant\""));
}
END_TEST

START_TEST(abort_reply_changes_nothing)
{
	char out[1024];
	ck_assert_int_eq(
	        run("ours_26032_failed.json", "{\"command\":\"abort\"}\n", NULL, out, sizeof(out)),
	        3);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"aborted\""));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"before\":null"));
}
END_TEST

START_TEST(delete_and_dry_run_and_not_ours)
{
	char out[1024];
	ck_assert_int_eq(run("ours_26032_delete.json", NULL, NULL, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"kept\""));
	ck_assert_int_eq(run("ours_26032_failed.json", NULL, "--dry-run", out, sizeof(out)), 4);
	ck_assert_int_eq(run("notours_passed.json", NULL, NULL, out, sizeof(out)), 3);
	ck_assert_int_eq(run("v5/ours_26032_enable.json", NULL, "--dry-run", out, sizeof(out)), 4);
}
END_TEST

START_TEST(invalid_input_and_options)
{
	char out[1024];
	ck_assert_int_eq(run("bad_not_json.txt", NULL, NULL, out, sizeof(out)), 2);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(run(NULL, NULL, NULL, out, sizeof(out)), 2);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "no message on standard input"));
	ck_assert_int_eq(run("ours_26032_failed.json", NULL, "--nope", out, sizeof(out)), 2);
	ck_assert_int_eq(run(NULL, NULL, "--version", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, AR_VERSION));
}
END_TEST

START_TEST(bad_configuration_is_a_warning_only)
{
	char out[1024], cfg[160], opt[200];

	snprintf(cfg, sizeof(cfg), "%s/cfg.json", dir);
	unit_write_text(
	        cfg,
	        "{\"api\":{\"url\":\"https://m\",\"user\":\"u\",\"password\":\"p\",\"bogus\":1}}");
	snprintf(opt, sizeof(opt), "--config=%s", cfg);
	ck_assert_int_eq(run("ours_26032_failed.json", NULL, opt, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "unknown key api.bogus"));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"warning\""));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("app");
	TCase *tc = tcase_create("flow");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, remediates_with_handshake);
	tcase_add_test(tc, abort_reply_changes_nothing);
	tcase_add_test(tc, delete_and_dry_run_and_not_ours);
	tcase_add_test(tc, invalid_input_and_options);
	tcase_add_test(tc, bad_configuration_is_a_warning_only);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
