#include "remediate.h"

#include "platform/platform.h"
#include "registry/regfile.h"
#include "util/dword.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A backup is a few hundred bytes; a restore file much larger is not one. */
#define RESTORE_FILE_MAX (1024u * 1024u)

/* The most backups restore-last reads, from the newest, to find its own. */
#define RESTORE_LAST_TRIES 64u

static bool reg_value_equal(const reg_value *a, const reg_value *b)
{
	if (!a->exists || !b->exists)
		return a->exists == b->exists;
	return a->type == b->type && a->len == b->len &&
	       (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* The backup's file name, unique: the value, the time, the process and
 * random bytes. Caller frees. */
static char *backup_name(const char *value_name, ar_error *err)
{
	unsigned char rnd[4] = {0};
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strbuf sb = {0};
	char *name;

	/* gmtime keeps names sortable across time zone changes. */
	tm = *gmtime(&now);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	(void)platform_random(rnd, sizeof(rnd), NULL);
	strbuf_addf(&sb, "%s-%s-%lu-%02x%02x%02x%02x.reg", value_name, stamp, platform_pid(),
	            rnd[0], rnd[1], rnd[2], rnd[3]);
	if ((name = strbuf_take(&sb, NULL)) == NULL)
		ar_error_set(err, AR_E_NOMEM, "out of memory");
	return name;
}

/* The backup's bytes: a .reg file in UTF-16LE, as regedit exports, that
 * holds the value as it was. */
static ar_status backup_bytes(const sca_control *t, const reg_value *state, unsigned char **bytes,
                              size_t *len, ar_error *err)
{
	char *line = regfile_value_line(t->value_name, state, "\r\n");
	strbuf sb = {0};
	size_t tlen = 0;
	char *text;
	regfile *rf = NULL;
	ar_status st;

	strbuf_addf(&sb, "Windows Registry Editor Version 5.00\r\n\r\n[%s]\r\n%s\r\n\r\n",
	            t->registry_key, line ? line : "");
	text = strbuf_take(&sb, &tlen);
	/* Parsing our own output proves the backup is a valid .reg file. */
	st = line == NULL || text == NULL
	             ? ar_error_set(err, AR_E_NOMEM, "out of memory")
	             : regfile_parse((const unsigned char *)text, tlen, &rf, err);
	if (st == AR_OK) {
		rf->encoding = REGFILE_UTF16LE;
		st = regfile_encode(rf, bytes, len, err);
	}
	regfile_free(rf);
	free(text);
	free(line);
	return st;
}

/* Writes the backup into the backups folder, checked once and then used
 * through what was checked: open, the folder the run already holds (the
 * history's, under its lock), else opened here; *path receives the file's
 * name, in a form valid from any folder (the log names it). */
static ar_status write_in_private_dir(const char *backup_dir, platform_dir *open, const char *name,
                                      const unsigned char *bytes, size_t len, char **path,
                                      ar_error *err)
{
	platform_dir *d = NULL;
	char *joined;
	ar_status st = open != NULL ? AR_OK : platform_dir_open_private(backup_dir, &d, err);

	if (st == AR_OK)
		st = platform_dir_write(open != NULL ? open : d, name, bytes, len, true, err);
	platform_dir_close(d);
	if (st == AR_OK && (joined = path_join(backup_dir, name)) != NULL) {
		*path = platform_abspath(joined);
		free(joined);
	}
	if (st == AR_OK && *path == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	return st;
}

/* Writes a .reg file (UTF-16LE, as Windows exports) that restores `state`
 * exactly; *path receives the file's name. */
static ar_status remediate_write_backup(const sca_control *t, const reg_value *state,
                                        const char *backup_dir, platform_dir *open, char **path,
                                        ar_error *err)
{
	unsigned char *bytes = NULL;
	size_t len = 0;
	char *name = NULL;
	ar_status st;

	*path = NULL;
	st = backup_bytes(t, state, &bytes, &len, err);
	if (st == AR_OK && (name = backup_name(t->value_name, err)) == NULL)
		st = AR_E_NOMEM;
	if (st == AR_OK)
		st = write_in_private_dir(backup_dir, open, name, bytes, len, path, err);
	if (st != AR_OK) {
		free(*path);
		*path = NULL;
	}
	free(name);
	free(bytes);
	return st;
}

static bool copy_value(reg_value *dst, const reg_value *src)
{
	if (src->exists && reg_value_set(dst, src->type, src->data, src->len, NULL) != AR_OK)
		return false;
	dst->exists = src->exists;
	dst->key_exists = src->key_exists;
	return true;
}

/* Writes desired (or removes the value when !desired->exists) after a
 * backup of r->before (in open, when the run holds the backups folder
 * open), then reads back into r->after. */
static void change_and_verify(registry *reg, const sca_control *t, const reg_value *desired,
                              const char *backup_dir, platform_dir *open, ar_result *r)
{
	ar_error err = {0};
	ar_status st;

	st = remediate_write_backup(t, &r->before, backup_dir, open, &r->backup, &err);
	if (st != AR_OK) {
		result_set_error(r, RESULT_FAILED, "no change made: cannot write the backup: %s",
		                 err.msg);
		return;
	}
	if (desired->exists)
		st = registry_write(reg, t->registry_key, t->value_name, desired, &err);
	else
		st = registry_remove(reg, t->registry_key, t->value_name, &err);
	if (st != AR_OK) {
		result_set_error(r, RESULT_FAILED, "write failed: %s", err.msg);
		return;
	}
	st = registry_read(reg, t->registry_key, t->value_name, &r->after, &err);
	if (st != AR_OK) {
		result_set_error(r, RESULT_FAILED, "read-back failed: %s", err.msg);
		return;
	}
	r->have_after = true;
	if (!reg_value_equal(&r->after, desired)) {
		result_set_error(r, RESULT_FAILED, "read-back differs from what was written");
		return;
	}
	r->status = RESULT_REMEDIATED;
}

static bool read_before(registry *reg, const sca_control *t, ar_result *r)
{
	ar_error err = {0};

	if (registry_read(reg, t->registry_key, t->value_name, &r->before, &err) != AR_OK) {
		result_set_error(r, RESULT_FAILED, "cannot read %s\\%s: %s", t->registry_key,
		                 t->value_name, err.msg);
		return false;
	}
	r->have_before = true;
	return true;
}

static void apply(registry *reg, const sca_control *t, bool dry_run, const char *backup_dir,
                  platform_dir *open, ar_result *r)
{
	unsigned char le[4];
	reg_value desired = {
	        .key_exists = true, .exists = true, .type = REGV_DWORD, .data = le, .len = 4};

	dword_pack(t->dword, le);
	if (!read_before(reg, t, r))
		return;
	if (reg_value_is_dword(&r->before, t->dword)) {
		/* Already right: nothing is written, not even a backup. */
		r->status = RESULT_COMPLIANT;
		r->have_after = copy_value(&r->after, &r->before);
		return;
	}
	if (dry_run) {
		r->status = RESULT_WOULD_REMEDIATE;
		return;
	}
	change_and_verify(reg, t, &desired, backup_dir, open, r);
}

void remediate_apply(registry *reg, const sca_control *t, bool dry_run, const char *backup_dir,
                     ar_result *r)
{
	apply(reg, t, dry_run, backup_dir, NULL, r);
}

/* The GPO as a person would name it. */
static const char *gpo_label(const gpo_evidence *e)
{
	return e->gpo_name ? e->gpo_name : e->gpo_id ? e->gpo_id : "(a GPO without a name)";
}

static history *open_history(const char *backup_dir, bool lock, ar_result *r)
{
	history *h = NULL;
	char *why = NULL;
	ar_error err = {0};

	if (history_open(backup_dir, lock, &h, &why, &err) != AR_OK)
		result_add_warning(r, "history not used this run: %s", err.msg);
	if (why != NULL)
		result_add_warning(r, "%s", why);
	free(why);
	return h;
}

/* A value this program set, found changed again: a revert (recorded once
 * per set, and only by a run that may write). */
static void note_revert(history *h, const history_settings *hs, ar_result *r)
{
	long long now = (long long)time(NULL), last_set = 0;
	bool armed;

	if (h == NULL || !history_last_set(h, &last_set))
		return;
	armed = history_armed(h);
	if (armed && !r->dry_run)
		history_add(h, HISTORY_REVERT, now);
	r->reverted.present = true;
	r->reverted.last_set = last_set;
	r->reverted.window_days = hs->revert_window_days;
	r->reverted.count = history_reverts_since(h, now - 86400LL * hs->revert_window_days) +
	                    (armed && r->dry_run);
}

static bool contested(const ar_result *r, const history_settings *hs)
{
	return r->reverted.present && r->reverted.count >= hs->revert_threshold;
}

/* What most likely changes the value back. Its fields are already cut
 * (gpo_find): the text is bounded, and whole, with no buffer to cut it. */
static char *suspect(const gpo_evidence *e)
{
	strbuf sb = {0};

	if (e->found)
		strbuf_addf(&sb, "Group Policy \"%s\" (its security template sets %s)",
		            gpo_label(e), e->setting);
	else
		strbuf_adds(&sb, "a domain Group Policy's Security Options");
	return strbuf_take(&sb, NULL);
}

/* One sentence: what this most likely is, and what to do. */
static void warn_revert(const sca_control *c, const history_settings *hs, ar_result *r)
{
	char *who = suspect(&r->managed_by), when[32];
	time_t t = (time_t)r->reverted.last_set;
	const char *verdict = !contested(r, hs)          ? ""
	                      : hs->write_when_contested ? "it is contested and was written again "
	                                                   "to keep the hardening; "
	                                                 : "it is contested and was not written "
	                                                   "again; ";

	if (who == NULL)
		return;
	if (!r->reverted.present && r->managed_by.found)
		result_add_warning(r,
		                   "%s manages %s: it will most likely change it back at its next "
		                   "refresh; fix that GPO or exempt this host from the check",
		                   who, c->value_name);
	if (r->reverted.present) {
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		result_add_warning(
		        r,
		        "%s was changed back %u time%s in %u days after this program set "
		        "it (last on %s), most likely by %s: %sfix that GPO or exempt "
		        "this host from the check",
		        c->value_name, r->reverted.count, r->reverted.count == 1 ? "" : "s",
		        r->reverted.window_days, when, who, verdict);
	}
	free(who);
}

static void save_history(history *h, ar_result *r)
{
	ar_error err = {0};

	if (h != NULL && history_save(h, &err) != AR_OK)
		result_add_warning(r, "history not saved: %s", err.msg);
}

/* A restore puts back what a backup held, on purpose: from then on the
 * value is no longer this program's to watch. */
static void note_restore(const char *backup_dir, ar_result *r)
{
	history *h = open_history(backup_dir, true, r);

	if (h != NULL) {
		history_add(h, HISTORY_RESTORE, (long long)time(NULL));
		save_history(h, r);
	}
	history_close(h);
}

/* Forgets what a look read, before the next one. */
static void forget_values(ar_result *r)
{
	reg_value_free(&r->before);
	reg_value_free(&r->after);
	r->have_before = r->have_after = false;
}

/* Writes the compliant value, unless it is contested and the history's
 * settings say to leave it; a write is recorded in the history. */
static void write_tracked(registry *reg, const sca_control *t, const char *backup_dir,
                          const history_settings *hs, history *h, ar_result *r)
{
	if (contested(r, hs) && !hs->write_when_contested) {
		result_set_reason(r, RESULT_CONTESTED,
		                  "not written: changed back %u times in %u days "
		                  "(history.write_when_contested is false)",
		                  r->reverted.count, r->reverted.window_days);
		return;
	}
	forget_values(r);
	/* The backup goes through the folder the history holds, locked. */
	apply(reg, t, false, backup_dir, h != NULL ? history_folder(h) : NULL, r);
	if (r->status == RESULT_REMEDIATED && h != NULL)
		history_add(h, HISTORY_SET, (long long)time(NULL));
	if (r->status == RESULT_REMEDIATED && contested(r, hs))
		r->status = RESULT_CONTESTED;
}

void remediate_apply_tracked(registry *reg, const sca_control *t, const char *backup_dir,
                             const history_settings *hs, ar_result *r)
{
	bool dry_run = r->dry_run;
	history *h;

	/* A look first, without the lock: a compliant run costs no more. */
	remediate_apply(reg, t, true, backup_dir, r);
	if (r->status != RESULT_WOULD_REMEDIATE)
		return;
	(void)gpo_find(reg, t->registry_key, t->value_name, &r->managed_by);
	h = open_history(backup_dir, !dry_run, r);
	if (!dry_run && h != NULL) {
		/* Under the lock, again: another run may have fixed it meanwhile. */
		forget_values(r);
		remediate_apply(reg, t, true, backup_dir, r);
	}
	if (r->status == RESULT_WOULD_REMEDIATE) {
		note_revert(h, hs, r);
		warn_revert(t, hs, r);
	}
	if (!dry_run && r->status == RESULT_WOULD_REMEDIATE) {
		write_tracked(reg, t, backup_dir, hs, h, r);
		save_history(h, r);
	}
	history_close(h);
}

/* Only the target value of the target key may appear in a restore file:
 * a backup never holds more, and this program changes nothing else. */
static ar_status check_restore_file(const regfile *rf, const sca_control *t, ar_error *err)
{
	size_t values = 0;

	for (size_t i = 0; i < rf->count; i++) {
		const regfile_entry *e = &rf->entries[i];
		bool ok = registry_key_equal(e->key, t->registry_key) &&
		          e->kind != REGFILE_KEY_DELETE &&
		          (e->kind == REGFILE_KEY || text_equal_ci(e->name, t->value_name));
		if (!ok)
			return ar_error_set(err, AR_E_INVALID,
			                    "line %zu: a restore file may only set \"%s\" in [%s]",
			                    e->line, t->value_name, t->registry_key);
		values += (e->kind != REGFILE_KEY);
	}
	if (values == 0)
		return ar_error_set(err, AR_E_INVALID, "the file sets nothing to restore");
	return AR_OK;
}

/* The state a restore file's bytes hold for t's value, checked to be no
 * more than that. */
static ar_status restore_state(const unsigned char *bytes, size_t len, const sca_control *t,
                               reg_value *state, ar_error *err)
{
	regfile *rf = NULL;
	ar_status st = regfile_parse(bytes, len, &rf, err);

	if (st == AR_OK)
		st = check_restore_file(rf, t, err);
	if (st == AR_OK)
		st = regfile_get(rf, t->registry_key, t->value_name, state, err);
	regfile_free(rf);
	return st;
}

/* Reads the restore file at path with read (platform_read_file for a file a
 * person names, platform_read_own_file for a backup of the program's own)
 * into *state; a failure sets r and names the file. */
static bool read_restore_file(const char *path, const sca_control *t,
                              ar_status (*read)(const char *, size_t, unsigned char **, size_t *,
                                                ar_error *),
                              reg_value *state, ar_result *r, ar_error *err)
{
	unsigned char *bytes = NULL;
	size_t len = 0;
	ar_status st = read(path, RESTORE_FILE_MAX, &bytes, &len, err);

	if (st == AR_OK)
		st = restore_state(bytes, len, t, state, err);
	free(bytes);
	if (st != AR_OK) {
		ar_error_prefix(err, st, "%s", path);
		result_set_error(r, result_status_for(st), "%s", err->msg);
	}
	return st == AR_OK;
}

/* Puts desired back: restored (written after a backup, or already so),
 * would_restore on a dry run that would write, failed. A restore, written
 * or found already done, is noted in the history (not on a dry run): from
 * then on the value is no longer this program's to watch. */
static void put_back(registry *reg, const sca_control *t, const reg_value *desired,
                     const char *backup_dir, ar_result *r)
{
	if (!read_before(reg, t, r))
		return;
	if (reg_value_equal(&r->before, desired)) {
		result_set_reason(r, RESULT_RESTORED,
		                  "nothing %s: %s already holds what the backup "
		                  "holds",
		                  r->dry_run ? "to write" : "written", t->value_name);
		r->have_after = copy_value(&r->after, &r->before);
	} else if (r->dry_run) {
		r->status = RESULT_WOULD_RESTORE;
		return;
	} else {
		change_and_verify(reg, t, desired, backup_dir, NULL, r);
		if (r->status != RESULT_REMEDIATED)
			return;
		r->status = RESULT_RESTORED;
	}
	if (!r->dry_run)
		note_restore(backup_dir, r);
}

ar_status remediate_restore(registry *reg, const sca_control *t, const char *file,
                            const char *backup_dir, ar_result *r, ar_error *err)
{
	reg_value desired = {0};
	bool ok = read_restore_file(file, t, platform_read_file, &desired, r, err);

	if (ok) {
		r->restored_from = platform_abspath(file);
		put_back(reg, t, &desired, backup_dir, r);
	}
	reg_value_free(&desired);
	if (ok)
		return AR_OK;
	/* Not a backup of this program's: the input's fault. */
	return r->status == RESULT_INVALID_INPUT ? AR_E_INVALID : err->status;
}

/* "<value>-YYYYMMDDTHHMMSSZ-...": a backup's name (backup_name), whose
 * time stamp orders the backups by when they were written. */
static bool is_backup_name(const char *name, const char *value_name)
{
	static const char shape[] = "ddddddddTddddddZ-";
	size_t n = strlen(value_name);

	if (strncmp(name, value_name, n) != 0 || name[n] != '-')
		return false;
	name += n + 1;
	for (size_t i = 0; shape[i] != '\0'; i++) {
		bool ok = shape[i] == 'd' ? name[i] >= '0' && name[i] <= '9' : name[i] == shape[i];
		if (!ok)
			return false;
	}
	return true;
}

/* The newest backup whose state is not the compliant value: the one the
 * program's last change wrote (a restore's own backup holds the value it
 * undid, the compliant one, and is passed over). Read from the private
 * backups folder, never through a link. */
static bool last_change_backup(const sca_control *t, const char *backup_dir, char **path,
                               reg_value *state, ar_result *r)
{
	char **names = NULL;
	size_t count = 0, tried = 0;
	ar_error err = {0};
	bool found = false;

	if (platform_exists(backup_dir) &&
	    platform_list_dir(backup_dir, ".reg", &names, &count, &err) != AR_OK) {
		result_set_error(r, RESULT_FAILED, "cannot list the backups: %s", err.msg);
		return false;
	}
	for (size_t i = count;
	     i-- > 0 && !found && tried < RESTORE_LAST_TRIES && r->error == NULL;) {
		if (!is_backup_name(names[i], t->value_name))
			continue;
		tried++;
		if ((*path = path_join(backup_dir, names[i])) == NULL) {
			result_set_error(r, RESULT_FAILED, "out of memory");
		} else if (read_restore_file(*path, t, platform_read_own_file, state, r, &err)) {
			found = !reg_value_is_dword(state, t->dword);
		}
		if (!found) {
			reg_value_free(state);
			free(*path);
			*path = NULL;
		}
	}
	platform_free_list(names, count);
	if (!found && r->error == NULL)
		result_set_error(
		        r, RESULT_FAILED,
		        "no backup of a change by this program in %s (the newest %zu looked "
		        "at): nothing to restore",
		        backup_dir, tried);
	return found;
}

void remediate_restore_last(registry *reg, const sca_control *t, const char *backup_dir,
                            ar_result *r)
{
	reg_value state = {0};
	char *path = NULL;

	if (last_change_backup(t, backup_dir, &path, &state, r)) {
		r->restored_from = platform_abspath(path);
		put_back(reg, t, &state, backup_dir, r);
	}
	/* A backup that cannot be read is the program's own failing. */
	if (r->status == RESULT_INVALID_INPUT)
		r->status = RESULT_FAILED;
	reg_value_free(&state);
	free(path);
}
