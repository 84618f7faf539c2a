/* Everything that differs between Windows and POSIX, behind one interface:
 * platform.c holds what is the same everywhere (walking a path, filtering
 * and sorting a listing, size caps), over the small primitives of
 * platform_sys.h that platform_posix.c and platform_win32.c implement.
 * Nothing else in the tree asks which system it runs on. Paths are UTF-8
 * everywhere. */
#ifndef PLATFORM_H
#define PLATFORM_H

#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* '\\' on Windows, '/' elsewhere: the separator paths are joined with. */
char platform_dir_sep(void);

/* Whether c separates folders in a path: '/' everywhere, '\\' too on
 * Windows. */
bool platform_is_dir_sep(char c);

/* Whether two file names name the same file: byte for byte on POSIX,
 * ignoring ASCII case on Windows. */
bool platform_same_name(const char *a, const char *b);

/* Puts standard input and output in binary mode (no CRLF translation). */
void platform_stdio_binary(void);

/* Keeps a secret the run holds (the API's password, its token) out of what
 * a crash leaves behind: on POSIX no core file, no crash handler's copy and
 * no other process of the same account reading its memory (RLIMIT_CORE 0,
 * not dumpable). On Windows no crash dialog, which would hold the agent
 * (it waits for the run with no time limit); a dump there is only what
 * the machine's own error-reporting settings ask for. */
void platform_keep_secrets_from_dumps(void);

/* Holds off the signals that ask a program to stop (SIGINT, SIGTERM,
 * SIGHUP) until platform_stop_requested is asked, so that a run with steps
 * to undo is never cut between two of them. Nothing is held on Windows. */
void platform_hold_stop_signals(void);

/* The held stop signal that came meanwhile (its number), 0 when none. */
int platform_stop_requested(void);

/* The agent's install folder, from the executable's own location (never
 * argv[0] nor the working folder, which whoever starts the program picks):
 * <agent> when it runs as <agent>/active-response/bin/<exe>. AR_E_NOT_FOUND
 * (*out NULL) anywhere else. Caller frees *out. */
ar_status platform_agent_dir(char **out, ar_error *err);

/* Where Wazuh agents keep active-responses.log under the agent folder:
 * "active-response\\active-responses.log" on Windows,
 * "logs/active-responses.log" elsewhere. */
const char *platform_log_relpath(void);

/* A folder checked once, then used: every file in it is opened, renamed
 * and removed relative to the folder opened (platform_sys.h says how on
 * each system), so that swapping the folder for a link or another folder
 * after the check changes nothing. Files are opened without waiting and
 * only when they are regular files (never a FIFO or a device, whose open
 * or read would hold the run); in a folder other users may write, only
 * files of the program's own account. Errors name the file. */
typedef struct platform_dir platform_dir;

/* Opens an existing folder (a link in its path is followed: the person
 * running the program named it). */
ar_status platform_dir_open(const char *path, platform_dir **out, ar_error *err);

/* Creates path (and its parents) when missing and opens it as a private
 * folder: never through a link, refused when another user owns it, and
 * made owner-only again (an agent upgrade resets the ACLs of its whole
 * tree). On Windows a protected DACL (Administrators and SYSTEM) that the
 * files inside inherit; elsewhere mode 0700. */
ar_status platform_dir_open_private(const char *path, platform_dir **out, ar_error *err);

void platform_dir_close(platform_dir *d);

/* The folder's path, as it was opened. */
const char *platform_dir_path(const platform_dir *d);

/* Reads the whole file name in d, refusing more than cap bytes. *data is
 * NUL-terminated (the terminator is not counted in *len). Caller frees
 * *data. A link at name is followed. */
ar_status platform_dir_read(platform_dir *d, const char *name, size_t cap, unsigned char **data,
                            size_t *len, ar_error *err);

/* As platform_dir_read, for a file of the program's own that lies outside
 * its private folders: never read through a link (AR_E_ACCESS, naming it);
 * on POSIX only a regular file of this user that no one else can write. */
ar_status platform_dir_read_own(platform_dir *d, const char *name, size_t cap, unsigned char **data,
                                size_t *len, ar_error *err);

/* Writes name in d so that readers see the old or the new content, never
 * a mix: a temporary file beside it, flushed, then renamed over it. The
 * new file gets the program's permissions, never the old file's:
 * owner-only (0600) when private_file, otherwise 0644 (on Windows the ACL
 * the folder passes on). */
ar_status platform_dir_write(platform_dir *d, const char *name, const void *data, size_t len,
                             bool private_file, ar_error *err);

/* Appends one line (the caller supplies the '\n') with one write call to
 * name in d, created (0640) when missing, never through a link. */
ar_status platform_dir_append(platform_dir *d, const char *name, const char *line, size_t len,
                              ar_error *err);

/* Whether name in d may be written by platform_dir_append: AR_OK when it
 * is missing or a regular file (of the program's own in a shared folder),
 * judged without waiting (a FIFO) nor following a link; otherwise the
 * refusal, naming it. */
ar_status platform_dir_check(platform_dir *d, const char *name, ar_error *err);

/* Removes name from d; a missing file is not an error. */
ar_status platform_dir_remove(platform_dir *d, const char *name, ar_error *err);

