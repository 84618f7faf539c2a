/* The reporting configuration parser on arbitrary bytes. */
#include "report_config.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	report_config *cfg = NULL;
	if (report_config_parse((const char *)data, size, "/tmp/spool", &cfg, NULL) == AR_OK)
		report_config_free(cfg);
	return 0;
}
