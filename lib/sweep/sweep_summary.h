/* The sweep's counts, printed at the end as one JSON object on standard
 * output: agents_listed, windows_active, failing, dispatched,
 * dispatch_failed, skipped (by reason), requests, seconds. Dispatch
 * failures are also counted by the API's reason code, for the person. */
#ifndef SWEEP_SUMMARY_H
#define SWEEP_SUMMARY_H

#include <stdio.h>
#include <stddef.h>

typedef enum sweep_skip {
	SKIP_OLD_AGENT,         /* before 4.2: sent a legacy string, no alert */
	SKIP_VERSION_UNKNOWN,   /* the API gave no readable version */
	SKIP_NOT_WINDOWS,       /* listed despite the filter */
	SKIP_NOT_ACTIVE,        /* listed despite the filter */
	SKIP_NO_SCA,            /* no SCA scan results for the agent */
	SKIP_SCA_UNREADABLE,    /* the API refused its SCA results */
	SKIP_ALREADY_SENT,      /* an earlier run of this sweep dispatched it */
	SKIP_UNCONFIRMED,       /* an earlier run sent it and was cut off before the answer */
	SKIP_DRY_RUN,           /* failing; --dry-run dispatches nothing */
	SKIP_TOO_MANY_POLICIES, /* more SCA policies than the sweep examines an agent for */
	SKIP_REASONS
} sweep_skip;

#define SWEEP_CODES_MAX 16

/* Failure codes of the sweep's own, beside the API's (1701, 1707, ...)
 * and HTTP statuses (negated). */
#define SWEEP_CODE_NO_ANSWER 0  /* sent, no answer: it may have reached the agents */
#define SWEEP_CODE_UNLISTED  -1 /* the answer does not mention the agent */
#define SWEEP_CODE_NOT_OURS  -2 /* not sent: the program would not take the alert */

typedef struct sweep_summary {
	size_t agents_listed;
	size_t windows_active;
	size_t failing;
	size_t dispatched;
	size_t dispatch_failed;
	size_t skipped[SKIP_REASONS];
	size_t requests;
	double seconds;
	struct {
		long code; /* the API's error code, or -HTTP status, or 0: no answer */
		size_t agents;
	} failed_by[SWEEP_CODES_MAX];
	size_t failed_kinds;
} sweep_summary;

/* Counts n agents whose dispatch failed with code. */
void sweep_summary_failed(sweep_summary *s, long code, size_t n);

/* The summary as one line of JSON (the keys above); caller frees. */
char *sweep_summary_json(const sweep_summary *s);

/* One line for a person: the failures by reason code. */
void sweep_summary_print_failures(const sweep_summary *s, FILE *err);

#endif
