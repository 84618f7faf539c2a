/* The manager-side sweep; all the work is in lib/sweep (sweep_main, and
 * sweep_api_user_main for the API users it and the reporter need). */
#include "sweep/sweep.h"
#include "sweep/sweep_api_user.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--setup-api-user") == 0)
		return sweep_api_user_main(argc, argv, stdout, stderr);
	return sweep_main(argc, argv, stdout, stderr, isatty(fileno(stderr)) == 1);
}
