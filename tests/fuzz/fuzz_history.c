/* The history file as a run reads it back: history_open on a file holding
 * the bytes. No crash, no leak; what it keeps is at most HISTORY_MAX_EVENTS
 * events of known kinds and times; a file it does not use is named in a
 * warning; what it keeps is saved and read back the same. */
#include "history.h"

#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static history *open_history(const char *backups, char **warning)
{
	history *h = NULL;
	ar_error err = {0};

	if (history_open(backups, false, &h, warning, &err) != AR_OK) {
		fprintf(stderr, "history_open: %s\n", err.msg);
		abort();
	}
	return h;
}

static void check_events(const history *h)
{
	size_t n;
	const history_event *e = history_events(h, &n);

	if (n > HISTORY_MAX_EVENTS)
		abort();
	for (size_t i = 0; i < n; i++)
		if (e[i].time < 0 || (e[i].kind != HISTORY_SET && e[i].kind != HISTORY_REVERT &&
		                      e[i].kind != HISTORY_RESTORE))
			abort();
}

/* Saved and opened again: the same events, and no warning. */
static void round_trip(history *h, const char *backups)
{
	size_t n, m;
	const history_event *a = history_events(h, &n), *b;
	char *warning = NULL;
	ar_error err = {0};
	history *again;

	if (history_save(h, &err) != AR_OK) {
		fprintf(stderr, "history_save: %s\n", err.msg);
		abort();
	}
	again = open_history(backups, &warning);
	b = history_events(again, &m);
	if (warning != NULL || m != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (a[i].time != b[i].time || a[i].kind != b[i].kind)
			abort();
	history_close(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char backups[1100], file[1100];
	char *warning = NULL;
	size_t n;
	history *h;

	if (file[0] == '\0') {
		/* The file is where the program looks for it. */
		/* The harness's own folder as the backups folder: opened without
		 * its lock, the history makes no folder of its own. */
		fuzz_path(backups, sizeof(backups), ".");
		h = open_history(backups, NULL);
		snprintf(file, sizeof(file), "%s", history_file(h));
		history_close(h);
	}
	fuzz_write(file, data, size);
	h = open_history(backups, &warning);
	check_events(h);
	(void)history_events(h, &n);
	if (warning != NULL && (n != 0 || strstr(warning, file) == NULL))
		abort(); /* a file not used is named, and nothing of it kept */
	if (n > 0)
		round_trip(h, backups);
	free(warning);
	history_close(h);
	return 0;
}
