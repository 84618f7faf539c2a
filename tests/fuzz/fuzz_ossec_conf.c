/* The manager's ossec.conf as the sweep reads it for the <extra_args> of
 * the command it dispatches: no crash, no leak, and arguments that are
 * what analysisd would make of them (non-empty words without a space, no
 * more than it keeps), none when no block runs the command. Read for the
 * command by its file and by its ar.conf name. */
#include "sweep/sweep_ossec_conf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *text, size_t size, const char *command)
{
	ossec_args a;
	size_t total = 0;

	if (ossec_conf_parse(text, size, command, &a, NULL) != AR_OK) {
		if (a.v != NULL || a.n != 0 || a.found)
			abort(); /* a refusal leaves nothing behind */
		return;
	}
	if (!a.found && a.n != 0)
		abort();
	for (size_t i = 0; i < a.n; i++) {
		if (a.v[i][0] == '\0' || strchr(a.v[i], ' ') != NULL)
			abort();
		total += strlen(a.v[i]);
	}
	if (total > OSSEC_ARGS_TEXT_MAX)
		abort();
	ossec_args_clear(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size, "!win_ms_network_client_sign_if_server_agrees.exe");
	check((const char *)data, size, "win-ms-network-client-sign0");
	return 0;
}
