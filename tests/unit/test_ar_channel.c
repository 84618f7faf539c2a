/* Standard input: one line from execd and never a wait past it; the forms a
 * person's file takes (several lines, byte-order marks, CRLF, UTF-16LE);
 * the check_keys handshake; and every wait bounded. */
#include "ar_channel.h"

#include "platform/platform.h"

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

/* A pipe holding text whose writing end stays open, as execd keeps it:
 * a read past the text would wait. */
static FILE *held_pipe(const char *text, size_t len, int *writer)
{
	int fds[2];
	FILE *f;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], text, len), (ssize_t)len);
	f = fdopen(fds[0], "r");
	ck_assert_ptr_nonnull(f);
	*writer = fds[1];
	return f;
}

typedef struct got {
	ar_status st;
	char *text;
	size_t len;
	bool eof;
	ar_error err;
} got;

static got read_from(FILE *in, unsigned wait_ms)
{
	ar_channel ch;
	got g = {0};

	ar_channel_init(&ch, in);
	if (wait_ms != 0)
		ch.message_wait_ms = wait_ms;
	g.st = ar_channel_read_message(&ch, &g.text, &g.len, &g.eof, &g.err);
	ar_channel_free(&ch);
	return g;
}

static got read_text(const char *text, size_t len)
{
	FILE *in = input(text, len);
	got g = read_from(in, 0);
	fclose(in);
	return g;
}

static void expect_text(const char *text, size_t len, const char *want)
{
	got g = read_text(text, len);

	ck_assert_msg(g.st == AR_OK, "%s", g.err.msg);
	ck_assert_str_eq(g.text, want);
	ck_assert_uint_eq(g.len, strlen(want));
	free(g.text);
}

START_TEST(one_line_and_no_more)
{
	/* The message is the first line when it is complete: what follows
	 * is left for the reply. */
	expect_text("{\"a\":1}\n{\"b\":2}\n", 16, "{\"a\":1}");
	expect_text("{\"a\":1}\r\nsecond\n", 16, "{\"a\":1}");
	expect_text("tail", 4, "tail");
	/* Not an object or array: one line, for the parser to judge. */
	expect_text("hello world\n{\n}\n", 16, "hello world");
	expect_text("\n{\"a\":1}\n", 9, "");
}
END_TEST

START_TEST(stops_at_the_newline_on_a_held_pipe)
{
	int w;
	FILE *in = held_pipe("{\"a\":1}\n", 8, &w);
	got g;

	/* A wait past the line would run into the bound: AR_E_TIMEOUT. */
	alarm(20);
	g = read_from(in, 5000);
	alarm(0);
	ck_assert_msg(g.st == AR_OK, "%s", g.err.msg);
	ck_assert_str_eq(g.text, "{\"a\":1}");
	free(g.text);
	fclose(in);
	close(w);
}
END_TEST

START_TEST(pretty_printed_lines_are_joined)
{
	const char doc[] = "{\r\n  \"a\": [\r\n    1,\r\n    \"]}\\\"{\"\r\n  ],\r\n"
	                   "  \"b\": {}\r\n}\r\nnext\r\n";
	const char *want = "{\n  \"a\": [\n    1,\n    \"]}\\\"{\"\n  ],\n  \"b\": {}\n}";
	int w;
	FILE *in;
	got g;

	expect_text(doc, sizeof(doc) - 1, want);
	/* The closing line ends the read: no wait for more on a held pipe. */
	in = held_pipe(doc, sizeof(doc) - 1, &w);
	g = read_from(in, 5000);
	ck_assert_msg(g.st == AR_OK, "%s", g.err.msg);
	ck_assert_str_eq(g.text, want);
	free(g.text);
	fclose(in);
	close(w);
	/* A line cannot end inside a JSON string: that ends the text at once. */
	in = held_pipe("{\"a\":\"b\nc\"}\n", 12, &w);
	g = read_from(in, 5000);
	ck_assert_msg(g.st == AR_OK, "%s", g.err.msg);
	ck_assert_str_eq(g.text, "{\"a\":\"b");
	free(g.text);
	fclose(in);
	close(w);
	/* An unfinished document at end of input is handed on as it is. */
	expect_text("{\n\"a\": [1,\n", 11, "{\n\"a\": [1,");
}
END_TEST

