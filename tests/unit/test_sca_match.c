/* Which findings are ours: the control recognised by what the check tests,
 * over every check of every Wazuh release's Windows policies (the table in
 * tests/data/sca, generated from wazuh/wazuh), and by hand for the forms and
 * traps the table does not hold. */
#include "ar_message.h"
#include "sca_match.h"

#include "unit.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TESTS_DATA_DIR
#error "TESTS_DATA_DIR must name tests/data"
#endif

static bool line_is_ours(const char *line, char *reason, size_t reason_len)
{
	ar_message m;
	ar_error err = {0};
	sca_match_result r;
	bool yes;

	ck_assert_msg(ar_message_parse(line, strlen(line), &m, &err) == AR_OK, "%s: %s", err.msg,
	              line);
	yes = sca_match(&m.finding, &r);
	ck_assert(yes == (r.control != NULL));
	ck_assert(yes || r.reason[0] != '\0');
	if (yes)
		ck_assert_ptr_eq(r.control, &sca_control_smb_client_signing);
	if (reason != NULL)
		snprintf(reason, reason_len, "%s", r.reason);
	ar_message_free(&m);
	return yes;
}

/* ---- The table: every check of every generation ------------------------ */

typedef struct table {
	cJSON *root;
	const cJSON **strings, **compliance, **checks;
	size_t n_strings, n_compliance, n_checks;
} table;

static const cJSON **index_array(const cJSON *arr, size_t *n)
{
	const cJSON **out;
	const cJSON *it;
	size_t i = 0;

	ck_assert(cJSON_IsArray(arr));
	*n = (size_t)cJSON_GetArraySize(arr);
	out = calloc(*n + 1, sizeof(*out));
	ck_assert_ptr_nonnull(out);
	cJSON_ArrayForEach (it, arr)
		out[i++] = it;
	return out;
}

static void table_load(table *t)
{
	char *text = unit_read_sample("sca/windows_policies.json", NULL);

	t->root = cJSON_Parse(text);
	free(text);
	ck_assert_ptr_nonnull(t->root);
	t->strings = index_array(cJSON_GetObjectItem(t->root, "strings"), &t->n_strings);
	t->compliance = index_array(cJSON_GetObjectItem(t->root, "compliance"), &t->n_compliance);
	t->checks = index_array(cJSON_GetObjectItem(t->root, "checks"), &t->n_checks);
}

static void table_free(table *t)
{
	free(t->strings);
	free(t->compliance);
	free(t->checks);
	cJSON_Delete(t->root);
}

static const char *str_at(const table *t, const cJSON *idx)
{
	ck_assert(cJSON_IsNumber(idx) && idx->valueint >= 0 &&
	          (size_t)idx->valueint < t->n_strings);
	return t->strings[idx->valueint]->valuestring;
}

static cJSON *strings_of(const table *t, const cJSON *indices)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *it;

	cJSON_ArrayForEach (it, indices)
		cJSON_AddItemToArray(arr, cJSON_CreateString(str_at(t, it)));
	return arr;
}

/* As W_JSON_AddField nests a decoder field: every dot opens an object
 * ("pci_dss_v4.0" -> {"pci_dss_v4":{"0":...}}); a field already there wins. */
static void add_nested(cJSON *obj, const char *key, const char *value)
{
	const char *dot = strchr(key, '.');
	char head[128];
	cJSON *sub;

	if (dot == NULL) {
		if (cJSON_GetObjectItemCaseSensitive(obj, key) == NULL)
			cJSON_AddStringToObject(obj, key, value);
		return;
	}
	snprintf(head, sizeof(head), "%.*s", (int)(dot - key), key);
	sub = cJSON_GetObjectItemCaseSensitive(obj, head);
	if (sub == NULL)
		sub = cJSON_AddObjectToObject(obj, head);
	if (cJSON_IsObject(sub))
		add_nested(sub, dot + 1, value);
}

