/* The message parser and the matcher on arbitrary bytes. */
#include "ar_message.h"
#include "sca_match.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ar_message msg;
	sca_match_result m;

	if (ar_message_parse((const char *)data, size, &msg, NULL) == AR_OK) {
		(void)sca_match(&msg.finding, &m);
		ar_message_free(&msg);
	}
	return 0;
}
