/* A cached Group Policy security template as the program reads it: the
 * bytes as gpt00000.inf in a policy cache (the .reg backend given a cache
 * folder, as the live one has %SystemRoot%'s), looked through by gpo_find,
 * which decodes it (UTF-16LE with a BOM, or as it is), scans it and names
 * the GPO from the Security extension's history. No crash, no leak; what
 * it reports is one trimmed line from that file, and an id in braces, each
 * cut at TEXT_ECHOED_MAX bytes (with TEXT_CUT_MARK) when longer. */
#include "registry/gpo.h"
#include "registry/registry.h"
#include "util/text.h"

#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEY  "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters"
#define NAME "EnableSecuritySignature"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char folder[1100], template_file[1100];

static char *cache_dir(registry *reg)
{
	(void)reg;
	return strdup(folder);
}

/* The .reg backend over a history naming two GPOs, with the cache folder. */
static registry *open_registry(void)
{
	static const char history[] = "REGEDIT4\n\n[" GPO_HISTORY_KEY "\\0]\n"
	                              "\"GPOName\"=\"{31B2F340-016D-11D2-945F-00C04FB984F9}\"\n"
	                              "\"DisplayName\"=\"Default Domain Policy\"\n\n"
	                              "[" GPO_HISTORY_KEY "\\1]\n"
	                              "\"GPOName\"=\"{6AC1786C-016F-11D2-945F-00C04FB984F9}\"\n"
	                              "\"DisplayName\"=\"Workstation Baseline\"\n";
	static registry_ops ops;
	char path[1100];
	registry *reg = NULL;
	ar_error err = {0};

	fuzz_path(path, sizeof(path), "registry.reg");
	fuzz_write(path, (const uint8_t *)history, sizeof(history) - 1);
	if (registry_open_file(path, &reg, &err) != AR_OK) {
		fprintf(stderr, "registry_open_file: %s\n", err.msg);
		abort();
	}
	ops = *reg->ops;
	ops.gp_template_dir = cache_dir;
	reg->ops = &ops;
	snprintf(folder, sizeof(folder), "%s", fuzz_folder);
	fuzz_path(template_file, sizeof(template_file), "gpt00000.inf");
	return reg;
}

static bool one_line(const char *s)
{
	size_t n = strlen(s);
	return strpbrk(s, "\r\n") == NULL &&
	       (n == 0 || (s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t'));
}

static bool bounded(const char *s)
{
	return s == NULL || strlen(s) <= TEXT_ECHOED_MAX;
}

/* s was cut: it ends with the mark, and has no '}' (an id is cut before
 * its closing brace, or it would be short). */
static bool cut(const char *s)
{
	size_t n = strlen(s), m = strlen(TEXT_CUT_MARK);
	return n > m && strcmp(s + n - m, TEXT_CUT_MARK) == 0 && strchr(s, '}') == NULL;
}

static void check(const gpo_evidence *e)
{
	size_t n = e->gpo_id != NULL ? strlen(e->gpo_id) : 0;

	if (e->setting == NULL || !one_line(e->setting) || e->templates != 1 ||
	    e->template_file == NULL || strcmp(e->template_file, template_file) != 0)
		abort();
	if (e->gpo_id != NULL &&
	    (n < 2 || e->gpo_id[0] != '{' ||
	     (!cut(e->gpo_id) &&
	      (e->gpo_id[n - 1] != '}' || strchr(e->gpo_id, '}') != e->gpo_id + n - 1))))
		abort();
	if (e->gpo_name != NULL && e->gpo_id == NULL)
		abort();
	if (!bounded(e->setting) || !bounded(e->gpo_id) || !bounded(e->gpo_name))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static registry *reg;
	gpo_evidence e;

	if (reg == NULL)
		reg = open_registry();
	fuzz_write(template_file, data, size);
	if (gpo_find(reg, KEY, NAME, &e))
		check(&e);
	else if (e.setting != NULL || e.gpo_id != NULL || e.template_file != NULL)
		abort();
	gpo_evidence_free(&e);
	return 0;
}
