/* Windows side of platform.h, its facts and the primitives of
 * platform_sys.h: wide-character file APIs behind UTF-8 paths. */
#include "platform/platform.h"

#include "platform/platform_sys.h"
#include "platform/win32_acl.h"
#include "platform/win32_text.h"
#include "util/path.h"
#include "util/text.h"

#include <windows.h>
#include <aclapi.h>
#include <fcntl.h>
#include <io.h>
#include <sddl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Folders this program creates: full control for SYSTEM and Administrators,
 * nobody else, not inherited from the parent. */
static const wchar_t PRIVATE_SDDL[] = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";

char platform_dir_sep(void)
{
	return '\\';
}

bool platform_is_dir_sep(char c)
{
	return c == '\\' || c == '/';
}

bool platform_same_name(const char *a, const char *b)
{
	return text_equal_ci(a, b);
}

void platform_stdio_binary(void)
{
	_setmode(_fileno(stdin), _O_BINARY);
	_setmode(_fileno(stdout), _O_BINARY);
}

void platform_keep_secrets_from_dumps(void)
{
	SetErrorMode(GetErrorMode() | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
}

const char *platform_log_relpath(void)
{
	return "active-response\\active-responses.log";
}

static ar_status last_error(ar_error *err, const char *what, const char *path)
{
	DWORD code = GetLastError();
	char text[256];
	ar_status st = AR_E_IO;

	win32_error_text(code, text, sizeof(text));
	if (code == ERROR_ACCESS_DENIED || code == ERROR_WRITE_PROTECT)
		st = AR_E_ACCESS;
	else if (code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND)
		st = AR_E_NOT_FOUND;
	return ar_error_set(err, st, "%s %s: %s", what, path, text);
}

ar_status sys_exe_path(char **out, ar_error *err)
{
	wchar_t path[MAX_PATH * 4];
	DWORD n = GetModuleFileNameW(NULL, path, sizeof(path) / sizeof(path[0]));

	*out = NULL;
	if (n == 0 || n >= sizeof(path) / sizeof(path[0]))
		return ar_error_set(err, AR_E_NOT_FOUND, "cannot find the executable");
	*out = win32_to_utf8(path);
	return *out ? AR_OK : ar_error_set(err, AR_E_NOMEM, "out of memory");
}

static ar_status refuse_link(const char *path, ar_error *err)
{
	return ar_error_set(err, AR_E_ACCESS, "%s is a link the program did not make: not followed",
	                    path);
}

/* Before opening: what the name is. Windows shows a reparse point on the
 * handle below as well; some implementations (Wine, a Unix symbolic link
 * to a folder) show it only here. A missing path is fine (it is created). */
static ar_status refuse_named_reparse_point(const wchar_t *w, const char *path, ar_error *err)
{
	DWORD a = GetFileAttributesW(w);

	if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_REPARSE_POINT))
		return refuse_link(path, err);
	return AR_OK;
}

/* The attributes of what h is, from the file alone: not
 * GetFileInformationByHandle, which also asks for the volume's serial
 * number (under Wine a request to the mount manager, another process: the
 * most a file check cost). */
static bool handle_attributes(HANDLE h, DWORD *attributes)
{
	FILE_BASIC_INFO info;

	if (!GetFileInformationByHandleEx(h, FileBasicInfo, &info, sizeof(info)))
		return false;
	*attributes = info.FileAttributes;
	return true;
}

/* A handle opened with FILE_FLAG_OPEN_REPARSE_POINT is the link itself when
 * path is one (a symbolic link, a junction): refused, never followed. */
static ar_status refuse_reparse_point(HANDLE *h, const char *path, ar_error *err)
{
	DWORD attributes = 0;

	if (!handle_attributes(*h, &attributes))
		return last_error(err, "cannot inspect", path);
	if (!(attributes & FILE_ATTRIBUTE_REPARSE_POINT))
		return AR_OK;
	CloseHandle(*h);
	*h = INVALID_HANDLE_VALUE;
	return refuse_link(path, err);
}

