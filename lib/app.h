/* The program: options, then stdin -> message -> match -> remediate ->
 * log/report, returning the exit status. main() only calls this. */
#ifndef APP_H
#define APP_H

#include <stdio.h>

int app_main(int argc, char **argv, FILE *in, FILE *out, FILE *errf);

#endif
