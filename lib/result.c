#include "result.h"

#include "sca_match.h"
#include "util/dword.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/utf16.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const status_names[] = {
        [RESULT_REMEDIATED] = "remediated",
        [RESULT_COMPLIANT] = "compliant",
        [RESULT_WOULD_REMEDIATE] = "would_remediate",
        [RESULT_NOT_APPLICABLE] = "not_applicable",
        [RESULT_INVALID_INPUT] = "invalid_input",
        [RESULT_FAILED] = "failed",
        [RESULT_ABORTED] = "aborted",
        [RESULT_KEPT] = "kept",
        [RESULT_CONTESTED] = "contested",
        [RESULT_RESTORED] = "restored",
        [RESULT_WOULD_RESTORE] = "would_restore",
};

void result_init(ar_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = RESULT_FAILED;
}

void result_free(ar_result *r)
{
	free(r->command);
	free(r->check_id);
	free(r->policy);
	free(r->agent_id);
	free(r->agent_name);
	free(r->backup);
	free(r->restored_from);
	free(r->reason);
	free(r->error);
	reg_value_free(&r->before);
	reg_value_free(&r->after);
	gpo_evidence_free(&r->managed_by);
	for (size_t i = 0; i < r->warning_count; i++)
		free(r->warnings[i]);
	memset(r, 0, sizeof(*r));
}

/* What sb holds, as it is echoed (the log, standard error): one line,
 * whatever the input put into the fields and messages, its controls
 * escaped, UTF-8. */
static char *echoed(strbuf *sb)
{
	char *text = strbuf_take(sb, NULL);
	strbuf out = {0};

	if (text == NULL)
		return NULL;
	text_add_echoed(&out, text, SIZE_MAX);
	free(text);
	return strbuf_take(&out, NULL);
}

/* The whole text, however long (messages quote paths and input), as it
 * is echoed. */
static char *vformat(const char *fmt, va_list ap)
{
	strbuf sb = {0};

	strbuf_vaddf(&sb, fmt, ap);
	return echoed(&sb);
}

/* Replaces the text in *slot (r->error or r->reason) and sets the status. */
static void set_text(ar_result *r, char **slot, result_status status, const char *fmt, va_list ap)
{
	free(*slot);
	*slot = vformat(fmt, ap);
	r->status = status;
}

void result_set_error(ar_result *r, result_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_text(r, &r->error, status, fmt, ap);
	va_end(ap);
}

void result_set_reason(ar_result *r, result_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_text(r, &r->reason, status, fmt, ap);
	va_end(ap);
}

void result_add_warning(ar_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->warning_count == RESULT_WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	r->warnings[r->warning_count] = vformat(fmt, ap);
	va_end(ap);
	r->warning_count += r->warnings[r->warning_count] != NULL;
}

static const char *result_status_name(result_status s)
{
	return (s <= RESULT_WOULD_RESTORE) ? status_names[s] : "failed";
}

result_status result_status_for(ar_status st)
{
	switch (st) {
	case AR_E_NOMEM:
	case AR_E_IO:
	case AR_E_ACCESS:
		return RESULT_FAILED;
	default:
		return RESULT_INVALID_INPUT;
	}
}

int result_exit_code(const ar_result *r)
{
	switch (r->status) {
	case RESULT_REMEDIATED:
	case RESULT_COMPLIANT:
	case RESULT_KEPT:
	case RESULT_RESTORED:
		return EXIT_COMPLIANT;
	case RESULT_WOULD_REMEDIATE:
	case RESULT_WOULD_RESTORE:
		return EXIT_WOULD_CHANGE;
	case RESULT_NOT_APPLICABLE:
	case RESULT_ABORTED:
		return EXIT_NOT_APPLICABLE;
	case RESULT_INVALID_INPUT:
		return EXIT_INVALID_INPUT;
	case RESULT_CONTESTED:
		/* Compliant when it exits only where it wrote again. */
		return r->have_after ? EXIT_COMPLIANT : EXIT_FAILED;
	case RESULT_FAILED:
	default:
		return EXIT_FAILED;
	}
}

