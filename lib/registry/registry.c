/* Backend-independent half of registry.h: dispatch and value helpers. */
#include "registry/registry.h"

#include "util/dword.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

ar_status registry_read(registry *reg, const char *key, const char *name, reg_value *out,
                        ar_error *err)
{
	memset(out, 0, sizeof(*out));
	return reg->ops->read(reg, key, name, out, err);
}

ar_status registry_write(registry *reg, const char *key, const char *name, const reg_value *value,
                         ar_error *err)
{
	return reg->ops->set(reg, key, name, value, err);
}

ar_status registry_remove(registry *reg, const char *key, const char *name, ar_error *err)
{
	return reg->ops->set(reg, key, name, NULL, err);
}

void registry_close(registry *reg)
{
	if (reg != NULL)
		reg->ops->close(reg);
}

char *registry_gp_template_dir(registry *reg)
{
	return reg->ops->gp_template_dir != NULL ? reg->ops->gp_template_dir(reg) : NULL;
}

void reg_value_free(reg_value *v)
{
	if (v != NULL) {
		free(v->data);
		memset(v, 0, sizeof(*v));
	}
}

ar_status reg_value_set(reg_value *v, uint32_t type, const void *data, size_t len, ar_error *err)
{
	unsigned char *copy = NULL;

	if (len > 0) {
		copy = malloc(len);
		if (copy == NULL)
			return ar_error_set(err, AR_E_NOMEM, "out of memory");
		memcpy(copy, data, len);
	}
	free(v->data);
	v->key_exists = true;
	v->exists = true;
	v->type = type;
	v->data = copy;
	v->len = len;
	return AR_OK;
}

bool reg_value_is_dword(const reg_value *v, uint32_t data)
{
	return v->exists && v->type == REGV_DWORD && v->len == 4 && dword_unpack(v->data) == data;
}

const char *reg_type_name(uint32_t type)
{
	static const char *const names[] = {
	        "REG_NONE",
	        "REG_SZ",
	        "REG_EXPAND_SZ",
	        "REG_BINARY",
	        "REG_DWORD",
	        "REG_DWORD_BIG_ENDIAN",
	        "REG_LINK",
	        "REG_MULTI_SZ",
	        "REG_RESOURCE_LIST",
	        "REG_FULL_RESOURCE_DESCRIPTOR",
	        "REG_RESOURCE_REQUIREMENTS_LIST",
	        "REG_QWORD",
	};
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "REG_UNKNOWN";
}

static const struct {
	const char *abbrev;
	const char *full;
} roots[] = {
        {"HKLM", "HKEY_LOCAL_MACHINE"}, {"HKCU", "HKEY_CURRENT_USER"},   {"HKU", "HKEY_USERS"},
        {"HKCR", "HKEY_CLASSES_ROOT"},  {"HKCC", "HKEY_CURRENT_CONFIG"},
};

/* Case-insensitive prefix match of a root name ending at '\\' or '\0'. */
static const char *match_root(const char *path, const char *name)
{
	size_t n = strlen(name);

	if (!text_equal_ci_n(path, name, n))
		return NULL;
	if (path[n] == '\\')
		return path + n + 1;
	return path[n] == '\0' ? path + n : NULL;
}

bool registry_split_root(const char *path, const char **root, const char **subkey)
{
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		const char *rest = match_root(path, roots[i].full);
		if (rest == NULL)
			rest = match_root(path, roots[i].abbrev);
		if (rest != NULL) {
			*root = roots[i].full;
			*subkey = rest;
			return true;
		}
	}
	return false;
}

/* Compares subkeys ignoring ASCII case and repeated or trailing '\\'. */
static bool subkey_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == '\\' && (a[1] == '\\' || a[1] == '\0'))
			a++;
		while (*b == '\\' && (b[1] == '\\' || b[1] == '\0'))
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (text_lower(*a) != text_lower(*b))
			return false;
		a++;
		b++;
	}
}

bool registry_key_equal(const char *a, const char *b)
{
	const char *ra, *rb, *sa, *sb;

	if (!registry_split_root(a, &ra, &sa) || !registry_split_root(b, &rb, &sb))
		return false;
	return ra == rb && subkey_equal(sa, sb);
}