/* Opens path shared with every other reader and writer (the agent reads
 * the log while we append to it). flags: FILE_FLAG_OPEN_REPARSE_POINT for a
 * file or folder of the program's own, which a link must not stand for;
 * FILE_FLAG_BACKUP_SEMANTICS for a folder. */
static ar_status open_shared(const char *path, DWORD access, DWORD disposition, DWORD flags,
                             HANDLE *h, ar_error *err)
{
	wchar_t *w = win32_to_wide(path);
	bool no_links = (flags & FILE_FLAG_OPEN_REPARSE_POINT) != 0;
	ar_status st;

	*h = INVALID_HANDLE_VALUE;
	if (w == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	st = no_links ? refuse_named_reparse_point(w, path, err) : AR_OK;
	if (st == AR_OK)
		*h = CreateFileW(w, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		                 NULL, disposition, FILE_ATTRIBUTE_NORMAL | flags, NULL);
	free(w);
	if (st != AR_OK)
		return st;
	if (*h == INVALID_HANDLE_VALUE)
		return last_error(err, "cannot open", path);
	return no_links ? refuse_reparse_point(h, path, err) : AR_OK;
}

/* Only a file on disk, not a folder, is a file the program uses: never a
 * pipe, a console or another device, whose reads and writes may wait. */
static ar_status refuse_not_regular(HANDLE *h, const char *path, ar_error *err)
{
	DWORD attributes = 0;

	if (GetFileType(*h) == FILE_TYPE_DISK && handle_attributes(*h, &attributes) &&
	    !(attributes & FILE_ATTRIBUTE_DIRECTORY))
		return AR_OK;
	CloseHandle(*h);
	*h = INVALID_HANDLE_VALUE;
	return ar_error_set(err, AR_E_ACCESS, "%s is not a regular file: not used", path);
}

/* open_shared, and only a regular file. */
static ar_status open_regular(const char *path, DWORD access, DWORD disposition, DWORD flags,
                              HANDLE *h, ar_error *err)
{
	ar_status st = open_shared(path, access, disposition, flags, h, err);

	return st == AR_OK ? refuse_not_regular(h, path, err) : st;
}

/* On Windows a file in a folder is opened by its full name (path): the
 * folder d is held open meanwhile without FILE_SHARE_DELETE, so it cannot
 * be renamed, removed or replaced (platform_sys.h). No folder here is
 * judged shared (an ACL would say; the agent's folders allow only
 * Administrators and SYSTEM to write). */
ar_status sys_open_at(sys_dir d, const char *name, const char *path, sys_how how, bool own_only,
                      sys_file *f, ar_error *err)
{
	DWORD access = how == SYS_LOCK ? GENERIC_READ | GENERIC_WRITE : GENERIC_READ;
	DWORD disposition = how == SYS_LOCK ? OPEN_ALWAYS : OPEN_EXISTING;
	DWORD flags = how == SYS_READ ? 0 : FILE_FLAG_OPEN_REPARSE_POINT;
	HANDLE h;
	ar_status st;

	(void)d;
	(void)name;
	(void)own_only;
	st = open_regular(path, access, disposition, flags, &h, err);
	*f = (sys_file)h;
	return st;
}

ar_status sys_read(sys_file f, const char *path, void *buf, size_t cap, size_t *got, ar_error *err)
{
	DWORD n = 0;

	*got = 0;
	if (!ReadFile((HANDLE)f, buf, cap > 0x10000000u ? 0x10000000u : (DWORD)cap, &n, NULL))
		return last_error(err, "cannot read", path);
	*got = n;
	return AR_OK;
}

void sys_close(sys_file f)
{
	CloseHandle((HANDLE)f);
}

ar_status sys_lock_nowait(sys_file f, const char *path, bool *held, ar_error *err)
{
	OVERLAPPED ov = {0};
	DWORD e;

	*held = LockFileEx((HANDLE)f, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0,
	                   &ov) != 0;
	if (*held || (e = GetLastError()) == ERROR_LOCK_VIOLATION || e == ERROR_IO_PENDING)
		return AR_OK;
	return last_error(err, "cannot lock", path);
}

/* sa filled for PRIVATE_SDDL, or NULL when that cannot be built (the
 * folder's inherited ACL then applies). Release with free_attributes. */
static SECURITY_ATTRIBUTES *private_attributes(SECURITY_ATTRIBUTES *sa)
{
	PSECURITY_DESCRIPTOR sd = NULL;

	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(PRIVATE_SDDL, SDDL_REVISION_1,
	                                                          &sd, NULL))
		return NULL;
	sa->nLength = sizeof(*sa);
	sa->lpSecurityDescriptor = sd;
	sa->bInheritHandle = FALSE;
	return sa;
}

