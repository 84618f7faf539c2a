#include "sweep/sweep_restore.h"

#include "sweep/sweep_fleet.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define ID_DIGITS_MIN 3 /* Wazuh names agents "001": "1" is asked as that */

static const char *reason(sweep_skip why)
{
	switch (why) {
	case SKIP_NOT_WINDOWS:
		return "not a Windows agent";
	case SKIP_NOT_ACTIVE:
		return "not active (disconnected, pending or never connected)";
	case SKIP_VERSION_UNKNOWN:
		return "the API gave no readable version";
	case SKIP_OLD_AGENT:
		return "older than 4.2 (it would get a message without the argument)";
	case SKIP_UNKNOWN_AGENT:
		return "unknown to the API";
	default:
		return "not dispatched";
	}
}

static void skip(const sweep_restore *r, const char *id, const char *name, sweep_skip why)
{
	strbuf text = {0};

	r->sum->skipped[why]++;
	strbuf_addf(&text, ": not restored: %s", reason(why));
	sweep_summary_say_agent(r->err, r->tty, "sweep:", id, name,
	                        text.buf != NULL ? text.buf : "");
	strbuf_free(&text);
}

static ar_status agent(const sweep_restore *r, const cJSON *item, ar_error *err)
{
	fleet_agent a;
	sweep_skip why;
	cJSON *alert;

	r->sum->agents_listed++;
	if (!fleet_agent_read(item, &a) || sweep_state_get(r->state, a.id) != SWEEP_UNSEEN)
		return AR_OK;
	sweep_state_note(r->state, a.id, SWEEP_QUEUED);
	why = fleet_agent_skip(&a);
	if (why != SKIP_NOT_WINDOWS && why != SKIP_NOT_ACTIVE)
		r->sum->windows_active++;
	if (why != SKIP_REASONS) {
		skip(r, a.id, a.name, why);
		return AR_OK;
	}
	if (r->dispatch == NULL) {
		r->sum->skipped[SKIP_DRY_RUN]++;
		sweep_summary_name(r->sum, a.id, a.name);
		sweep_summary_say_agent(r->err, r->tty, "would dispatch to", a.id, a.name,
		                        ": " SWEEP_RESTORE_ARG);
		return AR_OK;
	}
	if ((alert = cJSON_CreateObject()) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	return sweep_dispatch_add(r->dispatch, a.id, a.name, alert, err);
}

/* One lookup of at most a page of ids; the ids it did not show are
 * unknown to the API. */
static ar_status chunk(const sweep_restore *r, char **ids, size_t n, ar_error *err)
{
	strbuf list = {0};
	fleet_page page;
	const cJSON *item;
	char *text;
	ar_status st;

	for (size_t i = 0; i < n; i++)
		strbuf_addf(&list, "%s%s", i ? "," : "", ids[i]);
	if ((text = strbuf_take(&list, NULL)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	st = fleet_lookup(r->api, text, &page, err);
	free(text);
	cJSON_ArrayForEach (item, page.items) {
		if (st == AR_OK)
			st = agent(r, item, err);
	}
	fleet_page_free(&page);
	for (size_t i = 0; st == AR_OK && i < n; i++) {
		if (sweep_state_get(r->state, ids[i]) != SWEEP_UNSEEN)
			continue;
		sweep_state_note(r->state, ids[i], SWEEP_QUEUED);
		skip(r, ids[i], NULL, SKIP_UNKNOWN_AGENT);
	}
	return st;
}

/* The next id of the list, at least ID_DIGITS_MIN digits long. */
static char *next_id(const char **p)
{
	size_t len = strcspn(*p, ",");
	strbuf id = {0};

	for (size_t k = len; k < ID_DIGITS_MIN; k++)
		strbuf_adds(&id, "0");
	strbuf_add(&id, *p, len);
	*p += len + ((*p)[len] == ',');
	return strbuf_take(&id, NULL);
}

ar_status sweep_restore_run(const sweep_restore *r, const char *ids, ar_error *err)
{
	char *batch[SWEEP_PAGE_MAX];
	size_t n = 0;
	ar_status st = AR_OK;

	while (st == AR_OK && *ids != '\0') {
		if ((batch[n] = next_id(&ids)) == NULL)
			st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		else
			n++;
		if (st == AR_OK && (n == SWEEP_PAGE_MAX || *ids == '\0')) {
			st = chunk(r, batch, n, err);
			while (n > 0)
				free(batch[--n]);
		}
	}
	while (n > 0)
		free(batch[--n]);
	return st;
}
