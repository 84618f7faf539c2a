/* The sweep's state file: marks survive a restart, a finished sweep starts
 * the next afresh, a line cut by a kill costs nothing but itself, a dry
 * run writes nothing, and two sweeps cannot share one file. */
#include "sweep/sweep_state.h"

#include "unit.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], path[128];

static void setup(void)
{
	unit_temp_dir(dir, sizeof(dir), "state");
	snprintf(path, sizeof(path), "%s/state", dir);
}

static void teardown(void)
{
	unit_remove_tree(dir);
}

static sweep_state *open_state(bool read_only)
{
	sweep_state *s = NULL;
	ar_error err = {0};
	ck_assert_int_eq(sweep_state_open(path, read_only, &s, &err), AR_OK);
	return s;
}

static void mark(sweep_state *s, sweep_mark m, const char *id)
{
	ar_error err = {0};
	ck_assert_int_eq(sweep_state_mark(s, m, &id, 1, &err), AR_OK);
}

static long file_size(void)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

START_TEST(marks_survive_a_restart)
{
	sweep_state *s = open_state(false);
	const char *two[] = {"002", "003"};
	ar_error err = {0};

	ck_assert(!sweep_state_resumed(s));
	mark(s, SWEEP_CLEAN, "001");
	ck_assert_int_eq(sweep_state_mark(s, SWEEP_SENDING, two, 2, &err), AR_OK);
	mark(s, SWEEP_DISPATCHED, "002");
	mark(s, SWEEP_FAILED, "004");
	sweep_state_close(s);

	s = open_state(false);
	ck_assert(sweep_state_resumed(s));
	ck_assert_int_eq(sweep_state_get(s, "001"), SWEEP_CLEAN);
	ck_assert_int_eq(sweep_state_get(s, "002"), SWEEP_DISPATCHED);
	ck_assert_int_eq(sweep_state_get(s, "003"), SWEEP_SENDING);
	ck_assert_int_eq(sweep_state_get(s, "004"), SWEEP_FAILED);
	ck_assert_int_eq(sweep_state_get(s, "005"), SWEEP_UNSEEN);
	ck_assert_uint_eq(sweep_state_count(s, SWEEP_SENDING), 1);
	ck_assert_uint_eq(sweep_state_count(s, SWEEP_DISPATCHED), 1);
	sweep_state_close(s);
}
END_TEST

START_TEST(a_finished_sweep_starts_the_next_afresh)
{
	sweep_state *s = open_state(false);
	ar_error err = {0};

	mark(s, SWEEP_DISPATCHED, "001");
	ck_assert_int_eq(sweep_state_complete(s, &err), AR_OK);
	sweep_state_close(s);
	s = open_state(false);
	ck_assert(!sweep_state_resumed(s));
	ck_assert_int_eq(sweep_state_get(s, "001"), SWEEP_UNSEEN);
	ck_assert_int_eq(file_size(), 0);
	sweep_state_close(s);
}
END_TEST

START_TEST(a_cut_line_costs_only_itself)
{
	sweep_state *s = open_state(false);
	FILE *f;

	mark(s, SWEEP_DISPATCHED, "001");
	sweep_state_close(s);
	f = fopen(path, "a");
	fputs("{\"mark\":\"dispatched\",\"agents\":[\"00", f); /* a kill mid-write */
	fclose(f);
	s = open_state(false);
	ck_assert_int_eq(sweep_state_get(s, "001"), SWEEP_DISPATCHED);
	mark(s, SWEEP_DISPATCHED, "002");
	sweep_state_close(s);
	s = open_state(false);
	ck_assert_int_eq(sweep_state_get(s, "002"), SWEEP_DISPATCHED);
	sweep_state_close(s);
}
END_TEST

START_TEST(many_agents)
{
	sweep_state *s = open_state(false);
	char id[16];

	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "%05d", i);
		mark(s, i % 2 ? SWEEP_CLEAN : SWEEP_DISPATCHED, id);
	}
	sweep_state_close(s);
	s = open_state(false);
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "%05d", i);
		ck_assert_int_eq(sweep_state_get(s, id), i % 2 ? SWEEP_CLEAN : SWEEP_DISPATCHED);
	}
	ck_assert_uint_eq(sweep_state_count(s, SWEEP_CLEAN), 2500);
	sweep_state_close(s);
}
END_TEST

