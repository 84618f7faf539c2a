#include "ar_message.h"

#include "util/json_strict.h"
#include "util/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *path_string(const cJSON *obj, const char *const *path, size_t n)
{
	for (size_t i = 0; i + 1 < n && obj != NULL; i++)
		obj = json_get_object(obj, path[i]);
	return obj ? json_get_string(obj, path[n - 1]) : NULL;
}

static const cJSON *path_item(const cJSON *obj, const char *const *path, size_t n)
{
	for (size_t i = 0; i + 1 < n && obj != NULL; i++)
		obj = json_get_object(obj, path[i]);
	return obj ? cJSON_GetObjectItemCaseSensitive(obj, path[n - 1]) : NULL;
}

#define PATH(...)                                                                                  \
	(const char *const[]){__VA_ARGS__},                                                        \
	        sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)

static bool array_has_string(const cJSON *arr, const char *s)
{
	const cJSON *it;
	cJSON_ArrayForEach (it, arr) {
		if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
			return true;
	}
	return false;
}

/* The check id as text: a string as sent, a whole number written out into
 * the message's own storage; NULL for anything else. */
static const char *check_id_text(const cJSON *id, ar_message *msg)
{
	long long n;

	if (cJSON_IsString(id))
		return id->valuestring;
	if (!json_whole_number(id, 0, 999999999999999.0, &n))
		return NULL;
	snprintf(msg->check_id_digits, sizeof(msg->check_id_digits), "%lld", n);
	return msg->check_id_digits;
}

/* 4.x: the alert as analysisd wrote it, SCA fields under data.sca. */
static void finding_from_alert(const cJSON *alert, ar_message *msg)
{
	const cJSON *check = path_item(alert, PATH("data", "sca", "check"));
	const cJSON *groups = path_item(alert, PATH("rule", "groups"));
	sca_finding *f = &msg->finding;

	memset(f, 0, sizeof(*f));
	f->in_sca_group = cJSON_IsArray(groups) && array_has_string(groups, "sca");
	f->event_type = path_string(alert, PATH("data", "sca", "type"));
	f->policy_name = path_string(alert, PATH("data", "sca", "policy"));
	f->agent_id = path_string(alert, PATH("agent", "id"));
	f->agent_name = path_string(alert, PATH("agent", "name"));
	if (cJSON_IsObject(check)) {
		f->check_id = check_id_text(cJSON_GetObjectItemCaseSensitive(check, "id"), msg);
		f->result = json_get_string(check, "result");
		f->title = json_get_string(check, "title");
		f->compliance = cJSON_GetObjectItemCaseSensitive(check, "compliance");
		f->registry = cJSON_GetObjectItemCaseSensitive(check, "registry");
		/* Not in the decoder's alerts; present in one built from the
		 * server API's view of a check. */
		f->rules = cJSON_GetObjectItemCaseSensitive(check, "rules");
	}
}

static ar_status parse_extra_args(const cJSON *params, ar_message *msg, ar_error *err)
{
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "extra_args");
	const cJSON *it;

	if (args == NULL || cJSON_IsNull(args))
		return AR_OK;
	if (!cJSON_IsArray(args))
		return ar_error_set(err, AR_E_INVALID, "parameters.extra_args must be an array");
	cJSON_ArrayForEach (it, args) {
		if (!cJSON_IsString(it))
			return ar_error_set(err, AR_E_INVALID,
			                    "parameters.extra_args must hold only strings");
		if (strcmp(it->valuestring, "dry-run") == 0 ||
		    strcmp(it->valuestring, "--dry-run") == 0)
			msg->dry_run = true;
		if (strcmp(it->valuestring, "restore-last") == 0 ||
		    strcmp(it->valuestring, "--restore-last") == 0)
			msg->restore_last = true;
	}
	return AR_OK;
}

