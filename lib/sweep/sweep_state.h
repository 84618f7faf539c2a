/* What a sweep has done, kept in a file so that a sweep killed half-way
 * and started again dispatches no agent twice: one JSON line per step,
 * appended as it happens. Agents are marked "sending" before their
 * PUT /active-response goes out, so an answer lost to a kill leaves them
 * marked rather than sent again. A finished sweep's file starts the next
 * sweep afresh. */
#ifndef SWEEP_STATE_H
#define SWEEP_STATE_H

#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum sweep_mark {
	SWEEP_UNSEEN = 0,
	SWEEP_CLEAN,      /* examined: nothing to dispatch */
	SWEEP_SENDING,    /* dispatch sent, answer not seen: never sent again */
	SWEEP_DISPATCHED, /* the API took it */
	SWEEP_FAILED,     /* the API refused it: tried again on resume */
	SWEEP_QUEUED,     /* waiting in a batch of this run (memory only) */
	SWEEP_MARKS
} sweep_mark;

typedef struct sweep_state sweep_state;

/* path NULL: kept in memory only. read_only (a dry run): read, never
 * written. A file in use by another sweep is an error. */
ar_status sweep_state_open(const char *path, bool read_only, sweep_state **out, ar_error *err);

sweep_mark sweep_state_get(const sweep_state *s, const char *agent_id);

/* Marks the agents, in memory and with one line appended to the file. */
ar_status sweep_state_mark(sweep_state *s, sweep_mark m, const char *const *ids, size_t n,
                           ar_error *err);

/* Marks one agent in memory only (SWEEP_QUEUED): a listing that shifts
 * while it is paged through may show an agent twice. */
void sweep_state_note(sweep_state *s, const char *agent_id, sweep_mark m);

/* The sweep went through: the next one starts afresh. */
ar_status sweep_state_complete(sweep_state *s, ar_error *err);

/* Agents with mark m, and whether the file held an unfinished sweep. */
size_t sweep_state_count(const sweep_state *s, sweep_mark m);
bool sweep_state_resumed(const sweep_state *s);

void sweep_state_close(sweep_state *s);

#endif
