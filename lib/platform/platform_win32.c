/* Windows side of platform.h: wide-character file APIs behind UTF-8 paths. */
#include "platform/platform.h"
#include "platform/win32_text.h"

#include <windows.h>
#include <aclapi.h>
#include <bcrypt.h>
#include <fcntl.h>
#include <io.h>
#include <sddl.h>
#include <shellapi.h>

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

void platform_stdio_binary(void)
{
	_setmode(_fileno(stdin), _O_BINARY);
	_setmode(_fileno(stdout), _O_BINARY);
}

const char *platform_log_relpath(void)
{
	return "active-response\\active-responses.log";
}

wchar_t *win32_to_wide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0 || (w = malloc((size_t)n * sizeof(*w))) == NULL)
		return NULL;
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
	return w;
}

char *win32_to_utf8(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s;

	if (n <= 0 || (s = malloc((size_t)n)) == NULL)
		return NULL;
	WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
	return s;
}

static ar_status last_error(ar_error *err, const char *what, const char *path)
{
	DWORD code = GetLastError();
	char text[256] = "";
	DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
	                         code, 0, text, sizeof(text), NULL);
	ar_status st = AR_E_IO;

	while (n > 0 && (text[n - 1] == '\r' || text[n - 1] == '\n' || text[n - 1] == '.'))
		text[--n] = '\0';
	if (code == ERROR_ACCESS_DENIED || code == ERROR_WRITE_PROTECT)
		st = AR_E_ACCESS;
	else if (code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND)
		st = AR_E_NOT_FOUND;
	return ar_error_set(err, st, "%s %s: %s", what, path, text);
}

static bool ends_with_ci(const wchar_t *s, const wchar_t *tail)
{
	size_t sl = wcslen(s), tl = wcslen(tail);
	return sl >= tl && _wcsicmp(s + sl - tl, tail) == 0;
}

ar_status platform_agent_dir(const char *argv0, char **out, ar_error *err)
{
	wchar_t path[MAX_PATH * 4];
	DWORD n = GetModuleFileNameW(NULL, path, sizeof(path) / sizeof(path[0]));
	wchar_t *slash;

	(void)argv0;
	*out = NULL;
	if (n > 0 && n < sizeof(path) / sizeof(path[0]) && (slash = wcsrchr(path, L'\\')) != NULL) {
		*slash = L'\0';
		if (ends_with_ci(path, L"\\active-response\\bin")) {
			path[wcslen(path) - wcslen(L"\\active-response\\bin")] = L'\0';
			*out = win32_to_utf8(path);
			return *out ? AR_OK : ar_error_set(err, AR_E_NOMEM, "out of memory");
		}
	}
	n = GetCurrentDirectoryW(sizeof(path) / sizeof(path[0]), path);
	if (n == 0 || n >= sizeof(path) / sizeof(path[0]))
		return last_error(err, "reading", "the working folder");
	*out = win32_to_utf8(path);
	return *out ? AR_OK : ar_error_set(err, AR_E_NOMEM, "out of memory");
}

/* Opens path shared with every other reader and writer (the agent reads
 * the log while we append to it). */
