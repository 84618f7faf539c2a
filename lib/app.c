#include "app.h"

#include "ar_channel.h"
#include "ar_log.h"
#include "ar_message.h"
#include "history.h"
#include "platform/platform.h"
#include "registry/registry.h"
#include "remediate.h"
#include "report/report.h"
#include "result.h"
#include "sca_match.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct app_opts {
	const char *registry_file;
	const char *log_file;
	const char *config;
	const char *restore;
	bool dry_run;
	bool help;
	bool version;
} app_opts;

typedef struct app_paths {
	char *log_file;
	char *backup_dir;
	char *spool_dir;
	char *config_file;    /* --config, or the default one where it exists; or NULL */
	char *config_text;    /* its text, read once; NULL when none or unreadable */
	char *config_ignored; /* the default one's name beside the log, outside an agent */
	size_t config_len;
	bool in_agent; /* the executable sits in <agent>/active-response/bin */
} app_paths;

/* Wazuh passes no option: the configuration sits beside the log under a
 * name of its own, and is used when it exists. */
#define AR_CONFIG_NAME AR_PROGRAM_NAME ".config.json"

/* Where the agent's MSI puts the program. */
#define AR_WINDOWS_EXE                                                                             \
	"C:\\Program Files (x86)\\ossec-agent\\active-response\\bin\\" AR_PROGRAM_NAME ".exe"

static const char USAGE[] =
        "Usage: " AR_PROGRAM_NAME " [OPTION]... < message.json\n"
        "Wazuh active response: remediates CIS 2.3.8.2 (SCA check 26032 and its twins)\n"
        "by setting HKLM\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters\n"
        "EnableSecuritySignature to REG_DWORD 1.\n"
        "\n"
        "Standard input holds one of:\n"
        "  - the message wazuh-execd writes (4.x or 5.x), answered with a check_keys line;\n"
        "  - a Wazuh alert, as a line of alerts.json holds it;\n"
        "  - the dashboard's JSON of an alert (Discover, expand the alert, JSON);\n"
        "  - a 5.x SCA state document (wazuh-states-sca).\n"
        "One line or pretty-printed; UTF-8 or UTF-16LE (with BOM); LF or CRLF. Several\n"
        "alerts (every line findstr gives): the newest about this control is used. Standard\n"
        "input is waited on at most 10 s for the message and 10 s for execd's reply.\n"
        "\n"
        "  --registry-file PATH  use a .reg file as the registry (created when missing)\n"
        "  --log-file PATH       log here instead of the agent's active-responses.log\n"
        "  --config PATH         configuration (JSON): reporting to the Wazuh server API,\n"
        "                        the history's thresholds; default: " AR_CONFIG_NAME "\n"
        "                        beside the agent's log, when it exists (none when\n"
        "                        not installed in an agent's active-response/bin)\n"
        "  --dry-run             say what would change, change nothing (exit 4 if it would)\n"
        "  --restore FILE        apply a backup .reg file written by an earlier run (with\n"
        "                        --dry-run: say whether it would write)\n"
        "  --version             print the version and exit\n"
        "  --help                print this help and exit\n"
        "\n"
        "By hand (in the folder holding the .json files; --dry-run changes nothing):\n"
        "  Linux, where the registry is a .reg file:\n"
        "    AR=\"" AR_PROGRAM_NAME " --registry-file registry.reg --log-file ar.log\"\n"
        "    $AR < alert.json\n"
        "    grep '\"id\":\"26032\"' /var/ossec/logs/alerts/alerts.json | tail -n 1 | $AR\n"
        "    $AR < dashboard.json\n"
        "  Windows cmd, as Administrator:\n"
        "    set AR=\"" AR_WINDOWS_EXE "\"\n"
        "    type alert.json | %AR%\n"
        "    findstr /c:\"\\\"id\\\":\\\"26032\\\"\" alerts.json | %AR%\n"
        "    type dashboard.json | %AR%\n"
        "  Windows PowerShell, as Administrator:\n"
        "    $AR = \"" AR_WINDOWS_EXE "\"\n"
        "    Get-Content alert.json | & $AR\n"
        "    Select-String -Path alerts.json -SimpleMatch '\"id\":\"26032\"' |\n"
        "      Select-Object -Last 1 | ForEach-Object Line | & $AR\n"
        "    Get-Content dashboard.json | & $AR\n"
        "\n"
        "Exit status: 0 compliant, 1 remediation failed, 2 invalid input,\n"
        "3 not this program's alert or aborted, 4 a change would be made (--dry-run).\n";