/* The 4.x check as the decoder writes it under data.sca.check. */
static cJSON *check_4x(const table *t, const cJSON *c, bool with_rules)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *comp = t->compliance[cJSON_GetObjectItem(c, "compliance")->valueint];
	cJSON *nested = cJSON_AddObjectToObject(out, "compliance");
	const cJSON *it;
	char id[32];

	snprintf(id, sizeof(id), "%d", cJSON_GetObjectItem(c, "id")->valueint);
	cJSON_AddStringToObject(out, "id", id);
	cJSON_AddStringToObject(out, "title", str_at(t, cJSON_GetObjectItem(c, "title")));
	cJSON_AddStringToObject(out, "description", "Description of the setting.");
	cJSON_ArrayForEach (it, comp)
		add_nested(nested, it->string, str_at(t, it));
	if (cJSON_GetArraySize(cJSON_GetObjectItem(c, "registry")) > 0)
		cJSON_AddItemToObject(out, "registry",
		                      strings_of(t, cJSON_GetObjectItem(c, "registry")));
	if (with_rules)
		cJSON_AddItemToObject(out, "rules", strings_of(t, cJSON_GetObjectItem(c, "rules")));
	cJSON_AddStringToObject(out, "result", "failed");
	return out;
}

static char *message_4x(cJSON *check)
{
	cJSON *root = cJSON_CreateObject(), *origin, *params, *alert, *rule, *sca;
	char *text;

	cJSON_AddNumberToObject(root, "version", 1);
	origin = cJSON_AddObjectToObject(root, "origin");
	cJSON_AddStringToObject(origin, "name", "node01");
	cJSON_AddStringToObject(origin, "module", "wazuh-execd");
	cJSON_AddStringToObject(root, "command", "add");
	params = cJSON_AddObjectToObject(root, "parameters");
	cJSON_AddArrayToObject(params, "extra_args");
	alert = cJSON_AddObjectToObject(params, "alert");
	rule = cJSON_AddObjectToObject(alert, "rule");
	cJSON_AddStringToObject(rule, "id", "19007");
	cJSON_AddItemToObject(rule, "groups", cJSON_CreateStringArray((const char *[]){"sca"}, 1));
	sca = cJSON_AddObjectToObject(cJSON_AddObjectToObject(alert, "data"), "sca");
	cJSON_AddStringToObject(sca, "type", "check");
	cJSON_AddStringToObject(sca, "policy", "CIS Benchmark");
	cJSON_AddItemToObject(sca, "check", check);
	cJSON_AddStringToObject(params, "program", "active-response/bin/x");
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* What a 4.2.5+ manager sends a 4.2.0 - 4.2.4 agent: ! $ ' ` written as
 * \x21 \x24 \x27 \x60 (a backslash escaped in the JSON text). */
static char *escape_for_old_agents(const char *in)
{
	char *out = malloc(strlen(in) * 5 + 1), *o = out;

	ck_assert_ptr_nonnull(out);
	for (; *in; in++) {
		if (strchr("!$'`", *in) != NULL)
			o += sprintf(o, "\\\\x%02x", (unsigned char)*in);
		else
			*o++ = *in;
	}
	*o = '\0';
	return out;
}

/* The rules as 5.0 agents before the upstream fix send them: their JSON
 * text cut at every comma, each piece trimmed. */
static cJSON *rules_in_pieces(cJSON *rules)
{
	char *text = cJSON_PrintUnformatted(rules), *save = NULL, *piece;
	cJSON *out = cJSON_CreateArray();

	for (piece = strtok_r(text, ",", &save); piece; piece = strtok_r(NULL, ",", &save)) {
		while (*piece == ' ')
			piece++;
		if (*piece != '\0')
			cJSON_AddItemToArray(out, cJSON_CreateString(piece));
	}
	cJSON_free(text);
	cJSON_Delete(rules);
	return out;
}

static char *message_5x(const table *t, const cJSON *c, bool pieces, const char *result)
{
	cJSON *root = cJSON_CreateObject(), *wazuh, *ar, *check, *policy, *comp, *rules;
	const cJSON *it;
	char id[32], *text;

	wazuh = cJSON_AddObjectToObject(root, "wazuh");
	ar = cJSON_AddObjectToObject(wazuh, "active_response");
	cJSON_AddStringToObject(ar, "name", "smb-sign");
	cJSON_AddStringToObject(ar, "executable", "x.exe");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(wazuh, "agent"), "id", "001");
	check = cJSON_AddObjectToObject(root, "check");
	snprintf(id, sizeof(id), "%d", cJSON_GetObjectItem(c, "id")->valueint);
	cJSON_AddStringToObject(check, "id", id);
	cJSON_AddStringToObject(check, "name", str_at(t, cJSON_GetObjectItem(c, "title")));
	comp = cJSON_AddObjectToObject(check, "compliance");
	cJSON_ArrayForEach (it, t->compliance[cJSON_GetObjectItem(c, "compliance")->valueint])
		cJSON_AddItemToObject(comp, it->string, strings_of(t, it));
	rules = strings_of(t, cJSON_GetObjectItem(c, "rules"));
	cJSON_AddItemToObject(check, "rules", pieces ? rules_in_pieces(rules) : rules);
	cJSON_AddStringToObject(check, "result", result);
	policy = cJSON_AddObjectToObject(root, "policy");
	cJSON_AddStringToObject(policy, "id", "cis_win");
	cJSON_AddStringToObject(root, "command", "enable");
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

enum { IN_4X = 1, IN_4X_ESCAPED = 2, IN_5X = 4 };

/* For each distinct check: the eras whose generations hold it. */
static unsigned char *eras_of_checks(const table *t)
{
	unsigned char *eras = calloc(t->n_checks, 1);
	const cJSON *gen, *pol, *rel, *ck;
	const cJSON **policies;
	size_t n_pol;

	ck_assert_ptr_nonnull(eras);
	policies = index_array(cJSON_GetObjectItem(t->root, "policies"), &n_pol);
	cJSON_ArrayForEach (gen, cJSON_GetObjectItem(t->root, "generations")) {
		unsigned char era =
		        cJSON_GetObjectItem(gen, "major")->valueint == 5 ? IN_5X : IN_4X;
		cJSON_ArrayForEach (rel, cJSON_GetObjectItem(gen, "releases")) {
			if (strncmp(rel->valuestring, "v4.2.", 5) == 0 &&
			    rel->valuestring[5] <= '4' && rel->valuestring[6] == '\0')
				era |= IN_4X_ESCAPED;
		}
		cJSON_ArrayForEach (pol, cJSON_GetObjectItem(gen, "policies")) {
			cJSON_ArrayForEach (ck,
			                    cJSON_GetObjectItem(policies[pol->valueint], "checks"))
				eras[ck->valueint] |= era;
		}
	}
	free(policies);
	return eras;
}

static void expect(char *line, bool want, const table *t, size_t i, const char *form)
{
	char reason[256];
	bool got = line_is_ours(line, reason, sizeof(reason));

	ck_assert_msg(got == want, "check %d (%s) %s: %s [%s]",
	              cJSON_GetObjectItem(t->checks[i], "id")->valueint,
	              str_at(t, cJSON_GetObjectItem(t->checks[i], "title")), form,
	              want ? "refused" : "accepted", reason);
	free(line);
}

static void check_4x_forms(const table *t, size_t i, unsigned char era, bool ours)
{
	char *plain = message_4x(check_4x(t, t->checks[i], false));

	if (era & IN_4X_ESCAPED)
		expect(escape_for_old_agents(plain), ours, t, i, "4.2.0-4.2.4 escaped");
	expect(plain, ours, t, i, "4.x alert");
	/* An alert built from the server API's check also lists the rules. */
	expect(message_4x(check_4x(t, t->checks[i], true)), ours, t, i, "4.x with rules");
}

START_TEST(every_check_of_every_release)
{
	table t;
	unsigned char *eras;
	size_t ours = 0, run = 0;

	table_load(&t);
	eras = eras_of_checks(&t);
	ck_assert_uint_ge(t.n_checks, 5000);
	for (size_t i = 0; i < t.n_checks; i++) {
		bool want = cJSON_IsTrue(cJSON_GetObjectItem(t.checks[i], "ours"));

		ck_assert_msg(eras[i] != 0, "check %zu in no generation", i);
		ours += want;
		if (eras[i] & IN_4X)
			check_4x_forms(&t, i, eras[i], want);
		if (eras[i] & IN_5X) {
			expect(message_5x(&t, t.checks[i], false, "Failed"), want, &t, i, "5.x");
			expect(message_5x(&t, t.checks[i], true, "Failed"), want, &t, i,
			       "5.x rules in pieces");
		}
		if (want)
			expect(message_5x(&t, t.checks[i], true, "Passed"), false, &t, i, "passed");
		run++;
	}
	ck_assert_uint_eq(run, t.n_checks);
	/* Our control in every policy that has it, in every generation. */
	ck_assert_uint_ge(ours, 30);
	free(eras);
	table_free(&t);
}
END_TEST

/* Each generation: at most one check of a policy is ours, and the stock CIS
 * policies of every release have it (not the L2 profiles of 4.0, which
 * leave the L1 settings to their L1 twins). */
START_TEST(one_check_per_policy)
{
	table t;
	const cJSON *gen, *pol, *ck;
	const cJSON **policies;
	size_t n_pol;

	table_load(&t);
	policies = index_array(cJSON_GetObjectItem(t.root, "policies"), &n_pol);
	cJSON_ArrayForEach (gen, cJSON_GetObjectItem(t.root, "generations")) {
		size_t in_gen = 0;
		cJSON_ArrayForEach (pol, cJSON_GetObjectItem(gen, "policies")) {
			const cJSON *p = policies[pol->valueint];
			const char *file = cJSON_GetObjectItem(p, "file")->valuestring;
			size_t n = 0;

			cJSON_ArrayForEach (ck, cJSON_GetObjectItem(p, "checks"))
				n += cJSON_IsTrue(
				        cJSON_GetObjectItem(t.checks[ck->valueint], "ours"));
			ck_assert_msg(n <= 1, "%s: %zu checks of the control", file, n);
			ck_assert_msg(n == 1 || strstr(file, "L2") != NULL, "%s: none", file);
			in_gen += n;
		}
		ck_assert_uint_ge(in_gen, 4);
	}
	free(policies);
	table_free(&t);
}
END_TEST

/* ---- By hand ------------------------------------------------------------- */

/* The key as written inside a JSON string in this source, once and twice
 * encoded (a string holding a JSON list). */
#define KEY_J                                                                                      \
	"HKEY_LOCAL_"                                                                              \
	"MACHINE\\\\System\\\\CurrentControlSet\\\\Services\\\\LanmanWorkstation\\\\Parameters"
#define KEY_JJ                                                                                     \
	"HKEY_LOCAL_MACHINE\\\\\\\\System\\\\\\\\CurrentControlSet\\\\\\\\Services\\\\\\\\"        \
	"LanmanWorkstation\\\\\\\\Parameters"
#define SRV_J                                                                                      \
	"HKEY_LOCAL_"                                                                              \
	"MACHINE\\\\System\\\\CurrentControlSet\\\\Services\\\\LanmanServer\\\\Parameters"
#define OUR_TITLE                                                                                  \
	"Ensure 'Microsoft network client: Digitally sign communications (if server agrees)' is "  \
	"set to 'Enabled'."
#define REG_OURS  "[\"" KEY_J "\"]"
#define RULE_OURS "\"r:" KEY_J " -> EnableSecuritySignature -> 1\""

/* A 4.x message; NULL leaves a field out. title is JSON text (quoted). */
static char *msg4(const char *id, const char *result, const char *title, const char *cis,
                  const char *reg, const char *rules, const char *groups, const char *type)
{
	static char buf[8192];
	char comp[128] = "";

	if (cis != NULL)
		snprintf(comp, sizeof(comp),
		         ",\"compliance\":{\"cis\":%s,\"pci_dss_v4\":{\"0\":\"1\"}}", cis);
	snprintf(buf, sizeof(buf),
	         "{\"version\":1,\"origin\":{\"name\":\"n\",\"module\":\"wazuh-execd\"},"
	         "\"command\":\"add\",\"parameters\":{\"extra_args\":[],\"alert\":{"
	         "\"rule\":{\"id\":\"19007\",\"groups\":%s},\"agent\":{\"id\":\"007\"},"
	         "\"data\":{\"sca\":{\"type\":\"%s\",\"policy\":\"Custom policy\",\"check\":{"
	         "\"id\":%s,\"result\":\"%s\"%s%s%s%s%s%s%s}}}},\"program\":\"p\"}}",
	         groups, type, id, result, title ? ",\"title\":" : "", title ? title : "", comp,
	         reg ? ",\"registry\":" : "", reg ? reg : "", rules ? ",\"rules\":" : "",
	         rules ? rules : "");
	return buf;
}

static bool ours4(const char *title, const char *cis, const char *reg, const char *rules,
                  char *reason)
{
	return line_is_ours(
	        msg4("\"26032\"", "failed", title, cis, reg, rules, "[\"sca\"]", "check"), reason,
	        256);
}

START_TEST(title_in_any_quoting)
{
	static const char *const titles[] = {
	        "\"" OUR_TITLE "\"",
	        "\"Ensure Microsoft network client: Digitally sign communications (if server "
	        "agrees) is set to Enabled\"",
	        "\"Ensure \\\"Microsoft network client: Digitally sign communications (if server "
	        "agrees)\\\" is set to \\\"Enabled\\\"\"",
	        /* U+2018 / U+2019 and U+201C / U+201D */
	        "\"Ensure \u2018Microsoft network client: Digitally sign communications (if server "
	        "agrees)\u2019 is set to \u201cEnabled\u201d\"",
	        /* As a 4.2.5+ manager sends it to 4.2.0 - 4.2.4 agents. */
	        "\"Ensure \\\\x27Microsoft network client: Digitally sign communications (if "
	        "server "
	        "agrees)\\\\x27 is set to \\\\x27Enabled\\\\x27.\"",
	        "\"ENSURE 'MICROSOFT  NETWORK CLIENT:\\tDIGITALLY SIGN COMMUNICATIONS (IF SERVER "
	        "AGREES)' IS SET TO 'ENABLED'\"",
	        "\"Microsoft network client: Digitally sign communications (if server agrees)\"",
	};
	char reason[256];

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		ck_assert_msg(ours4(titles[i], "\"2.3.8.2\"", REG_OURS, NULL, reason), "%s: %s",
		              titles[i], reason);
}
END_TEST

START_TEST(other_settings_refused)
{
	static const char *const titles[] = {
	        /* The same key, another value: 2.3.8.1. */
	        "\"Ensure 'Microsoft network client: Digitally sign communications (always)' is "
	        "set to 'Enabled'.\"",
	        /* The upstream traps: the server setting's title, the client key. */
	        "\"Ensure 'Microsoft network server: Digitally sign communications (if client "
	        "agrees)' is set to 'Enabled'.\"",
	        "\"Ensure 'Microsoft network server: Digitally sign communications (always)' is "
	        "set to 'Enabled'.\"",
	        "\"Ensure 'Microsoft network client: Digitally sign communications (if client "
	        "agrees)' is set to 'Enabled'.\"",
	        "\"Ensure 'Microsoft network client: Digitally sign communications' is set to "
	        "'Enabled'.\"",
	        /* An escape that is not one of the manager's. */
	        "\"Microsoft network client: Digitally sign communications \\\\x28if server "
	        "agrees)\"",
	        "\"\"",
	        "null",
	        "42",
	};
	char reason[256];

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		ck_assert_msg(!ours4(titles[i], "\"2.3.8.2\"", REG_OURS, NULL, reason), "%s",
		              titles[i]);
		ck_assert_msg(strstr(reason, "is not one this program remediates") != NULL, "%s",
		              reason);
	}
	ck_assert(!ours4(NULL, "\"2.3.8.2\"", REG_OURS, NULL, reason));
	ck_assert_ptr_nonnull(strstr(reason, "no title"));
}
END_TEST

