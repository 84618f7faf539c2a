/* The .reg grammar: parsing, edits that keep every other byte, encodings. */
#include "registry/regfile.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static regfile *parse_ok(const char *text)
{
	regfile *rf = NULL;
	ar_error err = {0};
	ck_assert_msg(regfile_parse((const unsigned char *)text, strlen(text), &rf, &err) == AR_OK,
	              "%s", err.msg);
	return rf;
}

static ar_status parse_err(const char *text, size_t len, char *msg)
{
	regfile *rf = NULL;
	ar_error err = {0};
	ar_status st = regfile_parse((const unsigned char *)text, len, &rf, &err);
	ck_assert_ptr_null(rf);
	strcpy(msg, err.msg);
	return st;
}

static void get(const regfile *rf, const char *key, const char *name, reg_value *v)
{
	ar_error err = {0};
	ck_assert_msg(regfile_get(rf, key, name, v, &err) == AR_OK, "%s", err.msg);
}

static void set_dword(regfile *rf, const char *key, uint32_t d, bool expect_change)
{
	unsigned char le[4];
	reg_value v = unit_dword(d, le);
	bool changed = false;
	ar_error err = {0};
	ck_assert_msg(regfile_set(rf, key, NAME, &v, &changed, &err) == AR_OK, "%s", err.msg);
	ck_assert_int_eq(changed, expect_change);
}

static const char SAMPLE[] =
        "Windows Registry Editor Version 5.00\r\n"
        "\r\n"
        "; a comment\r\n"
        "[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters]"
        "\r\n"
        "\"ServiceDll\"=hex(2):25,00,53,00,\\\r\n"
        "  79,00,00,00\r\n"
        "\"EnableSecuritySignature\"=dword:00000000\r\n"
        "@=\"default \\\"quoted\\\" \\\\ back\"\r\n"
        "\r\n"
        "[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\LanmanServer\\Parameters]\r\n"
        "\"EnableSecuritySignature\"=dword:00000000\r\n";

START_TEST(parses_values_of_every_form)
{
	regfile *rf = parse_ok(SAMPLE);
	reg_value v;

	get(rf, KEY, NAME, &v);
	ck_assert(v.exists && v.type == REGV_DWORD && v.len == 4 && v.data[0] == 0);
	reg_value_free(&v);
	get(rf, "hklm\\system\\currentcontrolset\\services\\lanmanworkstation\\parameters",
	    "enablesecuritysignature", &v);
	ck_assert_msg(v.exists, "keys and names match without regard to case, HKLM = HKEY_...");
	reg_value_free(&v);
	get(rf, KEY, "ServiceDll", &v);
	ck_assert_uint_eq(v.type, REGV_EXPAND_SZ);
	ck_assert_uint_eq(v.len, 8);
	ck_assert_mem_eq(v.data, "\x25\x00\x53\x00\x79\x00\x00\x00", 8);
	reg_value_free(&v);
	get(rf, KEY, "", &v);
	ck_assert_uint_eq(v.type, REGV_SZ);
	/* UTF-16LE of: default "quoted" \ back, with its terminator */
	ck_assert_uint_eq(v.len, (strlen("default \"quoted\" \\ back") + 1) * 2);
	reg_value_free(&v);
	get(rf, KEY, "Missing", &v);
	ck_assert(v.key_exists && !v.exists);
	reg_value_free(&v);
	regfile_free(rf);
}
END_TEST

START_TEST(edit_in_place_keeps_every_other_byte)
{
	regfile *rf = parse_ok(SAMPLE);
	unsigned char *out = NULL;
	size_t len = 0;
	ar_error err = {0};
	char *expect = strdup(SAMPLE);
	char *at = strstr(expect, "dword:00000000");

	set_dword(rf, KEY, 1, true);
	ck_assert(regfile_encode(rf, &out, &len, &err) == AR_OK);
	memcpy(at, "dword:00000001", 14);
	ck_assert_uint_eq(len, strlen(expect));
	ck_assert_mem_eq(out, expect, len);
	/* The server key's value of the same name is untouched. */
	ck_assert_ptr_nonnull(strstr((char *)out, "LanmanServer\\Parameters]\r\n"
	                                          "\"EnableSecuritySignature\"=dword:00000000"));
	free(out);
	free(expect);
	set_dword(rf, KEY, 1, false);
	regfile_free(rf);
}
END_TEST

START_TEST(adds_value_to_existing_section)
{
	regfile *rf = parse_ok("REGEDIT4\n\n[" KEY "]\n\"Other\"=dword:00000002\n\n[HKLM\\Y]\n");
	reg_value v;

	set_dword(rf, KEY, 1, true);
	ck_assert_str_eq(rf->text, "REGEDIT4\n\n[" KEY "]\n\"Other\"=dword:00000002\n"
	                           "\"EnableSecuritySignature\"=dword:00000001\n\n[HKLM\\Y]\n");
	get(rf, KEY, NAME, &v);
	ck_assert(reg_value_is_dword(&v, 1));
	reg_value_free(&v);
	regfile_free(rf);
}
END_TEST

