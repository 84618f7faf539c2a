/* Group Policy evidence: the scan of a security template, and the lookup
 * through a registry backend that has a policy cache (here the .reg backend
 * given a cache folder, as the live one has %SystemRoot%'s), with the GPO's
 * name from the Security extension's history. The plain .reg backend has no
 * cache: nothing is found there. */
#include "platform/platform.h"
#include "registry/gpo.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/utf16.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUID "{6AC1786C-016F-11D2-945F-00C04FB984F9}"

static char dir[64], regpath[128], cache[128];

static void setup(void)
{
	unit_temp_dir(dir, sizeof(dir), "gpo");
	snprintf(regpath, sizeof(regpath), "%s/registry.reg", dir);
	snprintf(cache, sizeof(cache), "%s/policies", dir);
	ck_assert(platform_mkdir_p(cache, NULL) == AR_OK);
}

static void teardown(void)
{
	unit_remove_tree(dir);
}

/* A template as the Security extension caches it: UTF-16LE with a BOM. */
static void write_template(const char *name, const char *text)
{
	char path[192];
	unsigned char *u16 = NULL, *all;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", cache, name);
	ck_assert(utf8_to_utf16le(text, strlen(text), &u16, &n, NULL) == AR_OK);
	all = malloc(n + 2);
	ck_assert_ptr_nonnull(all);
	all[0] = 0xFF;
	all[1] = 0xFE;
	memcpy(all + 2, u16, n);
	unit_write_bytes(path, all, n + 2);
	free(all);
	free(u16);
}

static char *cache_dir(registry *reg)
{
	(void)reg;
	return strdup(cache);
}

/* The .reg backend, with a policy cache as a live system has. */
static registry *open_with_cache(registry_ops *ops)
{
	registry *reg = NULL;

	ck_assert(registry_open_file(regpath, &reg, NULL) == AR_OK);
	*ops = *reg->ops;
	ops->gp_template_dir = cache_dir;
	reg->ops = ops;
	return reg;
}

static const char *TEMPLATE =
        "[Unicode]\r\nUnicode=yes\r\n[Version]\r\nsignature=\"$CHICAGO$\"\r\nRevision=1\r\n"
        "[Registry Values]\r\n"
        "MACHINE\\System\\CurrentControlSet\\Services\\LanmanServer\\Parameters\\"
        "EnableSecuritySignature=4,1\r\n"
        "machine\\system\\currentcontrolset\\services\\lanmanworkstation\\parameters\\"
        "enablesecuritysignature = 4,0\r\n"
        "[Privilege Rights]\r\nSeInteractiveLogonRight = *S-1-5-32-544\r\n"
        "GPOPath=" GUID "\\MACHINE\r\n";

START_TEST(scan_finds_the_value_and_the_gpo)
{
	char *setting, *id;

	ck_assert(gpo_template_scan(TEMPLATE, KEY, NAME, &setting, &id));
	ck_assert_str_eq(setting, "4,0");
	ck_assert_str_eq(id, GUID);
	free(setting);
	free(id);
	/* The abbreviated root names the same key. */
	ck_assert(gpo_template_scan(TEMPLATE,
	                            "HKLM\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\"
	                            "Parameters",
	                            NAME, &setting, &id));
	free(setting);
	free(id);
}
END_TEST

START_TEST(scan_ignores_other_values_and_sections)
{
	static const char *const texts[] = {
	        /* the server's value of the same name */
	        "[Registry Values]\nMACHINE\\System\\CurrentControlSet\\Services\\LanmanServer\\"
	        "Parameters\\EnableSecuritySignature=4,0\n",
	        /* the "(always)" value of the same key */
	        "[Registry Values]\nMACHINE\\System\\CurrentControlSet\\Services\\"
	        "LanmanWorkstation\\Parameters\\RequireSecuritySignature=4,0\n",
	        /* outside [Registry Values] */
	        "[Privilege Rights]\nMACHINE\\System\\CurrentControlSet\\Services\\"
	        "LanmanWorkstation\\Parameters\\EnableSecuritySignature=4,0\n",
	        "",
	};
	char *setting, *id;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ck_assert_msg(!gpo_template_scan(texts[i], KEY, NAME, &setting, &id), "%zu", i);
		ck_assert_ptr_null(setting);
		ck_assert_ptr_null(id);
	}
	/* Only HKLM values can be in a template. */
	ck_assert(!gpo_template_scan(TEMPLATE, "HKEY_CURRENT_USER\\x", NAME, &setting, &id));
}
END_TEST

START_TEST(find_names_the_gpo_from_the_history)
{
	registry_ops ops;
	registry *reg;
	gpo_evidence e;
	char path[192];

	unit_write_bytes(regpath, "", 0);
	{
		const char *reg_text = "REGEDIT4\n\n[" GPO_HISTORY_KEY "\\0]\n"
		                       "\"GPOName\"=\"{31B2F340-016D-11D2-945F-00C04FB984F9}\"\n"
		                       "\"DisplayName\"=\"Default Domain Policy\"\n\n"
		                       "[" GPO_HISTORY_KEY "\\1]\n"
		                       "\"GPOName\"=\"{6ac1786c-016f-11d2-945f-00c04fb984f9}\"\n"
		                       "\"DisplayName\"=\"Workstation Baseline\"\n";
		unit_write_text(regpath, reg_text);
	}
	write_template("gpt00000.dom", "[System Access]\r\nMinimumPasswordAge = 1\r\n");
	write_template("gpt00001.inf", TEMPLATE);
	/* Not a cached template, whatever it holds. */
	snprintf(path, sizeof(path), "%s/notes.txt", cache);
	unit_write_text(path, TEMPLATE);
	reg = open_with_cache(&ops);
	ck_assert(gpo_find(reg, KEY, NAME, &e));
	ck_assert_str_eq(e.setting, "4,0");
	ck_assert_str_eq(e.gpo_id, GUID);
	ck_assert_str_eq(e.gpo_name, "Workstation Baseline");
	snprintf(path, sizeof(path), "%s/gpt00001.inf", cache);
	ck_assert_str_eq(e.template_file, path);
	ck_assert_uint_eq(e.templates, 1);
	gpo_evidence_free(&e);
	registry_close(reg);
}
END_TEST

