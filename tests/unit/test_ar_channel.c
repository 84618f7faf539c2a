/* The conversation with execd: one line at a time, never more. */
#include "ar_channel.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *input(const char *text, size_t len)
{
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	rewind(f);
	return f;
}

START_TEST(reads_exactly_one_line)
{
	FILE *in = input("first\r\nsecond\n", 14);
	char *line = NULL;
	size_t len = 0;
	bool eof = true;

	ck_assert(ar_channel_read_line(in, 100, &line, &len, &eof, NULL) == AR_OK);
	ck_assert_str_eq(line, "first");
	ck_assert(!eof);
	/* What follows is still in the stream for the next read. */
	ck_assert_int_eq(getc(in), 's');
	free(line);
	fclose(in);
}
END_TEST

START_TEST(stops_at_the_newline_on_a_pipe)
{
	int fds[2];
	FILE *in;
	char *line = NULL;
	size_t len = 0;
	bool eof;

	/* The writer keeps its end open, as execd does: the read must return
	 * after the newline instead of waiting for end of input. */
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "{\"a\":1}\n", 8), 8);
	in = fdopen(fds[0], "r");
	alarm(10);
	ck_assert(ar_channel_read_line(in, 100, &line, &len, &eof, NULL) == AR_OK);
	alarm(0);
	ck_assert_str_eq(line, "{\"a\":1}");
	free(line);
	fclose(in);
	close(fds[1]);
}
END_TEST

START_TEST(end_of_input_and_last_line_without_newline)
{
	FILE *in = input("tail", 4);
	char *line = NULL;
	size_t len = 0;
	bool eof = false;

	ck_assert(ar_channel_read_line(in, 100, &line, &len, &eof, NULL) == AR_OK);
	ck_assert_str_eq(line, "tail");
	free(line);
	ck_assert(ar_channel_read_line(in, 100, &line, &len, &eof, NULL) == AR_OK);
	ck_assert(eof);
	ck_assert_ptr_null(line);
	fclose(in);
}
END_TEST

START_TEST(cap_is_enforced)
{
	FILE *in = input("0123456789\n", 11);
	char *line = NULL;
	size_t len = 0;
	bool eof;
	ar_error err = {0};

	ck_assert_int_eq(ar_channel_read_line(in, 5, &line, &len, &eof, &err), AR_E_TOO_LARGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than 5 bytes"));
	ck_assert_ptr_null(line);
	fclose(in);
}
END_TEST

START_TEST(nul_bytes_are_kept_for_the_parser_to_refuse)
{
	FILE *in = input("a\0b\n", 4);
	char *line = NULL;
	size_t len = 0;
	bool eof;

	ck_assert(ar_channel_read_line(in, 100, &line, &len, &eof, NULL) == AR_OK);
	ck_assert_uint_eq(len, 3);
	ck_assert_mem_eq(line, "a\0b", 3);
	free(line);
	fclose(in);
}
END_TEST

static ar_status converse(const char *reply, ar_reply *got, char *written, size_t cap)
{
	FILE *in = input(reply, strlen(reply));
	FILE *out = tmpfile();
	const char *keys[] = {"26032"};
	ar_status st = ar_channel_check_keys(in, out, "prog", keys, 1, got, NULL);
	size_t n;

	rewind(out);
	n = fread(written, 1, cap - 1, out);
	written[n] = '\0';
	fclose(in);
	fclose(out);
	return st;
}

START_TEST(check_keys_line_and_replies)
{
	char out[512];
	ar_reply r;

	ck_assert(converse("{\"version\":1,\"command\":\"continue\"}\n", &r, out, sizeof(out)) ==
	          AR_OK);
	ck_assert_int_eq(r, AR_REPLY_CONTINUE);
	ck_assert_str_eq(out, "{\"version\":1,\"origin\":{\"name\":\"prog\",\"module\":"
	                      "\"active-response\"},\"command\":\"check_keys\",\"parameters\":"
	                      "{\"keys\":[\"26032\"]}}\n");
	ck_assert(converse("{\"command\":\"abort\"}\n", &r, out, sizeof(out)) == AR_OK);
	ck_assert_int_eq(r, AR_REPLY_ABORT);
	ck_assert(converse("abort\n", &r, out, sizeof(out)) == AR_OK);
	ck_assert_int_eq(r, AR_REPLY_ABORT);
	ck_assert(converse("", &r, out, sizeof(out)) == AR_OK);
	ck_assert_int_eq(r, AR_REPLY_CONTINUE); /* end of input: a person piping a file */
	ck_assert_int_eq(converse("perhaps\n", &r, out, sizeof(out)), AR_E_INVALID);
	ck_assert_int_eq(converse("{\"command\":\"add\"}\n", &r, out, sizeof(out)), AR_E_INVALID);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ar_channel");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, reads_exactly_one_line);
	tcase_add_test(tc, stops_at_the_newline_on_a_pipe);
	tcase_add_test(tc, end_of_input_and_last_line_without_newline);
	tcase_add_test(tc, cap_is_enforced);
	tcase_add_test(tc, nul_bytes_are_kept_for_the_parser_to_refuse);
	tcase_add_test(tc, check_keys_line_and_replies);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
