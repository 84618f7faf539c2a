#include "report/spool.h"

#include "platform/platform.h"
#include "util/path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SPOOL_SUFFIX    ".event.json"
#define EVENT_MAX_BYTES (1024u * 1024u)

ar_status spool_put(const char *dir, const char *event, ar_error *err)
{
	unsigned char rnd[4] = {0};
	char name[96];
	platform_dir *d = NULL;
	/* Owner-only on every run, before anything is put in it: it holds the
	 * reports and the API's token. */
	ar_status st = platform_dir_open_private(dir, &d, err);

	if (st != AR_OK)
		return ar_error_prefix(err, st, "spool");
	(void)platform_random(rnd, sizeof(rnd), NULL);
	/* Wall-clock seconds first so that names sort oldest first; within one
	 * second the order of events from different runs does not matter. */
	snprintf(name, sizeof(name), "%012llu-%08lu-%02x%02x%02x%02x" SPOOL_SUFFIX,
	         (unsigned long long)time(NULL), platform_pid() % 100000000ul, rnd[0], rnd[1],
	         rnd[2], rnd[3]);
	st = platform_dir_write(d, name, event, strlen(event), true, err);
	platform_dir_close(d);
	return st == AR_OK ? AR_OK : ar_error_prefix(err, st, "spool");
}

size_t spool_count(const char *dir)
{
	char **names = NULL;
	size_t n = 0;

	if (platform_list_dir(dir, SPOOL_SUFFIX, &names, &n, NULL) != AR_OK)
		return 0;
	platform_free_list(names, n);
	return n;
}

/* The spool, checked (owner-only again, whoever reset it) and listed:
 * every file in it is then reached through *d. */
static ar_status open_listed(const char *dir, platform_dir **d, char ***names, size_t *n,
                             ar_error *err)
{
	ar_status st = platform_dir_open_private(dir, d, err);

	*names = NULL;
	*n = 0;
	if (st == AR_OK)
		st = platform_dir_list(*d, SPOOL_SUFFIX, names, n, err);
	return st;
}

ar_status spool_trim(const char *dir, size_t max_events, size_t max_bytes, size_t *dropped,
                     ar_error *err)
{
	char **names = NULL;
	size_t n = 0, total = 0, first = 0;
	size_t *sizes = NULL;
	platform_dir *d = NULL;
	ar_status st = open_listed(dir, &d, &names, &n, err);

	*dropped = 0;
	if (st != AR_OK)
		goto out;
	sizes = calloc(n ? n : 1, sizeof(*sizes));
	if (sizes == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char *data = NULL;
		if (platform_dir_read(d, names[i], EVENT_MAX_BYTES, &data, &sizes[i], NULL) ==
		    AR_OK)
			total += sizes[i];
		free(data);
	}
	while (first < n && (n - first > max_events || total > max_bytes)) {
		if (platform_dir_remove(d, names[first], NULL) == AR_OK)
			(*dropped)++;
		total -= sizes[first];
		first++;
	}
out:
	free(sizes);
	platform_free_list(names, n);
	platform_dir_close(d);
	return st;
}

ar_status spool_take(const char *dir, size_t max, spool_entry **entries, size_t *count,
                     ar_error *err)
{
	char **names = NULL;
	size_t n = 0, got = 0;
	spool_entry *list = NULL;
	platform_dir *d = NULL;
	ar_status st = open_listed(dir, &d, &names, &n, err);

	*entries = NULL;
	*count = 0;
	if (st != AR_OK)
		goto out;
	list = calloc(n ? (n < max ? n : max) : 1, sizeof(*list));
	if (list == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && got < max; i++) {
		spool_entry *e = &list[got];
		unsigned char *data = NULL;
		if (platform_dir_read(d, names[i], EVENT_MAX_BYTES, &data, &e->len, NULL) !=
		            AR_OK ||
		    (e->path = path_join(dir, names[i])) == NULL) {
			free(data);
			continue;
		}
		e->event = (char *)data;
		got++;
	}
	*entries = list;
	*count = got;
	list = NULL;
out:
	spool_entries_free(list, 0);
	platform_free_list(names, n);
	platform_dir_close(d);
	return st;
}

void spool_entries_free(spool_entry *entries, size_t count)
{
	for (size_t i = 0; entries != NULL && i < count; i++) {
		free(entries[i].path);
		free(entries[i].event);
	}
	free(entries);
}
