/* The primitives each system provides (platform_posix.c, platform_win32.c)
 * and platform.c builds the portable half of platform.h on. Only the
 * platform layer includes this. Errors name the path they concern.
 *
 * Files are reached through a folder already open (sys_dir): on POSIX by
 * name relative to its descriptor (openat, renameat, unlinkat, fstatat),
 * so that the folder judged is the one used, whatever is renamed or
 * linked meanwhile. Windows has no such call in its documented API: there
 * the folder's handle is held open without FILE_SHARE_DELETE, so that no
 * one can rename, remove or replace it (nor a folder above it) while it is
 * used, and each file is opened by its full name, a link refused. Every
 * *_at primitive takes both: name, inside d, and path, the full name for
 * messages (and for the system call on Windows). */
#ifndef PLATFORM_SYS_H
#define PLATFORM_SYS_H

#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An open file: a descriptor on POSIX, a HANDLE on Windows. */
typedef intptr_t sys_file;

/* An open folder, likewise. */
typedef intptr_t sys_dir;

/* How sys_dir_open opens a folder. */
enum {
	SYS_DIR_NO_LINK = 1,  /* a link at path itself is refused */
	SYS_DIR_RESTRICT = 2, /* to be made owner-only (sys_dir_restrict) */
};

/* Opens the folder at path (flags: SYS_DIR_*). */
ar_status sys_dir_open(const char *path, int flags, sys_dir *d, ar_error *err);

/* Makes the open folder owner-only; one another user owns is refused. */
ar_status sys_dir_restrict(sys_dir d, const char *path, ar_error *err);

/* Whether a user other than the program's own may put files in the
 * folder (POSIX: another owner who may write it, or a group or the world
 * that may). Files found in such a folder must be the program's own. */
bool sys_dir_shared(sys_dir d);

void sys_dir_close(sys_dir d);

/* What a file is opened for by sys_open_at. */
typedef enum sys_how {
	SYS_READ,     /* an existing file, through a link at name too */
	SYS_READ_OWN, /* an existing file of the program's own: no link, and
	               * on POSIX no one else may write it */
	SYS_LOCK,     /* created owner-only when missing; no link */
	SYS_CHECK,    /* an existing file only looked at: no link */
} sys_how;

/* Opens name in d without waiting (a FIFO's open would wait for a writer,
 * a device's may) and refuses anything but a regular file, naming it; in a
 * shared folder (own_only) only one of the program's own account. */
ar_status sys_open_at(sys_dir d, const char *name, const char *path, sys_how how, bool own_only,
                      sys_file *f, ar_error *err);

/* Reads at most cap bytes; *got is 0 at the end of the file. */
ar_status sys_read(sys_file f, const char *path, void *buf, size_t cap, size_t *got, ar_error *err);

/* Takes an exclusive lock without waiting: *held is false when another
 * process has it. */
ar_status sys_lock_nowait(sys_file f, const char *path, bool *held, ar_error *err);

void sys_close(sys_file f);

/* Appends one line with one write (created when missing, never through a
 * link, only to a regular file: as sys_open_at). */
ar_status sys_append_at(sys_dir d, const char *name, const char *path, const char *line, size_t len,
                        bool own_only, ar_error *err);

/* Creates name in d (it must not exist), writes data and flushes it to
 * disk. The file gets the program's own permissions, never those of a
 * file it replaces: owner-only when private_file (0600, or on Windows the
 * ACL of the program's private folders), otherwise readable by all and
 * writable by its owner (0644; on Windows what the folder passes on). */
ar_status sys_write_new_at(sys_dir d, const char *name, const char *path, const void *data,
                           size_t len, bool private_file, ar_error *err);

/* Renames from over to, both in d, durably. */
ar_status sys_replace_at(sys_dir d, const char *from, const char *from_path, const char *to,
                         const char *to_path, ar_error *err);

/* Removes name from d; a missing file is not an error. */
ar_status sys_remove_at(sys_dir d, const char *name, const char *path, ar_error *err);

/* Whether name exists in d (any kind; a link is not followed). */
bool sys_exists_at(sys_dir d, const char *name, const char *path);

/* Creates one folder, owner-only; one that exists already (or a drive) is
 * fine. */
ar_status sys_mkdir(const char *path, ar_error *err);

/* Calls each(ctx, name) for every entry of d (at path) that is not a
 * folder, in the order the system gives, until it returns other than
 * AR_OK. */
typedef ar_status (*sys_each_name)(void *ctx, const char *name, ar_error *err);
ar_status sys_list(sys_dir d, const char *path, sys_each_name each, void *ctx, ar_error *err);

/* The running executable's full path, from the system (Linux's
 * /proc/self/exe, Windows' GetModuleFileNameW), not from argv[0]. */
ar_status sys_exe_path(char **out, ar_error *err);

#endif
