/* POSIX side of platform.h. */
#include "platform/platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

char platform_dir_sep(void)
{
	return '/';
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

/* Folder part of a path, "." when there is none; caller frees. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	d = malloc((size_t)(slash - path) + 1);
	if (d != NULL) {
		memcpy(d, path, (size_t)(slash - path));
		d[slash - path] = '\0';
	}
	return d;
}

static bool ends_with_dir(const char *dir, const char *tail)
{
	size_t dl = strlen(dir), tl = strlen(tail);
	return dl >= tl && strcmp(dir + dl - tl, tail) == 0 &&
	       (dl == tl || dir[dl - tl - 1] == '/');
}

ar_status platform_agent_dir(const char *argv0, char **out, ar_error *err)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *dir = NULL;
	ar_status st = AR_OK;

	(void)argv0;
	*out = NULL;
	if (n > 0) {
		exe[n] = '\0';
		dir = dir_of(exe);
		if (dir != NULL && ends_with_dir(dir, "active-response/bin")) {
			dir[strlen(dir) - strlen("/active-response/bin")] = '\0';
			*out = dir;
			return AR_OK;
		}
		free(dir);
	}
	if (getcwd(exe, sizeof(exe)) == NULL)
		st = ar_error_set(err, errno_status(errno), "cannot read the working folder: %s",
		                  strerror(errno));
	else if ((*out = strdup(exe)) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	return st;
}

ar_status platform_read_file(const char *path, size_t cap, unsigned char **data, size_t *len,
                             ar_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *buf = NULL;
	size_t used = 0, size = 0;
	ar_status st = AR_OK;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return ar_error_set(err, errno_status(errno), "cannot open %s: %s", path,
		                    strerror(errno));
	for (;;) {
		ssize_t got;
		if (size - used < 2) {
			size_t want = size ? size * 2 : 4096;
			unsigned char *nb;
			if (want > cap + 2)
				want = cap + 2;
			if (want <= size) {
				st = ar_error_set(err, AR_E_TOO_LARGE,
				                  "%s is larger than %zu bytes", path, cap);
				goto out;
			}
			nb = realloc(buf, want);
			if (nb == NULL) {
				st = ar_error_set(err, AR_E_NOMEM, "out of memory reading %s",
				                  path);
				goto out;
			}
			buf = nb;
			size = want;
		}
		got = read(fd, buf + used, size - used - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			st = ar_error_set(err, errno_status(errno), "cannot read %s: %s", path,
			                  strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		used += (size_t)got;
		if (used > cap) {
			st = ar_error_set(err, AR_E_TOO_LARGE, "%s is larger than %zu bytes", path,
			                  cap);
			goto out;
		}
	}
	buf[used] = '\0';
	*data = buf;
	*len = used;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return st;
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

ar_status platform_write_file_atomic(const char *path, const void *data, size_t len,
                                     bool private_file, ar_error *err)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 32);
	char *dir = dir_of(path);
	mode_t mode = private_file ? 0600 : 0644;
	struct stat old;
	int fd = -1, dfd;
	ar_status st = AR_OK;

	if (tmp == NULL || dir == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	/* A file being replaced keeps its permissions. */
	if (!private_file && stat(path, &old) == 0)
		mode = old.st_mode & 07777;
	snprintf(tmp, plen + 32, "%s.tmp%lu", path, (unsigned long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		st = ar_error_set(err, errno_status(errno), "cannot create %s: %s", tmp,
		                  strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len, NULL) != AR_OK || fsync(fd) != 0) {
		st = ar_error_set(err, errno_status(errno), "cannot write %s: %s", tmp,
		                  strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		st = ar_error_set(err, AR_E_IO, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		st = ar_error_set(err, errno_status(errno), "cannot replace %s: %s", path,
		                  strerror(errno));
		goto out;
	}
	/* The rename itself must survive a crash too. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (st != AR_OK && tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	free(dir);
	return st;
}

/* A line cut short (a full disk) is cut off again: the next line must not
 * be glued to half of this one. */
static void undo_partial_append(int fd, size_t done)
{
	off_t end = lseek(fd, 0, SEEK_CUR);

	if (done > 0 && end >= (off_t)done)
		(void)ftruncate(fd, end - (off_t)done);
}

ar_status platform_append_line(const char *path, const char *line, size_t len, ar_error *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	size_t done = 0;
	ar_status st = AR_OK;

	if (fd < 0)
		return ar_error_set(err, errno_status(errno), "cannot open %s: %s", path,
		                    strerror(errno));
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

ar_status platform_mkdir_p(const char *path, ar_error *err)
{
	char *p = strdup(path);
	ar_status st = AR_OK;
	size_t n;

	if (p == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	for (char *s = p + 1; st == AR_OK; s++) {
		bool last = (*s == '\0');
		if (*s != '/' && !last)
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			st = ar_error_set(err, errno_status(errno), "cannot create folder %s: %s",
			                  p, strerror(errno));
		if (last)
			break;
		*s = '/';
	}
	free(p);
	return st;
}

struct platform_lock {
	int fd;
};

ar_status platform_lock_try(const char *path, platform_lock **out, ar_error *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ar_status st = AR_OK;

	*out = NULL;
	if (fd < 0)
		return ar_error_set(err, errno_status(errno), "cannot open %s: %s", path,
		                    strerror(errno));
	/* flock, not fcntl locks: those are per process and dropped by any
	 * close of the file in it. */
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			st = ar_error_set(err, errno_status(errno), "cannot lock %s: %s", path,
			                  strerror(errno));
		(void)close(fd);
		return st;
	}
	*out = malloc(sizeof(**out));
	if (*out == NULL) {
		(void)close(fd);
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	(*out)->fd = fd;
	return AR_OK;
}

void platform_lock_release(platform_lock *lock)
{
	if (lock == NULL)
		return;
	(void)close(lock->fd); /* closing the last descriptor releases the lock */
	free(lock);
}

bool platform_exists(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0;
}

ar_status platform_remove(const char *path, ar_error *err)
{
	if (unlink(path) != 0 && errno != ENOENT)
		return ar_error_set(err, errno_status(errno), "cannot remove %s: %s", path,
		                    strerror(errno));
	return AR_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

ar_status platform_list_dir(const char *dir, const char *suffix, char ***names, size_t *count,
                            ar_error *err)
{
	DIR *d = opendir(dir);
	char **list = NULL;
	size_t n = 0, cap = 0, sl = strlen(suffix);
	struct dirent *e;
	ar_status st = AR_OK;

	*names = NULL;
	*count = 0;
	if (d == NULL)
		return ar_error_set(err, errno_status(errno), "cannot list %s: %s", dir,
		                    strerror(errno));
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < sl || strcmp(e->d_name + l - sl, suffix) != 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nl = realloc(list, nc * sizeof(*nl));
			if (nl == NULL) {
				st = ar_error_set(err, AR_E_NOMEM, "out of memory listing %s", dir);
				goto out;
			}
			list = nl;
			cap = nc;
		}
		if ((list[n] = strdup(e->d_name)) == NULL) {
			st = ar_error_set(err, AR_E_NOMEM, "out of memory listing %s", dir);
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(list, n, sizeof(*list), cmp_str);
	*names = list;
	*count = n;
	list = NULL;
	n = 0;
out:
	platform_free_list(list, n);
	closedir(d);
	return st;
}

void platform_free_list(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
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
		snprintf(why, why_len, "mode %04o lets %s read it", (unsigned)(sb.st_mode & 07777),
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

void platform_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
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

ar_status platform_utf8_argv(int argc, char **argv, char ***out, ar_error *err)
{
	/* POSIX arguments are bytes already; UTF-8 is the locale's concern. */
	(void)argc;
	(void)err;
	*out = argv;
	return AR_OK;
}

void platform_free_argv(int argc, char **argv)
{
	(void)argc;
	(void)argv;
}
