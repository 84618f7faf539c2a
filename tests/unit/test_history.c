/* The history between runs: its settings, its file (kept, capped, and
 * ignored with a warning when corrupted, truncated or huge), its lock, and
 * what remediate_apply_tracked makes of it over the .reg backend: a value
 * put back after a write of ours is a revert, enough reverts make the
 * status contested, and a restore ends the watch. */
#include "history.h"
#include "platform/platform.h"
#include "remediate.h"
#include "util/strbuf.h"

#include "unit.h"

#include <check.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG AR_PROGRAM_NAME

static const sca_control T = {.registry_key = KEY, .value_name = NAME, .dword = 1};
static const char *WITH_0 = "REGEDIT4\n\n[" KEY "]\n\"" NAME "\"=dword:00000000\n";
static const char *WITH_1 = "REGEDIT4\n\n[" KEY "]\n\"" NAME "\"=dword:00000001\n";
static char dir[64], regpath[128], backups[192], hist[320];
/* Where an older version kept them: the backups folder's parent. */
static char old_hist[192], old_lock[192];

static void setup(void)
{
	unit_temp_dir(dir, sizeof(dir), "history");
	snprintf(regpath, sizeof(regpath), "%s/registry.reg", dir);
	snprintf(backups, sizeof(backups), "%s/" PROG "-backups", dir);
	snprintf(hist, sizeof(hist), "%s/" PROG "-history.json", backups);
	snprintf(old_hist, sizeof(old_hist), "%s/" PROG "-history.json", dir);
	snprintf(old_lock, sizeof(old_lock), "%s/" PROG "-history.lock", dir);
	ck_assert_int_eq(mkdir(backups, 0700), 0);
}

static void teardown(void)
{
	unit_remove_tree(dir);
}

static history *open_locked(char **warning)
{
	history *h = NULL;
	ar_error err = {0};
	ck_assert_msg(history_open(backups, true, &h, warning, &err) == AR_OK, "%s", err.msg);
	return h;
}

/* How many events the history file holds now. */
static size_t events_saved(void)
{
	history *h = NULL;
	size_t n;

	ck_assert(history_open(backups, false, &h, NULL, NULL) == AR_OK);
	(void)history_events(h, &n);
	history_close(h);
	return n;
}

/* One run over the .reg file as it is now. */
static void run(const history_settings *hs, bool dry_run, ar_result *r)
{
	registry *reg = NULL;

	ck_assert(registry_open_file(regpath, &reg, NULL) == AR_OK);
	result_init(r);
	r->control = &T;
	r->dry_run = dry_run;
	remediate_apply_tracked(reg, &T, backups, hs, r);
	registry_close(reg);
}

static bool has_warning(const ar_result *r, const char *text)
{
	for (size_t i = 0; i < r->warning_count; i++) {
		if (strstr(r->warnings[i], text) != NULL)
			return true;
	}
	return false;
}

START_TEST(settings_defaults_and_overrides)
{
	history_settings s;
	ar_error err = {0};
	const char *cfg = "{\"api\":{},\"history\":{\"revert_threshold\":5,"
	                  "\"revert_window_days\":30,\"write_when_contested\":false}}";

	history_settings_default(&s);
	ck_assert_uint_eq(s.revert_threshold, 3);
	ck_assert_uint_eq(s.revert_window_days, 7);
	ck_assert(s.write_when_contested);
	ck_assert(history_settings_parse("{\"api\":{}}", 10, &s, &err) == AR_OK);
	ck_assert_uint_eq(s.revert_threshold, 3);
	ck_assert(history_settings_parse(cfg, strlen(cfg), &s, &err) == AR_OK);
	ck_assert_uint_eq(s.revert_threshold, 5);
	ck_assert_uint_eq(s.revert_window_days, 30);
	ck_assert(!s.write_when_contested);
}
END_TEST

