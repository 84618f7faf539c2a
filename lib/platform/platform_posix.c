/* POSIX side of platform.h: its facts, and the primitives of
 * platform_sys.h. */
#include "platform/platform.h"

#include "platform/platform_sys.h"
#include "util/path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

char platform_dir_sep(void)
{
	return '/';
}

bool platform_is_dir_sep(char c)
{
	return c == '/';
}

bool platform_same_name(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

void platform_stdio_binary(void)
{
	/* No newline translation here; but a reader that closed its end of the
	 * pipe must give a write error, not kill the process mid-run. */
	signal(SIGPIPE, SIG_IGN);
}

const char *platform_log_relpath(void)
{
	return "logs/active-responses.log";
}

static ar_status errno_status(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
	case EROFS:
		return AR_E_ACCESS;
	case ENOENT:
	case ENOTDIR:
		return AR_E_NOT_FOUND;
	case ENOMEM:
		return AR_E_NOMEM;
	default:
		return AR_E_IO;
	}
}

ar_status sys_exe_path(char **out, ar_error *err)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	*out = NULL;
	if (n <= 0)
		return ar_error_set(err, AR_E_NOT_FOUND, "cannot find the executable");
	exe[n] = '\0';
	*out = strdup(exe);
	return *out ? AR_OK : ar_error_set(err, AR_E_NOMEM, "out of memory");
}

/* An open refused by O_NOFOLLOW (or one that would have waited, ENXIO: a
 * FIFO with no reader) says so in words, from what is at name. */
static ar_status open_error(ar_error *err, int dfd, const char *name, const char *what,
                            const char *path, int e)
{
	struct stat sb;
	bool there = fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0;

	if ((e == ELOOP || e == ENOTDIR) && there && S_ISLNK(sb.st_mode))
		return ar_error_set(err, AR_E_ACCESS,
		                    "%s is a link the program did not make: not followed", path);
	if (there && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode) && !S_ISLNK(sb.st_mode))
		return ar_error_set(err, AR_E_ACCESS, "%s is not a regular file: not opened", path);
	return ar_error_set(err, errno_status(e), "cannot %s %s: %s", what, path, strerror(e));
}

ar_status sys_dir_open(const char *path, int flags, sys_dir *d, ar_error *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	                            ((flags & SYS_DIR_NO_LINK) ? O_NOFOLLOW : 0));

	*d = fd;
	return fd < 0 ? open_error(err, AT_FDCWD, path, "open folder", path, errno) : AR_OK;
}

/* Judged and changed through the descriptor of the folder itself: a
 * folder someone else owns (who could open it again) is refused. */
ar_status sys_dir_restrict(sys_dir d, const char *path, ar_error *err)
{
	struct stat sb;

	if (fstat((int)d, &sb) != 0)
		return ar_error_set(err, errno_status(errno), "cannot inspect %s: %s", path,
		                    strerror(errno));
	if (sb.st_uid != geteuid())
		return ar_error_set(err, AR_E_ACCESS,
		                    "%s is owned by another user (uid %lu): refused", path,
		                    (unsigned long)sb.st_uid);
	/* Already owner-only: nothing to write (this runs at every start). */
	if ((sb.st_mode & 07777) != 0700 && fchmod((int)d, 0700) != 0)
		return ar_error_set(err, errno_status(errno), "cannot restrict %s: %s", path,
		                    strerror(errno));
	return AR_OK;
}

bool sys_dir_shared(sys_dir d)
{
	struct stat sb;

	if (fstat((int)d, &sb) != 0)
		return true;
	return (sb.st_mode & 022) != 0 || (sb.st_uid != geteuid() && (sb.st_mode & 0200) != 0);
}

void sys_dir_close(sys_dir d)
{
	(void)close((int)d);
}

/* What a file opened must be: a regular file, and in a shared folder (or
 * for SYS_READ_OWN) one of this user's; SYS_READ_OWN also one no one else
 * can write. */
