#include "util/utf16.h"

#include "util/json_strict.h"

#include <stdint.h>
#include <stdlib.h>

ar_status utf16le_to_utf8(const unsigned char *in, size_t len, char **out, size_t *out_len,
                          ar_error *err)
{
	/* Each UTF-16 unit becomes at most 3 bytes (a pair of units, 4). */
	char *buf;
	size_t o = 0;

	*out = NULL;
	if (len % 2 != 0)
		return ar_error_set(err, AR_E_INVALID, "UTF-16 text has an odd number of bytes");
	buf = malloc(len / 2 * 3 + 1);
	if (buf == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < len; i += 2) {
		uint32_t cp;
		if (in[i + 1] == 0 && in[i] < 0x80) { /* ASCII: nearly all of a .reg file */
			buf[o++] = (char)in[i];
			continue;
		}
		cp = (uint32_t)in[i] | ((uint32_t)in[i + 1] << 8);
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			uint32_t lo;
			if (i + 3 >= len)
				goto bad;
			lo = (uint32_t)in[i + 2] | ((uint32_t)in[i + 3] << 8);
			if (lo < 0xDC00 || lo > 0xDFFF)
				goto bad;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			i += 2;
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			goto bad;
		}
		if (cp < 0x80) {
			buf[o++] = (char)cp;
		} else if (cp < 0x800) {
			buf[o++] = (char)(0xC0 | (cp >> 6));
			buf[o++] = (char)(0x80 | (cp & 0x3F));
		} else if (cp < 0x10000) {
			buf[o++] = (char)(0xE0 | (cp >> 12));
			buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			buf[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			buf[o++] = (char)(0xF0 | (cp >> 18));
			buf[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
			buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			buf[o++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	buf[o] = '\0';
	*out = buf;
	*out_len = o;
	return AR_OK;
bad:
	free(buf);
	return ar_error_set(err, AR_E_INVALID, "UTF-16 text has an unpaired surrogate");
}

static size_t put_unit(unsigned char *buf, size_t o, uint32_t u)
{
	buf[o] = (unsigned char)(u & 0xFF);
	buf[o + 1] = (unsigned char)(u >> 8);
	return o + 2;
}

ar_status utf8_to_utf16le(const char *in, size_t len, unsigned char **out, size_t *out_len,
                          ar_error *err)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned char *buf;
	size_t o = 0;

	*out = NULL;
	if (!utf8_valid(s, len))
		return ar_error_set(err, AR_E_INVALID, "text is not valid UTF-8");
	/* Every byte becomes at most one 2-byte unit; 4-byte sequences, two. */
	buf = malloc(len * 2 + 2);
	if (buf == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		if (s[i] < 0x80) {
			cp = s[i++];
		} else if (s[i] < 0xE0) {
			cp = ((uint32_t)(s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F);
			i += 2;
		} else if (s[i] < 0xF0) {
			cp = ((uint32_t)(s[i] & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
			     (s[i + 2] & 0x3F);
			i += 3;
		} else {
			cp = ((uint32_t)(s[i] & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3F) << 12) |
			     ((uint32_t)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
			i += 4;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			o = put_unit(buf, o, 0xD800 + (cp >> 10));
			o = put_unit(buf, o, 0xDC00 + (cp & 0x3FF));
		} else {
			o = put_unit(buf, o, cp);
		}
	}
	*out = buf;
	*out_len = o;
	return AR_OK;
}