/* Accepts "--name VALUE" and "--name=VALUE". */
static bool take_value(int argc, char **argv, int *i, const char *name, const char **out,
                       ar_error *err)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return false;
	if (a[n] == '=') {
		*out = a + n + 1;
	} else if (*i + 1 < argc) {
		*out = argv[++*i];
	} else {
		ar_error_set(err, AR_E_INVALID, "option %s needs a value", name);
		return true;
	}
	if (**out == '\0')
		ar_error_set(err, AR_E_INVALID, "option %s needs a non-empty value", name);
	return true;
}

static ar_status parse_options(int argc, char **argv, app_opts *o, ar_error *err)
{
	char shown[65];

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc && err->status == AR_OK; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			o->help = true;
		else if (strcmp(a, "--version") == 0)
			o->version = true;
		else if (strcmp(a, "--dry-run") == 0)
			o->dry_run = true;
		else if (!take_value(argc, argv, &i, "--registry-file", &o->registry_file, err) &&
		         !take_value(argc, argv, &i, "--log-file", &o->log_file, err) &&
		         !take_value(argc, argv, &i, "--config", &o->config, err) &&
		         !take_value(argc, argv, &i, "--restore", &o->restore, err))
			ar_error_set(err, AR_E_INVALID, "unknown option \"%s\" (see --help)",
			             text_shown(shown, sizeof(shown), a));
	}
	return err->status;
}

/* The agent's paths come from where the executable is, never from the
 * working folder: outside an agent's layout only --log-file names a place
 * to log, back up and spool, and without it the run is refused. */
static ar_status resolve_paths(const app_opts *o, app_paths *p, ar_error *err)
{
	char *agent = NULL, *log_dir = NULL, *kept = NULL;
	ar_error where = {0};
	ar_status st = AR_OK;

	memset(p, 0, sizeof(*p));
	p->in_agent = platform_agent_dir(&agent, &where) == AR_OK;
	if (o->log_file != NULL) {
		p->log_file = strdup(o->log_file);
	} else if (p->in_agent) {
		p->log_file = path_join(agent, platform_log_relpath());
		/* The agent's uninstaller deletes every folder of its own but
		 * "backup" and "upgrade": backups outlive the agent there. */
		if ((kept = path_join(agent, "backup")) != NULL)
			p->backup_dir = path_join(kept, AR_PROGRAM_NAME);
	} else {
		st = ar_error_set(err, AR_E_INVALID,
		                  "%s: no log, backups nor spool without --log-file", where.msg);
	}
	if (st == AR_OK && p->log_file != NULL && (log_dir = path_dir(p->log_file)) != NULL) {
		/* The spool, and backups when the log is elsewhere, live beside the log. */
		if (o->log_file != NULL)
			p->backup_dir = path_join(log_dir, AR_PROGRAM_NAME "-backups");
		p->spool_dir = path_join(log_dir, AR_PROGRAM_NAME "-spool");
	}
	if (st == AR_OK && (p->log_file == NULL || p->backup_dir == NULL || p->spool_dir == NULL))
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	free(agent);
	free(kept);
	free(log_dir);
	return st;
}

static void free_paths(app_paths *p)
{
	free(p->log_file);
	free(p->backup_dir);
	free(p->spool_dir);
	free(p->config_file);
	free(p->config_text);
	free(p->config_ignored);
}

/* The configuration, read once for the history and the report; a file that
 * cannot be read is a warning: the defaults apply and nothing is sent. The
 * default one sits beside the agent's own log: outside an agent's layout
 * only --config names one (a folder a user can write must not). */
static void load_config(const app_opts *o, app_paths *p, ar_result *r)
{
	char *dir = path_dir(p->log_file);
	char *def = dir != NULL ? path_join(dir, AR_CONFIG_NAME) : NULL;
	bool have_def = o->config == NULL && def != NULL && platform_exists(def);
	ar_error err = {0};

	if (o->config != NULL)
		p->config_file = strdup(o->config);
	else if (have_def && p->in_agent)
		p->config_file = strdup(def);
	else if (have_def) /* said on standard error: the one case worth a word */
		p->config_ignored = strdup(def);
	if (p->config_file != NULL &&
	    config_read(p->config_file, &p->config_text, &p->config_len, &err) != AR_OK)
		result_add_warning(r, "%s: nothing is reported and the history uses its defaults",
		                   err.msg);
	free(dir);
	free(def);
}

