/* What the API sends back: the /events answer, matched against a batch,
 * and the login token. */
#include "report/report.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const batch[] = {"{\"status\":\"remediated\"}",
	                                    "{\"status\":\"compliant\"}",
	                                    "{\"status\":\"remediated\"}"};
	bool taken[3];
	size_t n = sizeof(batch) / sizeof(batch[0]), marked = 0, took;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	took = report_events_taken(text, size, batch, n, taken);
	for (size_t i = 0; i < n; i++)
		marked += taken[i] ? 1 : 0;
	if (took != marked)
		abort(); /* the count is the number of events marked */
	(void)report_jwt_exp(text);
	free(text);
	return 0;
}
