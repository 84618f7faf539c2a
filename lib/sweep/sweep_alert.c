/* Which fields and in which form, after the 4.x decoder
 * (src/analysisd/decoders/security_configuration_assessment.c) and the
 * alert it leads to: data.sca.type "check", data.sca.policy (the policy's
 * name), data.sca.check.id as text, the texts as they are, compliance as
 * an object (dotted keys nested), file/directory/registry/process/command
 * each a JSON-encoded array of the comma-separated list, and the rule
 * 19007 ("check failed") with group "sca". Rules and condition are not in
 * a 4.x alert; members the API sends as null are left out, as execd would
 * drop them anyway. */
#include "sweep/sweep_alert.h"

#include "ar_message.h"
#include "util/json_strict.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_FAILED_ID    "19007"
#define RULE_FAILED_LEVEL 7
#define PROGRAM_DIR       "active-response/bin/"

static const char *const text_fields[] = {"title", "description", "rationale", "remediation"};
static const char *const list_fields[] = {"file", "directory", "registry", "process", "command"};

/* "a,b" -> the text ["a","b"], as the decoder stores these lists. */
static bool add_list_text(cJSON *obj, const char *key, const char *csv)
{
	cJSON *arr = cJSON_CreateArray();
	const char *p = csv;
	char *text;
	bool ok = arr != NULL;

	while (ok) {
		size_t n = strcspn(p, ",");
		char *part = strndup(p, n);
		ok = part != NULL && cJSON_AddItemToArray(arr, cJSON_CreateString(part));
		free(part);
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	text = ok ? cJSON_PrintUnformatted(arr) : NULL;
	ok = text != NULL && cJSON_AddStringToObject(obj, key, text) != NULL;
	free(text);
	cJSON_Delete(arr);
	return ok;
}

/* A compliance value as text: the API sends strings; a number is printed
 * as the decoder prints one. */
static bool value_text(const cJSON *v, char *buf, size_t len)
{
	if (cJSON_IsString(v))
		return (size_t)snprintf(buf, len, "%s", v->valuestring) < len;
	if (cJSON_IsNumber(v))
		return (size_t)snprintf(buf, len, "%.15g", v->valuedouble) < len;
	return false;
}

/* obj.a.b.c = value for the key "a.b.c": the alert nests dotted names. */
static bool set_dotted(cJSON *obj, const char *dotted, const char *value)
{
	char key[128];
	char *part = key, *dot;

	if ((size_t)snprintf(key, sizeof(key), "%s", dotted) >= sizeof(key))
		return false;
	while ((dot = strchr(part, '.')) != NULL) {
		cJSON *next;
		*dot = '\0';
		next = cJSON_GetObjectItemCaseSensitive(obj, part);
		if (next == NULL)
			next = cJSON_AddObjectToObject(obj, part);
		if (!cJSON_IsObject(next))
			return false; /* "a" already holds a value: keep the first */
		obj = next;
		part = dot + 1;
	}
	if (cJSON_GetObjectItemCaseSensitive(obj, part) != NULL)
		return false;
	return cJSON_AddStringToObject(obj, part, value) != NULL;
}

/* rule.<key> = ["v1", "v2"] for a flat key, the values split at commas. */
static void add_rule_compliance(cJSON *rule, const char *key, const char *value)
{
	cJSON *arr;
	const char *p = value;

	if (strchr(key, '.') != NULL || cJSON_GetObjectItemCaseSensitive(rule, key) != NULL ||
	    (arr = cJSON_AddArrayToObject(rule, key)) == NULL)
		return;
	for (;;) {
		size_t n;
		char *part;
		while (*p == ' ')
			p++;
		n = strcspn(p, ",");
		part = strndup(p, n);
		if (part != NULL && n > 0)
			cJSON_AddItemToArray(arr, cJSON_CreateString(part));
		free(part);
		if (p[n] == '\0')
			return;
		p += n + 1;
	}
}

/* The API lists compliance as [{"key": "cis", "value": "2.3.8.2"}, ...]. */
static void add_compliance(cJSON *out, cJSON *rule, const cJSON *compliance)
{
	cJSON *obj = NULL;
	const cJSON *it;
	char value[1024];

	cJSON_ArrayForEach (it, compliance) {
		const char *key = json_get_string(it, "key");
		if (key == NULL || key[0] == '\0' ||
		    !value_text(cJSON_GetObjectItemCaseSensitive(it, "value"), value,
		                sizeof(value)))
			continue;
		if (obj == NULL && (obj = cJSON_AddObjectToObject(out, "compliance")) == NULL)
			return;
		if (set_dotted(obj, key, value))
			add_rule_compliance(rule, key, value);
	}
}

/* The check's id as the decoder writes it: digits, as text. */
static bool add_id(cJSON *out, const cJSON *id)
{
	char buf[32];
	long long n;

	if (json_whole_number(id, 0, 999999999999999.0, &n))
		snprintf(buf, sizeof(buf), "%lld", n);
	else if (cJSON_IsString(id) && id->valuestring[0] != '\0' &&
	         strlen(id->valuestring) < sizeof(buf) &&
	         strspn(id->valuestring, "0123456789") == strlen(id->valuestring))
		snprintf(buf, sizeof(buf), "%s", id->valuestring);
	else
		return false;
	return cJSON_AddStringToObject(out, "id", buf) != NULL;
}

static bool add_check(cJSON *out, cJSON *rule, const cJSON *check)
{
	const char *s;

	if (!add_id(out, cJSON_GetObjectItemCaseSensitive(check, "id")))
		return false;
	for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
		if ((s = json_get_string(check, text_fields[i])) != NULL)
			cJSON_AddStringToObject(out, text_fields[i], s);
	add_compliance(out, rule, json_get_array(check, "compliance"));
	if ((s = json_get_string(check, "references")) != NULL)
		cJSON_AddStringToObject(out, "references", s);
	for (size_t i = 0; i < sizeof(list_fields) / sizeof(list_fields[0]); i++)
		if ((s = json_get_string(check, list_fields[i])) != NULL && s[0] != '\0' &&
		    !add_list_text(out, list_fields[i], s))
			return false;
	if ((s = json_get_string(check, "result")) != NULL)
		cJSON_AddStringToObject(out, "result", s);
	if ((s = json_get_string(check, "reason")) != NULL && s[0] != '\0')
		cJSON_AddStringToObject(out, "reason", s);
	return true;
}

static bool add_rule(cJSON *rule, const char *policy_name, const cJSON *check)
{
	const char *title = json_get_string(check, "title");
	const char *groups[] = {"sca"};
	strbuf sb = {0};
	char *description;
	bool ok;

	strbuf_addf(&sb, "%s%s%s", policy_name, title ? ": " : "", title ? title : "");
	description = strbuf_take(&sb, NULL);
	ok = description != NULL && cJSON_AddNumberToObject(rule, "level", RULE_FAILED_LEVEL) &&
	     cJSON_AddStringToObject(rule, "description", description) &&
	     cJSON_AddStringToObject(rule, "id", RULE_FAILED_ID) &&
	     cJSON_AddItemToObject(rule, "groups", cJSON_CreateStringArray(groups, 1));
	free(description);
	return ok;
}

cJSON *sweep_alert_build(const cJSON *check, const char *policy_name)
{
	cJSON *alert = cJSON_CreateObject();
	cJSON *rule = cJSON_AddObjectToObject(alert, "rule");
	cJSON *data = cJSON_AddObjectToObject(alert, "data");
	cJSON *sca = cJSON_AddObjectToObject(data, "sca");
	cJSON *decoder = cJSON_AddObjectToObject(alert, "decoder");
	cJSON *out = NULL;

	if (sca != NULL && cJSON_AddStringToObject(sca, "type", "check") &&
	    cJSON_AddStringToObject(sca, "policy", policy_name))
		out = cJSON_AddObjectToObject(sca, "check");
	if (out == NULL || decoder == NULL || !cJSON_AddStringToObject(decoder, "name", "sca") ||
	    !cJSON_AddStringToObject(alert, "location", "sca") ||
	    !add_rule(rule, policy_name, check) || !add_check(out, rule, check)) {
		cJSON_Delete(alert);
		return NULL;
	}
	return alert;
}

bool sweep_alert_set_agent(cJSON *alert, const char *agent_id, const char *agent_name)
{
	cJSON *agent = cJSON_CreateObject();

	if (agent == NULL || !cJSON_AddStringToObject(agent, "id", agent_id) ||
	    (agent_name != NULL && !cJSON_AddStringToObject(agent, "name", agent_name))) {
		cJSON_Delete(agent);
		return false;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(alert, "agent");
	return cJSON_AddItemToObject(alert, "agent", agent);
}

char *sweep_execd_message(const cJSON *alert, const char *command)
{
	cJSON *msg = cJSON_CreateObject();
	cJSON *origin = cJSON_AddObjectToObject(msg, "origin");
	cJSON *params = cJSON_CreateObject();
	strbuf sb = {0};
	char *program, *text = NULL;

	strbuf_addf(&sb, "%s%s", PROGRAM_DIR, command[0] == '!' ? command + 1 : command);
	program = strbuf_take(&sb, NULL);
	cJSON_AddNumberToObject(msg, "version", 1);
	cJSON_AddNullToObject(origin, "name");
	cJSON_AddStringToObject(origin, "module", "wazuh-execd");
	cJSON_AddStringToObject(msg, "command", "add");
	cJSON_AddItemToObject(msg, "parameters", params);
	cJSON_AddArrayToObject(params, "extra_args");
	cJSON_AddItemToObject(params, "alert", cJSON_Duplicate(alert, true));
	if (program != NULL && cJSON_AddStringToObject(params, "program", program) != NULL &&
	    cJSON_GetObjectItemCaseSensitive(params, "alert") != NULL)
		text = cJSON_PrintUnformatted(msg);
	free(program);
	cJSON_Delete(msg);
	return text;
}

bool sweep_alert_is_ours(const cJSON *alert, const char *command, sca_match_result *m)
{
	char *text = sweep_execd_message(alert, command);
	ar_message msg;
	ar_error err = {0};
	bool ours = false;

	m->control = NULL;
	snprintf(m->reason, sizeof(m->reason), "out of memory");
	if (text != NULL && ar_message_parse(text, strlen(text), &msg, &err) != AR_OK)
		text_shown(m->reason, sizeof(m->reason), err.msg);
	else if (text != NULL) {
		ours = msg.command == AR_CMD_ADD && sca_match(&msg.finding, m);
		ar_message_free(&msg);
	}
	free(text);
	return ours;
}