static registry *open_registry(const app_opts *o, ar_result *r)
{
	registry *reg = NULL;
	ar_error err = {0};
	ar_status st = o->registry_file ? registry_open_file(o->registry_file, &reg, &err)
	                                : registry_open_live(&reg, &err);
	if (st != AR_OK)
		result_set_error(r, RESULT_FAILED, "%s", err.msg);
	return reg;
}

/* What the result echoes of the message, each cut (with a mark). */
static void describe_finding(const ar_message *m, ar_result *r)
{
	const sca_finding *f = &m->finding;

	r->command = text_cut(m->command_name, TEXT_ECHOED_MAX);
	r->check_id = text_cut(f->check_id, TEXT_ECHOED_MAX);
	r->policy = text_cut(f->policy_name ? f->policy_name : f->policy_id, TEXT_ECHOED_MAX);
	r->agent_id = text_cut(f->agent_id, TEXT_ECHOED_MAX);
	r->agent_name = text_cut(f->agent_name, TEXT_ECHOED_MAX);
}

/* Whether the finding is a check of this program's control, whatever its
 * result: a check that passes now is still about it. */
static bool about_our_control(const sca_finding *f)
{
	sca_finding failed = *f;
	sca_match_result m;

	failed.result = "failed";
	return sca_match(&failed, &m);
}

/* After a person's first message, the others they piped (findstr and grep
 * give every matching line of alerts.json, oldest first): *msg becomes the
 * newest about this control, or the newest of all when none is. *spare is
 * the other slot. execd's message is never followed: execd answers
 * check_keys on the same pipe. */
static ar_status read_others(ar_channel *ch, ar_message **msg, ar_message **spare, ar_result *r,
                             ar_error *err)
{
	bool ours = about_our_control(&(*msg)->finding), eof = false;
	size_t count = 1, used = 1, len = 0;
	ar_status st = AR_OK;
	char *text = NULL;

	while (st == AR_OK) {
		st = ar_channel_read_next(ch, &text, &len, &eof, err);
		if (st != AR_OK || eof)
			break;
		count++;
		st = ar_message_parse(text, len, *spare, err);
		free(text);
		if (st == AR_OK && (*spare)->form == AR_FORM_EXECD)
			st = ar_error_set(err, AR_E_INVALID,
			                  "wazuh-execd's message comes alone, not after another");
		if (st != AR_OK)
			break;
		if (about_our_control(&(*spare)->finding) || !ours) {
			ar_message *newer = *spare;
			ours = ours || about_our_control(&newer->finding);
			*spare = *msg;
			*msg = newer;
			used = count;
		}
		ar_message_free(*spare);
	}
	if (st != AR_OK)
		ar_error_prefix(err, st, "message %zu on standard input", count);
	r->messages.read = count;
	r->messages.used = used;
	return st;
}

/* Reads the message (of a person's several, the one to act on) into one of
 * the two slots and points *msg at it, or fills r and returns false. */
static bool read_message(ar_channel *ch, ar_message slots[2], ar_message **msg, ar_result *r)
{
	char *text = NULL;
	size_t len = 0;
	bool eof = false;
	ar_message *spare = &slots[1];
	ar_error err = {0};
	ar_status st = ar_channel_read_message(ch, &text, &len, &eof, &err);

	*msg = &slots[0];
	if (st == AR_OK && eof)
		st = ar_error_set(&err, AR_E_INVALID, "no message on standard input");
	if (st == AR_OK)
		st = ar_message_parse(text, len, *msg, &err);
	free(text);
	if (st == AR_OK && (*msg)->form != AR_FORM_EXECD)
		st = read_others(ch, msg, &spare, r, &err);
	if (st == AR_OK)
		r->input = ar_input_form_name((*msg)->form);
	else
		result_set_error(r, result_status_for(st), "%s", err.msg);
	return st == AR_OK;
}

