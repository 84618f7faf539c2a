#include "sweep/sweep_summary.h"

#include "util/text.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

struct sweep_named {
	char *id, *name;
};

/* Named by their enumerators, so that the order of either cannot slip. */
static const char *const skip_names[SKIP_REASONS] = {
        [SKIP_OLD_AGENT] = "agent_older_than_4.2",
        [SKIP_VERSION_UNKNOWN] = "agent_version_unknown",
        [SKIP_NOT_WINDOWS] = "not_windows",
        [SKIP_NOT_ACTIVE] = "not_active",
        [SKIP_NO_SCA] = "no_sca_results",
        [SKIP_SCA_UNREADABLE] = "sca_unreadable",
        [SKIP_ALREADY_SENT] = "already_dispatched",
        [SKIP_UNCONFIRMED] = "dispatch_unconfirmed",
        [SKIP_DRY_RUN] = "dry_run",
        [SKIP_TOO_MANY_POLICIES] = "too_many_policies",
        [SKIP_UNKNOWN_AGENT] = "unknown_agent",
};

void sweep_summary_failed(sweep_summary *s, long code, size_t n)
{
	size_t i;

	s->dispatch_failed += n;
	for (i = 0; i < s->failed_kinds && s->failed_by[i].code != code; i++)
		;
	if (i == s->failed_kinds) {
		if (i == SWEEP_CODES_MAX)
			i--; /* the last slot gathers the rarest */
		else
			s->failed_kinds++;
		s->failed_by[i].code = code;
	}
	s->failed_by[i].agents += n;
}

const char *sweep_summary_code_meaning(long code)
{
	switch (code) {
	case SWEEP_CODE_NO_ANSWER:
		return "no answer: it may have reached the agents";
	case SWEEP_CODE_UNLISTED:
		return "not in the API's answer";
	case SWEEP_CODE_NOT_OURS:
		return "not sent: the alert would not be taken by the program";
	case 1701:
		return "agent does not exist";
	case 1707:
		return "agent not active";
	case 1750:
		return "active response disabled on the agent";
	case 1652:
		return "command not in the manager's ar.conf";
	case 1650:
		return "command missing";
	default:
		return code < 0 ? "refused by the API (HTTP status)" : "refused by the API";
	}
}

/* Text from a peer as it may be echoed: escaped for a terminal, cut. */
static char *echoed(const char *text, size_t cap)
{
	strbuf sb = {0};
	char *escaped, *cut;

	text_add_for_terminal(&sb, text);
	escaped = strbuf_take(&sb, NULL);
	cut = text_cut(escaped, cap);
	free(escaped);
	return cut;
}

void sweep_summary_name(sweep_summary *s, const char *id, const char *name)
{
	struct sweep_named *n;

	if (s->named_n == SWEEP_NAMED_MAX)
		return;
	if (s->named == NULL && (s->named = calloc(SWEEP_NAMED_MAX, sizeof(*n))) == NULL)
		return;
	n = &s->named[s->named_n];
	n->id = echoed(id, TEXT_ECHOED_MAX);
	n->name = name != NULL ? echoed(name, TEXT_ECHOED_MAX) : NULL;
	if (n->id != NULL)
		s->named_n++;
	else
		free(n->name);
}

void sweep_summary_error(sweep_summary *s, const char *reason)
{
	free(s->error);
	s->error = echoed(reason, AR_ERROR_MSG_MAX);
}

void sweep_summary_clear(sweep_summary *s)
{
	for (size_t i = 0; i < s->named_n; i++) {
		free(s->named[i].id);
		free(s->named[i].name);
	}
	free(s->named);
	free(s->error);
	s->named = NULL;
	s->named_n = 0;
	s->error = NULL;
}

/* "arguments", "arguments_from" and the agents named: "dispatched_to", or
 * "would_dispatch_to" in a dry run. */
static void add_dispatch(cJSON *o, const sweep_summary *s)
{
	cJSON *args = cJSON_AddArrayToObject(o, "arguments");
	cJSON *named =
	        cJSON_AddArrayToObject(o, s->dry_run ? "would_dispatch_to" : "dispatched_to");

	for (size_t i = 0; i < s->arguments_n; i++)
		cJSON_AddItemToArray(args, cJSON_CreateString(s->arguments[i]));
	if (s->arguments_from != NULL)
		cJSON_AddStringToObject(o, "arguments_from", s->arguments_from);
	for (size_t i = 0; i < s->named_n; i++) {
		cJSON *agent = cJSON_CreateObject();
		cJSON_AddStringToObject(agent, "id", s->named[i].id);
		if (s->named[i].name != NULL)
			cJSON_AddStringToObject(agent, "name", s->named[i].name);
		cJSON_AddItemToArray(named, agent);
	}
}

char *sweep_summary_json(const sweep_summary *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *skipped;
	char *text;

	cJSON_AddNumberToObject(o, "agents_listed", (double)s->agents_listed);
	cJSON_AddNumberToObject(o, "windows_active", (double)s->windows_active);
	cJSON_AddNumberToObject(o, "failing", (double)s->failing);
	cJSON_AddNumberToObject(o, "dispatched", (double)s->dispatched);
	cJSON_AddNumberToObject(o, "dispatch_failed", (double)s->dispatch_failed);
	skipped = cJSON_AddObjectToObject(o, "skipped");
	for (int i = 0; i < SKIP_REASONS; i++)
		if (s->skipped[i] > 0)
			cJSON_AddNumberToObject(skipped, skip_names[i], (double)s->skipped[i]);
	cJSON_AddNumberToObject(o, "requests", (double)s->requests);
	cJSON_AddNumberToObject(o, "seconds", (double)(long long)(s->seconds * 10 + 0.5) / 10);
	add_dispatch(o, s);
	if (s->error != NULL)
		cJSON_AddStringToObject(o, "error", s->error);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

void sweep_summary_print_failures(const sweep_summary *s, FILE *err)
{
	if (s->failed_kinds == 0)
		return;
	fprintf(err, "dispatch failed for %zu agents:", s->dispatch_failed);
	for (size_t i = 0; i < s->failed_kinds; i++) {
		long code = s->failed_by[i].code;
		if (code > 0)
			fprintf(err, "%s %zu with %ld (%s)", i ? ";" : "", s->failed_by[i].agents,
			        code, sweep_summary_code_meaning(code));
		else if (code < SWEEP_CODE_NOT_OURS)
			fprintf(err, "%s %zu with HTTP %ld", i ? ";" : "", s->failed_by[i].agents,
			        -code);
		else
			fprintf(err, "%s %zu %s", i ? ";" : "", s->failed_by[i].agents,
			        sweep_summary_code_meaning(code));
	}
	fputc('\n', err);
}

void sweep_summary_say_agent(FILE *err, bool tty, const char *prefix, const char *id,
                             const char *name, const char *text)
{
	strbuf line = {0};

	strbuf_addf(&line, "%s%s agent ", tty ? "\r\033[K" : "", prefix);
	text_add_for_terminal(&line, id);
	if (name != NULL) {
		strbuf_adds(&line, " (");
		text_add_for_terminal(&line, name);
		strbuf_adds(&line, ")");
	}
	strbuf_adds(&line, text);
	fprintf(err, "%s\n", line.buf != NULL ? line.buf : "out of memory");
	strbuf_free(&line);
}