START_TEST(cis_number_where_present)
{
	char reason[256];
	const char *t = "\"" OUR_TITLE "\"";

	ck_assert(ours4(t, NULL, REG_OURS, NULL, NULL));
	ck_assert(ours4(t, "\"2.3.8.2\"", REG_OURS, NULL, NULL));
	ck_assert(ours4(t, "\" 2.3.8.2 \"", REG_OURS, NULL, NULL));
	ck_assert(ours4(t, "[\"2.3.8.2\"]", REG_OURS, NULL, NULL));
	ck_assert(!ours4(t, "\"2.3.8.1\"", REG_OURS, NULL, reason));
	ck_assert_ptr_nonnull(strstr(reason, "CIS number not 2.3.8.2"));
	ck_assert(!ours4(t, "\"2.3.8.2,2.3.9.3\"", REG_OURS, NULL, NULL));
	ck_assert(!ours4(t, "\"2.3.8.22\"", REG_OURS, NULL, NULL));
	ck_assert(!ours4(t, "\"\"", REG_OURS, NULL, NULL));
	ck_assert(!ours4(t, "[]", REG_OURS, NULL, NULL));
	ck_assert(!ours4(t, "[\"2.3.8.2\",1]", REG_OURS, NULL, NULL));
	ck_assert(!ours4(t, "2.382", REG_OURS, NULL, NULL));
}
END_TEST