START_TEST(settings_errors_name_the_key_and_keep_defaults)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	        {"{\"history\":{\"revert_treshold\":2}}", "unknown key history.revert_treshold"},
	        {"{\"history\":{\"revert_threshold\":0}}", "history.revert_threshold"},
	        {"{\"history\":{\"revert_window_days\":1.5}}", "history.revert_window_days"},
	        {"{\"history\":{\"write_when_contested\":\"no\"}}", "history.write_when_contested"},
	        {"{\"history\":[]}", "history must be an object"},
	        {"[]", "must be a JSON object"},
	        {"{\"history\":", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		history_settings s;
		ar_error err = {0};
		ck_assert_msg(history_settings_parse(cases[i].text, strlen(cases[i].text), &s,
		                                     &err) != AR_OK,
		              "%s", cases[i].text);
		ck_assert_msg(strstr(err.msg, cases[i].msg) != NULL, "%s: %s", cases[i].text,
		              err.msg);
		ck_assert_uint_eq(s.revert_threshold, 3);
		ck_assert(s.write_when_contested);
	}
}
END_TEST

START_TEST(kept_beside_the_backups_and_read_back)
{
	history *h = open_locked(NULL);
	const history_event *e;
	size_t n;
	long long when = 0;
	char *text;

	ck_assert_str_eq(history_file(h), hist);
	history_add(h, HISTORY_SET, 1000);
	history_add(h, HISTORY_REVERT, 2000);
	history_add(h, HISTORY_SET, 2001);
	ck_assert(history_save(h, NULL) == AR_OK);
	history_close(h);
	text = unit_read_file(hist, NULL);
	ck_assert_ptr_nonnull(strstr(text, "{\"time\":2000,\"event\":\"revert\"}"));
	free(text);
	h = open_locked(NULL);
	e = history_events(h, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert(e[1].kind == HISTORY_REVERT && e[1].time == 2000);
	ck_assert(history_last_set(h, &when) && when == 2001);
	ck_assert(history_armed(h));
	ck_assert_uint_eq(history_reverts_since(h, 1999), 1);
	ck_assert_uint_eq(history_reverts_since(h, 2001), 0);
	history_close(h);
}
END_TEST

/* The agent's "backup" folder may not exist yet: it is made. */
START_TEST(a_missing_folder_is_made)
{
	history *h;
	char path[256];

	snprintf(backups, sizeof(backups), "%s/agent/backup/" PROG, dir);
	snprintf(path, sizeof(path), "%s/agent/backup/" PROG "/" PROG "-history.json", dir);
	h = open_locked(NULL);
	history_add(h, HISTORY_SET, 1);
	ck_assert(history_save(h, NULL) == AR_OK);
	history_close(h);
	ck_assert(platform_exists(path));
}
END_TEST

START_TEST(a_restore_ends_the_watch)
{
	history *h = open_locked(NULL);
	long long when = 0;

	ck_assert(!history_last_set(h, &when) && !history_armed(h));
	history_add(h, HISTORY_SET, 10);
	history_add(h, HISTORY_REVERT, 20);
	ck_assert(history_last_set(h, &when) && when == 10);
	ck_assert(!history_armed(h)); /* one revert per set */
	history_add(h, HISTORY_RESTORE, 30);
	ck_assert(!history_last_set(h, &when) && !history_armed(h));
	history_close(h);
}
END_TEST

START_TEST(capped_newest_kept)
{
	history *h = open_locked(NULL);
	const history_event *e;
	size_t n;
	strbuf big = {0};

	for (int i = 0; i < HISTORY_MAX_EVENTS + 10; i++)
		history_add(h, i % 2 ? HISTORY_REVERT : HISTORY_SET, 100 + i);
	e = history_events(h, &n);
	ck_assert_uint_eq(n, HISTORY_MAX_EVENTS);
	ck_assert(e[0].time == 110 && e[n - 1].time == 100 + HISTORY_MAX_EVENTS + 9);
	ck_assert(history_save(h, NULL) == AR_OK);
	history_close(h);
	/* A file with more events than the cap (written by hand) keeps the newest. */
	strbuf_adds(&big, "{\"format\":1,\"events\":[");
	for (int i = 0; i < 200; i++)
		strbuf_addf(&big, "%s{\"time\":%d,\"event\":\"set\"}", i ? "," : "", i);
	strbuf_adds(&big, "]}");
	unit_write_bytes(hist, big.buf, big.len);
	strbuf_free(&big);
	h = open_locked(NULL);
	e = history_events(h, &n);
	ck_assert_uint_eq(n, HISTORY_MAX_EVENTS);
	ck_assert(e[0].time == 200 - HISTORY_MAX_EVENTS && e[n - 1].time == 199);
	history_close(h);
}
END_TEST

/* Each is ignored with a warning naming the file and why; the history
 * starts empty. */
START_TEST(unusable_files_are_ignored_with_a_warning)
{
	static const struct {
		const char *text, *why;
	} cases[] = {
	        {"{\"format\":1,\"events\":[{\"time\":1,\"event\":\"set\"},{\"ti", "JSON"},
	        {"", "JSON"},
	        {"\x01\x02garbage\xff", "UTF-8"},
	        {"{\"format\":2,\"events\":[]}", "not a history of format 1"},
	        {"{\"format\":1,\"events\":{}}", "not a history of format 1"},
	        {"{\"format\":1,\"events\":[{\"time\":-1,\"event\":\"set\"}]}", "event 0"},
	        {"{\"format\":1,\"events\":[{\"time\":1,\"event\":\"guess\"}]}", "event 0"},
	        {"[1,2,3]", "not a history"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *why = NULL;
		history *h;
		size_t n;
		unit_write_text(hist, cases[i].text);
		h = open_locked(&why);
		ck_assert_msg(why != NULL, "%s", cases[i].text);
		ck_assert_msg(strstr(why, hist) != NULL && strstr(why, "ignored") != NULL, "%s",
		              why);
		ck_assert_msg(strstr(why, cases[i].why) != NULL, "%zu: %s", i, why);
		(void)history_events(h, &n);
		ck_assert_uint_eq(n, 0);
		history_close(h);
		free(why);
	}
}
END_TEST

START_TEST(a_huge_file_is_ignored_with_a_warning)
{
	size_t len = HISTORY_FILE_MAX + 1;
	char *big = malloc(len), *why = NULL;
	history *h;
	size_t n;

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', len);
	big[0] = '{';
	big[len - 1] = '}';
	unit_write_bytes(hist, big, len);
	free(big);
	h = open_locked(&why);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "larger than") != NULL, "%s", why);
	(void)history_events(h, &n);
	ck_assert_uint_eq(n, 0);
	history_close(h);
	free(why);
}
END_TEST

