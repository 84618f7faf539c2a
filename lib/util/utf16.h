/* Strict UTF-8 <-> UTF-16LE conversion (the registry's string encoding and
 * that of .reg files as Windows exports them). Unpaired surrogates and
 * malformed UTF-8 are errors, so a round trip is exact. */
#ifndef UTF16_H
#define UTF16_H

#include "util/ar_error.h"

#include <stddef.h>

/* in holds len bytes (len even). *out is NUL-terminated; caller frees. */
ar_status utf16le_to_utf8(const unsigned char *in, size_t len, char **out, size_t *out_len,
                          ar_error *err);

/* *out holds *out_len bytes, no terminator added; caller frees. */
ar_status utf8_to_utf16le(const char *in, size_t len, unsigned char **out, size_t *out_len,
                          ar_error *err);

#endif
