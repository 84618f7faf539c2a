/* The message parser and the matcher on arbitrary bytes: no crash, no leak,
 * and every refusal says why. */
#include "ar_message.h"
#include "sca_match.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ar_message msg;
	sca_match_result m;
	ar_error err = {0};

	if (ar_message_parse((const char *)data, size, &msg, &err) != AR_OK) {
		if (err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (sca_match(&msg.finding, &m) ? m.control == NULL : m.reason[0] == '\0')
		abort(); /* a match names its control, a refusal its reason */
	ar_message_free(&msg);
	return 0;
}
