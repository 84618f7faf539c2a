/* The outcome of one run: what the log line, standard error, the API report
 * and the exit status all say, built once and rendered for each. */
#ifndef RESULT_H
#define RESULT_H

#include "registry/registry.h"

#include "util/ar_error.h"

#include <stdbool.h>

typedef enum result_status {
	RESULT_REMEDIATED,
	RESULT_COMPLIANT,
	RESULT_WOULD_REMEDIATE,
	RESULT_NOT_APPLICABLE,
	RESULT_INVALID_INPUT,
	RESULT_FAILED,
	RESULT_ABORTED,
	RESULT_KEPT
} result_status;

/* Exit statuses of the contract. */
enum {
	EXIT_COMPLIANT = 0,
	EXIT_FAILED = 1,
	EXIT_INVALID_INPUT = 2,
	EXIT_NOT_APPLICABLE = 3,
	EXIT_WOULD_CHANGE = 4
};

typedef struct ar_result {
	result_status status;
	char *command;    /* "add", "delete", "restore", ... or NULL */
	char *check_id;   /* as text, or NULL when the input had none */
	char *policy;     /* the alert's policy name, or NULL */
	char *agent_id;   /* or NULL */
	char *agent_name; /* or NULL */
	const char *registry_path;
	const char *value_name;
	bool have_before, have_after; /* false renders null */
	reg_value before, after;
	char *backup; /* path of the backup written, or NULL */
	char *reason; /* why not applicable / why nothing was done, or NULL */
	char *error;  /* what failed, or NULL */
	bool dry_run;
} ar_result;

void result_init(ar_result *r);
void result_free(ar_result *r);

/* Sets r->error (or r->reason) from a printf-style message. */
void result_set_error(ar_result *r, result_status status, const char *fmt, ...) AR_PRINTF(3, 4);
void result_set_reason(ar_result *r, result_status status, const char *fmt, ...) AR_PRINTF(3, 4);

const char *result_status_name(result_status s);
int result_exit_code(const ar_result *r);

/* One-line JSON object (no newline); caller frees. NULL on no memory. */
char *result_to_json(const ar_result *r);

/* One line for a person (no newline); caller frees. */
char *result_to_text(const ar_result *r);

#endif
