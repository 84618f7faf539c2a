/* The primitives each system provides (platform_posix.c, platform_win32.c)
 * and platform.c builds the portable half of platform.h on. Only the
 * platform layer includes this. Errors name the path they concern. */
#ifndef PLATFORM_SYS_H
#define PLATFORM_SYS_H

#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An open file: a descriptor on POSIX, a HANDLE on Windows. */
typedef intptr_t sys_file;

/* Opens an existing file for reading (shared with other readers and
 * writers). */
ar_status sys_open_read(const char *path, sys_file *f, ar_error *err);

/* As sys_open_read, for a file of the program's own in a folder that is not
 * private: a link at path (symbolic link, junction, reparse point) is
 * refused, never followed; on POSIX so is anything but a regular file of
 * this user that no one else can write (a FIFO would hold the open). */
ar_status sys_open_read_own(const char *path, sys_file *f, ar_error *err);

/* Opens (creating it owner-only when missing) a file to lock. */
ar_status sys_open_lock(const char *path, sys_file *f, ar_error *err);

/* Reads at most cap bytes; *got is 0 at the end of the file. */
ar_status sys_read(sys_file f, const char *path, void *buf, size_t cap, size_t *got, ar_error *err);

/* Takes an exclusive lock without waiting: *held is false when another
 * process has it. */
ar_status sys_lock_nowait(sys_file f, const char *path, bool *held, ar_error *err);

void sys_close(sys_file f);

/* Creates tmp (it must not exist), writes data and flushes it to disk. The
 * file is owner-only when private_file; otherwise it gets the permissions
 * that like, the file it is to replace, has. */
ar_status sys_write_new(const char *tmp, const char *like, const void *data, size_t len,
                        bool private_file, ar_error *err);

/* Renames from over to, durably. */
ar_status sys_replace(const char *from, const char *to, ar_error *err);

/* Creates one folder, owner-only; one that exists already (or a drive) is
 * fine. */
ar_status sys_mkdir(const char *path, ar_error *err);

/* Calls each(ctx, name) for every entry of dir that is not a folder, in
 * the order the system gives, until it returns other than AR_OK. */
typedef ar_status (*sys_each_name)(void *ctx, const char *name, ar_error *err);
ar_status sys_list(const char *dir, sys_each_name each, void *ctx, ar_error *err);

/* The running executable's full path, from the system (Linux's
 * /proc/self/exe, Windows' GetModuleFileNameW), not from argv[0]. */
ar_status sys_exe_path(char **out, ar_error *err);

#endif