/* execd may answer "abort" when the same keys are already being handled. */
static bool handshake(ar_channel *ch, FILE *out, ar_result *r)
{
	/* The check id is what repeats when the same finding fires again. */
	const char *keys[1] = {r->check_id ? r->check_id : "unknown"};
	ar_reply reply = AR_REPLY_CONTINUE;
	ar_error err = {0};

	if (ar_channel_check_keys(ch, out, AR_PROGRAM_NAME, keys, 1, &reply, &err) != AR_OK) {
		result_set_error(r, RESULT_INVALID_INPUT, "%s", err.msg);
		return false;
	}
	if (reply == AR_REPLY_ABORT) {
		result_set_reason(r, RESULT_ABORTED, "wazuh-execd answered abort to check_keys");
		return false;
	}
	return true;
}

/* The history settings: the configuration's "history" object, or defaults. */
static void history_settings_of(const app_paths *p, history_settings *hs, ar_result *r)
{
	ar_error err = {0};

	history_settings_default(hs);
	if (p->config_text != NULL &&
	    history_settings_parse(p->config_text, p->config_len, hs, &err) != AR_OK)
		result_add_warning(r, "configuration %s: %s: the history uses its defaults",
		                   p->config_file, err.msg);
}

/* restore-last among execd's extra arguments (the sweep's --restore):
 * whatever the alert says, the backup of the last change is put back. */
static void restore_last(const app_opts *o, const app_paths *p, ar_result *r)
{
	registry *reg = open_registry(o, r);

	free(r->command);
	r->command = strdup("restore");
	if (reg != NULL) {
		remediate_restore_last(reg, r->control, p->backup_dir, r);
		registry_close(reg);
	}
}

static void run_message(const app_opts *o, const app_paths *p, FILE *in, FILE *out, ar_result *r)
{
	ar_channel ch;
	ar_message slots[2] = {{0}, {0}}, *msg = NULL;
	sca_match_result m;
	registry *reg;

	ar_channel_init(&ch, in);
	if (!read_message(&ch, slots, &msg, r))
		goto out;
	describe_finding(msg, r);
	r->dry_run = o->dry_run || msg->dry_run;
	if (msg->command == AR_CMD_DELETE) {
		result_set_reason(r, RESULT_KEPT, "the hardening is kept when the timeout ends");
		goto out;
	}
	/* Only execd is there to answer check_keys. */
	if (msg->form == AR_FORM_EXECD && !handshake(&ch, out, r))
		goto out;
	if (msg->restore_last) {
		restore_last(o, p, r);
		goto out;
	}
	if (!sca_match(&msg->finding, &m)) {
		result_set_reason(r, RESULT_NOT_APPLICABLE, "%s", m.reason);
		goto out;
	}
	/* m.control is r->control: every row of the table points at the one
	 * control this program remediates. */
	reg = open_registry(o, r);
	if (reg != NULL) {
		history_settings hs;
		history_settings_of(p, &hs, r);
		remediate_apply_tracked(reg, r->control, p->backup_dir, &hs, r);
		registry_close(reg);
	}
out:
	ar_message_free(&slots[0]);
	ar_message_free(&slots[1]);
	ar_channel_free(&ch);
}

static void run_restore(const app_opts *o, const app_paths *p, ar_result *r)
{
	registry *reg;
	ar_error err = {0};

	r->command = strdup("restore");
	r->dry_run = o->dry_run;
	reg = open_registry(o, r);
	if (reg != NULL) {
		remediate_restore(reg, r->control, o->restore, p->backup_dir, r, &err);
		registry_close(reg);
	}
}

typedef struct warn_ctx {
	const char *log_file;
	strbuf *note;
} warn_ctx;

/* Report warnings are log lines of their own, never a second result. */
static void log_warning(void *vctx, const char *text)
{
	warn_ctx *ctx = vctx;
	cJSON *o = cJSON_CreateObject();
	char *json;

	/* A status of its own, so that a manager rule matches every warning. */
	cJSON_AddStringToObject(o, "status", "warning");
	cJSON_AddStringToObject(o, "warning", text);
	cJSON_AddStringToObject(o, "program", AR_PROGRAM_NAME);
	json = cJSON_PrintUnformatted(o);
	if (json != NULL)
		(void)ar_log_append(ctx->log_file, AR_PROGRAM_NAME, json, NULL);
	strbuf_addf(ctx->note, "; %s", text);
	free(json);
	cJSON_Delete(o);
}