static ar_status open_shared(const char *path, DWORD access, DWORD disposition, HANDLE *h,
                             ar_error *err)
{
	wchar_t *w = win32_to_wide(path);

	*h = INVALID_HANDLE_VALUE;
	if (w == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	*h = CreateFileW(w, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
	                 disposition, FILE_ATTRIBUTE_NORMAL, NULL);
	free(w);
	return *h == INVALID_HANDLE_VALUE ? last_error(err, "cannot open", path) : AR_OK;
}

ar_status platform_read_file(const char *path, size_t cap, unsigned char **data, size_t *len,
                             ar_error *err)
{
	HANDLE h;
	LARGE_INTEGER size;
	unsigned char *buf = NULL;
	DWORD got = 0;
	ar_status st = AR_OK;

	*data = NULL;
	*len = 0;
	st = open_shared(path, GENERIC_READ, OPEN_EXISTING, &h, err);
	if (st != AR_OK)
		return st;
	if (!GetFileSizeEx(h, &size)) {
		st = last_error(err, "cannot read", path);
		goto out;
	}
	if ((unsigned long long)size.QuadPart > cap) {
		st = ar_error_set(err, AR_E_TOO_LARGE, "%s is larger than %zu bytes", path, cap);
		goto out;
	}
	buf = malloc((size_t)size.QuadPart + 1);
	if (buf == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory reading %s", path);
		goto out;
	}
	if (size.QuadPart > 0 &&
	    (!ReadFile(h, buf, (DWORD)size.QuadPart, &got, NULL) || got != (DWORD)size.QuadPart)) {
		st = last_error(err, "cannot read", path);
		goto out;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	CloseHandle(h);
	return st;
}

static bool private_attributes(SECURITY_ATTRIBUTES *sa)
{
	PSECURITY_DESCRIPTOR sd = NULL;

	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(PRIVATE_SDDL, SDDL_REVISION_1,
	                                                          &sd, NULL))
		return false;
	sa->nLength = sizeof(*sa);
	sa->lpSecurityDescriptor = sd;
	sa->bInheritHandle = FALSE;
	return true;
}

ar_status platform_write_file_atomic(const char *path, const void *data, size_t len,
                                     bool private_file, ar_error *err)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 32);
	wchar_t *wtmp = NULL, *wpath = win32_to_wide(path);
	SECURITY_ATTRIBUTES sa = {0};
	bool have_sa = private_file && private_attributes(&sa);
	HANDLE h = INVALID_HANDLE_VALUE;
	DWORD put = 0;
	ar_status st = AR_OK;

	if (tmp == NULL || wpath == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	snprintf(tmp, plen + 32, "%s.tmp%lu", path, (unsigned long)GetCurrentProcessId());
	if ((wtmp = win32_to_wide(tmp)) == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	h = CreateFileW(wtmp, GENERIC_WRITE, 0, have_sa ? &sa : NULL, CREATE_NEW,
	                FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		st = last_error(err, "cannot create", tmp);
		goto out;
	}
	if ((len > 0 && (!WriteFile(h, data, (DWORD)len, &put, NULL) || put != len)) ||
	    !FlushFileBuffers(h)) {
		st = last_error(err, "cannot write", tmp);
		goto out;
	}
	CloseHandle(h);
	h = INVALID_HANDLE_VALUE;
	if (!MoveFileExW(wtmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		st = last_error(err, "cannot replace", path);
out:
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	if (st != AR_OK && wtmp != NULL)
		DeleteFileW(wtmp);
	if (have_sa)
		LocalFree(sa.lpSecurityDescriptor);
	free(wtmp);
	free(wpath);
	free(tmp);
	return st;
}

ar_status platform_append_line(const char *path, const char *line, size_t len, ar_error *err)
{
	HANDLE h;
	DWORD put = 0;
	/* FILE_APPEND_DATA alone makes every write land at the end, as
	 * O_APPEND does, even with the agent reading the file. */
	ar_status st = open_shared(path, FILE_APPEND_DATA, OPEN_ALWAYS, &h, err);

	if (st != AR_OK)
		return st;
	if (!WriteFile(h, line, (DWORD)len, &put, NULL) || put != len)
		st = last_error(err, "cannot append to", path);
	CloseHandle(h);
	return st;
}

ar_status platform_mkdir_p(const char *path, ar_error *err)
{
	wchar_t *w = win32_to_wide(path);
	SECURITY_ATTRIBUTES sa = {0};
	bool have_sa = private_attributes(&sa);
	ar_status st = AR_OK;
	size_t n;

	if (w == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	n = wcslen(w);
	while (n > 3 && (w[n - 1] == L'\\' || w[n - 1] == L'/'))
		w[--n] = L'\0';
	for (size_t i = 1; i <= n && st == AR_OK; i++) {
		wchar_t c = w[i];
		if (c != L'\\' && c != L'/' && c != L'\0')
			continue;
		if (i == 2 && w[1] == L':')
			continue; /* "C:" is a drive, not a folder to make */
		w[i] = L'\0';
		if (!CreateDirectoryW(w, have_sa ? &sa : NULL) &&
		    GetLastError() != ERROR_ALREADY_EXISTS)
			st = last_error(err, "cannot create folder", path);
		w[i] = c;
	}
	if (have_sa)
		LocalFree(sa.lpSecurityDescriptor);
	free(w);
	return st;
}

struct platform_lock {
	HANDLE h;
};

ar_status platform_lock_try(const char *path, platform_lock **out, ar_error *err)
{
	OVERLAPPED ov = {0};
	HANDLE h;
	ar_status st;

	*out = NULL;
	st = open_shared(path, GENERIC_READ | GENERIC_WRITE, OPEN_ALWAYS, &h, err);
	if (st != AR_OK)
		return st;
	if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) {
		DWORD e = GetLastError();
		if (e != ERROR_LOCK_VIOLATION && e != ERROR_IO_PENDING)
			st = last_error(err, "cannot lock", path);
		CloseHandle(h);
		return st;
	}
	*out = malloc(sizeof(**out));
	if (*out == NULL) {
		CloseHandle(h);
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	(*out)->h = h;
	return AR_OK;
}

void platform_lock_release(platform_lock *lock)
{
	if (lock == NULL)
		return;
	CloseHandle(lock->h); /* closing the handle releases the lock */
	free(lock);
}

bool platform_exists(const char *path)
{
	wchar_t *w = win32_to_wide(path);
	DWORD a = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
	free(w);
	return a != INVALID_FILE_ATTRIBUTES;
}

ar_status platform_remove(const char *path, ar_error *err)
{
	wchar_t *w = win32_to_wide(path);
	ar_status st = AR_OK;

	if (w == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	if (!DeleteFileW(w) && GetLastError() != ERROR_FILE_NOT_FOUND)
		st = last_error(err, "cannot remove", path);
	free(w);
	return st;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

ar_status platform_list_dir(const char *dir, const char *suffix, char ***names, size_t *count,
                            ar_error *err)
{
	size_t dl = strlen(dir), sl = strlen(suffix), n = 0, cap = 0;
	char *pattern = malloc(dl + 3);
	wchar_t *w = NULL;
	WIN32_FIND_DATAW fd;
	HANDLE h = INVALID_HANDLE_VALUE;
	char **list = NULL;
	ar_status st = AR_OK;

	*names = NULL;
	*count = 0;
	if (pattern == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	memcpy(pattern, dir, dl);
	memcpy(pattern + dl, "\\*", 3);
	w = win32_to_wide(pattern);
	free(pattern);
	if (w == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	h = FindFirstFileW(w, &fd);
	free(w);
	if (h == INVALID_HANDLE_VALUE) {
		if (GetLastError() == ERROR_FILE_NOT_FOUND)
			return AR_OK;
		return last_error(err, "cannot list", dir);
	}
	do {
		char *name;
		size_t l;
		if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
			continue;
		if ((name = win32_to_utf8(fd.cFileName)) == NULL) {
			st = ar_error_set(err, AR_E_NOMEM, "out of memory");
			break;
		}
		l = strlen(name);
		if (name[0] == '.' || l < sl || strcmp(name + l - sl, suffix) != 0) {
			free(name);
			continue;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nl = realloc(list, nc * sizeof(*nl));
			if (nl == NULL) {
				free(name);
				st = ar_error_set(err, AR_E_NOMEM, "out of memory");
				break;
			}
			list = nl;
			cap = nc;
		}
		list[n++] = name;
	} while (FindNextFileW(h, &fd));
	FindClose(h);
	if (st != AR_OK) {
		platform_free_list(list, n);
		return st;
	}
	if (n > 1)
		qsort(list, n, sizeof(*list), cmp_str);
	*names = list;
	*count = n;
	return AR_OK;
}

void platform_free_list(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* True for SYSTEM, Administrators and the file's owner: the principals that
 * may read a secret file. */
static bool trusted_sid(PSID sid, PSID owner)
{
	WELL_KNOWN_SID_TYPE ok[] = {WinLocalSystemSid, WinBuiltinAdministratorsSid};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (IsWellKnownSid(sid, ok[i]))
			return true;
	}
	return owner != NULL && EqualSid(sid, owner);
}

ar_status platform_file_is_private(const char *path, bool *is_private, char *why, size_t why_len,
                                   ar_error *err)
{
	wchar_t *w = win32_to_wide(path);
	PSECURITY_DESCRIPTOR sd = NULL;
	PACL dacl = NULL;
	PSID owner = NULL;
	DWORD rc;

	*is_private = false;
	if (w == NULL)
		return ar_error_set(err, AR_E_INVALID, "path is not valid UTF-8");
	rc = GetNamedSecurityInfoW(w, SE_FILE_OBJECT,
	                           DACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION, &owner,
	                           NULL, &dacl, NULL, &sd);
	free(w);
	if (rc != ERROR_SUCCESS) {
		SetLastError(rc);
		return last_error(err, "cannot inspect", path);
	}
	*is_private = dacl != NULL;
	for (DWORD i = 0; dacl != NULL && i < dacl->AceCount && *is_private; i++) {
		ACE_HEADER *ace = NULL;
		if (!GetAce(dacl, i, (void **)&ace) || ace->AceType != ACCESS_ALLOWED_ACE_TYPE)
			continue;
		if (!trusted_sid((PSID) & ((ACCESS_ALLOWED_ACE *)ace)->SidStart, owner))
			*is_private = false;
	}
	if (!*is_private && why != NULL && why_len > 0)
		snprintf(why, why_len, "%s",
		         dacl ? "its ACL lets other accounts read it"
		              : "it has no ACL (everyone may read it)");
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

void platform_sleep_ms(unsigned ms)
{
	Sleep(ms);
}

ar_status platform_random(void *buf, size_t len, ar_error *err)
{
	if (!BCRYPT_SUCCESS(
	            BCryptGenRandom(NULL, buf, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
		return ar_error_set(err, AR_E_IO, "no entropy from BCryptGenRandom");
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

ar_status platform_utf8_argv(int argc, char **argv, char ***out, ar_error *err)
{
	int n = 0;
	wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &n);
	char **args;

	(void)argc;
	(void)argv;
	*out = NULL;
	if (wargv == NULL)
		return ar_error_set(err, AR_E_NOMEM, "cannot read the command line");
	args = calloc((size_t)n + 1, sizeof(*args));
	for (int i = 0; args != NULL && i < n; i++) {
		if ((args[i] = win32_to_utf8(wargv[i])) == NULL) {
			platform_free_argv(i, args);
			args = NULL;
		}
	}
	LocalFree(wargv);
	if (args == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	*out = args;
	return AR_OK;
}

void platform_free_argv(int argc, char **argv)
{
	for (int i = 0; argv != NULL && i < argc; i++)
		free(argv[i]);
	free(argv);
}