static ar_status parse_v4(ar_message *msg, ar_error *err)
{
	const cJSON *root = msg->root;
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "parameters");
	const cJSON *alert, *program;
	char shown[65];

	if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "version")))
		return ar_error_set(err, AR_E_INVALID, "message: \"version\" must be a number");
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "origin")))
		return ar_error_set(err, AR_E_INVALID, "message: \"origin\" must be an object");
	if (!cJSON_IsObject(params))
		return ar_error_set(err, AR_E_INVALID, "message: \"parameters\" must be an object");
	if (strcmp(msg->command_name, "add") == 0)
		msg->command = AR_CMD_ADD;
	else if (strcmp(msg->command_name, "delete") == 0)
		msg->command = AR_CMD_DELETE;
	else
		return ar_error_set(err, AR_E_INVALID,
		                    "message: unknown command \"%s\" (expected add or delete)",
		                    text_shown(shown, sizeof(shown), msg->command_name));
	alert = cJSON_GetObjectItemCaseSensitive(params, "alert");
	if (!cJSON_IsObject(alert))
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"parameters.alert\" must be an object");
	program = cJSON_GetObjectItemCaseSensitive(params, "program");
	if (program != NULL && !cJSON_IsString(program))
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"parameters.program\" must be a string");
	finding_from_alert(alert, msg);
	return parse_extra_args(params, msg, err);
}

/* 5.x puts the finding's fields at the root, as nested objects ("check":
 * {"id": ...}) or as flat dotted keys ("check.id"): both are read. */
static const cJSON *field5(const cJSON *root, const char *group, const char *name)
{
	char dotted[64];
	const cJSON *obj = json_get_object(root, group);
	const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;

	if (v == NULL) {
		snprintf(dotted, sizeof(dotted), "%s.%s", group, name);
		v = cJSON_GetObjectItemCaseSensitive(root, dotted);
	}
	return v;
}

static const char *field5_string(const cJSON *root, const char *group, const char *name)
{
	const cJSON *v = field5(root, group, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* 5.x: a finding document with a "wazuh" object; SCA findings carry a check
 * and the policy it belongs to. */
static void finding_from_document(const cJSON *root, ar_message *msg)
{
	const cJSON *agent = json_get_object(json_get_object(root, "wazuh"), "agent");
	const cJSON *id = field5(root, "check", "id");
	sca_finding *f = &msg->finding;

	memset(f, 0, sizeof(*f));
	f->check_id = check_id_text(id, msg);
	f->policy_id = field5_string(root, "policy", "id");
	f->policy_name = field5_string(root, "policy", "name");
	f->result = field5_string(root, "check", "result");
	/* 5.x names the title "name" (its first pre-releases: "title"). */
	f->title = field5_string(root, "check", "name");
	if (f->title == NULL)
		f->title = field5_string(root, "check", "title");
	f->compliance = field5(root, "check", "compliance");
	f->rules = field5(root, "check", "rules");
	/* The result's case is not fixed in 5.x ("failed", "Not run"). */
	if (f->result != NULL && text_equal_ci(f->result, "failed"))
		f->result = "failed";
	/* An id of any type makes it an SCA finding: the matcher says what is
	 * wrong with it. Rules are kept as sent: the matcher refuses rules it
	 * cannot read rather than skipping the cross-check. */
	f->in_sca_group = id != NULL && f->policy_id != NULL;
	f->event_type = f->in_sca_group ? "check" : NULL;
	if (agent == NULL)
		agent = json_get_object(root, "agent");
	f->agent_id = agent ? json_get_string(agent, "id") : NULL;
	f->agent_name = agent ? json_get_string(agent, "name") : NULL;
}

/* extra_arguments is one string in 5.x: words separated by white space. */
static bool words_have(const char *s, const char *word)
{
	size_t n = strlen(word);
	while (*s) {
		size_t len;
		while (*s && isspace((unsigned char)*s))
			s++;
		len = 0;
		while (s[len] && !isspace((unsigned char)s[len]))
			len++;
		if ((len == n && strncmp(s, word, n) == 0) ||
		    (len == n + 2 && strncmp(s, "--", 2) == 0 && strncmp(s + 2, word, n) == 0))
			return true;
		s += len;
	}
	return false;
}

/* The members of wazuh.active_response that execd and the manager define;
 * execd itself refuses a message without an executable. */
static ar_status check_active_response(const cJSON *ar, ar_error *err)
{
	const cJSON *exe = cJSON_GetObjectItemCaseSensitive(ar, "executable");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(ar, "type");
	const cJSON *timeout = cJSON_GetObjectItemCaseSensitive(ar, "stateful_timeout");
	const cJSON *agent_id = cJSON_GetObjectItemCaseSensitive(ar, "agent_id");
	const char *name_fields[] = {"name", "location"};

	if (!cJSON_IsString(exe) || exe->valuestring[0] == '\0')
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"wazuh.active_response.executable\" must be a "
		                    "non-empty string");
	for (size_t i = 0; i < sizeof(name_fields) / sizeof(name_fields[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(ar, name_fields[i]);
		if (v != NULL && !cJSON_IsString(v))
			return ar_error_set(
			        err, AR_E_INVALID,
			        "message: \"wazuh.active_response.%s\" must be a string",
			        name_fields[i]);
	}
	if (type != NULL &&
	    !(cJSON_IsString(type) && (strcmp(type->valuestring, "stateless") == 0 ||
	                               strcmp(type->valuestring, "stateful") == 0)))
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"wazuh.active_response.type\" must be \"stateless\" "
		                    "or \"stateful\"");
	if (timeout != NULL && !cJSON_IsNull(timeout) &&
	    !json_whole_number(timeout, 0, 2147483647.0, NULL))
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"wazuh.active_response.stateful_timeout\" must be a "
		                    "whole number of seconds");
	if (agent_id != NULL && !cJSON_IsNull(agent_id) && !cJSON_IsString(agent_id))
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"wazuh.active_response.agent_id\" must be a string");
	return AR_OK;
}