static void free_attributes(SECURITY_ATTRIBUTES *sa)
{
	if (sa != NULL)
		LocalFree(sa->lpSecurityDescriptor);
}

ar_status sys_write_new_at(sys_dir d, const char *name, const char *path, const void *data,
                           size_t len, bool private_file, ar_error *err)
{
	/* Not private: the file takes the ACL its folder passes on, never the
	 * one of the file it replaces. */
	wchar_t *w = win32_to_wide(path);
	SECURITY_ATTRIBUTES buf = {0};
	SECURITY_ATTRIBUTES *sa = private_file ? private_attributes(&buf) : NULL;
	HANDLE h;
	DWORD put = 0;
	ar_status st = AR_OK;

	(void)d;
	(void)name;
	if (w == NULL) {
		st = ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
		goto out;
	}
	h = CreateFileW(w, GENERIC_WRITE, 0, sa, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		st = last_error(err, "cannot create", path);
		goto out;
	}
	if ((len > 0 && (!WriteFile(h, data, (DWORD)len, &put, NULL) || put != len)) ||
	    !FlushFileBuffers(h))
		st = last_error(err, "cannot write", path);
	CloseHandle(h);
out:
	free_attributes(sa);
	free(w);
	return st;
}

ar_status sys_replace_at(sys_dir d, const char *from, const char *from_path, const char *to,
                         const char *to_path, ar_error *err)
{
	wchar_t *wfrom = win32_to_wide(from_path), *wto = win32_to_wide(to_path);
	ar_status st = AR_OK;

	(void)d;
	(void)from;
	(void)to;
	if (wfrom == NULL || wto == NULL)
		st = ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	else if (!MoveFileExW(wfrom, wto, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		st = last_error(err, "cannot replace", to_path);
	free(wfrom);
	free(wto);
	return st;
}

ar_status sys_append_at(sys_dir d, const char *name, const char *path, const char *line, size_t len,
                        bool own_only, ar_error *err)
{
	HANDLE h;
	DWORD put = 0;
	/* FILE_APPEND_DATA alone makes every write land at the end, as
	 * O_APPEND does, even with the agent reading the file. */
	ar_status st = open_regular(path, FILE_APPEND_DATA, OPEN_ALWAYS,
	                            FILE_FLAG_OPEN_REPARSE_POINT, &h, err);

	(void)d;
	(void)name;
	(void)own_only;
	if (st != AR_OK)
		return st;
	if (!WriteFile(h, line, (DWORD)len, &put, NULL) || put != len)
		st = last_error(err, "cannot append to", path);
	CloseHandle(h);
	return st;
}

ar_status sys_mkdir(const char *path, ar_error *err)
{
	wchar_t *w;
	SECURITY_ATTRIBUTES buf = {0}, *sa;
	ar_status st = AR_OK;

	/* "C:" is a drive, not a folder to make. */
	if (strlen(path) == 2 && path[1] == ':')
		return AR_OK;
	if ((w = win32_to_wide(path)) == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	sa = private_attributes(&buf);
	if (!CreateDirectoryW(w, sa) && GetLastError() != ERROR_ALREADY_EXISTS)
		st = last_error(err, "cannot create folder", path);
	free_attributes(sa);
	free(w);
	return st;
}

/* Held open without FILE_SHARE_DELETE: while the program uses the
 * folder, no one can rename it, remove it or put something else in its
 * place. With SYS_DIR_NO_LINK the folder itself, never what a link or
 * junction there points at. */
ar_status sys_dir_open(const char *path, int flags, sys_dir *d, ar_error *err)
{
	wchar_t *w = win32_to_wide(path);
	DWORD access = FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | READ_CONTROL |
	               ((flags & SYS_DIR_RESTRICT) ? WRITE_DAC : 0);
	DWORD how = FILE_FLAG_BACKUP_SEMANTICS |
	            ((flags & SYS_DIR_NO_LINK) ? FILE_FLAG_OPEN_REPARSE_POINT : 0);
	DWORD attributes = 0;
	HANDLE h = INVALID_HANDLE_VALUE;
	ar_status st = w == NULL ? ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8")
	               : (flags & SYS_DIR_NO_LINK) ? refuse_named_reparse_point(w, path, err)
	                                           : AR_OK;

	*d = (sys_dir)INVALID_HANDLE_VALUE;
	if (st == AR_OK) {
		h = CreateFileW(w, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
		                how, NULL);
		if (h == INVALID_HANDLE_VALUE)
			st = last_error(err, "cannot open folder", path);
	}
	free(w);
	if (st == AR_OK && (flags & SYS_DIR_NO_LINK))
		st = refuse_reparse_point(&h, path, err);
	if (st == AR_OK &&
	    (!handle_attributes(h, &attributes) || !(attributes & FILE_ATTRIBUTE_DIRECTORY))) {
		CloseHandle(h);
		st = ar_error_set(err, AR_E_NOT_FOUND, "%s is not a folder", path);
	}
	if (st == AR_OK)
		*d = (sys_dir)h;
	return st;
}

/* The ACL is set through the handle of the folder itself (opened without
 * following a link), not by name, which would follow a junction. */
ar_status sys_dir_restrict(sys_dir d, const char *path, ar_error *err)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	PACL dacl = NULL;
	BOOL present = FALSE, defaulted = FALSE;
	DWORD rc;
	ar_status st = AR_OK;

	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(PRIVATE_SDDL, SDDL_REVISION_1,
	                                                          &sd, NULL) ||
	    !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)) {
		st = last_error(err, "cannot build the ACL for", path);
		goto out;
	}
	/* Protected: nothing inherited from the agent's folder; Windows passes
	 * the inheritable entries on to the files inside. */
	rc = SetSecurityInfo((HANDLE)d, SE_FILE_OBJECT,
	                     DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, NULL,
	                     NULL, dacl, NULL);
	if (rc != ERROR_SUCCESS) {
		SetLastError(rc);
		st = last_error(err, "cannot restrict the ACL of", path);
	}
out:
	LocalFree(sd);
	return st;
}