START_TEST(adds_section_at_the_end)
{
	regfile *rf = parse_ok("Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\X]\n"
	                       "\"A\"=\"b\"");
	set_dword(rf, KEY, 1, true);
	ck_assert_str_eq(rf->text,
	                 "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\X]\n"
	                 "\"A\"=\"b\"\n\n[" KEY "]\n\"EnableSecuritySignature\"=dword:00000001\n");
	regfile_free(rf);
}
END_TEST

START_TEST(removes_value)
{
	regfile *rf = parse_ok(SAMPLE);
	bool changed = false;
	ar_error err = {0};
	reg_value v;

	ck_assert(regfile_set(rf, KEY, NAME, NULL, &changed, &err) == AR_OK);
	ck_assert(changed);
	get(rf, KEY, NAME, &v);
	ck_assert(!v.exists && v.key_exists);
	ck_assert_ptr_null(strstr(rf->text,
	                          "Parameters]\r\n\"ServiceDll\"=hex(2):25,00,53,00,\\\r\n"
	                          "  79,00,00,00\r\n\"EnableSecuritySignature\""));
	ck_assert(regfile_set(rf, KEY, NAME, NULL, &changed, &err) == AR_OK);
	ck_assert(!changed);
	regfile_free(rf);
}
END_TEST

START_TEST(deletions_apply_in_order)
{
	regfile *rf = parse_ok("REGEDIT4\n[" KEY "]\n\"EnableSecuritySignature\"=dword:1\n"
	                       "[-HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services]\n");
	reg_value v;
	get(rf, KEY, NAME, &v);
	ck_assert_msg(!v.key_exists && !v.exists, "deleting an ancestor deletes the key");
	regfile_free(rf);
	rf = parse_ok("REGEDIT4\n[" KEY "]\n\"EnableSecuritySignature\"=dword:1\n"
	              "\"EnableSecuritySignature\"=-\n");
	get(rf, KEY, NAME, &v);
	ck_assert(v.key_exists && !v.exists);
	regfile_free(rf);
}
END_TEST

START_TEST(utf16_round_trip_is_exact)
{
	const char *text =
	        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\T\xc3\xa9st]\r\n"
	        "\"N\xe2\x82\xac\"=\"\xf0\x9f\x94\x92\"\r\n";
	size_t n = strlen(text), wl = 2;
	unsigned char *w = malloc(n * 4 + 2), *out = NULL;
	size_t out_len = 0;
	regfile *rf = NULL;
	ar_error err = {0};

	/* Encode by hand with Python-checked code points: é, €, U+1F512. */
	w[0] = 0xFF;
	w[1] = 0xFE;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)text[i];
		unsigned cp;
		if (c < 0x80) {
			cp = c;
			i++;
		} else if (c < 0xE0) {
			cp = ((c & 0x1Fu) << 6) | (text[i + 1] & 0x3Fu);
			i += 2;
		} else if (c < 0xF0) {
			cp = ((c & 0x0Fu) << 12) | ((text[i + 1] & 0x3Fu) << 6) |
			     (text[i + 2] & 0x3Fu);
			i += 3;
		} else {
			cp = ((c & 0x07u) << 18) | ((text[i + 1] & 0x3Fu) << 12) |
			     ((text[i + 2] & 0x3Fu) << 6) | (text[i + 3] & 0x3Fu);
			i += 4;
		}
		if (cp >= 0x10000) {
			unsigned hi = 0xD800 + ((cp - 0x10000) >> 10),
			         lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);
			w[wl++] = hi & 0xFF;
			w[wl++] = hi >> 8;
			cp = lo;
		}
		w[wl++] = cp & 0xFF;
		w[wl++] = cp >> 8;
	}
	ck_assert(regfile_parse(w, wl, &rf, &err) == AR_OK);
	ck_assert_int_eq(rf->encoding, REGFILE_UTF16LE);
	ck_assert_str_eq(rf->newline, "\r\n");
	ck_assert(regfile_encode(rf, &out, &out_len, &err) == AR_OK);
	ck_assert_uint_eq(out_len, wl);
	ck_assert_mem_eq(out, w, wl);
	free(out);
	free(w);
	regfile_free(rf);
}
END_TEST

START_TEST(utf8_bom_is_kept)
{
	const char *text = "\xEF\xBB\xBFREGEDIT4\n[HKLM\\A]\n";
	regfile *rf = NULL;
	unsigned char *out = NULL;
	size_t len = 0;
	ar_error err = {0};

	ck_assert(regfile_parse((const unsigned char *)text, strlen(text), &rf, &err) == AR_OK);
	ck_assert_int_eq(rf->encoding, REGFILE_UTF8_BOM);
	ck_assert(regfile_encode(rf, &out, &len, &err) == AR_OK);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_mem_eq(out, text, len);
	free(out);
	regfile_free(rf);
}
END_TEST

