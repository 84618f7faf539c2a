/* The sweep's counts, printed at the end as one JSON object on standard
 * output: agents_listed, windows_active, failing, dispatched,
 * dispatch_failed, skipped (by reason), requests, seconds; the arguments
 * every dispatch carried and where they came from; the agents dispatched
 * to (or, in a dry run, that would have been), by id and name, the first
 * SWEEP_NAMED_MAX; and error, the reason, when the sweep could not go
 * through. Dispatch failures are also counted by the API's reason code,
 * for the person. */
#ifndef SWEEP_SUMMARY_H
#define SWEEP_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
	SKIP_UNKNOWN_AGENT,     /* named with --agents, unknown to the API */
	SKIP_REASONS
} sweep_skip;

#define SWEEP_CODES_MAX 16
#define SWEEP_NAMED_MAX 1000

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
	const char *const *arguments; /* borrowed */
	size_t arguments_n;
	const char *arguments_from; /* "ossec.conf" or the option */
	bool dry_run;
	struct sweep_named *named; /* owned: sweep_summary_clear */
	size_t named_n;
	char *error; /* owned */
} sweep_summary;

/* Names an agent dispatched to (would be, in a dry run): its id and name
 * kept escaped for a terminal and cut to TEXT_ECHOED_MAX, the first
 * SWEEP_NAMED_MAX agents only. */
void sweep_summary_name(sweep_summary *s, const char *id, const char *name);

/* The reason the sweep could not go through (escaped for a terminal). */
void sweep_summary_error(sweep_summary *s, const char *reason);

void sweep_summary_clear(sweep_summary *s);

/* What a failure code means, in words ("agent not active"). */
const char *sweep_summary_code_meaning(long code);

/* Counts n agents whose dispatch failed with code. */
void sweep_summary_failed(sweep_summary *s, long code, size_t n);

/* The summary as one line of JSON (the keys above); caller frees. */
char *sweep_summary_json(const sweep_summary *s);

/* One line for a person: the failures by reason code. */
void sweep_summary_print_failures(const sweep_summary *s, FILE *err);

/* One line for a person about an agent: "PREFIX agent ID (NAME)TEXT", the
 * id and name (from the API) escaped for a terminal; on a terminal it
 * first clears the progress bar's line. */
void sweep_summary_say_agent(FILE *err, bool tty, const char *prefix, const char *id,
                             const char *name, const char *text);

#endif
