/* The configuration as the program reads it: config_read of a file holding
 * the bytes, then report_config_parse. */
#include "report/report_config.h"

#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[1100];
	report_config *cfg = NULL;
	ar_error err = {0};
	char *text = NULL;
	size_t len = 0;
	ar_status st;

	if (path[0] == '\0')
		fuzz_path(path, sizeof(path), "config.json");
	fuzz_write(path, data, size);
	st = config_read(path, &text, &len, &err);
	if (st == AR_OK)
		st = report_config_parse(text, len, "/nonexistent/spool", &cfg, &err);
	if (st == AR_OK)
		report_config_free(cfg);
	else if (err.msg[0] == '\0')
		abort(); /* every refusal says why */
	free(text);
	return 0;
}