/* A second opener waits for the lock, within its bound, and then gives up
 * with an error (the fix goes on without the history). */
START_TEST(the_lock_keeps_a_second_run_out)
{
	history *h = open_locked(NULL), *h2 = NULL;
	ar_error err = {0};

	ck_assert(history_open(backups, true, &h2, NULL, &err) != AR_OK);
	ck_assert_ptr_null(h2);
	ck_assert_msg(strstr(err.msg, "-history.lock") != NULL, "%s", err.msg);
	history_close(h);
	ck_assert(history_open(backups, true, &h2, NULL, &err) == AR_OK);
	history_close(h2);
}
END_TEST

/* An older version's history: a set an hour ago after a revert two hours
 * ago; the file as that version wrote it (owner-only). */
static void plant_old_history(const char *path)
{
	long long now = (long long)time(NULL);
	char text[256];

	snprintf(text, sizeof(text),
	         "{\"format\":1,\"program\":\"" PROG "\",\"events\":["
	         "{\"time\":%lld,\"event\":\"set\"},{\"time\":%lld,\"event\":\"revert\"},"
	         "{\"time\":%lld,\"event\":\"set\"}]}\n",
	         now - 7200, now - 7100, now - 3600);
	unit_write_text(path, text);
	ck_assert_int_eq(chmod(path, 0600), 0);
}

/* Upgraded from the version that kept the history in the backups folder's
 * parent: the first run that may write moves it in, and the reverts go on
 * counting from there. */