/* True when name exists in d (any kind, a link not followed). */
bool platform_dir_has(platform_dir *d, const char *name);

/* Lists the regular files in d whose names end with suffix, sorted by
 * name. Caller frees each name and the array (platform_free_list). */
ar_status platform_dir_list(platform_dir *d, const char *suffix, char ***names, size_t *count,
                            ar_error *err);

/* An exclusive advisory lock on a file, held until released or until the
 * process ends (a crash releases it too). */
typedef struct platform_lock platform_lock;

/* Takes the lock on name in d (the file is created owner-only when
 * missing, never through a link) without waiting: *out is NULL when
 * another process holds it. */
ar_status platform_dir_lock_try(platform_dir *d, const char *name, platform_lock **out,
                                ar_error *err);

/* As platform_dir_lock_try, trying again every poll_ms while another
 * process holds it, as long as a try is due before deadline
 * (platform_monotonic_ms): *out is NULL when it is still held then. */
ar_status platform_dir_lock_wait(platform_dir *d, const char *name, uint64_t deadline,
                                 unsigned poll_ms, platform_lock **out, ar_error *err);
void platform_lock_release(platform_lock *lock);

/* The functions below take a whole path: each opens the file's folder
 * (platform_dir_open) and does the same as its platform_dir_ twin there. */

/* Reads a whole file, refusing more than cap bytes. *data is NUL-terminated
 * (the terminator is not counted in *len). Caller frees *data. */
ar_status platform_read_file(const char *path, size_t cap, unsigned char **data, size_t *len,
                             ar_error *err);

/* As platform_read_file, for a file of the program's own that lies outside
 * its private folders: never read through a link (AR_E_ACCESS, naming it);
 * on POSIX only a regular file of this user that no one else can write. */
ar_status platform_read_own_file(const char *path, size_t cap, unsigned char **data, size_t *len,
                                 ar_error *err);

/* As platform_dir_write. */
ar_status platform_write_file_atomic(const char *path, const void *data, size_t len,
                                     bool private_file, ar_error *err);

/* Appends one line (the caller supplies the '\n') with one write call. */
ar_status platform_append_line(const char *path, const char *line, size_t len, ar_error *err);

/* As platform_dir_check; a missing folder is fine too. */
ar_status platform_check_file(const char *path, ar_error *err);

/* Creates a folder and any missing parents; a folder this creates is
 * owner-only (0700; on Windows Administrators and SYSTEM only). An existing
 * folder is left as it is. */
ar_status platform_mkdir_p(const char *path, ar_error *err);

/* platform_dir_open_private, the folder closed again. */
ar_status platform_private_dir(const char *path, ar_error *err);

/* As platform_dir_lock_try and platform_dir_lock_wait. */
ar_status platform_lock_try(const char *path, platform_lock **out, ar_error *err);
ar_status platform_lock_wait(const char *path, uint64_t deadline, unsigned poll_ms,
                             platform_lock **out, ar_error *err);

/* True when the path exists (any kind). */
bool platform_exists(const char *path);

/* Removes a file; a missing file is not an error. */
ar_status platform_remove(const char *path, ar_error *err);

/* Lists the regular files in a folder whose names end with suffix, sorted by
 * name. Caller frees each name and the array (platform_free_list). */
ar_status platform_list_dir(const char *dir, const char *suffix, char ***names, size_t *count,
                            ar_error *err);
void platform_free_list(char **names, size_t count);

/* Whether no one else may read the file: on POSIX only its owner, on
 * Windows only SYSTEM, Administrators and the account the program runs as
 * (win32_acl.h). *why names what is wider when it is not, and what to do. */
ar_status platform_file_is_private(const char *path, bool *is_private, char *why, size_t why_len,
                                   ar_error *err);

/* Local broken-down time, thread-safe. */
void platform_localtime(time_t t, struct tm *out);

/* Milliseconds on a monotonic clock. */
uint64_t platform_monotonic_ms(void);

/* Process id, for unique file names and jitter seeds. */
unsigned long platform_pid(void);

/* Sleeps for ms milliseconds. */
void platform_sleep_ms(unsigned ms);

/* Reads what the stream's file (standard input) holds, at most cap bytes,
 * waiting at most timeout_ms for the first byte: AR_E_TIMEOUT when none
 * came, *got == 0 at end of input. Bypasses the stream's buffer, so the
 * stream must not be read otherwise. Whatever the file is (a pipe, a
 * terminal or console, a regular file), the wait is bounded. */
ar_status platform_read_timed(FILE *stream, void *buf, size_t cap, unsigned timeout_ms, size_t *got,
                              ar_error *err);

/* Fills buf with len unpredictable bytes (OS entropy). */
ar_status platform_random(void *buf, size_t len, ar_error *err);

/* The canonical form of a path for messages (absolute when it can be made
 * so); caller frees. Falls back to a copy of path. */
char *platform_abspath(const char *path);

/* The command line as UTF-8 and its count: on Windows both from the wide
 * command line (the C runtime's argc may count odd quoting differently),
 * elsewhere argc and argv themselves. Free with platform_free_argv(*out_argc,
 * *out). */
ar_status platform_utf8_argv(int argc, char **argv, int *out_argc, char ***out, ar_error *err);
void platform_free_argv(int argc, char **argv);

#endif
