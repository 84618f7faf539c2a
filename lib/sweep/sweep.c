/* The sweep: list, examine, dispatch, summarise. Requests go one at a
 * time at the configured rate (api_client paces them); batches of equal
 * alerts go out when full, after FLUSH_AFTER_MS, and at the end. */
#include "sweep/sweep.h"

#include "platform/platform.h"
#include "report/api_client.h"
#include "sweep/sweep_config.h"
#include "sweep/sweep_dispatch.h"
#include "sweep/sweep_fleet.h"
#include "sweep/sweep_ossec_conf.h"
#include "sweep/sweep_restore.h"
#include "sweep/sweep_state.h"
#include "sweep/sweep_summary.h"
#include "util/json_strict.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

#define EXIT_DONE        0
#define EXIT_FAILED      1
#define EXIT_USAGE       2
#define RETRY_MS         (5u * 60u * 1000u) /* 429 and 503 waited out this long per request */
#define FLUSH_AFTER_MS   30000u
#define PROGRESS_TTY_MS  250u
#define PROGRESS_LINE_MS 5000u
#define AGENT_ID_MAX     16
#define PAGES_MAX        400 /* 200,000 agents: more than any Wazuh cluster holds */

static const char usage[] =
        "usage: " AR_PROGRAM_NAME "_sweep --config FILE [--dry-run] [--agents-dry-run] "
        "[--agents ID,...] [--state FILE]\n"
        "       " AR_PROGRAM_NAME "_sweep --config FILE --restore --agents ID,... [--dry-run] "
        "[--agents-dry-run]\n"
        "Dispatches the active response to the active Windows agents whose SCA results\n"
        "show the control failed, through the Wazuh server API (see README.md), with the\n"
        "<extra_args> the manager's ossec.conf gives it. --restore dispatches restore-last\n"
        "to the agents named: each puts back what its last change replaced.\n"
        "  --dry-run         dispatch nothing; name the agents it would dispatch to\n"
        "  --agents-dry-run  dispatch with the argument dry-run alone, whatever ossec.conf\n"
        "                    says: the agents report what they would change\n";

typedef struct sweep_opts {
	const char *config;
	const char *state;
	const char *agents;
	bool dry_run;
	bool agents_dry_run; /* dispatch ["dry-run"], whatever ossec.conf says */
	bool restore;        /* restore-last to the agents of --agents */
} sweep_opts;

typedef struct sweep_run {
	sweep_opts o;
	sweep_config *cfg;
	api_client *api;
	sweep_state *state;
	sweep_state *listed; /* the agents this run has listed (memory only) */
	sweep_dispatch *dispatch;
	sweep_summary sum;
	ossec_args args; /* what every dispatch carries */
	FILE *err;
	bool tty;
	uint64_t started, last_progress;
	uint64_t deadline; /* the configured time limit, from the start */
	size_t examined, total;
} sweep_run;

/* The options; *stop with the exit status to end with (help, version: 0;
 * a bad command line: 2). */
static int parse_args(int argc, char **argv, sweep_opts *o, FILE *out, FILE *err, bool *stop)
{
	*stop = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **value = strcmp(a, "--config") == 0   ? &o->config
		                     : strcmp(a, "--state") == 0  ? &o->state
		                     : strcmp(a, "--agents") == 0 ? &o->agents
		                                                  : NULL;
		if (value != NULL && i + 1 < argc) {
			*value = argv[++i];
		} else if (strcmp(a, "--dry-run") == 0) {
			o->dry_run = true;
		} else if (strcmp(a, "--agents-dry-run") == 0) {
			o->agents_dry_run = true;
		} else if (strcmp(a, "--restore") == 0) {
			o->restore = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "--version") == 0) {
			fputs(a[2] == 'h' ? usage : AR_PROGRAM_NAME "_sweep " AR_VERSION "\n", out);
			return EXIT_DONE;
		} else {
			fprintf(err, "%s: %s\n%s", value ? "missing value for" : "unknown option",
			        a, usage);
			return EXIT_USAGE;
		}
	}
	if (o->config == NULL) {
		fprintf(err, "--config is required\n%s", usage);
		return EXIT_USAGE;
	}
	if (o->restore && (o->agents == NULL || o->state != NULL)) {
		fprintf(err,
		        "--restore takes the agents to restore (--agents ID,...) and no "
		        "--state\n%s",
		        usage);
		return EXIT_USAGE;
	}
	*stop = false;
	return EXIT_DONE;
}