START_TEST(an_older_versions_history_is_taken_over)
{
	history_settings hs;
	ar_result r;
	size_t n;
	const history_event *e;
	history *h;

	history_settings_default(&hs);
	plant_old_history(old_hist);
	unit_write_text(old_lock, ""); /* left by that version's last run */
	unit_write_text(regpath, WITH_0);
	run(&hs, false, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert_msg(r.reverted.present && r.reverted.count == 2, "reverts: %u", r.reverted.count);
	ck_assert(r.reverted.last_set == (long long)time(NULL) - 3600 ||
	          r.reverted.last_set == (long long)time(NULL) - 3601);
	ck_assert_uint_eq(r.warning_count, 1); /* the revert's, nothing about the move */
	result_free(&r);
	ck_assert(!platform_exists(old_hist) && !platform_exists(old_lock));
	h = open_locked(NULL);
	e = history_events(h, &n);
	ck_assert_uint_eq(n, 5); /* set, revert, set, then this run's revert and set */
	ck_assert(e[1].kind == HISTORY_REVERT && e[3].kind == HISTORY_REVERT);
	history_close(h);
}
END_TEST

/* A history in the backups folder is the one: the old one stays where it
 * is, as does it for a run that may not write (--dry-run); the first run
 * that may write without one takes it over. */
START_TEST(a_history_in_the_new_place_wins)
{
	history *h;
	size_t n;
	char *before, *after;

	plant_old_history(old_hist);
	before = unit_read_file(old_hist, NULL);
	unit_write_text(hist, "{\"format\":1,\"events\":[{\"time\":5,\"event\":\"restore\"}]}");
	h = open_locked(NULL);
	ck_assert(history_events(h, &n)[0].kind == HISTORY_RESTORE && n == 1);
	history_close(h);
	ck_assert_int_eq(remove(hist), 0);
	ck_assert_uint_eq(events_saved(), 0); /* without the lock */
	after = unit_read_file(old_hist, NULL);
	ck_assert_str_eq(before, after);
	free(after);
	h = open_locked(NULL);
	(void)history_events(h, &n);
	ck_assert_uint_eq(n, 3);
	history_close(h);
	ck_assert(!platform_exists(old_hist));
	after = unit_read_file(hist, NULL);
	ck_assert_ptr_nonnull(strstr(after, "\"event\":\"revert\""));
	free(after);
	free(before);
}
END_TEST

/* Not a history: left where it is, said so, and the fix goes on with an
 * empty history in the new place. */
START_TEST(an_older_file_not_the_format_is_left_and_warned)
{
	history_settings hs;
	ar_result r;
	char *text;

	history_settings_default(&hs);
	unit_write_text(old_hist, "{\"format\":2,\"events\":[]}");
	ck_assert_int_eq(chmod(old_hist, 0600), 0);
	unit_write_text(regpath, WITH_0);
	run(&hs, false, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert(!r.reverted.present);
	ck_assert_uint_eq(r.warning_count, 1);
	ck_assert_msg(strstr(r.warnings[0], old_hist) != NULL &&
	                      strstr(r.warnings[0], "left where it is") != NULL &&
	                      strstr(r.warnings[0], "not a history of format 1") != NULL,
	              "%s", r.warnings[0]);
	result_free(&r);
	text = unit_read_file(old_hist, NULL);
	ck_assert_str_eq(text, "{\"format\":2,\"events\":[]}");
	free(text);
	ck_assert_uint_eq(events_saved(), 1); /* this run's set */
}
END_TEST

/* A link where the old history was: never followed, left, said so. */
START_TEST(an_older_history_that_is_a_link_is_not_read)
{
	char target[128], *why = NULL;
	history *h;
	size_t n;
	struct stat sb;

	snprintf(target, sizeof(target), "%s/elsewhere.json", dir);
	plant_old_history(target);
	ck_assert_int_eq(symlink(target, old_hist), 0);
	h = open_locked(&why);
	(void)history_events(h, &n);
	ck_assert_uint_eq(n, 0);
	history_close(h);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, old_hist) != NULL && strstr(why, "left where it is") != NULL &&
	                      strstr(why, "not followed") != NULL,
	              "%s", why);
	free(why);
	ck_assert_int_eq(lstat(old_hist, &sb), 0);
	ck_assert(S_ISLNK(sb.st_mode));
	ck_assert(platform_exists(target) && !platform_exists(hist));
}
END_TEST

/* Nor a FIFO (the open would wait for a writer) or a file others could
 * have written. */
START_TEST(an_older_history_not_of_our_own_is_not_read)
{
	static const char *const why_not[] = {"not a regular file", "not the program's own"};

	for (int i = 0; i < 2; i++) {
		char *why = NULL;
		history *h;
		size_t n;

		(void)remove(old_hist);
		if (i == 0) {
			ck_assert_int_eq(mkfifo(old_hist, 0600), 0);
		} else {
			plant_old_history(old_hist);
			ck_assert_int_eq(chmod(old_hist, 0666), 0);
		}
		h = open_locked(&why);
		(void)history_events(h, &n);
		ck_assert_uint_eq(n, 0);
		history_close(h);
		ck_assert_msg(why != NULL && strstr(why, why_not[i]) != NULL, "%d: %s", i,
		              why ? why : "no warning");
		free(why);
		ck_assert(platform_exists(old_hist));
	}
}
END_TEST

