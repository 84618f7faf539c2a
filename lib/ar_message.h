/* The active-response message: validated, and reduced to what the rest of
 * the program needs (the command, the options, the SCA finding), whatever
 * shape it came in. */
#ifndef AR_MESSAGE_H
#define AR_MESSAGE_H

/* The most digits a check id may have (a 64-bit number has 20). */
#define AR_CHECK_ID_MAX 20

#include "util/ar_error.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum ar_command {
	AR_CMD_ADD,   /* 4.x "add", 5.x "enable": act */
	AR_CMD_DELETE /* 4.x "delete", 5.x "disable": the timeout ran out */
} ar_command;

/* The forms a message comes in. Only wazuh-execd's takes part in the
 * check_keys handshake; the others are what a person has at hand, and
 * each is read as an "add" request. */
typedef enum ar_input_form {
	AR_FORM_EXECD,            /* what wazuh-execd writes (4.x or 5.x shape) */
	AR_FORM_ALERT,            /* a bare 4.x alert: one line of alerts.json */
	AR_FORM_INDEXER_DOCUMENT, /* the indexer's document (the dashboard's JSON):
	                             an alert or SCA state under "_source" */
	AR_FORM_SCA_STATE         /* a bare 5.x SCA state document (wazuh-states-sca) */
} ar_input_form;

/* The fields of an SCA check result the matcher reads. Pointers borrow from
 * the message (its JSON tree, or its own storage); NULL where the alert has
 * no such field. Lists are kept as sent: the matcher reads each form they
 * arrive in. */
typedef struct sca_finding {
	bool in_sca_group;       /* the alert is an SCA event */
	const char *event_type;  /* "check", "summary", ... */
	const char *check_id;    /* as text ("26032"): a string as sent, a whole number
	                            written out; NULL when absent or of another type */
	const char *result;      /* "failed", "passed", "not applicable" */
	const char *title;       /* 4.x check.title, 5.x check.name */
	const cJSON *compliance; /* {"cis": "2.3.8.2", ...} (4.x), {"cis": [...]} (5.x) */
	const char *policy_name; /* e.g. "CIS Microsoft Windows 11 Enterprise Benchmark v3.0.0" */
	const char *policy_id;   /* e.g. "cis_win11_enterprise" (5.x only) */
	const cJSON *registry;   /* 4.x check.registry: the key of each registry rule */
	const cJSON *rules;      /* check.rules: 5.x, or an alert built from the API's check */
	const char *agent_id;
	const char *agent_name;
} sca_finding;

typedef struct ar_message {
	cJSON *root; /* owned */
	ar_input_form form;
	ar_command command;
	const char *command_name; /* as sent */
	bool dry_run;             /* "dry-run" among the extra arguments */
	bool restore_last;        /* "restore-last": put back the last change's backup */
	sca_finding finding;
	char check_id_digits[24]; /* finding.check_id when it was sent as a number */
} ar_message;

/* Parses and validates one message, in any of the forms. Errors
 * (AR_E_INVALID) say which field is wrong, or what forms were expected. */
ar_status ar_message_parse(const char *line, size_t len, ar_message *msg, ar_error *err);
void ar_message_free(ar_message *msg);

/* "execd", "alert", "indexer_document", "sca_state": the result's "input". */
const char *ar_input_form_name(ar_input_form form);

#endif
