/* The .reg parser and writer: whatever parses must encode and parse back to
 * the same entries (kinds, keys, names, values), and setting our value must
 * leave a file that parses back with the value set. */
#include "registry/regfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEY  "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters"
#define NAME "EnableSecuritySignature"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int str_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b);
}

static void same_entries(const regfile *a, const regfile *b)
{
	if (a->count != b->count || a->encoding != b->encoding)
		abort();
	for (size_t i = 0; i < a->count; i++) {
		const regfile_entry *x = &a->entries[i], *y = &b->entries[i];
		if (x->kind != y->kind || str_cmp(x->key, y->key) != 0 ||
		    str_cmp(x->name, y->name) != 0 || x->value.exists != y->value.exists ||
		    x->value.type != y->value.type || x->value.len != y->value.len ||
		    (x->value.len && memcmp(x->value.data, y->value.data, x->value.len) != 0))
			abort();
	}
}

/* Encodes rf and parses the bytes again; aborts when that fails. */
static regfile *reparse(const regfile *rf)
{
	unsigned char *bytes = NULL;
	size_t len = 0;
	regfile *again = NULL;

	if (regfile_encode(rf, &bytes, &len, NULL) != AR_OK ||
	    regfile_parse(bytes, len, &again, NULL) != AR_OK)
		abort();
	free(bytes);
	return again;
}

static void set_ours(regfile *rf)
{
	unsigned char one[4] = {1, 0, 0, 0};
	reg_value v = {
	        .key_exists = true, .exists = true, .type = REGV_DWORD, .data = one, .len = 4};
	reg_value got = {0};
	bool changed = false;
	regfile *again;

	if (regfile_set(rf, KEY, NAME, &v, &changed, NULL) != AR_OK)
		return;
	again = reparse(rf);
	if (regfile_get(again, KEY, NAME, &got, NULL) != AR_OK || !reg_value_is_dword(&got, 1))
		abort();
	reg_value_free(&got);
	regfile_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	regfile *rf = NULL, *again;

	if (regfile_parse(data, size, &rf, NULL) != AR_OK)
		return 0;
	again = reparse(rf);
	same_entries(rf, again);
	regfile_free(again);
	set_ours(rf);
	regfile_free(rf);
	return 0;
}
