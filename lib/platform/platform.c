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

typedef ar_status (*sys_opener)(const char *path, sys_file *f, ar_error *err);

static ar_status read_capped(sys_opener open_file, const char *path, size_t cap,
                             unsigned char **data, size_t *len, ar_error *err)
{
	strbuf sb = STRBUF_CAPPED(cap);
	unsigned char chunk[READ_CHUNK];
	size_t got = 0;
	sys_file f;
	ar_status st = open_file(path, &f, err);

	*data = NULL;
	*len = 0;
	if (st != AR_OK)
		return st;
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
	return st;
}

ar_status platform_read_file(const char *path, size_t cap, unsigned char **data, size_t *len,
                             ar_error *err)
{
	return read_capped(sys_open_read, path, cap, data, len, err);
}

ar_status platform_read_own_file(const char *path, size_t cap, unsigned char **data, size_t *len,
                                 ar_error *err)
{
	return read_capped(sys_open_read_own, path, cap, data, len, err);
}

ar_status platform_write_file_atomic(const char *path, const void *data, size_t len,
                                     bool private_file, ar_error *err)
{
	strbuf sb = {0};
	char *tmp;
	ar_status st;

	/* Beside the file, so that the rename stays on one file system. */
	strbuf_addf(&sb, "%s.tmp%lu", path, platform_pid());
	if ((tmp = strbuf_take(&sb, NULL)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	st = sys_write_new(tmp, path, data, len, private_file, err);
	if (st == AR_OK)
		st = sys_replace(tmp, path, err);
	if (st != AR_OK)
		(void)platform_remove(tmp, NULL);
	free(tmp);
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

ar_status platform_lock_try(const char *path, platform_lock **out, ar_error *err)
{
	bool held = false;
	sys_file f;
	ar_status st = sys_open_lock(path, &f, err);

	*out = NULL;
	if (st != AR_OK)
		return st;
	st = sys_lock_nowait(f, path, &held, err);
	if (st == AR_OK && held && (*out = malloc(sizeof(**out))) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (*out == NULL) {
		sys_close(f);
		return st;
	}
	(*out)->f = f;
	return AR_OK;
}

ar_status platform_lock_wait(const char *path, uint64_t deadline, unsigned poll_ms,
                             platform_lock **out, ar_error *err)
{
	ar_status st;

	while ((st = platform_lock_try(path, out, err)) == AR_OK && *out == NULL &&
	       platform_monotonic_ms() + poll_ms < deadline)
		platform_sleep_ms(poll_ms);
	return st;
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

ar_status platform_list_dir(const char *dir, const char *suffix, char ***names, size_t *count,
                            ar_error *err)
{
	listing l = {.dir = dir, .suffix = suffix};
	ar_status st = sys_list(dir, keep_name, &l, err);
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

void platform_free_list(char **names, size_t count)
{
	for (size_t i = 0; names != NULL && i < count; i++)
		free(names[i]);
	free(names);
}