/* "001,002": digits only, as the API names agents. */
static bool agents_valid(const char *list)
{
	for (const char *p = list;;) {
		size_t n = strspn(p, "0123456789");
		if (n == 0 || n > AGENT_ID_MAX || (p[n] != ',' && p[n] != '\0'))
			return false;
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

/* "[#######.............] " on a terminal, nothing otherwise. */
static void bar(const sweep_run *r, char *buf, size_t len)
{
	size_t width = 20, done = r->total ? r->examined * width / r->total : 0;

	buf[0] = '\0';
	if (!r->tty || len < width + 4)
		return;
	buf[0] = '[';
	for (size_t i = 0; i < width; i++)
		buf[i + 1] = i < done ? '#' : '.';
	memcpy(buf + width + 1, "] ", 3);
}

static void progress(sweep_run *r, bool last)
{
	uint64_t now = platform_monotonic_ms();
	double minutes = (double)(now - r->started) / 60000.0;
	size_t requests = api_client_requests(r->api);
	char b[32];

	if (!last && now - r->last_progress < (r->tty ? PROGRESS_TTY_MS : PROGRESS_LINE_MS))
		return;
	r->last_progress = now;
	bar(r, b, sizeof(b));
	fprintf(r->err,
	        "%s%ssweep: %zu of %zu agents examined, %zu failing, %zu dispatched, %zu failed, "
	        "%zu requests (%.0f a minute)%s",
	        r->tty ? "\r" : "", b, r->examined, r->total, r->sum.failing, r->sum.dispatched,
	        r->sum.dispatch_failed, requests, minutes > 0 ? (double)requests / minutes : 0.0,
	        r->tty && !last ? "\033[K" : "\n");
	fflush(r->err);
}

static ar_status mark(sweep_run *r, sweep_mark m, const char *id, ar_error *err)
{
	return r->o.dry_run ? AR_OK : sweep_state_mark(r->state, m, &id, 1, err);
}

/* One line to f: prefix, then text (which may quote the API's answers)
 * escaped for the terminal. */
static void say_escaped(FILE *f, const char *prefix, const char *text)
{
	strbuf line = {0};

	text_add_for_terminal(&line, text);
	fprintf(f, "%s%s\n", prefix, line.buf != NULL ? line.buf : "");
	strbuf_free(&line);
}

static void would_dispatch(sweep_run *r, const char *id, const char *name, const cJSON *alert)
{
	const cJSON *sca = json_get_object(json_get_object(alert, "data"), "sca");
	const cJSON *check = json_get_object(sca, "check");
	const char *title = json_get_string(check, "title");
	strbuf line = {0};

	/* All but the command came from the API: escaped for the terminal. */
	strbuf_addf(&line, "%swould dispatch %s to agent ", r->tty ? "\r\033[K" : "",
	            r->cfg->command);
	text_add_for_terminal(&line, id);
	strbuf_adds(&line, " (");
	text_add_for_terminal(&line, name);
	strbuf_adds(&line, "): check ");
	text_add_for_terminal(&line, json_get_string(check, "id"));
	if (title != NULL) {
		strbuf_adds(&line, " \"");
		text_add_for_terminal(&line, title);
		strbuf_adds(&line, "\"");
	}
	strbuf_adds(&line, " of ");
	text_add_for_terminal(&line, json_get_string(sca, "policy"));
	fprintf(r->err, "%s\n", line.buf != NULL ? line.buf : "out of memory");
	strbuf_free(&line);
}

static ar_status examine(sweep_run *r, const fleet_agent *a, ar_error *err)
{
	cJSON *alert = NULL;
	sweep_skip why;
	ar_status st = fleet_failing_alert(r->api, r->cfg->command, a->id, &alert, &why, err);

	if (st != AR_OK)
		return st;
	r->examined++;
	if (alert == NULL && why != SKIP_REASONS) {
		r->sum.skipped[why]++;
		return AR_OK; /* not judged: judged again by a resumed sweep */
	}
	if (alert == NULL)
		return mark(r, SWEEP_CLEAN, a->id, err);
	r->sum.failing++;
	sweep_state_note(r->state, a->id, SWEEP_QUEUED);
	if (!r->o.dry_run)
		return sweep_dispatch_add(r->dispatch, a->id, a->name, alert, err);
	would_dispatch(r, a->id, a->name, alert);
	sweep_summary_name(&r->sum, a->id, a->name);
	r->sum.skipped[SKIP_DRY_RUN]++;
	cJSON_Delete(alert);
	return AR_OK;
}

/* Why the agent is not examined (SKIP_REASONS: it is); *known when an
 * earlier run of this sweep found nothing to do there. */
static sweep_skip skip_reason(sweep_run *r, const fleet_agent *a, bool *known)
{
	sweep_mark m = sweep_state_get(r->state, a->id);
	sweep_skip why = fleet_agent_skip(a);

	*known = m == SWEEP_CLEAN;
	if (why != SKIP_NOT_WINDOWS && why != SKIP_NOT_ACTIVE)
		r->sum.windows_active++;
	if (why != SKIP_REASONS)
		return why;
	if (m == SWEEP_DISPATCHED)
		return SKIP_ALREADY_SENT;
	if (m == SWEEP_SENDING)
		return SKIP_UNCONFIRMED;
	return SKIP_REASONS;
}

static ar_status agent(sweep_run *r, const cJSON *item, ar_error *err)
{
	fleet_agent a;
	bool known;
	sweep_skip why;
	ar_status st = AR_OK;

	r->sum.agents_listed++;
	/* Listed twice (the listing shifted while paged): judged once. */
	if (!fleet_agent_read(item, &a) || sweep_state_get(r->state, a.id) == SWEEP_QUEUED)
		return AR_OK;
	why = skip_reason(r, &a, &known);
	if (why != SKIP_REASONS)
		r->sum.skipped[why]++;
	else if (known)
		r->examined++;
	else
		st = examine(r, &a, err);
	if (st == AR_OK && !r->o.dry_run)
		st = sweep_dispatch_flush(r->dispatch, FLUSH_AFTER_MS, err);
	progress(r, false);
	return st;
}

/* The whole sweep has a time limit of its own, whatever the API does. */
static ar_status within_time(const sweep_run *r, ar_error *err)
{
	if (platform_monotonic_ms() < r->deadline)
		return AR_OK;
	return ar_error_set(err, AR_E_TIMEOUT,
	                    "the time limit of %ld s (time_limit_seconds) is up: run the "
	                    "sweep again with the same state file to go on",
	                    r->cfg->time_limit_seconds);
}

/* The pages a listing may take: what its first page announced, one more
 * for agents added while it is paged, never more than PAGES_MAX. */
static size_t pages_allowed(size_t first_total)
{
	size_t pages = first_total / SWEEP_PAGE_MAX + 2;

	return pages > PAGES_MAX ? PAGES_MAX : pages;
}

/* Whether this run had listed the agent of item before; if not, it is
 * noted now and *fresh counts it. An item without a usable id is not
 * noted (it is judged, and found wanting, each time). */
static bool listed_before(sweep_run *r, const cJSON *item, size_t *fresh)
{
	const char *id = json_get_string(item, "id");

	if (id == NULL || strlen(id) > AGENT_ID_MAX)
		return false;
	if (sweep_state_get(r->listed, id) != SWEEP_UNSEEN)
		return true;
	sweep_state_note(r->listed, id, SWEEP_CLEAN);
	(*fresh)++;
	return false;
}

/* One page from offset: its agents judged; *went on says whether the
 * listing goes on after it (it brought agents not listed before, and its
 * total announces more). */
static ar_status walk_page(sweep_run *r, const char *ids, size_t *offset, size_t *total,
                           bool *went_on, ar_error *err)
{
	fleet_page page;
	const cJSON *item;
	size_t n, fresh = 0;
	ar_status st = fleet_list(r->api, ids, *offset, &page, err);

	*went_on = false;
	if (st != AR_OK)
		return st;
	if (*offset == 0) {
		*total = page.total;
		r->total += page.total;
	}
	n = (size_t)cJSON_GetArraySize(page.items);
	cJSON_ArrayForEach (item, page.items) {
		if (st != AR_OK || listed_before(r, item, &fresh))
			continue;
		st = within_time(r, err);
		if (st == AR_OK)
			st = agent(r, item, err);
	}
	fleet_page_free(&page);
	*offset += n;
	*went_on = fresh > 0 && *offset < *total;
	return st;
}

/* Every page of the listing, for the agents of ids (NULL: all): until a
 * page brings no agent not listed before, or the pages the first total
 * allows are done, or the time limit is up. */
static ar_status walk(sweep_run *r, const char *ids, ar_error *err)
{
	size_t offset = 0, total = 0, pages = 0;
	bool more = true;
	ar_status st = AR_OK;

	while (st == AR_OK && more && (pages == 0 || pages < pages_allowed(total))) {
		st = within_time(r, err);
		if (st == AR_OK)
			st = walk_page(r, ids, &offset, &total, &more, err);
		pages++;
	}
	return st;
}

/* --agents in lists of at most a page each (and the API's 500 ids). */
static ar_status walk_all(sweep_run *r, ar_error *err)
{
	const char *p = r->o.agents;
	strbuf chunk = {0};
	ar_status st = AR_OK;
	size_t count = 0;

	if (p == NULL)
		return walk(r, NULL, err);
	while (st == AR_OK && *p != '\0') {
		size_t len = strcspn(p, ",");
		strbuf_addf(&chunk, "%s%.*s", count ? "," : "", (int)len, p);
		p += len + (p[len] == ',');
		if (++count == SWEEP_PAGE_MAX || *p == '\0') {
			char *ids = strbuf_take(&chunk, NULL);
			st = ids ? walk(r, ids, err)
			         : ar_error_set(err, AR_E_NOMEM, "out of memory");
			free(ids);
			count = 0;
		}
	}
	strbuf_free(&chunk);
	return st;
}

/* Each agent's dispatch settled: named on err and, when the API queued it,
 * in the summary. */
static void settled(void *ctx, const char *id, const char *name, long code)
{
	sweep_run *r = ctx;
	strbuf what = {0};

	if (code == 0) {
		sweep_summary_name(&r->sum, id, name);
		sweep_summary_say_agent(r->err, r->tty, "sweep: dispatched to", id, name,
		                        ": queued");
		return;
	}
	if (code > 0)
		strbuf_addf(&what, " failed: %ld (%s)", code, sweep_summary_code_meaning(code));
	else if (code < SWEEP_CODE_NOT_OURS)
		strbuf_addf(&what, " failed: HTTP %ld", -code);
	else
		strbuf_addf(&what, " failed: %s", sweep_summary_code_meaning(code));
	sweep_summary_say_agent(r->err, r->tty, "sweep: dispatch to", id, name,
	                        what.buf != NULL ? what.buf : " failed");
	strbuf_free(&what);
}

/* The arguments as JSON, for the requests. */
static ar_status set_arguments(sweep_run *r, ar_error *err)
{
	cJSON *args = cJSON_CreateArray();
	ar_status st = AR_OK;

	for (size_t i = 0; args != NULL && i < r->args.n; i++)
		if (!cJSON_AddItemToArray(args, cJSON_CreateString(r->args.v[i]))) {
			cJSON_Delete(args);
			args = NULL;
		}
	st = args != NULL ? sweep_dispatch_set_arguments(r->dispatch, args, err)
	                  : ar_error_set(err, AR_E_NOMEM, "out of memory");

	cJSON_Delete(args);
	sweep_dispatch_on_settled(r->dispatch, settled, r);
	if (r->o.restore)
		sweep_dispatch_take_any_alert(r->dispatch);
	return st;
}

static ar_status open_all(sweep_run *r, ar_error *err)
{
	api_client_opts o = {.max_per_minute = (unsigned)r->cfg->max_per_minute,
	                     .retry_ms = RETRY_MS,
	                     .deadline_ms = r->deadline};
	/* A restore keeps no state: it goes to the agents named, once each. */
	const char *state = r->o.restore ? NULL : r->o.state ? r->o.state : r->cfg->state_file;
	ar_status st = api_client_open(&r->cfg->api, &o, &r->api, err);

	if (st == AR_OK)
		st = sweep_state_open(state, r->o.dry_run, &r->state, err);
	if (st == AR_OK)
		st = sweep_state_open(NULL, true, &r->listed, err);
	if (st == AR_OK)
		st = sweep_dispatch_new(r->api, r->cfg->command, r->state, &r->sum, &r->dispatch,
		                        err);
	if (st == AR_OK)
		st = set_arguments(r, err);
	if (st == AR_OK) {
		strbuf what = {0};
		text_add_for_terminal(&what, r->cfg->api.url);
		strbuf_adds(&what, " as ");
		text_add_for_terminal(&what, r->cfg->api.user);
		strbuf_addf(&what, ", at most %ld requests a minute%s", r->cfg->max_per_minute,
		            r->o.dry_run ? ", dry run: nothing is dispatched" : "");
		fprintf(r->err, "sweep: %s\n", what.buf != NULL ? what.buf : "out of memory");
		strbuf_free(&what);
	}
	if (st == AR_OK && sweep_state_resumed(r->state))
		fprintf(r->err,
		        "sweep: resuming %s: %zu agents dispatched, %zu sent without an answer, "
		        "%zu found compliant, %zu to try again\n",
		        state, sweep_state_count(r->state, SWEEP_DISPATCHED),
		        sweep_state_count(r->state, SWEEP_SENDING),
		        sweep_state_count(r->state, SWEEP_CLEAN),
		        sweep_state_count(r->state, SWEEP_FAILED));
	return st;
}

static ar_status restore(sweep_run *r, ar_error *err)
{
	sweep_restore how = {.api = r->api,
	                     .dispatch = r->o.dry_run ? NULL : r->dispatch,
	                     .state = r->state,
	                     .sum = &r->sum,
	                     .command = r->cfg->command,
	                     .err = r->err,
	                     .tty = r->tty};

	return sweep_restore_run(&how, r->o.agents, err);
}

/* Exit status: 1 when the sweep could not go through or a dispatch
 * failed, and for a restore when an agent named was not dispatched to. */
static int outcome(const sweep_run *r, ar_status st)
{
	size_t missed = 0;

	for (int i = 0; r->o.restore && i < SKIP_REASONS; i++)
		missed += i != SKIP_DRY_RUN ? r->sum.skipped[i] : 0;
	return st != AR_OK || r->sum.dispatch_failed > 0 || missed > 0 ? EXIT_FAILED : EXIT_DONE;
}

static int run(sweep_run *r, FILE *out)
{
	ar_error err = {0};
	ar_status st = open_all(r, &err);
	char *json;

	if (st == AR_OK)
		st = r->o.restore ? restore(r, &err) : walk_all(r, &err);
	/* A request cut short by the time limit: the limit is the reason. */
	if (st != AR_OK && st != AR_E_TIMEOUT && r->api != NULL)
		(void)within_time(r, &err);
	if (st == AR_OK && !r->o.dry_run)
		st = sweep_dispatch_flush(r->dispatch, 0, &err);
	/* Failed agents keep the sweep open: the next run tries them again. */
	if (st == AR_OK && !r->o.dry_run && r->sum.dispatch_failed == 0)
		st = sweep_state_complete(r->state, &err);
	if (r->api != NULL) {
		if (!r->o.restore)
			progress(r, true);
		r->sum.requests = api_client_requests(r->api);
	}
	if (st != AR_OK) {
		say_escaped(r->err, "sweep stopped: ", err.msg);
		sweep_summary_error(&r->sum, err.msg);
	}
	sweep_summary_print_failures(&r->sum, r->err);
	r->sum.seconds = (double)(platform_monotonic_ms() - r->started) / 1000.0;
	json = sweep_summary_json(&r->sum);
	if (json != NULL)
		fprintf(out, "%s\n", json);
	free(json);
	return outcome(r, st);
}

static ar_status push_argument(ossec_args *a, const char *word, ar_error *err)
{
	char **v = realloc(a->v, (a->n + 1) * sizeof(*v));

	if (v == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	a->v = v;
	if ((a->v[a->n] = strdup(word)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	a->n++;
	return AR_OK;
}

/* One line saying what every dispatch carries and why. */
static void say_arguments(const sweep_run *r)
{
	strbuf line = {0};

	strbuf_adds(&line, "sweep: every dispatch carries the arguments [");
	for (size_t i = 0; i < r->args.n; i++) {
		strbuf_adds(&line, i ? ", " : "");
		text_add_for_terminal(&line, r->args.v[i]);
	}
	strbuf_adds(&line, "]: ");
	if (r->o.agents_dry_run)
		strbuf_adds(&line, "dry-run from --agents-dry-run");
	else if (r->args.found)
		strbuf_addf(&line, "from the <command> of line %lu of ", r->args.line);
	else
		strbuf_addf(&line, "no <command> runs %s in ", r->cfg->command);
	if (!r->o.agents_dry_run)
		text_add_for_terminal(&line, r->cfg->ossec_conf);
	fprintf(r->err, "%s\n", line.buf != NULL ? line.buf : "out of memory");
	strbuf_free(&line);
}

/* What every dispatch carries: the <extra_args> that the manager's
 * ossec.conf gives the command (so that a manager set to dry-run makes the
 * sweep's dispatches dry runs too), or dry-run alone with --agents-dry-run;
 * and restore-last for --restore. A file that cannot be read or parsed
 * stops the sweep before anything is sent: whether a dry run was asked for
 * cannot be told. */
static ar_status resolve_arguments(sweep_run *r, ar_error *err)
{
	ar_status st;

	r->sum.arguments_from = r->o.agents_dry_run ? "--agents-dry-run" : "ossec.conf";
	if (r->o.agents_dry_run)
		st = push_argument(&r->args, "dry-run", err);
	else
		st = ossec_conf_read(r->cfg->ossec_conf, r->cfg->command, &r->args, err);
	if (st != AR_OK && !r->o.agents_dry_run) {
		char why[AR_ERROR_MSG_MAX];
		memcpy(why, err->msg, sizeof(why));
		ar_error_set(
		        err, st,
		        "%s; nothing is sent, as whether the manager asks for dry runs cannot be "
		        "told (ossec_conf in the configuration names the file; --agents-dry-run "
		        "dispatches dry runs without it)",
		        why);
	}
	if (st == AR_OK && r->o.restore)
		st = push_argument(&r->args, SWEEP_RESTORE_ARG, err);
	r->sum.arguments = (const char *const *)r->args.v;
	r->sum.arguments_n = r->args.n;
	r->sum.dry_run = r->o.dry_run;
	if (st == AR_OK)
		say_arguments(r);
	return st;
}

int sweep_main(int argc, char **argv, FILE *out, FILE *err, bool err_is_terminal)
{
	sweep_run r = {.err = err, .tty = err_is_terminal, .started = platform_monotonic_ms()};
	ar_error e = {0};
	bool stop;
	int code;

	platform_keep_secrets_from_dumps();
	code = parse_args(argc, argv, &r.o, out, err, &stop);
	if (stop)
		return code;
	if (r.o.agents != NULL && !agents_valid(r.o.agents)) {
		fprintf(err, "--agents takes agent ids separated by commas (001,002)\n");
		return EXIT_USAGE;
	}
	if (sweep_config_load(r.o.config, &r.cfg, &e) != AR_OK) {
		fprintf(err, "%s\n", e.msg);
		return EXIT_USAGE;
	}
	r.deadline = r.started + (uint64_t)r.cfg->time_limit_seconds * 1000u;
	if (resolve_arguments(&r, &e) != AR_OK) {
		say_escaped(err, "sweep: ", e.msg);
		code = EXIT_USAGE;
	} else {
		code = run(&r, out);
	}
	ossec_args_clear(&r.args);
	sweep_summary_clear(&r.sum);
	sweep_dispatch_free(r.dispatch);
	sweep_state_close(r.listed);
	sweep_state_close(r.state);
	api_client_close(r.api);
	sweep_config_free(r.cfg);
	return code;
}
