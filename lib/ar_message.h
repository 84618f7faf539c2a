/* The active-response message: validated, and reduced to what the rest of
 * the program needs (the command, the options, the SCA finding), whatever
 * shape it came in. */
#ifndef AR_MESSAGE_H
#define AR_MESSAGE_H

#include "util/ar_error.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum ar_command {
	AR_CMD_ADD,   /* 4.x "add", 5.x "enable": act */
	AR_CMD_DELETE /* 4.x "delete", 5.x "disable": the timeout ran out */
} ar_command;

/* The fields of an SCA check result the matcher reads. Pointers borrow from
 * the message's JSON tree; NULL where the alert has no such field. */
typedef struct sca_finding {
	bool in_sca_group;       /* the alert is an SCA event */
	const char *event_type;  /* "check", "summary", ... */
	const cJSON *check_id;   /* string or number, as sent */
	const char *result;      /* "failed", "passed", "not applicable" */
	const char *policy_name; /* e.g. "CIS Microsoft Windows 11 Enterprise Benchmark v3.0.0" */
	const char *policy_id;   /* e.g. "cis_win11_enterprise" (5.x only) */
	const cJSON *registry;   /* 4.x check.registry: array, or a string holding one */
	const cJSON *rules;      /* 5.x check.rules as sent: an array of rule strings */
	const char *agent_id;
	const char *agent_name;
} sca_finding;

typedef struct ar_message {
	cJSON *root;     /* owned */
	int wazuh_major; /* 4 or 5: the shape it came in */
	ar_command command;
	const char *command_name; /* as sent */
	bool dry_run;             /* "dry-run" among the extra arguments */
	sca_finding finding;
} ar_message;

/* Parses and validates one message line. Errors (AR_E_INVALID) say which
 * field is wrong. */
ar_status ar_message_parse(const char *line, size_t len, ar_message *msg, ar_error *err);
void ar_message_free(ar_message *msg);

/* The check id as text ("26032"), or NULL when absent or of another type. */
const char *ar_finding_check_id(const sca_finding *f, char *buf, size_t buflen);

#endif