static char *hex_text(const unsigned char *d, size_t n)
{
	strbuf sb = {0};
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, i ? ",%02x" : "%02x", d[i]);
	return strbuf_take(&sb, NULL);
}

static cJSON *string_or_hex(const unsigned char *d, size_t n, bool strip_nul)
{
	char *s = NULL, *h;
	size_t sl;
	cJSON *item;

	if (strip_nul && n >= 2 && d[n - 1] == 0 && d[n - 2] == 0)
		n -= 2;
	if (n % 2 == 0 && utf16le_to_utf8(d, n, &s, &sl, NULL) == AR_OK &&
	    memchr(s, 0, sl) == NULL) {
		item = cJSON_CreateString(s);
		free(s);
		return item;
	}
	free(s);
	h = hex_text(d, n);
	item = cJSON_CreateString(h ? h : "");
	free(h);
	return item;
}

static cJSON *multi_sz(const unsigned char *d, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t start = 0;

	for (size_t i = 0; arr != NULL && i + 1 < n; i += 2) {
		if (d[i] == 0 && d[i + 1] == 0) {
			if (i == start)
				break; /* the empty string that ends the list */
			cJSON_AddItemToArray(arr, string_or_hex(d + start, i - start, false));
			start = i + 2;
		}
	}
	return arr;
}

static cJSON *value_data(const reg_value *v)
{
	uint64_t q = 0;
	char *h;
	cJSON *item;

	switch (v->type) {
	case REGV_DWORD:
	case REGV_QWORD:
		if (v->len != (v->type == REGV_DWORD ? 4u : 8u))
			break;
		q = dword_unpack(v->data);
		if (v->len == 8) /* a QWORD is two DWORDs, the low one first */
			q |= (uint64_t)dword_unpack(v->data + 4) << 32;
		return cJSON_CreateNumber((double)q);
	case REGV_SZ:
	case REGV_EXPAND_SZ:
		return string_or_hex(v->data, v->len, true);
	case REGV_MULTI_SZ:
		return multi_sz(v->data, v->len);
	default:
		break;
	}
	h = hex_text(v->data, v->len);
	item = cJSON_CreateString(h ? h : "");
	free(h);
	return item;
}

static void add_value(cJSON *root, const char *name, bool have, const reg_value *v)
{
	cJSON *o;

	if (!have) {
		cJSON_AddNullToObject(root, name);
		return;
	}
	o = cJSON_AddObjectToObject(root, name);
	cJSON_AddBoolToObject(o, "exists", v->exists);
	if (v->exists) {
		cJSON_AddStringToObject(o, "type", reg_type_name(v->type));
		cJSON_AddItemToObject(o, "data", value_data(v));
	} else {
		cJSON_AddNullToObject(o, "type");
		cJSON_AddNullToObject(o, "data");
	}
}

static void add_opt_string(cJSON *root, const char *name, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(root, name, s);
}

