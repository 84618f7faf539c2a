/* The registry backend over the live Windows registry: wide-character API,
 * always the 64-bit view (KEY_WOW64_64KEY), values read with their exact
 * type and bytes. */
#include "registry/registry.h"
#include "platform/win32_text.h"
#include "util/strbuf.h"

#include <windows.h>

#include <stdlib.h>
#include <string.h>

static ar_status win_error(ar_error *err, LONG code, const char *what, const char *key)
{
	char text[256];

	win32_error_text((unsigned long)code, text, sizeof(text));
	if (code == ERROR_ACCESS_DENIED)
		return ar_error_set(err, AR_E_ACCESS,
		                    "access denied %s %s: run as SYSTEM or an administrator", what,
		                    key);
	return ar_error_set(err, AR_E_IO, "%s %s: %s (error %ld)", what, key, text, (long)code);
}

static HKEY root_handle(const char *root)
{
	if (strcmp(root, "HKEY_LOCAL_MACHINE") == 0)
		return HKEY_LOCAL_MACHINE;
	if (strcmp(root, "HKEY_CURRENT_USER") == 0)
		return HKEY_CURRENT_USER;
	if (strcmp(root, "HKEY_USERS") == 0)
		return HKEY_USERS;
	if (strcmp(root, "HKEY_CLASSES_ROOT") == 0)
		return HKEY_CLASSES_ROOT;
	return HKEY_CURRENT_CONFIG;
}

/* Opens (or creates) key; *missing is set instead of failing when it is not
 * there and create is false. */
static ar_status open_key(const char *key, REGSAM access, bool create, HKEY *out, bool *missing,
                          ar_error *err)
{
	const char *root, *sub;
	wchar_t *wsub;
	LONG rc;

	*out = NULL;
	*missing = false;
	if (!registry_split_root(key, &root, &sub))
		return ar_error_set(err, AR_E_INVALID, "not a registry key path: %s", key);
	if ((wsub = win32_to_wide(sub)) == NULL)
		return ar_error_set(err, AR_E_INVALID, "key path is not valid UTF-8: %s", key);
	if (create)
		rc = RegCreateKeyExW(root_handle(root), wsub, 0, NULL, REG_OPTION_NON_VOLATILE,
		                     access | KEY_WOW64_64KEY, NULL, out, NULL);
	else
		rc = RegOpenKeyExW(root_handle(root), wsub, 0, access | KEY_WOW64_64KEY, out);
	free(wsub);
	if (rc == ERROR_FILE_NOT_FOUND && !create) {
		*missing = true;
		return AR_OK;
	}
	return rc == ERROR_SUCCESS ? AR_OK
	                           : win_error(err, rc, create ? "creating" : "opening", key);
}

/* What every value operation starts with: the value name in UTF-16 (NULL
 * unless AR_OK; caller frees) and the key opened as open_key does. */
static ar_status open_value(const char *key, const char *name, REGSAM access, bool create, HKEY *h,
                            bool *missing, wchar_t **wname, ar_error *err)
{
	ar_status st;

	*h = NULL;
	*missing = false;
	if ((*wname = win32_to_wide(name)) == NULL)
		return ar_error_set(err, AR_E_INVALID, "value name is not valid UTF-8");
	st = open_key(key, access, create, h, missing, err);
	if (st != AR_OK) {
		free(*wname);
		*wname = NULL;
	}
	return st;
}

static ar_status w32_read(registry *reg, const char *key, const char *name, reg_value *out,
                          ar_error *err)
{
	HKEY h;
	bool missing;
	wchar_t *wname;
	DWORD type = 0, size = 0;
	unsigned char *data = NULL;
	LONG rc;
	ar_status st;

	(void)reg;
	memset(out, 0, sizeof(*out));
	st = open_value(key, name, KEY_QUERY_VALUE, false, &h, &missing, &wname, err);
	if (st != AR_OK || missing)
		goto out;
	out->key_exists = true;
	/* The size can change between the two calls: ask again until it fits. */
	for (;;) {
		rc = RegQueryValueExW(h, wname, NULL, &type, data, &size);
		if (rc == ERROR_MORE_DATA || (rc == ERROR_SUCCESS && data == NULL && size > 0)) {
			unsigned char *nd = realloc(data, size);
			if (nd == NULL) {
				st = ar_error_set(err, AR_E_NOMEM, "out of memory");
				break;
			}
			data = nd;
			continue;
		}
		if (rc == ERROR_FILE_NOT_FOUND)
			break;
		if (rc != ERROR_SUCCESS) {
			st = win_error(err, rc, "reading", key);
			break;
		}
		st = reg_value_set(out, type, data, size, err);
		break;
	}
	RegCloseKey(h);
out:
	free(data);
	free(wname);
	return st;
}

/* Sets the value (creating the key) or, with value NULL, removes it (a
 * missing key or value is already the wanted state). */
static ar_status w32_set(registry *reg, const char *key, const char *name, const reg_value *value,
                         ar_error *err)
{
	HKEY h;
	bool missing;
	wchar_t *wname;
	LONG rc;
	ar_status st =
	        open_value(key, name, KEY_SET_VALUE, value != NULL, &h, &missing, &wname, err);

	(void)reg;
	if (st == AR_OK && !missing) {
		if (value != NULL)
			rc = RegSetValueExW(h, wname, 0, value->type, value->data,
			                    (DWORD)value->len);
		else
			rc = RegDeleteValueW(h, wname);
		if (rc != ERROR_SUCCESS && !(value == NULL && rc == ERROR_FILE_NOT_FOUND))
			st = win_error(err, rc, value ? "writing" : "deleting a value of", key);
		/* Kept, though Microsoft calls it costly and rarely needed: the
		 * hive is otherwise written lazily, and a machine that stops
		 * before then comes back with the old value while the log says
		 * remediated; SCA, which alerts on a change of result only, may
		 * then never alert again. One write per remediation is worth
		 * it. (Under Wine it is one request that writes nothing: the
		 * run's cost lies elsewhere, docs/benchmarks.md.) */
		RegFlushKey(h);
		RegCloseKey(h);
	}
	free(wname);
	return st;
}

static void w32_close(registry *reg)
{
	free(reg);
}

/* %SystemRoot%\security\templates\policies: where the Security extension
 * keeps a copy of each applied GPO's GptTmpl.inf (gpt00000.inf, ...). */
static char *w32_gp_template_dir(registry *reg)
{
	wchar_t wdir[MAX_PATH];
	UINT n = GetSystemWindowsDirectoryW(wdir, MAX_PATH);
	char *dir;
	strbuf sb = {0};

	(void)reg;
	if (n == 0 || n >= MAX_PATH || (dir = win32_to_utf8(wdir)) == NULL)
		return NULL;
	strbuf_addf(&sb, "%s\\security\\templates\\policies", dir);
	free(dir);
	return strbuf_take(&sb, NULL);
}

static const registry_ops win32_ops = {
        .name = "win32",
        .read = w32_read,
        .set = w32_set,
        .close = w32_close,
        .gp_template_dir = w32_gp_template_dir,
};

ar_status registry_open_live(registry **out, ar_error *err)
{
	registry *reg = calloc(1, sizeof(*reg));

	*out = NULL;
	if (reg == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	reg->ops = &win32_ops;
	*out = reg;
	return AR_OK;
}
