/* The outcome of one run: what the log line, standard error, the API report
 * and the exit status all say, built once and rendered for each. */
#ifndef RESULT_H
#define RESULT_H

#include "registry/gpo.h"
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
	RESULT_KEPT,
	RESULT_CONTESTED, /* put back again and again: see reverted */
	RESULT_RESTORED,  /* a backup's state put back (or found already there) */
	RESULT_WOULD_RESTORE
} result_status;

#define RESULT_WARNINGS_MAX 4

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
	char *command;     /* "add", "delete", "restore", ... or NULL */
	const char *input; /* the form the message came in ("execd", "alert", ...), or NULL */
	char *check_id;    /* as text, or NULL when the input had none */
	char *policy;      /* the alert's policy name, or NULL */
	char *agent_id;    /* or NULL */
	char *agent_name;  /* or NULL */
	/* The control the run is about (its registry key and value name are the
	 * result's), or NULL. */
	const struct sca_control *control;
	bool have_before, have_after; /* false renders null */
	reg_value before, after;
	char *backup;        /* path of the backup written, or NULL */
	char *restored_from; /* the backup a restore applied, or NULL */
	char *reason;        /* why not applicable / why nothing was done, or NULL */
	char *error;         /* what failed, or NULL */
	bool dry_run;
	/* Several messages on standard input (a person piping every matching
	 * line of alerts.json): how many were read, and which one (from 1) the
	 * run acted on; read is 0 or 1 otherwise. */
	struct {
		size_t read, used;
	} messages;
	/* The value was found put back after this program had set it. */
	struct {
		bool present;
		unsigned count;       /* reverts within the window, this one included */
		unsigned window_days; /* the window */
		long long last_set;   /* when this program last set it (seconds since the epoch) */
	} reverted;
	gpo_evidence managed_by; /* .found where a domain Group Policy sets the value */
	/* Each a log line of its own after the result
	 * ({"status":"warning","warning": ...}). */
	char *warnings[RESULT_WARNINGS_MAX];
	size_t warning_count;
} ar_result;

void result_init(ar_result *r);
void result_free(ar_result *r);

/* Sets r->error (or r->reason) from a printf-style message. */
void result_set_error(ar_result *r, result_status status, const char *fmt, ...) AR_PRINTF(3, 4);
void result_set_reason(ar_result *r, result_status status, const char *fmt, ...) AR_PRINTF(3, 4);
/* Adds a warning (past RESULT_WARNINGS_MAX they are dropped). */
void result_add_warning(ar_result *r, const char *fmt, ...) AR_PRINTF(2, 3);

int result_exit_code(const ar_result *r);

/* What a failure to take in an input (the message, a restore file) makes of
 * the run: no memory, an I/O error or access denied is a failure of this
 * program (failed, exit 1); anything else is the input's fault
 * (invalid_input, exit 2). */
result_status result_status_for(ar_status st);

/* One-line JSON object (no newline); caller frees. NULL on no memory. */
char *result_to_json(const ar_result *r);

/* One line for a person (no newline); caller frees. */
char *result_to_text(const ar_result *r);

#endif
