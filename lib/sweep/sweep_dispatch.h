/* Dispatch in batches: agents whose failing check reads the same get one
 * PUT /active-response with their ids in agents_list (never without it:
 * that would target every agent). A batch holds at most 500 ids (4.14
 * processes only the first 500 and drops the rest silently) and keeps the
 * request line well under the API's 16 KiB; it is sent when full, when it
 * has waited long enough, or at the end. The alert sent to one agent names
 * it; an alert sent to several names none (the agent's own log line is
 * tagged with the agent by the manager). */
#ifndef SWEEP_DISPATCH_H
#define SWEEP_DISPATCH_H

#include "report/api_client.h"
#include "sweep/sweep_state.h"
#include "sweep/sweep_summary.h"
#include "util/ar_error.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define SWEEP_BATCH_IDS_MAX 500
#define SWEEP_PATH_MAX      12288 /* path and query; the token and headers fit in the rest */

typedef struct sweep_dispatch sweep_dispatch;

ar_status sweep_dispatch_new(api_client *api, const char *command, sweep_state *state,
                             sweep_summary *sum, sweep_dispatch **out, ar_error *err);

/* Queues the agent with alert (taken over; it names no agent). Sends the
 * batch it joins when that is full. Errors are those that stop the sweep
 * (the API out of reach, the state file not written). */
ar_status sweep_dispatch_add(sweep_dispatch *d, const char *agent_id, const char *agent_name,
                             cJSON *alert, ar_error *err);

/* Sends the batches that have waited max_wait_ms or longer (0: all). */
ar_status sweep_dispatch_flush(sweep_dispatch *d, uint64_t max_wait_ms, ar_error *err);

/* The arguments every request carries (a JSON array of strings, copied);
 * none unless set. */
ar_status sweep_dispatch_set_arguments(sweep_dispatch *d, const cJSON *arguments, ar_error *err);

/* Alerts are sent without being judged as the program's own (a restore
 * names the agent and no check). */
void sweep_dispatch_take_any_alert(sweep_dispatch *d);

/* Called for each agent once its dispatch is settled: code 0 when the API
 * queued it, else the failure code (sweep_summary.h). */
typedef void (*sweep_settled_fn)(void *ctx, const char *agent_id, const char *agent_name,
                                 long code);
void sweep_dispatch_on_settled(sweep_dispatch *d, sweep_settled_fn fn, void *ctx);

void sweep_dispatch_free(sweep_dispatch *d);

/* Reads a PUT /active-response answer for the n ids sent: codes[i] is 0
 * when ids[i] is in data.affected_items, the error code of the
 * data.failed_items entry that lists it, or -1 when the answer does not
 * mention it. */
void sweep_dispatch_read_answer(const char *body, size_t len, const char *const *ids, size_t n,
                                long *codes);

#endif
