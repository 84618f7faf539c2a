/* The change itself: read, compare, back up, write, read back. Works on any
 * registry backend and records everything it saw in an ar_result. */
#ifndef REMEDIATE_H
#define REMEDIATE_H

#include "history.h"
#include "registry/registry.h"
#include "result.h"
#include "sca_match.h"

#include <stdbool.h>

/* Brings the value to REG_DWORD t->dword unless it is already so. Sets
 * r->status to compliant, would_remediate (dry_run), remediated or failed,
 * and r->before/after/backup. A backup is written to backup_dir before any
 * write; no backup, no write. */
void remediate_apply(registry *reg, const sca_control *t, bool dry_run, const char *backup_dir,
                     ar_result *r);

/* remediate_apply, remembering across runs (history.h): a value this
 * program set and finds changed again is a revert (r->reverted and a
 * warning); with hs->revert_threshold reverts within hs->revert_window_days
 * the status is contested, and the value is written again only when
 * hs->write_when_contested. Before writing it looks for a domain Group
 * Policy that sets the value (r->managed_by; live registries only). A
 * history that cannot be used is a warning, never a failure. Writes
 * nothing when r->dry_run. */
void remediate_apply_tracked(registry *reg, const sca_control *t, const char *backup_dir,
                             const history_settings *hs, ar_result *r);

/* Applies a backup file made by remediate_apply (or any .reg file that sets
 * or removes only t's value): backs up the current state first, then
 * writes, then reads back, and notes the restore in the history. Status
 * restored (also when the value already holds the file's state: nothing is
 * written then, r->reason says so), would_restore when r->dry_run and it
 * would write (nothing written), or failed. r->restored_from names the
 * file. Returns AR_E_INVALID for a file that is not such a backup (nothing
 * written; invalid_input); r says the rest. */
ar_status remediate_restore(registry *reg, const sca_control *t, const char *file,
                            const char *backup_dir, ar_result *r, ar_error *err);

/* remediate_restore with the backup of the program's last change: the
 * newest backup in backup_dir (by the time in its name) whose state is not
 * the compliant value, read without following a link. None, or one that
 * cannot be read: failed, r->error saying why, nothing written. */
void remediate_restore_last(registry *reg, const sca_control *t, const char *backup_dir,
                            ar_result *r);

#endif
