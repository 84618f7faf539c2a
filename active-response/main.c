/* wazuh-execd starts this with the alert on standard input; all the work is
 * in lib/ (app_main), so tests and fuzzers drive the same code. */
#include "app.h"
#include "platform/platform.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	char **args = NULL;
	int nargs = 0;
	ar_error err = {0};
	int code;

	platform_stdio_binary();
	/* One source for the arguments and their count. */
	if (platform_utf8_argv(argc, argv, &nargs, &args, &err) != AR_OK) {
		fprintf(stderr, "%s: %s\n", AR_PROGRAM_NAME, err.msg);
		return 1;
	}
	code = app_main(nargs, args, stdin, stdout, stderr);
	platform_free_argv(nargs, args);
	return code;
}