static ar_status judge_open(int fd, const char *path, sys_how how, bool own_only, ar_error *err)
{
	struct stat sb;

	if (fstat(fd, &sb) != 0)
		return ar_error_set(err, errno_status(errno), "cannot inspect %s: %s", path,
		                    strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return ar_error_set(err, AR_E_ACCESS, "%s is not a regular file: not %s", path,
		                    how == SYS_READ || how == SYS_READ_OWN ? "read" : "used");
	if ((own_only || how == SYS_READ_OWN) &&
	    (sb.st_uid != geteuid() || (how == SYS_READ_OWN && (sb.st_mode & 022) != 0)))
		return ar_error_set(err, AR_E_ACCESS,
		                    "%s is not the program's own (uid %lu, mode %04o): not %s",
		                    path, (unsigned long)sb.st_uid, (unsigned)(sb.st_mode & 07777),
		                    how == SYS_READ || how == SYS_READ_OWN ? "read" : "used");
	/* Judged: from here reads and writes wait as they normally do. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
		return ar_error_set(err, AR_E_IO, "cannot use %s: %s", path, strerror(errno));
	return AR_OK;
}

/* Never waits in the open (O_NONBLOCK: a FIFO, a device), then judged
 * through the descriptor just opened, so it is the file that is used. */
static ar_status open_judged(int dfd, const char *name, const char *path, int flags, mode_t mode,
                             sys_how how, bool own_only, int *out, ar_error *err)
{
	int fd = openat(dfd, name, flags | O_NONBLOCK | O_CLOEXEC, mode);
	ar_status st;

	*out = -1;
	if (fd < 0)
		return open_error(err, dfd, name, "open", path, errno);
	if ((st = judge_open(fd, path, how, own_only, err)) != AR_OK) {
		close(fd);
		return st;
	}
	*out = fd;
	return AR_OK;
}

ar_status sys_open_at(sys_dir d, const char *name, const char *path, sys_how how, bool own_only,
                      sys_file *f, ar_error *err)
{
	int flags = how == SYS_READ   ? O_RDONLY
	            : how == SYS_LOCK ? O_RDWR | O_CREAT | O_NOFOLLOW
	                              : O_RDONLY | O_NOFOLLOW;
	int fd;
	ar_status st = open_judged((int)d, name, path, flags, 0600, how, own_only, &fd, err);

	*f = fd;
	return st;
}

ar_status sys_read(sys_file f, const char *path, void *buf, size_t cap, size_t *got, ar_error *err)
{
	ssize_t n;

	do
		n = read((int)f, buf, cap);
	while (n < 0 && errno == EINTR);
	*got = n > 0 ? (size_t)n : 0;
	return n < 0 ? ar_error_set(err, errno_status(errno), "cannot read %s: %s", path,
	                            strerror(errno))
	             : AR_OK;
}

void sys_close(sys_file f)
{
	(void)close((int)f);
}

ar_status sys_lock_nowait(sys_file f, const char *path, bool *held, ar_error *err)
{
	/* flock, not fcntl locks: those are per process and dropped by any
	 * close of the file in it. */
	while (flock((int)f, LOCK_EX | LOCK_NB) != 0) {
		*held = false;
		if (errno == EINTR)
			continue;
		return errno == EWOULDBLOCK
		               ? AR_OK
		               : ar_error_set(err, errno_status(errno), "cannot lock %s: %s", path,
		                              strerror(errno));
	}
	*held = true;
	return AR_OK;
}

/* *done (may be NULL) counts the bytes written, also when it fails. */
static ar_status write_all(int fd, const void *data, size_t len, size_t *done)
{
	const unsigned char *p = data;
	size_t written = 0;
	ar_status st = AR_OK;

	while (written < len) {
		ssize_t n = write(fd, p + written, len - written);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			st = AR_E_IO;
			break;
		}
		written += (size_t)n;
	}
	if (done != NULL)
		*done = written;
	return st;
}

ar_status sys_write_new_at(sys_dir d, const char *name, const char *path, const void *data,
                           size_t len, bool private_file, ar_error *err)
{
	/* The program's modes, whatever the file it replaces had. */
	mode_t mode = private_file ? 0600 : 0644;
	int fd = openat((int)d, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	ar_status st = AR_OK;

	if (fd < 0)
		return open_error(err, (int)d, name, "create", path, errno);
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len, NULL) != AR_OK || fsync(fd) != 0)
		st = ar_error_set(err, errno_status(errno), "cannot write %s: %s", path,
		                  strerror(errno));
	if (close(fd) != 0 && st == AR_OK)
		st = ar_error_set(err, AR_E_IO, "cannot write %s: %s", path, strerror(errno));
	return st;
}

ar_status sys_replace_at(sys_dir d, const char *from, const char *from_path, const char *to,
                         const char *to_path, ar_error *err)
{
	(void)from_path;
	if (renameat((int)d, from, (int)d, to) != 0)
		return ar_error_set(err, errno_status(errno), "cannot replace %s: %s", to_path,
		                    strerror(errno));
	/* The rename itself must survive a crash too. */
	(void)fsync((int)d);
	return AR_OK;
}

/* A line cut short (a full disk) is cut off again: the next line must not
 * be glued to half of this one. */
static void undo_partial_append(int fd, size_t done)
{
	off_t end = lseek(fd, 0, SEEK_CUR);

	if (done > 0 && end >= (off_t)done)
		(void)ftruncate(fd, end - (off_t)done);
}

ar_status sys_append_at(sys_dir d, const char *name, const char *path, const char *line, size_t len,
                        bool own_only, ar_error *err)
{
	int fd;
	size_t done = 0;
	/* A log the agent's group may read, as the agent's own. */
	ar_status st = open_judged((int)d, name, path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW,
	                           0640, SYS_LOCK, own_only, &fd, err);

	if (st != AR_OK)
		return st;
	if (write_all(fd, line, len, &done) != AR_OK) {
		int e = errno;
		undo_partial_append(fd, done);
		st = ar_error_set(err, errno_status(e), "cannot append to %s: %s", path,
		                  strerror(e));
	}
	if (close(fd) != 0 && st == AR_OK)
		st = ar_error_set(err, AR_E_IO, "cannot append to %s: %s", path, strerror(errno));
	return st;
}