/* A simulated Group Policy: the value put back between runs. */
/* The backups folder is checked once, when the history is opened, and used
 * through what was checked: swapped for a link to another folder between
 * the check and the save (as whoever may write the folder above it could),
 * the history still lands in the folder checked, never in the link's
 * target. */
START_TEST(a_folder_swapped_for_a_link_after_the_check_is_not_followed)
{
	char moved[192], target[192], in_target[320], in_moved[320];
	history *h = open_locked(NULL);
	ar_error err = {0};

	snprintf(moved, sizeof(moved), "%s/checked", dir);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	snprintf(in_target, sizeof(in_target), "%s/" PROG "-history.json", target);
	snprintf(in_moved, sizeof(in_moved), "%s/" PROG "-history.json", moved);
	ck_assert_int_eq(mkdir(target, 0755), 0);
	ck_assert_int_eq(rename(backups, moved), 0);
	ck_assert_int_eq(symlink(target, backups), 0);
	history_add(h, HISTORY_SET, 1000);
	ck_assert_msg(history_save(h, &err) == AR_OK, "%s", err.msg);
	history_close(h);
	ck_assert_int_ne(access(in_target, F_OK), 0);
	ck_assert_uint_eq(unit_count_files(target), 0);
	ck_assert_int_eq(access(in_moved, F_OK), 0);
}
END_TEST

