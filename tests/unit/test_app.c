/* The whole flow in one process (app_main with its streams), so that the
 * sanitizer build sees every path the program takes. */
#include "app.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Standard error of the last run. */
static char err_text[8192];

static int run_from(FILE *in, const char *extra, const char *extra2, char *out, size_t cap)
{
	char *argv[8] = {"prog", "--registry-file", reg, "--log-file", log_path, NULL, NULL, NULL};
	int argc = 5, code;
	FILE *o = tmpfile(), *e = tmpfile();
	size_t n;

	if (extra != NULL)
		argv[argc++] = (char *)extra;
	if (extra2 != NULL)
		argv[argc++] = (char *)extra2;
	code = app_main(argc, argv, in, o, e);
	rewind(o);
	n = fread(out, 1, cap - 1, o);
	out[n] = '\0';
	rewind(e);
	n = fread(err_text, 1, sizeof(err_text) - 1, e);
	err_text[n] = '\0';
	fclose(in);
	fclose(o);
	fclose(e);
	return code;
}

static int run(const char *sample, const char *after, const char *extra, char *out, size_t cap)
{
	return run_from(file_with(sample, after), extra, NULL, out, cap);
}

/* The sample with its first `from` replaced by `to`, as standard input. */
static FILE *sample_edited(const char *sample, const char *from, const char *to)
{
	size_t n;
	char *data = unit_read_sample(sample, &n), *at = strstr(data, from);
	FILE *in = tmpfile();

	ck_assert_ptr_nonnull(at);
	fwrite(data, 1, (size_t)(at - data), in);
	fputs(to, in);
	fputs(at + strlen(from), in);
	free(data);
	rewind(in);
	return in;
}

static bool reg_holds(const char *data_line)
{
	char *text = unit_read_file(reg, NULL);
	bool found;
	size_t n = 0;
	/* The .reg file is UTF-16LE: compare its ASCII bytes. */
	for (size_t i = 0; text[i] != '\0' || text[i + 1] != '\0'; i++) {
		if (text[i] != '\0')
			text[n++] = text[i];
	}
	text[n] = '\0';
	found = strstr(text, data_line) != NULL;
	free(text);
	return found;
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
	/* A status of its own, that a manager rule can match. */
	ck_assert_ptr_nonnull(strstr(last_log_line(), "{\"status\":\"warning\",\"warning\":"));
}
END_TEST

START_TEST(readable_secret_is_a_warning_on_every_run)
{
	char out[1024], cfg[160], secret[160], opt[400];

	snprintf(cfg, sizeof(cfg), "%s/cfg.json", dir);
	snprintf(secret, sizeof(secret), "%s/api.secret", dir);
	unit_write_text(secret, "s3cret\n");
	chmod(secret, 0644); /* as an ACL reset leaves it: readable by others */
	snprintf(opt, sizeof(opt),
	         "{\"api\":{\"url\":\"https://127.0.0.1:1\",\"user\":\"u\",\"password_file\":"
	         "\"%s\"}}",
	         secret);
	unit_write_text(cfg, opt);
	snprintf(opt, sizeof(opt), "--config=%s", cfg);
	/* A run that changes something, one that finds it compliant, a dry run. */
	ck_assert_int_eq(run("ours_26032_failed.json", NULL, opt, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "{\"status\":\"warning\""));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "is readable by others"));
	ck_assert_int_eq(run("ours_26032_failed.json", NULL, opt, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "is readable by others"));
	ck_assert_int_eq(run_from(file_with("ours_26032_failed.json", NULL), opt, "--dry-run", out,
	                          sizeof(out)),
	                 0);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "is readable by others"));
	ck_assert_ptr_nonnull(strstr(err_text, "is readable by others"));
}
END_TEST

START_TEST(dry_run_restore_changes_nothing)
{
	char out[1024], backup[512], opt[600], *b, *end;

	ck_assert_int_eq(run("ours_26032_failed.json", NULL, NULL, out, sizeof(out)), 0);
	b = strstr(last_log_line(), "\"backup\":\"");
	ck_assert_ptr_nonnull(b);
	b += strlen("\"backup\":\"");
	end = strchr(b, '"');
	snprintf(backup, sizeof(backup), "%.*s", (int)(end - b), b);
	snprintf(opt, sizeof(opt), "--restore=%s", backup);
	ck_assert_int_eq(run_from(file_with(NULL, NULL), "--dry-run", opt, out, sizeof(out)), 4);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"would_restore\""));
	ck_assert(reg_holds("dword:00000001"));
	ck_assert_int_eq(run_from(file_with(NULL, NULL), opt, NULL, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"restored\""));
	ck_assert_ptr_null(strstr(last_log_line(), "remediated"));
	ck_assert(reg_holds("dword:00000000"));
	ck_assert_int_eq(run_from(file_with(NULL, NULL), "--dry-run", opt, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"restored\""));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "nothing to write"));
}
END_TEST

