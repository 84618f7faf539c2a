/* The manager-side sweep: finds the active Windows agents whose current SCA
 * results show the control failed (results that raised no alert because
 * they failed before the active response was set up) and dispatches the
 * active response to them through the Wazuh server API.
 *
 *   <program>_sweep --config FILE [--dry-run] [--agents ID,...] [--state FILE]
 *
 * One JSON summary on out, progress for a person on err. Exit status 0
 * when every failing agent was dispatched or skipped with a reason, 1 when
 * a dispatch failed or the sweep could not go through, 2 for a bad command
 * line or configuration. */
#ifndef SWEEP_H
#define SWEEP_H

#include <stdbool.h>
#include <stdio.h>

int sweep_main(int argc, char **argv, FILE *out, FILE *err, bool err_is_terminal);

#endif
