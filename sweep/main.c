/* The manager-side sweep; all the work is in lib/sweep (sweep_main). */
#include "sweep/sweep.h"

#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	return sweep_main(argc, argv, stdout, stderr, isatty(fileno(stderr)) == 1);
}