static void report(const app_paths *p, const char *json, strbuf *note)
{
	report_config *cfg = NULL;
	report_outcome outcome = {0};
	ar_error err = {0};
	warn_ctx ctx = {.log_file = p->log_file, .note = note};

	if (report_config_parse(p->config_text, p->config_len, p->spool_dir, &cfg, &err) != AR_OK ||
	    (cfg->reporting &&
	     api_settings_check_source(&cfg->api, p->config_file, &err) != AR_OK)) {
		report_config_free(cfg);
		ar_error_prefix(&err, err.status, "configuration %s", p->config_file);
		log_warning(&ctx, err.msg);
		return;
	}
	/* A configuration without "api" only tunes the history. */
	if (cfg->reporting && report_submit(cfg, json, log_warning, &ctx, &outcome, &err) != AR_OK)
		log_warning(&ctx, err.msg);
	else if (cfg->reporting)
		strbuf_addf(note, "; report: %zu sent, %zu pending", outcome.sent, outcome.pending);
	report_config_free(cfg);
}

static void finish(const app_paths *p, const ar_result *r, FILE *errf)
{
	char *json = result_to_json(r);
	char *text = result_to_text(r);
	strbuf note = {0};
	ar_error err = {0};

	if (json == NULL || ar_log_append(p->log_file, AR_PROGRAM_NAME, json, &err) != AR_OK)
		strbuf_addf(&note, "; log not written: %s", json ? err.msg : "out of memory");
	for (size_t i = 0; i < r->warning_count; i++)
		log_warning(&(warn_ctx){.log_file = p->log_file, .note = &note}, r->warnings[i]);
	if (json != NULL && p->config_text != NULL)
		report(p, json, &note);
	else if (p->config_ignored != NULL)
		strbuf_addf(&note,
		            "; %s not read: outside an agent's active-response folder only "
		            "--config names a configuration",
		            p->config_ignored);
	fprintf(errf, "%s%s\n", text ? text : AR_PROGRAM_NAME ": out of memory",
	        note.buf ? note.buf : "");
	fflush(errf);
	strbuf_free(&note);
	free(json);
	free(text);
}

/* A run refused before it has a log (no place to log given): standard
 * error alone says so. */
static int say_unlogged(ar_result *r, const ar_error *why, FILE *errf)
{
	char *text;

	if (r->error == NULL)
		result_set_error(r, result_status_for(why->status), "%s", why->msg);
	text = result_to_text(r);

	fprintf(errf, "%s\n", text ? text : AR_PROGRAM_NAME ": out of memory");
	fflush(errf);
	free(text);
	return result_exit_code(r);
}

int app_main(int argc, char **argv, FILE *in, FILE *out, FILE *errf)
{
	app_opts o;
	app_paths p = {0};
	ar_result r;
	ar_error err = {0}, where = {0};
	int code;

	platform_keep_secrets_from_dumps();
	result_init(&r);
	/* Every result names the one control this program remediates. */
	r.control = &sca_control_smb_client_signing;
	if (parse_options(argc, argv, &o, &err) != AR_OK)
		result_set_error(&r, RESULT_INVALID_INPUT, "%s", err.msg);
	if (err.status == AR_OK && (o.help || o.version)) {
		fputs(o.help ? USAGE : AR_PROGRAM_NAME " " AR_VERSION "\n", out);
		code = fflush(out) == 0 ? 0 : 1;
		goto out;
	}
	if (resolve_paths(&o, &p, &where) != AR_OK) {
		code = say_unlogged(&r, &where, errf);
		goto out;
	}
	/* An agent upgrade resets the ACLs of its tree, opening the backups to
	 * its users: every run closes them again (a failure shows at the next
	 * backup, which needs the same ACL). */
	if (platform_exists(p.backup_dir))
		(void)platform_private_dir(p.backup_dir, NULL);
	/* So is the spool (reports and the API's token), whether this run
	 * reports or not. */
	if (platform_exists(p.spool_dir))
		(void)platform_private_dir(p.spool_dir, NULL);
	/* A log that cannot take the result (a FIFO, a device, a link) stops
	 * the run before anything is changed. */
	if (ar_log_check(p.log_file, &where) != AR_OK) {
		code = say_unlogged(&r, &where, errf);
		goto out;
	}
	load_config(&o, &p, &r);
	if (r.error == NULL && o.restore != NULL)
		run_restore(&o, &p, &r);
	else if (r.error == NULL)
		run_message(&o, &p, in, out, &r);
	finish(&p, &r, errf);
	code = result_exit_code(&r);
out:
	free_paths(&p);
	result_free(&r);
	return code;
}