START_TEST(registry_keys)
{
	char reason[256];
	const char *t = "\"" OUR_TITLE "\"";

	ck_assert(ours4(t, NULL, REG_OURS, NULL, NULL));
	/* A string holding the JSON list. */
	ck_assert(ours4(t, NULL, "\"[\\\"" KEY_JJ "\\\"]\"", NULL, NULL));
	ck_assert(
	        ours4(t, NULL,
	              "[\"hklm\\\\system\\\\currentcontrolset\\\\services\\\\lanmanworkstation\\\\"
	              "parameters\"]",
	              NULL, NULL));
	/* A custom policy reusing the title for another key. */
	ck_assert(!ours4(t, "\"2.3.8.2\"", "[\"" SRV_J "\"]", NULL, reason));
	ck_assert_ptr_nonnull(strstr(reason, "does not name the registry key"));
	ck_assert(!ours4(t, NULL, "[\"" KEY_J "\",\"" SRV_J "\"]", NULL, NULL));
	ck_assert(!ours4(t, NULL, "[\"" KEY_J "\\\\Sub\"]", NULL, NULL));
	ck_assert(!ours4(t, NULL, "[]", NULL, NULL));
	ck_assert(!ours4(t, NULL, "\"not json\"", NULL, NULL));
	ck_assert(!ours4(t, NULL, "\"" KEY_J "\"", NULL, NULL));
	ck_assert(!ours4(t, NULL, "42", NULL, NULL));
	ck_assert(!ours4(t, NULL, "[1]", NULL, NULL));
	/* Nothing to confirm the key with: the title alone does not decide. */
	ck_assert(!ours4(t, "\"2.3.8.2\"", NULL, NULL, reason));
	ck_assert_ptr_nonnull(strstr(reason, "no registry key or rule"));
}
END_TEST