START_TEST(a_dry_run_reads_and_never_writes)
{
	sweep_state *s = open_state(false);
	long size;

	mark(s, SWEEP_DISPATCHED, "001");
	sweep_state_close(s);
	size = file_size();
	s = open_state(true);
	ck_assert_int_eq(sweep_state_get(s, "001"), SWEEP_DISPATCHED);
	mark(s, SWEEP_DISPATCHED, "002");
	ck_assert_int_eq(sweep_state_get(s, "002"), SWEEP_DISPATCHED);
	sweep_state_close(s);
	ck_assert_int_eq(file_size(), size);
}
END_TEST

START_TEST(one_sweep_per_file)
{
	sweep_state *a = open_state(false), *b = NULL;
	ar_error err = {0};

	ck_assert_int_eq(sweep_state_open(path, false, &b, &err), AR_E_ACCESS);
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(strstr(err.msg, "another sweep"));
	sweep_state_close(a);
	b = open_state(false);
	sweep_state_close(b);
}
END_TEST

/* A FIFO where the state file goes is refused, naming it, without
 * waiting for a writer (the suite's time limit catches a wait): a look
 * and a sweep alike. */
START_TEST(a_fifo_as_the_state_file_is_refused)
{
	ar_error err = {0};
	sweep_state *s = NULL;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	for (int ro = 0; ro < 2; ro++) {
		ck_assert_int_eq(sweep_state_open(path, ro, &s, &err), AR_E_ACCESS);
		ck_assert_ptr_null(s);
		ck_assert_msg(strstr(err.msg, path) != NULL &&
		                      strstr(err.msg, "not a regular file") != NULL,
		              "%s", err.msg);
	}
}
END_TEST

/* The state file is the sweep's own: owner-only, whatever an older file
 * there allowed. */
START_TEST(the_state_file_is_owner_only)
{
	sweep_state *s;

	unit_write_text(path, "{\"complete\":true}\n");
	ck_assert_int_eq(chmod(path, 04777), 0);
	s = open_state(false);
	sweep_state_close(s);
	{
		struct stat sb;
		ck_assert_int_eq(stat(path, &sb), 0);
		ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	}
}
END_TEST

START_TEST(memory_only)
{
	sweep_state *s = NULL;
	ar_error err = {0};

	ck_assert_int_eq(sweep_state_open(NULL, false, &s, &err), AR_OK);
	ck_assert_int_eq(sweep_state_get(s, "001"), SWEEP_UNSEEN);
	mark(s, SWEEP_DISPATCHED, "001");
	ck_assert_int_eq(sweep_state_get(s, "001"), SWEEP_DISPATCHED);
	ck_assert_int_eq(sweep_state_complete(s, &err), AR_OK);
	sweep_state_close(s);
}
END_TEST

START_TEST(notes_stay_in_memory)
{
	sweep_state *s = open_state(false);

	sweep_state_note(s, "001", SWEEP_QUEUED);
	ck_assert_int_eq(sweep_state_get(s, "001"), SWEEP_QUEUED);
	mark(s, SWEEP_DISPATCHED, "002");
	sweep_state_close(s);
	s = open_state(false);
	ck_assert_int_eq(sweep_state_get(s, "001"), SWEEP_UNSEEN);
	ck_assert_int_eq(sweep_state_get(s, "002"), SWEEP_DISPATCHED);
	sweep_state_close(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep_state");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, marks_survive_a_restart);
	tcase_add_test(tc, a_finished_sweep_starts_the_next_afresh);
	tcase_add_test(tc, a_cut_line_costs_only_itself);
	tcase_add_test(tc, many_agents);
	tcase_add_test(tc, a_dry_run_reads_and_never_writes);
	tcase_add_test(tc, one_sweep_per_file);
	tcase_add_test(tc, a_fifo_as_the_state_file_is_refused);
	tcase_add_test(tc, the_state_file_is_owner_only);
	tcase_add_test(tc, memory_only);
	tcase_add_test(tc, notes_stay_in_memory);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
