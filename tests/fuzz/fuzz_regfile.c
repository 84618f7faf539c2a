/* The .reg parser and writer: whatever parses must encode and parse back to
 * the same entries, and an edit must leave a parsable file. */
#include "regfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEY "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_entries(const regfile *a, const regfile *b)
{
	if (a->count != b->count)
		abort();
	for (size_t i = 0; i < a->count; i++) {
		const regfile_entry *x = &a->entries[i], *y = &b->entries[i];
		if (x->kind != y->kind || x->value.type != y->value.type ||
		    x->value.len != y->value.len ||
		    (x->value.len && memcmp(x->value.data, y->value.data, x->value.len) != 0))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	regfile *rf = NULL, *again = NULL;
	unsigned char *bytes = NULL;
	size_t len = 0;
	unsigned char one[4] = {1, 0, 0, 0};
	reg_value v = {
	        .key_exists = true, .exists = true, .type = REGV_DWORD, .data = one, .len = 4};
	bool changed;
	reg_value got;

	if (regfile_parse(data, size, &rf, NULL) != AR_OK)
		return 0;
	if (regfile_encode(rf, &bytes, &len, NULL) != AR_OK ||
	    regfile_parse(bytes, len, &again, NULL) != AR_OK)
		abort();
	same_entries(rf, again);
	free(bytes);
	regfile_free(again);
	if (regfile_set(rf, KEY, "EnableSecuritySignature", &v, &changed, NULL) == AR_OK) {
		if (regfile_get(rf, KEY, "EnableSecuritySignature", &got, NULL) != AR_OK ||
		    !reg_value_is_dword(&got, 1))
			abort();
		reg_value_free(&got);
	}
	regfile_free(rf);
	return 0;
}