START_TEST(rules_in_every_form)
{
	static const char *const good[] = {
	        "[" RULE_OURS "]",
	        "[\"not r:" KEY_J "\",\"not r:" KEY_J " -> EnableSecuritySignature\"," RULE_OURS
	        "]",
	        "[\"r:HKLM\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\LanmanWorkstation\\\\"
	        "Parameters -> enablesecuritysignature -> 1\"]",
	        "[\"c:reg query x -> r:y\"," RULE_OURS "]",
	        "[\"NOT r:" KEY_J "\"," RULE_OURS "]",
	        /* A string holding the list. */
	        "\"[\\\"r:" KEY_JJ " -> EnableSecuritySignature -> 1\\\"]\"",
	        /* The pieces 5.0 agents send before the upstream fix. */
	        "[\"[\\\"not r:" KEY_JJ "\\\"\",\"\\\"r:" KEY_JJ
	        " -> EnableSecuritySignature -> 1\\\"]\"]",
	        "[\"[\\\"r:" KEY_JJ " -> EnableSecuritySignature -> 1\\\"]\"]",
	        "[\" [\\\"not r:" KEY_JJ "\\\"\",\"\\\"r:" KEY_JJ
	        " -> EnableSecuritySignature -> 1\\\"]\"]",
	};
	static const char *const bad[] = {
	        "[]",
	        /* The key alone, or the value tested for absence only. */
	        "[\"r:" KEY_J "\"]",
	        "[\"not r:" KEY_J " -> EnableSecuritySignature -> 1\"]",
	        "[\"r:" KEY_J " -> EnableSecuritySignature -> 0\"]",
	        "[\"r:" KEY_J " -> EnableSecuritySignature -> r:^1$\"]",
	        "[\"r:" KEY_J " -> RequireSecuritySignature -> 1\"]",
	        "[\"r:" SRV_J " -> EnableSecuritySignature -> 1\"]",
	        "[" RULE_OURS ",\"r:" SRV_J " -> EnableSecuritySignature -> 1\"]",
	        "[\"c:reg query " KEY_J "\"]",
	        "[1,null,{}]",
	        "\"r:" KEY_J " -> EnableSecuritySignature -> 1\"",
	        "{}",
	        "1",
	        /* Pieces that do not join into a list. */
	        "[\"[\\\"r:" KEY_JJ " -> EnableSecuritySignature -> 1\\\"\"]",
	        "[\"[\\\"r:" KEY_JJ "\\\"\",\"\\\"x\\\"]\",\"\\\"y\\\"]\"]",
	};
	char reason[256];
	const char *t = "\"" OUR_TITLE "\"";

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(ours4(t, NULL, NULL, good[i], reason), "%s: %s", good[i], reason);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!ours4(t, NULL, NULL, bad[i], reason), "%s accepted", bad[i]);
		ck_assert_msg(strstr(reason, "rules do not test") != NULL, "%s", reason);
	}
	/* Registry and rules both present: both must agree. */
	ck_assert(ours4(t, NULL, REG_OURS, "[" RULE_OURS "]", NULL));
	ck_assert(!ours4(t, NULL, "[\"" SRV_J "\"]", "[" RULE_OURS "]", NULL));
	ck_assert(!ours4(t, NULL, REG_OURS, "[\"r:" KEY_J "\"]", NULL));
}
END_TEST

