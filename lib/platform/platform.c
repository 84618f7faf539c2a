/* The half of platform.h that is the same on every system, over the
 * primitives of platform_sys.h. */
#include "platform/platform.h"

#include "platform/platform_sys.h"
#include "util/path.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read in pieces: a file's size is known only once it has been read. */
#define READ_CHUNK 4096u

static bool named(const char *path, const char *name)
{
	return platform_same_name(path_base(path), name);
}

/* The folder two levels up from the executable's folder when those are
 * active-response and bin. NULL otherwise. */
static char *agent_of_exe(const char *exe)
{
	char *bin = path_dir(exe), *ar = NULL, *agent = NULL;

	if (bin != NULL && named(bin, "bin") && (ar = path_dir(bin)) != NULL &&
	    named(ar, "active-response"))
		agent = path_dir(ar);
	free(ar);
	free(bin);
	return agent;
}

ar_status platform_agent_dir(char **out, ar_error *err)
{
	char *exe = NULL;
	ar_status st = sys_exe_path(&exe, err);

	*out = NULL;
	if (st == AR_OK && (*out = agent_of_exe(exe)) == NULL)
		st = ar_error_set(err, AR_E_NOT_FOUND,
		                  "not installed in an agent's active-response%cbin",
		                  platform_dir_sep());
	free(exe);
	return st;
}

struct platform_dir {
	sys_dir d;
	char *path;
	bool shared; /* others may put files in it: only the program's own are used */
};