START_TEST(errors_name_the_line)
{
	char msg[AR_ERROR_MSG_MAX];
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
	        {"not a reg file\n", "not a .reg file"},
	        {"REGEDIT4\n[HKLM\\A\n", "line 2: key line is not closed"},
	        {"REGEDIT4\n\"a\"=dword:1\n", "line 2: value outside any [key]"},
	        {"REGEDIT4\n[HKLM\\A]\n\"a\"=\"bad \\q escape\"\n", "line 3: unknown escape"},
	        {"REGEDIT4\n[HKLM\\A]\n\"a\"=dword:123456789\n", "more than 8 hex digits"},
	        {"REGEDIT4\n[HKLM\\A]\n\"a\"=hex:1,2\n", "two-digit bytes"},
	        {"REGEDIT4\n[NOPE\\A]\n", "registry root"},
	        {"REGEDIT4\n[HKLM\\A]\n\"a\"=dword:1 junk\n", "unexpected text"},
	        {"REGEDIT4\n[HKLM\\A]\n\"unclosed=1\n", "not closed"},
	        {"REGEDIT4\n[HKLM\\A]\nrubbish\n", "line 3: expected"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(parse_err(cases[i].text, strlen(cases[i].text), msg),
		                 AR_E_INVALID);
		ck_assert_msg(strstr(msg, cases[i].want) != NULL, "case %zu: %s", i, msg);
	}
}
END_TEST

START_TEST(bad_encodings_refused)
{
	char msg[AR_ERROR_MSG_MAX];
	ck_assert_int_eq(parse_err("R\0E\0", 4, msg), AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(msg, "without a byte-order mark"));
	ck_assert_int_eq(parse_err("\xFF\xFER\0E", 5, msg), AR_E_INVALID);
	ck_assert_ptr_nonnull(strstr(msg, "truncated"));
	ck_assert_int_eq(parse_err("\xFF\xFE\x00\xD8R\0", 6, msg), AR_E_INVALID);
	ck_assert_int_eq(parse_err("REGEDIT4\n\xC3\x28\n", 12, msg), AR_E_INVALID);
	ck_assert_int_eq(parse_err("REGEDIT4\n\0\n", 11, msg), AR_E_INVALID);
	ck_assert_int_eq(parse_err("\xFE\xFFR", 3, msg), AR_E_INVALID);
}
END_TEST

START_TEST(value_lines_render_every_type)
{
	unsigned char sz[] = {'1', 0, 0, 0};
	unsigned char bin[40];
	reg_value v = {.exists = true, .type = REGV_SZ, .data = sz, .len = 4};
	char *line = regfile_value_line("a\"b", &v, "\r\n");

	ck_assert_str_eq(line, "\"a\\\"b\"=\"1\"");
	free(line);
	v.exists = false;
	line = regfile_value_line("x", &v, "\n");
	ck_assert_str_eq(line, "\"x\"=-");
	free(line);
	memset(bin, 0xAB, sizeof(bin));
	v = (reg_value){.exists = true, .type = REGV_BINARY, .data = bin, .len = sizeof(bin)};
	line = regfile_value_line("b", &v, "\n");
	ck_assert_ptr_nonnull(strstr(line, ",\\\n  ab"));
	ck_assert_msg(strncmp(line, "\"b\"=hex:ab,ab", 13) == 0, "%s", line);
	free(line);
	v.type = REGV_QWORD;
	v.len = 8;
	line = regfile_value_line("", &v, "\n");
	ck_assert_str_eq(line, "@=hex(b):ab,ab,ab,ab,ab,ab,ab,ab");
	free(line);
}
END_TEST

START_TEST(rendered_lines_parse_back)
{
	unsigned char data[] = {'x', 0, '\n', 0, 0, 0};
	reg_value v = {.exists = true, .type = REGV_SZ, .data = data, .len = sizeof(data)};
	char *line = regfile_value_line(NAME, &v, "\n");
	char text[512];
	regfile *rf;
	reg_value back;

	/* A string with a line break cannot be a quoted string: hex(1) keeps it. */
	ck_assert_ptr_nonnull(strstr(line, "hex(1):"));
	snprintf(text, sizeof(text), "REGEDIT4\n[" KEY "]\n%s\n", line);
	rf = parse_ok(text);
	get(rf, KEY, NAME, &back);
	ck_assert_uint_eq(back.type, REGV_SZ);
	ck_assert_uint_eq(back.len, sizeof(data));
	ck_assert_mem_eq(back.data, data, sizeof(data));
	reg_value_free(&back);
	regfile_free(rf);
	free(line);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("regfile");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, parses_values_of_every_form);
	tcase_add_test(tc, edit_in_place_keeps_every_other_byte);
	tcase_add_test(tc, adds_value_to_existing_section);
	tcase_add_test(tc, adds_section_at_the_end);
	tcase_add_test(tc, removes_value);
	tcase_add_test(tc, deletions_apply_in_order);
	tcase_add_test(tc, utf16_round_trip_is_exact);
	tcase_add_test(tc, utf8_bom_is_kept);
	tcase_add_test(tc, errors_name_the_line);
	tcase_add_test(tc, bad_encodings_refused);
	tcase_add_test(tc, value_lines_render_every_type);
	tcase_add_test(tc, rendered_lines_parse_back);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