static ar_status parse_v5(ar_message *msg, const cJSON *wazuh, ar_error *err)
{
	const cJSON *ar = cJSON_GetObjectItemCaseSensitive(wazuh, "active_response");
	const cJSON *extra, *agent;
	char shown[65];
	ar_status st;

	if (!cJSON_IsObject(ar))
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"wazuh.active_response\" must be an object");
	agent = cJSON_GetObjectItemCaseSensitive(wazuh, "agent");
	if (agent != NULL && !cJSON_IsObject(agent))
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"wazuh.agent\" must be an object");
	if (strcmp(msg->command_name, "enable") == 0)
		msg->command = AR_CMD_ADD;
	else if (strcmp(msg->command_name, "disable") == 0)
		msg->command = AR_CMD_DELETE;
	else
		return ar_error_set(err, AR_E_INVALID,
		                    "message: unknown command \"%s\" (expected enable or disable)",
		                    text_shown(shown, sizeof(shown), msg->command_name));
	st = check_active_response(ar, err);
	if (st != AR_OK)
		return st;
	extra = cJSON_GetObjectItemCaseSensitive(ar, "extra_arguments");
	if (extra != NULL && !cJSON_IsNull(extra) && !cJSON_IsString(extra))
		return ar_error_set(
		        err, AR_E_INVALID,
		        "message: \"wazuh.active_response.extra_arguments\" must be a string");
	msg->dry_run = cJSON_IsString(extra) && words_have(extra->valuestring, "dry-run");
	msg->restore_last = cJSON_IsString(extra) && words_have(extra->valuestring, "restore-last");
	finding_from_document(msg->root, msg);
	return AR_OK;
}

/* Any member only the 4.x shape has: the message is then judged as 4.x. */
static bool has_v4_member(const cJSON *root)
{
	return cJSON_GetObjectItemCaseSensitive(root, "version") != NULL ||
	       cJSON_GetObjectItemCaseSensitive(root, "origin") != NULL ||
	       cJSON_GetObjectItemCaseSensitive(root, "parameters") != NULL;
}

/* What wazuh-execd writes: a command, in the 4.x or the 5.x shape. */
static bool is_execd_form(const cJSON *root)
{
	return cJSON_GetObjectItemCaseSensitive(root, "command") != NULL || has_v4_member(root) ||
	       json_get_object(json_get_object(root, "wazuh"), "active_response") != NULL;
}

static ar_status parse_execd(ar_message *msg, ar_error *err)
{
	const cJSON *wazuh = cJSON_GetObjectItemCaseSensitive(msg->root, "wazuh");

	msg->form = AR_FORM_EXECD;
	msg->command_name = json_get_string(msg->root, "command");
	if (msg->command_name == NULL)
		return ar_error_set(err, AR_E_INVALID, "message: \"command\" must be a string");
	/* The shapes differ in structure: 5.x has a "wazuh" object and no
	 * "parameters"; 4.x has "version", "origin" and "parameters". */
	if (wazuh != NULL && cJSON_GetObjectItemCaseSensitive(msg->root, "parameters") == NULL)
		return cJSON_IsObject(wazuh) ? parse_v5(msg, wazuh, err)
		                             : ar_error_set(err, AR_E_INVALID,
		                                            "message: \"wazuh\" must be an object");
	if (wazuh == NULL && !has_v4_member(msg->root))
		return ar_error_set(
		        err, AR_E_INVALID,
		        "message: neither the 5.x shape (a \"wazuh\" object) nor the 4.x "
		        "shape (\"version\", \"origin\", \"parameters\")");
	return parse_v4(msg, err);
}

