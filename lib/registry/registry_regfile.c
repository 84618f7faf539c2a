/* The registry backend over a .reg file: every read loads the file afresh,
 * so a read-back after a write reads what is on disk; every write that
 * changes something replaces the file atomically in its own encoding. */
#include "registry/regfile.h"
#include "platform/platform.h"
#include "registry/registry.h"

#include <stdlib.h>
#include <string.h>

/* A .reg export of a whole hive is tens of MiB; more is not a registry. */
#define REGFILE_MAX_BYTES (64u * 1024u * 1024u)

typedef struct regfile_backend {
	char *path;
} regfile_backend;

/* Loads the file, or an empty document when it does not exist yet. */
static ar_status load(const char *path, regfile **rf, ar_error *err)
{
	unsigned char *bytes = NULL;
	size_t len = 0;
	ar_error read_err = {0};
	ar_status st = platform_read_file(path, REGFILE_MAX_BYTES, &bytes, &len, &read_err);

	if (st == AR_E_NOT_FOUND)
		return regfile_new(REGFILE_UTF16LE, rf, err);
	if (st != AR_OK && err != NULL)
		*err = read_err;
	if (st == AR_OK) {
		st = regfile_parse(bytes, len, rf, err);
		if (st != AR_OK)
			ar_error_prefix(err, st, "%s", path);
	}
	free(bytes);
	return st;
}

static ar_status rf_read(registry *reg, const char *key, const char *name, reg_value *out,
                         ar_error *err)
{
	regfile_backend *b = reg->impl;
	regfile *rf = NULL;
	ar_status st = load(b->path, &rf, err);

	if (st == AR_OK)
		st = regfile_get(rf, key, name, out, err);
	regfile_free(rf);
	return st;
}

static ar_status store(const char *path, const regfile *rf, ar_error *err)
{
	unsigned char *bytes = NULL;
	size_t len = 0;
	ar_status st = regfile_encode(rf, &bytes, &len, err);

	if (st == AR_OK)
		st = platform_write_file_atomic(path, bytes, len, false, err);
	free(bytes);
	return st;
}

static ar_status rf_set(registry *reg, const char *key, const char *name, const reg_value *value,
                        ar_error *err)
{
	regfile_backend *b = reg->impl;
	regfile *rf = NULL;
	bool changed = false;
	ar_status st = load(b->path, &rf, err);

	if (st == AR_OK)
		st = regfile_set(rf, key, name, value, &changed, err);
	/* Nothing to change: the file is left untouched, byte for byte. */
	if (st == AR_OK && changed)
		st = store(b->path, rf, err);
	regfile_free(rf);
	return st;
}

static void rf_close(registry *reg)
{
	regfile_backend *b = reg->impl;
	free(b->path);
	free(b);
	free(reg);
}

static const registry_ops regfile_ops = {
        .name = "regfile",
        .read = rf_read,
        .set = rf_set,
        .close = rf_close,
};

ar_status registry_open_file(const char *path, registry **out, ar_error *err)
{
	registry *reg = calloc(1, sizeof(*reg));
	regfile_backend *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (reg == NULL || b == NULL || (b->path = strdup(path)) == NULL) {
		free(reg);
		free(b);
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	reg->ops = &regfile_ops;
	reg->impl = b;
	*out = reg;
	return AR_OK;
}
