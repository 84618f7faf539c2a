#include "sca_match.h"

#include "registry/registry.h"
#include "sca_rules.h"
#include "util/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const sca_control sca_control_smb_client_signing = {
        .cis = "2.3.8.2",
        .title = "Microsoft network client: Digitally sign communications (if server agrees)",
        .registry_key =
                "HKEY_LOCAL_"
                "MACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters",
        .value_name = "EnableSecuritySignature",
        .dword = 1,
};

static const sca_control *const controls[] = {&sca_control_smb_client_signing};

/* One character of a title: the escapes a 4.2.5+ manager writes for
 * 4.2.0 - 4.2.4 agents ("\x21 \x24 \x27 \x60" for ! $ ' `) decoded, a
 * typographic quote read as '. Returns the bytes it took. */
static size_t next_char(const char *s, unsigned char *c)
{
	static const char *const escapes[] = {"\\x21", "\\x24", "\\x27", "\\x60"};
	static const char plain[] = "!$'`";

	for (size_t i = 0; s[0] == '\\' && i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		if (strncmp(s, escapes[i], 4) == 0) {
			*c = (unsigned char)plain[i];
			return 4;
		}
	}
	if ((unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 && s[2] != '\0' &&
	    strchr("\x98\x99\x9c\x9d", s[2]) != NULL) {
		*c = '\'';
		return 3;
	}
	*c = (unsigned char)s[0];
	return 1;
}

/* A text as compared: quotes dropped, letters lowered, each run of white
 * space one space. False when it does not fit (no stock title comes near). */
static bool fold(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	bool gap = false;
	unsigned char c;

	while (*s) {
		s += next_char(s, &c);
		if (c == '\'' || c == '"' || c == '`')
			continue;
		if (isspace(c)) {
			gap = n > 0;
			continue;
		}
		if (n + 2 >= cap)
			return false;
		if (gap)
			out[n++] = ' ';
		gap = false;
		out[n++] = text_lower((char)c);
	}
	out[n] = '\0';
	return true;
}

/* The control whose setting the title names, if any. */
static const sca_control *control_titled(const char *title)
{
	char t[1024], want[256];

	if (title == NULL || !fold(title, t, sizeof(t)))
		return NULL;
	for (size_t i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		if (fold(controls[i]->title, want, sizeof(want)) && strstr(t, want) != NULL)
			return controls[i];
	}
	return NULL;
}

/* Every comma-separated entry of s, trimmed, is want; there is one at least. */
static bool entries_all(const char *s, const char *want)
{
	size_t n = strlen(want);

	for (;;) {
		const char *end = strchr(s, ',');
		const char *stop = end ? end : s + strlen(s);

		while (s < stop && isspace((unsigned char)*s))
			s++;
		while (stop > s && isspace((unsigned char)stop[-1]))
			stop--;
		if ((size_t)(stop - s) != n || strncmp(s, want, n) != 0)
			return false;
		if (end == NULL)
			return true;
		s = end + 1;
	}
}

/* compliance.cis: "2.3.8.2" (4.x; entries joined by commas) or a list of
 * them (5.x). Policies without CIS numbers (sca_win_audit, 5.0) pass. */
static bool cis_consistent(const cJSON *compliance, const char *cis)
{
	const cJSON *v = cJSON_IsObject(compliance)
	                         ? cJSON_GetObjectItemCaseSensitive(compliance, "cis")
	                         : NULL;
	const cJSON *it;

	if (v == NULL)
		return true;
	if (cJSON_IsString(v))
		return entries_all(v->valuestring, cis);
	if (!cJSON_IsArray(v) || v->child == NULL)
		return false;
	cJSON_ArrayForEach (it, v) {
		if (!cJSON_IsString(it) || !entries_all(it->valuestring, cis))
			return false;
	}
	return true;
}

/* 4.x check.registry lists the key of each registry rule: the control's
 * key alone. */
static bool registry_consistent(const cJSON *reg, const sca_control *c)
{
	sca_strings keys;
	const cJSON *it;
	bool ok;

	if (!sca_strings_read(reg, &keys))
		return false;
	ok = keys.items->child != NULL;
	cJSON_ArrayForEach (it, keys.items)
		ok = ok && registry_key_equal(it->valuestring, c->registry_key);
	sca_strings_free(&keys);
	return ok;
}

/* check.rules: its registry rules test the control's key alone, and one,
 * not negated, its value and data ("r:KEY -> VALUE -> 1"). */
static bool rules_consistent(const cJSON *rules, const sca_control *c)
{
	sca_strings list;
	sca_registry_rule r;
	const cJSON *it;
	char data[16];
	bool keys_ok = true, sets = false;

	if (!sca_strings_read(rules, &list))
		return false;
	snprintf(data, sizeof(data), "%lu", (unsigned long)c->dword);
	cJSON_ArrayForEach (it, list.items) {
		sca_rule_kind kind = sca_registry_rule_parse(it->valuestring, &r);
		bool ours_key =
		        kind == SCA_RULE_REGISTRY && registry_key_equal(r.key, c->registry_key);

		keys_ok = keys_ok && (kind == SCA_RULE_OTHER || ours_key);
		/* Value names, as the registry's, ignore case. */
		sets = sets || (ours_key && !r.negated && text_equal_ci(r.value, c->value_name) &&
		                strcmp(r.data, data) == 0);
	}
	sca_strings_free(&list);
	return keys_ok && sets;
}

bool sca_match(const sca_finding *f, sca_match_result *m)
{
	const char *id = f->check_id;
	const sca_control *c = NULL;
	char *why = m->reason;
	size_t n = sizeof(m->reason);

	char shown[33];

	m->control = NULL;
	why[0] = '\0';
	if (!f->in_sca_group)
		snprintf(why, n,
		         "not an SCA finding (4.x: rule.groups has no \"sca\"; 5.x: no check "
		         "and policy)");
	else if (f->event_type == NULL || strcmp(f->event_type, "check") != 0)
		snprintf(why, n, "SCA event is not a check result (type %s)",
		         text_shown(shown, sizeof(shown),
		                    f->event_type ? f->event_type : "missing"));
	else if (id == NULL || !text_is_digits(id, 10))
		snprintf(why, n, "SCA check id is missing or not a number");
	else if ((c = control_titled(f->title)) == NULL)
		snprintf(why, n, "check %s is not one this program remediates (%s)", id,
		         f->title ? "its title names another setting" : "it has no title");
	else if (!cis_consistent(f->compliance, c->cis))
		snprintf(why, n, "check %s is not one this program remediates (CIS number not %s)",
		         id, c->cis);
	else if (f->registry == NULL && f->rules == NULL)
		snprintf(why, n, "check %s carries no registry key or rule to confirm", id);
	else if (f->registry != NULL && !registry_consistent(f->registry, c))
		snprintf(why, n, "check %s does not name the registry key %s", id, c->registry_key);
	else if (f->rules != NULL && !rules_consistent(f->rules, c))
		snprintf(why, n, "check %s rules do not test %s -> %s -> %lu", id, c->registry_key,
		         c->value_name, (unsigned long)c->dword);
	else if (f->result == NULL || strcmp(f->result, "failed") != 0)
		snprintf(why, n, "check %s result is \"%s\", not \"failed\"", id,
		         text_shown(shown, sizeof(shown), f->result ? f->result : "missing"));
	else
		m->control = c;
	return m->control != NULL;
}