bool sys_dir_shared(sys_dir d)
{
	(void)d;
	return false;
}

void sys_dir_close(sys_dir d)
{
	CloseHandle((HANDLE)d);
}

bool platform_exists(const char *path)
{
	wchar_t *w = win32_to_wide(path);
	DWORD a = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
	free(w);
	return a != INVALID_FILE_ATTRIBUTES;
}

bool sys_exists_at(sys_dir d, const char *name, const char *path)
{
	(void)d;
	(void)name;
	return platform_exists(path);
}

ar_status sys_remove_at(sys_dir d, const char *name, const char *path, ar_error *err)
{
	wchar_t *w = win32_to_wide(path);
	ar_status st = AR_OK;

	(void)d;
	(void)name;
	if (w == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	if (!DeleteFileW(w) && GetLastError() != ERROR_FILE_NOT_FOUND)
		st = last_error(err, "cannot remove", path);
	free(w);
	return st;
}

ar_status sys_list(sys_dir d, const char *dir, sys_each_name each, void *ctx, ar_error *err)
{
	char *pattern = path_join(dir, "*");
	wchar_t *w = pattern ? win32_to_wide(pattern) : NULL;
	WIN32_FIND_DATAW fd;
	HANDLE h;
	ar_status st = AR_OK;

	(void)d;
	free(pattern);
	if (w == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	h = FindFirstFileW(w, &fd);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return GetLastError() == ERROR_FILE_NOT_FOUND ? AR_OK
		                                              : last_error(err, "cannot list", dir);
	do {
		char *name;
		if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
			continue;
		if ((name = win32_to_utf8(fd.cFileName)) == NULL)
			st = ar_error_set(err, AR_E_NOMEM, "out of memory listing %s", dir);
		else
			st = each(ctx, name, err);
		free(name);
	} while (st == AR_OK && FindNextFileW(h, &fd));
	FindClose(h);
	return st;
}

ar_status platform_file_is_private(const char *path, bool *is_private, char *why, size_t why_len,
                                   ar_error *err)
{
	wchar_t *w = win32_to_wide(path);
	PSECURITY_DESCRIPTOR sd = NULL;
	PACL dacl = NULL;
	PSID self = NULL;
	DWORD rc;

	*is_private = false;
	if (w == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	rc = GetNamedSecurityInfoW(w, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &dacl,
	                           NULL, &sd);
	free(w);
	if (rc != ERROR_SUCCESS) {
		SetLastError(rc);
		return last_error(err, "cannot inspect", path);
	}
	self = win32_process_sid();
	*is_private = win32_dacl_is_private(dacl, self);
	if (!*is_private && why != NULL && why_len > 0)
		snprintf(why, why_len, "%s",
		         dacl ? "its ACL lets accounts other than SYSTEM, Administrators and the "
		                "program's read it; leave only those in it"
		              : "it has no ACL: everyone may read it");
	free(self);
	LocalFree(sd);
	return AR_OK;
}

void platform_localtime(time_t t, struct tm *out)
{
	localtime_s(out, &t);
}

uint64_t platform_monotonic_ms(void)
{
	return (uint64_t)GetTickCount64();
}

unsigned long platform_pid(void)
{
	return (unsigned long)GetCurrentProcessId();
}

void platform_hold_stop_signals(void)
{
}

int platform_stop_requested(void)
{
	return 0;
}

void platform_sleep_ms(unsigned ms)
{
	Sleep(ms);
}

/* A read that may block (a pipe, a console) runs on a thread of its own,
 * waited for at most the time left: PeekNamedPipe would do for Windows' own
 * pipes, but not for every handle a pipe can be (Wine's, a console), and a
 * thread bounds them all. A read still blocked when the time is up is left
 * behind (the process ends soon after); the state is freed by whichever
 * side is done last. */
typedef struct timed_read {
	HANDLE h;
	DWORD want, got, error;
	LONG refs;
	unsigned char buf[];
} timed_read;

static void timed_read_release(timed_read *t)
{
	if (InterlockedDecrement(&t->refs) == 0)
		free(t);
}

static DWORD WINAPI timed_read_run(LPVOID arg)
{
	timed_read *t = arg;

	t->error = ReadFile(t->h, t->buf, t->want, &t->got, NULL) ? 0 : GetLastError();
	timed_read_release(t);
	return 0;
}

static ar_status read_on_thread(HANDLE h, void *buf, DWORD want, unsigned timeout_ms, size_t *got,
                                ar_error *err)
{
	timed_read *t = calloc(1, sizeof(*t) + want);
	HANDLE th = NULL;
	ar_status st = AR_OK;

	if (t == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory reading input");
	t->h = h;
	t->want = want;
	t->refs = 2;
	if ((th = CreateThread(NULL, 0, timed_read_run, t, 0, NULL)) == NULL) {
		free(t);
		return ar_error_set(err, AR_E_IO, "cannot read standard input (error %lu)",
		                    (unsigned long)GetLastError());
	}
	if (WaitForSingleObject(th, timeout_ms) != WAIT_OBJECT_0) {
		CancelSynchronousIo(th);
		st = ar_error_set(err, AR_E_TIMEOUT, "nothing to read after %u ms", timeout_ms);
	} else if (t->error != 0 && t->error != ERROR_BROKEN_PIPE && t->error != ERROR_HANDLE_EOF) {
		st = ar_error_set(err, AR_E_IO, "cannot read standard input (error %lu)",
		                  (unsigned long)t->error);
	} else {
		memcpy(buf, t->buf, t->got);
		*got = t->got;
	}
	CloseHandle(th);
	timed_read_release(t);
	return st;
}

ar_status platform_read_timed(FILE *stream, void *buf, size_t cap, unsigned timeout_ms, size_t *got,
                              ar_error *err)
{
	HANDLE h = (HANDLE)_get_osfhandle(_fileno(stream));
	DWORD n = 0, want = cap > 65536 ? 65536 : (DWORD)cap;

	*got = 0;
	if (h == INVALID_HANDLE_VALUE || h == NULL)
		return ar_error_set(err, AR_E_IO, "standard input has no file to read");
	if (GetFileType(h) != FILE_TYPE_DISK)
		return read_on_thread(h, buf, want, timeout_ms, got, err);
	/* A file never waits. */
	if (!ReadFile(h, buf, want, &n, NULL) && GetLastError() != ERROR_HANDLE_EOF)
		return ar_error_set(err, AR_E_IO, "cannot read standard input (error %lu)",
		                    (unsigned long)GetLastError());
	*got = n;
	return AR_OK;
}

/* RtlGenRandom, the system's generator as advapi32 exports it (the one
 * the C runtime's rand_s uses): advapi32 is loaded anyway, where
 * BCryptGenRandom would load bcrypt.dll into every run that writes a
 * backup. Declared by no header of mingw-w64's under this name. */
BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length);

ar_status platform_random(void *buf, size_t len, ar_error *err)
{
	if (len > ULONG_MAX || !SystemFunction036(buf, (ULONG)len))
		return ar_error_set(err, AR_E_IO, "no entropy from RtlGenRandom");
	return AR_OK;
}

char *platform_abspath(const char *path)
{
	wchar_t *w = win32_to_wide(path), full[MAX_PATH * 4];
	DWORD n = w ? GetFullPathNameW(w, sizeof(full) / sizeof(full[0]), full, NULL) : 0;
	char *r = (n > 0 && n < sizeof(full) / sizeof(full[0])) ? win32_to_utf8(full) : NULL;

	free(w);
	if (r == NULL && (r = malloc(strlen(path) + 1)) != NULL)
		memcpy(r, path, strlen(path) + 1);
	return r;
}

/* msvcrt's own parser of the wide command line, the one a wmain() program
 * is given its arguments by (declared by no public header): it keeps shell32,
 * and the user32 and gdi32 it brings, out of the process. */
typedef struct {
	int newmode;
} win32_startupinfo;
_CRTIMP int __cdecl __wgetmainargs(int *argc, wchar_t ***argv, wchar_t ***env, int glob,
                                   win32_startupinfo *si);

ar_status platform_utf8_argv(int argc, char **argv, int *out_argc, char ***out, ar_error *err)
{
	int n = 0;
	wchar_t **wargv = NULL, **wenv = NULL;
	win32_startupinfo si = {0};
	char **args;

	/* The C runtime's narrow argc and argv are in the ANSI code page: only
	 * the wide command line is used, for the arguments and their count
	 * alike. Its arrays belong to the runtime. */
	(void)argc;
	(void)argv;
	*out_argc = 0;
	*out = NULL;
	if (__wgetmainargs(&n, &wargv, &wenv, 0, &si) < 0 || wargv == NULL || n < 0)
		return ar_error_set(err, AR_E_NOMEM, "cannot read the command line");
	args = calloc((size_t)n + 1, sizeof(*args));
	for (int i = 0; args != NULL && i < n; i++) {
		if ((args[i] = win32_to_utf8(wargv[i])) == NULL) {
			platform_free_argv(i, args);
			args = NULL;
		}
	}
	if (args == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	*out_argc = n;
	*out = args;
	return AR_OK;
}

void platform_free_argv(int argc, char **argv)
{
	for (int i = 0; argv != NULL && i < argc; i++)
		free(argv[i]);
	free(argv);
}