START_TEST(id_result_and_event)
{
	char reason[256];
	const char *t = "\"" OUR_TITLE "\"";
	const char *g = "[\"sca\"]";

	/* Any id: the content decides, the id only has to be a number. */
	ck_assert(line_is_ours(msg4("26032", "failed", t, NULL, REG_OURS, NULL, g, "check"), NULL,
	                       0));
	ck_assert(line_is_ours(msg4("\"13015\"", "failed", t, NULL, REG_OURS, NULL, g, "check"),
	                       NULL, 0));
	ck_assert(line_is_ours(msg4("\"1\"", "failed", t, NULL, REG_OURS, NULL, g, "check"), NULL,
	                       0));
	ck_assert(!line_is_ours(msg4("26032.5", "failed", t, NULL, REG_OURS, NULL, g, "check"),
	                        reason, sizeof(reason)));
	ck_assert_ptr_nonnull(strstr(reason, "not a number"));
	/* A string id that is not digits is not a finding but bad input. */
	{
		const char *line =
		        msg4("\"26032 \"", "failed", t, NULL, REG_OURS, NULL, g, "check");
		ar_message m;
		ar_error err = {0};
		ck_assert(ar_message_parse(line, strlen(line), &m, &err) == AR_E_INVALID);
		ck_assert_ptr_nonnull(strstr(err.msg, "check id is not a number"));
	}
	ck_assert(
	        !line_is_ours(msg4("{}", "failed", t, NULL, REG_OURS, NULL, g, "check"), NULL, 0));
	ck_assert(!line_is_ours(msg4("\"26032\"", "passed", t, NULL, REG_OURS, NULL, g, "check"),
	                        reason, sizeof(reason)));
	ck_assert_ptr_nonnull(strstr(reason, "\"passed\", not \"failed\""));
	ck_assert(!line_is_ours(
	        msg4("\"26032\"", "not applicable", t, NULL, REG_OURS, NULL, g, "check"), NULL, 0));
	ck_assert(!line_is_ours(
	        msg4("\"26032\"", "failed", t, NULL, REG_OURS, NULL, "[\"syscheck\"]", "check"),
	        reason, sizeof(reason)));
	ck_assert_ptr_nonnull(strstr(reason, "not an SCA finding"));
	ck_assert(!line_is_ours(msg4("\"26032\"", "failed", t, NULL, REG_OURS, NULL, g, "summary"),
	                        reason, sizeof(reason)));
	ck_assert_ptr_nonnull(strstr(reason, "not a check result"));
}
END_TEST

