#include "sweep/sweep_summary.h"

#include <cjson/cJSON.h>

static const char *const skip_names[SKIP_REASONS] = {
        "agent_older_than_4.2", "agent_version_unknown", "not_windows",
        "not_active",           "no_sca_results",        "sca_unreadable",
        "already_dispatched",   "dispatch_unconfirmed",  "dry_run",
        "too_many_policies",
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

/* What a failure code means, in words ("agent not active"). */
static const char *sweep_code_meaning(long code)
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
			        code, sweep_code_meaning(code));
		else if (code < SWEEP_CODE_NOT_OURS)
			fprintf(err, "%s %zu with HTTP %ld", i ? ";" : "", s->failed_by[i].agents,
			        -code);
		else
			fprintf(err, "%s %zu %s", i ? ";" : "", s->failed_by[i].agents,
			        sweep_code_meaning(code));
	}
	fputc('\n', err);
}