ar_status sys_mkdir(const char *path, ar_error *err)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return ar_error_set(err, errno_status(errno), "cannot create folder %s: %s", path,
		                    strerror(errno));
	return AR_OK;
}

bool platform_exists(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0;
}

ar_status sys_remove_at(sys_dir d, const char *name, const char *path, ar_error *err)
{
	if (unlinkat((int)d, name, 0) != 0 && errno != ENOENT)
		return ar_error_set(err, errno_status(errno), "cannot remove %s: %s", path,
		                    strerror(errno));
	return AR_OK;
}

bool sys_exists_at(sys_dir d, const char *name, const char *path)
{
	struct stat sb;

	(void)path;
	return fstatat((int)d, name, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

ar_status sys_list(sys_dir dir, const char *path, sys_each_name each, void *ctx, ar_error *err)
{
	/* A descriptor of its own: closedir closes it. */
	int fd = dup((int)dir);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	ar_status st = AR_OK;

	if (d == NULL) {
		int e0 = errno;
		if (fd >= 0)
			close(fd);
		return ar_error_set(err, errno_status(e0), "cannot list %s: %s", path,
		                    strerror(e0));
	}
	rewinddir(d);
	while (st == AR_OK && (e = readdir(d)) != NULL) {
		if (e->d_type != DT_DIR)
			st = each(ctx, e->d_name, err);
	}
	closedir(d);
	return st;
}

void platform_keep_secrets_from_dumps(void)
{
	const struct rlimit none = {0, 0};

	/* Best effort: neither call fails for a process changing itself. */
	(void)setrlimit(RLIMIT_CORE, &none);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

ar_status platform_file_is_private(const char *path, bool *is_private, char *why, size_t why_len,
                                   ar_error *err)
{
	struct stat sb;

	*is_private = false;
	if (stat(path, &sb) != 0)
		return ar_error_set(err, errno_status(errno), "cannot inspect %s: %s", path,
		                    strerror(errno));
	*is_private = (sb.st_mode & 077) == 0;
	if (!*is_private && why != NULL && why_len > 0)
		snprintf(why, why_len,
		         "mode %04o lets %s read it; make it readable by its owner only",
		         (unsigned)(sb.st_mode & 07777),
		         (sb.st_mode & 070) ? "its group" : "other users");
	return AR_OK;
}

void platform_localtime(time_t t, struct tm *out)
{
	localtime_r(&t, out);
}

uint64_t platform_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

unsigned long platform_pid(void)
{
	return (unsigned long)getpid();
}

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void platform_hold_stop_signals(void)
{
	sigset_t set;

	stop_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int platform_stop_requested(void)
{
	static const int which[] = {SIGTERM, SIGINT, SIGHUP};
	sigset_t pending;

	if (sigpending(&pending) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++)
		if (sigismember(&pending, which[i]) == 1)
			return which[i];
	return 0;
}

void platform_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

ar_status platform_read_timed(FILE *stream, void *buf, size_t cap, unsigned timeout_ms, size_t *got,
                              ar_error *err)
{
	struct pollfd p = {.fd = fileno(stream), .events = POLLIN};
	int rc;
	ssize_t n;

	*got = 0;
	if (p.fd < 0)
		return ar_error_set(err, AR_E_IO, "standard input has no file to read");
	do
		rc = poll(&p, 1, timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return ar_error_set(err, AR_E_TIMEOUT, "nothing to read after %u ms", timeout_ms);
	if (rc < 0 || (p.revents & POLLNVAL))
		return ar_error_set(err, AR_E_IO, "cannot wait for standard input: %s",
		                    rc < 0 ? strerror(errno) : "not open");
	do
		n = read(p.fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ar_error_set(err, AR_E_IO, "cannot read standard input: %s",
		                    strerror(errno));
	*got = (size_t)n;
	return AR_OK;
}

ar_status platform_random(void *buf, size_t len, ar_error *err)
{
	unsigned char *p = buf;
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ar_error_set(err, AR_E_IO, "no entropy: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return AR_OK;
}

char *platform_abspath(const char *path)
{
	char *r = realpath(path, NULL);
	return r != NULL ? r : strdup(path);
}

ar_status platform_utf8_argv(int argc, char **argv, int *out_argc, char ***out, ar_error *err)
{
	/* POSIX arguments are bytes already; UTF-8 is the locale's concern. */
	(void)err;
	*out_argc = argc;
	*out = argv;
	return AR_OK;
}

void platform_free_argv(int argc, char **argv)
{
	(void)argc;
	(void)argv;
}