START_TEST(result_names_the_control)
{
	ar_message m;
	ar_error err = {0};
	sca_match_result r;
	const char *line = msg4("\"26032\"", "failed", "\"" OUR_TITLE "\"", "\"2.3.8.2\"", REG_OURS,
	                        NULL, "[\"sca\"]", "check");

	ck_assert(ar_message_parse(line, strlen(line), &m, &err) == AR_OK);
	ck_assert(sca_match(&m.finding, &r));
	ck_assert_str_eq(r.control->cis, "2.3.8.2");
	ck_assert_str_eq(r.control->registry_key,
	                 "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\"
	                 "LanmanWorkstation\\Parameters");
	ck_assert_str_eq(r.control->value_name, "EnableSecuritySignature");
	ck_assert_uint_eq(r.control->dword, 1);
	ck_assert_str_eq(r.reason, "");
	ar_message_free(&m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sca_match");
	TCase *table_tc = tcase_create("releases");
	TCase *tc = tcase_create("core");

	/* The whole table under the sanitizers takes a while. */
	tcase_set_timeout(table_tc, 600);
	tcase_add_test(table_tc, every_check_of_every_release);
	tcase_add_test(table_tc, one_check_per_policy);
	tcase_add_test(tc, title_in_any_quoting);
	tcase_add_test(tc, other_settings_refused);
	tcase_add_test(tc, cis_number_where_present);
	tcase_add_test(tc, registry_keys);
	tcase_add_test(tc, rules_in_every_form);
	tcase_add_test(tc, id_result_and_event);
	tcase_add_test(tc, result_names_the_control);
	suite_add_tcase(s, table_tc);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
