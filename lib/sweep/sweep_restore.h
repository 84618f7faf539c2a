/* sweep --restore --agents ID,...: the argument restore-last dispatched to
 * exactly the agents named, each once, after the API has shown it to be an
 * active Windows agent of 4.2 or later (no SCA results are asked for); the
 * others are named on err with the reason and counted as skipped. The
 * program, given restore-last, puts back the state its last change on that
 * machine saved. The alert sent names the agent when it goes to one,
 * nothing otherwise: a restore is about no check. */
#ifndef SWEEP_RESTORE_H
#define SWEEP_RESTORE_H

#include "report/api_client.h"
#include "sweep/sweep_dispatch.h"
#include "sweep/sweep_state.h"
#include "sweep/sweep_summary.h"
#include "util/ar_error.h"

#include <stdbool.h>
#include <stdio.h>

#define SWEEP_RESTORE_ARG "restore-last"

typedef struct sweep_restore {
	api_client *api;
	sweep_dispatch *dispatch; /* NULL: a dry run, nothing is sent */
	sweep_state *state;       /* in memory: each agent once */
	sweep_summary *sum;
	const char *command;
	FILE *err;
	bool tty;
} sweep_restore;

/* ids: agent ids separated by commas (checked by the caller). Errors are
 * those that stop the sweep (the API out of reach). */
ar_status sweep_restore_run(const sweep_restore *r, const char *ids, ar_error *err);

#endif
