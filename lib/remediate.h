/* The change itself: read, compare, back up, write, read back. Works on any
 * registry backend and records everything it saw in an ar_result. */
#ifndef REMEDIATE_H
#define REMEDIATE_H

#include "registry/registry.h"
#include "result.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct remediate_target {
	const char *key; /* full path */
	const char *value_name;
	uint32_t dword; /* the compliant REG_DWORD data */
} remediate_target;

/* Brings the value to REG_DWORD t->dword unless it is already so. Sets
 * r->status to compliant, would_remediate (dry_run), remediated or failed,
 * and r->before/after/backup. A backup is written to backup_dir before any
 * write; no backup, no write. */
void remediate_apply(registry *reg, const remediate_target *t, bool dry_run, const char *backup_dir,
                     ar_result *r);

/* Applies a backup file made by remediate_apply (or any .reg file that sets
 * or removes only t's value): backs up the current state first, then
 * writes, then reads back. Returns AR_E_INVALID for a file that is not such
 * a backup (nothing written); r says the rest. */
ar_status remediate_restore(registry *reg, const remediate_target *t, const char *file,
                            const char *backup_dir, ar_result *r, ar_error *err);

/* Writes a .reg file (UTF-16LE, as Windows exports) that restores `state`
 * exactly; *path receives the file's name. */
ar_status remediate_write_backup(const remediate_target *t, const reg_value *state,
                                 const char *backup_dir, char **path, ar_error *err);

bool reg_value_equal(const reg_value *a, const reg_value *b);

#endif