/* "2026-11-25T01:43:38Z" */
static void utc_text(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm *tm = gmtime(&tt);

	if (tm == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", tm) == 0)
		snprintf(buf, len, "%lld", t);
}

static void add_messages(cJSON *root, const ar_result *r)
{
	cJSON *o;

	if (r->messages.read < 2)
		return;
	o = cJSON_AddObjectToObject(root, "messages");
	cJSON_AddNumberToObject(o, "read", (double)r->messages.read);
	cJSON_AddNumberToObject(o, "used", (double)r->messages.used);
}

static void add_reverted(cJSON *root, const ar_result *r)
{
	char when[32];
	cJSON *o;

	if (!r->reverted.present)
		return;
	utc_text(r->reverted.last_set, when, sizeof(when));
	o = cJSON_AddObjectToObject(root, "reverted");
	cJSON_AddNumberToObject(o, "count", r->reverted.count);
	cJSON_AddNumberToObject(o, "window_days", r->reverted.window_days);
	cJSON_AddStringToObject(o, "last_set", when);
	add_value(o, "found", r->have_before, &r->before);
}

static void add_managed_by(cJSON *root, const gpo_evidence *e)
{
	cJSON *o;

	if (!e->found)
		return;
	o = cJSON_AddObjectToObject(root, "managed_by");
	cJSON_AddStringToObject(o, "source", "group_policy");
	add_opt_string(o, "gpo_name", e->gpo_name);
	add_opt_string(o, "gpo_id", e->gpo_id);
	add_opt_string(o, "setting", e->setting);
	add_opt_string(o, "template", e->template_file);
	cJSON_AddNumberToObject(o, "templates", (double)e->templates);
}

char *result_to_json(const ar_result *r)
{
	cJSON *root = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(root, "status", result_status_name(r->status));
	if (r->check_id != NULL)
		cJSON_AddStringToObject(root, "check_id", r->check_id);
	else
		cJSON_AddNullToObject(root, "check_id");
	add_opt_string(root, "policy", r->policy);
	add_opt_string(root, "agent_id", r->agent_id);
	add_opt_string(root, "agent_name", r->agent_name);
	add_opt_string(root, "command", r->command);
	add_opt_string(root, "input", r->input);
	add_messages(root, r);
	cJSON_AddStringToObject(root, "registry_path", r->control ? r->control->registry_key : "");
	cJSON_AddStringToObject(root, "value_name", r->control ? r->control->value_name : "");
	add_value(root, "before", r->have_before, &r->before);
	add_value(root, "after", r->have_after, &r->after);
	add_reverted(root, r);
	add_managed_by(root, &r->managed_by);
	add_opt_string(root, "backup", r->backup);
	add_opt_string(root, "restored_from", r->restored_from);
	add_opt_string(root, "reason", r->reason);
	add_opt_string(root, "error", r->error);
	if (r->dry_run)
		cJSON_AddTrueToObject(root, "dry_run");
	cJSON_AddStringToObject(root, "program", AR_PROGRAM_NAME);
	cJSON_AddStringToObject(root, "version", AR_VERSION);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

static void describe_value(strbuf *sb, bool have, const reg_value *v)
{
	cJSON *d;
	char *t;

	if (!have) {
		strbuf_adds(sb, "unknown");
		return;
	}
	if (!v->exists) {
		strbuf_adds(sb, v->key_exists ? "missing" : "missing (no key)");
		return;
	}
	if (v->type == REGV_DWORD && v->len == 4) {
		/* The usual case, as cJSON would print it, without building it. */
		strbuf_addf(sb, "%s %lu", reg_type_name(v->type),
		            (unsigned long)dword_unpack(v->data));
		return;
	}
	d = value_data(v);
	t = d ? cJSON_PrintUnformatted(d) : NULL;
	strbuf_addf(sb, "%s %s", reg_type_name(v->type), t ? t : "?");
	free(t);
	cJSON_Delete(d);
}

char *result_to_text(const ar_result *r)
{
	strbuf sb = {0};

	strbuf_addf(&sb, "%s: %s", AR_PROGRAM_NAME, result_status_name(r->status));
	if (r->check_id != NULL)
		strbuf_addf(&sb, " (check %s)", r->check_id);
	if (r->messages.read > 1)
		strbuf_addf(&sb, " (message %zu of the %zu on standard input)", r->messages.used,
		            r->messages.read);
	if (r->have_before || r->have_after) {
		strbuf_addf(&sb, ": %s was ", r->control ? r->control->value_name : "value");
		describe_value(&sb, r->have_before, &r->before);
		if (r->have_after) {
			strbuf_adds(&sb, ", now ");
			describe_value(&sb, r->have_after, &r->after);
		}
	}
	if (r->backup != NULL)
		strbuf_addf(&sb, "; backup %s", r->backup);
	if (r->restored_from != NULL)
		strbuf_addf(&sb, "; %s from %s",
		            r->status == RESULT_WOULD_RESTORE ? "would restore" : "restored",
		            r->restored_from);
	if (r->reason != NULL)
		strbuf_addf(&sb, "; %s", r->reason);
	if (r->error != NULL)
		strbuf_addf(&sb, "; error: %s", r->error);
	return echoed(&sb);
}