START_TEST(byte_order_marks)
{
	/* UTF-8 with BOM. */
	expect_text("\xEF\xBB\xBF{\"a\":1}\r\n", 12, "{\"a\":1}");
	/* UTF-16LE with BOM, as PowerShell 5.1 writes: {"é":1} CRLF. */
	static const char u16[] = "\xFF\xFE{\0\"\0\xE9\0\"\0:\0"
	                          "1\0}\0\r\0\n\0x\0";
	/* Over several lines, the newline found at even offsets only: U+0A0A
	 * is one character, not two newlines. */
	static const char lines16[] = "\xFF\xFE[\0\n\0\n\n]\0\n\0";

	expect_text(u16, sizeof(u16) - 1, "{\"\xC3\xA9\":1}");
	expect_text(lines16, sizeof(lines16) - 1, "[\n\xE0\xA8\x8A]");
}
END_TEST

START_TEST(bad_encodings)
{
	got g = read_text("\xFE\xFF\0{\0}", 6);

	ck_assert_int_eq(g.st, AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(g.err.msg, "UTF-16 big-endian"));
	ck_assert_ptr_null(g.text);
	g = read_text("\xFF\xFE{\0}", 5);
	ck_assert_int_eq(g.st, AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(g.err.msg, "not valid UTF-16"));
	g = read_text("\xFF\xFE\x00\xDC\n\0", 6);
	ck_assert_int_eq(g.st, AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(g.err.msg, "unpaired surrogate"));
}
END_TEST

START_TEST(end_of_input)
{
	got g = read_text("", 0);

	ck_assert(g.st == AR_OK && g.eof);
	ck_assert_ptr_null(g.text);
	/* A mark and nothing else is no message either. */
	g = read_text("\xEF\xBB\xBF", 3);
	ck_assert(g.st == AR_OK && g.eof);
	g = read_text("\xEF\xBB", 2);
	ck_assert(g.st == AR_OK && !g.eof);
	ck_assert_uint_eq(g.len, 2);
	free(g.text);
}
END_TEST

START_TEST(cap_is_enforced)
{
	size_t n = AR_MESSAGE_MAX + 10;
	char *big = malloc(n);
	got g;

	ck_assert_ptr_nonnull(big);
	memset(big, 'a', n);
	big[n - 1] = '\n';
	g = read_text(big, n);
	ck_assert_int_eq(g.st, AR_E_TOO_LARGE);
	ck_assert_ptr_nonnull(strstr(g.err.msg, "larger than 1048576 bytes"));
	ck_assert_ptr_null(g.text);
	/* Over several lines, the whole message counts. */
	memset(big, ' ', n);
	big[0] = '[';
	for (size_t i = 1000; i < n; i += 1000)
		big[i] = '\n';
	g = read_text(big, n);
	ck_assert_int_eq(g.st, AR_E_TOO_LARGE);
	/* Exactly the cap is fine. */
	memset(big, 'a', AR_MESSAGE_MAX);
	big[AR_MESSAGE_MAX] = '\n';
	g = read_text(big, AR_MESSAGE_MAX + 1);
	ck_assert_msg(g.st == AR_OK, "%s", g.err.msg);
	ck_assert_uint_eq(g.len, AR_MESSAGE_MAX);
	free(g.text);
	free(big);
}
END_TEST

START_TEST(nul_bytes_are_kept_for_the_parser_to_refuse)
{
	got g = read_text("a\0b\n", 4);

	ck_assert(g.st == AR_OK);
	ck_assert_uint_eq(g.len, 3);
	ck_assert_mem_eq(g.text, "a\0b", 3);
	free(g.text);
}
END_TEST