START_TEST(reverts_then_contested)
{
	history_settings hs;
	ar_result r;
	char *text;

	history_settings_default(&hs);
	unit_write_text(regpath, WITH_0);
	run(&hs, false, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert(!r.reverted.present);
	ck_assert_uint_eq(r.warning_count, 0);
	result_free(&r);
	for (unsigned i = 1; i <= 4; i++) {
		unit_write_text(regpath, WITH_0);
		run(&hs, false, &r);
		ck_assert(r.reverted.present);
		ck_assert_uint_eq(r.reverted.count, i);
		ck_assert_uint_eq(r.reverted.window_days, 7);
		ck_assert(r.reverted.last_set <= (long long)time(NULL) && r.reverted.last_set > 0);
		ck_assert_int_eq(r.status, i < 3 ? RESULT_REMEDIATED : RESULT_CONTESTED);
		ck_assert_int_eq(result_exit_code(&r), EXIT_COMPLIANT);
		ck_assert(r.have_after && reg_value_is_dword(&r.after, 1));
		ck_assert_ptr_nonnull(r.backup);
		ck_assert(has_warning(&r, "changed back") && has_warning(&r, "Group Policy"));
		ck_assert(i < 3 || has_warning(&r, "contested and was written again"));
		result_free(&r);
	}
	text = unit_read_file(regpath, NULL);
	ck_assert_ptr_nonnull(strstr(text, "dword:00000001"));
	free(text);
	/* set, then (revert, set) four times */
	ck_assert_uint_eq(events_saved(), 9);
	/* Compliant runs leave the history alone. */
	run(&hs, false, &r);
	ck_assert_int_eq(r.status, RESULT_COMPLIANT);
	ck_assert(!r.reverted.present);
	result_free(&r);
	ck_assert_uint_eq(events_saved(), 9);
}
END_TEST

START_TEST(contested_without_writing)
{
	history_settings hs;
	ar_result r;
	char *text;

	history_settings_default(&hs);
	hs.revert_threshold = 2;
	hs.write_when_contested = false;
	for (int i = 0; i < 3; i++) {
		unit_write_text(regpath, WITH_0);
		run(&hs, false, &r);
		ck_assert_int_eq(r.status, i < 2 ? RESULT_REMEDIATED : RESULT_CONTESTED);
		result_free(&r);
	}
	unit_write_text(regpath, WITH_0);
	run(&hs, false, &r);
	ck_assert_int_eq(r.status, RESULT_CONTESTED);
	ck_assert_int_eq(result_exit_code(&r), EXIT_FAILED);
	ck_assert(!r.have_after && r.backup == NULL);
	ck_assert_ptr_nonnull(strstr(r.reason, "not written"));
	ck_assert(has_warning(&r, "was not written again"));
	/* One revert per set: a run that did not write records no new one. */
	ck_assert_uint_eq(r.reverted.count, 2);
	result_free(&r);
	text = unit_read_file(regpath, NULL);
	ck_assert_str_eq(text, WITH_0);
	free(text);
}
END_TEST

/* Reverts older than the window no longer count. */
START_TEST(old_reverts_leave_the_window)
{
	history_settings hs;
	ar_result r;
	long long now = (long long)time(NULL), old = now - 8 * 86400;
	char text[512];

	history_settings_default(&hs);
	snprintf(text, sizeof(text),
	         "{\"format\":1,\"events\":[{\"time\":%lld,\"event\":\"set\"},"
	         "{\"time\":%lld,\"event\":\"revert\"},{\"time\":%lld,\"event\":\"set\"},"
	         "{\"time\":%lld,\"event\":\"revert\"},{\"time\":%lld,\"event\":\"set\"}]}",
	         old, old, old, old, now - 3600);
	unit_write_text(hist, text);
	unit_write_text(regpath, WITH_0);
	run(&hs, false, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert_uint_eq(r.reverted.count, 1);
	ck_assert(r.reverted.last_set == now - 3600);
	result_free(&r);
}
END_TEST

START_TEST(dry_run_counts_but_writes_nothing)
{
	history_settings hs;
	ar_result r;
	char *before, *after;

	history_settings_default(&hs);
	unit_write_text(regpath, WITH_0);
	run(&hs, false, &r);
	result_free(&r);
	unit_write_text(regpath, WITH_0);
	before = unit_read_file(hist, NULL);
	run(&hs, true, &r);
	ck_assert_int_eq(r.status, RESULT_WOULD_REMEDIATE);
	ck_assert(r.reverted.present && r.reverted.count == 1);
	result_free(&r);
	after = unit_read_file(hist, NULL);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(restore_is_not_a_revert)
{
	history_settings hs;
	ar_result r, rr;
	ar_error err = {0};
	registry *reg = NULL;

	history_settings_default(&hs);
	unit_write_text(regpath, WITH_0);
	run(&hs, false, &r);
	ck_assert_ptr_nonnull(r.backup);
	ck_assert(registry_open_file(regpath, &reg, NULL) == AR_OK);
	result_init(&rr);
	ck_assert(remediate_restore(reg, &T, r.backup, backups, &rr, &err) == AR_OK);
	ck_assert_int_eq(rr.status, RESULT_RESTORED);
	registry_close(reg);
	result_free(&rr);
	result_free(&r);
	run(&hs, false, &r); /* the restored 0 is remediated again, no revert */
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert(!r.reverted.present);
	result_free(&r);
}
END_TEST

START_TEST(a_corrupt_history_never_fails_the_fix)
{
	history_settings hs;
	ar_result r;
	char *text;

	history_settings_default(&hs);
	unit_write_text(hist, "{\"format\":1,\"events\":[{\"time\":1,\"ev");
	unit_write_text(regpath, WITH_0);
	run(&hs, false, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert(!r.reverted.present);
	ck_assert(has_warning(&r, "ignored and started anew"));
	result_free(&r);
	text = unit_read_file(hist, NULL); /* replaced by a good one */
	ck_assert_ptr_nonnull(strstr(text, "\"event\":\"set\""));
	free(text);
	/* A history that is a folder: read and save fail, the fix does not. */
	ck_assert_int_eq(remove(hist), 0);
	ck_assert(platform_mkdir_p(hist, NULL) == AR_OK);
	unit_write_text(regpath, WITH_0);
	run(&hs, false, &r);
	ck_assert_int_eq(r.status, RESULT_REMEDIATED);
	ck_assert(has_warning(&r, "history not saved"));
	result_free(&r);
}
END_TEST

START_TEST(compliant_run_touches_no_history)
{
	history_settings hs;
	ar_result r;

	history_settings_default(&hs);
	unit_write_text(regpath, WITH_1);
	run(&hs, false, &r);
	ck_assert_int_eq(r.status, RESULT_COMPLIANT);
	result_free(&r);
	ck_assert(!platform_exists(hist));
}
END_TEST

/* What the log line says of a revert and of the GPO, as the schema has it. */
START_TEST(reverted_and_managed_by_in_the_result)
{
	ar_result r;
	cJSON *root;
	const cJSON *rev, *gpo;
	char *json;

	result_init(&r);
	r.control = &T;
	r.status = RESULT_CONTESTED;
	ck_assert(reg_value_set(&r.before, REGV_DWORD, "\0\0\0\0", 4, NULL) == AR_OK);
	r.have_before = true;
	r.reverted.present = true;
	r.reverted.count = 3;
	r.reverted.window_days = 7;
	r.reverted.last_set = 1795594259; /* 2026-11-25T08:10:59Z */
	r.managed_by = (gpo_evidence){.found = true,
	                              .setting = strdup("4,0"),
	                              .gpo_id = strdup("{5E2B1C7A-3D4F-4E6A-9B8C-0D1E2F3A4B5C}"),
	                              .gpo_name = strdup("Workstation Baseline"),
	                              .template_file = strdup("C:\\gpt00000.inf"),
	                              .templates = 1};
	json = result_to_json(&r);
	ck_assert_ptr_nonnull(json);
	root = cJSON_Parse(json);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "status")->valuestring, "contested");
	rev = cJSON_GetObjectItem(root, "reverted");
	ck_assert_int_eq(cJSON_GetObjectItem(rev, "count")->valueint, 3);
	ck_assert_int_eq(cJSON_GetObjectItem(rev, "window_days")->valueint, 7);
	ck_assert_str_eq(cJSON_GetObjectItem(rev, "last_set")->valuestring, "2026-11-25T08:10:59Z");
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(rev, "found"), "data")->valueint,
	                 0);
	gpo = cJSON_GetObjectItem(root, "managed_by");
	ck_assert_str_eq(cJSON_GetObjectItem(gpo, "source")->valuestring, "group_policy");
	ck_assert_str_eq(cJSON_GetObjectItem(gpo, "gpo_name")->valuestring, "Workstation Baseline");
	ck_assert_str_eq(cJSON_GetObjectItem(gpo, "setting")->valuestring, "4,0");
	ck_assert_str_eq(cJSON_GetObjectItem(gpo, "template")->valuestring, "C:\\gpt00000.inf");
	/* Not written: not compliant when it exits. */
	ck_assert_int_eq(result_exit_code(&r), EXIT_FAILED);
	r.have_after = true;
	ck_assert_int_eq(result_exit_code(&r), EXIT_COMPLIANT);
	cJSON_Delete(root);
	free(json);
	result_free(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, settings_defaults_and_overrides);
	tcase_add_test(tc, settings_errors_name_the_key_and_keep_defaults);
	tcase_add_test(tc, kept_beside_the_backups_and_read_back);
	tcase_add_test(tc, a_missing_folder_is_made);
	tcase_add_test(tc, a_restore_ends_the_watch);
	tcase_add_test(tc, capped_newest_kept);
	tcase_add_test(tc, unusable_files_are_ignored_with_a_warning);
	tcase_add_test(tc, a_huge_file_is_ignored_with_a_warning);
	tcase_add_test(tc, the_lock_keeps_a_second_run_out);
	tcase_add_test(tc, an_older_versions_history_is_taken_over);
	tcase_add_test(tc, a_history_in_the_new_place_wins);
	tcase_add_test(tc, an_older_file_not_the_format_is_left_and_warned);
	tcase_add_test(tc, an_older_history_that_is_a_link_is_not_read);
	tcase_add_test(tc, an_older_history_not_of_our_own_is_not_read);
	tcase_add_test(tc, a_folder_swapped_for_a_link_after_the_check_is_not_followed);
	tcase_add_test(tc, reverts_then_contested);
	tcase_add_test(tc, contested_without_writing);
	tcase_add_test(tc, old_reverts_leave_the_window);
	tcase_add_test(tc, dry_run_counts_but_writes_nothing);
	tcase_add_test(tc, restore_is_not_a_revert);
	tcase_add_test(tc, a_corrupt_history_never_fails_the_fix);
	tcase_add_test(tc, compliant_run_touches_no_history);
	tcase_add_test(tc, reverted_and_managed_by_in_the_result);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
