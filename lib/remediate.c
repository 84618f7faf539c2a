#include "remediate.h"

#include "platform/platform.h"
#include "registry/regfile.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A backup is a few hundred bytes; a restore file much larger is not one. */
#define RESTORE_FILE_MAX (1024u * 1024u)

bool reg_value_equal(const reg_value *a, const reg_value *b)
{
	if (!a->exists || !b->exists)
		return a->exists == b->exists;
	return a->type == b->type && a->len == b->len &&
	       (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static char *backup_name(const char *dir, const char *value_name, ar_error *err)
{
	unsigned char rnd[4] = {0};
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strbuf sb = {0};
	char *path;

	/* gmtime keeps names sortable across time zone changes. */
	tm = *gmtime(&now);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	(void)platform_random(rnd, sizeof(rnd), NULL);
	strbuf_addf(&sb, "%s%c%s-%s-%lu-%02x%02x%02x%02x.reg", dir, platform_dir_sep(), value_name,
	            stamp, platform_pid(), rnd[0], rnd[1], rnd[2], rnd[3]);
	path = strbuf_take(&sb, NULL);
	if (path == NULL)
		ar_error_set(err, AR_E_NOMEM, "out of memory");
	return path;
}

ar_status remediate_write_backup(const remediate_target *t, const reg_value *state,
                                 const char *backup_dir, char **path, ar_error *err)
{
	char *line = regfile_value_line(t->value_name, state, "\r\n");
	strbuf sb = {0};
	char *text = NULL;
	size_t len = 0;
	regfile *rf = NULL;
	unsigned char *bytes = NULL;
	size_t blen = 0;
	ar_status st = AR_OK;

	*path = NULL;
	strbuf_addf(&sb, "Windows Registry Editor Version 5.00\r\n\r\n[%s]\r\n%s\r\n\r\n", t->key,
	            line ? line : "");
	text = strbuf_take(&sb, &len);
	if (line == NULL || text == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	/* Parsing our own output proves the backup is a valid .reg file. */
	st = regfile_parse((const unsigned char *)text, len, &rf, err);
	if (st != AR_OK)
		goto out;
	rf->encoding = REGFILE_UTF16LE;
	st = regfile_encode(rf, &bytes, &blen, err);
	if (st == AR_OK)
		st = platform_mkdir_p(backup_dir, err);
	if (st == AR_OK && (*path = backup_name(backup_dir, t->value_name, err)) == NULL)
		st = AR_E_NOMEM;
	if (st == AR_OK)
		st = platform_write_file_atomic(*path, bytes, blen, true, err);
	if (st == AR_OK) {
		/* The log names the backup in a form valid from any folder. */
		char *abs = platform_abspath(*path);
		if (abs != NULL) {
			free(*path);
			*path = abs;
		}
	}
	if (st != AR_OK) {
		free(*path);
		*path = NULL;
	}
out:
	free(line);
	free(text);
	free(bytes);
	regfile_free(rf);
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
 * backup of r->before, then reads back into r->after. */
static void change_and_verify(registry *reg, const remediate_target *t, const reg_value *desired,
                              const char *backup_dir, ar_result *r)
{
	ar_error err = {0};
	ar_status st;

	st = remediate_write_backup(t, &r->before, backup_dir, &r->backup, &err);
	if (st != AR_OK) {
		result_set_error(r, RESULT_FAILED, "no change made: cannot write the backup: %s",
		                 err.msg);
		return;
	}
	if (desired->exists)
		st = registry_write(reg, t->key, t->value_name, desired, &err);
	else
		st = registry_remove(reg, t->key, t->value_name, &err);
	if (st != AR_OK) {
		result_set_error(r, RESULT_FAILED, "write failed: %s", err.msg);
		return;
	}
	st = registry_read(reg, t->key, t->value_name, &r->after, &err);
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

static bool read_before(registry *reg, const remediate_target *t, ar_result *r)
{
	ar_error err = {0};

	if (registry_read(reg, t->key, t->value_name, &r->before, &err) != AR_OK) {
		result_set_error(r, RESULT_FAILED, "cannot read %s\\%s: %s", t->key, t->value_name,
		                 err.msg);
		return false;
	}
	r->have_before = true;
	return true;
}

void remediate_apply(registry *reg, const remediate_target *t, bool dry_run, const char *backup_dir,
                     ar_result *r)
{
	unsigned char le[4] = {
	        (unsigned char)(t->dword & 0xFF), (unsigned char)((t->dword >> 8) & 0xFF),
	        (unsigned char)((t->dword >> 16) & 0xFF), (unsigned char)((t->dword >> 24) & 0xFF)};
	reg_value desired = {
	        .key_exists = true, .exists = true, .type = REGV_DWORD, .data = le, .len = 4};

	r->registry_path = t->key;
	r->value_name = t->value_name;
	r->dry_run = dry_run;
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
	change_and_verify(reg, t, &desired, backup_dir, r);
}

static bool name_equal_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	}
	return *a == *b;
}

/* Only the target value of the target key may appear in a restore file:
 * a backup never holds more, and this program changes nothing else. */
static ar_status check_restore_file(const regfile *rf, const remediate_target *t, ar_error *err)
{
	size_t values = 0;

	for (size_t i = 0; i < rf->count; i++) {
		const regfile_entry *e = &rf->entries[i];
		bool ok = registry_key_equal(e->key, t->key) && e->kind != REGFILE_KEY_DELETE &&
		          (e->kind == REGFILE_KEY || name_equal_ci(e->name, t->value_name));
		if (!ok)
			return ar_error_set(err, AR_E_INVALID,
			                    "line %zu: a restore file may only set \"%s\" in [%s]",
			                    e->line, t->value_name, t->key);
		values += (e->kind != REGFILE_KEY);
	}
	if (values == 0)
		return ar_error_set(err, AR_E_INVALID, "the file sets nothing to restore");
	return AR_OK;
}

ar_status remediate_restore(registry *reg, const remediate_target *t, const char *file,
                            const char *backup_dir, ar_result *r, ar_error *err)
{
	unsigned char *bytes = NULL;
	size_t len = 0;
	regfile *rf = NULL;
	reg_value desired = {0};
	ar_status st;

	r->registry_path = t->key;
	r->value_name = t->value_name;
	st = platform_read_file(file, RESTORE_FILE_MAX, &bytes, &len, err);
	if (st == AR_OK)
		st = regfile_parse(bytes, len, &rf, err);
	if (st == AR_OK)
		st = check_restore_file(rf, t, err);
	if (st == AR_OK)
		st = regfile_get(rf, t->key, t->value_name, &desired, err);
	if (st != AR_OK) {
		ar_error_prefix(err, st, "%s", file);
		if (st != AR_E_NOMEM && st != AR_E_IO && st != AR_E_ACCESS)
			st = AR_E_INVALID;
		result_set_error(r, st == AR_E_INVALID ? RESULT_INVALID_INPUT : RESULT_FAILED, "%s",
		                 err->msg);
		goto out;
	}
	if (!read_before(reg, t, r))
		goto out;
	if (reg_value_equal(&r->before, &desired)) {
		r->status = RESULT_COMPLIANT;
		r->have_after = copy_value(&r->after, &r->before);
		goto out;
	}
	change_and_verify(reg, t, &desired, backup_dir, r);
out:
	reg_value_free(&desired);
	regfile_free(rf);
	free(bytes);
	return st;
}