/* The writer stalls: nothing, half a line, half a document. */
START_TEST(waits_are_bounded)
{
	static const struct {
		const char *text;
		size_t len;
		const char *want;
	} cases[] = {
	        {"", 0, "no message on standard input within 300 ms"},
	        {"\xFF", 1, "was not complete within 300 ms"},
	        {"{\"version\":1,\"origin\":", 22, "was not complete within 300 ms"},
	        {"{\n  \"version\": 1,\n", 18, "was not complete within 300 ms"},
	        {"\xFF\xFE{\0\n\0", 6, "was not complete within 300 ms"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int w;
		FILE *in = held_pipe(cases[i].text, cases[i].len, &w);
		got g;

		alarm(20);
		g = read_from(in, 300);
		alarm(0);
		ck_assert_msg(g.st == AR_E_TIMEOUT, "case %zu: %d %s", i, g.st, g.err.msg);
		ck_assert_msg(strstr(g.err.msg, cases[i].want) != NULL, "case %zu: %s", i,
		              g.err.msg);
		ck_assert_ptr_null(g.text);
		fclose(in);
		close(w);
	}
}
END_TEST

static ar_status converse_on(FILE *in, unsigned reply_wait_ms, ar_reply *got_reply, char *written,
                             size_t cap, ar_error *err)
{
	FILE *out = tmpfile();
	const char *keys[] = {"26032"};
	ar_channel ch;
	ar_status st;
	size_t n;

	ar_channel_init(&ch, in);
	if (reply_wait_ms != 0)
		ch.reply_wait_ms = reply_wait_ms;
	st = ar_channel_check_keys(&ch, out, "prog", keys, 1, got_reply, err);
	ar_channel_free(&ch);
	rewind(out);
	n = fread(written, 1, cap - 1, out);
	written[n] = '\0';
	fclose(out);
	return st;
}

static ar_status converse(const char *reply, ar_reply *got_reply, char *written, size_t cap)
{
	FILE *in = input(reply, strlen(reply));
	ar_status st = converse_on(in, 0, got_reply, written, cap, NULL);
	fclose(in);
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

START_TEST(blank_lines_are_not_a_reply)
{
	char out[512];
	ar_reply r;

	/* `cat msg.json; echo`: the empty line is not an answer. */
	ck_assert(converse("\n", &r, out, sizeof(out)) == AR_OK);
	ck_assert_int_eq(r, AR_REPLY_CONTINUE);
	ck_assert(converse("\r\n \t\r\n\n{\"command\":\"abort\"}\n", &r, out, sizeof(out)) ==
	          AR_OK);
	ck_assert_int_eq(r, AR_REPLY_ABORT);
}
END_TEST

START_TEST(message_and_reply_given_at_once)
{
	const char text[] = "{\n\"command\": \"add\"\n}\n{\"command\":\"abort\"}\n";
	FILE *in = input(text, sizeof(text) - 1);
	ar_channel ch;
	char *msg = NULL, written[512];
	size_t len;
	bool eof;
	ar_reply r = AR_REPLY_CONTINUE;
	FILE *out = tmpfile();
	const char *keys[] = {"1"};

	/* Read ahead from the message is kept for the reply. */
	ar_channel_init(&ch, in);
	ck_assert(ar_channel_read_message(&ch, &msg, &len, &eof, NULL) == AR_OK);
	ck_assert_str_eq(msg, "{\n\"command\": \"add\"\n}");
	ck_assert(ar_channel_check_keys(&ch, out, "prog", keys, 1, &r, NULL) == AR_OK);
	ck_assert_int_eq(r, AR_REPLY_ABORT);
	ar_channel_free(&ch);
	free(msg);
	rewind(out);
	ck_assert_ptr_nonnull(fgets(written, sizeof(written), out));
	ck_assert_ptr_nonnull(strstr(written, "check_keys"));
	fclose(out);
	fclose(in);
}
END_TEST

START_TEST(reply_wait_is_bounded)
{
	char out[512];
	ar_reply r;
	ar_error err = {0};
	int w;
	FILE *in = held_pipe("\n", 1, &w);

	alarm(20);
	ck_assert_int_eq(converse_on(in, 300, &r, out, sizeof(out), &err), AR_E_TIMEOUT);
	alarm(0);
	ck_assert_str_eq(err.msg, "no reply to check_keys on standard input within 300 ms");
	ck_assert_ptr_nonnull(strstr(out, "check_keys"));
	fclose(in);
	close(w);
	/* A reply that comes in time is taken, the pipe still open. */
	in = held_pipe("{\"command\":\"abort\"}\n", 20, &w);
	ck_assert_int_eq(converse_on(in, 5000, &r, out, sizeof(out), &err), AR_OK);
	ck_assert_int_eq(r, AR_REPLY_ABORT);
	fclose(in);
	close(w);
}
END_TEST

/* A person's several messages: each read after the first, blank lines
 * passed over, within the one bound of the first read. */
START_TEST(next_messages_after_the_first)
{
	static const char text[] = "{\"a\":1}\n\n{\"b\":\n 2}\r\n  \n{\"c\":3}";
	FILE *in = input(text, sizeof(text) - 1);
	ar_channel ch;
	char *t = NULL;
	size_t len = 0;
	bool eof = false;
	ar_error err = {0};

	ar_channel_init(&ch, in);
	ck_assert(ar_channel_read_message(&ch, &t, &len, &eof, &err) == AR_OK);
	ck_assert_str_eq(t, "{\"a\":1}");
	free(t);
	ck_assert(ar_channel_read_next(&ch, &t, &len, &eof, &err) == AR_OK && !eof);
	ck_assert_str_eq(t, "{\"b\":\n 2}");
	free(t);
	ck_assert(ar_channel_read_next(&ch, &t, &len, &eof, &err) == AR_OK && !eof);
	ck_assert_str_eq(t, "{\"c\":3}");
	free(t);
	ck_assert(ar_channel_read_next(&ch, &t, &len, &eof, &err) == AR_OK && eof);
	ck_assert_ptr_null(t);
	ar_channel_free(&ch);
	fclose(in);
}
END_TEST

/* A writer done that keeps the pipe open: the bound ends the reading, and
 * what came is all there is; half a message then is an error. */
START_TEST(next_message_wait_is_the_first_ones)
{
	int w;
	FILE *in = held_pipe("{\"a\":1}\n", 8, &w);
	ar_channel ch;
	char *t = NULL;
	size_t len = 0;
	bool eof = false;
	ar_error err = {0};
	uint64_t t0;

	ar_channel_init(&ch, in);
	ch.message_wait_ms = 300;
	t0 = platform_monotonic_ms();
	ck_assert(ar_channel_read_message(&ch, &t, &len, &eof, &err) == AR_OK);
	free(t);
	ck_assert(ar_channel_read_next(&ch, &t, &len, &eof, &err) == AR_OK && eof);
	ck_assert_uint_lt(platform_monotonic_ms() - t0, 3000);
	ar_channel_free(&ch);
	fclose(in);
	close(w);

	in = held_pipe("{\"a\":1}\n{\"b\":", 13, &w);
	ar_channel_init(&ch, in);
	ch.message_wait_ms = 300;
	ck_assert(ar_channel_read_message(&ch, &t, &len, &eof, &err) == AR_OK);
	free(t);
	ck_assert_int_eq(ar_channel_read_next(&ch, &t, &len, &eof, &err), AR_E_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "not complete within 300 ms"));
	ar_channel_free(&ch);
	fclose(in);
	close(w);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ar_channel");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, one_line_and_no_more);
	tcase_add_test(tc, stops_at_the_newline_on_a_held_pipe);
	tcase_add_test(tc, next_messages_after_the_first);
	tcase_add_test(tc, next_message_wait_is_the_first_ones);
	tcase_add_test(tc, pretty_printed_lines_are_joined);
	tcase_add_test(tc, byte_order_marks);
	tcase_add_test(tc, bad_encodings);
	tcase_add_test(tc, end_of_input);
	tcase_add_test(tc, cap_is_enforced);
	tcase_add_test(tc, nul_bytes_are_kept_for_the_parser_to_refuse);
	tcase_add_test(tc, waits_are_bounded);
	tcase_add_test(tc, check_keys_line_and_replies);
	tcase_add_test(tc, blank_lines_are_not_a_reply);
	tcase_add_test(tc, message_and_reply_given_at_once);
	tcase_add_test(tc, reply_wait_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