/* execd's message with the extra arguments given (a JSON array's items). */
static int run_extra_args(const char *args, char *out, size_t cap)
{
	char to[128];

	snprintf(to, sizeof(to), "\"extra_args\":[%s]", args);
	return run_from(sample_edited("ours_26032_failed.json", "\"extra_args\":[]", to), NULL,
	                NULL, out, cap);
}

START_TEST(restore_last_from_execd)
{
	char out[1024];

	/* No change made yet: nothing to put back. */
	ck_assert_int_eq(run_extra_args("\"restore-last\"", out, sizeof(out)), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"command\":\"check_keys\""));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"failed\""));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "no backup of a change by this program"));
	ck_assert(reg_holds("dword:00000000"));
	ck_assert_int_eq(run("ours_26032_failed.json", NULL, NULL, out, sizeof(out)), 0);
	ck_assert(reg_holds("dword:00000001"));
	ck_assert_int_eq(run_extra_args("\"restore-last\",\"dry-run\"", out, sizeof(out)), 4);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"would_restore\""));
	ck_assert(reg_holds("dword:00000001"));
	ck_assert_int_eq(run_extra_args("\"restore-last\"", out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"restored\""));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"command\":\"restore\""));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"restored_from\":"));
	ck_assert(reg_holds("dword:00000000"));
}
END_TEST

START_TEST(several_alerts_the_newest_of_ours_is_used)
{
	char out[1024];
	size_t n;
	char *all = unit_read_sample("forms/alerts.json", &n);
	size_t first = strcspn(all, "\n");
	FILE *in = tmpfile();

	/* alerts.json: another rule's, another check's, ours (failed); then
	 * another rule's again, newer than ours. */
	ck_assert_uint_lt(first, n);
	fwrite(all, 1, n, in);
	fwrite(all, 1, first + 1, in);
	free(all);
	rewind(in);
	ck_assert_int_eq(run_from(in, NULL, NULL, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"remediated\""));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"messages\":{\"read\":4,\"used\":3}"));
	ck_assert_ptr_nonnull(strstr(err_text, "message 3 of the 4 on standard input"));
	/* Ours failed, then ours passed: the newest says it passes, nothing is
	 * done. */
	unit_copy_sample("registry/value_0_utf16.reg", reg);
	all = unit_read_sample("forms/alert_26032.json", &n);
	in = sample_edited("forms/alert_26032.json", "\"result\":\"failed\"",
	                   "\"result\":\"passed\"");
	fseek(in, 0, SEEK_SET);
	{
		FILE *both = tmpfile();
		int c;
		fwrite(all, 1, n, both);
		while ((c = fgetc(in)) != EOF)
			fputc(c, both);
		fclose(in);
		rewind(both);
		in = both;
	}
	free(all);
	ck_assert_int_eq(run_from(in, NULL, NULL, out, sizeof(out)), 3);
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"status\":\"not_applicable\""));
	ck_assert_ptr_nonnull(strstr(last_log_line(), "\"messages\":{\"read\":2,\"used\":2}"));
	ck_assert(reg_holds("dword:00000000"));
}
END_TEST

START_TEST(plain_run_says_nothing_of_configuration)
{
	char out[1024], def[200];

	ck_assert_int_eq(run("ours_26032_failed.json", NULL, NULL, out, sizeof(out)), 0);
	ck_assert_ptr_null(strstr(err_text, "configuration"));
	ck_assert_ptr_eq(strchr(err_text, '\n'), err_text + strlen(err_text) - 1);
	/* A configuration where an agent keeps it, beside a --log-file: not
	 * read, and said. */
	snprintf(def, sizeof(def), "%s/" AR_PROGRAM_NAME ".config.json", dir);
	unit_write_text(def, "{}");
	ck_assert_int_eq(run("ours_26032_failed.json", NULL, NULL, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(err_text, ".config.json not read"));
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
	tcase_add_test(tc, readable_secret_is_a_warning_on_every_run);
	tcase_add_test(tc, dry_run_restore_changes_nothing);
	tcase_add_test(tc, restore_last_from_execd);
	tcase_add_test(tc, several_alerts_the_newest_of_ours_is_used);
	tcase_add_test(tc, plain_run_says_nothing_of_configuration);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
