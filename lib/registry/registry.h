/* The one small interface every registry backend implements: the live
 * Windows registry (registry_win32.c) and a .reg file standing in for it
 * (registry_regfile.c). Keys are full paths with the root spelled out or
 * abbreviated ("HKEY_LOCAL_MACHINE\\System\\..." or "HKLM\\System\\...").
 * Names and string data are UTF-8. */
#ifndef REGISTRY_H
#define REGISTRY_H

#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value types, numbered as Windows numbers them (winnt.h). */
enum {
	REGV_NONE = 0,
	REGV_SZ = 1,
	REGV_EXPAND_SZ = 2,
	REGV_BINARY = 3,
	REGV_DWORD = 4,
	REGV_DWORD_BIG_ENDIAN = 5,
	REGV_LINK = 6,
	REGV_MULTI_SZ = 7,
	REGV_RESOURCE_LIST = 8,
	REGV_FULL_RESOURCE_DESCRIPTOR = 9,
	REGV_RESOURCE_REQUIREMENTS_LIST = 10,
	REGV_QWORD = 11
};

/* A value as stored: raw bytes exactly as the registry keeps them (a DWORD is
 * 4 little-endian bytes; REG_SZ is UTF-16LE with its terminator). */
typedef struct reg_value {
	bool key_exists;     /* the key itself was there */
	bool exists;         /* the value was there */
	uint32_t type;       /* REGV_* */
	unsigned char *data; /* owned; NULL when len is 0 */
	size_t len;
} reg_value;

typedef struct registry registry;

typedef struct registry_ops {
	const char *name; /* "win32", "regfile", ... for messages */
	ar_status (*read)(registry *reg, const char *key, const char *name, reg_value *out,
	                  ar_error *err);
	/* Sets the value, creating the key when missing and replacing any value
	 * of that name; with value NULL removes it (removing a value that is not
	 * there succeeds). */
	ar_status (*set)(registry *reg, const char *key, const char *name, const reg_value *value,
	                 ar_error *err);
	void (*close)(registry *reg);
	/* Optional (NULL: none): the folder where Group Policy's Security
	 * extension caches the security template of each GPO it applied, for
	 * backends over a live system. Caller frees. */
	char *(*gp_template_dir)(registry *reg);
} registry_ops;

struct registry {
	const registry_ops *ops;
	void *impl;
};

/* Backends. registry_open_live fails with AR_E_UNSUPPORTED where the build has
 * no live registry (every non-Windows build). */
ar_status registry_open_file(const char *path, registry **out, ar_error *err);
ar_status registry_open_live(registry **out, ar_error *err);

/* Dispatch through ops; these never touch a backend's internals. */
ar_status registry_read(registry *reg, const char *key, const char *name, reg_value *out,
                        ar_error *err);
ar_status registry_write(registry *reg, const char *key, const char *name, const reg_value *value,
                         ar_error *err);
ar_status registry_remove(registry *reg, const char *key, const char *name, ar_error *err);
void registry_close(registry *reg);
/* The backend's gp_template_dir, or NULL when it has none. */
char *registry_gp_template_dir(registry *reg);

/* Value helpers shared by the backends and their callers. */
void reg_value_free(reg_value *v);
ar_status reg_value_set(reg_value *v, uint32_t type, const void *data, size_t len, ar_error *err);
bool reg_value_is_dword(const reg_value *v, uint32_t data);
const char *reg_type_name(uint32_t type); /* "REG_DWORD", ..., "REG_UNKNOWN" */

/* Splits "HKLM\\a\\b" / "HKEY_LOCAL_MACHINE\\a\\b" into the canonical root
 * name ("HKEY_LOCAL_MACHINE") and the rest ("a\\b"). Returns false for an
 * unknown root. The pointers returned point into static strings or path. */
bool registry_split_root(const char *path, const char **root, const char **subkey);

/* Case-insensitive (ASCII) comparison of two key paths, roots normalised. */
bool registry_key_equal(const char *a, const char *b);

#endif