static ar_status dir_open(const char *path, int flags, platform_dir **out, ar_error *err)
{
	platform_dir *d = calloc(1, sizeof(*d));
	ar_status st;

	*out = NULL;
	if (d == NULL || (d->path = strdup(path)) == NULL) {
		free(d);
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	st = sys_dir_open(path, flags, &d->d, err);
	if (st != AR_OK) {
		free(d->path);
		free(d);
		return st;
	}
	if (flags & SYS_DIR_RESTRICT)
		st = sys_dir_restrict(d->d, path, err);
	d->shared = sys_dir_shared(d->d);
	if (st != AR_OK) {
		platform_dir_close(d);
		return st;
	}
	*out = d;
	return AR_OK;
}

ar_status platform_dir_open(const char *path, platform_dir **out, ar_error *err)
{
	return dir_open(path, 0, out, err);
}

ar_status platform_dir_open_private(const char *path, platform_dir **out, ar_error *err)
{
	ar_status st = platform_mkdir_p(path, err);

	*out = NULL;
	return st == AR_OK ? dir_open(path, SYS_DIR_NO_LINK | SYS_DIR_RESTRICT, out, err) : st;
}

void platform_dir_close(platform_dir *d)
{
	if (d == NULL)
		return;
	sys_dir_close(d->d);
	free(d->path);
	free(d);
}

const char *platform_dir_path(const platform_dir *d)
{
	return d->path;
}

/* The full path of name in d, for messages (and Windows' calls). */
static char *full(const platform_dir *d, const char *name, ar_error *err)
{
	char *path = path_join(d->path, name);

	if (path == NULL)
		ar_error_set(err, AR_E_NOMEM, "out of memory");
	return path;
}

static ar_status read_capped(platform_dir *d, const char *name, sys_how how, size_t cap,
                             unsigned char **data, size_t *len, ar_error *err)
{
	strbuf sb = STRBUF_CAPPED(cap);
	unsigned char chunk[READ_CHUNK];
	size_t got = 0;
	sys_file f;
	char *path = full(d, name, err);
	ar_status st = path ? sys_open_at(d->d, name, path, how, d->shared, &f, err) : AR_E_NOMEM;

	*data = NULL;
	*len = 0;
	if (st != AR_OK) {
		free(path);
		return st;
	}
	do {
		st = sys_read(f, path, chunk, sizeof(chunk), &got, err);
		if (st == AR_OK)
			strbuf_add(&sb, chunk, got);
	} while (st == AR_OK && got > 0 && !sb.failed);
	sys_close(f);
	/* (A cap of 0 is no cap to strbuf: the length says it.) */
	if (st == AR_OK && (strbuf_status(&sb) == AR_E_TOO_LARGE || sb.len > cap))
		st = ar_error_set(err, AR_E_TOO_LARGE, "%s is larger than %zu bytes", path, cap);
	else if (st == AR_OK && (*data = (unsigned char *)strbuf_take(&sb, len)) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory reading %s", path);
	strbuf_free(&sb);
	free(path);
	return st;
}

ar_status platform_dir_read(platform_dir *d, const char *name, size_t cap, unsigned char **data,
                            size_t *len, ar_error *err)
{
	return read_capped(d, name, SYS_READ, cap, data, len, err);
}

ar_status platform_dir_read_own(platform_dir *d, const char *name, size_t cap, unsigned char **data,
                                size_t *len, ar_error *err)
{
	return read_capped(d, name, SYS_READ_OWN, cap, data, len, err);
}

ar_status platform_dir_write(platform_dir *d, const char *name, const void *data, size_t len,
                             bool private_file, ar_error *err)
{
	strbuf sb = {0};
	char *tmp, *tmp_path = NULL, *path = NULL;
	ar_status st = AR_E_NOMEM;

	/* Beside the file, so that the rename stays on one file system. */
	strbuf_addf(&sb, "%s.tmp%lu", name, platform_pid());
	if ((tmp = strbuf_take(&sb, NULL)) != NULL && (tmp_path = full(d, tmp, err)) != NULL &&
	    (path = full(d, name, err)) != NULL)
		st = sys_write_new_at(d->d, tmp, tmp_path, data, len, private_file, err);
	else
		ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (st == AR_OK)
		st = sys_replace_at(d->d, tmp, tmp_path, name, path, err);
	if (st != AR_OK && tmp_path != NULL && st != AR_E_NOMEM)
		(void)sys_remove_at(d->d, tmp, tmp_path, NULL);
	free(path);
	free(tmp_path);
	free(tmp);
	return st;
}

ar_status platform_dir_append(platform_dir *d, const char *name, const char *line, size_t len,
                              ar_error *err)
{
	char *path = full(d, name, err);
	ar_status st =
	        path ? sys_append_at(d->d, name, path, line, len, d->shared, err) : AR_E_NOMEM;

	free(path);
	return st;
}

ar_status platform_dir_remove(platform_dir *d, const char *name, ar_error *err)
{
	char *path = full(d, name, err);
	ar_status st = path ? sys_remove_at(d->d, name, path, err) : AR_E_NOMEM;

	free(path);
	return st;
}

ar_status platform_dir_check(platform_dir *d, const char *name, ar_error *err)
{
	char *path;
	sys_file f;
	ar_status st;

	if (!platform_dir_has(d, name))
		return AR_OK;
	if ((path = full(d, name, err)) == NULL)
		return AR_E_NOMEM;
	st = sys_open_at(d->d, name, path, SYS_CHECK, d->shared, &f, err);
	if (st == AR_OK)
		sys_close(f);
	free(path);
	return st;
}

bool platform_dir_has(platform_dir *d, const char *name)
{
	char *path = full(d, name, NULL);
	bool has = path != NULL && sys_exists_at(d->d, name, path);

	free(path);
	return has;
}

/* A whole path as its folder, opened, and the name in it. */
typedef struct at_path {
	platform_dir *dir;
	const char *name;
} at_path;

static ar_status at_open(const char *path, at_path *at, ar_error *err)
{
	char *dir = path_dir(path);
	ar_status st;

	at->dir = NULL;
	st = dir ? platform_dir_open(dir, &at->dir, err)
	         : ar_error_set(err, AR_E_NOMEM, "out of memory");
	at->name = path_base(path);
	free(dir);
	if (st != AR_OK && st != AR_E_NOMEM)
		ar_error_prefix(err, st, "%s", path);
	return st;
}

/* Closes at's folder; st passed on. */
static ar_status at_done(at_path *at, ar_status st)
{
	platform_dir_close(at->dir);
	return st;
}

static ar_status read_path(const char *path, sys_how how, size_t cap, unsigned char **data,
                           size_t *len, ar_error *err)
{
	at_path at;
	ar_status st = at_open(path, &at, err);

	*data = NULL;
	*len = 0;
	return at_done(&at,
	               st == AR_OK ? read_capped(at.dir, at.name, how, cap, data, len, err) : st);
}

ar_status platform_read_file(const char *path, size_t cap, unsigned char **data, size_t *len,
                             ar_error *err)
{
	return read_path(path, SYS_READ, cap, data, len, err);
}

ar_status platform_read_own_file(const char *path, size_t cap, unsigned char **data, size_t *len,
                                 ar_error *err)
{
	return read_path(path, SYS_READ_OWN, cap, data, len, err);
}

ar_status platform_write_file_atomic(const char *path, const void *data, size_t len,
                                     bool private_file, ar_error *err)
{
	at_path at;
	ar_status st = at_open(path, &at, err);

	return at_done(
	        &at, st == AR_OK ? platform_dir_write(at.dir, at.name, data, len, private_file, err)
	                         : st);
}

ar_status platform_append_line(const char *path, const char *line, size_t len, ar_error *err)
{
	at_path at;
	ar_status st = at_open(path, &at, err);

	return at_done(&at,
	               st == AR_OK ? platform_dir_append(at.dir, at.name, line, len, err) : st);
}

/* A missing folder or file is fine for these two. */
ar_status platform_check_file(const char *path, ar_error *err)
{
	at_path at;
	ar_status st = at_open(path, &at, err);

	st = at_done(&at, st == AR_OK ? platform_dir_check(at.dir, at.name, err) : st);
	return st == AR_E_NOT_FOUND ? AR_OK : st;
}

ar_status platform_remove(const char *path, ar_error *err)
{
	at_path at;
	ar_status st = at_open(path, &at, err);

	st = at_done(&at, st == AR_OK ? platform_dir_remove(at.dir, at.name, err) : st);
	return st == AR_E_NOT_FOUND ? AR_OK : st;
}

ar_status platform_private_dir(const char *path, ar_error *err)
{
	platform_dir *d = NULL;
	ar_status st = platform_dir_open_private(path, &d, err);

	platform_dir_close(d);
	return st;
}

ar_status platform_mkdir_p(const char *path, ar_error *err)
{
	char *p;
	ar_status st = AR_OK;
	size_t n;

	/* The common case, a folder that is there, costs one look. */
	if (platform_exists(path))
		return AR_OK;
	if ((p = strdup(path)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	n = strlen(p);
	while (n > 1 && platform_is_dir_sep(p[n - 1]))
		p[--n] = '\0';
	/* Each folder from the top down; the first byte is never a cut, so a
	 * root stays whole. */
	for (size_t i = 1; i <= n && st == AR_OK; i++) {
		char c = p[i];
		if (c != '\0' && !platform_is_dir_sep(c))
			continue;
		p[i] = '\0';
		st = sys_mkdir(p, err);
		p[i] = c;
	}
	free(p);
	return st;
}

struct platform_lock {
	sys_file f;
};

ar_status platform_dir_lock_try(platform_dir *d, const char *name, platform_lock **out,
                                ar_error *err)
{
	bool held = false;
	sys_file f;
	char *path = full(d, name, err);
	ar_status st =
	        path ? sys_open_at(d->d, name, path, SYS_LOCK, d->shared, &f, err) : AR_E_NOMEM;

	*out = NULL;
	if (st != AR_OK) {
		free(path);
		return st;
	}
	st = sys_lock_nowait(f, path, &held, err);
	free(path);
	if (st == AR_OK && held && (*out = malloc(sizeof(**out))) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (*out == NULL) {
		sys_close(f);
		return st;
	}
	(*out)->f = f;
	return AR_OK;
}

ar_status platform_dir_lock_wait(platform_dir *d, const char *name, uint64_t deadline,
                                 unsigned poll_ms, platform_lock **out, ar_error *err)
{
	ar_status st;

	while ((st = platform_dir_lock_try(d, name, out, err)) == AR_OK && *out == NULL &&
	       platform_monotonic_ms() + poll_ms < deadline)
		platform_sleep_ms(poll_ms);
	return st;
}

ar_status platform_lock_try(const char *path, platform_lock **out, ar_error *err)
{
	return platform_lock_wait(path, 0, 0, out, err);
}

ar_status platform_lock_wait(const char *path, uint64_t deadline, unsigned poll_ms,
                             platform_lock **out, ar_error *err)
{
	at_path at;
	ar_status st = at_open(path, &at, err);

	*out = NULL;
	return at_done(&at, st == AR_OK ? platform_dir_lock_wait(at.dir, at.name, deadline, poll_ms,
	                                                         out, err)
	                                : st);
}

void platform_lock_release(platform_lock *lock)
{
	if (lock == NULL)
		return;
	sys_close(lock->f); /* closing the file releases the lock */
	free(lock);
}

typedef struct listing {
	const char *dir;
	const char *suffix;
	strbuf names; /* char *[] */
} listing;

static ar_status keep_name(void *vctx, const char *name, ar_error *err)
{
	listing *l = vctx;
	size_t n = strlen(name), sl = strlen(l->suffix);
	char *copy;

	/* Dot files are never ours (temporary files, editors' copies). */
	if (name[0] == '.' || n < sl || strcmp(name + n - sl, l->suffix) != 0)
		return AR_OK;
	if ((copy = strdup(name)) != NULL)
		strbuf_add(&l->names, &copy, sizeof(copy));
	if (copy == NULL || l->names.failed) {
		free(copy);
		return ar_error_set(err, AR_E_NOMEM, "out of memory listing %s", l->dir);
	}
	return AR_OK;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

ar_status platform_dir_list(platform_dir *d, const char *suffix, char ***names, size_t *count,
                            ar_error *err)
{
	listing l = {.dir = d->path, .suffix = suffix};
	ar_status st = sys_list(d->d, d->path, keep_name, &l, err);
	size_t n = l.names.len / sizeof(char *);

	*names = NULL;
	*count = 0;
	if (st != AR_OK) {
		platform_free_list((char **)l.names.buf, n);
		return st;
	}
	if (n > 1)
		qsort(l.names.buf, n, sizeof(char *), cmp_names);
	*names = (char **)l.names.buf;
	*count = n;
	return AR_OK;
}

ar_status platform_list_dir(const char *dir, const char *suffix, char ***names, size_t *count,
                            ar_error *err)
{
	platform_dir *d = NULL;
	ar_status st = platform_dir_open(dir, &d, err);

	*names = NULL;
	*count = 0;
	if (st == AR_OK)
		st = platform_dir_list(d, suffix, names, count, err);
	platform_dir_close(d);
	return st;
}

void platform_free_list(char **names, size_t count)
{
	for (size_t i = 0; names != NULL && i < count; i++)
		free(names[i]);
	free(names);
}