/* A group of 5.x fields, nested ("check": {"id": ...}) or flat ("check.id"). */
static bool has_group(const cJSON *doc, const char *group)
{
	char dotted[32];

	snprintf(dotted, sizeof(dotted), "%s.id", group);
	return json_get_object(doc, group) != NULL ||
	       cJSON_GetObjectItemCaseSensitive(doc, dotted) != NULL;
}

/* An alert or a state document with no execd around it: nothing to answer,
 * and the request is to act. An alert always has "rule" and "agent" (each
 * line of alerts.json); an SCA state document, "check" and "policy". */
static ar_status parse_bare(ar_message *msg, const cJSON *doc, ar_error *err)
{
	bool in_document = msg->form == AR_FORM_INDEXER_DOCUMENT;

	msg->command = AR_CMD_ADD;
	msg->command_name = "add";
	if (json_get_object(doc, "rule") != NULL && json_get_object(doc, "agent") != NULL) {
		msg->form = in_document ? msg->form : AR_FORM_ALERT;
		finding_from_alert(doc, msg);
		return AR_OK;
	}
	if (has_group(doc, "check") && has_group(doc, "policy")) {
		msg->form = in_document ? msg->form : AR_FORM_SCA_STATE;
		finding_from_document(doc, msg);
		return AR_OK;
	}
	return ar_error_set(err, AR_E_INVALID,
	                    in_document ? "message: the document's \"_source\" is neither a Wazuh "
	                                  "alert (\"rule\" and \"agent\") nor an SCA state "
	                                  "document (\"check\" and \"policy\")"
	                                : "message: not a form this program reads; expected the "
	                                  "message wazuh-execd writes (\"command\"), a Wazuh alert "
	                                  "as alerts.json holds it (\"rule\" and \"agent\"), the "
	                                  "dashboard's JSON of one (\"_source\"), or an SCA state "
	                                  "document (\"check\" and \"policy\")");
}

/* The check id goes back to execd in check_keys and into every line: longer
 * than any SCA id, or not digits, it is not a finding but bad input, and is
 * not echoed. A number that is not a whole one is left to the matcher. */
static ar_status check_id_bounded(const sca_finding *f, ar_error *err)
{
	if (f->check_id == NULL || text_is_digits(f->check_id, AR_CHECK_ID_MAX))
		return AR_OK;
	return ar_error_set(err, AR_E_INVALID,
	                    "message: the check id is not a number of at most %d digits",
	                    AR_CHECK_ID_MAX);
}

ar_status ar_message_parse(const char *line, size_t len, ar_message *msg, ar_error *err)
{
	const cJSON *source;
	ar_status st;

	memset(msg, 0, sizeof(*msg));
	if (len == 0)
		return ar_error_set(err, AR_E_INVALID, "empty message");
	st = json_parse_strict(line, len, &msg->root, err);
	if (st != AR_OK)
		return ar_error_prefix(err, st, "message");
	source = cJSON_GetObjectItemCaseSensitive(msg->root, "_source");
	if (!cJSON_IsObject(msg->root)) {
		st = ar_error_set(err, AR_E_INVALID, "message: not a JSON object");
	} else if (source != NULL) {
		/* The indexer's document, as the dashboard shows it: the alert
		 * or the state document is its "_source". */
		msg->form = AR_FORM_INDEXER_DOCUMENT;
		st = cJSON_IsObject(source)
		             ? parse_bare(msg, source, err)
		             : ar_error_set(err, AR_E_INVALID,
		                            "message: \"_source\" must be an object");
	} else {
		st = is_execd_form(msg->root) ? parse_execd(msg, err)
		                              : parse_bare(msg, msg->root, err);
	}
	if (st == AR_OK)
		st = check_id_bounded(&msg->finding, err);
	if (st != AR_OK)
		ar_message_free(msg);
	return st;
}

static const char *const form_names[] = {
        [AR_FORM_EXECD] = "execd",
        [AR_FORM_ALERT] = "alert",
        [AR_FORM_INDEXER_DOCUMENT] = "indexer_document",
        [AR_FORM_SCA_STATE] = "sca_state",
};

const char *ar_input_form_name(ar_input_form form)
{
	return form_names[form];
}

void ar_message_free(ar_message *msg)
{
	cJSON_Delete(msg->root);
	memset(msg, 0, sizeof(*msg));
}