START_TEST(find_keeps_the_last_template_and_counts_them)
{
	registry_ops ops;
	registry *reg;
	gpo_evidence e;

	unit_write_bytes(regpath, "", 0);
	write_template("gpt00001.inf", TEMPLATE);
	/* An ANSI template (no BOM) read as it is; no GPOPath: no id, no name. */
	{
		const char *t = "[Registry Values]\nMACHINE\\System\\CurrentControlSet\\Services\\"
		                "LanmanWorkstation\\Parameters\\EnableSecuritySignature=4,1\n";
		char path[192];
		snprintf(path, sizeof(path), "%s/gpt00002.inf", cache);
		unit_write_text(path, t);
	}
	reg = open_with_cache(&ops);
	ck_assert(gpo_find(reg, KEY, NAME, &e));
	ck_assert_str_eq(e.setting, "4,1");
	ck_assert_ptr_null(e.gpo_id);
	ck_assert_ptr_null(e.gpo_name);
	ck_assert_uint_eq(e.templates, 2);
	gpo_evidence_free(&e);
	registry_close(reg);
}
END_TEST

/* s is valid UTF-8 (no character cut in half). */
static bool utf8_whole(const char *s)
{
	unsigned char *u16 = NULL;
	size_t n = 0;
	bool ok = utf8_to_utf16le(s, strlen(s), &u16, &n, NULL) == AR_OK;

	free(u16);
	return ok;
}

/* At most TEXT_ECHOED_MAX bytes, whole characters, ending in the mark,
 * and the start of what it was cut from. */
static void assert_cut(const char *field, const char *from)
{
	size_t n, keep;

	ck_assert_ptr_nonnull(field);
	n = strlen(field);
	keep = n - strlen(TEXT_CUT_MARK);
	ck_assert_uint_le(n, TEXT_ECHOED_MAX);
	ck_assert_uint_gt(n, TEXT_ECHOED_MAX - 8);
	ck_assert_str_eq(field + keep, TEXT_CUT_MARK);
	ck_assert(strncmp(field, from, keep) == 0);
	ck_assert(utf8_whole(field));
}

/* Text of n copies of unit. Caller frees. */
static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

/* A template line and a GPO's name are as long as their file or value
 * lets them be; every field echoed is cut, the same way as the alert's. */
START_TEST(find_cuts_every_field_it_echoes)
{
	char *setting = repeat("4,", 100000), *name = repeat("\xc3\xa9", 100000);
	char *id = repeat("A", 1000), *text, *reg_text;
	strbuf sb = {0};
	registry_ops ops;
	registry *reg;
	gpo_evidence e;

	id[0] = '{';
	id[999] = '}';
	strbuf_addf(&sb,
	            "[Registry Values]\r\nMACHINE\\System\\CurrentControlSet\\Services\\"
	            "LanmanWorkstation\\Parameters\\EnableSecuritySignature=%s\r\n"
	            "GPOPath=%s\\MACHINE\r\n",
	            setting, id);
	ck_assert_ptr_nonnull(text = strbuf_take(&sb, NULL));
	strbuf_addf(&sb,
	            "REGEDIT4\n\n[" GPO_HISTORY_KEY "\\0]\n\"GPOName\"=\"%s\"\n"
	            "\"DisplayName\"=\"%s\"\n",
	            id, name);
	ck_assert_ptr_nonnull(reg_text = strbuf_take(&sb, NULL));
	unit_write_text(regpath, reg_text);
	write_template("gpt00000.inf", text);
	reg = open_with_cache(&ops);
	ck_assert(gpo_find(reg, KEY, NAME, &e));
	assert_cut(e.setting, setting);
	assert_cut(e.gpo_id, id);
	/* Found by the whole id, then cut. */
	assert_cut(e.gpo_name, name);
	ck_assert_uint_le(strlen(e.template_file), TEXT_ECHOED_MAX);
	gpo_evidence_free(&e);
	registry_close(reg);
	free(setting);
	free(name);
	free(id);
	free(text);
	free(reg_text);
}
END_TEST

START_TEST(nothing_without_a_cache)
{
	registry_ops ops;
	registry *reg = NULL;
	gpo_evidence e;

	unit_write_bytes(regpath, "", 0);
	write_template("gpt00001.inf", TEMPLATE);
	/* The plain .reg backend has no policy cache. */
	ck_assert(registry_open_file(regpath, &reg, NULL) == AR_OK);
	ck_assert(!gpo_find(reg, KEY, NAME, &e));
	ck_assert(!e.found && e.setting == NULL);
	registry_close(reg);
	/* A cache folder that does not exist, or holds nothing of ours. */
	strcat(cache, "-missing");
	reg = open_with_cache(&ops);
	ck_assert(!gpo_find(reg, KEY, NAME, &e));
	registry_close(reg);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("gpo");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, scan_finds_the_value_and_the_gpo);
	tcase_add_test(tc, scan_ignores_other_values_and_sections);
	tcase_add_test(tc, find_names_the_gpo_from_the_history);
	tcase_add_test(tc, find_keeps_the_last_template_and_counts_them);
	tcase_add_test(tc, find_cuts_every_field_it_echoes);
	tcase_add_test(tc, nothing_without_a_cache);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
