/* The sweep's state file as a sweep started again reads it: no crash, no
 * leak. A dry run reads the same marks as a sweep; a line the sweep then
 * appends, after whatever the file held, is read back; and a sweep marked
 * complete leaves nothing to resume. */
#include "sweep/sweep_state.h"

#include "fuzz.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PROBE "fuzz-probe"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sweep_state *open_state(const char *path, bool read_only)
{
	sweep_state *s = NULL;
	ar_error err = {0};

	if (sweep_state_open(path, read_only, &s, &err) != AR_OK) {
		fprintf(stderr, "sweep_state_open: %s\n", err.msg);
		abort();
	}
	return s;
}

static void counts(const sweep_state *s, size_t *c)
{
	for (int m = 0; m < SWEEP_MARKS; m++)
		c[m] = sweep_state_count(s, (sweep_mark)m);
}

/* The probe agent marked dispatched by a sweep opening the file. */
static void mark_probe(const char *path, const size_t *before, bool resumed)
{
	static const char *const ids[] = {PROBE};
	sweep_state *s = open_state(path, false);
	size_t c[SWEEP_MARKS];
	ar_error err = {0};

	counts(s, c);
	if (memcmp(c, before, sizeof(c)) != 0 || sweep_state_resumed(s) != resumed)
		abort(); /* a sweep reads what a dry run read */
	if (sweep_state_mark(s, SWEEP_DISPATCHED, ids, 1, &err) != AR_OK) {
		fprintf(stderr, "sweep_state_mark: %s\n", err.msg);
		abort();
	}
	sweep_state_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[1100];
	size_t c[SWEEP_MARKS], after[SWEEP_MARKS];
	sweep_state *s;
	sweep_mark old;
	bool resumed;
	ar_error err = {0};

	if (path[0] == '\0')
		fuzz_path(path, sizeof(path), "sweep-state.jsonl");
	fuzz_write(path, data, size);
	s = open_state(path, true);
	counts(s, c);
	resumed = sweep_state_resumed(s);
	old = sweep_state_get(s, PROBE);
	sweep_state_close(s);
	for (int m = 0; m < SWEEP_MARKS; m++)
		if (!resumed && c[m] != 0)
			abort(); /* a finished sweep leaves nothing behind */
	mark_probe(path, c, resumed);

	c[old] -= old != SWEEP_UNSEEN;
	c[SWEEP_DISPATCHED]++;
	s = open_state(path, false);
	counts(s, after);
	if (sweep_state_get(s, PROBE) != SWEEP_DISPATCHED || !sweep_state_resumed(s) ||
	    memcmp(c, after, sizeof(c)) != 0)
		abort(); /* the appended line stands on its own */
	if (sweep_state_complete(s, &err) != AR_OK)
		abort();
	sweep_state_close(s);

	s = open_state(path, true);
	counts(s, after);
	memset(c, 0, sizeof(c));
	if (sweep_state_resumed(s) || memcmp(c, after, sizeof(c)) != 0)
		abort();
	sweep_state_close(s);
	return 0;
}
