#include "sca_match.h"

#include "util/json_strict.h"
#include "registry/registry.h"

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

#define SMB_CLIENT (&sca_control_smb_client_signing)

/* Wazuh's stock Windows CIS policies (ruleset/sca/windows). The 2.3.9.3
 * checks 16031 (cis_win2016) and 34541 (cis_win2012) test this same key by
 * an upstream mistake but are titled for the server setting: not ours. */
static const sca_check_row rows[] = {
        {"cis_win11_enterprise", "CIS Microsoft Windows 11 Enterprise", "26032", SMB_CLIENT},
        {"cis_win10_enterprise", "CIS Microsoft Windows 10 Enterprise", "15535", SMB_CLIENT},
        {"cis_win2012r2", "CIS Microsoft Windows Server 2012 R2", "15036", SMB_CLIENT},
        {"cis_win2012", "CIS Microsoft Windows Server 2012 (non-R2)", "34537", SMB_CLIENT},
        {"cis_win2016", "CIS Microsoft Windows Server 2016", "16027", SMB_CLIENT},
        {"cis_win2019", "CIS Microsoft Windows Server 2019", "16535", SMB_CLIENT},
        {"cis_win2022", "CIS Microsoft Windows Server 2022", "27038", SMB_CLIENT},
        {"cis_win2025", "CIS Microsoft Windows Server 2025", "36537", SMB_CLIENT},
};

const sca_check_row *sca_check_rows(size_t *count)
{
	*count = sizeof(rows) / sizeof(rows[0]);
	return rows;
}

static bool all_digits(const char *s)
{
	if (*s == '\0' || strlen(s) > 10)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

/* Stock policy names run "<product>[ Benchmark][ vX.Y.Z[.]]" and the suffix
 * changes between releases ("CIS Microsoft Windows Server 2016 v2.0.0" has no
 * "Benchmark"): compare the product part, ignoring case. */
static bool policy_name_matches(const char *sent, const char *known)
{
	size_t n = strlen(known);
	for (size_t i = 0; i < n; i++) {
		if (tolower((unsigned char)sent[i]) != tolower((unsigned char)known[i]))
			return false;
	}
	return sent[n] == '\0' || sent[n] == ' ';
}

static const sca_check_row *find_row(const char *id, const sca_finding *f)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (strcmp(rows[i].check_id, id) != 0)
			continue;
		/* The policy id (5.x) is the stable name of the policy file; its
		 * display name is compared only when no id came (4.x). */
		if (f->policy_id != NULL && strcmp(f->policy_id, rows[i].policy_id) != 0)
			continue;
		if (f->policy_id == NULL && f->policy_name != NULL &&
		    !policy_name_matches(f->policy_name, rows[i].policy_name))
			continue;
		return &rows[i];
	}
	return NULL;
}

static bool list_names_key(const cJSON *list, const char *key)
{
	const cJSON *it;
	cJSON_ArrayForEach (it, list) {
		if (cJSON_IsString(it) && registry_key_equal(it->valuestring, key))
			return true;
	}
	return false;
}

/* check.registry is a JSON array, or a string holding one (the decoder
 * stores it JSON-encoded). Absent is fine; present must name our key. */
static bool registry_consistent(const cJSON *reg, const char *key)
{
	cJSON *parsed = NULL;
	bool ok;

	if (reg == NULL)
		return true;
	if (cJSON_IsArray(reg))
		return list_names_key(reg, key);
	if (!cJSON_IsString(reg))
		return false;
	if (json_parse_strict(reg->valuestring, strlen(reg->valuestring), &parsed, NULL) != AR_OK)
		return false;
	ok = cJSON_IsArray(parsed) && list_names_key(parsed, key);
	cJSON_Delete(parsed);
	return ok;
}

/* The key a registry rule tests: "r:<key> -> <value> -> <data>", possibly
 * negated ("not r:<key>"). Copies it into buf; false for other rules. */
static bool rule_key(const char *r, char *buf, size_t buflen)
{
	const char *end;
	size_t n;

	while (*r == ' ')
		r++;
	if (strncmp(r, "not ", 4) == 0)
		r += 4;
	if (strncmp(r, "r:", 2) != 0)
		return false;
	r += 2;
	end = strstr(r, " -> ");
	n = end ? (size_t)(end - r) : strlen(r);
	while (n > 0 && r[n - 1] == ' ')
		n--;
	if (n >= buflen)
		return false;
	memcpy(buf, r, n);
	buf[n] = '\0';
	return true;
}

static bool rule_list_names_key(const cJSON *rules, const char *key)
{
	const cJSON *it;
	char path[512];

	cJSON_ArrayForEach (it, rules) {
		if (cJSON_IsString(it) && rule_key(it->valuestring, path, sizeof(path)) &&
		    registry_key_equal(path, key))
			return true;
	}
	return false;
}

/* 5.x check.rules: an array of rule strings, or a string holding one (the
 * agent's database keeps it JSON-encoded). Absent is fine; present, one
 * registry rule must test the key. */
static bool rules_name_key(const cJSON *rules, const char *key)
{
	cJSON *parsed = NULL;
	bool ok;

	if (rules == NULL)
		return true;
	if (cJSON_IsArray(rules))
		return rule_list_names_key(rules, key);
	if (!cJSON_IsString(rules))
		return false;
	if (json_parse_strict(rules->valuestring, strlen(rules->valuestring), &parsed, NULL) !=
	    AR_OK)
		return false;
	ok = cJSON_IsArray(parsed) && rule_list_names_key(parsed, key);
	cJSON_Delete(parsed);
	return ok;
}

bool sca_match(const sca_finding *f, sca_match_result *m)
{
	char buf[32];
	const char *id = ar_finding_check_id(f, buf, sizeof(buf));

	m->row = NULL;
	m->reason[0] = '\0';
	if (!f->in_sca_group)
		snprintf(m->reason, sizeof(m->reason),
		         "not an SCA finding (4.x: rule.groups has no \"sca\"; 5.x: no check and "
		         "policy)");
	else if (f->event_type == NULL || strcmp(f->event_type, "check") != 0)
		snprintf(m->reason, sizeof(m->reason),
		         "SCA event is not a check result (type %.32s)",
		         f->event_type ? f->event_type : "missing");
	else if (id == NULL || !all_digits(id))
		snprintf(m->reason, sizeof(m->reason), "SCA check id is missing or not a number");
	else if ((m->row = find_row(id, f)) == NULL)
		snprintf(m->reason, sizeof(m->reason),
		         "check %s%s%.96s is not one this program remediates", id,
		         f->policy_name ? " of " : "", f->policy_name ? f->policy_name : "");
	else if (f->result == NULL || strcmp(f->result, "failed") != 0)
		snprintf(m->reason, sizeof(m->reason),
		         "check %s result is \"%.32s\", not \"failed\"", id,
		         f->result ? f->result : "missing");
	else if (!registry_consistent(f->registry, m->row->control->registry_key) ||
	         !rules_name_key(f->rules, m->row->control->registry_key))
		snprintf(m->reason, sizeof(m->reason), "check %s does not name the registry key %s",
		         id, m->row->control->registry_key);
	else
		return true;
	m->row = NULL;
	return false;
}
