#include "ar_message.h"

#include "json_strict.h"

#include <math.h>
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

#define PATH(...) (const char *const[]){__VA_ARGS__}, sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)

static bool array_has_string(const cJSON *arr, const char *s)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
			return true;
	}
	return false;
}

/* 4.x: the alert as analysisd wrote it, SCA fields under data.sca. */
static void finding_from_alert(const cJSON *alert, sca_finding *f)
{
	const cJSON *check = path_item(alert, PATH("data", "sca", "check"));
	const cJSON *groups = path_item(alert, PATH("rule", "groups"));

	memset(f, 0, sizeof(*f));
	f->in_sca_group = cJSON_IsArray(groups) && array_has_string(groups, "sca");
	f->event_type = path_string(alert, PATH("data", "sca", "type"));
	f->policy_name = path_string(alert, PATH("data", "sca", "policy"));
	f->agent_id = path_string(alert, PATH("agent", "id"));
	f->agent_name = path_string(alert, PATH("agent", "name"));
	if (cJSON_IsObject(check)) {
		f->check_id = cJSON_GetObjectItemCaseSensitive(check, "id");
		f->result = json_get_string(check, "result");
		f->registry = cJSON_GetObjectItemCaseSensitive(check, "registry");
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
	cJSON_ArrayForEach(it, args)
	{
		if (!cJSON_IsString(it))
			return ar_error_set(err, AR_E_INVALID,
			                    "parameters.extra_args must hold only strings");
		if (strcmp(it->valuestring, "dry-run") == 0 || strcmp(it->valuestring, "--dry-run") == 0)
			msg->dry_run = true;
	}
	return AR_OK;
}

static ar_status parse_v4(ar_message *msg, ar_error *err)
{
	const cJSON *root = msg->root;
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "parameters");
	const cJSON *alert, *program;

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
		                    "message: unknown command \"%.64s\" (expected add or delete)",
		                    msg->command_name);
	alert = cJSON_GetObjectItemCaseSensitive(params, "alert");
	if (!cJSON_IsObject(alert))
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"parameters.alert\" must be an object");
	program = cJSON_GetObjectItemCaseSensitive(params, "program");
	if (program != NULL && !cJSON_IsString(program))
		return ar_error_set(err, AR_E_INVALID,
		                    "message: \"parameters.program\" must be a string");
	msg->wazuh_major = 4;
	finding_from_alert(alert, &msg->finding);
	return parse_extra_args(params, msg, err);
}

ar_status ar_message_parse(const char *line, size_t len, ar_message *msg, ar_error *err)
{
	ar_status st;

	memset(msg, 0, sizeof(*msg));
	if (len == 0)
		return ar_error_set(err, AR_E_INVALID, "empty message");
	st = json_parse_strict(line, len, &msg->root, err);
	if (st != AR_OK)
		return ar_error_prefix(err, "message");
	if (!cJSON_IsObject(msg->root)) {
		st = ar_error_set(err, AR_E_INVALID, "message: not a JSON object");
		goto out;
	}
	msg->command_name = json_get_string(msg->root, "command");
	if (msg->command_name == NULL) {
		st = ar_error_set(err, AR_E_INVALID, "message: \"command\" must be a string");
		goto out;
	}
	st = parse_v4(msg, err);
out:
	if (st != AR_OK)
		ar_message_free(msg);
	return st;
}

void ar_message_free(ar_message *msg)
{
	cJSON_Delete(msg->root);
	memset(msg, 0, sizeof(*msg));
}

const char *ar_finding_check_id(const sca_finding *f, char *buf, size_t buflen)
{
	const cJSON *id = f->check_id;

	if (cJSON_IsString(id))
		return id->valuestring;
	if (cJSON_IsNumber(id) && isfinite(id->valuedouble) && id->valuedouble >= 0 &&
	    id->valuedouble < 1e15 && floor(id->valuedouble) == id->valuedouble) {
		snprintf(buf, buflen, "%.0f", id->valuedouble);
		return buf;
	}
	return NULL;
}
